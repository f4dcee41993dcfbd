"""The one place that knows which target the game runs on.

``NAME`` is ``"native"`` (TikTok's native runtime: no DOM, ``TTMinis.game.createCanvas``),
``"html"`` (a web page: the loader's ``<canvas>``, ``fetch``) or ``"host"`` (plain CPython tests).
The package's boot code sets the global ``ttminisTarget`` before Python starts (``game.js`` on
native, the loader on html); it is read once, at import.

``surface()`` is the target's game surface (``ttminisLoader.surface``): the JS object the boot code
made for this target from ``web/surface/ttminis-surface.js``, with the same methods on every target.
``ttminis.screen``, ``touch``, ``frames``, ``images``, ``sound`` and ``files`` use it; nothing else
needs to know where the game runs.

Example::

    from ttminis import target
    if target.NAME == "native":
        ...
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Any, JSValue

from .backend import ffi
from .errors import SDKThrew, TTMinisUnavailable

NAME: str = ffi.global_value("ttminisTarget") or ("host" if ffi.NAME == "cpython" else "html")
_surface: list[JSValue] = []


def surface() -> JSValue:
    """The target's game surface (``ttminisLoader.surface``); ``TTMinisUnavailable`` where there is none.

    Example::

        ffi.invoke(target.surface(), "viewport", [])
    """
    if not _surface:
        loader = ffi.global_value("ttminisLoader")
        found = ffi.get(loader, "surface") if loader is not None else None
        if found is None:
            raise TTMinisUnavailable(
                "ttminis's game surface (screen, touch, frames, images, sound, files)",
                hint="It comes with the page build.py makes (--target html) and the native package "
                     "(--target native); on plain CPython, the ttminis_wallet fixture (or "
                     "ttminis.testing.install()) provides it as testing.HostSurface, which records what "
                     "is drawn, and the ttminis_page or ttminis_native fixture runs the game in a real "
                     "page or the native runtime.")
        _surface.append(found)
    return _surface[0]


def call(method: str, *args: Any) -> JSValue:
    """``surface()[method](*args)``, the result as it comes (a JS handle, or a number, str, bool, None).

    A JS throw raises ``RuntimeError``. Example::

        context = target.call("context")
    """
    try:
        return ffi.invoke(surface(), method, list(args))
    except SDKThrew as e:
        raise RuntimeError(f"ttminis surface {method}: {e}") from None
