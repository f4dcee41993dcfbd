#!/usr/bin/env python3
"""Compiled requirements on the native target: sizes per subpackage and a start with and without the snapshot.

    python bench/packages.py [--starts S] [--nojit] [--markdown FILE]

The game (tests/packages/packages_game) imports msgpack, pydantic 2, jiter and simplejson (Pyodide wheels with
compiled code) and does real work with each. It is built as ttminis builds it (memory snapshot; the compiled
requirements and what imports them are imported at the game's start: the snapshot's fallback mode, see
build/snapshot.py) and with ``--no-snapshot``. S fresh starts of each, interleaved, medians (ms) from `start` to
the end of main.py (``ttminisLoader.timings.mainDone``), in the strict simulator and on jsc; ``--nojit`` adds one
start of the snapshot package on jsc without JIT (iPhone's stand-in; a --no-snapshot start there takes minutes).
Ratios within one place and one run are the numbers to read. Not part of CI's pass/fail.
"""
import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import emit, machine  # noqa: E402
from ttminis.build import build  # noqa: E402
from ttminis.build.native_layout import MB  # noqa: E402
from ttminis.simulator import Session  # noqa: E402

GAME = Path(__file__).resolve().parents[1] / "tests" / "packages" / "packages_game"
DONE = "ttminisLoader.timings.mainDone !== undefined || ttminisLoader.state === 'error'"


def start(package, engine):
    with Session(package, engine=engine) as session:
        session.wait_for(DONE, timeout=600)
        timings = session.eval("ttminisLoader.timings")
        if session.eval("ttminisLoader.errors"):
            raise RuntimeError(session.eval("ttminisLoader.errors"))
    return timings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--nojit", action="store_true")
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        builds = {"snapshot": build(GAME, tmp / "snapshot", target="native", app_id="bench", log=lambda *_: None),
                  "no snapshot": build(GAME, tmp / "plain", target="native", app_id="bench", snapshot=False,
                                       log=lambda *_: None)}
        runs = {(engine, name): [] for engine in ("node", "jsc") for name in builds}
        for _ in range(args.starts):
            for engine, name in runs:
                runs[(engine, name)].append(start(builds[name].out, engine))
        nojit = start(builds["snapshot"].out, "jsc-nojit") if args.nojit else None
        lines = ["Native package with msgpack, pydantic 2, jiter, simplejson (MB = 10^6 bytes, as the files sit)", "",
                 "| package | (sub)package | files | size | limit |", "|---|---|---:|---:|---:|"]
        for name, result in builds.items():
            for part, size, limit, count in result.sizes.rows:
                lines.append(f"| {name} | {part} | {count} | {size / MB:.2f} MB | {limit / MB:.0f} MB |")
            lines.append(f"| {name} | **total** | | {result.sizes.total / MB:.2f} MB | 30 MB |")
        report = builds["snapshot"].report
        first = report.index("Compiled packages' side modules (each its own file, compiled by path at start):")
        side = [ln.strip() for ln in report[first + 1:report.index("", first)]]
        lines += ["", "Side modules (raw, and as shipped):", ""] + [f"- {ln}" for ln in side]
        lines += ["", f"Start -> end of main.py, median of {args.starts} starts each, interleaved (ms)", "",
                  "| where | snapshot | no snapshot | ratio | runtime ready (snapshot / none) |",
                  "|---|---:|---:|---:|---:|"]
        for engine in ("node", "jsc"):
            snap = statistics.median(t["mainDone"] for t in runs[(engine, "snapshot")])
            plain = statistics.median(t["mainDone"] for t in runs[(engine, "no snapshot")])
            ready_s = statistics.median(t["runtime"] for t in runs[(engine, "snapshot")])
            ready_p = statistics.median(t["runtime"] for t in runs[(engine, "no snapshot")])
            where = "strict simulator" if engine == "node" else "jsc"
            lines.append(f"| {where} | {snap:.0f} | {plain:.0f} | {snap / plain:.2f} | {ready_s:.0f} / {ready_p:.0f} |")
        if nojit:
            lines.append(f"| jsc without JIT (1 start) | {nojit['mainDone']:.0f} | not run | | "
                         f"{nojit['runtime']:.0f} / - |")
        lines += ["", "The snapshot restores Python, ttminis and the pure imports; the four compiled packages (and "
                  "pydantic, which imports pydantic-core) are imported at start, so most of a snapshot start is "
                  "their import.", "", machine("Node's vm realm, Debian's jsc")]
        emit(lines, args.markdown)


if __name__ == "__main__":
    main()
