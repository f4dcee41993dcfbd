"""The fixed sample of hostile SDK answer-sequences (``tests/shared/answers.py``), on Pyodide AND
Brython in Chromium: real JS values — extra arguments, cycles, getters and Proxies that throw,
functions, BigInts, odd codes — passed to ttminis's real callbacks by the JS fake.

All the sample's calls run at once. Each must settle exactly once with what ``expected(plan)``
says, nothing may be thrown into the SDK (the fake records it) or reported as an error, and what
stays pending is exactly the calls nobody answered (their pay orders locked). Hypothesis explores
far more plans on CPython: ``tests/unit/test_answers_property.py``.
"""
import pytest

from tests.shared.answers import JS_VALUE, SAMPLE, answered, call_source, expected

pytestmark = pytest.mark.browser
TIMEOUT = 0.3

SCRIPT = """(plans) => {
  const value = %s;
  plans.forEach((plan) => {
    const behaviour = {answers: plan.steps.map((s) => ({kind: s.kind, args: s.args.map(value), later: s.later}))};
    if (plan.thenable) behaviour.thenable = plan.thenable;
    TTMinisFake.script(plan.method, behaviour);
  });
}""" % JS_VALUE

RUN = """
from ttminis import calls

class Events:
    def __init__(self):
        self.events = []
    def success(self, payload):
        self.events.append(["success", shape(payload)])
    def fail(self, payload):
        self.events.append(["fail", payload["error"]["error_code"]])
    def complete(self, *args):
        self.events.append(["complete", len(args)])
    def callbacks(self):
        return {"success": self.success, "fail": self.fail, "complete": self.complete}

def shape(value):
    return value if isinstance(value, bool) else "dict" if isinstance(value, dict) else type(value).__name__

started = []
for source in CALLS:          # each a lambda r: game.<method>(...)
    r = Events()
    started.append([r, source(r)])
results = []
for r, returned in started:
    if returned is not None:
        try:
            r.events.append(["success", shape(await returned)])
        except ttminis.TTMinisError as e:
            r.events.append(["fail", e.error_code])
    results.append(r.events)
await until(lambda: all(len(e) == (2 if style == "callback" else 1) for e, style in zip(results, STYLES)))
records = [c for c in js.TTMinisFake.calls if c.method in ("pay", "recharge", "checkBalance")]
await until(lambda: all(len(c.answers) == n for c, n in zip(records, STEPS)))
return {"events": results, "thrown": [list(c.thrown) for c in records], "pending": len(calls._pending),
        "locked": sorted(calls._orders_in_flight), "errors": list(js.ttminisLoader.errors)}
"""


def test_every_answer_sequence_in_the_sample_settles_each_call_exactly_once(harness):
    harness.js(SCRIPT, SAMPLE)
    calls = ",\n".join(f"    lambda r: {call_source(plan, f'ans-{i}', TIMEOUT)}" for i, plan in enumerate(SAMPLE))
    result = harness.py(f"CALLS = [\n{calls}]\nSTYLES = {[p['style'] for p in SAMPLE]!r}\n"
                        f"STEPS = {[len(p['steps']) for p in SAMPLE]!r}\n" + RUN)
    for i, (plan, events) in enumerate(zip(SAMPLE, result["events"])):
        outcome, value = expected(plan)
        settled = events[:-1] if plan["style"] == "callback" else events
        assert len(settled) == 1 and settled[0][0] == outcome, (i, plan, events)
        if outcome == "fail" or value is not None:
            assert settled[0][1] == value, (i, plan, events)
        else:
            assert settled[0][1] == "dict", (i, plan, events)
        if plan["style"] == "callback":
            assert events[-1] == ["complete", 0], (i, plan, events)
    assert result["thrown"] == [[]] * len(SAMPLE), "ttminis threw into the SDK"
    assert result["errors"] == []
    assert result["pending"] == sum(1 for plan in SAMPLE if not answered(plan))
    assert result["locked"] == sorted(f"ans-{i}" for i, plan in enumerate(SAMPLE)
                                      if plan["method"] == "pay" and not answered(plan))
