"""Hostile SDK *answers* (not inputs): plans for the fakes' ``answers`` behaviour and the rule that
says how ttminis must settle each.

A plan is JSON-able, so the same plans run on CPython (``tests/unit/test_answers_property.py``,
hypothesis plus the fixed ``SAMPLE``) and in the browser on Pyodide and Brython
(``tests/browser/test_answers_sample.py``, the fixed ``SAMPLE``)::

    {"method": "pay" | "recharge" | "checkBalance", "style": "await" | "callback",
     "steps": [{"kind": "success" | "fail" | "complete", "args": [ARG, ...], "later": bool}],
     "thenable": None | "resolve" | "reject" | "broken",
     "throws": bool,     # the SDK call throws after its steps inside the call (later ones still come)
     "cancel": bool}     # await style: the caller cancels its await at once (asyncio's cancel())

An ARG is a descriptor turned into a real value on each side (``python_value`` here, ``JS_VALUE``
in the browser): plain data, TikTok- and WeChat-shaped errors with odd codes, cycles, getters that
throw, Proxies, functions, BigInts. ``expected(plan)`` is the specification, written here
independently of ttminis: the steps inside the call run first, then a returned thenable's
reaction, then the ``later`` steps (after a timer); the first success/fail/rejection decides —
unless the call threw or its await was cancelled first: then ``ERROR_SDK_THREW`` or the cancellation
decides, and the first answer after it goes to ``on_late_answer`` (``late(plan)``).
"""
import math
import random
import re

ERROR_TIMEOUT, ERROR_SDK_THREW, ERROR_UNKNOWN = -1, -2, -3
FAKE_REJECTION_CODE = 50001000       # what the fakes reject a "reject" thenable with

ODD_CODES = [20011002, "20011002", " 42 ", "-7", "--5", "²", "٣", "1e3", "", None, True, 1.5, 1e300, -0.0,
             2 ** 70, "9" * 40, "0x10", "NaN", [1], {"n": 1}]
ARGS = [["undefined"], ["null"], ["number", 7], ["string", "cancelled"], ["bool", False],
        ["object", {"a": [1, None, {"b": "c"}]}], ["sufficient", True], ["sufficient", False],
        ["cycle"], ["array_cycle"], ["error_cycle"], ["getter_throws"], ["getter_throws_code"],
        ["proxy_throws"], ["function"], ["bigint"]] + \
       [["error", code] for code in ODD_CODES] + [["wechat", code] for code in ODD_CODES[:8]]
METHODS = ["pay", "recharge", "checkBalance"]
CALLS = {"pay": "game.pay({order!r}{extra})", "recharge": "game.recharge('tier-1'{extra})",
         "checkBalance": "game.check_balance(5{extra})"}


def expected_code(code):
    """The int code ttminis must report for a failure carrying ``code``."""
    if code is None or isinstance(code, bool):
        return ERROR_UNKNOWN
    if isinstance(code, int):
        return code
    if isinstance(code, float):
        return int(code) if math.isfinite(code) and code == int(code) else ERROR_UNKNOWN
    if isinstance(code, str) and re.fullmatch(r"-?[0-9]{1,30}", code.strip()):
        return int(code.strip())
    return ERROR_UNKNOWN


def failure_code(args):
    """The code a ``fail`` called with ``args`` must be reported with."""
    first = args[0] if args else ["undefined"]
    if first[0] in ("error", "wechat"):
        return expected_code(first[1])
    if first[0] == "error_cycle":
        return 5
    return ERROR_UNKNOWN


def cancels(plan):
    """Whether the caller cancels its await at once (``"cancel"``; await style only)."""
    return bool(plan.get("cancel")) and plan["style"] == "await"


def _answers(plan):
    """Every answer that reaches ttminis, in order: (kind, args, inside_the_call). A thenable's
    resolution is not one (the callbacks own success); a call that throws returns no thenable."""
    steps = [s for s in plan["steps"] if s["kind"] != "complete"]
    events = [(s["kind"], s["args"], True) for s in steps if not s["later"]]
    if plan["thenable"] == "reject" and not plan.get("throws"):
        events.append(("reject", [], False))
    return events + [(s["kind"], s["args"], False) for s in steps if s["later"]]


