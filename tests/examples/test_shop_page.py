"""examples/shop played in headless Chromium with the ``ttminis_page`` fixture, on both runtimes.

The fixture builds the game once per runtime, injects the fake SDK before the page's scripts and
fails the test on any console error, page error or CSP violation.
"""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("ttminis_runtime", ["pyodide", "brython"])]

COIN, BUY_SWORD, BUY_SHIELD, BUY_CROWN, RECHARGE, BALANCE, AD = range(7)   # window.shopButtons
STATUS = "document.getElementById('status').textContent"


def tap(game, button):
    x, y, w, h = game.fake("window.shopButtons[arg]", button)
    game.page.mouse.click(x + w / 2, y + h / 2)


def status_becomes(game, text):
    game.wait_for(f"{STATUS} === {text!r}")


def test_silent_login_at_start(ttminis_page):
    status_becomes(ttminis_page, "Signed in. Tap the coin!")
    (login,) = ttminis_page.calls("login")
    assert login["keys"] == ["success", "fail"]
    assert ttminis_page.loader()["progress"] == 1
    assert ttminis_page.fake("TTMinisFake.progress.at(-1)") == 1


def test_buying_a_sword_by_tapping_charges_once(ttminis_page):
    ttminis_page.wait_for("TTMinisFake.callsOf('checkBalance').length >= 3")
    tap(ttminis_page, BUY_SWORD)
    status_becomes(ttminis_page, "Bought Sword!")
    assert ttminis_page.wallet()["balance"] == 70
    (pay,) = ttminis_page.calls("pay")
    assert pay["plain"] and list(pay["options"]) == ["trade_order_id"]


def test_a_declined_payment_is_shown_to_the_player(ttminis_page):
    ttminis_page.wait_for("TTMinisFake.callsOf('checkBalance').length >= 3")
    ttminis_page.script("pay", outcome="fail", error={"error_code": 20021002, "error_msg": "cancelled", "error_extra": {}})
    tap(ttminis_page, BUY_SWORD)
    status_becomes(ttminis_page, "Sword not bought: cancelled")
    assert ttminis_page.wallet()["balance"] == 100


def test_rewarded_ad_adds_the_bonus_only_when_watched(ttminis_page):
    status_becomes(ttminis_page, "Signed in. Tap the coin!")
    tap(ttminis_page, AD)
    status_becomes(ttminis_page, "Thanks for watching: +5 coins")
    assert ttminis_page.fake("window.shopCoins") == 5
    ttminis_page.fake("TTMinisFake.ads.next = 'skip'")
    tap(ttminis_page, AD)
    status_becomes(ttminis_page, "Watch the whole ad to get the bonus")
    assert ttminis_page.fake("window.shopCoins") == 5
    assert ttminis_page.fake("TTMinisFake.ads.created.map((ad) => ad.listenerCount('Close'))") == [0, 0]


def test_hide_pauses_and_show_resumes(ttminis_page):
    status_becomes(ttminis_page, "Signed in. Tap the coin!")
    assert ttminis_page.fake("[TTMinisFake.listenerCount('Hide'), TTMinisFake.listenerCount('Show')]") == [1, 1]
    ttminis_page.trigger("Hide")
    status_becomes(ttminis_page, "Paused")
    ttminis_page.trigger("Show", {"scene": "1001", "query": {}})
    status_becomes(ttminis_page, "Welcome back!")


def test_a_failed_login_at_start_lets_the_player_in_as_guest(ttminis_page):
    ttminis_page.reload(setup="TTMinisFake.script('login', {outcome: 'fail', "
                              "error: {error_code: 1, error_msg: 'offline', error_extra: {}}});")
    status_becomes(ttminis_page, "Playing as guest (offline)")
