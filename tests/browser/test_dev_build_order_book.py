"""A --dev build with --fake-tiktok-url: the loader, which loads the fake itself (only where
TikTok's SDK did not come), hands the fake its order book."""
import pytest

from ttminis.build import build
from ttminis.build.serve import CSP_BY_RUNTIME, TIKTOK_SDK_URL, BundleServer

from tests.browser.conftest import HERE

pytestmark = pytest.mark.browser
ORDER_BOOK = "http://127.0.0.1:9"     # never called here: the harness game makes no purchase


def test_the_fake_loaded_by_a_dev_build_keeps_its_orders_at_the_fake_tiktok_server(browser, tmp_path):
    bundle = build(HERE / "harness_game", tmp_path / "dev", runtime="brython", dev=True,
                   fake_tiktok_url=ORDER_BOOK, log=lambda *_: None).out
    with BundleServer(bundle, CSP_BY_RUNTIME["brython"]) as server:
        context = browser.new_context()
        try:
            context.route(TIKTOK_SDK_URL, lambda route: route.abort())
            page = context.new_page()
            page.goto(server.url)
            page.wait_for_function("() => window.ttminisHarness && window.ttminisLoader.state === 'ready'")
            assert page.evaluate("() => [ttminisLoader.sdk, TTMinisFake.installed, TTMinisFake.orderBook]") == [
                "fake", True, ORDER_BOOK]
            assert page.inner_text("#ttminis-dev-banner").startswith("DEV BUILD")
        finally:
            context.close()
