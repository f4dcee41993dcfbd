"""Settlement on the CPython backend, against the CPython fake: the rules of ``ttminis.calls``.

Answers with extra arguments or unreadable payloads, odd error codes, the order lock and how a game
moves on (``release_order``, late answers), rewarded ads that never close or fail, listener
removal that fails half-way, and a shim that starts clean for every test. The browser runs the
same rules on Pyodide and Brython (``tests/browser/test_settlement_in_browser.py``).
"""
import asyncio

import pytest

import ttminis
from ttminis.backend import ffi
from ttminis import (ERROR_IN_FLIGHT, ERROR_RELEASED, ERROR_SDK_THREW, ERROR_TIMEOUT, ERROR_UNKNOWN,
                     TTMinisError, TTMinisTimeout, _host, calls, game, testing)


async def until(predicate):
    """Let the loop run until ``predicate()`` holds (a condition, bounded)."""
    for _ in range(5000):
        if predicate():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition never became true")


def outcome_of(awaitable_factory, wallet):
    async def main():
        try:
            return ["success", await awaitable_factory()]
        except TTMinisError as e:
            return ["fail", e.error_code, e.error_msg]
    return wallet.run(main)


# -- every answer settles once, whatever it carries (items 1 and 2) -------------------------------

@pytest.mark.parametrize("kind, args, expected", [
    ("success", [{"is_success": True}, {"extra": "second argument"}], ["success", {"is_success": True}]),
    ("fail", [{"error": {"error_code": 7, "error_msg": "no"}}, "second", 3], ["fail", 7, "no"]),
    ("fail", [{"error": {"error_code": "--5", "error_msg": "odd"}}], ["fail", ERROR_UNKNOWN, "odd"]),
    ("fail", [{"error": {"error_code": "\u00b2", "error_msg": "odd"}}], ["fail", ERROR_UNKNOWN, "odd"]),
    ("fail", [{"errMsg": "pay:fail", "errNo": " 12 "}], ["fail", 12, "pay:fail"]),
])
def test_an_answer_with_extra_arguments_or_odd_codes_settles_once(ttminis_wallet, kind, args, expected):
    ttminis_wallet.script("recharge", answers=[{"kind": kind, "args": args}])
    assert outcome_of(lambda: game.recharge("tier-1", timeout=2), ttminis_wallet) == expected
    assert ttminis_wallet.calls_of("recharge")[0]["thrown"] == []
    assert calls._pending == {}


def test_a_payload_that_cannot_be_read_still_settles_and_unlocks_the_order(ttminis_wallet):
    cyclic = {"error_code": 3}
    cyclic["self"] = cyclic
    ttminis_wallet.script("pay", answers=[{"kind": "fail", "args": [{"error": cyclic}]}])
    assert outcome_of(lambda: game.pay("ord-1", timeout=2), ttminis_wallet)[:2] == ["fail", 3]
    assert calls._orders_in_flight == set() and calls._pending == {}
    assert _host.reported == []


# -- the order lock and how a game moves on (item 5) -------------------------------------------------

def test_the_lock_lifts_when_a_late_answer_arrives_and_the_game_hears_it(ttminis_wallet):
    order = ttminis_wallet.create_order(30)
    ttminis_wallet.script("pay", answers=[{"kind": "success", "args": [], "later": True}], delay=100)
    late = []
    ttminis.on_late_answer(late.append)

    async def main():
        with pytest.raises(TTMinisTimeout):
            await game.pay(order, timeout=0.02)
        with pytest.raises(TTMinisError) as refused:
            await game.pay(order)               # the first may still complete: refused, not sent
        assert refused.value.error_code == ERROR_IN_FLIGHT
        await until(lambda: late)
        return await game.pay(order)            # the lock lifted: this one reaches the SDK
    assert ttminis_wallet.run(main) == {}
    assert late == [{"method": "pay", "trade_order_id": order, "outcome": "success", "payload": {}}]
    assert len(ttminis_wallet.calls_of("pay")) == 2


