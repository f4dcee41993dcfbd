#!/usr/bin/env python3
"""ttminis benchmarks: ratios against baselines measured in the same run, in the same page.

    python bench/run.py [--calls N] [--rounds R] [--starts S] [--markdown FILE]

1. Per-call cost of each purchase method (awaited) through ttminis, against (a) pure JS awaiting
   the same fake and (b) the cheapest correct hand-written FFI code for the same call (Pyodide:
   one dispatcher proxy, bound callbacks, an asyncio future; Brython: Python callbacks resolving
   an aio.Future). Rounds interleaved, medians reported. The fake answers via queueMicrotask.
2. Start: navigation to the game's first line, for a bundle from build.py against the bare runtime
   (Pyodide: loadPyodide + runPython; Brython: brython.js + runPythonSource), interleaved, medians:
   first visit   a fresh browser profile per load, the network throttled to 20 Mbit/s (Chromium's
                 own emulation through CDP, 20 ms latency); the bytes transferred before the first
                 line, and (ttminis) those fetched after it for the next start
   cached start  the same profile reloading, every file in the browser's caches (two loads first
                 warm it up, and the snapshot kept after the first)
3. Bundle size (raw and gzip) against the bare runtime files.

Not part of CI's pass/fail: it prints tables (and writes them as Markdown with --markdown).
"""
import argparse
import ast
import contextlib
import gzip
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import emit, machine  # noqa: E402
from ttminis.build import build, runtimes  # noqa: E402
from ttminis.build.serve import CSP_BY_RUNTIME, BundleServer  # noqa: E402
from ttminis.build.targets.html import FAKE  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
METHODS = {   # JS name -> (ttminis call, options as a Python literal)
    "checkBalance": ("game.check_balance(5)", '{"amount": 5, "type": "BEANS"}'),
    "recharge": ("game.recharge('tier-1')", '{"tier_id": "tier-1"}'),
    "pay": ("game.pay(ORDERS[i])", '{"trade_order_id": ORDERS[i]}'),
    "navigateToBalance": ("game.navigate_to_balance()", '{"type": "BEANS"}'),
}
PREPARE = """([n, tag]) => { TTMinisFake.reset(); TTMinisFake.wallet.balance = 1e12;
  const ids = []; for (let i = 0; i < n; i++) ids.push(TTMinisFake.backend.createOrder(1, tag + '-' + i));
  return ids; }"""
TTMINIS = """
t0 = js.performance.now()
for i in range(N):
    await {call}
return (js.performance.now() - t0) / N * 1000
"""
HAND_PYODIDE = """
import asyncio
from pyodide.ffi import create_proxy, to_js
loop = asyncio.get_event_loop()
pending = {{}}
def answer(i, ok, payload=None):
    fut = pending.pop(i)
    if ok:
        fut.set_result(payload.is_sufficient if {want_bool} else None)
    else:
        fut.set_exception(RuntimeError("fail"))
disp = create_proxy(answer)
bind = js.Function.prototype.call.bind
method = js.TTMinis.game.{method}
from_entries = js.Object.fromEntries
t0 = js.performance.now()
for i in range(N):
    fut = loop.create_future()
    pending[i] = fut
    opts = to_js({options}, dict_converter=from_entries)
    opts.success = bind(disp, None, i, True)
    opts.fail = bind(disp, None, i, False)
    method(opts)
    await fut
elapsed = (js.performance.now() - t0) / N * 1000
disp.destroy()
return elapsed
"""
HAND_BRYTHON = """
from browser import aio
method = js.TTMinis.game.{method}
t0 = js.performance.now()
for i in range(N):
    fut = aio.Future()
    opts = {options}
    opts["success"] = lambda p, fut=fut: fut.set_result(p.is_sufficient if {want_bool} else None)
    opts["fail"] = lambda p, fut=fut: fut.set_exception(RuntimeError("fail"))
    method(opts)
    await fut
return (js.performance.now() - t0) / N * 1000
"""
PURE_JS = """async ([method, options, ids]) => { const g = TTMinis.game; const t0 = performance.now();
  for (let i = 0; i < ids.length; i++) {
    const o = Object.assign({}, options); if (method === 'pay') o.trade_order_id = ids[i];
    await new Promise((ok, ko) => { o.success = ok; o.fail = ko; g[method](o); });
  }
  return (performance.now() - t0) / ids.length * 1000; }"""
BARE_PYODIDE_JS = ('loadPyodide({ indexURL: "pyodide/" }).then(function (py) {\n'
                   '  py.runPython("import js\\njs.firstLine = js.performance.now()");\n});\n')
