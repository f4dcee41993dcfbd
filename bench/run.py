#!/usr/bin/env python3
"""ttminis benchmarks: ratios against baselines measured in the same run, in the same page.

    python bench/run.py [--calls N] [--rounds R] [--starts S]

Per-call cost of an awaited checkBalance through ttminis against (a) pure JS awaiting the same
fake and (b) hand-written minimal FFI code for the same call (Pyodide: one dispatcher proxy,
bound callbacks, an asyncio future; Brython: Python callbacks resolving an aio.Future), rounds
interleaved. Cold start: navigation to the game's first line, median of S fresh loads, for
each runtime. Not part of CI's pass/fail: it prints a table.
"""
import argparse
import ast
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from builder.bundle import REPO, WEB, build  # noqa: E402
from builder.serve import CSP_BY_RUNTIME, BundleServer  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]

TTMINIS = """
t0 = js.performance.now()
for _ in range(N):
    await game.check_balance(5)
return (js.performance.now() - t0) / N * 1000
"""
HAND_PYODIDE = """
import asyncio
from pyodide.ffi import create_proxy, to_js
loop = asyncio.get_event_loop()
pending = {}
def answer(i, ok, payload=None):
    fut = pending.pop(i)
    fut.set_result(payload.is_sufficient) if ok else fut.set_exception(RuntimeError("fail"))
disp = create_proxy(answer)
bind = js.Function.prototype.call.bind
checkBalance = js.TTMinis.game.checkBalance
opts_base = {"amount": 5, "type": "BEANS"}
t0 = js.performance.now()
for i in range(N):
    fut = loop.create_future()
    pending[i] = fut
    opts = to_js(opts_base, dict_converter=js.Object.fromEntries)
    opts.success = bind(disp, None, i, True)
    opts.fail = bind(disp, None, i, False)
    checkBalance(opts)
    await fut
elapsed = (js.performance.now() - t0) / N * 1000
disp.destroy()
return elapsed
"""
HAND_BRYTHON = """
from browser import aio
t0 = js.performance.now()
for i in range(N):
    fut = aio.Future()
    js.TTMinis.game.checkBalance({"amount": 5, "type": "BEANS",
        "success": lambda p, fut=fut: fut.set_result(p.is_sufficient),
        "fail": lambda p, fut=fut: fut.set_exception(RuntimeError("fail"))})
    await fut
return (js.performance.now() - t0) / N * 1000
"""
PURE_JS = """async (n) => { const g = TTMinis.game; const t0 = performance.now();
  for (let i = 0; i < n; i++) await new Promise((ok, ko) => g.checkBalance({amount: 5, type: 'BEANS', success: ok, fail: ko}));
  return (performance.now() - t0) / n * 1000; }"""


def run_python(page, source, n):
    text = page.evaluate("(src) => new Promise((resolve) => window.ttminisHarness.run(src, resolve))",
                         "N = %d\n" % n + source)
    result = ast.literal_eval(text)
    if not result["ok"]:
        raise RuntimeError(result)
    return result["value"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for runtime in ("pyodide", "brython"):
            out = build(REPO / "tests" / "browser" / "harness_game", Path(tmp) / runtime,
                        runtime=runtime, log=lambda *_: None).out
            with BundleServer(out, CSP_BY_RUNTIME[runtime]) as server:
                starts = []
                for _ in range(args.starts):
                    context = browser.new_context()
                    context.add_init_script(path=str(WEB / "fake-ttminis.js"))
                    page = context.new_page()
                    page.goto(server.url)
                    page.wait_for_function("() => window.ttminisHarness && window.ttminisLoader.state === 'ready'",
                                           timeout=60000)
                    starts.append(page.evaluate("() => window.ttminisLoader.timings.runtimeReady"))
                    if len(starts) < args.starts:
                        context.close()
                hand = HAND_PYODIDE if runtime == "pyodide" else HAND_BRYTHON
                samples = {"ttminis": [], "hand": [], "js": []}
                for _ in range(args.rounds):
                    samples["ttminis"].append(run_python(page, TTMINIS, args.calls))
                    samples["hand"].append(run_python(page, hand, args.calls))
                    samples["js"].append(page.evaluate(PURE_JS, args.calls))
                context.close()
            med = {k: statistics.median(v) for k, v in samples.items()}
            rows.append((runtime, statistics.median(starts), med))
        browser.close()

    print(f"\nawaited check_balance, {args.calls} calls x {args.rounds} interleaved rounds (median µs/call)")
    print(f"{'runtime':8} {'ttminis':>9} {'hand FFI':>9} {'pure JS':>8} {'ttminis/hand':>13} {'ttminis/JS':>11} {'start→main (ms)':>16}")
    for runtime, start, med in rows:
        print(f"{runtime:8} {med['ttminis']:9.1f} {med['hand']:9.1f} {med['js']:8.1f} "
              f"{med['ttminis'] / med['hand']:13.2f} {med['ttminis'] / med['js']:11.1f} {start:16.0f}")


if __name__ == "__main__":
    main()
