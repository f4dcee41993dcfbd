"""examples/shop built by build.py and played in headless Chromium, for each runtime.

Production builds use TikTok's SDK from TikTok's address (routed here to the fake, or to nothing).
Dev builds try TikTok's SDK first and only then use the fake, always under a "DEV BUILD" banner;
only dev builds publish the live interpreter on ``ttminisLoader.pyodide``.
"""
import contextlib
from pathlib import Path

import pytest

from ttminis.build import build
from ttminis.build.serve import CSP_BY_RUNTIME, TIKTOK_SDK_URL, BundleServer
from ttminis.build.targets.html import FAKE

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser
RUNTIMES = ["pyodide", "brython"]
ARTIFACTS = REPO / "test-artifacts"
STATUS = "() => ttminisLoader.surface.description.text"
BANNER = "#ttminis-dev-banner"
# A stand-in for TikTok's own SDK script (served at TikTok's address): it records what it gets.
TIKTOK_SDK = """
window.tiktokCalls = [];
window.tiktokSdk = {game: {
  init(o) { tiktokCalls.push(['init', o.clientKey]); o.success(); },
  setLoadingProgress(o) {},
  canIUse() { return true; },
  login(o) { tiktokCalls.push(['login']); setTimeout(() => o.success({code: 'tiktok-code'}), 0); },
  checkBalance(o) { setTimeout(() => o.success({is_sufficient: true}), 0); },
  pay(o) { tiktokCalls.push(['pay', o.trade_order_id]); setTimeout(() => o.success({}), 0); },
  onShow() {}, onHide() {}, offShow() {}, offHide() {}
}};
window.TTMinis = window.tiktokSdk;
"""


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    root = tmp_path_factory.mktemp("shop")
    out = {}
    for runtime in RUNTIMES:
        for dev in (True, False):
            out[runtime, dev] = build(REPO / "examples" / "shop", root / f"{runtime}-{dev}",
                                      runtime=runtime, dev=dev, client_key="ck-test", log=lambda *_: None).out
    return out


@contextlib.contextmanager
def open_game(browser, bundle, runtime, route_sdk=None):
    """The built game loaded in a fresh context: (server, page, requests made, page errors)."""
    with BundleServer(bundle, CSP_BY_RUNTIME[runtime]) as server:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        try:
            yield _load(server, context, route_sdk)
        finally:
            context.close()


def _load(server, context, route_sdk):
    context.add_init_script(script="window.__csp = []; document.addEventListener("
                            "'securitypolicyviolation', e => window.__csp.push(e.blockedURI));")
    if route_sdk == "fake":
        context.route(TIKTOK_SDK_URL, lambda route: route.fulfill(
            path=str(FAKE), content_type="text/javascript"))
    elif route_sdk == "tiktok":
        context.route(TIKTOK_SDK_URL, lambda route: route.fulfill(body=TIKTOK_SDK, content_type="text/javascript"))
    elif route_sdk == "abort":
        context.route(TIKTOK_SDK_URL, lambda route: route.abort())
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url)
    page.wait_for_function("() => window.ttminisLoader && window.ttminisLoader.state !== 'loading'", timeout=60000)
    return server, page, requests, errors