def first_answer(plan):
    """(kind, args) of the answer that must decide the outcome, or None if none counts. A call that
    throws, or whose await is cancelled, is decided then: only answers inside the call come first."""
    events = _answers(plan)
    if plan.get("throws") or cancels(plan):
        events = [e for e in events if e[2]]
    return events[0][:2] if events else None


def _outcome_of(kind, args, awaited_check_balance=False):
    if kind == "reject":
        return ("fail", FAKE_REJECTION_CODE)
    if kind == "fail":
        return ("fail", failure_code(args))
    if awaited_check_balance:
        payload = args[0] if args else ["undefined"]
        return ("success", payload[1]) if payload[0] == "sufficient" else ("fail", ERROR_UNKNOWN)
    return ("success", None)


def expected(plan):
    """``("success", value_or_None)``, ``("fail", code)`` or ``("cancelled", None)``: what the call
    must settle with. A value of None means "any dict" (the payload as ttminis could read it)."""
    first = first_answer(plan)
    if first is None:
        if plan.get("throws"):
            return ("fail", ERROR_SDK_THREW)
        return ("cancelled", None) if cancels(plan) else ("fail", ERROR_TIMEOUT)
    return _outcome_of(*first, plan["method"] == "checkBalance" and plan["style"] == "await")


def late(plan):
    """``("success", None)`` or ``("fail", code)``: the answer ``on_late_answer`` must hear — the
    first one after a call that threw or was cancelled — or None. (The whole payload goes there:
    a late checkBalance answer is a success whatever it carries.)"""
    if first_answer(plan) is not None or not (plan.get("throws") or cancels(plan)):
        return None
    events = _answers(plan)
    return _outcome_of(*events[0][:2]) if events else None


def answered(plan):
    """Whether any success/fail/rejection reaches ttminis at all (else the call stays pending)."""
    return bool(_answers(plan))


def call_source(plan, order, timeout):
    """Python source for the call (callback style passes ``**r.callbacks()`` of a Recorder ``r``)."""
    extra = f", timeout={timeout}" + (", **r.callbacks()" if plan["style"] == "callback" else "")
    return CALLS[plan["method"]].format(order=order, extra=extra)


class _Throwing(dict):
    """CPython's stand-in for a JS object whose getters throw: reading it fails."""

    def items(self):
        raise RuntimeError("getter threw")

    def get(self, *args):
        raise RuntimeError("getter threw")

    def __iter__(self):
        raise RuntimeError("getter threw")

    def __contains__(self, key):
        raise RuntimeError("getter threw")


def python_value(arg):
    """The CPython value for an ARG descriptor (what a JS value arrives as, or stands in for it)."""
    kind = arg[0]
    if kind in ("undefined", "null"):
        return None
    if kind in ("number", "string", "bool", "object"):
        return arg[1]
    if kind == "sufficient":
        return {"is_sufficient": arg[1]}
    if kind == "cycle":
        value = {"a": 1}
        value["self"] = value
        return value
    if kind == "array_cycle":
        value = [1]
        value.append(value)
        return value
    if kind == "error_cycle":
        extra = {}
        extra["again"] = extra
        return {"error": {"error_code": 5, "error_msg": "cyclic extra", "error_extra": extra}}
    if kind in ("getter_throws", "proxy_throws"):
        return _Throwing(error=1)
    if kind == "getter_throws_code":
        return {"error": _Throwing(error_code=1)}
    if kind == "function":
        return lambda *args: None
    if kind == "bigint":
        return 10 ** 30
    if kind == "error":
        return {"error": {"error_code": arg[1], "error_msg": "scripted", "error_extra": {}}}
    if kind == "wechat":
        return {"errMsg": "pay:fail scripted", "errNo": arg[1]}
    raise ValueError(arg)


