"""A ``--dev`` web build as the README shows it: the fake SDK and the dev panel inside the bundle.

``await game.pay("ord-1")`` needs an order: TikTok's come from your server, the fake's from its stand-in
order book, which the dev panel's "create order" fills (or ``TTMinisFake.backend.createOrder(30,
"ord-1")``). The page is the bundle alone: nothing is injected.
"""
import pytest

from ttminis.build import build
from ttminis.build.serve import CSP_BY_RUNTIME, BundleServer

PAY_GAME = '''
from ttminis import TTMinisError, game, screen, spawn, touch


async def pay():
    try:
        await game.pay("ord-1")
        screen.describe("paid")
    except TTMinisError as e:
        screen.describe("not paid: " + e.error_msg)


touch.on_end(lambda event: spawn(pay()))
screen.describe("ready")
'''


@pytest.fixture
def dev_page(browser, tmp_path):
    (tmp_path / "paygame").mkdir()
    (tmp_path / "paygame" / "main.py").write_text(PAY_GAME)
    bundle = build(tmp_path / "paygame", tmp_path / "bundle", dev=True, log=lambda *_: None).out
    with BundleServer(bundle, CSP_BY_RUNTIME["pyodide"]) as server:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url)
        page.wait_for_function("() => window.ttminisLoader && ttminisLoader.state === 'ready'", timeout=60000)
        yield page
        context.close()
        assert errors == []


def said(page, text):
    page.wait_for_function("(text) => ttminisLoader.surface.description.text === text", arg=text)


def test_the_dev_panel_creates_the_order_that_game_pay_pays(dev_page):
    said(dev_page, "ready")
    dev_page.mouse.click(195, 300)
    said(dev_page, "not paid: order does not exist")
    dev_page.click("#ttminis-dev-panel >> text=create order")          # ord-1, 30 Beans: the panel's defaults
    assert dev_page.inner_text("#ttminis-dev-order") == 'made ord-1: await game.pay("ord-1")'
    dev_page.mouse.click(195, 300)
    said(dev_page, "paid")
    assert dev_page.evaluate("() => TTMinisFake.wallet.balance") == 70
    dev_page.click("#ttminis-dev-panel >> text=create order")
    assert dev_page.inner_text("#ttminis-dev-order") == "createOrder: duplicate order id ord-1"
