"""examples/shop on TikTok's native runtime, with the ``ttminis_native`` fixture.

The same source as the html suites: built for ``--target native`` once per session and started in
the strict simulator (a Node realm with no DOM, no eval, wasm only from package files) for each
test. It buys as it ships: through its server (the reference backend, on a temporary database)
and the fake TikTok server's order book. Taps land on the canvas at the buttons the game
described (``ttminis.screen.describe``). Any violation, uncaught error or console error fails a
test, and a failing test leaves its last frame in test-artifacts/.

Every test runs on the three engines (Node's V8, JavaScriptCore, JavaScriptCore without JIT as on an
iPhone); the checks of pixels run on Node only (the JavaScriptCore host keeps none).
"""
from pathlib import Path

import pytest

from tests.shared.upload_scan import flagged_texts

STATUS = "ttminisLoader.surface.description.text"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TEAL_BACKGROUND = (0x16, 0x18, 0x23)
RED_BUTTON = (0xFE, 0x2C, 0x55)


@pytest.fixture(params=["node", "jsc", "jsc-nojit"])
def ttminis_engine(request):
    return request.param


@pytest.fixture
def ttminis_native_setup(ttminis_backend, ttminis_fake_tiktok):
    """Before the game starts: its server is the test's backend, TikTok's orders live at the fake server."""
    return (f"globalThis.ttminisBackendUrl = {ttminis_backend.url!r};"
            f"TTMinisFake.useOrderBook({ttminis_fake_tiktok.url!r}, 'player-1');"
            f"TTMinisFake.allowRequests({ttminis_backend.url!r});")


def status_becomes(game, text, timeout=30):
    game.wait_for(f"{STATUS} === {text!r}", timeout=timeout)


def pixel(game, x, y):
    """The colour at (x, y) in CSS pixels, read from the on-screen canvas in the simulator."""
    if game.engine != "node":
        pytest.skip(f"{game.engine} keeps no pixels (pixel checks run on node)")
    return tuple(game.fake("Array.from(ttminisLoader.surface.context().getImageData("
                           "arg[0] * arg[2], arg[1] * arg[2], 1, 1).data)", [x, y, 2])[:3])


def test_silent_login_at_start(ttminis_native, ttminis_backend):
    status_becomes(ttminis_native, "Signed in. Tap the coin!")
    assert ttminis_native.fake("TTMinisFake.logins") == 1
    (login,) = ttminis_native.calls("login")
    assert login["keys"] == ["success", "fail"]
    assert ttminis_native.loader()["progress"] == 1
    assert ttminis_backend.store.count("ttminis_sessions") == 1, "the login code reached the server"


def test_buying_a_sword_by_tapping_the_canvas(ttminis_native, ttminis_backend, ttminis_fake_tiktok):
    status_becomes(ttminis_native, "Signed in. Tap the coin!")
    ttminis_native.wait_for("TTMinisFake.callsOf('checkBalance').length >= 3")
    ttminis_native.tap(*ttminis_native.button("Buy Sword"))
    status_becomes(ttminis_native, "Bought Sword!")
    (pay,) = ttminis_native.calls("pay")
    assert list(pay["options"]) == ["trade_order_id"]
    (trade_order_id,) = ttminis_fake_tiktok.orders
    assert pay["options"]["trade_order_id"] == trade_order_id
    order = ttminis_backend.store.order_for_trade(trade_order_id)
    assert (order.status, order.open_id, order.product_id) == ("granted", "player-1", "sword")  # by the webhook
    assert ttminis_backend.store.count("ttminis_grants") == 1
    assert ttminis_native.wallet()["balance"] == 70
    assert ttminis_native.description()["values"]["owned"] == ["Sword"]
    ttminis_native.run_frames(1)
    ARTIFACTS.mkdir(exist_ok=True)
    if ttminis_native.engine == "node":
        (ARTIFACTS / "shop-native.png").write_bytes(ttminis_native.frame_png())


def test_a_declined_payment_is_shown_in_the_game(ttminis_native, ttminis_backend):
    ttminis_native.wait_for("TTMinisFake.callsOf('checkBalance').length >= 3")
    ttminis_native.script("pay", outcome="fail",
                          error={"error_code": 20021002, "error_msg": "cancelled", "error_extra": {}})
    ttminis_native.tap(*ttminis_native.button("Buy Sword"))
    status_becomes(ttminis_native, "Sword not bought: cancelled")
    assert ttminis_native.wallet()["balance"] == 100
    assert ttminis_backend.store.count("ttminis_grants") == 0


def test_a_rewarded_ad_adds_the_bonus_only_when_watched(ttminis_native):
    status_becomes(ttminis_native, "Signed in. Tap the coin!")
    ttminis_native.tap(*ttminis_native.button("Ad +5"))
    status_becomes(ttminis_native, "Thanks for watching: +5 coins")
    assert ttminis_native.description()["values"]["coins"] == 5
    ttminis_native.fake("TTMinisFake.ads.next = 'skip'")
    ttminis_native.tap(*ttminis_native.button("Ad +5"))
    status_becomes(ttminis_native, "Watch the whole ad to get the bonus")
    assert ttminis_native.description()["values"]["coins"] == 5


def test_hide_pauses_the_game_and_its_frames_and_show_resumes(ttminis_native):
    status_becomes(ttminis_native, "Signed in. Tap the coin!")
    ttminis_native.hide()
    status_becomes(ttminis_native, "Paused")
    assert ttminis_native.session.report()["pendingFrames"] == 0, "no frame is requested while hidden"
    coin = ttminis_native.button("Coin")
    ttminis_native.tap(*coin)
    assert ttminis_native.description()["values"]["coins"] == 0, "a paused game ignores the coin"
    ttminis_native.show()
    status_becomes(ttminis_native, "Welcome back!")
    before = ttminis_native.session.report()["frames"]
    ttminis_native.session.next_frame()
    assert ttminis_native.session.report()["frames"] > before


def test_the_screen_is_drawn_at_the_device_pixel_ratio(ttminis_native):
    status_becomes(ttminis_native, "Signed in. Tap the coin!")
    assert ttminis_native.fake("[ttminisLoader.surface.canvas().width, ttminisLoader.surface.canvas().height]") \
        == [780, 1688], "390 x 844 CSS pixels at pixel ratio 2"
    x, y = ttminis_native.button("Recharge")          # always enabled: TikTok's red
    assert pixel(ttminis_native, x + 40, y) == RED_BUTTON
    assert pixel(ttminis_native, 200, 780) == TEAL_BACKGROUND


def test_collected_coins_survive_a_restart_and_the_coin_sounds(ttminis_native):
    status_becomes(ttminis_native, "Signed in. Tap the coin!")
    ttminis_native.tap(*ttminis_native.button("Coin"))
    ttminis_native.wait_for("ttminisLoader.surface.description.values.coins === 1")
    sounds = ttminis_native.session.report()["sounds"]
    assert {"event": "play", "src": "assets/coin.wav"} in [{"event": s["event"], "src": s["src"]} for s in sounds]
    ttminis_native.wait_for("TTMinisFake.logins === 1")
    assert (ttminis_native.user_data / "coins.txt").read_text() == "1"     # under USER_DATA_PATH
    ttminis_native.restart()
    ttminis_native.wait_for("ttminisLoader.surface.description.values.coins === 1")


def test_a_text_scan_of_every_js_file_of_its_native_package_finds_nothing(_ttminis_native_packages, ttminis_game_dir):
    """Issue 21's patterns over every .js file of the shop's package, the bundled Pyodide and comments included."""
    assert flagged_texts(_ttminis_native_packages.package(ttminis_game_dir)) == {}
