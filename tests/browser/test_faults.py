"""Fault injection: every purchase method against a misbehaving fake SDK, on Pyodide AND Brython.

For each method and fault, in both styles: the call settles exactly once with the right outcome
(a failure is never reported as a success), nothing is thrown into the SDK, and nothing is left
alive afterwards (no pending call in ttminis but the ones the SDK threw on, which it may still
answer; on Pyodide, no extra live PyProxy).
"""
import itertools
import random

import pytest

from ttminis.errors import ERROR_IN_FLIGHT, ERROR_SDK_THREW, ERROR_TIMEOUT, ERROR_UNAVAILABLE, ERROR_UNKNOWN

pytestmark = pytest.mark.browser

METHODS = {   # JS name -> (Python call with {args} for extra keywords, success value when awaited)
    "checkBalance": ("game.check_balance(5{args})", True),
    "recharge": ("game.recharge('tier-1'{args})", {}),
    "pay": ("game.pay(ORDER{args})", {}),
    "navigateToBalance": ("game.navigate_to_balance({args})", {}),
}
SUCCESS_PAYLOAD = {"checkBalance": {"is_sufficient": True}}
SCRIPTED = {"error_code": 50001000, "error_msg": "scripted failure (fake)", "error_extra": {}}

# fault -> (behaviour for the fake, SDK answers to wait for, expected outcome)
FAULTS = {
    "answers twice": ({"outcome": "twice"}, 2, "success"),
    "success then fail": ({"outcome": "success_then_fail"}, 2, "success"),
    "fail then success": ({"outcome": "fail_then_success"}, 2, ("fail", 50001000)),
    "throws synchronously": ({"outcome": "throw", "message": "bridge down"}, 0, ("fail", ERROR_SDK_THREW)),
    "fail without error object": ({"outcome": "fail", "raw": None}, 1, ("fail", ERROR_UNKNOWN)),
    "fail with a string code and null message": (
        {"outcome": "fail", "raw": {"error": {"error_code": "20011002", "error_msg": None}}}, 1, ("fail", 20011002)),
    "fail with a bare string": ({"outcome": "fail", "raw": "cancelled by user"}, 1, ("fail", ERROR_UNKNOWN)),
    "fail with a number": ({"outcome": "fail", "raw": 7}, 1, ("fail", ERROR_UNKNOWN)),
    "answers synchronously inside the call": ({"sync": True}, 1, "success"),
    "answers after a timer": ({"delay": 5}, 1, "success"),
    "returns a rejected promise besides calling back": ({"thenable": "reject", "raw": {"x": 1}}, 1, "success"),
    "returns a resolved promise besides failing": ({"outcome": "fail", "thenable": "resolve"}, 1, ("fail", 50001000)),
}

LIVE = """
def live():
    from ttminis.backend import ffi
    if ffi.NAME != "pyodide":
        return None          # Brython makes no proxies: there is nothing to count
    module = js.ttminisLoader.pyodide._module    # fails loudly where it cannot measure, never 0
    module.enable_pyproxy_allocation_tracing()
    return module.pyproxy_alloc_map.size
"""

RUN_BOTH_STYLES = LIVE + """
from ttminis import calls
before = [live(), len(calls._pending)]
outcomes = []
r = Recorder()
try:
    returned = {callback_call}
except Exception as e:
    outcomes.append(["raised", type(e).__name__])
else:
    await r.done
    outcomes.append(["callback", returned, r.events])
try:
    outcomes.append(["await", "success", await {await_call}])
except ttminis.TTMinisError as e:
    outcomes.append(["await", "fail", e.error_code, bool(e.error_msg)])
# Every answer the fake gives reaches ttminis inside the fake's own answering code, so once the
# fake has recorded all of them, any late, extra answer has already arrived (and been ignored).
await until(lambda: len(js.TTMinisFake.callsOf({method!r})) == 2 and
            all(len(c.answers) >= {answers} for c in js.TTMinisFake.callsOf({method!r})))
thrown = [list(c.thrown) for c in js.TTMinisFake.callsOf({method!r})]
outcomes.append(["after", r.events, [live(), len(calls._pending) - {stays}] == before, thrown])
return outcomes
"""