def test_a_pay_that_throws_keeps_its_order_locked_until_the_sdk_answers_and_the_game_hears_it(ttminis_wallet):
    """Issue 20, finding 12: the SDK may have opened the payment sheet before it threw."""
    order = ttminis_wallet.create_order(30)
    ttminis_wallet.script("pay", throws=True, message="bridge down", delay=50,
                          answers=[{"kind": "success", "args": [{"paid": True}], "later": True}])
    late = []
    ttminis.on_late_answer(late.append)

    async def main():
        with pytest.raises(TTMinisError) as threw:
            await game.pay(order)
        with pytest.raises(TTMinisError) as refused:
            await game.pay(order)               # the sheet may be open: refused, never sent
        assert order in calls._orders_in_flight
        await until(lambda: late)
        return threw.value, refused.value.error_code
    threw, refused = ttminis_wallet.run(main)
    assert threw.error_code == ERROR_SDK_THREW and "bridge down" in threw.error_msg
    assert "stays locked" in threw.error_msg and threw.error_extra == {"trade_order_id": order}
    assert refused == ERROR_IN_FLIGHT
    assert late == [{"method": "pay", "trade_order_id": order, "outcome": "success", "payload": {"paid": True}}]
    assert len(ttminis_wallet.calls_of("pay")) == 1
    assert calls._orders_in_flight == set() and calls._pending == {}


def test_a_pay_that_throws_in_callback_style_fails_once_after_the_call_returns(ttminis_wallet):
    order = ttminis_wallet.create_order(30)
    ttminis_wallet.script("pay", throws=True)      # the wallet's own answer follows the throw
    events, late = [], []
    ttminis.on_late_answer(late.append)

    async def main():
        returned = game.pay(order, fail=lambda p: events.append(p["error"]["error_code"]),
                            complete=lambda: events.append("complete"))
        assert events == [], "no callback runs inside the game's own call"
        await until(lambda: late and "complete" in events)
        return returned
    assert ttminis_wallet.run(main) is None
    assert events == [ERROR_SDK_THREW, "complete"]
    assert late[0]["outcome"] == "success" and ttminis_wallet.orders[order]["status"] == "paid"


def test_release_order_gives_up_a_pay_that_threw_and_the_late_answer_is_still_heard(ttminis_wallet):
    order = ttminis_wallet.create_order(30)
    ttminis_wallet.script("pay", throws=True, delay=30,
                          answers=[{"kind": "fail", "args": [{"error": {"error_code": 4}}], "later": True}])
    late = []
    ttminis.on_late_answer(late.append)

    async def main():
        with pytest.raises(TTMinisError):
            await game.pay(order)
        assert game.release_order(order) is True        # it was still waiting for the SDK
        with pytest.raises(TTMinisError) as released:
            await game.pay(order)
        await until(lambda: late)
        return released.value.error_code
    assert ttminis_wallet.run(main) == ERROR_RELEASED
    assert late[0]["outcome"] == "fail" and late[0]["payload"]["error"]["error_code"] == 4
    assert len(ttminis_wallet.calls_of("pay")) == 1


def test_a_cancelled_pay_keeps_its_lock_until_the_sdk_answers_and_the_answer_is_heard(ttminis_wallet):
    """Issue 20, finding 13: asyncio.wait_for cancels the await; the SDK succeeds afterwards."""
    order = ttminis_wallet.create_order(30)
    ttminis_wallet.script("pay", delay=60)      # the wallet's own answer, 60 ms later
    late = []
    ttminis.on_late_answer(late.append)

    async def main():
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(game.pay(order), 0.01)
        with pytest.raises(TTMinisError) as refused:
            await game.pay(order)
        await until(lambda: late)
        with pytest.raises(TTMinisError) as after:
            await game.pay(order)               # the lock lifted: this reaches the SDK
        return refused.value.error_code, after.value.error_code
    assert ttminis_wallet.run(main) == (ERROR_IN_FLIGHT, 90000001)
    assert late == [{"method": "pay", "trade_order_id": order, "outcome": "success", "payload": {}}]
    assert len(ttminis_wallet.calls_of("pay")) == 2


def test_a_cancelled_call_with_a_timeout_is_heard_once_and_never_times_out_later(ttminis_wallet):
    ttminis_wallet.script("checkBalance", delay=60,
                          answers=[{"kind": "success", "args": [{"is_sufficient": True, "n": 1}], "later": True}])
    late = []
    ttminis.on_late_answer(late.append)

    async def main():
        task = asyncio.ensure_future(game.check_balance(5, timeout=0.03))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await until(lambda: late)
    ttminis_wallet.run(main)
    assert late == [{"method": "checkBalance", "trade_order_id": None, "outcome": "success",
                     "payload": {"is_sufficient": True, "n": 1}}]
    assert _host.reported == [] and calls._pending == {}


