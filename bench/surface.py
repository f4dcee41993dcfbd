#!/usr/bin/env python3
"""The game surface's benchmarks: per-frame cost against baselines in the same page, and what it weighs.

    flock /tmp/ttminis-browser.lock python bench/surface.py [--frames N] [--rounds R] [--starts S] [--markdown FILE]

1. Per frame: one frame that draws 100 rectangles plus one touch (move) delivered to Python, N frames in
   a row, R interleaved rounds, medians, in ms per frame:
     ttminis       frames.start(draw) + touch.on_move(listener): the frame is what the loop runs at each
                   animation frame (ttminisLoader.surface.frame), the touch a real pointer event (html) or
                   TikTok's onTouchMove (native), delivered in TikTok's shape as a dict
     hand FFI      the cheapest hand-written Pyodide: create_proxy(draw) called per frame, create_proxy(listener)
                   on the pointer event (html) or onTouchMove (native), reading the event's JsProxy
     pure JS       the same drawing and listener in JavaScript
   html: Pyodide in Chromium (the harness page, 390 x 844 at pixel ratio 2); native: the strict simulator.
2. What a game pays for the surface, html in Chromium: brython_modules.js of a game that imports ttminis
   and of one that also imports the surface; Pyodide's ``import ttminis`` and the surface modules' import
   (median of S fresh page loads).

Not part of CI's pass/fail: it prints tables (and writes them as Markdown with --markdown).
"""
import argparse
import ast
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import emit, machine  # noqa: E402
from bench.run import CHROMIUM_ARGS  # noqa: E402
from ttminis.build import build  # noqa: E402
from ttminis.build.serve import CSP_BY_RUNTIME, BundleServer  # noqa: E402
from ttminis.build.targets.html import FAKE  # noqa: E402
from ttminis.simulator import READY, Session  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
HARNESS = REPO / "tests" / "browser" / "harness_game"
DRAW = """
def draw(time):
    ctx.fillStyle = "#2a9d8f"
    for i in range(100):
        ctx.fillRect(i % 20 * 18, i // 20 * 18, 16, 16)
"""
TTMINIS_SETUP = """
from ttminis import frames, screen, touch
ctx = screen.context()
""" + DRAW + """
def moved(event):
    state["x"] = event["changedTouches"][0]["clientX"]
state["moved"] = moved
touch.on_move(moved)
frames.start(draw, pause_when_hidden=False)
"""
TTMINIS_TEARDOWN = """
from ttminis import frames, touch
frames.stop()
touch.off_move(state["moved"])
"""
HAND_SETUP = """
from pyodide.ffi import create_proxy
ctx = js.ttminisLoader.surface.context()
""" + DRAW + """
def moved(event):
    state["x"] = event.{x}
state["hand"] = [create_proxy(draw), create_proxy(moved)]
js.globalThis.benchDraw = state["hand"][0]
{listen}
"""
HAND_TEARDOWN = """
{unlisten}
js.globalThis.benchDraw = None
for proxy in state.pop("hand"):
    proxy.destroy()
"""
HTML_LISTEN = ('js.document.getElementById("game").addEventListener("pointermove", state["hand"][1])',
               'js.document.getElementById("game").removeEventListener("pointermove", state["hand"][1])')
NATIVE_LISTEN = ('js.TTMinis.game.onTouchMove(state["hand"][1])', 'js.TTMinis.game.offTouchMove(state["hand"][1])')

