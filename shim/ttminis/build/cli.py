"""``build.py`` (and later ``ttminis build``): argument parsing, the reports, zip and serve.

Example::

    python build.py examples/shop --dev --serve
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import build, compliance, runtimes
from .package import BuildError, make_zip
from .serve import BundleServer, csp_for, origin
from .targets import TARGET_NAMES

DEFAULT_GAME = Path(__file__).resolve().parents[3] / "examples" / "shop"


def main(argv=None) -> int:
    """Parse ``argv``, build, report; returns the exit code (0 ok, 1 compliance failed, 2 error).

    Example::

        main(["examples/shop", "--runtime", "brython"])
    """
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build a Python game folder into an offline TikTok mini-game package.")
    parser.add_argument("game_dir", nargs="?", default=None,
                        help="the game folder (main.py, modules, assets/, requirements.txt, "
                             "minigame.config.json); default: examples/shop in a checkout")
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
    parser.add_argument("--keep-stdlib", action="append", default=[], metavar="MODULE",
                        help="native: keep this standard-library module although the game does not import "
                             "it (repeatable; 'all' keeps every one); needs the snapshot")
    args = parser.parse_args(argv)
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
        if not DEFAULT_GAME.is_dir():
            parser.error("give the game folder (the folder that holds your game's main.py)")
        game_dir = DEFAULT_GAME

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
        result = build(game_dir, args.out, target=args.target, runtime=args.runtime, dev=args.dev,
                       client_key=args.client_key, backend_url=args.backend_url,
                       fake_tiktok_url=package_fake_tiktok_url, **options)
    except (BuildError, runtimes.FetchError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    if result.target == "native":
        print(f"\nBuilt {result.out} (native runtime, {result.runtime})")
        print("\n".join(result.report))
        _backend_note(args)
        return _finish(args, result)
    lines, total_raw, _total_gz = compliance.size_table(result.out)
    print(f"\nBuilt {result.out} ({result.runtime}{', dev' if result.dev else ''})")
    print("\n".join(lines))
    report = result.compliance
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


def _backend_note(args) -> None:
    if args.backend_url:
        print(f"  note  the game calls {origin(args.backend_url)}: declare it as a trusted domain in your "
              "app's configuration" + ("" if args.backend_url.startswith("https://") else
                                       " (TikTok accepts only https; http is for local previews)"))


def _finish(args, result) -> int:
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


def _preview(args, result) -> int:
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
