"""The device probe's Python: runs once the runtime has booted; adds the Python version and start time."""
import json
import sys

import js
from ttminis import target

timings = js.ttminisLoader.timings
pyodide = timings.pyodide
restore = getattr(pyodide, "restore", None)
steps = (f"wasm {pyodide.instantiate} ms, snapshot restore {restore} ms, then {pyodide.python} ms"
         if restore is not None else f"wasm {pyodide.instantiate} ms, Python init {pyodide.python} ms")
line = f"Python {sys.version.split()[0]} on the {target.NAME} target, started in {timings.files / 1000:.2f} s ({steps})"
js.ttminisProbeDraw(js.Array.of(line))
print("[ttminis probe] " + json.dumps({"python": sys.version.split()[0], "startedMs": timings.files}))
js.GameGlobal.probePython = line