# The same descriptors made into real JS values in the page (no eval: a plain function).
JS_VALUE = """(arg) => {
  const [kind, value] = arg;
  if (kind === 'undefined') return undefined;
  if (kind === 'null') return null;
  if (['number', 'string', 'bool', 'object'].includes(kind)) return value;
  if (kind === 'sufficient') return {is_sufficient: value};
  if (kind === 'cycle') { const o = {a: 1}; o.self = o; return o; }
  if (kind === 'array_cycle') { const a = [1]; a.push(a); return a; }
  if (kind === 'error_cycle') { const x = {}; x.again = x;
    return {error: {error_code: 5, error_msg: 'cyclic extra', error_extra: x}}; }
  if (kind === 'getter_throws') return Object.defineProperty({}, 'error',
    {enumerable: true, get() { throw new Error('getter threw'); }});
  if (kind === 'getter_throws_code') return {error: Object.defineProperty({error_msg: 'm'}, 'error_code',
    {enumerable: true, get() { throw new Error('getter threw'); }})};
  if (kind === 'proxy_throws') return new Proxy({}, {ownKeys() { throw new Error('ownKeys threw'); },
    get() { throw new Error('get threw'); }, getOwnPropertyDescriptor() { throw new Error('gopd threw'); }});
  if (kind === 'function') return function () {};
  if (kind === 'bigint') return 10n ** 30n;
  if (kind === 'error') return {error: {error_code: value, error_msg: 'scripted', error_extra: {}}};
  if (kind === 'wechat') return {errMsg: 'pay:fail scripted', errNo: value};
  throw new Error('unknown arg ' + kind);
}"""


def random_plan(rng):
    """One plan drawn with ``rng`` (a ``random.Random``): how the fixed SAMPLE is made."""
    steps = []
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
        steps.append({"kind": rng.choice(["success", "fail", "fail", "complete"]),
                      "args": [rng.choice(ARGS) for _ in range(rng.choice([0, 1, 1, 2, 3]))],
                      "later": rng.random() < 0.4})
    return {"method": rng.choice(METHODS), "style": rng.choice(["await", "callback"]), "steps": steps,
            "thenable": rng.choice([None, None, "resolve", "reject", "broken"])}


def fault_plans():
    """Throws, then answers; cancelled, then answers: every method and style, each way the answer
    may come (inside the call, later, a rejected thenable, never)."""
    answers = {"inside success": [{"kind": "success", "args": [["object", {"a": 1}]], "later": False}],
               "later success": [{"kind": "success", "args": [["sufficient", True]], "later": True}],
               "later fail": [{"kind": "fail", "args": [["error", 20011002]], "later": True},
                              {"kind": "success", "args": [], "later": True}],
               "later junk fail": [{"kind": "fail", "args": [["getter_throws_code"]], "later": True}],
               "never": [{"kind": "complete", "args": [], "later": True}]}
    plans = []
    for i, method in enumerate(METHODS):
        for name, steps in answers.items():
            for style in ("await", "callback"):
                plans.append({"method": method, "style": style, "steps": steps, "thenable": None, "throws": True})
            plans.append({"method": method, "style": "await", "steps": steps,
                          "thenable": [None, "reject", "resolve"][i], "cancel": True})
    return plans


def _sample():
    rng = random.Random(20261129)
    plans = [random_plan(rng) for _ in range(60)]
    faults = random.Random(20261205)
    for _ in range(30):       # random plans that throw, or whose await is cancelled
        plan = random_plan(faults)
        plan["throws" if faults.random() < 0.5 else "cancel"] = True
        plans.append(plan)
    plans += fault_plans()
    # Every descriptor at least once as the deciding success and failure argument, in both styles.
    for i, arg in enumerate(ARGS):
        for kind in ("success", "fail"):
            plans.append({"method": METHODS[i % 3], "style": ["await", "callback"][i % 2],
                          "steps": [{"kind": kind, "args": [arg, ["object", {"extra": True}]], "later": bool(i % 3)},
                                    {"kind": "fail" if kind == "success" else "success", "args": [], "later": True}],
                          "thenable": None})
    return plans


SAMPLE = _sample()


# Scripts the JS fake with the plans (a function of the plans; no eval).
SCRIPT_FAKE = """(plans) => {
  const value = %s;
  plans.forEach((plan) => {
    const behaviour = {answers: plan.steps.map((s) => ({kind: s.kind, args: s.args.map(value), later: s.later}))};
    if (plan.thenable) behaviour.thenable = plan.thenable;
    if (plan.throws) behaviour.throws = true;
    TTMinisFake.script(plan.method, behaviour);
  });
}""" % JS_VALUE

