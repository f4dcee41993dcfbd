"""The in-app purchase contract, one list of scenarios run on Pyodide AND Brython in Chromium.

Each test checks both sides: what the fake SDK received (plain JS objects, exact fields, JS types,
callbacks answered) and what Python got back.
"""
import pytest

from ttminis.errors import ERROR_IN_FLIGHT, ERROR_SDK_THREW, ERROR_TIMEOUT, ERROR_UNAVAILABLE, ERROR_UNKNOWN

pytestmark = pytest.mark.browser


def order(h, amount, order_id=None):
    return h.js("([a, i]) => TTMinisFake.backend.createOrder(a, i || undefined)", [amount, order_id])


# -- await style -------------------------------------------------------------------------------

def test_check_balance_awaited_returns_is_sufficient_as_bool(harness):
    assert harness.py("return await game.check_balance(50)") is True
    assert harness.py("return await game.checkBalance(amount=101)") is False
    first, second = harness.calls("checkBalance")
    assert first["keys"] == ["amount", "type", "success", "fail"]
    assert first["types"] == {"amount": "number", "type": "string", "success": "function", "fail": "function"}
    assert first["plain"] and first["json"]
    assert first["options"] == {"amount": 50, "type": "BEANS"}
    assert second["options"] == {"amount": 101, "type": "BEANS"}
    assert [len(c["answers"]) for c in (first, second)] == [1, 1]


def test_pay_awaited_returns_success_payload_and_charges_once(harness):
    oid = order(harness, 30)
    assert harness.py(f"return await game.pay({oid!r})") == {}
    assert harness.js("() => TTMinisFake.wallet.balance") == 70
    assert harness.js(f"() => TTMinisFake.wallet.orders[{oid!r}].status") == "paid"
    (call,) = harness.calls("pay")
    assert call["options"] == {"trade_order_id": oid}


def test_pay_failure_raises_ttminiserror_with_sdk_fields(harness):
    info = harness.py_raises("await game.pay('no-such-order')")
    assert info["type"] == "TTMinisError"
    assert info["error_code"] == 20011002
    assert info["error_msg"] == "order does not exist"
    assert info["error_extra"] == {}
    assert "20011002" in info["message"] and "order does not exist" in info["message"]


def test_insufficient_balance_fails_and_charges_nothing(harness):
    oid = order(harness, 500)
    info = harness.py_raises(f"await game.pay({oid!r})")
    assert info["error_code"] == 90000002
    assert info["error_extra"] == {"balance": 100, "amount": 500}
    assert harness.js("() => TTMinisFake.wallet.balance") == 100


def test_recharge_and_navigate_to_balance_awaited(harness):
    assert harness.py("return await game.recharge('tier-1')") == {}
    assert harness.js("() => TTMinisFake.wallet.balance") == 160
    assert harness.py("return await game.navigate_to_balance()") == {}
    assert harness.js("() => TTMinisFake.visits") == [{"type": "BEANS"}]
    assert harness.calls("navigateToBalance")[0]["options"] == {"type": "BEANS"}
    info = harness.py_raises("await game.recharge(tier_id='tier-unknown')")
    assert info["error_code"] == 20001003


def test_success_payload_with_fields_comes_back_as_nested_dict(harness):
    harness.js("() => TTMinisFake.script('recharge', {outcome: 'success', payload: "
               "{is_success: true, tier_id: 't', trade_order_id: 'o', extra: {list: [1, null, {x: 'y'}]}}})")
    assert harness.py("return await game.recharge('t')") == {
        "is_success": True, "tier_id": "t", "trade_order_id": "o", "extra": {"list": [1, None, {"x": "y"}]}}


# -- callback style ----------------------------------------------------------------------------

def test_callback_style_success_then_complete_once(harness):
    oid = order(harness, 10)
    events = harness.py(f"""
r = Recorder()
returned = game.pay(trade_order_id={oid!r}, **r.callbacks())
await r.done
return [returned, r.events]
""")
    assert events == [None, [["success", {}], ["complete", []]]]
    assert harness.calls("pay")[0]["keys"] == ["trade_order_id", "success", "fail"]


def test_callback_style_failure_passes_normalised_error(harness):
    events = harness.py("""
r = Recorder()
game.checkBalance({"amount": 50, "type": "BEANS", **r.callbacks()})
await r.done
return r.events
""")
    assert events == [["success", {"is_sufficient": True}], ["complete", []]]
    events = harness.py("""
r = Recorder()
game.pay({"trade_order_id": "missing", "fail": r.fail, "complete": r.complete})
await r.done
return r.events
""")
    assert events == [["fail", {"error": {"error_code": 20011002, "error_msg": "order does not exist",
                                          "error_extra": {}}}], ["complete", []]]