BARE_BRYTHON_JS = ('brython({ debug: 0, ids: [] });\n__BRYTHON__.runPythonSource('
                   '"from browser import window\\nwindow.firstLine = window.performance.now()", { id: "__main__" });\n')
BARE_HTML = ('<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">\n'
             '<script src="{runtime_js}"></script><script src="bare.js"></script></head><body></body></html>\n')


@contextlib.contextmanager
def harness_page(browser, runtime, folder):
    """The test harness game built for ``runtime`` and loaded with the fake SDK: a Playwright page."""
    out = build(REPO / "tests" / "browser" / "harness_game", folder, runtime=runtime, log=lambda *_: None,
                expose_interpreter=True).out
    with BundleServer(out, CSP_BY_RUNTIME[runtime]) as server:
        context = browser.new_context()
        context.add_init_script(path=str(FAKE))
        page = context.new_page()
        page.goto(server.url)
        page.wait_for_function("() => window.ttminisHarness && window.ttminisLoader.state === 'ready'",
                               timeout=60000)
        try:
            yield page
        finally:
            context.close()


def run_python(page, source, n, orders=()):
    prelude = f"N = {n}\nORDERS = {list(orders)!r}\n"
    text = page.evaluate("(src) => new Promise((resolve) => window.ttminisHarness.run(src, resolve))",
                         prelude + source)
    result = ast.literal_eval(text)
    if not result["ok"]:
        raise RuntimeError(result)
    return result["value"]


def per_call(page, runtime, calls, rounds):
    rows = []
    hand_template = HAND_PYODIDE if runtime == "pyodide" else HAND_BRYTHON
    for method, (call, options) in METHODS.items():
        samples = {"ttminis": [], "hand": [], "js": []}
        hand = hand_template.format(method=method, options=options, want_bool=method == "checkBalance")
        for r in range(-1, rounds):          # round -1 warms the JIT up and is not counted
            for variant in ("ttminis", "hand", "js"):
                orders = page.evaluate(PREPARE, [calls, f"{variant}-{r}"])
                if variant == "ttminis":
                    samples[variant].append(run_python(page, TTMINIS.format(call=call), calls, orders))
                elif variant == "hand":
                    samples[variant].append(run_python(page, hand, calls, orders))
                else:
                    js_options = ast.literal_eval(options.replace("ORDERS[i]", "''"))
                    samples[variant].append(page.evaluate(PURE_JS, [method, js_options, orders]))
                if r < 0:
                    samples[variant].clear()
        rows.append((runtime, method, {k: statistics.median(v) for k, v in samples.items()}))
    return rows


MBIT = 1_000_000 / 8
BYTES_SO_FAR = ("() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
                ".reduce((sum, e) => sum + e.transferSize, 0)")


def open_page(browser, url, init_fake, throttle=False):
    context = browser.new_context()
    if init_fake:
        context.add_init_script(path=str(FAKE))
    page = context.new_page()
    if throttle:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20,
                                                     "downloadThroughput": 20 * MBIT, "uploadThroughput": 20 * MBIT})
    page.url_to_open = url
    return context, page


def first_line(page):
    """Navigate; (ms from navigation to the game's first line, bytes transferred by then)."""
    page.goto(page.url_to_open)
    page.wait_for_function("() => typeof window.firstLine === 'number'", timeout=120000)
    return page.evaluate("() => window.firstLine"), page.evaluate(BYTES_SO_FAR)


def snapshot_kept(page):
    """After a first visit: wait until the loader kept the snapshot for the next start; the bytes it took."""
    before = page.evaluate(BYTES_SO_FAR)
    kept = page.evaluate("() => window.ttminisLoader && ttminisLoader.snapshotKept")
    if kept is None:
        return 0
    page.wait_for_function("() => ttminisLoader.snapshotKept.done", timeout=120000)
    return page.evaluate(BYTES_SO_FAR) - before


def starts(browser, urls, count):
    """{variant: {"first": [ms], "first_bytes": b, "after_bytes": b, "cached": [ms]}} for each url."""
    out = {name: {"first": [], "cached": []} for name in urls}
    for _ in range(count):
        for name, (url, fake) in urls.items():
            context, page = open_page(browser, url, fake, throttle=True)
            ms, sent = first_line(page)
            out[name]["first"].append(ms)
            out[name]["first_bytes"] = sent
            out[name]["after_bytes"] = snapshot_kept(page)
            context.close()
    pages = {name: open_page(browser, url, fake) for name, (url, fake) in urls.items()}
    for name, (_context, page) in pages.items():
        first_line(page)
        snapshot_kept(page)
        first_line(page)
    for _ in range(count):
        for name, (_context, page) in pages.items():
            out[name]["cached"].append(first_line(page)[0])
    for context, _page in pages.values():
        context.close()
    return out


