"""Pyodide only: proxy lifetimes, measured with Pyodide's own allocation accounting."""
import pytest

pytestmark = pytest.mark.browser

LEAK_LOOP = """
module = js.ttminisLoader.pyodide._module
module.enable_pyproxy_allocation_tracing()
js.TTMinisFake.wallet.balance = 10 ** 9
await game.check_balance(1)     # the one dispatcher PyProxy is made at the first call, never at import
before = module.pyproxy_alloc_map.size
done = []
for i in range(1000):
    game.check_balance(1 + i, success=lambda p: None, fail=lambda p: None, complete=lambda: done.append(1))
for i in range(1000):
    if i % 2:
        await game.check_balance(1 + i)
    else:
        try:
            await game.pay("missing-%d" % i)
        except ttminis.TTMinisError:
            pass
await until(lambda: len(done) == 1000)
return [before, module.pyproxy_alloc_map.size]
"""


def test_two_thousand_calls_leave_no_live_proxy(pyodide_harness):
    before, after = pyodide_harness.py(LEAK_LOOP)
    assert after == before, f"{after - before} PyProxies left alive"


def test_listeners_hold_one_proxy_each_until_removed(pyodide_harness):
    before, registered, after = pyodide_harness.py("""
module = js.ttminisLoader.pyodide._module
module.enable_pyproxy_allocation_tracing()
before = module.pyproxy_alloc_map.size
handlers = [lambda p, i=i: None for i in range(10)]
for h in handlers:
    game.on_show(h)
registered = module.pyproxy_alloc_map.size
for h in handlers:
    game.off_show(h)
return [before, registered, module.pyproxy_alloc_map.size]
""")
    assert registered - before == 10
    assert after == before
    assert pyodide_harness.js("() => TTMinisFake.listenerCount('Show')") == 0