_serial = itertools.count()


def fresh_orders(h):
    """Order ids never used before in this page (a never-answered pay keeps its id locked)."""
    n = next(_serial)
    ids = [f"ord-cb-{n}", f"ord-aw-{n}"]
    h.js("(ids) => ids.forEach((id) => TTMinisFake.backend.createOrder(5, id))", ids)
    return ids


def prepare(h, method, behaviour):
    h.js("([m, b]) => { TTMinisFake.script(m, b); TTMinisFake.script(m, b); }", [method, behaviour])
    return fresh_orders(h)


def calls_for(method, orders, extra=""):
    template, _ = METHODS[method]
    callback_call = template.replace("ORDER", repr(orders[0])).format(args=(", " if method != "navigateToBalance" else "")
                                                                 + "**r.callbacks()" + extra)
    await_call = template.replace("ORDER", repr(orders[1])).format(
        args=(", " if method != "navigateToBalance" and extra else "") + extra.lstrip(", "))
    return callback_call, await_call


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("method", list(METHODS))
def test_each_call_settles_exactly_once_with_the_right_outcome(harness, method, fault):
    behaviour, answers, expected = FAULTS[fault]
    callback_call, await_call = calls_for(method, prepare(harness, method, behaviour))
    stays = 2 if fault == "throws synchronously" else 0     # the SDK had both calls and may still answer
    outcomes = harness.py(RUN_BOTH_STYLES.format(callback_call=callback_call, await_call=await_call,
                                                 method=method, answers=answers, stays=stays))
    (_, returned, events), awaited, (_, events_after, clean, thrown) = outcomes
    assert returned is None
    assert thrown == [[], []], "ttminis threw into the SDK"
    assert events == events_after, "a late answer reached the user's callbacks"
    assert [name for name, *_ in events] == ["success" if expected == "success" else "fail", "complete"]
    if expected == "success":
        assert events[0][1] == SUCCESS_PAYLOAD.get(method, {})
        assert awaited == ["await", "success", METHODS[method][1]]
    else:
        assert events[0][1]["error"]["error_code"] == expected[1]
        assert events[0][1]["error"]["error_msg"]
        assert awaited == ["await", "fail", expected[1], True]
    assert clean, "a pending call or a live proxy was left behind"


@pytest.mark.parametrize("method", list(METHODS))
def test_a_call_never_answered_times_out_once_in_both_styles(harness, method):
    harness.js("(m) => TTMinisFake.setDefault(m, {outcome: 'never'})", method)
    callback_call, await_call = calls_for(method, fresh_orders(harness), ", timeout=0.05")
    outcomes = harness.py(LIVE + f"""
from ttminis import calls
r = Recorder()
{callback_call}
await r.done
try:
    await {await_call}
except ttminis.TTMinisTimeout as e:
    awaited = [e.error_code, e.error_extra, isinstance(e, ttminis.TTMinisError)]
# the await-style timer was set after the callback-style one: a second timeout would be in by now
return [r.events, awaited]
""")
    events, awaited = outcomes
    assert [e[0] for e in events] == ["fail", "complete"]
    assert events[0][1]["error"]["error_code"] == ERROR_TIMEOUT
    assert awaited == [ERROR_TIMEOUT, {"timeout": 0.05}, True]


@pytest.mark.parametrize("method", list(METHODS))
def test_without_timeout_an_unanswered_call_keeps_waiting(harness, method):
    harness.js("(m) => TTMinisFake.script(m, {outcome: 'never'})", method)
    _, await_call = calls_for(method, fresh_orders(harness))
    assert harness.py(f"""
from ttminis import calls
fut = {await_call}
await until(lambda: len(js.TTMinisFake.callsOf({method!r})) == 1)
await game.login()          # answered through the same fake, after the first call
return [fut.done(), len(calls._pending)]
""") == [False, 1]


