#!/usr/bin/env python3
"""Drawing and starting on every engine (issue 22): a frame of a Python game, recorded vs direct FFI vs pure JS,
the batch call, the game's update alone, the awaited purchase call, and starts, each against its baseline in
the same run.

    flock /tmp/ttminis-chromium.lock .venv/bin/python bench/drawing.py [--engines jsc-nojit,jsc,node,chromium]
        [--rounds R] [--repeat K] [--starts S] [--plain-starts P] [--markdown FILE]

Engines: ``chromium`` (the html target, Pyodide, headless Chromium), ``node`` (the native target in the strict
simulator, V8), ``jsc`` (JavaScriptCore's shell, TikTok's engine on iOS) and ``jsc-nojit`` (the same with
``--useJIT=false``: JS and wasm interpreted, as an iPhone app's engine is).

1. Frames: bench/drawing_game (see its docstring) in one start per engine: ms per frame, medians of R rounds of
   K frames, variants interleaved. "drawing" = frame - update, from the same rounds.
2. Where a recorded frame of 1,000 draws goes: update, recording the calls, packing the buffer, the flush
   (pack + one crossing + the JS replay), the read-back.
3. The awaited purchase call: ``await game.pay`` against a hand-written FFI call, same start (µs per call).
4. Starts (native, jsc and jsc-nojit; S starts each, interleaved): the empty game from its snapshot, the same
   game with ``--no-snapshot`` (P starts: 40 s each without JIT), and a game importing a 5,000-line module
   (bench/big_game.py), from its snapshot: ms from game.js to the line after the game's imports.

Ratios are the numbers to read: absolute ms move with this shared machine's load. Not part of CI.
"""
import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import big_game  # noqa: E402
from bench.report import emit, machine  # noqa: E402
from ttminis.build import build  # noqa: E402
from ttminis.simulator import Session  # noqa: E402
from ttminis.simulator.jsc import run_on_jsc  # noqa: E402

GAME = Path(__file__).parent / "drawing_game"
ENGINES = ("jsc-nojit", "jsc", "node", "chromium")

# Run before game.js / the page's scripts, with TTMinisFake in scope: sizes, orders to pay, the pure-JS frame.
SETUP = """
GameGlobal.benchConfig = CONFIG;
TTMinisFake.wallet.balance = 1e12;
GameGlobal.benchOrders = [];
for (var i = 0; i < 2 * CONFIG.awaits + 10; i++) GameGlobal.benchOrders.push(TTMinisFake.backend.createOrder(1, "bench-" + i));
var pureXs = [], pureYs = [];
for (var k = 0; k < 1000; k++) { pureXs.push(k % 360); pureYs.push(k * 7 % 700); }
GameGlobal.benchPureFrame = function (ctx, n) {
  for (var i = 0; i < 1000; i++) pureXs[i] = (pureXs[i] + 1.5) % 360;
  ctx.fillStyle = "#123456";
  for (var j = 0; j < n; j++) ctx.fillRect(pureXs[j], pureYs[j], 8, 8);
  ctx.getImageData(0, 0, 1, 1);
};
"""
# jsc's canvas keeps no pixels and has no getImageData: a read-back that returns one empty pixel, and a call log
# (fillRects seen before each read) that shows the draws arrived before it.
JSC_CANVAS = """
(function () {
  var game = TTMinis.game, create = game.createCanvas;
  game.createCanvas = function () {
    var canvas = create.apply(game, arguments), get = canvas.getContext;
    canvas.getContext = function () {
      var ctx = get.apply(canvas, arguments);
      if (!ctx.getImageData) {
        GameGlobal.benchReads = [];
        ctx.getImageData = function () { GameGlobal.benchReads.push(ctx.calls); return { data: new Uint8ClampedArray(4) }; };
        ctx.resetTransform = function () { ctx.calls += 1; };
      }
      return ctx;
    };
    return canvas;
  };
})();
"""


def setup_js(rounds, repeat, awaits):
    return SETUP.replace("CONFIG", json.dumps({"rounds": rounds, "repeat": repeat, "awaits": awaits}))


def frames_on_jsc(package, engine, setup):
    outcome = run_on_jsc(package, setup=setup + JSC_CANVAS, result="GameGlobal.drawingResult", engine=engine,
                         timeout=900)
    if outcome["state"] != "ready" or not outcome["result"]:
        raise RuntimeError(f"{engine}: {outcome['state']}: {outcome['errors']} {outcome['uncaught']}")
    return json.loads(outcome["result"])


