"""The game surface on html: the shared contract (tests/shared/surface_contract.py) on real Pyodide and
real Brython in headless Chromium, plus what only html has (pointer events, the page's audio,
localStorage, the accessible description).

The harness game is built like a user's game and loaded in its own page per runtime (390 x 844 CSS
pixels at device pixel ratio 2), the fake SDK injected before the page's scripts; media calls are
recorded by a small spy on ``HTMLMediaElement``. Any console error, page error or CSP violation a
test does not expect fails it.
"""
import ast

import pytest

from ttminis.build.serve import CSP_BY_RUNTIME, BundleServer
from ttminis.build.targets.html import FAKE

from tests.shared.surface_contract import *  # noqa: F401,F403  (the contract's tests run here)
from tests.shared.drawing_contract import *  # noqa: F401,F403  (drawing's contract runs here too)
from tests.shared.surface_contract import PythonRaised, expect_raises

pytestmark = pytest.mark.browser
RUNTIMES = ["pyodide", "brython"]
STORE = "ttminis-files/harness_game/"
MEDIA_SPY = """
window.__sounds = [];
for (const name of ['play', 'pause']) {
  const original = HTMLMediaElement.prototype[name];
  HTMLMediaElement.prototype[name] = function () {
    window.__sounds.push([name, this.getAttribute('src') || '']);
    return original.apply(this, arguments);
  };
}
"""
CSP_WATCH = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
             "(e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
FILL_STORAGE = """() => { let i = 0;
  for (let size = 1 << 20; size >= 1; size = Math.floor(size / 2)) {
    for (;;) { try { localStorage.setItem('junk-' + (i++), 'x'.repeat(size)); } catch (e) { break; } }
  } }"""
EMPTY_JUNK = """() => { for (const key of Object.keys(localStorage)) if (key.startsWith('junk-')) localStorage.removeItem(key); }"""


class PageSurface:
    """The harness game in a Chromium page, behind the contract's driver (see surface_contract.py)."""

    def __init__(self, runtime, page, url):
        self.runtime = runtime
        self.page = page
        self.url = url
        self.problems = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.load()

    def load(self):
        self.page.goto(self.url)
        self.page.wait_for_function("() => window.ttminisHarness && ttminisLoader.state === 'ready'", timeout=60000)

    def py(self, source):
        text = self.page.evaluate("(src) => new Promise((resolve) => window.ttminisHarness.run(src, resolve))", source)
        result = ast.literal_eval(text)
        if not result["ok"]:
            raise PythonRaised(result)
        return result["value"]

    def js(self, expression):
        return self.page.evaluate(f"() => ({expression})")

    def press(self, x, y):
        self.page.mouse.move(x, y)
        self.page.mouse.down()

    def move(self, x, y):
        self.page.mouse.move(x, y)

    def release(self, x, y):
        self.page.mouse.move(x, y)
        self.page.mouse.up()

    def cancel(self, x, y):
        self.page.evaluate("([x, y]) => document.getElementById('game').dispatchEvent(new PointerEvent("
                           "'pointercancel', {pointerId: 1, clientX: x, clientY: y, bubbles: true}))", [x, y])
        self.page.mouse.up()

    def hide(self):
        self.js("TTMinisFake.trigger('Hide', {})")

    def show(self):
        self.js("TTMinisFake.trigger('Show', {scene: 'test', query: {}})")

    def frames(self, n):
        self.page.evaluate("(n) => new Promise((done) => { let k = 0; const tick = () => "
                           "(++k >= n ? done() : requestAnimationFrame(tick)); requestAnimationFrame(tick); })", n)

    def restart(self, quota=None):
        self.page.evaluate(EMPTY_JUNK)
        self.load()
        if quota is not None:          # the browser's own limit: fill the site's storage to the brim
            self.page.evaluate(FILL_STORAGE)

    def sound_events(self):
        return [tuple(event) for event in self.js("window.__sounds")]

    def stored(self, name):
        return self.page.evaluate("(key) => localStorage.getItem(key)", STORE + name)

    def take_problems(self):
        found = self.problems + [f"CSP violation: {v}" for v in self.js("window.__csp")]
        self.problems = []
        self.js("window.__csp.length = 0")
        return found


@pytest.fixture(scope="module")
def _surface_pages(browser, harness_bundles):
    pages, servers, contexts = {}, [], []
    try:
        for runtime in RUNTIMES:
            server = BundleServer(harness_bundles[runtime], CSP_BY_RUNTIME[runtime]).__enter__()
            servers.append(server)
            context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            contexts.append(context)
            for script in (CSP_WATCH, MEDIA_SPY):
                context.add_init_script(script=script)
            context.add_init_script(path=str(FAKE))
            pages[runtime] = PageSurface(runtime, context.new_page(), server.url)
        yield pages
    finally:
        for context in contexts:
            context.close()
        for server in servers:
            server.__exit__(None, None, None)


@pytest.fixture(params=RUNTIMES)
def surface_game(request, _surface_pages):
    game = _surface_pages[request.param]
    game.take_problems()
    yield game
    problems = game.take_problems()
    assert not problems, "\n".join(problems)


# ---- what only html has -------------------------------------------------------------------------------

def test_a_click_is_a_tap_and_the_pointer_is_the_finger(surface_game):
    surface_game.py("""
from ttminis import touch
state["taps"] = []
touch.on_end(lambda event: state["taps"].append(event["changedTouches"][0]))
""")
    try:
        surface_game.page.mouse.click(33, 44)
        surface_game.py("await until(lambda: state['taps'])")
        (tap,) = surface_game.py("return state['taps']")
        assert (tap["clientX"], tap["clientY"]) == (33, 44)
        assert tap["identifier"] == 1, "the mouse is pointer 1"
    finally:
        surface_game.py("from ttminis import touch\ntouch.off_end()")


def test_the_description_reaches_screen_readers(surface_game):
    surface_game.py("""
from ttminis import screen
screen.describe("Level 2: 3 lives", buttons=[("Jump", 10, 700, 120, 60)], lives=3)
""")
    assert surface_game.js("ttminisLoader.surface.description") == {
        "text": "Level 2: 3 lives", "buttons": [{"label": "Jump", "x": 10, "y": 700, "width": 120, "height": 60}],
        "values": {"lives": 3}}
    assert surface_game.js("document.getElementById('ttminis-description').textContent") == "Level 2: 3 lives"
    assert surface_game.js("document.getElementById('ttminis-description').getAttribute('aria-live')") == "polite"
    info = expect_raises(surface_game, "from ttminis import screen\nscreen.describe('x', buttons=[('Jump', 1, 2)])")
    assert info["type"] == "TypeError" and "buttons[0]" in info["message"]


def test_the_writable_folder_is_kept_in_local_storage_under_the_games_name(surface_game):
    surface_game.py("from ttminis import files\nfiles.write_text('best.txt', '42')")
    try:
        assert surface_game.stored("best.txt") == "42"
    finally:
        surface_game.py("from ttminis import files\nfiles.remove('best.txt')")
    assert surface_game.stored("best.txt") is None