@pytest.mark.parametrize("method", list(METHODS))
def test_the_sdk_appearing_after_the_game_started_is_used(harness, method):
    harness.js("() => TTMinisFake.uninstall()")
    info = harness.py_raises(calls_for(method, ["x", "x"])[1])
    assert info["type"] == "TTMinisUnavailable" and info["error_code"] == ERROR_UNAVAILABLE
    harness.js("() => TTMinisFake.install()")
    _, await_call = calls_for(method, fresh_orders(harness))
    assert harness.py(f"return await {await_call}") == METHODS[method][1]


def test_a_second_pay_for_an_order_in_flight_fails_at_once_and_the_first_completes(harness):
    harness.js("() => TTMinisFake.script('pay', {delay: 20})")
    order = fresh_orders(harness)[0]
    assert harness.py(f"""
first = game.pay({order!r})
r = Recorder()
game.pay({order!r}, **r.callbacks())
try:
    await game.pay({order!r})
except ttminis.TTMinisError as e:
    second = e.error_code
await r.done
return [await first, second, r.events[0][1]["error"]["error_code"]]
""") == [{}, ERROR_IN_FLIGHT, ERROR_IN_FLIGHT]
    assert len(harness.calls("pay")) == 1
    info = harness.py_raises(f"await game.pay({order!r})")   # settled: a new pay reaches the SDK (already paid)
    assert info["error_code"] == 90000001 and len(harness.calls("pay")) == 2


RANDOM_OUTCOMES = ["default", "fail", "twice", "success_then_fail", "fail_then_success", "throw", "never", "sync"]


def test_a_thousand_concurrent_calls_with_random_outcomes_all_settle_correctly(harness):
    rng = random.Random(20261125)
    plan = [(rng.choice(list(METHODS)), rng.choice(RANDOM_OUTCOMES)) for _ in range(1000)]
    harness.js("""(plan) => {
      TTMinisFake.wallet.balance = 1e9;
      plan.forEach(([method, outcome], i) => {
        if (method === 'pay') TTMinisFake.backend.createOrder(1, 'r-' + i);
        TTMinisFake.script(method, outcome === 'sync' ? {sync: true} : {outcome: outcome, delay: (i * 7) % 13});
      });
    }""", [list(p) for p in plan])
    calls = []
    for i, (method, _) in enumerate(plan):
        template = METHODS[method][0].replace("ORDER", repr(f"r-{i}"))
        calls.append(template.format(args=", timeout=2" if method != "navigateToBalance" else "timeout=2"))
    results = harness.py(LIVE + """
from ttminis import calls
before = [live(), len(calls._pending)]
futures = [""" + ", ".join(calls) + """]
out = []
for fut in futures:
    try:
        out.append(["ok", await fut])
    except ttminis.TTMinisError as e:
        out.append(["error", e.error_code])
return [out, None if before[0] is None else live() == before[0], len(calls._pending) - before[1]]
""")
    outcomes, no_new_proxy, still_pending = results
    expected_success = {"default", "twice", "success_then_fail", "sync"}
    for i, ((method, outcome), result) in enumerate(zip(plan, outcomes)):
        if outcome in expected_success:
            assert result == ["ok", METHODS[method][1]], (i, method, outcome, result)
        elif outcome == "never":
            assert result == ["error", ERROR_TIMEOUT], (i, method, outcome, result)
        elif outcome == "throw":
            assert result == ["error", ERROR_SDK_THREW], (i, method, outcome, result)
        else:
            assert result == ["error", 50001000], (i, method, outcome, result)
    paid = sum(1 for method, outcome in plan if method == "pay" and outcome in expected_success)
    assert harness.js("() => TTMinisFake.wallet.balance") == 1e9 - paid + 60 * sum(
        1 for method, outcome in plan if method == "recharge" and outcome in {"default", "twice", "success_then_fail", "sync"})
    assert len(harness.calls()) == 1000
    assert no_new_proxy is not False
    # a call that never got an answer (timed out, or the SDK threw) stays known, a pay keeping its
    # order locked, until the SDK answers
    assert still_pending == sum(1 for method, outcome in plan if outcome in ("never", "throw"))
