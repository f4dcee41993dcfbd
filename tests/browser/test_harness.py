"""Our browser harness keeps its promises: a problem while the page boots fails the test, and each
test starts from a clean fake and a clean shim although the page is reused."""
import pytest

from tests.browser.conftest import CSP_WATCH, Harness, _fresh
from ttminis.build.serve import CSP_BY_RUNTIME, BundleServer
from ttminis.build.targets.html import FAKE

pytestmark = pytest.mark.browser


def test_a_console_error_while_the_page_boots_is_reported(browser, harness_bundles):
    with BundleServer(harness_bundles["brython"], CSP_BY_RUNTIME["brython"]) as server:
        context = browser.new_context()
        try:
            context.add_init_script(script=CSP_WATCH)
            context.add_init_script(path=str(FAKE))
            context.add_init_script(script="console.error('broken before the game started')")
            h = _fresh(Harness("brython", context.new_page(), server.url))
            assert any("broken before the game started" in p for p in h.check_clean())
        finally:
            context.close()


def test_state_left_by_one_test_is_gone_for_the_next(harness):
    harness.js("() => { TTMinisFake.backend.createOrder(5, 'left-behind'); TTMinisFake.script('pay', {outcome: 'never'}); }")
    harness.py("""
game.pay("left-behind")
game.on_hide(lambda payload: None)
""")
    _fresh(harness)                               # what the fixture does before the next test
    assert harness.py("""
from ttminis import calls
return [len(calls._pending), sorted(calls._orders_in_flight), game._listeners.count()]
""") == [0, [], 0]
    harness.js("() => TTMinisFake.backend.createOrder(5, 'left-behind')")
    assert harness.py("return await game.pay('left-behind')") == {}
    assert harness.js("() => [TTMinisFake.calls.length, TTMinisFake.listenerCount('Hide')]") == [1, 0]
