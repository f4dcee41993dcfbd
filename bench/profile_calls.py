#!/usr/bin/env python3
"""Where a ttminis call's time goes: each step of the per-call path timed alone, on both runtimes.

    python bench/profile_calls.py [--n N]

A companion to run.py for whoever optimises the shim next: it times, in the page, the pieces an
awaited ``check_balance`` goes through (validation; ``ffi.send``, the one crossing that finds the method, asks
canIUse, makes the callbacks and calls; reading the answer; the future) next to the direct FFI operation they
replace. Numbers are µs per
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
payload = js.JSON.parse('{"is_sufficient": true}')
options = {"amount": 5, "type": "BEANS"}
ffi.send(10 ** 9, "checkBalance", options)      # installs ttminisFFI (answers to an unknown id are ignored)
def timed(label, function):
    t0 = js.performance.now()
    for _ in range(N):
        function()
    return [label, round((js.performance.now() - t0) / N * 1000, 1)]
return [
    timed("validation.build_options", lambda: validation.build_options("checkBalance", (5,), {})),
    timed("ffi.send (one crossing: find the method, canIUse, callbacks, the call)",
          lambda: ffi.send(10 ** 9, "checkBalance", options)),
    timed("  to_js + the bare call, no callbacks", lambda: g.checkBalance(ffi.to_js(options))),
    timed("ffi.to_py(payload) (a result read whole)", lambda: ffi.to_py(payload)),
    timed("ffi.to_py(ffi.get(payload, field)) (check_balance's one field)",
          lambda: ffi.to_py(ffi.get(payload, "is_sufficient"))),
    timed("  attribute read", lambda: payload.is_sufficient),
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
