"""Host side: a game folder -> an offline package for a target. Never copied into a game.

Exports:
    build(game_dir, out=None, *, target="html", runtime="pyodide", dev=False, client_key="", log=print,
          backend_url="", fake_tiktok_url="", **target_options)
        -> BuildResult (``out``, ``target``, ``runtime``, ``dev``, ``compliance``)
        target_options go to the target: native takes ``app_id`` and ``probe``; html takes
        ``expose_interpreter`` (tests only)
    BuildError, BuildResult, make_zip

Example::

    from ttminis.build import build
    result = build("examples/shop", runtime="brython", dev=True)
    print(result.out)          # ./dist/shop
"""
from __future__ import annotations

import os

from . import python_check, targets
from .package import BuildError, Log, check_game_dir, game_files, make_zip
from .targets import BuildResult

__all__ = ["build", "BuildError", "BuildResult", "make_zip"]


def build(game_dir: str | os.PathLike[str], out: str | os.PathLike[str] | None = None, *, target: str = "html",
          runtime: str = "pyodide", dev: bool = False, client_key: str = "", log: Log = print,
          backend_url: str = "", fake_tiktok_url: str = "", allow_js_code_generation: bool = False,
          **target_options: object) -> BuildResult:
    """Build the game in ``game_dir`` for ``target``; returns what was made and where.

    The game's Python is compiled first with the runtime's own Python and read by one syntax-tree pass
    (``python_check``): a syntax error is a ``BuildError`` naming ``file:line``, and so, on native, is
    code generation through JavaScript (``js.eval``, ``run_js``, ...); imports nothing provides are
    warnings. ``allow_js_code_generation=True`` makes that code generation a warning: only for tests of
    the simulator's own refusals, which need a package that tries (there is no command-line flag).

    ``expose_interpreter=True`` (html) is for tests that measure the interpreter itself (proxy
    counts, soak): the page publishes the live Pyodide as ``ttminisLoader.pyodide``, as ``dev``
    builds do. Production builds never publish it (any script holding it could run any Python).

    Example::

        build("examples/shop", "dist/shop-preview", dev=True)
        build("examples/shop", target="native", app_id="tt0123456789")
    """
    try:
        module = targets.load(target)
    except ValueError as e:
        raise BuildError(str(e)) from None
    urls = {name: value for name, value in (("backend_url", backend_url), ("fake_tiktok_url", fake_tiktok_url))
            if value}     # only when given: a target without a backend option still builds plain games
    if target_options.get("probe"):       # the device probe is a game of its own (native only)
        game_dir = module.PROBE_GAME
    folder = check_game_dir(game_dir)
    # a syntax error is a build error; so is code generation through JS on native (python_check.scan)
    python_check.check(folder, game_files(folder), log=log, target=target, runtime=runtime,
                       allow_js_code_generation=allow_js_code_generation)
    result: BuildResult = module.build(folder, out, runtime=runtime, dev=dev, client_key=client_key, log=log,
                                       **urls, **target_options)
    return result
