"""The frame loop: a Python function called at every animation frame with the frame time.

Driven by ``requestAnimationFrame`` on both targets. It pauses while TikTok hides the game
(``onHide``; on html also when the tab is hidden) and resumes on ``onShow``, unless started with
``pause_when_hidden=False``. A frame that raises shows the error screen once and stops the loop,
instead of printing the same traceback 60 times a second.

A frame costs no new long-lived proxy: the loop calls one lasting function made at the first
``start``, whatever function it runs.

Exports:
    start(function, pause_when_hidden=True)   run ``function(time_ms)`` every frame (replaces the last one)
    stop()                                    stop the loop
    running()                                 whether the loop runs (True while merely paused)

Example::

    from ttminis import frames, screen

    ctx = screen.context()
    last = [None]

    @frames.start
    def draw(time):
        dt = 0 if last[0] is None else (time - last[0]) / 1000   # seconds since the last frame
        last[0] = time
        ctx.clearRect(0, 0, *screen.size())
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Any, Callable, TypeVar

    FrameFunction = TypeVar("FrameFunction", bound=Callable[[float], object])

from . import target
from .backend import ffi
from .validation import check_callable

_loop: dict[str, Any] = {"function": None, "handle": None}
_drawing: list[Any] = []     # (begin, end) from ttminis.drawing once the game draws through its recorder


def _tick(time: float) -> bool:
    function = _loop["function"]
    if function is None:
        return False
    try:
        if _drawing:
            _drawing[0]()
        function(time)
        if _drawing:
            _drawing[1]()          # the frame's drawing reaches the canvas now, in one crossing
    except Exception as e:
        if _drawing:
            try:
                _drawing[1](False)     # what the frame drew before it raised, then the error screen
            except Exception:
                pass
        _loop["function"] = None
        ffi.report(f"ttminis: exception in your frame function {getattr(function, '__name__', function)!r}; "
                   "the frame loop stopped:\n" + ffi.format_exception(e))
        return False
    return True


def start(function: FrameFunction, pause_when_hidden: bool = True) -> FrameFunction:
    """Call ``function(time)`` at every animation frame (``time`` in ms); returns ``function``.

    Starting again replaces the function. Usable as a decorator.

    Example::

        frames.start(draw)
        frames.start(draw, pause_when_hidden=False)   # keep running in the background
    """
    check_callable("frames.start", "function", function)
    if _loop["handle"] is None:
        _loop["handle"] = ffi.listener(_tick)
    _loop["function"] = function
    target.call("startFrames", _loop["handle"], bool(pause_when_hidden))
    return function


def stop() -> None:
    """Stop the frame loop (``start`` runs it again).

    Example::

        frames.stop()
    """
    _loop["function"] = None
    target.call("stopFrames")


def running() -> bool:
    """Whether the frame loop runs (it still does while paused by ``onHide``).

    Example::

        if not frames.running():
            frames.start(draw)
    """
    return bool(ffi.to_py(target.call("framesRunning")))
