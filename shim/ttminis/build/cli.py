"""The ``ttminis`` command (``ttminis new``, ``build``, ``simulate``); ``build.py`` is a thin wrapper over
``main``, the same code as ``ttminis build``.

Example::

    ttminis new mygame
    ttminis build mygame --target native --zip
    python build.py examples/shop --dev --serve
"""
from __future__ import annotations

import argparse
import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Callable, Sequence

from . import BuildResult, build, compliance, runtimes
from .package import BuildError, following_links, make_zip
from .serve import BundleServer, csp_for, origin
from .targets import TARGET_NAMES

DEFAULT_GAME = Path(__file__).resolve().parents[3] / "examples" / "shop"
STARTER = Path(__file__).resolve().parent / "starter-game"
_TITLE_MARK = "__GAME__"


def command(argv: Sequence[str] | None = None) -> int:
    """``ttminis COMMAND ...`` (the console script and ``python -m ttminis``); returns the exit code.

    Example::

        command(["new", "mygame"])
        command(["build", "mygame", "--target", "native"])
    """
    parser = argparse.ArgumentParser(
        prog="ttminis", description="Python games for TikTok's mini-game runtime: create one, build it into an "
                                    "upload-ready package, run it in the simulator.",
        epilog="Run `ttminis COMMAND --help` for a command's options. Tests: `python -m pytest` in the game "
               "folder (ttminis's pytest fixtures).")
    parser.add_argument("--version", action="version", version=f"ttminis {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    new = commands.add_parser("new", help="create a starter game in a new folder",
                              description="Create a starter game in DIR: main.py (a screen, a tap, one purchase, "
                                          "silent login, a rewarded ad, the shortcut and profile missions) that "
                                          "runs on TikTok's native runtime and in a web page, tests/ (its rules "
                                          "on CPython, the game in the native simulator), requirements.txt and "
                                          "a README.")
    new.add_argument("dir", metavar="DIR", help="the new game's folder (must not exist, or be empty)")
    build_parser = commands.add_parser("build", help="build a game folder into an upload-ready package",
                                       description=_BUILD_DESCRIPTION)
    add_build_arguments(build_parser, default_help="the current folder")
    simulate = commands.add_parser("simulate", help="run a native package in the strict simulator",
                                   description="Run a native package (ttminis build --target native) once in "
                                               "ttminis's strict stand-in for TikTok's native runtime and print "
                                               "what it did: state, timings, console, errors and every use of "
                                               "what the runtime lacks. Exit code 0 only if it ran cleanly.")
    simulate.add_argument("package", metavar="PACKAGE", help="the native package folder (e.g. dist/mygame-native)")
    simulate.add_argument("--png", metavar="FILE", help="save the first frame as a PNG (node only: jsc keeps no pixels)")
    simulate.add_argument("--engine", choices=["node", "jsc", "jsc-nojit"], default="node",
                          help="where to run it: node (V8, with pixels; the default), jsc (JavaScriptCore, "
                               "the engine TikTok uses on iOS) or jsc-nojit (JavaScriptCore without JIT, as on "
                               "an iPhone)")
    simulate.add_argument("--lenient", action="store_true",
                          help="add the globals TikTok does not document (WebAssembly, TextDecoder, ...): "
                               "tells 'needs a polyfill' from 'broken'")
    args = parser.parse_args(argv)
    if args.command == "new":
        return new_game(args.dir)
    if args.command == "build":
        return run_build(args, build_parser, Path.cwd())
    if args.command == "simulate":
        return _simulate(args)
    parser.print_help()
    return 2


def _version() -> str:
    from .. import __version__
    return __version__


def new_game(folder: str | os.PathLike[str], out: Callable[[str], object] = print) -> int:
    """Copy the starter game into ``folder`` (new or empty); 0 on success, 2 if refused.

    Example::

        new_game("mygame")
    """
    path = Path(folder)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        print(f"error: {folder} already exists and is not an empty folder: pick a new name "
              "(ttminis new mygame)", file=sys.stderr)
        return 2
    title = path.resolve().name
    made = []
    for source in sorted(STARTER.rglob("*")):
        rel = source.relative_to(STARTER)
        if source.is_dir() or "__pycache__" in rel.parts or source.suffix == ".pyc":
            continue
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        target.write_text(text.replace(_TITLE_MARK, title), encoding="utf-8")
        made.append(rel.as_posix())
    out(f"Created {folder}/ with {', '.join(made)}\n")
    out("Next, in that folder:")
    out("  python -m pytest                        # its tests: the rules on CPython, the game in the native simulator")
    out("  ttminis build --target native --serve   # play it in your browser, running as on TikTok")
    out("  ttminis build --target native --zip     # the package to upload")
    out(f"Read {folder}/README.md for the rest.")
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from ..simulator import simulate
    package = Path(args.package)
    if (package / "main.py").is_file() and not (package / "game.json").is_file():
        print(f"error: {package} is a game folder, not a native package: build it first with "
              f"`ttminis build {package} --target native`, then simulate dist/{package.resolve().name}-native",
              file=sys.stderr)
        return 2
    return simulate(package, png=args.png, strict=not args.lenient, engine=args.engine)


