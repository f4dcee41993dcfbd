"""The one place that knows which target the game runs on.

``NAME`` is ``"native"`` (TikTok's native runtime: no DOM, ``TTMinis.game.createCanvas``),
``"html"`` (a web page: the loader's ``<canvas>``, ``fetch``) or ``"host"`` (plain CPython tests).
The package's boot code sets the global ``ttminisTarget`` before Python starts (``game.js`` on
native, the loader on html); it is read once, at import.

Example::

    from ttminis import target
    if target.NAME == "native":
        ...
"""
from .backend import ffi

NAME = ffi.global_value("ttminisTarget") or ("host" if ffi.NAME == "cpython" else "html")