def tap(page, label):
    """Click the button the game described as ``label`` (``ttminis.screen.describe``)."""
    b = page.evaluate("(label) => ttminisLoader.surface.description.buttons.find((b) => b.label === label)", label)
    page.mouse.click(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_dev_build_plays_a_purchase_through_the_canvas(browser, bundles, runtime):
    with open_game(browser, bundles[runtime, True], runtime, route_sdk="abort") as (server, page, requests, errors):
        assert page.evaluate("() => window.ttminisLoader.state") == "ready"
        assert page.evaluate("() => window.ttminisLoader.sdk") == "fake"
        assert page.locator(BANNER).is_visible()
        assert page.inner_text(BANNER).startswith("DEV BUILD \u2014 fake TikTok")
        assert page.evaluate("() => TTMinisFake.progress.at(-1)") == 1
        assert page.evaluate("() => window.ttminisLoader.progress") == 1
        assert page.evaluate("() => TTMinisFake.initOptions") == {"clientKey": "ck-test"}
        page.wait_for_function("() => ttminisLoader.surface.description.text.includes('Signed in')")
        assert page.evaluate("() => TTMinisFake.logins") == 1
        page.wait_for_function("() => TTMinisFake.callsOf('checkBalance').length >= 3")
        tap(page, "Buy Sword")
        page.wait_for_function("() => ttminisLoader.surface.description.text.includes('Bought Sword')")
        assert page.evaluate("() => TTMinisFake.wallet.balance") == 70
        assert len(page.evaluate("() => TTMinisFake.callsOf('pay')")) == 1
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"shop-{runtime}.png"
        page.screenshot(path=str(shot))
        colours = page.evaluate("""() => { const c = document.getElementById('game');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; const seen = new Set();
            for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i+1] + ',' + d[i+2]);
            return seen.size; }""")
        assert colours >= 4, "the canvas looks blank"
        assert shot.stat().st_size > 5000
        assert [u for u in requests if not u.startswith(server.url) and not u.startswith("data:")] == [TIKTOK_SDK_URL]
        assert page.evaluate("() => window.__csp") == []
        assert errors == []


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_dev_build_inside_tiktok_uses_tiktoks_sdk_and_never_loads_the_fake(browser, bundles, runtime):
    with open_game(browser, bundles[runtime, True], runtime, route_sdk="tiktok") as (server, page, requests, errors):
        page.wait_for_function("() => ttminisLoader.surface.description.text.includes('Signed in')")
        assert page.evaluate("() => [window.ttminisLoader.sdk, typeof window.TTMinisFake]") == ["tiktok", "undefined"]
        assert not any(u.endswith("fake-ttminis.js") for u in requests)
        assert page.evaluate("() => window.tiktokCalls.slice(0, 2)") == [["init", "ck-test"], ["login"]]
        assert page.inner_text(BANNER).startswith("DEV BUILD \u2014 TikTok's SDK")
        assert page.locator("#ttminis-dev-panel").count() == 0
        assert page.evaluate("() => window.ttminisLoader.state") == "ready" and errors == []


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_tiktoks_sdk_arriving_after_the_fake_takes_over_and_the_fake_steps_aside(browser, bundles, runtime):
    with open_game(browser, bundles[runtime, True], runtime, route_sdk="abort") as (server, page, requests, errors):
        page.wait_for_function("() => ttminisLoader.surface.description.text.includes('Signed in')")
        assert page.evaluate("() => window.ttminisLoader.sdk") == "fake"
        page.evaluate("""() => { window.tiktokCalls = []; const g = {}; for (const m of ['setLoadingProgress',
          'onShow', 'onHide', 'offShow', 'offHide']) g[m] = () => {};
          g.init = (o) => { tiktokCalls.push(['init', o.clientKey]); o.success(); };
          g.canIUse = () => true;
          g.checkBalance = (o) => setTimeout(() => o.success({is_sufficient: true}), 0);
          g.pay = (o) => { tiktokCalls.push(['pay', o.trade_order_id]); setTimeout(() => o.success({}), 0); };
          window.TTMinis = {game: g}; }""")       # what TikTok's late script does
        assert page.evaluate("() => [window.ttminisLoader.sdk, TTMinisFake.installed]") == ["tiktok", False]
        page.wait_for_function("() => window.tiktokCalls.length === 1")
        assert page.evaluate("() => window.tiktokCalls") == [["init", "ck-test"]]
        page.evaluate("() => { TTMinisFake.reset(); TTMinisFake.install(); }")    # the fake stays aside
        assert page.evaluate("() => TTMinisFake.installed") is False
        page.wait_for_function(f"() => document.querySelector('{BANNER}').textContent.includes(\"TikTok's SDK\")")
        tap(page, "Buy Sword")
        page.wait_for_function("() => window.tiktokCalls.some((c) => c[0] === 'pay')")
        assert page.evaluate("() => [TTMinisFake.wallet.balance, TTMinisFake.callsOf('pay').length]") == [100, 0]
        assert errors == []


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_only_dev_builds_publish_the_interpreter(browser, bundles, runtime):
    holders = """() => Object.entries(window.ttminisLoader).filter(([k, v]) =>
        v && (typeof v.runPython === 'function' || typeof v.runPythonAsync === 'function')).map(([k]) => k)
        .concat(Object.keys(window).filter((k) => { try { const v = window[k];
          return v && typeof v.runPythonAsync === 'function'; } catch (e) { return false; } }))"""
    with open_game(browser, bundles[runtime, False], runtime, route_sdk="fake") as (_server, page, _requests, _errors):
        assert page.evaluate(holders) == []
        assert page.evaluate("() => 'pyodide' in window.ttminisLoader") is False
        assert page.locator(BANNER).count() == 0
    if runtime == "pyodide":
        with open_game(browser, bundles[runtime, True], runtime, route_sdk="abort") as (_server, page, _r, _e):
            assert page.evaluate(holders) == ["pyodide"]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_production_build_uses_the_sdk_at_tiktoks_address(browser, bundles, runtime):
    with open_game(browser, bundles[runtime, False], runtime, route_sdk="fake") as (server, page, requests, errors):
        assert not (bundles[runtime, False] / "fake-ttminis.js").exists()
        page.wait_for_function("() => ttminisLoader.surface.description.text.includes('Signed in')")
        assert page.evaluate("() => TTMinisFake.progress.at(-1)") == 1
        outside = [u for u in requests if not u.startswith(server.url) and not u.startswith("data:")]
        assert outside == [TIKTOK_SDK_URL]
        assert page.evaluate("() => window.__csp") == [] and errors == []


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_production_build_without_sdk_shows_the_unavailable_error(browser, bundles, runtime):
    with open_game(browser, bundles[runtime, False], runtime, route_sdk="abort") as (server, page, _requests, errors):
        page.wait_for_function("() => document.getElementById('ttminis-error')")
        screen = page.inner_text("#ttminis-error")
        assert "TTMinisUnavailable" in screen and "TTMinis.game is not available" in screen
        assert page.evaluate("() => window.ttminisLoader.state") == "error"
        assert "Signed in" not in page.evaluate(STATUS)
        assert page.evaluate("() => typeof window.TTMinis") == "undefined"
        assert errors == []
