"""Touches, in TikTok's shape on both targets: a tap on a phone, a click or drag on a desktop.

Each listener gets ``{"touches": [...], "changedTouches": [...], "timeStamp": ms}``, every touch
``{"identifier": int, "clientX": float, "clientY": float}`` in CSS pixels (the screen's drawing
units). ``touches`` holds the fingers still down; ``changedTouches`` the ones this event is about.
On native they come from ``TTMinis.game.onTouchStart/Move/End/Cancel``; on html from pointer
events on the canvas (mouse, pen and touch alike), so a desktop click is a tap.

Exports:
    on_start(fn) / on_move(fn) / on_end(fn) / on_cancel(fn)     add a listener (usable as decorators)
    off_start(fn=None) / off_move / off_end / off_cancel        remove it (or all of ttminis's)

An exception in a listener is shown (console and error screen); later touches still arrive.

Example::

    from ttminis import touch

    @touch.on_start
    def pressed(event):
        finger = event["changedTouches"][0]
        print(finger["clientX"], finger["clientY"])
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Callable, TypedDict, TypeVar

    class Touch(TypedDict):
        """One finger: TikTok's ``identifier`` and where it is, in CSS pixels."""
        identifier: int
        clientX: float
        clientY: float

    class TouchEvent(TypedDict):
        """What a touch listener receives, in TikTok's shape on both targets."""
        touches: list[Touch]
        changedTouches: list[Touch]
        timeStamp: float

    TouchListener = TypeVar("TouchListener", bound=Callable[[TouchEvent], object])

from . import calls, target

_listeners: list[calls.Listeners] = []


def _all() -> calls.Listeners:
    if not _listeners:
        _listeners.append(calls.Listeners(target.surface, "ttminis's touch surface"))
    return _listeners[0]


def on_start(function: TouchListener) -> TouchListener:
    """Call ``function(event)`` when a finger touches the screen (a mouse button goes down).

    Example::

        touch.on_start(lambda event: print(event["changedTouches"][0]["clientX"]))
    """
    return _all().on("onTouchStart", function)


def on_move(function: TouchListener) -> TouchListener:
    """Call ``function(event)`` when a finger that is down moves (a drag with the mouse).

    Example::

        touch.on_move(drag)
    """
    return _all().on("onTouchMove", function)


def on_end(function: TouchListener) -> TouchListener:
    """Call ``function(event)`` when a finger leaves the screen (the mouse button goes up).

    Example::

        touch.on_end(release)
    """
    return _all().on("onTouchEnd", function)


def on_cancel(function: TouchListener) -> TouchListener:
    """Call ``function(event)`` when the system takes a touch away (a call, a system gesture).

    Example::

        touch.on_cancel(release)
    """
    return _all().on("onTouchCancel", function)


def off_start(function: TouchListener | None = None) -> None:
    """Remove ``function`` (or every listener added here) from touch starts.

    Example::

        touch.off_start(pressed)
    """
    _all().off("offTouchStart", function)


def off_move(function: TouchListener | None = None) -> None:
    """Remove ``function`` (or every listener added here) from touch moves.

    Example::

        touch.off_move()
    """
    _all().off("offTouchMove", function)


def off_end(function: TouchListener | None = None) -> None:
    """Remove ``function`` (or every listener added here) from touch ends.

    Example::

        touch.off_end()
    """
    _all().off("offTouchEnd", function)


def off_cancel(function: TouchListener | None = None) -> None:
    """Remove ``function`` (or every listener added here) from touch cancels.

    Example::

        touch.off_cancel()
    """
    _all().off("offTouchCancel", function)