# JS loops: N frames, each one frame of the variant plus one touch; ms per frame.
HTML_DRIVE = """([variant, n]) => {
  const canvas = document.getElementById('game'), surface = ttminisLoader.surface, ctx = surface.context();
  let x = 0;
  const draw = () => { ctx.fillStyle = '#2a9d8f'; for (let i = 0; i < 100; i++) ctx.fillRect(i % 20 * 18, Math.floor(i / 20) * 18, 16, 16); };
  const moved = (e) => { x = e.clientX; };
  const frame = variant === 'ttminis' ? (t) => surface.frame(t) : variant === 'hand' ? globalThis.benchDraw : draw;
  if (variant === 'js') canvas.addEventListener('pointermove', moved);
  canvas.dispatchEvent(new PointerEvent('pointerdown', {pointerId: 9, clientX: 1, clientY: 1}));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    frame(t0 + i);
    canvas.dispatchEvent(new PointerEvent('pointermove', {pointerId: 9, clientX: 2 + i % 100, clientY: 5}));
  }
  const ms = (performance.now() - t0) / n;
  canvas.dispatchEvent(new PointerEvent('pointerup', {pointerId: 9, clientX: 1, clientY: 1}));
  if (variant === 'js') canvas.removeEventListener('pointermove', moved);
  return ms;
}"""
NATIVE_DRIVE = """(() => {
  const variant = VARIANT, n = COUNT, surface = ttminisLoader.surface, ctx = surface.context(), game = TTMinis.game;
  let x = 0;
  const draw = () => { ctx.fillStyle = '#2a9d8f'; for (let i = 0; i < 100; i++) ctx.fillRect(i % 20 * 18, Math.floor(i / 20) * 18, 16, 16); };
  const moved = (e) => { x = e.changedTouches[0].clientX; };
  const frame = variant === 'ttminis' ? (t) => surface.frame(t) : variant === 'hand' ? globalThis.benchDraw : draw;
  if (variant === 'js') game.onTouchMove(moved);
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    frame(t0 + i);
    const point = {identifier: 9, clientX: 2 + i % 100, clientY: 5};
    TTMinisFake.trigger('TouchMove', {touches: [point], changedTouches: [point], timeStamp: i});
  }
  const ms = (Date.now() - t0) / n;
  if (variant === 'js') game.offTouchMove(moved);
  return ms;
})()"""
VARIANTS = ("ttminis", "hand", "js")
SURFACE_IMPORT_GAME = """import sys
if sys.platform == "brython":
    from browser import window
else:
    import js as window
t0 = window.performance.now()
import ttminis  # noqa: E402,F401
t1 = window.performance.now()
{surface}
window.importMs = t1 - t0
window.surfaceMs = window.performance.now() - t1
"""


def run_python(run, source):
    result = ast.literal_eval(run(source))
    if not result["ok"]:
        raise RuntimeError(result)
    return result["value"]


def per_frame(run, drive, listen, frames, rounds):
    """{variant: median ms per frame}, rounds interleaved (round -1 warms up and is not counted)."""
    samples = {variant: [] for variant in VARIANTS}
    for r in range(-1, rounds):
        for variant in VARIANTS:
            if variant == "ttminis":
                run_python(run, TTMINIS_SETUP)
            elif variant == "hand":
                run_python(run, HAND_SETUP.format(x=listen[2], listen=listen[0]))
            ms = drive(variant, frames)
            if variant == "ttminis":
                run_python(run, TTMINIS_TEARDOWN)
            elif variant == "hand":
                run_python(run, HAND_TEARDOWN.format(unlisten=listen[1]))
            if r >= 0:
                samples[variant].append(ms)
    return {variant: statistics.median(values) for variant, values in samples.items()}


def html_frames(browser, tmp, frames, rounds):
    bundle = build(HARNESS, tmp / "harness-html", log=lambda *_: None).out
    with BundleServer(bundle, CSP_BY_RUNTIME["pyodide"]) as server:
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        context.add_init_script(path=str(FAKE))
        page = context.new_page()
        page.goto(server.url)
        page.wait_for_function("() => window.ttminisHarness && ttminisLoader.state === 'ready'", timeout=60000)

        def run(source):
            return page.evaluate("(src) => new Promise((done) => window.ttminisHarness.run(src, done))", source)

        def drive(variant, n):
            return page.evaluate(HTML_DRIVE, [variant, n])
        try:
            return per_frame(run, drive, (*HTML_LISTEN, "clientX"), frames, rounds)
        finally:
            context.close()