def test_only_complete_given_still_selects_callback_style(harness):
    assert harness.py("""
r = Recorder()
returned = game.navigate_to_balance(complete=r.complete)
await r.done
return [returned, r.events]
""") == [None, [["complete", []]]]


# -- options forms and conversion --------------------------------------------------------------

def test_dict_keywords_and_positionals_send_identical_options(harness):
    harness.py("""
await game.check_balance(50)
await game.check_balance(50, "BEANS")
await game.check_balance({"amount": 50})
await game.checkBalance(amount=50, type="BEANS")
""")
    assert {repr(c["options"]) for c in harness.calls("checkBalance")} == {repr({"amount": 50, "type": "BEANS"})}


def test_log_extra_and_unknown_fields_pass_through_as_plain_objects_without_none(harness):
    oid = order(harness, 1)
    harness.py(f"""
await game.pay({oid!r}, log_extra={{"source": "shop", "tags": ["a", None], "n": {{"deep": 1.5}}, "gone": None}},
               new_sdk_field={{"x": True}}, dropped=None)
""")
    (call,) = harness.calls("pay")
    assert call["plain"] and call["json"]
    assert call["keys"] == ["trade_order_id", "log_extra", "new_sdk_field", "success", "fail"]
    assert call["options"] == {"trade_order_id": oid, "new_sdk_field": {"x": True},
                               "log_extra": {"source": "shop", "tags": ["a", None], "n": {"deep": 1.5}}}


# -- validation: raised before anything reaches TTMinis.game -----------------------------------

VALIDATION = [
    ("game.check_balance('50')", "TypeError", "amount must be an int"),
    ("game.check_balance(True)", "TypeError", "amount must be an int"),
    ("game.check_balance(0)", "ValueError", "amount must be in 1..2147483647"),
    ("game.check_balance(2**31)", "ValueError", "amount must be in 1..2147483647"),
    ("game.check_balance(5, 'COINS')", "ValueError", "type must be 'BEANS'"),
    ("game.check_balance(5, type=1)", "TypeError", "type must be the str 'BEANS'"),
    ("game.check_balance()", "TypeError", "missing required field 'amount'"),
    ("game.recharge('')", "ValueError", "tier_id must be a non-empty str"),
    ("game.recharge(7)", "TypeError", "tier_id must be a non-empty str"),
    ("game.pay(None)", "TypeError", "missing required field 'trade_order_id'"),
    ("game.pay(['o'])", "TypeError", "trade_order_id must be a non-empty str"),
    ("game.pay('o', log_extra='x')", "TypeError", "log_extra must be a dict"),
    ("game.pay('o', log_extra={'s': {1, 2}})", "TypeError", "must be plain data"),
    ("game.pay('o', success=5)", "TypeError", "success must be callable"),
    ("game.pay('o', fail='no')", "TypeError", "fail must be callable"),
    ("game.pay('o', timeout=-1)", "ValueError", "timeout must be a positive"),
    ("game.navigate_to_balance(type='beans')", "ValueError", "type must be 'BEANS'"),
    ("game.navigateToBalance('BEANS', 'x')", "TypeError", "takes at most 1 positional"),
    ("game.navigateToBalance([1])", "TypeError", "type must be the str 'BEANS'"),
]


@pytest.mark.parametrize("call, exc_type, fragment", VALIDATION, ids=[v[0] for v in VALIDATION])
def test_bad_input_raises_before_reaching_the_sdk(harness, call, exc_type, fragment):
    info = harness.py_raises(call)
    assert info["type"] == exc_type
    assert fragment in info["message"]
    method = call.split("(")[0].split(".")[1]
    assert method.replace("_", "")[:6].lower() in info["message"].replace("_", "").lower()
    assert harness.calls() == []


# -- SDK missing ---------------------------------------------------------------------------------

def test_no_sdk_raises_unavailable_and_a_late_sdk_is_used(harness):
    harness.js("() => TTMinisFake.uninstall()")
    info = harness.py_raises("game.check_balance(5)")
    assert info["type"] == "TTMinisUnavailable" and "TTMinisError" in info["mro"]
    assert info["error_code"] == ERROR_UNAVAILABLE
    assert "TTMinis" in info["message"] and "--dev" in info["message"]
    harness.js("() => TTMinisFake.install()")
    assert harness.py("return await game.check_balance(5)") is True


