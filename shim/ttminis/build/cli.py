"""The ``ttminis`` command (``ttminis new``, ``build``, ``simulate``); ``build.py`` is a thin wrapper over
``main``, the same code as ``ttminis build``.

Example::

    ttminis new mygame
    ttminis build mygame --zip --app-id "$TIKTOK_APP_ID"     # TikTok's native runtime, the default
    python build.py examples/shop --target html --dev --serve

A user's mistake (a missing folder, a zip where a folder is wanted, a path that cannot be written)
is one line on stderr naming what to do, never a traceback.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Callable, ContextManager, Sequence

from . import BuildResult, build, compliance, requirements, runtimes
from .package import BuildError, check_game_dir, check_zip_path, default_out, following_links, make_zip
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
    try:
        if args.command == "new":
            return new_game(args.dir)
        if args.command == "build":
            return run_build(args, build_parser, Path.cwd())
        if args.command == "simulate":
            return _simulate(args)
    except OSError as e:        # a path the user gave that cannot be read or written: one line, no traceback
        print(f"error: {_os_error(e)}", file=sys.stderr)
        return 2
    parser.print_help()
    return 2


def _os_error(e: OSError) -> str:
    where = f"{e.filename}: " if e.filename else ""
    return f"{where}{e.strerror or e}"


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
    out("  ttminis build --serve                   # play it in your browser, running as on TikTok")
    out("  ttminis build --zip --app-id \"$TIKTOK_APP_ID\"   # the package to upload (your app's id)")
    out(f"Read {folder}/README.md for the rest.")
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from ..simulator import simulate
    package = Path(args.package)
    problem = _not_a_package(package)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.png is not None:
        folder = Path(args.png).parent
        if not folder.is_dir():
            print(f"error: --png {args.png}: the folder {folder} does not exist (create it, or save the frame "
                  "elsewhere)", file=sys.stderr)
            return 2
    return simulate(package, png=args.png, strict=not args.lenient, engine=args.engine)


def _not_a_package(package: Path) -> str:
    """Why ``package`` is not what ``ttminis simulate`` runs (a native package folder), or ""."""
    if package.is_file() and package.suffix == ".zip":
        folder = package.with_suffix("")
        hint = (f"simulate the folder `ttminis build` made beside it: ttminis simulate {folder}"
                if (folder / "game.json").is_file() else
                "simulate the package folder `ttminis build` makes (dist/<game>-native)")
        return f"{package} is the upload zip; ttminis simulate wants the package folder: {hint}"
    if not package.exists():
        return (f"{package}: no such folder (give the native package folder that `ttminis build` made, "
                "e.g. dist/mygame-native)")
    if not package.is_dir():
        return f"{package}: not a folder (give the native package folder that `ttminis build` made)"
    if (package / "main.py").is_file() and not (package / "game.json").is_file():
        return (f"{package} is a game folder, not a native package: build it first with "
                f"`ttminis build {package}` (--target native is the default), then simulate "
                f"dist/{package.resolve().name}-native")
    if not (package / "game.json").is_file():
        return (f"{package}: no game.json, so not a native package: build one with `ttminis build GAME` "
                "(--target native is the default)")
    return ""


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
    parser.add_argument("--target", choices=TARGET_NAMES, default=None,
                        help="native (the default): the package TikTok accepts; html: a web bundle for previews "
                             "(implied by --runtime brython and by --dev)")
    parser.add_argument("--out", help="output folder (default: dist/<game>, or dist/<game>-native, in the current folder)")
    parser.add_argument("--runtime", choices=sorted(runtimes.RUNTIMES), default="pyodide",
                        help="pyodide (the default) or brython (html only)")
    parser.add_argument("--dev", action="store_true",
                        help="add the fake TikTok SDK (used only where TikTok's SDK is not present), "
                             "a DEV BUILD banner and a dev panel; for previews, never for upload")
    parser.add_argument("--zip", action="store_true",
                        help="also write <out>.zip beside the output folder, for upload (not with --dev); "
                             "replaces only a zip an earlier ttminis build wrote")
    parser.add_argument("--serve", action="store_true",
                        help="html: serve the bundle on 127.0.0.1 with TikTok's strict CSP; native: preview the "
                             "package live in a desktop browser, running in the strict simulator")
    parser.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    parser.add_argument("--client-key", default="", help="your app's clientKey for TTMinis.game.init (html)")
    parser.add_argument("--app-id", default=None,
                        help="your app's appid for project.config.json (native), from TikTok's developer portal")
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
    parser.add_argument("--find-links", action="append", default=[], metavar="DIR",
                        help="a folder (or URL) of wheels for requirements.txt beside the package index, such "
                             "as Pyodide's own (numpy, pygame-ce, ...); repeatable; passed to pip")
    parser.add_argument("--index-url", default="", metavar="URL",
                        help="the package index pip resolves requirements.txt from (default: pip's own setting)")
    parser.add_argument("--accept-older", action="store_true",
                        help="pack a requirement older than its newest release when the newest has no Pyodide "
                             "wheel (without it the build fails, naming which and why)")
    parser.add_argument("--keep-stdlib", action="append", default=[], metavar="MODULE",
                        help="native: keep this standard-library module although the game does not import "
                             "it (repeatable; 'all' keeps every one); needs the snapshot")


def run_build(args: argparse.Namespace, parser: argparse.ArgumentParser, default_game: Path) -> int:
    """Build what ``args`` (from ``add_build_arguments``) asks, print the reports, zip or serve.

    Example::

        run_build(parser.parse_args(["mygame"]), parser, Path.cwd())
    """
    if args.target is None:     # TikTok takes only native games; Brython and the in-page fake SDK mean html
        args.target = "html" if args.runtime == "brython" or args.dev else "native"
    app_problem = app_id_problem(args.app_id)
    if app_problem:
        print(f"error: --app-id {args.app_id!r}: {app_problem}", file=sys.stderr)
        return 2
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
    if args.zip:
        refused = _before_zip(args, game_dir)
        if refused is not None:
            return refused
    options = {"app_id": args.app_id or "", "probe": args.probe} if args.target == "native" else {}
    if args.target == "native":
        options.update(snapshot=not args.no_snapshot, keep_stdlib=keep)
    elif keep:
        parser.error("--keep-stdlib is for --target native: html bundles keep the whole standard library")
    elif args.runtime == "pyodide":
        options["snapshot"] = not args.no_snapshot
    # A native package holds no fake SDK: with --serve, the preview's simulator keeps the fake's orders there.
    package_fake_tiktok_url = "" if args.target == "native" and args.serve else args.fake_tiktok_url
    try:
        follow: ContextManager[list[tuple[str, Path]]] = following_links() if args.follow_links else nullcontext([])
        with follow as followed:
            result = build(game_dir, args.out, target=args.target, runtime=args.runtime, dev=args.dev,
                           client_key=args.client_key, backend_url=args.backend_url,
                           fake_tiktok_url=package_fake_tiktok_url, requirements=_requirement_options(args),
                           **options)
    except (BuildError, runtimes.FetchError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    links = [f"  note  --follow-links: {link} is a link out of the game folder; copied what it points to: {target}"
             for link, target in followed]

    if result.target == "native":
        print(f"\nBuilt {result.out} (native runtime, {result.runtime})")
        print("\n".join(result.report + links))
        print(RANDOM_NOTE)
        _backend_note(args)
        return _finish(args, result)
    lines, total_raw, _total_gz = compliance.size_table(result.out)
    print(f"\nBuilt {result.out} ({result.runtime}{', dev' if result.dev else ''}; sizes with MB = 10^6 bytes)")
    print("\n".join(lines + links))
    if result.report:           # the requirements' distribution list
        print("\n".join(result.report))
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
        print(f"  warn  {compliance.human_size(total_raw)} exceeds the native runtime's 30 MB total")
    if result.dev:
        print("  note  a --dev build: for previews only, never for upload")
    if report.failures_besides(compliance.FAKE_RULE) if result.dev else report.failures:
        return 1
    return _finish(args, result)


# Values a user copies from a README or a form instead of their app's id (compared without case, spaces,
# "-", "_", "<>", "$" and quotes).
_PLACEHOLDER_WORDS = ("yourappid", "appidhere", "myappid", "yourid", "placeholder", "changeme", "example",
                      "xxxx", "todo", "fixme", "insert", "replace", "dummy", "ttminisplaceholder")


def app_id_problem(app_id: str | None) -> str:
    """Why ``--app-id`` cannot be the app's real id (empty, or an obvious placeholder), or "".

    Example::

        app_id_problem("YOUR_APP_ID")    # 'a placeholder, not your app's id: ...'
    """
    if app_id is None:
        return ""
    if not app_id.strip():
        return ("empty (an unset shell variable such as $TIKTOK_APP_ID?): give your app's id from TikTok's "
                "developer portal, or leave --app-id out for a preview")
    squeezed = re.sub(r"[\s\-_<>$'\"{}\[\].]", "", app_id).lower()
    if (any(word in squeezed for word in _PLACEHOLDER_WORDS) or squeezed in {"appid", "id", "app", "0", "none", "null"}
            or app_id.strip().startswith(("<", "$", "{"))):
        return ("a placeholder, not your app's id: give the id TikTok's developer portal shows for your app "
                "(or leave --app-id out for a preview)")
    return ""


def _requirement_options(args: argparse.Namespace) -> requirements.Options:
    return requirements.Options(find_links=tuple(getattr(args, "find_links", ())),
                                index_url=getattr(args, "index_url", ""),
                                accept_older=getattr(args, "accept_older", False))


def _zip_path(out: Path) -> Path:
    return out.parent / f"{out.name}.zip"


def _before_zip(args: argparse.Namespace, game_dir: Path | None) -> int | None:
    """What a ``--zip`` build checks before anything is written: the zip's path is free or ttminis's, and
    the game can start (every import is satisfied). An exit code to stop with, or None to build."""
    try:
        folder = check_game_dir(game_dir) if game_dir is not None else None
        if args.out:
            out = Path(args.out).resolve()
        elif folder is not None:
            out = default_out(folder, "-native" if args.target == "native" else "")
        else:
            return None     # the device probe: its own game, named by its target
        check_zip_path(_zip_path(out))
        if folder is None:
            return None
        from . import python_check
        missing = python_check.unresolved_imports(folder, args.runtime, log=print,
                                                  requirements=_requirement_options(args))
    except (BuildError, runtimes.FetchError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if missing:
        print(f"error: {folder.name}/ cannot start: {len(missing)} import(s) nothing provides, so no upload zip "
              "was made:", file=sys.stderr)
        for finding in missing:
            print(f"  {finding}", file=sys.stderr)
        return 1
    return None


# TikTok documents no random source for its native runtime: said once per build, not at every start.
RANDOM_NOTE = ("  note  random numbers: TikTok documents no crypto.getRandomValues on its native runtime; on a "
               "client without it, Python's random, os.urandom and secrets are seeded from Math.random — fine "
               "for gameplay, never for secrets (keep those on your server; the device probe shows what a "
               "phone has)")


def _backend_note(args: argparse.Namespace) -> None:
    if args.backend_url:
        print(f"  note  the game calls {origin(args.backend_url)}: declare it as a trusted domain in your "
              "app's configuration" + ("" if args.backend_url.startswith("https://") else
                                       " (TikTok accepts only https; http is for local previews)"))


def _finish(args: argparse.Namespace, result: BuildResult) -> int:
    if args.zip:
        zip_path = make_zip(result.out, _zip_path(result.out))
        size = zip_path.stat().st_size
        print(f"\nWrote {zip_path} ({compliance.human_size(size)})")
        if result.target == "html":
            print("  note  a web bundle, for the web (previews, TikTok's DevTool browser mode, other webviews): "
                  "TikTok's store takes only native games; for upload, build without --target html")
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
    def announce() -> None:
        print(f"\nPreviewing {result.out} at {preview.url}  (Ctrl+C to stop)\n"
              "  the package runs in the strict simulator (TikTok's globals only); clicks and drags are touches",
              flush=True)
    try:
        preview.serve_forever(ready=announce)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
