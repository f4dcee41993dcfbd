#!/usr/bin/env python3
"""Where a ttminis call's time goes: each step of the per-call path timed alone, on both runtimes.

    python bench/profile_calls.py [--n N]

A companion to run.py for whoever optimises the shim next: it times, in the page, the pieces an
awaited ``check_balance`` goes through (validation, finding the method, conversion both ways,
the callbacks, the call itself) next to the direct FFI operation they replace. Numbers are µs per
operation, from a loop of N; noisy on a shared machine, so compare within one run.
"""
import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import CHROMIUM_ARGS, harness_page, run_python  # noqa: E402

STEPS = """
from ttminis import calls, validation
from ttminis.backend import ffi
root = ffi.sdk_root()
g = ffi.get(root, "game")
fake = ffi.get(root, "game") and js.TTMinisFake
payload = js.JSON.parse('{"is_sufficient": true}')
options = {"amount": 5, "type": "BEANS"}
def timed(label, function):
    t0 = js.performance.now()
    for _ in range(N):
        function()
    return [label, round((js.performance.now() - t0) / N * 1000, 1)]
return [
    timed("validation.build_options", lambda: validation.build_options("checkBalance", (5,), {})),
    timed("calls._game_method (SDK lookup, canIUse cache)", lambda: calls._game_method("checkBalance")),
    timed("ffi.to_js(options)", lambda: ffi.to_js(options)),
    timed("ffi.callback x2", lambda: (ffi.callback(1, 1), ffi.callback(1, 2))),
    timed("ffi.invoke (promise-safe call)", lambda: ffi.invoke(fake, "listenerCount", ["Show"])),
    timed("  direct JS call it replaces", lambda: fake.listenerCount("Show")),
    timed("ffi.to_py(payload)", lambda: ffi.to_py(payload)),
    timed("  attribute read it replaces", lambda: payload.is_sufficient),
    timed("ffi.future()", lambda: ffi.future()),
]
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    results = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for runtime in ("pyodide", "brython"):
            with harness_page(browser, runtime, Path(tmp) / runtime) as page:
                results[runtime] = run_python(page, STEPS, args.n)
        browser.close()
    print(f"| step (µs per operation, loop of {args.n}) | pyodide | brython |\n|---|---:|---:|")
    for (label, pyodide), (_label, brython) in zip(results["pyodide"], results["brython"]):
        print(f"| {label} | {pyodide} | {brython} |")


if __name__ == "__main__":
    main()