def test_missing_method_raises_unavailable_naming_it(harness):
    harness.js("() => { TTMinisFake.unsupported.add('navigateToBalance'); TTMinisFake.install(); }")
    info = harness.py_raises("game.navigate_to_balance()")
    assert info["type"] == "TTMinisUnavailable"
    assert "TTMinis.game.navigateToBalance" in info["message"]


# -- a misbehaving SDK: exactly one outcome, nothing thrown into the SDK -----------------------

@pytest.mark.parametrize("outcome, expected", [
    ("twice", [["success", {}], ["complete", []]]),
    ("success_then_fail", [["success", {}], ["complete", []]]),
    ("fail_then_success", [["fail", {"error": {"error_code": 50001000,
                                               "error_msg": "scripted failure (fake)", "error_extra": {}}}],
                           ["complete", []]]),
])
def test_sdk_answering_twice_settles_once_callback_style(harness, outcome, expected):
    harness.js(f"() => TTMinisFake.script('recharge', {{outcome: '{outcome}'}})")
    events = harness.py("""
r = Recorder()
game.recharge("tier-1", **r.callbacks())
await r.done
await until(lambda: js.TTMinisFake.lastCall("recharge").answers.length == 2)
return r.events    # the second answer ran inside the fake's answering code, before that condition
""")
    assert events == expected
    assert harness.calls("recharge")[0]["thrown"] == []


@pytest.mark.parametrize("outcome", ["twice", "success_then_fail", "fail_then_success"])
def test_sdk_answering_twice_settles_once_await_style(harness, outcome):
    harness.js(f"() => TTMinisFake.script('checkBalance', {{outcome: '{outcome}', payload: {{is_sufficient: true}}}})")
    settled = harness.py("""
from ttminis import calls
fut = game.check_balance(5)
try:
    first = ["success", await fut]
except ttminis.TTMinisError as e:
    first = ["fail", e.error_code]
await until(lambda: js.TTMinisFake.lastCall("checkBalance").answers.length == 2)
try:                  # after the second answer the future still holds the first outcome
    again = ["success", await fut]
except ttminis.TTMinisError as e:
    again = ["fail", e.error_code]
return [first, again, len(calls._pending), list(js.ttminisLoader.errors)]
""")
    expected = ["fail", 50001000] if outcome == "fail_then_success" else ["success", True]
    assert settled == [expected, expected, 0, []]
    assert harness.calls("checkBalance")[0]["thrown"] == []


def test_sdk_answering_synchronously_works_in_both_styles(harness):
    harness.js("() => { TTMinisFake.setDefault('checkBalance', {sync: true}); }")
    assert harness.py("""
r = Recorder()
game.check_balance(5, **r.callbacks())
await r.done
return [await game.check_balance(500), r.events]
""") == [False, [["success", {"is_sufficient": True}], ["complete", []]]]


def test_sdk_throwing_synchronously_is_a_failure_not_an_exception_in_the_call(harness):
    harness.js("() => { TTMinisFake.script('pay', {outcome: 'throw', message: 'native bridge down'}); "
               "TTMinisFake.script('pay', {outcome: 'throw'}); }")
    info = harness.py_raises("await game.pay('o-1')")
    assert info["error_code"] == ERROR_SDK_THREW and "native bridge down" in info["error_msg"]
    events = harness.py("""
r = Recorder()
game.pay("o-2", **r.callbacks())
await r.done
return r.events
""")
    assert events[0][0] == "fail" and events[0][1]["error"]["error_code"] == ERROR_SDK_THREW
    assert events[1] == ["complete", []]
    # The SDK had the call and may still answer (its sheet may be open): the order stays locked
    # until it does, or until the game gives it up and pays a new order.
    oid = order(harness, 5, "o-1")
    assert harness.py_raises(f"await game.pay({oid!r})")["error_code"] == ERROR_IN_FLIGHT
    assert harness.py(f"return game.release_order({oid!r})") is True
    assert harness.py(f"return await game.pay({order(harness, 5, 'o-3')!r})") == {}
    assert len(harness.calls("pay")) == 3, "the refused pay never reached the SDK"


def test_thenable_returned_alongside_callbacks_settles_once(harness):
    harness.js("() => TTMinisFake.script('recharge', {outcome: 'success', payload: {ok: 1}, thenable: 'resolve'})")
    assert harness.py("return await game.recharge('t')") == {"ok": 1}


