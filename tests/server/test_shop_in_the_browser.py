"""End to end: examples/shop in headless Chromium buys through the reference backend.

The game is built with ``--backend-url``; the backend creates the order at the fake TikTok server;
the browser's fake SDK pays it there (the shared order book); the fake server delivers the signed
webhook; the backend grants; the game polls and shows the item. On both databases and runtimes.
"""
from pathlib import Path

import pytest

from ttminis.build import build
from ttminis.build.serve import BundleServer, csp_for
from ttminis.build.targets.html import FAKE
from ttminis.server.testing import running_backend

from test_backend import granted_items, inventory_hook

pytestmark = pytest.mark.browser
STATUS = "() => ttminisLoader.surface && ttminisLoader.surface.description.text"
REPO = Path(__file__).resolve().parents[2]
REPO_SHOP = REPO / "examples" / "shop"
ARTIFACTS = REPO / "test-artifacts"


@pytest.mark.parametrize("runtime", ["pyodide", "brython"])
def test_the_shop_buys_a_sword_through_the_backend_and_shows_it(browser, tiktok, database_url, runtime, tmp_path):
    with running_backend(tiktok, database_url, grant=inventory_hook) as backend:
        bundle = build(REPO_SHOP, tmp_path / "shop", runtime=runtime, backend_url=backend.url,
                       log=lambda *_: None).out
        with BundleServer(bundle, csp_for(runtime, [backend.url, tiktok.url])) as site:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            try:
                context.add_init_script(script="window.__csp = []; document.addEventListener("
                                        "'securitypolicyviolation', e => window.__csp.push(e.blockedURI));")
                context.add_init_script(path=str(FAKE))
                context.add_init_script(script=f"TTMinisFake.useOrderBook({tiktok.url!r}, 'player-1');")
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("console", lambda m: m.type == "error" and errors.append(m.text))
                page.goto(site.url)
                page.wait_for_function(f"() => ({STATUS})() === 'Signed in. Tap the coin!'", timeout=60000)
                page.wait_for_function("() => TTMinisFake.callsOf('checkBalance').length >= 3")
                b = page.evaluate("() => ttminisLoader.surface.description.buttons.find((b) => b.label === 'Buy Sword')")
                page.mouse.click(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
                page.wait_for_function(f"() => ({STATUS})() === 'Bought Sword!'", timeout=30000)
                (trade_order_id,) = tiktok.orders
                assert tiktok.orders[trade_order_id]["status"] == "SUCCESS"          # paid at the fake TikTok
                assert tiktok.acknowledged(trade_order_id)                          # the webhook got its 200
                assert granted_items(backend) == [("player-1", "sword")]            # granted by the backend
                assert backend.store.order_for_trade(trade_order_id).status == "granted"
                assert page.evaluate("() => TTMinisFake.wallet.balance") == 70
                assert page.evaluate("() => window.__csp") == [] and errors == []
                # the "Owned: Sword" line (baseline y=84; the bouncing coin never rises above y=86)
                owned = page.evaluate("""() => { const c = document.getElementById('game'), r = devicePixelRatio;
                    return c.getContext('2d').getImageData(16 * r, 72 * r, 150 * r, 12 * r).data
                        .some((v, i) => i % 4 !== 3 && v > 200); }""")
                assert owned, "the canvas does not show the owned item's line"
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"shop-bought-through-backend-{runtime}.png"))
            finally:
                context.close()
