#!/usr/bin/env python3
"""Native-target benchmarks: sizes against TikTok's limits, and a cached start -> the game's first line.

    python bench/native.py [--starts S] [--markdown FILE]

The same game (bench/native_first_line_game) is built twice: as ttminis builds it (from a build-time memory
snapshot) and with ``--no-snapshot``, which is the native issue's boot path (Python initialised at each start,
the whole standard library). On TikTok a native package stays on the device after its first download, so a
start reads files already there: a cached start, where the time is CPU.

1. Sizes: each (sub)package of both packages against its 4 MB limit, the totals against 30 MB and against
   bare Pyodide's core files (13.5 MB). MB = 10^6 bytes, as the files sit.
2. Start -> first line of main.py, S fresh starts of each package in each place, interleaved, medians (ms):
     strict simulator   a new Node process per start, from `start` (game.js required) to the first line
     jsc                JavaScriptCore's shell (TikTok's engine on iOS), same clock
   and where the time goes (ttminisLoader.timings: the boot's steps, Pyodide's steps).
3. One awaited SDK call (checkBalance against the fake, 300 in a row, µs per call) in each place.

Ratios within one place and one run are the numbers to read; absolute ms move with the shared machine's load.
Not part of CI's pass/fail.
"""
import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import emit, machine  # noqa: E402
from ttminis.build import build, runtimes  # noqa: E402
from ttminis.build.native_layout import MB, measure  # noqa: E402
from ttminis.simulator import Session  # noqa: E402
from ttminis.simulator.jsc import run_on_jsc  # noqa: E402

GAME = Path(__file__).parent / "native_first_line_game"
STEPS = ("modules", "stdlib", "instantiate", "restore", "python")


def simulator_start(package):
    with Session(package) as session:
        first = session.wait_for("globalThis.firstLineEpoch")
        session.wait_for("ttminisLoader.state !== 'loading'")
        timings = session.eval("ttminisLoader.timings")
        started = session.report()["startedAt"]
        micros = session.wait_for("globalThis.awaitMicros")
    return first - started, timings, micros


def jsc_start(package):
    outcome = run_on_jsc(package, result="[globalThis.firstLineEpoch, globalThis.awaitMicros]")
    if outcome["state"] != "ready":
        raise RuntimeError(f"jsc: {outcome}")
    first, micros = outcome["result"]
    return first - outcome["startedAt"], outcome["timings"], micros


def size_rows(package):
    subpackages = [(s["name"], s["root"]) for s in json.loads((package / "game.json").read_text())["subpackages"]]
    return measure(package, subpackages)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--markdown", default=None, help="also write the tables to this file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        packages = {"ttminis (snapshot)": build(GAME, tmp / "snapshot", target="native", app_id="bench").out,
                    "no snapshot (issue 12)": build(GAME, tmp / "plain", target="native", app_id="bench",
                                                    snapshot=False, log=lambda *_: None).out}
        sizes = {name: size_rows(package) for name, package in packages.items()}
        places = {"strict simulator": simulator_start, "jsc": jsc_start}
        runs = {(place, name): [] for place in places for name in packages}
        for _ in range(args.starts):
            for place, run in places.items():
                for name, package in packages.items():
                    runs[(place, name)].append(run(package))

    lines = ["Native package sizes (as the files sit, MB = 10^6 bytes)", "",
             "| package | (sub)package | files | size | limit | used |", "|---|---|---:|---:|---:|---:|"]
    for name, measured in sizes.items():
        for part, size, limit, count in measured.rows:
            lines.append(f"| {name} | {part} | {count} | {size / MB:.2f} MB | {limit / MB:.0f} MB | {size / limit:.0%} |")
        lines.append(f"| {name} | **total** | {sum(r[3] for r in measured.rows)} | {measured.total / MB:.2f} MB | "
                     f"30 MB | {measured.total / (30 * MB):.0%} |")
    core = runtimes.ensure(runtimes.PYODIDE, log=lambda *_: None)
    pyodide_core = sum((core / name).stat().st_size for name in runtimes.PYODIDE.members.values())
    snap_total = sizes["ttminis (snapshot)"].total
    lines += ["", f"ttminis's package is {snap_total / MB:.2f} MB: {snap_total / pyodide_core:.2f}x bare Pyodide's "
              f"core files ({pyodide_core / MB:.2f} MB).", "",
              f"Cached start -> the game's first line, median of {args.starts} starts each, interleaved (ms)", "",
              "| where | ttminis (snapshot) | no snapshot (issue 12) | ratio | goal | awaited SDK call (µs) |",
              "|---|---:|---:|---:|---:|---:|"]
    for place in places:
        snap = statistics.median(r[0] for r in runs[(place, "ttminis (snapshot)")])
        plain = statistics.median(r[0] for r in runs[(place, "no snapshot (issue 12)")])
        call = statistics.median(r[2] for r in runs[(place, "ttminis (snapshot)")])
        lines.append(f"| {place} | {snap:.0f} | {plain:.0f} | {snap / plain:.2f} | <= 0.35 | {call:.0f} |")
    lines += ["", "Where a start goes (medians, ms; ttminisLoader.timings)", "",
              "| where | package | require runtime | subpackages | " + " | ".join(STEPS)
              + " | game files | first line |", "|---|---|" + "---:|" * (len(STEPS) + 4)]
    for (place, name), results in runs.items():
        timings = [r[1] for r in results]
        cells = [statistics.median(t["parsed"] for t in timings),
                 statistics.median(t["subpackages"] - t["parsed"] for t in timings)]
        cells += [statistics.median(t["pyodide"].get(step, 0) for t in timings) for step in STEPS]
        cells += [statistics.median(t["files"] - t["runtime"] for t in timings),
                  statistics.median(r[0] for r in results)]
        lines.append(f"| {place} | {name} | " + " | ".join(f"{c:.0f}" for c in cells) + " |")
    lines += ["", machine("Node's vm realm, Debian's jsc")]
    emit(lines, args.markdown)


if __name__ == "__main__":
    main()
