"""examples/shop played in headless Chromium with the ``ttminis_page`` fixture, on both runtimes.

The fixture builds the game once per runtime, injects the fake SDK before the page's scripts and
fails the test on any console error, page error or CSP violation. The game says what its screen
shows with ``ttminis.screen.describe``: the tests read that and tap its buttons by label.
"""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("ttminis_runtime", ["pyodide", "brython"])]

STATUS = "ttminisLoader.surface.description.text"


def status_becomes(game, text):
    game.wait_for(f"{STATUS} === {text!r}")


def coins(game):
    return game.description()["values"]["coins"]


def test_silent_login_at_start(ttminis_page):
    status_becomes(ttminis_page, "Signed in. Tap the coin!")
    (login,) = ttminis_page.calls("login")
    assert login["keys"] == ["success", "fail"]
    assert ttminis_page.loader()["progress"] == 1
    assert ttminis_page.fake("TTMinisFake.progress.at(-1)") == 1


def test_buying_a_sword_by_tapping_charges_once(ttminis_page):
    ttminis_page.wait_for("TTMinisFake.callsOf('checkBalance').length >= 3")
    ttminis_page.tap(*ttminis_page.button("Buy Sword"))
    status_becomes(ttminis_page, "Bought Sword!")
    assert ttminis_page.wallet()["balance"] == 70
    (pay,) = ttminis_page.calls("pay")
    assert pay["plain"] and list(pay["options"]) == ["trade_order_id"]
    assert ttminis_page.description()["values"]["owned"] == ["Sword"]


def test_a_declined_payment_is_shown_to_the_player(ttminis_page):
    ttminis_page.wait_for("TTMinisFake.callsOf('checkBalance').length >= 3")
    ttminis_page.script("pay", outcome="fail", error={"error_code": 20021002, "error_msg": "cancelled", "error_extra": {}})
    ttminis_page.tap(*ttminis_page.button("Buy Sword"))
    status_becomes(ttminis_page, "Sword not bought: cancelled")
    assert ttminis_page.wallet()["balance"] == 100


def test_rewarded_ad_adds_the_bonus_only_when_watched(ttminis_page):
    status_becomes(ttminis_page, "Signed in. Tap the coin!")
    ttminis_page.tap(*ttminis_page.button("Ad +5"))
    status_becomes(ttminis_page, "Thanks for watching: +5 coins")
    assert coins(ttminis_page) == 5
    ttminis_page.fake("TTMinisFake.ads.next = 'skip'")
    ttminis_page.tap(*ttminis_page.button("Ad +5"))
    status_becomes(ttminis_page, "Watch the whole ad to get the bonus")
    assert coins(ttminis_page) == 5
    assert ttminis_page.fake("TTMinisFake.ads.created.map((ad) => ad.listenerCount('Close'))") == [0, 0]


def test_hide_pauses_and_show_resumes(ttminis_page):
    status_becomes(ttminis_page, "Signed in. Tap the coin!")
    # the shop's pause/resume, its repaint on hide, and ttminis's frame loop
    assert ttminis_page.fake("[TTMinisFake.listenerCount('Hide'), TTMinisFake.listenerCount('Show')]") == [3, 2]
    ttminis_page.trigger("Hide")
    status_becomes(ttminis_page, "Paused")
    assert ttminis_page.fake("ttminisLoader.surface.hidden && ttminisLoader.surface.framesRunning()")
    ttminis_page.trigger("Show", {"scene": "1001", "query": {}})
    status_becomes(ttminis_page, "Welcome back!")
    assert not ttminis_page.fake("ttminisLoader.surface.hidden")


def test_the_coins_are_kept_in_the_writable_folder(ttminis_page):
    status_becomes(ttminis_page, "Signed in. Tap the coin!")
    ttminis_page.tap(*ttminis_page.button("Coin"))
    ttminis_page.wait_for("ttminisLoader.surface.description.values.coins === 1")
    ttminis_page.wait_for("localStorage.getItem('ttminis-files/shop/coins.txt') === '1'")
    ttminis_page.reload()
    ttminis_page.wait_for("ttminisLoader.surface.description.values.coins === 1")


def test_a_failed_login_at_start_lets_the_player_in_as_guest(ttminis_page):
    ttminis_page.reload(setup="TTMinisFake.script('login', {outcome: 'fail', "
                              "error: {error_code: 1, error_msg: 'offline', error_extra: {}}});")
    status_becomes(ttminis_page, "Playing as guest (offline)")
