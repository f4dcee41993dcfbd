"""The game surface's soak, on Pyodide (html in Chromium, native in the simulator): frames and touches
must create no long-lived proxy.

``SETUP`` starts a frame function drawing on the screen and a touch listener (their lasting proxies are
made here, once), then records the live-PyProxy count (Pyodide's own allocation accounting) and the
WASM heap. The test then drives FRAMES frames and TOUCHES touch events through the target's real
path; ``MEASURE`` collects garbage and returns the counts, then stops the loop and removes the
listeners (``proxies_after_cleanup``: their three proxies released).
"""
FRAMES = 10_000
TOUCHES = 3_000

SETUP = """
import gc
from ttminis import frames, screen, touch
module = js.ttminisLoader.pyodide._module
module.enable_pyproxy_allocation_tracing()
ctx = screen.context()
state["frames"] = 0
state["touches"] = 0
def draw(time):
    state["frames"] += 1
    ctx.fillStyle = "#2a9d8f"
    for i in range(10):
        ctx.fillRect(i * 12, 40, 10, 10)
def moved(event):
    state["touches"] += len(event["changedTouches"])
touch.on_start(moved)
touch.on_move(moved)
touch.on_end(moved)
frames.start(draw, pause_when_hidden=False)
gc.collect()
state["proxies_before"] = module.pyproxy_alloc_map.size
state["heap_before"] = module.HEAP8.length
state["objects_before"] = len(gc.get_objects())
state["frames_before"] = state["frames"]
state["t0"] = js.Date.now()
"""

MEASURE = """
import gc
from ttminis import frames, touch
module = js.ttminisLoader.pyodide._module
elapsed = js.Date.now() - state["t0"]
gc.collect()
result = {"frames": state["frames"] - state["frames_before"], "touches": state["touches"],
          "proxies_before": state["proxies_before"], "proxies_after": module.pyproxy_alloc_map.size,
          "heap_before": state["heap_before"], "heap_after": module.HEAP8.length,
          "python_objects_before": state["objects_before"], "python_objects_after": len(gc.get_objects()),
          "ms": elapsed}
frames.stop()
touch.off_start(); touch.off_move(); touch.off_end()
gc.collect()
result["proxies_after_cleanup"] = module.pyproxy_alloc_map.size
return result
"""
