"""The whole game on TikTok's native runtime, in ttminis's strict simulator (the ``ttminis_native``
fixture): a JavaScript realm with only TikTok's globals (no DOM, no eval), the fake SDK, a 390 x 844
phone. The game is built with ``ttminis build --target native`` once per session; each test starts it
afresh (a few seconds), and fails on anything the native runtime lacks, any uncaught error and any
console error. Keep the rules' cases in test_rules.py, and here what only the running game can tell.

Run: ``python -m pytest`` in the game folder (needs Node.js 18+).
"""
from ttminis.pytest_plugin import NativeGame

VALUES = "ttminisLoader.surface.description.values"


def test_it_starts_signed_in_and_a_tap_counts(ttminis_native: NativeGame) -> None:
    ttminis_native.wait_for(f"{VALUES}.signed_in === true")
    assert ttminis_native.fake("TTMinisFake.logins") == 1
    ttminis_native.tap(*ttminis_native.button("Tap"))          # onTouchStart + onTouchEnd there
    ttminis_native.wait_for(f"{VALUES}.taps === 1")


def test_buying_gems_by_tapping_the_button(ttminis_native: NativeGame) -> None:
    ttminis_native.wait_for(f"{VALUES}.signed_in === true")
    ttminis_native.tap(*ttminis_native.button("Buy 100 gems"))
    ttminis_native.wait_for(f"{VALUES}.gems === 100")
    assert ttminis_native.wallet()["balance"] == 70
    (pay,) = ttminis_native.calls("pay")
    assert pay["plain"] and list(pay["options"]) == ["trade_order_id"]