_BUILD_DESCRIPTION = "Build a Python game folder into an offline TikTok mini-game package."


def main(argv: Sequence[str] | None = None) -> int:
    """``build.py``: parse ``argv``, build, report; returns the exit code (0 ok, 1 compliance failed, 2 error).

    Example::

        main(["examples/shop", "--runtime", "brython"])
    """
    parser = argparse.ArgumentParser(prog="build.py", description=_BUILD_DESCRIPTION)
    add_build_arguments(parser, default_help="examples/shop in a checkout")
    return run_build(parser.parse_args(argv), parser, DEFAULT_GAME)


def add_build_arguments(parser: argparse.ArgumentParser, default_help: str) -> None:
    """The build's options, the same for ``ttminis build`` and ``build.py``.

    Example::

        add_build_arguments(argparse.ArgumentParser(), "the current folder")
    """
    parser.add_argument("game_dir", nargs="?", default=None, metavar="DIR",
                        help="the game folder (main.py, modules, assets/, requirements.txt, "
                             f"minigame.config.json); default: {default_help}")
    parser.add_argument("--target", choices=TARGET_NAMES, default="html")
    parser.add_argument("--out", help="output folder (default: dist/<game>, or dist/<game>-native, in the current folder)")
    parser.add_argument("--runtime", choices=sorted(runtimes.RUNTIMES), default="pyodide")
    parser.add_argument("--dev", action="store_true",
                        help="add the fake TikTok SDK (used only where TikTok's SDK is not present), "
                             "a DEV BUILD banner and a dev panel; for previews, never for upload")
    parser.add_argument("--zip", action="store_true", help="also write <game>.zip for upload (not with --dev)")
    parser.add_argument("--serve", action="store_true",
                        help="html: serve the bundle on 127.0.0.1 with TikTok's strict CSP; native: preview the "
                             "package live in a desktop browser, running in the strict simulator")
    parser.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    parser.add_argument("--client-key", default="", help="your app's clientKey for TTMinis.game.init (html)")
    parser.add_argument("--app-id", default="", help="your app's appid for project.config.json (native)")
    parser.add_argument("--probe", action="store_true",
                        help="with --target native: build the device probe instead of a game")
    parser.add_argument("--backend-url", default="",
                        help="your game server's URL, for ttminis.game_server (its origin must be a "
                             "trusted https domain in your app's configuration; --serve allows it in the CSP)")
    parser.add_argument("--fake-tiktok-url", default="",
                        help="--dev (html) or --serve (native): the fake SDK keeps its orders at this fake TikTok "
                             "server (python -m ttminis.server fake-tiktok / demo)")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="start without the build-time memory snapshot: Python initialises at each start "
                             "(seconds slower); native: the whole standard library ships")
    parser.add_argument("--follow-links", action="store_true",
                        help="copy what a symbolic link out of the game folder points to (without it, such a "
                             "link fails the build); the report names each link followed")
    parser.add_argument("--keep-stdlib", action="append", default=[], metavar="MODULE",
                        help="native: keep this standard-library module although the game does not import "
                             "it (repeatable; 'all' keeps every one); needs the snapshot")


