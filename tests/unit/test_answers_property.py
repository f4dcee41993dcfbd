"""Whatever the SDK answers, each call settles exactly once — hypothesis over SDK *answers* on CPython.

Plans (``tests/shared/answers.py``) script the CPython fake's ``answers`` behaviour: any sequence of
success/fail/complete calls with any number and kind of arguments (junk, cycles, unreadable
objects, odd codes), inside the call or later, with or without a returned thenable; the SDK call
may throw after its answers started (throws, then answers) and the caller may cancel its await
(cancelled, then answers). For each: exactly one outcome, the one ``expected(plan)`` names (never
a success after a failure), the answer after a throw or a cancellation heard by ``on_late_answer``
exactly once (``late(plan)``), nothing thrown into the SDK, nothing reported as an internal error,
and no pending call or order lock left — except the documented one: a call nobody answered stays
known (its ``pay`` order locked) after its timeout, throw or cancellation. ``tests/browser/test_answers_sample.py`` runs the fixed ``SAMPLE`` on both runtimes.
"""
import asyncio

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.shared.answers import ARGS, METHODS, SAMPLE, answered, cancels, expected, late, python_value
from ttminis import TTMinisError, _host, calls, game, testing

TIMEOUT = 0.05
steps = st.lists(st.fixed_dictionaries({
    "kind": st.sampled_from(["success", "fail", "complete"]),
    "args": st.lists(st.sampled_from(ARGS), max_size=3),
    "later": st.booleans()}), max_size=4)
plans = st.fixed_dictionaries({
    "method": st.sampled_from(METHODS), "style": st.sampled_from(["await", "callback"]),
    "steps": steps, "thenable": st.sampled_from([None, "resolve", "reject", "broken"]),
    "throws": st.booleans(), "cancel": st.booleans()})
_serial = iter(range(10 ** 9))


@pytest.fixture(scope="module")
def tiktok():
    fake = testing.install()
    yield fake
    testing.uninstall()


def settle(tiktok, plan):
    """Make the plan's call against the fake; (what Python got, the fake's record of the call)."""
    order = f"ord-{next(_serial)}"
    behaviour = {"answers": [{"kind": s["kind"], "args": [python_value(a) for a in s["args"]],
                              "later": s["later"]} for s in plan["steps"]]}
    if plan["thenable"]:
        behaviour["thenable"] = plan["thenable"]
    if plan.get("throws"):
        behaviour["throws"] = True
    tiktok.script(plan["method"], behaviour)
    heard = []
    calls.on_late_answer(heard.append)
    before = len(tiktok.calls)

    async def main():
        events = []
        kwargs = {"timeout": TIMEOUT}
        if plan["style"] == "callback":
            kwargs.update(success=lambda p: events.append(["success", p]),
                          fail=lambda p: events.append(["fail", p["error"]["error_code"]]),
                          complete=lambda *a: events.append(["complete", list(a)]))
        returned = {"pay": lambda: game.pay(order, **kwargs),
                    "recharge": lambda: game.recharge("tier-1", **kwargs),
                    "checkBalance": lambda: game.check_balance(5, **kwargs)}[plan["method"]]()
        if cancels(plan):
            returned.cancel()       # what asyncio.wait_for does when its time is up
        if plan["style"] == "await":
            try:
                events.append(["success", await returned])
            except TTMinisError as e:
                events.append(["fail", e.error_code])
            except asyncio.CancelledError:
                events.append(["cancelled", None])
        else:
            assert returned is None
        record = tiktok.calls[before]
        for _ in range(2000):      # until every scripted answer arrived, (callbacks) complete ran, late heard
            if len(record["answers"]) == len(plan["steps"]) and (
                    plan["style"] == "await" or any(e[0] == "complete" for e in events)) and (
                    bool(heard) == bool(late(plan))):
                break
            await asyncio.sleep(0.001)
        return events, record, order, heard
    return tiktok.run(main)


def check(tiktok, plan):
    events, record, order, heard = settle(tiktok, plan)
    outcome, value = expected(plan)
    settled = events[:-1] if plan["style"] == "callback" else events
    assert len(settled) == 1, events
    assert settled[0][0] == outcome, (events, plan)
    if outcome in ("fail", "cancelled"):
        assert settled[0][1] == value, (events, plan)
    elif value is not None:
        assert settled[0][1] is value
    else:
        assert isinstance(settled[0][1], dict)
    if plan["style"] == "callback":
        assert events[-1] == ["complete", []]
    assert record["thrown"] == [], "ttminis threw into the SDK"
    expected_late = late(plan)
    assert len(heard) == (1 if expected_late else 0), (heard, plan)
    if expected_late:
        assert heard[0]["method"] == plan["method"] and heard[0]["outcome"] == expected_late[0], (heard, plan)
        assert heard[0]["trade_order_id"] == (order if plan["method"] == "pay" else None)
        if expected_late[0] == "fail":
            assert heard[0]["payload"]["error"]["error_code"] == expected_late[1], (heard, plan)
        else:
            assert isinstance(heard[0]["payload"], dict)
    assert _host.reported == [], _host.reported
    if answered(plan):
        assert calls._pending == {} and calls._orders_in_flight == set()
    else:      # never answered (timed out, threw, cancelled): it stays known, its order locked (README, Payments)
        assert len(calls._pending) == 1
        assert calls._orders_in_flight == ({order} if plan["method"] == "pay" else set())
    calls.reset()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans)
def test_any_answer_sequence_settles_each_call_exactly_once(tiktok, plan):
    check(tiktok, plan)


@pytest.mark.parametrize("plan", SAMPLE, ids=[f"sample-{i}" for i in range(len(SAMPLE))])
def test_the_fixed_sample_settles_each_call_exactly_once(tiktok, plan):
    check(tiktok, plan)
