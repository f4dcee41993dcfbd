"""__GAME__: tap the circle, buy gems, watch an ad. Made with ``ttminis new``.

One source for TikTok's native runtime and for a web page: it draws through ``ttminis.screen``,
hears taps through ``ttminis.touch`` and animates with ``ttminis.frames`` (no ``js``, no DOM). The
rules live in ``rules.py``; this file draws them and says what the screen shows
(``screen.describe``: screen readers and your tests read it).
"""
from __future__ import annotations

from rules import GEMS_PER_PACK, PRODUCTS, Play
from ttminis import frames, game, screen, spawn, touch

TYPE_CHECKING = False
if TYPE_CHECKING:        # for the type checker only (importing typing would weigh on a Brython build)
    from ttminis.touch import TouchEvent

ctx = screen.context()
width, height = screen.size()
play = Play()
CIRCLE = (width / 2, height * 0.34, min(width, height) * 0.2)     # centre x, y and radius


def buy() -> None:
    spawn(play.buy_gems())


def watch_ad() -> None:
    spawn(play.watch_ad())


def add_shortcut() -> None:
    spawn(play.add_shortcut())


def profile_mission() -> None:
    spawn(play.start_entrance_mission())


# What a tap on each button does, and where the buttons are (label, x, y, width, height; CSS pixels).
ACTIONS = {"Tap": play.tap, f"Buy {GEMS_PER_PACK} gems": buy, "Watch an ad": watch_ad,
           "Add a shortcut": add_shortcut, "Profile mission": profile_mission}
BUTTONS = [("Tap", CIRCLE[0] - CIRCLE[2], CIRCLE[1] - CIRCLE[2], 2 * CIRCLE[2], 2 * CIRCLE[2])]
BUTTONS += [(label, 24.0, height * 0.58 + row * 64, width - 48.0, 52.0) for row, label in enumerate(list(ACTIONS)[1:])]
described: list[object] = [None]


def draw(_time: float) -> None:
    """Paint the whole screen from ``play``'s state, then say what it shows."""
    ctx.fillStyle = "#161823"
    ctx.fillRect(0, 0, width, height)
    ctx.fillStyle = "#ffffff"
    ctx.font = "bold 22px sans-serif"
    ctx.fillText(f"Taps: {play.taps}   Gems: {play.gems}", 24, 48)
    ctx.font = "15px sans-serif"
    ctx.fillText(play.message[:48], 24, 78)
    ctx.fillStyle = "#25f4ee" if not play.paused else "#555555"
    ctx.beginPath()
    ctx.arc(CIRCLE[0], CIRCLE[1], CIRCLE[2], 0, 6.2832)
    ctx.fill()
    for label, x, y, w, h in BUTTONS[1:]:
        busy = play.busy and label.startswith("Buy")
        ctx.fillStyle = "#555555" if busy else "#fe2c55"
        ctx.fillRect(x, y, w, h)
        ctx.fillStyle = "#ffffff"
        ctx.font = "bold 17px sans-serif"
        price = f"  ({PRODUCTS['gems']} Beans)" if label.startswith("Buy") else ""
        ctx.fillText(label + price, x + 16, y + h / 2 + 6)
    describe()


def describe() -> None:
    state = (play.message, play.taps, play.gems, play.signed_in, play.paused)
    if state != described[0]:
        described[0] = state
        screen.describe(play.message, buttons=BUTTONS, taps=play.taps,
                        gems=play.gems, signed_in=play.signed_in, paused=play.paused)


@touch.on_start
def tapped(event: TouchEvent) -> None:
    finger = event["changedTouches"][0]
    x, y = finger["clientX"], finger["clientY"]
    for label, bx, by, bw, bh in BUTTONS:
        if bx <= x <= bx + bw and by <= y <= by + bh:
            ACTIONS[label]()
            return


@game.on_hide
def hidden(payload: dict[str, object]) -> None:
    play.pause()
    draw(0)                  # the frame loop pauses while hidden: show "Paused" now


@game.on_show
def shown(payload: dict[str, object]) -> None:
    spawn(play.resume())     # back from the profile: the revisit mission's reward, if earned


frames.start(draw)
spawn(play.start())