# Whether every scripted answer was given (the fake's records, one per plan, in order).
FAKE_DONE = """(steps) => {
  const records = TTMinisFake.calls.filter((c) => ['pay', 'recharge', 'checkBalance'].includes(c.method));
  return records.length === steps.length && records.every((c, i) => c.answers.length === steps[i]);
}"""
FAKE_THROWN = ("() => TTMinisFake.calls.filter((c) => ['pay', 'recharge', 'checkBalance'].includes(c.method))"
               ".map((c) => c.thrown)")

# Page side (the harness game, on any runtime): make every call of the plans at once, cancel the
# awaits the plans cancel, and wait for every outcome and every late answer the plans expect.
RUN_CALLS = """
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

state["late"] = heard = []
calls.on_late_answer(heard.append)
started = []
for source, cancel in zip(CALLS, CANCEL):          # each a lambda r: game.<method>(...)
    r = Events()
    returned = source(r)
    if cancel:
        returned.cancel()                           # what asyncio.wait_for does when its time is up
    started.append([r, returned])
results = []
for r, returned in started:
    if returned is not None:
        if returned.done() and getattr(returned, "cancelled", lambda: False)():
            r.events.append(["cancelled", None])
        else:
            try:
                r.events.append(["success", shape(await returned)])
            except ttminis.TTMinisError as e:
                r.events.append(["fail", e.error_code])
    results.append(r.events)
await until(lambda: all(len(e) == (2 if style == "callback" else 1) for e, style in zip(results, STYLES)))
await until(lambda: len(heard) >= LATE)
return results
"""

# Page side, once the fake gave every answer: what ttminis was left with.
RUN_AFTER = """
from ttminis import calls
late = [[a["method"], a["trade_order_id"], a["outcome"],
         a["payload"]["error"]["error_code"] if a["outcome"] == "fail" else type(a["payload"]).__name__]
        for a in state.pop("late")]
return {"late": sorted(late, key=repr), "pending": len(calls._pending), "locked": sorted(calls._orders_in_flight)}
"""


def page_program(plans, timeout):
    """RUN_CALLS for ``plans`` (calls on orders ``ans-<i>``); its value is each call's events."""
    calls = ",\n".join(f"    lambda r: {call_source(plan, f'ans-{i}', timeout)}" for i, plan in enumerate(plans))
    return (f"CALLS = [\n{calls}]\nSTYLES = {[p['style'] for p in plans]!r}\n"
            f"CANCEL = {[cancels(p) for p in plans]!r}\nLATE = {sum(1 for p in plans if late(p))}\n" + RUN_CALLS)


def check_page_results(plans, events_of_each, thrown, after):
    """The sample's outcomes in a page or the simulator, against the specification above."""
    for i, (plan, events) in enumerate(zip(plans, events_of_each)):
        outcome, value = expected(plan)
        settled = events[:-1] if plan["style"] == "callback" else events
        assert len(settled) == 1 and settled[0][0] == outcome, (i, plan, events)
        if outcome in ("fail", "cancelled") or value is not None:
            assert settled[0][1] == value, (i, plan, events)
        else:
            assert settled[0][1] == "dict", (i, plan, events)
        if plan["style"] == "callback":
            assert events[-1] == ["complete", 0], (i, plan, events)
    assert thrown == [[]] * len(plans), "ttminis threw into the SDK"
    heard = sorted(([p["method"], f"ans-{i}" if p["method"] == "pay" else None, late(p)[0],
                     late(p)[1] if late(p)[0] == "fail" else "dict"]
                    for i, p in enumerate(plans) if late(p)), key=repr)
    assert after["late"] == heard
    assert after["pending"] == sum(1 for plan in plans if not answered(plan))
    assert after["locked"] == sorted(f"ans-{i}" for i, plan in enumerate(plans)
                                     if plan["method"] == "pay" and not answered(plan))


def as_run_on(runtime, plans):
    """The plans as a runtime can run them: Brython's ``browser.aio.Future`` cannot be cancelled
    (it has only done/set_result/set_exception), so there an await is never cancelled."""
    if runtime != "brython":
        return plans
    return [dict(plan, cancel=False) for plan in plans]
