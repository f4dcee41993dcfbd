"""The device probe's Python: runs once the runtime has booted; adds the Python version, the start time and a
game's frame timed here (issue 22's frame: update 1,000 positions; draw 1,000 recorded fillRects and read one
pixel back), plus a pure-Python loop. Compare them with bench/drawing.py's rows (jsc --useJIT=false)."""
import json
import sys
import time
from collections.abc import Callable

import js
from ttminis import screen, target

timings = js.ttminisLoader.timings
pyodide = timings.pyodide
restore = getattr(pyodide, "restore", None)
steps = (f"wasm {pyodide.instantiate} ms, snapshot restore {restore} ms, then {pyodide.python} ms"
         if restore is not None else f"wasm {pyodide.instantiate} ms, Python init {pyodide.python} ms")
line = f"Python {sys.version.split()[0]} on the {target.NAME} target, started in {timings.files / 1000:.2f} s ({steps})"
js.ttminisProbeDraw(js.Array.of(line))

xs = [float(i % 360) for i in range(1000)]
ys = [float(i * 7 % 700) for i in range(1000)]
ctx = screen.context()


def update() -> None:
    for i in range(1000):
        xs[i] = (xs[i] + 1.5) % 360


def frame() -> None:
    update()
    ctx.fillStyle = "#123456"
    for i in range(1000):
        ctx.fillRect(xs[i], ys[i], 8, 8)
    ctx.getImageData(0, 0, 1, 1)


def python_loop() -> float:
    total = 0.0
    for i in range(100000):
        total += i * 0.5
    return total


def timed(function: Callable[[], object], rounds: int = 5, span: float = 0.05) -> float:
    """ms per call: the best of ``rounds`` runs of at least ``span`` s each (the clock may tick in whole ms)."""
    best = float("inf")
    for _ in range(rounds):
        count, started = 0, time.perf_counter()
        while count < 3 or time.perf_counter() - started < span:
            function()
            count += 1
        best = min(best, (time.perf_counter() - started) * 1000 / count)
    return best


update_ms, frame_ms, loop_ms = timed(update), timed(frame), timed(python_loop, rounds=3, span=0)
frame_line = (f"Frame: update {update_ms:.2f} ms, update + 1,000 fillRect + read-back {frame_ms:.2f} ms "
              f"(drawing {(frame_ms - update_ms) / update_ms:.1f}x the update); pure-Python loop of 10^5: "
              f"{loop_ms:.0f} ms")
js.ttminisProbeDraw(js.Array.of(line, frame_line))
print("[ttminis probe] " + json.dumps({"python": sys.version.split()[0], "startedMs": timings.files,
                                       "updateMs": round(update_ms, 3), "frameMs": round(frame_ms, 3),
                                       "pythonLoopMs": round(loop_ms, 1)}))
js.GameGlobal.probePython = line
js.GameGlobal.probeFrame = frame_line
