"""The game surface's soak, on Pyodide (html in Chromium, native in the simulator): frames and touches
must create no long-lived proxy.

``SETUP`` starts a frame function drawing on the screen and a touch listener (their lasting proxies are
made here, once), then records the live-PyProxy count (Pyodide's own allocation accounting) and the
WASM heap. The test then drives FRAMES frames and TOUCHES touch events through the target's real
path; ``MEASURE`` collects garbage and returns the counts, then stops the loop and removes the
listeners (``proxies_after_cleanup``: their three proxies released).
"""
import json
from pathlib import Path

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


def check(result, where):
    """Write ``result`` to test-artifacts/surface-soak-<where>.json (a measurement: heap growth is
    reported, not asserted), then assert what the soak proves."""
    result["heap_growth_bytes"] = result["heap_after"] - result["heap_before"]
    artifacts = Path("test-artifacts")
    artifacts.mkdir(exist_ok=True)
    (artifacts / f"surface-soak-{where}.json").write_text(json.dumps(result, indent=2))
    print(f"\nsurface soak ({where}): {result}")
    assert result["frames"] >= FRAMES, "every animation frame ran the game's function"
    assert result["touches"] >= TOUCHES
    assert result["proxies_after"] == result["proxies_before"], "a frame or a touch left a PyProxy alive"
    assert result["proxies_after_cleanup"] == result["proxies_before"] - 3, "off_* released the listeners' proxies"
