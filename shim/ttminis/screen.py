"""The screen: the game's main canvas, its 2D context, its size and the device pixel ratio.

On html it is the full-window ``<canvas>`` the loader provides; on TikTok's native runtime the first
``TTMinis.game.createCanvas()`` (the on-screen one, which the boot's error screen shares). Either way
its pixels are the device's and the context is scaled so you draw in CSS pixels, the unit touches
arrive in, and the picture is sharp on high-DPI screens.

On Pyodide the context records what you draw and JavaScript replays it once per frame (see
``ttminis.drawing``): the game's code is the same, and a read (``getImageData``, ``measureText``, a property
read) flushes first, so it sees every earlier draw. Brython draws directly.

Exports:
    context()        the main canvas's 2D context (always the same object; keep it)
    canvas()         the main canvas itself
    flush()          replay what was drawn so far now (frames and reads do it for you)
    size()           (width, height) in CSS pixels
    pixel_ratio()    device pixels per CSS pixel
    describe(text, buttons=(), **values)   what the screen shows, as text: for screen readers on html
                     and for tests on both targets (``ttminisLoader.surface.description``)

Example::

    from ttminis import screen

    ctx = screen.context()
    width, height = screen.size()
    ctx.fillStyle = "#161823"
    ctx.fillRect(0, 0, width, height)
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Iterable, JSValue, Plain, Sequence

from . import target
from .backend import ffi
from .surface_checks import number
from .validation import plain


_recorder: list[JSValue] = []      # Pyodide: the screen's recording context, made at the first context()
# Pyodide records drawing (ttminis.drawing), imported here so that a build-time snapshot holds it compiled; by
# name, so that Brython's bundler (which bundles every module a file imports) leaves it out: Brython draws directly.
_drawing = __import__("ttminis.drawing", fromlist=["flush"]) if ffi.NAME == "pyodide" else None


def context() -> JSValue:
    """The 2D context of the main canvas, scaled to CSS pixels; the same object at every call.

    Example::

        ctx = screen.context()
        ctx.fillText("Hello", 16, 32)
    """
    if _recorder:
        return _recorder[0]
    if _drawing is None:
        return target.call("context")
    _recorder.append(_drawing.screen_context(target.call("context"), target.call("canvas")))
    return _recorder[0]


def canvas() -> JSValue:
    """The main canvas: ``canvas.width``/``height`` are device pixels (on Pyodide setting them flushes
    the recorded drawing first; ``.handle`` is the JS canvas).

    Example::

        screen.canvas().width       # 780 on a 390-pixel-wide screen at pixel ratio 2
    """
    if _drawing is None:
        return target.call("canvas")
    return context().canvas


def flush() -> None:
    """Replay on the canvas what was drawn so far (Pyodide records drawing; see ``ttminis.drawing``).
    Frames, reads and the microtask after the first draw do it for you; a call the canvas refused when
    it was replayed raises here (``RuntimeError`` naming the call). Does nothing on Brython.

    Example::

        ctx.fillRect(0, 0, 10, 10)
        screen.flush()
    """
    if _drawing is not None and _recorder:
        _drawing.flush()


def size() -> tuple[float, float]:
    """The screen's size in CSS pixels, ``(width, height)``: where touches and drawing coordinates live.

    Example::

        width, height = screen.size()
    """
    view = ffi.to_py(target.call("viewport"))
    return view["width"], view["height"]


def pixel_ratio() -> float:
    """Device pixels per CSS pixel (2 or 3 on most phones).

    Example::

        screen.pixel_ratio()        # 2
    """
    ratio: float = ffi.to_py(target.call("viewport"))["pixelRatio"]
    return ratio


def describe(text: str, buttons: Iterable[Sequence[object]] = (), **values: Plain) -> None:
    """Say what the screen shows: ``text`` (one line), the tappable ``buttons`` as ``(label, x, y,
    width, height)`` in CSS pixels, and any plain ``values``.

    On html the text goes to a live region that screen readers announce; on both targets tests read
    ``ttminisLoader.surface.description`` (``{text, buttons: [{label, x, y, width, height}], values}``).
    Call it when what the screen says changes, not every frame.

    Example::

        screen.describe("Bought Sword!", buttons=[("Buy Shield", 270, 520, 104, 48)], coins=12)
    """
    if not isinstance(text, str):
        raise TypeError(f"screen.describe: text must be a str, got {type(text).__name__}")
    rows = []
    for i, button in enumerate(buttons):
        if not isinstance(button, (tuple, list)) or len(button) != 5:
            raise TypeError(f"screen.describe: buttons[{i}] must be (label, x, y, width, height), got {button!r}")
        label, x, y, width, height = button
        if not isinstance(label, str):
            raise TypeError(f"screen.describe: buttons[{i}] label must be a str, got {type(label).__name__}")
        for name, value in (("x", x), ("y", y), ("width", width), ("height", height)):
            number("screen.describe", f"buttons[{i}] {name}", value, -1e9, 1e9)
        rows.append({"label": label, "x": x, "y": y, "width": width, "height": height})
    target.call("describe", text, ffi.to_js(rows), ffi.to_js(plain(values, "screen.describe: values", ffi.NULL)))