def test_wechat_shaped_and_odd_failure_payloads_are_normalised(harness):
    harness.js("() => { TTMinisFake.script('pay', {outcome: 'fail', raw: {errMsg: 'pay:fail cancel', errNo: 21}});"
               " TTMinisFake.script('pay', {outcome: 'fail', raw: {error: {error_code: '123', error_msg: null}}});"
               " TTMinisFake.script('pay', {outcome: 'fail', raw: undefined}); }")
    first = harness.py_raises("await game.pay('a')")
    assert (first["error_code"], first["error_msg"]) == (21, "pay:fail cancel")
    second = harness.py_raises("await game.pay('b')")
    assert second["error_code"] == 123 and second["error_msg"]
    third = harness.py_raises("await game.pay('c')")     # fail() called with undefined itself
    assert (third["type"], third["error_code"], third["error_msg"], third["error_extra"]) == (
        "TTMinisError", ERROR_UNKNOWN, "the SDK reported a failure without details", {})


def test_non_game_minis_sdk_pay_is_used_when_ttminis_game_is_absent(harness):
    harness.js("() => TTMinisFake.install({legacy: true})")
    oid = order(harness, 40)
    assert harness.py(f"return await game.pay({oid!r})") == {"is_success": True, "trade_order_id": oid}
    info = harness.py_raises(f"await game.pay({oid!r})")
    assert info["error_code"] == 90000001
    assert harness.js("() => TTMinisFake.wallet.balance") == 60


# -- payments under concurrency ----------------------------------------------------------------

def test_hundred_concurrent_pays_each_get_their_own_answer(harness):
    harness.js("() => { TTMinisFake.wallet.balance = 1000000; "
               "for (let i = 0; i < 100; i++) if (i % 3) TTMinisFake.backend.createOrder(1 + i, 'ord-' + i); }")
    results = harness.py("""
futures = [game.pay("ord-%d" % i) for i in range(100)]
out = []
for i, fut in enumerate(futures):
    try:
        out.append([i, await fut])
    except ttminis.TTMinisError as e:
        out.append([i, e.error_code])
return out
""")
    for i, result in results:
        assert result == ({} if i % 3 else 20011002), i
    paid = sum(1 + i for i in range(100) if i % 3)
    assert harness.js("() => TTMinisFake.wallet.balance") == 1000000 - paid
    assert len(harness.calls("pay")) == 100


def test_second_pay_for_an_order_in_flight_never_reaches_the_sdk(harness):
    oid = order(harness, 10)
    result = harness.py(f"""
first = game.pay({oid!r})
second = game.pay({oid!r})
r = Recorder()
game.pay({oid!r}, **r.callbacks())
out = []
try:
    await second
except ttminis.TTMinisError as e:
    out.append(e.error_code)
out.append(await first)
await r.done
out.append(r.events[0][1]["error"]["error_code"])
return out
""")
    assert result == [ERROR_IN_FLIGHT, {}, ERROR_IN_FLIGHT]
    assert len(harness.calls("pay")) == 1
    assert harness.js("() => TTMinisFake.wallet.balance") == 90


def test_timeout_raises_and_keeps_the_order_locked_until_the_sdk_answers(harness):
    harness.js("() => TTMinisFake.script('pay', {outcome: 'never'})")
    info = harness.py_raises("await game.pay('slow-order', timeout=0.05)")
    assert info["type"] == "TTMinisTimeout" and info["error_code"] == ERROR_TIMEOUT
    assert "TTMinisError" in info["mro"]
    again = harness.py_raises("await game.pay('slow-order')")
    assert again["error_code"] == ERROR_IN_FLIGHT
    assert len(harness.calls("pay")) == 1


# -- the user's own callback raising -----------------------------------------------------------

def test_exception_in_user_callback_is_reported_and_does_not_reach_the_sdk(harness):
    events = harness.py("""
r = Recorder()
def broken(payload):
    raise RuntimeError("bug in the game")
game.check_balance(5, success=broken, complete=r.complete)
await r.done
return r.events
""")
    assert events == [["complete", []]]
    reported = [p for p in harness.problems if "bug in the game" in p]
    assert reported and "RuntimeError" in reported[0]
    assert any("bug in the game" in e for e in harness.js("() => window.ttminisLoader.errors"))
    harness.problems.clear()
    harness.page.goto("about:blank")