def frames_on_node(package, setup):
    with Session(package, start=False) as session:
        session.eval(f"(() => {{ {setup} }})()")
        session.start()
        return json.loads(session.wait_for("globalThis.drawingResult", timeout=900))


def frames_on_chromium(game, folder, setup):
    from playwright.sync_api import sync_playwright

    from bench.run import CHROMIUM_ARGS
    from ttminis.build.serve import CSP_BY_RUNTIME, BundleServer
    from ttminis.build.targets.html import FAKE

    out = build(game, folder, runtime="pyodide", log=lambda *_: None).out
    with BundleServer(out, CSP_BY_RUNTIME["pyodide"]) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            context.add_init_script(path=str(FAKE))
            context.add_init_script(script="var GameGlobal = window;\n" + setup)
            page = context.new_page()
            page.goto(server.url)
            page.wait_for_function("() => window.drawingResult || (window.ttminisLoader && ttminisLoader.state === 'error')",
                                   timeout=900000)
            text = page.evaluate("() => window.drawingResult || JSON.stringify(ttminisLoader.errors)")
        finally:
            browser.close()
    result = json.loads(text)
    if not isinstance(result, dict):
        raise RuntimeError(f"chromium: {result}")
    return result


def start_on_jsc(package, engine):
    """ms to the first line, or None when the boot's 60 s watchdog gave up first (no JIT, no snapshot)."""
    outcome = run_on_jsc(package, result="globalThis.firstLineEpoch", engine=engine, timeout=900)
    if outcome["state"] != "ready":
        if any("did not start within" in e for e in outcome["errors"] or []):
            print(f"  {engine}: the boot's watchdog stopped it after {outcome['elapsed']} ms", file=sys.stderr)
            return None
        raise RuntimeError(f"{engine}: {outcome}")
    return outcome["result"] - outcome["startedAt"]


def start_on_node(package):
    with Session(package) as session:
        first = session.wait_for("globalThis.firstLineEpoch", timeout=300)
        return first - session.report()["startedAt"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--awaits", type=int, default=200)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--plain-starts", type=int, default=1)
    parser.add_argument("--no-starts", action="store_true", help="frames only")
    parser.add_argument("--markdown", default=None)
    parser.add_argument("--save", default=None, help="also write the raw results (JSON) here, engine by engine")
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    setup = setup_js(args.rounds, args.repeat, args.awaits)
    log = lambda *_: None  # noqa: E731

    frames, starts = {}, {}
    with tempfile.TemporaryDirectory(prefix="ttminis-bench-drawing-") as tmp:
        tmp = Path(tmp)
        native_engines = [e for e in engines if e != "chromium"]
        if native_engines:
            package = build(GAME, tmp / "drawing-native", target="native", app_id="bench", log=log).out
        for engine in engines:
            print(f"frames: {engine} ...", file=sys.stderr)
            if engine == "chromium":
                frames[engine] = frames_on_chromium(GAME, tmp / "drawing-html", setup)
            elif engine == "node":
                frames[engine] = frames_on_node(package, setup)
            else:
                frames[engine] = frames_on_jsc(package, engine, setup)
            if args.save:
                Path(args.save).write_text(json.dumps({"frames": frames}))
        if not args.no_starts and native_engines:
            empty, big = big_game.write(tmp / "games")
            packages = {"empty (snapshot)": build(empty, tmp / "empty", target="native", app_id="bench", log=log).out,
                        "5,000-line module (snapshot)": build(big, tmp / "big", target="native", app_id="bench",
                                                              log=log).out,
                        "empty, --no-snapshot": build(empty, tmp / "plain", target="native", app_id="bench",
                                                      snapshot=False, log=log).out}
            starts = {(e, p): [] for e in native_engines for p in packages}
            for round_ in range(args.starts):
                for engine in native_engines:
                    for name, package_dir in packages.items():
                        if "no-snapshot" in name and round_ >= args.plain_starts:
                            continue
                        print(f"start: {engine} {name} ...", file=sys.stderr)
                        took = start_on_node(package_dir) if engine == "node" else start_on_jsc(package_dir, engine)
                        starts[(engine, name)].append(took)
                        if args.save:
                            Path(args.save).write_text(json.dumps(
                                {"frames": frames, "starts": [[e, p, t] for (e, p), t in starts.items()]}))

    lines = tables(frames, starts, args)
    emit(lines, args.markdown)


