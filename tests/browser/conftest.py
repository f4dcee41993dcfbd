"""Real Pyodide and real Brython in real headless Chromium, against the fake SDK.

The harness game (``harness_game/main.py``) is built with ``build.py`` exactly like a user's game
(production build: no fake inside; ``expose_interpreter=True`` so proxy accounting can reach
Pyodide), served with the runtime's strict CSP, and the fake SDK is injected before any page
script with ``add_init_script``. One browser per session; one page per runtime, reused across
tests: before each test the fake is reset and reinstalled and the shim reset (``calls.reset()``:
no pending call, order lock, listener or canIUse answer carried over). A page just (re)loaded
first makes one SDK call, so every test starts from the same page whatever ran before it: the shim
makes its one dispatcher PyProxy at a page's first call (never at import), and a proxy count taken
before that call would count the dispatcher as a leak of the call under test. Every test fails on a
console error, an uncaught page error or a CSP violation — those of the page's boot included.
"""
import ast
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from ttminis.build import build
from ttminis.build.serve import CSP_BY_RUNTIME, BundleServer
from ttminis.build.targets.html import FAKE

HERE = Path(__file__).parent


def pytest_configure(config):
    config.addinivalue_line("markers", "own_browsers: starts its own browsers in a subprocess, so it runs "
                                       "last, once every test on the session's browser is done")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.get_closest_marker("own_browsers") is not None)
RUNTIMES = ["pyodide", "brython"]

# Records CSP violations where the page can't hide them.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


class PythonRaised(AssertionError):
    """The Python snippet raised; ``.info`` has type, message, mro and TTMinisError fields."""

    def __init__(self, info):
        super().__init__(f"{info.get('type')}: {info.get('message')}")
        self.info = info


class Harness:
    """One runtime's page: run Python in it, script the fake, read what the fake recorded."""

    def __init__(self, runtime, page, url):
        self.runtime = runtime
        self.page = page
        self.url = url
        self.problems = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _on_console(self, message):
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def load(self, expect_ready=True):
        self.page.goto(self.url)
        self.page.wait_for_function(
            "() => window.ttminisLoader && ['ready', 'error'].includes(window.ttminisLoader.state)"
            " && (window.ttminisLoader.state === 'error' || window.ttminisHarness)", timeout=60000)
        if expect_ready:
            state = self.page.evaluate("() => window.ttminisLoader.state")
            assert state == "ready", self.page.evaluate("() => window.ttminisLoader.errors")

    def outcome(self, source):
        """Run ``source`` (an async function body) in the page; the result dict it produced."""
        text = self.page.evaluate(
            "(src) => new Promise((resolve) => window.ttminisHarness.run(src, resolve))", source)
        return ast.literal_eval(text)

    def py(self, source):
        """Run ``source`` and return its value; raise ``PythonRaised`` if it raised."""
        result = self.outcome(source)
        if not result["ok"]:
            raise PythonRaised(result)
        return result["value"]

    def py_raises(self, source):
        """Run ``source``, which must raise; return the error info."""
        result = self.outcome(source)
        assert not result["ok"], f"expected an exception, got {result['value']!r}"
        return result

    def js(self, expression, arg=None):
        return self.page.evaluate(expression, arg)

    def calls(self, method=None):
        return self.js("(m) => m ? TTMinisFake.callsOf(m) : TTMinisFake.calls", method)

    def check_clean(self):
        violations = self.js("() => window.__cspViolations || []")
        problems, self.problems = self.problems + [f"CSP violation: {v}" for v in violations], []
        self.js("() => { if (window.__cspViolations) window.__cspViolations.length = 0; }")
        return problems


@pytest.fixture(scope="session")
def harness_bundles():
    root = Path(tempfile.mkdtemp(prefix="ttminis-harness-"))
    bundles = {rt: build(HERE / "harness_game", root / rt, runtime=rt, log=lambda *_: None,
                         expose_interpreter=True).out for rt in RUNTIMES}
    yield bundles
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def _harness_pages(browser, harness_bundles):
    pages, servers = {}, []
    for runtime in RUNTIMES:
        server = BundleServer(harness_bundles[runtime], CSP_BY_RUNTIME[runtime]).__enter__()
        servers.append(server)
        context = browser.new_context()
        context.add_init_script(script=CSP_WATCH)
        context.add_init_script(path=str(FAKE))
        pages[runtime] = Harness(runtime, context.new_page(), server.url)
    yield pages
    for server in servers:
        server.__exit__(None, None, None)


RESET_FAKE = "() => { delete globalThis.TTMinis; TTMinisFake.uninstall(); TTMinisFake.reset(); TTMinisFake.install(); }"


def _fresh(h):
    """Reload the page if a test left it unusable, and make its first SDK call (the one that makes
    the shim's dispatcher); then a clean fake and a clean shim. Whether a test runs alone or after
    others, it sees the same page. Problems seen while loading stay recorded: they fail the test."""
    if h.page.url != h.url or h.js("() => !window.ttminisHarness || !window.TTMinis"):
        h.load()
        h.py("await game.check_balance(1)")
    h.py("from ttminis import calls\ncalls.reset()")
    h.js(RESET_FAKE)
    return h


def _assert_clean(h):
    problems = h.check_clean()
    if problems:
        h.page.goto("about:blank")   # the next test starts from a fresh load
    assert not problems, "\n".join(problems)


@pytest.fixture(params=RUNTIMES)
def harness(request, _harness_pages):
    """A loaded harness page for each runtime, fake reset, failing the test on any page problem."""
    h = _fresh(_harness_pages[request.param])
    yield h
    _assert_clean(h)


@pytest.fixture
def pyodide_harness(_harness_pages):
    """The Pyodide harness page alone (for Pyodide-only checks such as proxy accounting)."""
    h = _fresh(_harness_pages["pyodide"])
    yield h
    _assert_clean(h)
