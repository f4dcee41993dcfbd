"""ttminis on plain CPython against the in-memory fake (ttminis.testing / the ttminis_wallet fixture)."""
import asyncio

import pytest

from ttminis import ERROR_IN_FLIGHT, ERROR_SDK_THREW, TTMinisError, TTMinisTimeout, TTMinisUnavailable, game
from ttminis import testing


run = testing.FakeTikTok.run


def test_without_a_fake_every_call_raises_unavailable_saying_what_an_installed_user_can_do():
    testing.uninstall()
    with pytest.raises(TTMinisUnavailable) as raised:
        game.check_balance(5)
    assert "`ttminis build --dev`" in str(raised.value) and "ttminis_wallet" in str(raised.value)
    assert "build.py" not in str(raised.value)


def test_pay_deducts_the_order_amount_exactly_once(ttminis_wallet):
    order = ttminis_wallet.create_order(30)
    assert run(lambda: game.pay(order)) == {}
    assert ttminis_wallet.balance == 70
    with pytest.raises(TTMinisError) as info:
        run(lambda: game.pay(order))
    assert info.value.error_code == 90000001
    assert ttminis_wallet.balance == 70


def test_check_balance_recharge_and_balance_page(ttminis_wallet):
    assert run(lambda: game.check_balance(100)) is True
    assert run(lambda: game.check_balance(101)) is False
    assert run(lambda: game.recharge("tier-1")) == {}
    assert ttminis_wallet.balance == 160
    assert run(lambda: game.navigate_to_balance()) == {}
    assert ttminis_wallet.visits == [{"type": "BEANS"}]


def test_callback_style_runs_success_then_complete(ttminis_wallet):
    events = []

    async def main():
        done = asyncio.get_running_loop().create_future()
        game.check_balance(5, success=lambda p: events.append(p), fail=events.append,
                           complete=lambda: done.set_result(True))
        await done
    run(main)
    assert events == [{"is_sufficient": True}]


def test_second_pay_for_same_order_in_flight_is_refused(ttminis_wallet):
    order = ttminis_wallet.create_order(10)

    async def main():
        first, second = game.pay(order), game.pay(order)
        with pytest.raises(TTMinisError) as info:
            await second
        return info.value.error_code, await first
    assert run(main) == (ERROR_IN_FLIGHT, {})
    assert len(ttminis_wallet.calls_of("pay")) == 1


def test_timeout_and_sdk_throwing(ttminis_wallet):
    ttminis_wallet.script("pay", outcome="never")
    with pytest.raises(TTMinisTimeout):
        run(lambda: game.pay("slow", timeout=0.01))
    ttminis_wallet.script("recharge", outcome="throw")
    with pytest.raises(TTMinisError) as info:
        run(lambda: game.recharge("tier-1"))
    assert info.value.error_code == ERROR_SDK_THREW


def test_validation_errors_never_reach_the_fake(ttminis_wallet):
    with pytest.raises(TypeError, match="amount must be an int"):
        game.check_balance(True)
    with pytest.raises(ValueError, match="trade_order_id must be a non-empty str"):
        game.pay("   ")
    assert ttminis_wallet.calls == []


@pytest.mark.parametrize("call, meant", [
    (lambda: game.pay_typo("x"), "game.pay (TTMinis.game.pay)"),           # looked up before its options
    (lambda: game.checkBalanse(50), "game.check_balance (TTMinis.game.checkBalance)"),
    (lambda: game.get_storge({"key": "k"}), "game.get_storage (TTMinis.game.getStorage)"),
])
def test_a_method_the_sdk_lacks_is_named_with_the_known_one_meant(ttminis_wallet, call, meant):
    with pytest.raises(TTMinisUnavailable) as raised:
        call()
    assert f"Did you mean {meant}?" in str(raised.value)
    assert ttminis_wallet.calls == []


def test_an_unknown_name_far_from_any_known_one_gets_no_guess(ttminis_wallet):
    with pytest.raises(TTMinisUnavailable, match="TTMinis.game.fooBarBaz is not available") as raised:
        game.foo_bar_baz()
    assert "Did you mean" not in str(raised.value)


class _ClientDenyingPay:
    """A TTMinis.game that has pay but whose canIUse says the client does not support it."""
    called = False

    def pay(self, options):
        _ClientDenyingPay.called = True

    def canIUse(self, name):
        return name != "pay"


def test_a_method_present_but_denied_by_can_i_use_says_so_not_no_such_method(ttminis_wallet):
    from ttminis import _host

    class Root:
        game = _ClientDenyingPay()
    previous = _host._root
    _host.install_root(Root())
    try:
        with pytest.raises(TTMinisUnavailable) as raised:
            game.pay("ord-1")
    finally:
        _host.install_root(previous)
    assert "TTMinis.game.pay" in str(raised.value) and "its canIUse says so" in str(raised.value)
    assert "no such method" not in str(raised.value) and not _ClientDenyingPay.called


def test_a_known_method_the_client_lacks_says_so_before_its_options_faults(ttminis_wallet):
    ttminis_wallet.unsupported.add("addShortcut")
    with pytest.raises(TTMinisUnavailable, match="TTMinis.game.addShortcut is not available"):
        game.add_shortcut(42)                  # a wrong options type too: the missing method is named first
    with pytest.raises(TypeError, match="amount must be an int"):
        game.check_balance("lots")             # present: its options' fault is the error


def test_next_ad_is_one_shot_and_a_wrong_ending_is_refused_naming_the_field(ttminis_wallet):
    ttminis_wallet.next_ad = "skip"
    assert ttminis_wallet.next_ad == "skip"
    assert run(lambda: game.watch_rewarded_ad("unit-1")) is False
    assert ttminis_wallet.next_ad == "watch", "one-shot: the next ad ends as default_ad"
    assert run(lambda: game.watch_rewarded_ad("unit-1")) is True
    ttminis_wallet.default_ad = "skip"
    assert [run(lambda: game.watch_rewarded_ad("unit-1")) for _ in range(2)] == [False, False]
    with pytest.raises(ValueError, match="next_ad must be one of watch, skip, error, never, got 'skp'"):
        ttminis_wallet.next_ad = "skp"
    with pytest.raises(ValueError, match="default_ad must be one of"):
        ttminis_wallet.default_ad = None
