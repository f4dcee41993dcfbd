#!/usr/bin/env python3
"""Native-target benchmarks: sizes against TikTok's limits, and start -> the game's first line, in one run.

    flock /tmp/ttminis-browser.lock python bench/native.py [--starts S] [--markdown FILE]

1. Sizes: each (sub)package of the native package against its 4 MB limit, the total against 30 MB
   (MB = 10^6 bytes, as the files sit), beside the html bundle of the same game.
2. Start -> first line of main.py, S fresh starts of each, interleaved, medians (ms):
     strict simulator   a new Node process per start; from `start` (game.js required) to the first line
     jsc                JavaScriptCore's shell, same package, from game.js required to the first line
     html (Chromium)    the html bundle of the same game, from navigation to the first line
   and, for the native ones, where the boot's time goes (ttminisLoader.timings, Pyodide's steps).
3. One awaited SDK call (checkBalance against the fake, 300 in a row, µs per call) in each place: on the
   native runtime every asyncio hop is a setTimeout(0) (no MessageChannel or setImmediate there).

Ratios against html in Chromium are the numbers to read; absolute ms move with the shared machine's load.
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
from bench.run import CHROMIUM_ARGS  # noqa: E402
from ttminis.build import build  # noqa: E402
from ttminis.build.native_layout import MB, measure  # noqa: E402
from ttminis.build.serve import CSP_PYODIDE, BundleServer  # noqa: E402
from ttminis.build.targets.html import FAKE  # noqa: E402
from ttminis.simulator import Session  # noqa: E402
from ttminis.simulator.jsc import run_on_jsc  # noqa: E402

GAME = Path(__file__).parent / "native_first_line_game"
STEPS = ("modules", "stdlib", "instantiate", "python")


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


def chromium_start(browser, url):
    context = browser.new_context()
    context.add_init_script(path=str(FAKE))
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => typeof globalThis.awaitMicros === 'number'", timeout=60000)
    first, micros = page.evaluate("() => [globalThis.firstLineEpoch - performance.timeOrigin, globalThis.awaitMicros]")
    context.close()
    return first, micros


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--markdown", default=None, help="also write the tables to this file")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    quiet = {"log": lambda *_: None}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        tmp = Path(tmp)
        native = build(GAME, tmp / "native", target="native", app_id="bench", **quiet).out
        html = build(GAME, tmp / "html", **quiet).out
        subpackages = [(s["name"], s["root"]) for s in json.loads((native / "game.json").read_text())["subpackages"]]
        sizes = measure(native, subpackages)
        html_bytes = sum(p.stat().st_size for p in html.rglob("*") if p.is_file())
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        starts = {"strict simulator": [], "jsc": [], "html (Chromium)": []}
        awaits = {where: [] for where in starts}
        steps = {"strict simulator": [], "jsc": []}
        with BundleServer(html, CSP_PYODIDE) as server:
            for _ in range(args.starts):
                for where, run in (("strict simulator", simulator_start), ("jsc", jsc_start)):
                    ms, timings, micros = run(native)
                    starts[where].append(ms)
                    steps[where].append(timings)
                    awaits[where].append(micros)
                ms, micros = chromium_start(browser, server.url)
                starts["html (Chromium)"].append(ms)
                awaits["html (Chromium)"].append(micros)
        browser.close()

    base = statistics.median(starts["html (Chromium)"])
    lines = ["Native package sizes (as the files sit, MB = 10^6 bytes)", "",
             "| (sub)package | files | size | limit | used |", "|---|---:|---:|---:|---:|"]
    for name, size, limit, count in sizes.rows:
        lines.append(f"| {name} | {count} | {size / MB:.2f} MB | {limit / MB:.0f} MB | {size / limit:.0%} |")
    lines.append(f"| total | {sum(r[3] for r in sizes.rows)} | {sizes.total / MB:.2f} MB | 30 MB | "
                 f"{sizes.total / (30 * MB):.0%} |")
    lines += ["", f"The html bundle of the same game: {html_bytes / MB:.2f} MB.", "",
              f"Start -> the game's first line, median of {args.starts} fresh starts each, interleaved (ms)", "",
              "| where | start -> first line | / html in Chromium | awaited SDK call (µs) | / html |",
              "|---|---:|---:|---:|---:|"]
    await_base = statistics.median(awaits["html (Chromium)"])
    for where, values in starts.items():
        med = statistics.median(values)
        call = statistics.median(awaits[where])
        lines.append(f"| {where} | {med:.0f} | {med / base:.2f} | {call:.0f} | {call / await_base:.1f} |")
    lines += ["", "Where a native start goes (medians, ms; boot steps from ttminisLoader.timings)", "",
              "| where | subpackages loaded | " + " | ".join(STEPS) + " | main.py done (after 300 awaited calls) |",
              "|---|---:|" + "---:|" * (len(STEPS) + 1)]
    for where, runs in steps.items():
        cells = [statistics.median(t["subpackages"] for t in runs)]
        cells += [statistics.median(t["pyodide"][s] for t in runs) for s in STEPS]
        cells.append(statistics.median(t["mainDone"] for t in runs))
        lines.append(f"| {where} | " + " | ".join(f"{c:.0f}" for c in cells) + " |")
    lines += ["", machine("Node's vm realm, Debian's jsc, Chromium at /usr/bin/chromium")]
    emit(lines, args.markdown)


if __name__ == "__main__":
    main()