def bare_runtime(runtime, folder):
    source = runtimes.ensure(runtimes.RUNTIMES[runtime], log=lambda *_: None)
    (folder / runtime).mkdir(parents=True)
    names = list(runtimes.PYODIDE.members.values()) if runtime == "pyodide" else ["brython.js"]
    for name in names:
        shutil.copy2(source / name, folder / runtime / name)
    runtime_js = "pyodide/pyodide.js" if runtime == "pyodide" else "brython/brython.js"
    (folder / "index.html").write_text(BARE_HTML.format(runtime_js=runtime_js))
    (folder / "bare.js").write_text(BARE_PYODIDE_JS if runtime == "pyodide" else BARE_BRYTHON_JS)
    return folder


def sizes(folder):
    raw = zipped = 0
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            raw += len(data)
            zipped += len(gzip.compress(data, 6))
    return raw, zipped


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--markdown", default=None, help="also write the tables to this file")
    parser.add_argument("--only", choices=("calls", "starts"), default=None,
                        help="measure only the per-call cost or only the starts and sizes")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    call_rows, start_rows, size_rows = [], [], []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        tmp = Path(tmp)
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for runtime in ("pyodide", "brython"):
            csp = CSP_BY_RUNTIME[runtime]
            if args.only != "starts":
                with harness_page(browser, runtime, tmp / f"harness-{runtime}") as page:
                    call_rows += per_call(page, runtime, args.calls, args.rounds)
            if args.only == "calls":
                continue
            game = build(Path(__file__).parent / "first_line_game", tmp / f"game-{runtime}",
                         runtime=runtime, log=lambda *_: None).out
            bare = bare_runtime(runtime, tmp / f"bare-{runtime}")
            with BundleServer(game, csp) as game_server, BundleServer(bare, csp) as bare_server:
                measured = starts(browser, {"ttminis": (game_server.url, True), "bare": (bare_server.url, False)},
                                  args.starts)
                start_rows.append((runtime, measured))
            size_rows.append((runtime, sizes(game), sizes(bare / runtime)))
        browser.close()

    lines = [f"Per-call cost, awaited, {args.calls} calls x {args.rounds} interleaved rounds (median µs/call)", "",
             "| runtime | method | ttminis | hand FFI | pure JS | ttminis / hand | ttminis / JS |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for runtime, method, med in call_rows:
        lines.append(f"| {runtime} | {method} | {med['ttminis']:.1f} | {med['hand']:.1f} | {med['js']:.1f} | "
                     f"{med['ttminis'] / med['hand']:.2f} | {med['ttminis'] / med['js']:.0f} |")
    lines += ["", f"Start: navigation to the game's first line (ms, median of {args.starts} each, interleaved)", "",
              "| runtime | start | build.py bundle | bare runtime | bundle / bare | goal |", "|---|---|---:|---:|---:|---:|"]
    goals = {("pyodide", "cached"): "<= 0.35 (stretch 0.2)", ("pyodide", "first"): "<= 1.00"}
    for runtime, measured in start_rows:
        for kind, label in (("cached", "cached (files in the browser's caches)"),
                            ("first", "first visit, 20 Mbit/s")):
            ours, bare = (statistics.median(measured[v][kind]) for v in ("ttminis", "bare"))
            lines.append(f"| {runtime} | {label} | {ours:.0f} | {bare:.0f} | {ours / bare:.2f} | "
                         f"{goals.get((runtime, kind), '')} |")
    lines += ["", "Bytes transferred on a first visit (MB = 10^6 bytes)", "",
              "| runtime | build.py bundle, before the first line | then, kept for the next start | bare runtime |",
              "|---|---:|---:|---:|"]
    for runtime, measured in start_rows:
        lines.append(f"| {runtime} | {measured['ttminis']['first_bytes'] / 1e6:.2f} MB | "
                     f"{measured['ttminis']['after_bytes'] / 1e6:.2f} MB | {measured['bare']['first_bytes'] / 1e6:.2f} MB |")
    lines += ["", "Bundle size (a game that imports ttminis) against the bare runtime files", "",
              "| runtime | bundle raw | bundle gzip | bare raw | bare gzip | raw ratio |", "|---|---:|---:|---:|---:|---:|"]
    for runtime, (raw, zipped), (bare_raw, bare_zipped) in size_rows:
        lines.append(f"| {runtime} | {raw / 1e6:.2f} MB | {zipped / 1e6:.2f} MB | {bare_raw / 1e6:.2f} MB | "
                     f"{bare_zipped / 1e6:.2f} MB | {raw / bare_raw:.3f} |")
    lines += ["", machine("Chromium at /usr/bin/chromium")]
    emit(lines, args.markdown)


if __name__ == "__main__":
    main()