def test_a_late_check_balance_answer_reaches_the_game_whole(ttminis_wallet):
    full = {"is_sufficient": True, "balance": 50, "extra": "kept"}
    ttminis_wallet.script("checkBalance", answers=[{"kind": "success", "args": [full], "later": True}], delay=100)
    late = []
    ttminis.on_late_answer(late.append)

    async def main():
        with pytest.raises(TTMinisTimeout):
            await game.check_balance(10, timeout=0.02)
        await until(lambda: late)
    ttminis_wallet.run(main)
    assert late == [{"method": "checkBalance", "trade_order_id": None, "outcome": "success", "payload": full}]


def test_a_call_that_fails_before_reaching_the_sdk_leaves_no_lock_and_no_pending_call(ttminis_wallet,
                                                                                        monkeypatch):
    order = ttminis_wallet.create_order(30)
    real_send = ffi.send

    def broken_send(call_id, method, options):
        raise RuntimeError("the JavaScript half is missing")
    monkeypatch.setattr(ffi, "send", broken_send)
    with pytest.raises(RuntimeError):
        game.pay(order)
    assert calls._pending == {} and calls._orders_in_flight == set()
    monkeypatch.setattr(ffi, "send", real_send)
    assert outcome_of(lambda: game.pay(order), ttminis_wallet)[0] == "success"


def test_release_order_settles_a_waiting_pay_and_refuses_its_id_for_good(ttminis_wallet):
    order = ttminis_wallet.create_order(30)
    ttminis_wallet.script("pay", answers=[{"kind": "fail", "args": [{"error": {"error_code": 1}}],
                                           "later": True}], delay=50)
    late, events = [], []
    ttminis.on_late_answer(late.append)

    async def main():
        waiting = game.pay(order)
        game.pay(order, fail=lambda p: events.append(p["error"]["error_code"]),
                 complete=lambda: events.append("complete"))
        assert game.release_order(order) is True
        with pytest.raises(TTMinisError) as released:
            await waiting
        await until(lambda: late and "complete" in events)
        with pytest.raises(TTMinisError) as still_refused:
            await game.pay(order)
        return released.value.error_code, still_refused.value.error_code
    assert ttminis_wallet.run(main) == (ERROR_RELEASED, ERROR_RELEASED)
    assert events == [ERROR_IN_FLIGHT, "complete"]
    assert late[0]["outcome"] == "fail" and late[0]["payload"]["error"]["error_code"] == 1
    assert len(ttminis_wallet.calls_of("pay")) == 1, "a released order never reaches the SDK again"
    assert game.release_order("never-paid") is False
    with pytest.raises(ValueError, match="release_order: trade_order_id must be a non-empty str"):
        game.release_order(" ")


def test_without_a_handler_a_late_answer_is_printed(ttminis_wallet, capsys):
    ttminis_wallet.script("recharge", answers=[{"kind": "success", "args": [{"ok": 1}], "later": True}], delay=30)

    async def main():
        with pytest.raises(TTMinisTimeout):
            await game.recharge("tier-1", timeout=0.005)
        await until(lambda: calls._pending == {})
    ttminis_wallet.run(main)
    assert "late answer" in capsys.readouterr().out


# -- rewarded ads (item 4) ---------------------------------------------------------------------------

def test_an_ad_that_never_closes_times_out_and_leaves_no_listener(ttminis_wallet):
    ttminis_wallet.next_ad = "never"
    result = outcome_of(lambda: game.watch_rewarded_ad("unit-1", timeout=0.02), ttminis_wallet)
    assert result[:2] == ["fail", ERROR_TIMEOUT]
    (ad,) = ttminis_wallet.ads_created
    assert ad.listener_count("Close") == ad.listener_count("Error") == 0
    assert calls._pending == {}


def test_an_ad_error_settles_the_watch_once(ttminis_wallet):
    ttminis_wallet.next_ad = "error"
    assert outcome_of(lambda: game.watch_rewarded_ad("unit-1", timeout=5), ttminis_wallet)[:2] == ["fail", 90000003]
    assert ttminis_wallet.ads_created[0].listener_count("Error") == 0