def native_frames(tmp, frames, rounds):
    package = build(HARNESS, tmp / "harness-native", target="native", log=lambda *_: None).out
    with Session(package) as session:
        session.wait_for(READY)
        session.wait_for("typeof ttminisHarness !== 'undefined'")

        def run(source):
            return session.eval(f"new Promise((done) => ttminisHarness.run({source!r}, done))")

        def drive(variant, n):
            return session.eval(NATIVE_DRIVE.replace("VARIANT", repr(variant)).replace("COUNT", str(n)))
        return per_frame(run, drive, (*NATIVE_LISTEN, "changedTouches[0].clientX"), frames, rounds)


def weights(browser, tmp, starts):
    """{("ttminis" | "ttminis + surface", runtime): (bundle bytes, import ms, surface import ms)}."""
    rows = {}
    for label, surface in (("ttminis", ""), ("ttminis + surface",
                                             "from ttminis import files, frames, images, screen, sound, touch")):
        game = tmp / label.replace(" + ", "-")
        game.mkdir()
        (game / "main.py").write_text(SURFACE_IMPORT_GAME.format(surface=surface))
        for runtime in ("pyodide", "brython"):
            bundle = build(game, tmp / f"{game.name}-{runtime}", runtime=runtime, log=lambda *_: None).out
            size = (bundle / "brython" / "brython_modules.js" if runtime == "brython" else bundle / "app.zip").stat().st_size
            times = []
            with BundleServer(bundle, CSP_BY_RUNTIME[runtime]) as server:
                for _ in range(starts):
                    context = browser.new_context()
                    context.add_init_script(path=str(FAKE))
                    page = context.new_page()
                    page.goto(server.url)
                    page.wait_for_function("() => typeof window.surfaceMs === 'number'", timeout=60000)
                    times.append(page.evaluate("() => [window.importMs, window.surfaceMs]"))
                    context.close()
            rows[label, runtime] = (size, statistics.median(t[0] for t in times), statistics.median(t[1] for t in times))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--markdown", default=None, help="also write the tables to this file")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        tmp = Path(tmp)
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        html = html_frames(browser, tmp, args.frames, args.rounds)
        native = native_frames(tmp, args.frames, args.rounds)
        sizes = weights(browser, tmp, args.starts)
        browser.close()

    lines = [f"Per frame: draw 100 rectangles + deliver one touch to Python; {args.frames} frames x "
             f"{args.rounds} interleaved rounds, median ms per frame", "",
             "| where | ttminis | hand FFI | pure JS | ttminis / hand | ttminis / JS |", "|---|---:|---:|---:|---:|---:|"]
    for where, med in (("html, Pyodide in Chromium", html), ("native, strict simulator", native)):
        lines.append(f"| {where} | {med['ttminis']:.3f} | {med['hand']:.3f} | {med['js']:.3f} | "
                     f"{med['ttminis'] / med['hand']:.2f} | {med['ttminis'] / med['js']:.1f} |")
    lines += ["", f"What the surface weighs (html; import times: median of {args.starts} fresh loads, ms)", "",
              "| game imports | runtime | bundle part | bytes | import ttminis | import the surface |",
              "|---|---|---|---:|---:|---:|"]
    for (label, runtime), (size, ms, surface_ms) in sizes.items():
        part = "brython_modules.js" if runtime == "brython" else "app.zip"
        lines.append(f"| {label} | {runtime} | {part} | {size:,} | {ms:.1f} | "
                     f"{'-' if label == 'ttminis' else f'{surface_ms:.1f}'} |")
    lines += ["", machine("Chromium at /usr/bin/chromium; Node's vm realm")]
    emit(lines, args.markdown)


if __name__ == "__main__":
    main()
