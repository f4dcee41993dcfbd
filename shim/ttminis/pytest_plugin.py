"""pytest fixtures for testing a TikTok mini-game written in Python (registered as ``pytest11``).

Fixtures:
    ttminis_wallet   CPython: an in-memory FakeTikTok installed as the SDK (``ttminis.testing``)
    ttminis_page     Playwright: the game built and loaded in headless Chromium, the fake SDK
                     injected before page scripts; a ``GamePage`` (``.page``, ``.fake(js)``, ``.calls()``)
    ttminis_driver   Selenium: the same through chromedriver; a ``GameDriver`` (``.driver``, ``.fake(js)``)

Options: ``--ttminis-game DIR`` (default: the ``ttminis_game`` ini value, else ``examples/shop``),
``--ttminis-runtime pyodide|brython``, ``--ttminis-chromium PATH``, ``--ttminis-chromedriver PATH``,
``--ttminis-artifacts DIR`` (screenshots of failed browser tests).

A browser test fails on a console error, an uncaught page error or a CSP violation. Nothing here
imports Playwright, Selenium or the builder until a browser fixture is used, so sessions that
don't use them are neither slowed down nor changed.

Example::

    def test_buying_a_sword(ttminis_page):
        ttminis_page.fake("TTMinisFake.wallet.balance = 500")
        ttminis_page.page.mouse.click(200, 400)
        ttminis_page.page.wait_for_function("() => TTMinisFake.callsOf('pay').length == 1")
"""
import os
from pathlib import Path

import pytest

_CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync", "--disable-quic"]
_CSP_WATCH = ("window.__cspViolations = []; document.addEventListener('securitypolicyviolation', "
              "(e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));")
_READY = ("() => window.ttminisLoader && ['ready', 'error'].includes(window.ttminisLoader.state)")


def pytest_addoption(parser):
    group = parser.getgroup("ttminis")
    group.addoption("--ttminis-game", default=None, help="game folder for ttminis_page/ttminis_driver")
    group.addoption("--ttminis-runtime", default="pyodide", choices=["pyodide", "brython"])
    group.addoption("--ttminis-chromium", default=os.environ.get("TTMINIS_CHROMIUM", "/usr/bin/chromium"))
    group.addoption("--ttminis-chromedriver", default="/usr/bin/chromedriver")
    group.addoption("--ttminis-artifacts", default="test-artifacts")
    parser.addini("ttminis_game", "default game folder for the browser fixtures", default="")


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"_ttminis_{report.when}_failed", report.failed)


@pytest.fixture
def ttminis_wallet():
    """An in-memory TikTok (wallet, orders, scripted outcomes) for plain CPython tests."""
    from . import testing
    fake = testing.install()
    yield fake
    testing.uninstall()


def _fake_js_path():
    from builder.bundle import WEB
    return WEB / "fake-ttminis.js"


@pytest.fixture(scope="session")
def _ttminis_served_game(request, tmp_path_factory):
    from builder.bundle import REPO, build
    from builder.serve import CSP_BY_RUNTIME, BundleServer
    config = request.config
    game = config.getoption("--ttminis-game") or config.getini("ttminis_game") or REPO / "examples" / "shop"
    runtime = config.getoption("--ttminis-runtime")
    out = tmp_path_factory.mktemp("ttminis-game") / runtime
    build(Path(game), out, runtime=runtime, log=lambda *_: None)
    with BundleServer(out, CSP_BY_RUNTIME[runtime]) as server:
        yield server.url


class _Problems:
    def __init__(self):
        self.items = []

    def console(self, level, text):
        if level in ("error", "SEVERE"):
            self.items.append(f"console error: {text}")


class GamePage:
    """A loaded game in Playwright. ``fake(js)`` runs JS with ``TTMinisFake`` in scope."""

    def __init__(self, page, problems):
        self.page = page
        self.problems = problems

    def fake(self, expression):
        return self.page.evaluate(f"() => {{ return ({expression}); }}") if "return" not in expression \
            else self.page.evaluate(f"() => {{ {expression} }}")

    def calls(self, method=None):
        return self.page.evaluate("(m) => m ? TTMinisFake.callsOf(m) : TTMinisFake.calls", method)


@pytest.fixture(scope="session")
def _ttminis_browser(request):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=request.config.getoption("--ttminis-chromium"),
                                     args=_CHROMIUM_ARGS)
        yield browser
        browser.close()


def _save_screenshot(request, save):
    if getattr(request.node, "_ttminis_call_failed", False):
        folder = Path(request.config.getoption("--ttminis-artifacts"))
        folder.mkdir(parents=True, exist_ok=True)
        save(str(folder / f"{request.node.name}.png"))


@pytest.fixture
def ttminis_page(request, _ttminis_browser, _ttminis_served_game):
    """The game loaded in headless Chromium with the fake SDK injected; fails on page problems."""
    context = _ttminis_browser.new_context(viewport={"width": 390, "height": 844})
    context.add_init_script(script=_CSP_WATCH)
    context.add_init_script(path=str(_fake_js_path()))
    page = context.new_page()
    problems = _Problems()
    page.on("console", lambda m: problems.console(m.type, m.text))
    page.on("pageerror", lambda e: problems.items.append(f"page error: {e}"))
    page.goto(_ttminis_served_game)
    page.wait_for_function(_READY, timeout=60000)
    game_page = GamePage(page, problems)
    yield game_page
    _save_screenshot(request, lambda path: page.screenshot(path=path))
    violations = page.evaluate("() => window.__cspViolations || []")
    context.close()
    found = problems.items + [f"CSP violation: {v}" for v in violations]
    assert not found, "\n".join(found)


class GameDriver:
    """A loaded game in Selenium. ``fake(js)`` runs JS with ``TTMinisFake`` in scope."""

    def __init__(self, driver):
        self.driver = driver

    def fake(self, expression):
        body = expression if "return" in expression else f"return ({expression});"
        return self.driver.execute_script(body)


@pytest.fixture
def ttminis_driver(request, _ttminis_served_game):
    """The game loaded through Selenium and chromedriver, the fake injected via CDP."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait
    options = webdriver.ChromeOptions()
    options.binary_location = request.config.getoption("--ttminis-chromium")
    for arg in _CHROMIUM_ARGS + ["--headless=new", "--window-size=390,844"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options,
                              service=Service(executable_path=request.config.getoption("--ttminis-chromedriver")))
    try:
        for source in (_CSP_WATCH, _fake_js_path().read_text(encoding="utf-8")):
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
        driver.get(_ttminis_served_game)
        WebDriverWait(driver, 60).until(lambda d: d.execute_script(
            "return !!window.ttminisLoader && ['ready', 'error'].includes(window.ttminisLoader.state)"))
        yield GameDriver(driver)
        _save_screenshot(request, driver.save_screenshot)
        problems = _Problems()
        for entry in driver.get_log("browser"):
            problems.console(entry["level"], entry["message"])
        violations = driver.execute_script("return window.__cspViolations || []")
    finally:
        driver.quit()
    found = problems.items + [f"CSP violation: {v}" for v in violations]
    assert not found, "\n".join(found)