def run_build(args: argparse.Namespace, parser: argparse.ArgumentParser, default_game: Path) -> int:
    """Build what ``args`` (from ``add_build_arguments``) asks, print the reports, zip or serve.

    Example::

        run_build(parser.parse_args(["mygame"]), parser, Path.cwd())
    """
    if args.dev and args.zip:
        print("error: --dev --zip: a dev build holds the fake TikTok SDK and must never be uploaded; "
              "build without --dev for the upload zip", file=sys.stderr)
        return 2
    if args.probe and args.target != "native":
        parser.error("--probe needs --target native")
    for name in ("backend_url", "fake_tiktok_url"):
        if getattr(args, name):
            try:
                origin(getattr(args, name))
            except ValueError as e:
                parser.error(f"--{name.replace('_', '-')}: {e}")
    game_dir = args.game_dir
    if game_dir is None and not args.probe:
        if not (default_game / "main.py").is_file():
            parser.error(f"no main.py in {default_game}: give the game folder (the folder that holds your "
                         "game's main.py), or create a game with `ttminis new DIR`")
        game_dir = default_game

    if args.keep_stdlib and args.no_snapshot:
        parser.error("--keep-stdlib needs the snapshot: without it the whole standard library ships")
    keep = [name.strip() for value in args.keep_stdlib for name in value.split(",") if name.strip()]
    options = {"app_id": args.app_id, "probe": args.probe} if args.target == "native" else {}
    if args.target == "native":
        options.update(snapshot=not args.no_snapshot, keep_stdlib=keep)
    elif keep:
        parser.error("--keep-stdlib is for --target native: html bundles keep the whole standard library")
    elif args.runtime == "pyodide":
        options["snapshot"] = not args.no_snapshot
    # A native package holds no fake SDK: with --serve, the preview's simulator keeps the fake's orders there.
    package_fake_tiktok_url = "" if args.target == "native" and args.serve else args.fake_tiktok_url
    try:
        with (following_links() if args.follow_links else nullcontext([])) as followed:
            result = build(game_dir, args.out, target=args.target, runtime=args.runtime, dev=args.dev,
                           client_key=args.client_key, backend_url=args.backend_url,
                           fake_tiktok_url=package_fake_tiktok_url, **options)
    except (BuildError, runtimes.FetchError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    links = [f"  note  --follow-links: {link} is a link out of the game folder; copied what it points to: {target}"
             for link, target in followed]

    if result.target == "native":
        print(f"\nBuilt {result.out} (native runtime, {result.runtime})")
        print("\n".join(result.report + links))
        _backend_note(args)
        return _finish(args, result)
    lines, total_raw, _total_gz = compliance.size_table(result.out)
    print(f"\nBuilt {result.out} ({result.runtime}{', dev' if result.dev else ''})")
    print("\n".join(lines + links))
    report = result.compliance
    assert report is not None, "an html build is always scanned"
    print("\nCompliance (TikTok's upload rules):")
    for failure in report.failures:
        print(f"  FAIL  {failure}")
    for note in report.notes:
        print(f"  note  {note}")
    if result.runtime == "brython":
        print("  note  Brython compiles Python to JavaScript at run time and runs it with Function():"
              " it cannot run under a CSP without 'unsafe-eval', which TikTok's rules forbid.")
    if not report.failures:
        print("  ok    our own files use no eval, Function() or string timers; all sources are local")
    _backend_note(args)
    if total_raw > compliance.NATIVE_TOTAL_BYTES:
        print(f"  warn  {total_raw / 2**20:.1f} MB exceeds the native runtime's 30 MB total")
    if result.dev:
        print("  note  a --dev build: for previews only, never for upload")
    if report.failures_besides(compliance.FAKE_RULE) if result.dev else report.failures:
        return 1
    return _finish(args, result)


def _backend_note(args: argparse.Namespace) -> None:
    if args.backend_url:
        print(f"  note  the game calls {origin(args.backend_url)}: declare it as a trusted domain in your "
              "app's configuration" + ("" if args.backend_url.startswith("https://") else
                                       " (TikTok accepts only https; http is for local previews)"))


def _finish(args: argparse.Namespace, result: BuildResult) -> int:
    if args.zip:
        zip_path = make_zip(result.out, result.out.parent / f"{result.out.name}.zip")
        size = zip_path.stat().st_size
        print(f"\nWrote {zip_path} ({size / 2**20:.2f} MB)")
        if size > compliance.MAX_ZIP_BYTES:
            print("  warn  over TikTok's 200 MB upload limit")
    if args.serve and result.target == "native":
        return _preview(args, result)
    if args.serve:
        server = BundleServer(result.out, csp_for(result.runtime, [args.backend_url, args.fake_tiktok_url]),
                              args.port)
        print(f"\nServing {result.out} at {server.url}  (Ctrl+C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


def _preview(args: argparse.Namespace, result: BuildResult) -> int:
    from ..simulator import SimulatorError
    from ..simulator.preview import Preview
    from .node import NodeMissing
    try:
        preview = Preview(result.out, args.port, order_book=args.fake_tiktok_url or None, allow=[args.backend_url])
    except (SimulatorError, NodeMissing, OSError) as e:
        print(f"error: the preview could not start: {e}", file=sys.stderr)
        return 2
    print(f"\nPreviewing {result.out} at {preview.url}  (Ctrl+C to stop)\n"
          "  the package runs in the strict simulator (TikTok's globals only); clicks and drags are touches",
          flush=True)
    try:
        preview.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
