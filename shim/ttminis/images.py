"""Images from the game's ``assets/`` folder, loaded the target's way and drawn on the screen.

html: an ``<img>`` from the bundle's files; native: ``TTMinis.game.createImage()`` on the package
path (also when the build moved the asset into a subpackage). Loading starts at once and takes a
moment: ``ready`` says when ``draw`` draws; ``await image.loaded()`` waits for it. A missing or
broken file is logged as an error (``failed``, ``error``) and ``loaded()`` raises ``OSError``.

Exports:
    load(path) -> Image      ``path`` under ``assets/``, e.g. ``"assets/coin.png"``
    Image                    .draw(x, y, width=None, height=None), .ready, .failed, .error,
                             .width, .height, .handle (for ``context.drawImage``), await .loaded()

Example::

    from ttminis import images, screen

    coin = images.load("assets/coin.png")

    def draw(time):
        coin.draw(100, 200, 48, 48)       # nothing until it has loaded
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import JSValue

from . import calls, screen, target
from .backend import ffi
from .errors import TTMinisError
from .surface_checks import game_path


class Image:
    """An image being loaded, or loaded; draw it with ``draw`` or ``context.drawImage(image.handle, ...)``.

    Example::

        image = images.load("assets/hero.png")
        await image.loaded()
        print(image.width, image.height)
    """

    def __init__(self, path: str, record: JSValue) -> None:
        self.path = path
        self._record = record
        self.handle = ffi.get(record, "image")

    @property
    def ready(self) -> bool:
        """Whether it has loaded (``draw`` draws nothing before)."""
        return bool(ffi.get(self._record, "ready"))

    @property
    def failed(self) -> bool:
        return bool(ffi.get(self._record, "failed"))

    @property
    def error(self) -> str:
        """Why it failed to load, or ``""``."""
        return ffi.get(self._record, "error") or ""

    @property
    def width(self) -> float:
        """Its natural width in pixels (0 until loaded)."""
        return ffi.get(self._record, "width") or 0

    @property
    def height(self) -> float:
        return ffi.get(self._record, "height") or 0

    def draw(self, x: float, y: float, width: float | None = None, height: float | None = None,
             context: JSValue = None) -> bool:
        """Draw it with its top-left corner at (x, y), at its size or at ``width`` x ``height``
        (CSS pixels), on the screen or on ``context``; does nothing until it has loaded.

        Example::

            coin.draw(100, 200, 48, 48)
        """
        if not self.ready:
            return False
        ctx = context if context is not None else screen.context()
        if ffi.NAME == "pyodide" and not _is_js(ctx):       # a recording context (ttminis.drawing)
            if width is None:
                ctx.drawImage(self.handle, x, y)
            else:
                ctx.drawImage(self.handle, x, y, width, height)
            return True
        args = [self.handle, x, y] if width is None else [self.handle, x, y, width, height]
        ffi.invoke(ctx, "drawImage", args)
        return True

    async def loaded(self) -> Image:
        """Wait until it has loaded; returns it. ``OSError`` if the file is missing or not an image.

        Example::

            background = await images.load("assets/sky.png").loaded()
        """
        try:
            await calls.promise_call(self._record, "whenLoaded", (), f"images.load({self.path!r})")
        except TTMinisError as e:
            raise OSError(e.error_msg) from None
        return self


def _is_js(value: object) -> bool:
    from pyodide.ffi import JsProxy
    return isinstance(value, JsProxy)


def load(path: str) -> Image:
    """Start loading the image at ``path`` (under ``assets/``); returns an ``Image`` at once.

    Example::

        coin = images.load("assets/coin.png")
    """
    game_path("images.load", "path", path, under="assets/")
    return Image(path, target.call("loadImage", path))
