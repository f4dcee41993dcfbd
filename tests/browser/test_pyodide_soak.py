"""Soak: 100,000 mixed callback-style and await-style calls in one Pyodide page; and 10,000 frames
with 3,000 touches through the game surface.

The live-PyProxy count must come back to where it started; the WASM heap growth is reported
(printed, and written to test-artifacts/soak.json and surface-soak.json) rather than asserted: it
is a measurement.
"""
import json
from pathlib import Path

import pytest

from tests.shared import surface_soak

pytestmark = pytest.mark.browser

CALLS = 100_000
SOAK = """
module = js.ttminisLoader.pyodide._module
module.enable_pyproxy_allocation_tracing()
js.TTMinisFake.wallet.balance = 10 ** 12
import gc
import ttminis.calls
gc.collect()
proxies_before = module.pyproxy_alloc_map.size
heap_before = module.HEAP8.length
objects_before = len(gc.get_objects())
done = [0]
def finished():
    done[0] += 1
failures = 0
t0 = js.performance.now()
for i in range(N // 2):
    kind = i % 4
    if kind == 0:
        game.check_balance(1 + i % 1000, success=lambda p: None, complete=finished)
    elif kind == 1:
        game.pay("missing-%d" % i, fail=lambda p: None, complete=finished)
    elif kind == 2:
        await game.check_balance(5)
        finished()
    else:
        try:
            await game.pay("missing-%d" % i)
        except ttminis.TTMinisError:
            failures += 1
        finished()
    if i % 1000 == 999:
        await until(lambda: done[0] == i + 1)
await until(lambda: done[0] == N // 2)
for i in range(N // 2):
    if i % 2:
        game.navigate_to_balance(complete=finished)
    else:
        await game.recharge("tier-1")
        finished()
    if i % 1000 == 999:
        await until(lambda: done[0] == N // 2 + i + 1)
await until(lambda: done[0] == N)
elapsed = js.performance.now() - t0
gc.collect()
return {"calls": done[0], "failures": failures, "proxies_before": proxies_before,
        "proxies_after": module.pyproxy_alloc_map.size, "heap_before": heap_before,
        "heap_after": module.HEAP8.length, "us_per_call": elapsed / N * 1000,
        "python_objects_before": objects_before, "python_objects_after": len(gc.get_objects()),
        "pending_calls": len(ttminis.calls._pending)}
"""


def test_hundred_thousand_calls_leave_no_proxy_and_report_heap_growth(pyodide_harness):
    result = pyodide_harness.py(f"N = {CALLS}\n" + SOAK)
    result["heap_growth_bytes"] = result["heap_after"] - result["heap_before"]
    artifacts = Path("test-artifacts")
    artifacts.mkdir(exist_ok=True)
    (artifacts / "soak.json").write_text(json.dumps(result, indent=2))
    print(f"\nsoak: {result}")
    assert result["calls"] == CALLS
    assert result["failures"] == CALLS // 8
    assert result["proxies_after"] == result["proxies_before"], "PyProxies left alive"
    assert result["pending_calls"] == 0
    assert pyodide_harness.js("() => TTMinisFake.calls.length") == CALLS


# One frame is what the loop runs at each animation frame (ttminisLoader.surface.frame); touches are
# real pointer events on the canvas, mapped to TikTok's shape by the loader: press, move, release.
DRIVE = """([frames, touches]) => {
  const surface = ttminisLoader.surface, canvas = document.getElementById('game');
  const kinds = ['pointerdown', 'pointermove', 'pointerup'];
  for (let i = 0; i < frames; i++) {
    surface.frame(performance.now());
    if (i % Math.ceil(frames / touches * 3) === 0) {
      for (let k = 0; k < 3; k++) {
        canvas.dispatchEvent(new PointerEvent(kinds[k], {pointerId: 5, clientX: 10 + k + i % 50, clientY: 20, bubbles: true}));
      }
    }
  }
}"""


def test_ten_thousand_frames_and_touches_leave_no_proxy(pyodide_harness):
    pyodide_harness.py(surface_soak.SETUP)
    pyodide_harness.js(DRIVE, [surface_soak.FRAMES, surface_soak.TOUCHES])
    surface_soak.check(pyodide_harness.py(surface_soak.MEASURE), "html")
