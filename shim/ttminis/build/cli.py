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
from .serve import CSP_BY_RUNTIME, BundleServer
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
    parser.add_argument("--out", help="output folder (default: dist/<game> in the current folder)")
    parser.add_argument("--runtime", choices=sorted(runtimes.RUNTIMES), default="pyodide")
    parser.add_argument("--dev", action="store_true",
                        help="add the fake TikTok SDK (used only where TikTok's SDK is not present), "
                             "a DEV BUILD banner and a dev panel; for previews, never for upload")
    parser.add_argument("--zip", action="store_true", help="also write <game>.zip for upload (not with --dev)")
    parser.add_argument("--serve", action="store_true",
                        help="serve the bundle on 127.0.0.1 with TikTok's strict CSP")
    parser.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    parser.add_argument("--client-key", default="", help="your app's clientKey for TTMinis.game.init")
    args = parser.parse_args(argv)
    if args.dev and args.zip:
        print("error: --dev --zip: a dev build holds the fake TikTok SDK and must never be uploaded; "
              "build without --dev for the upload zip", file=sys.stderr)
        return 2
    game_dir = args.game_dir
    if game_dir is None:
        if not DEFAULT_GAME.is_dir():
            parser.error("give the game folder (the folder that holds your game's main.py)")
        game_dir = DEFAULT_GAME

    try:
        result = build(game_dir, args.out, target=args.target, runtime=args.runtime, dev=args.dev,
                       client_key=args.client_key)
    except (BuildError, runtimes.FetchError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

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
    if total_raw > compliance.NATIVE_TOTAL_BYTES:
        print(f"  warn  {total_raw / 2**20:.1f} MB exceeds the native runtime's 30 MB total")
    if result.dev:
        print("  note  a --dev build: for previews only, never for upload")
    if report.failures_besides(compliance.FAKE_RULE) if result.dev else report.failures:
        return 1

    if args.zip:
        zip_path = make_zip(result.out, result.out.parent / f"{result.out.name}.zip")
        size = zip_path.stat().st_size
        print(f"\nWrote {zip_path} ({size / 2**20:.2f} MB)")
        if size > compliance.MAX_ZIP_BYTES:
            print("  warn  over TikTok's 200 MB upload limit")
    if args.serve:
        server = BundleServer(result.out, CSP_BY_RUNTIME[result.runtime], args.port)
        print(f"\nServing {result.out} at {server.url}  (Ctrl+C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
