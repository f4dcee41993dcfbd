"""__GAME__: tap the circle, buy gems, watch an ad. Made with ``ttminis new``.

One source for TikTok's native runtime and for a web page: it draws through ``ttminis.screen``,
hears taps through ``ttminis.touch`` and animates with ``ttminis.frames`` (no ``js``, no DOM). The
rules live in ``rules.py``; this file draws them and says what the screen shows
(``screen.describe``: screen readers and your tests read it).
"""
from __future__ import annotations

from typing import Any, Callable

from rules import GEMS_PER_PACK, PRODUCTS, Play
from ttminis import frames, game, screen, spawn, touch

ctx = screen.context()
width, height = screen.size()
play = Play()

Action = Callable[[], None]
CIRCLE = (width / 2, height * 0.34, min(width, height) * 0.2)     # centre x, y and radius
BUTTONS: list[tuple[str, float, float, float, float, Action]] = []  # label, x, y, w, h, action


def button_row(label: str, row: int, action: Action) -> None:
    BUTTONS.append((label, 24, height * 0.58 + row * 64, width - 48, 52, action))


BUTTONS.append(("Tap", CIRCLE[0] - CIRCLE[2], CIRCLE[1] - CIRCLE[2], 2 * CIRCLE[2], 2 * CIRCLE[2], play.tap))
button_row(f"Buy {GEMS_PER_PACK} gems", 0, lambda: spawn(play.buy_gems()))
button_row("Watch an ad", 1, lambda: spawn(play.watch_ad()))
button_row("Add a shortcut", 2, lambda: spawn(play.add_shortcut()))
button_row("Profile mission", 3, lambda: spawn(play.start_entrance_mission()))
described: list[Any] = [None]


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
    for label, x, y, w, h, _action in BUTTONS[1:]:
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
        screen.describe(play.message, buttons=[button[:5] for button in BUTTONS], taps=play.taps,
                        gems=play.gems, signed_in=play.signed_in, paused=play.paused)


@touch.on_start
def tapped(event: dict[str, Any]) -> None:
    finger = event["changedTouches"][0]
    x, y = finger["clientX"], finger["clientY"]
    for _label, bx, by, bw, bh, action in BUTTONS:
        if bx <= x <= bx + bw and by <= y <= by + bh:
            action()
            return


@game.on_hide
def hidden(payload: dict[str, Any]) -> None:
    play.pause()
    draw(0)                  # the frame loop pauses while hidden: show "Paused" now


@game.on_show
def shown(payload: dict[str, Any]) -> None:
    spawn(play.resume())     # back from the profile: the revisit mission's reward, if earned


frames.start(draw)
spawn(play.start())