def ratio(a, b):
    return f"{a / b:.2f}" if b else "-"


def tables(frames, starts, args):
    lines = [f"Frames: ms per frame, median of {args.rounds} rounds x {args.repeat} frames, variants interleaved, "
             "one start per engine", "",
             "| engine | update | update + 100 draws | + 1,000 draws | 1,000 via batch | 1,000 direct FFI | "
             "1,000 pure JS | drawing / update (1,000) | batch / update | frame / direct | pure-Python loop of 10^4 |",
             "|---|" + "---:|" * 10]
    for engine, result in frames.items():
        f = result["frames"]
        s = result["samples"]
        drawing = statistics.median(a - b for a, b in zip(s["recorded 1000"], s["update"]))
        batch = statistics.median(a - b for a, b in zip(s["batch 1000"], s["update"]))
        cells = [f["update"], f["recorded 100"], f["recorded 1000"], f["batch 1000"], f["direct 1000"],
                 f.get("js 1000", float("nan"))]
        lines.append(f"| {engine} | " + " | ".join(f"{c:.2f}" for c in cells)
                     + f" | **{drawing / f['update']:.2f}** | **{batch / f['update']:.2f}** | "
                     f"**{ratio(f['recorded 1000'], f['direct 1000'])}** | {f['python loop']:.2f} |")
    lines += ["", "100 draws: the same frame with 100 fillRects (ms per frame)", "",
              "| engine | recorded | batch | direct FFI | pure JS | recorded / direct |", "|---|---:|---:|---:|---:|---:|"]
    for engine, result in frames.items():
        f = result["frames"]
        lines.append(f"| {engine} | {f['recorded 100']:.2f} | {f['batch 100']:.2f} | {f['direct 100']:.2f} | "
                     f"{f.get('js 100', float('nan')):.2f} | {ratio(f['recorded 100'], f['direct 100'])} |")
    lines += ["", "Where a recorded frame of 1,000 draws goes (ms, means of 40 frames): pack = what packing the buffer "
              "in Python would cost (the flush does not, where JavaScript reads it in place); flush = one crossing + "
              "the JS decode and replay", "", "| engine | update | record 1,000 calls | pack the buffer | flush | read-back |",
              "|---|---:|---:|---:|---:|---:|"]
    for engine, result in frames.items():
        p = result["profile"]
        lines.append(f"| {engine} | {p['update']:.2f} | {p['record']:.2f} | {p['pack']:.2f} | {p['flush']:.2f} | "
                     f"{p['read']:.2f} |")
    if any("awaits" in r for r in frames.values()):
        lines += ["", "The awaited purchase call (µs per call, medians)", "",
                  "| engine | ttminis `await game.pay` | hand FFI | ttminis / hand |", "|---|---:|---:|---:|"]
        for engine, result in frames.items():
            a = result.get("awaits")
            if a:
                lines.append(f"| {engine} | {a['ttminis pay']:.0f} | {a['hand FFI pay']:.0f} | "
                             f"{ratio(a['ttminis pay'], a['hand FFI pay'])} |")
    if starts:
        lines += ["", f"Starts: ms from game.js to the line after the game's imports (median; {args.starts} starts, "
                  f"--no-snapshot {args.plain_starts})", "",
                  "| engine | empty (snapshot) | 5,000-line module (snapshot) | big / empty | empty, --no-snapshot |",
                  "|---|---:|---:|---:|---:|"]
        for engine in dict.fromkeys(e for e, _ in starts):
            empty = statistics.median(starts[(engine, "empty (snapshot)")])
            big = statistics.median(starts[(engine, "5,000-line module (snapshot)")])
            plain = starts[(engine, "empty, --no-snapshot")]
            shown = ("-" if not plain else "> 60,000 (the boot's watchdog stopped it)" if None in plain
                     else f"{statistics.median(plain):.0f}")
            lines.append(f"| {engine} | {empty:.0f} | {big:.0f} | **{big / empty:.2f}** | {shown} |")
    lines += ["", machine("Node's vm realm, Debian's jsc (--useJIT=false for jsc-nojit), headless Chromium")]
    return lines


if __name__ == "__main__":
    main()