class HandMadeAd:
    """An ad object as some clients have it: ``show()`` returns nothing, errors come by ``onError``."""

    def __init__(self, show):
        self.listeners = {"Close": [], "Error": []}
        self._show = show

    def onClose(self, fn):
        self.listeners["Close"].append(fn)

    def offClose(self, fn):
        self.listeners["Close"].remove(fn)

    def onError(self, fn):
        self.listeners["Error"].append(fn)

    def offError(self, fn):
        self.listeners["Error"].remove(fn)

    def show(self):
        return self._show(self)


def with_ad(wallet, ad):
    wallet.unsupported.discard("createRewardedVideoAd")
    game_object = wallet.game
    wallet.game = type("Game", (), {"__getattr__": lambda self, name: (lambda options: ad)
                                    if name == "createRewardedVideoAd" else getattr(game_object, name)})()


@pytest.mark.parametrize("show, expected", [
    (lambda ad: asyncio.get_running_loop().call_soon(lambda: ad.listeners["Close"][0]({"isEnded": True})),
     ["success", True]),
    (lambda ad: asyncio.get_running_loop().call_soon(lambda: ad.listeners["Error"][0]({"errCode": 1004})),
     ["fail", 1004]),
    (lambda ad: 1 / 0, ["fail", ERROR_SDK_THREW]),
], ids=["show returns nothing, then closes", "show returns nothing, then onError", "show throws"])
def test_show_returning_no_promise_or_throwing_settles_the_watch(ttminis_wallet, show, expected):
    ad = HandMadeAd(show)
    with_ad(ttminis_wallet, ad)
    assert outcome_of(lambda: game.watch_rewarded_ad("unit-1", timeout=5), ttminis_wallet)[:2] == expected
    assert ad.listeners == {"Close": [], "Error": []}


# -- listeners (item 4) -------------------------------------------------------------------------------

def test_off_tries_every_listener_and_keeps_the_one_the_sdk_refused(ttminis_wallet):
    first, second, third = (lambda p: None), (lambda p: None), (lambda p: None)
    for fn in (first, second, third):
        game.on_show(fn)
    removed = ttminis_wallet.listeners["Show"]
    original = ttminis_wallet._listen

    def refusing(prefix, event, fn):
        if prefix == "off" and fn is removed[1]:
            raise RuntimeError("bridge down")
        return original(prefix, event, fn)
    ttminis_wallet._listen = refusing
    with pytest.raises(TTMinisError) as info:
        game.off_show()
    assert info.value.error_code == ERROR_SDK_THREW and "1 listener(s)" in str(info.value)
    assert ttminis_wallet.listener_count("Show") == 1
    assert game._listeners.count() == 1          # still registered with ttminis too
    ttminis_wallet._listen = original
    game.off_show()
    assert ttminis_wallet.listener_count("Show") == 0 and game._listeners.count() == 0


def test_a_listener_is_registered_again_on_a_new_sdk_object(ttminis_wallet):
    def handler(payload):
        pass
    game.on_show(handler)
    replacement = testing.FakeTikTok()
    _host.install_root(replacement)            # TikTok's object replaced (a reload of the SDK)
    game.on_show(handler)
    assert replacement.listener_count("Show") == 1
    assert ttminis_wallet.listener_count("Show") == 1
    game.off_show(handler)
    assert replacement.listener_count("Show") == ttminis_wallet.listener_count("Show") == 0


# -- a clean shim for every test (item 12) ------------------------------------------------------------

def test_one_test_leaves_an_unanswered_pay_and_a_listener(ttminis_wallet):
    ttminis_wallet.script("pay", outcome="never")
    ttminis_wallet.script("canIUse", outcome="never")
    order = ttminis_wallet.create_order(10)           # fake-order-1
    game.on_hide(lambda p: None)
    ttminis_wallet.unsupported.add("navigateToBalance")

    async def main():
        game.pay(order)
        with pytest.raises(TTMinisError) as info:
            await game.pay(order)
        return info.value.error_code
    assert ttminis_wallet.run(main) == ERROR_IN_FLIGHT


def test_the_next_test_starts_clean(ttminis_wallet):
    assert calls._pending == {} and calls._orders_in_flight == set() and calls._registrations == []
    assert ffi._support["answers"] == {}                   # the backend's canIUse answers
    order = ttminis_wallet.create_order(10)           # fake-order-1 again
    assert ttminis_wallet.run(lambda: game.pay(order)) == {}
    assert ttminis_wallet.run(lambda: game.navigate_to_balance()) == {}
