#!/usr/bin/env python3
"""Build a Python game folder into an offline, upload-ready TikTok mini-game bundle.

    python build.py [GAME_DIR] [--out DIR] [--runtime pyodide|brython] [--dev] [--zip]
                    [--serve [--port N]] [--client-key KEY]

GAME_DIR defaults to the bundled example, examples/shop. Every build ends with a size report and
a compliance report (TikTok's upload rules); it fails on a rule broken by our own files.
"""
import argparse
import sys
from pathlib import Path

from builder import compliance, runtimes
from builder.bundle import OWN_JS, REPO, BuildError, build, make_zip
from builder.serve import CSP_BY_RUNTIME, BundleServer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("game_dir", nargs="?", default=str(REPO / "examples" / "shop"),
                        help="the game folder (main.py, modules, assets/, requirements.txt, "
                             "minigame.config.json); default: examples/shop")
    parser.add_argument("--out", help="output folder (default: dist/<game>)")
    parser.add_argument("--runtime", choices=sorted(runtimes.RUNTIMES), default="pyodide")
    parser.add_argument("--dev", action="store_true",
                        help="add the fake TikTok SDK (used only when no real SDK is present) "
                             "and an on-page dev panel")
    parser.add_argument("--zip", action="store_true", help="also write <game>.zip for upload")
    parser.add_argument("--serve", action="store_true",
                        help="serve the bundle on 127.0.0.1 with TikTok's strict CSP")
    parser.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    parser.add_argument("--client-key", default="", help="your app's clientKey for TTMinis.game.init")
    args = parser.parse_args(argv)

    try:
        result = build(args.game_dir, args.out, args.runtime, args.dev, args.client_key)
    except (BuildError, runtimes.FetchError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    lines, total_raw, total_gz = compliance.size_table(result.out)
    print(f"\nBuilt {result.out} ({result.runtime}{', dev' if result.dev else ''})")
    print("\n".join(lines))
    report = compliance.scan(result.out, OWN_JS)
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
    if report.failures:
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
