"""Host side: a game folder -> an offline package for a target. Never copied into a game.

Exports:
    build(game_dir, out=None, *, target="html", runtime="pyodide", dev=False, client_key="", log=print,
          expose_interpreter=False) -> BuildResult (``out``, ``target``, ``runtime``, ``dev``)
    BuildError, BuildResult, make_zip

Example::

    from ttminis.build import build
    result = build("examples/shop", runtime="brython", dev=True)
    print(result.out)          # ./dist/shop
"""
from __future__ import annotations

from . import targets
from .package import BuildError, check_game_dir, make_zip
from .targets import BuildResult

__all__ = ["build", "BuildError", "BuildResult", "make_zip"]


def build(game_dir, out=None, *, target="html", runtime="pyodide", dev=False, client_key="",
          log=print, expose_interpreter=False) -> BuildResult:
    """Build the game in ``game_dir`` for ``target``; returns what was made and where.

    ``expose_interpreter=True`` is for tests that measure the interpreter itself (proxy counts,
    soak): the page publishes the live Pyodide as ``ttminisLoader.pyodide``, as ``dev`` builds do.
    Production builds never publish it (any script holding it could run any Python).

    Example::

        build("examples/shop", "dist/shop-preview", dev=True)
    """
    try:
        module = targets.load(target)
    except ValueError as e:
        raise BuildError(str(e)) from None
    return module.build(check_game_dir(game_dir), out, runtime=runtime, dev=dev,
                        client_key=client_key, log=log, expose_interpreter=expose_interpreter)
