"""pytest fixtures for testing a TikTok mini-game written in Python (registered as ``pytest11``).

Fixtures:
    ttminis_wallet    CPython: an in-memory FakeTikTok installed as the SDK (``ttminis.testing``)
    ttminis_page      Playwright: the game loaded in headless Chromium with the fake SDK injected
                      before any page script; a ``GamePage``
    ttminis_driver    Selenium + chromedriver: the same; a ``GameDriver``
    ttminis_native    the game built for TikTok's native runtime (once per session) and run in the
                      strict simulator (Node, no DOM); a ``NativeGame``
    ttminis_native_setup  JS run in the simulator before the game starts (override it: "" by default)
    ttminis_browser   the session's one Playwright Chromium (launched on first use)
    ttminis_game_dir  the game under test: a source folder (built once per session) or a bundle
                      made by ``build.py``; override this fixture to test another game
    ttminis_runtime   "pyodide" or "brython"; parametrize it to run a test on both (a prebuilt
                      bundle runs only the runtime it was built for: another one is refused)
    ttminis_fake_tiktok       the fake TikTok server over real HTTP on 127.0.0.1 (``ttminis[server]``)
    ttminis_backend           the reference backend on a temporary database, wired to the fake
                              TikTok server (which delivers its webhooks there)
    ttminis_backend_database  that database's URL: a temporary SQLite file; override for PostgreSQL
    ttminis_backend_settings  overrides for the backend's ``Settings`` (catalogue, grant, refund, sandbox)

Options: ``--ttminis-game DIR`` (else the ``ttminis_game`` ini value, else the current folder),
``--ttminis-runtime``, ``--ttminis-chromium PATH``, ``--ttminis-chromedriver PATH``,
``--ttminis-artifacts DIR`` (where failed browser tests leave a screenshot).

A browser test fails on a console error, an uncaught page error or a CSP violation; a native test
on any use of what TikTok's native runtime lacks (a violation), an uncaught error or a console
error. Nothing here imports Playwright, Selenium, the builder or the simulator until a fixture that
needs it is used, so sessions that don't use them are neither slowed down nor changed. Only one browser runs at a time: tests using
``ttminis_driver`` run after the others, and the Playwright browser is closed before the first.

Example::

    def test_buying_a_sword(ttminis_page):
        ttminis_page.fake("TTMinisFake.wallet.balance = 500")
        ttminis_page.page.mouse.click(300, 500)
        ttminis_page.wait_for("TTMinisFake.callsOf('pay').length === 1")
        assert ttminis_page.wallet()["balance"] == 470
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Protocol

import pytest

if TYPE_CHECKING:      # imported for real only when a fixture needs them
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright
    from selenium.webdriver.chromium.webdriver import ChromiumDriver

    from .build.serve import BundleServer
    from .server.fake_tiktok import FakeTikTokServer
    from .server.testing import RunningBackend
    from .simulator import Session
    from .testing import FakeTikTok

_CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync", "--disable-quic"]
_CSP_WATCH = ("window.__cspViolations = []; document.addEventListener('securitypolicyviolation', "
              "(e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));")
_READY = "!!window.ttminisLoader && ['ready', 'error'].includes(window.ttminisLoader.state)"
_BOOT_SECONDS = 60


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ttminis")
    group.addoption("--ttminis-game", default=None,
                    help="game folder (or build.py bundle) for ttminis_page/ttminis_driver")
    group.addoption("--ttminis-runtime", default=None, choices=["pyodide", "brython"],
                    help="runtime for the browser fixtures (default: a bundle's own, else pyodide)")
    group.addoption("--ttminis-chromium", default=os.environ.get("TTMINIS_CHROMIUM", "/usr/bin/chromium"))
    group.addoption("--ttminis-chromedriver", default=os.environ.get("TTMINIS_CHROMEDRIVER", "/usr/bin/chromedriver"))
    group.addoption("--ttminis-artifacts", default="test-artifacts")
    parser.addini("ttminis_game", "default game folder for the browser fixtures", default="")


_config: pytest.Config | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _config
    _config = config


def pytest_unconfigure(config: pytest.Config) -> None:
    global _config
    _config = None


def write_past_capture(text: str) -> bool:
    """Write ``text`` to the terminal's stderr even while pytest captures output (a build's download
    progress, ``ttminis.build.runtimes``); False when there is no pytest session to write past.

    Example::

        write_past_capture("[ttminis] downloading pyodide 314.0.7 via npm: 1.2 MB of 6.5 MB (3 s)\n")
    """
    import sys
    capture = _config.pluginmanager.getplugin("capturemanager") if _config is not None else None
    if capture is None:
        return False
    with capture.global_and_fixture_disabled():
        sys.stderr.write(text)
        sys.stderr.flush()
    return True


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Selenium tests last, so the Playwright browser can be closed before chromedriver starts one."""
    items.sort(key=lambda item: "ttminis_driver" in getattr(item, "fixturenames", ()))


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome: Any = yield
    report = outcome.get_result()
    setattr(item, f"_ttminis_{report.when}_failed", report.failed)


@pytest.fixture
def ttminis_wallet(tmp_path: Path) -> Iterator[FakeTikTok]:
    """An in-memory TikTok (wallet, orders, scripted outcomes) for plain CPython tests, with the game
    surface: ``ttminis.files`` writes to a temporary folder of this test (``files_dir``), the screen
    records what is drawn (``drawn``, ``texts()``, ``description``), ``images``/``sound`` read and
    record (``images_loaded``, ``sounds``), ``touch``/``frames`` are driven by the test (``tap``,
    ``touch``, ``run_frames``).

    Every test starts from a clean ttminis: no pending call, order lock, listener or cached
    ``canIUse`` answer is carried over from an earlier test (``testing.install`` resets them).

    Example::

        def test_pay(ttminis_wallet):
            order = ttminis_wallet.create_order(30)
            ttminis_wallet.run(lambda: game.pay(order))
            assert ttminis_wallet.balance == 70
    """
    from . import testing
    fake = testing.install(files_dir=tmp_path / "ttminis-files")
    yield fake
    testing.uninstall()


# -- the server half (pip install ttminis[server]) ----------------------------------------------------

@pytest.fixture
def ttminis_fake_tiktok() -> Iterator[FakeTikTokServer]:
    """TikTok's server side over real HTTP on 127.0.0.1: OAuth, trade orders, signed webhooks.

    Example::

        def test_pay_delivers_the_webhook(ttminis_fake_tiktok, ttminis_backend):
            ...
            ttminis_fake_tiktok.pay(order["trade_order_id"])
            ttminis_fake_tiktok.wait_for(lambda: ttminis_fake_tiktok.acknowledged(order["trade_order_id"]))
    """
    from .server.fake_tiktok import FakeTikTokServer
    with FakeTikTokServer(retry_delays=(0.05, 0.1, 0.2, 0.4, 0.8)) as server:
        yield server


@pytest.fixture
def ttminis_backend_database(tmp_path: Path) -> str:
    """The reference backend's database: a temporary SQLite file. Override to use PostgreSQL."""
    return f"sqlite:///{tmp_path / 'ttminis-orders.db'}"


@pytest.fixture
def ttminis_backend_settings() -> dict[str, Any]:
    """Overrides for the backend's ``Settings`` (``catalogue``, ``grant``, ``refund``, ``sandbox``...)."""
    return {}


@pytest.fixture
def ttminis_backend(ttminis_fake_tiktok: FakeTikTokServer, ttminis_backend_database: str,
                    ttminis_backend_settings: dict[str, Any]) -> Iterator[RunningBackend]:
    """The reference backend on 127.0.0.1 (``.url``, ``.store``), talking to ``ttminis_fake_tiktok``.

    With ``ttminis_wallet``, game code reaches it over HTTP once the wallet is connected::

        ttminis_wallet.use_order_book(ttminis_fake_tiktok.url)
        ttminis_wallet.allow_requests(ttminis_backend.url)
        server = GameServer(ttminis_backend.url)
    """
    from .server.testing import running_backend
    with running_backend(ttminis_fake_tiktok, ttminis_backend_database, **ttminis_backend_settings) as backend:
        yield backend


# -- the game under test --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def ttminis_game_dir(request: pytest.FixtureRequest) -> Path:
    """The game folder (or built bundle) the browser fixtures load. Override to pick another."""
    config = request.config
    if config.getoption("--ttminis-game"):
        return Path(config.getoption("--ttminis-game")).resolve()
    if config.getini("ttminis_game"):
        return (config.rootpath / str(config.getini("ttminis_game"))).resolve()
    return Path.cwd()


@pytest.fixture
def ttminis_runtime(request: pytest.FixtureRequest, ttminis_game_dir: Path) -> str:
    """The runtime the browser fixtures use; ``@pytest.mark.parametrize("ttminis_runtime", [...])``.

    ``--ttminis-runtime``, else the runtime a prebuilt bundle was built for, else "pyodide".
    """
    chosen: str | None = request.config.getoption("--ttminis-runtime")
    return chosen or (_bundle_runtime(ttminis_game_dir) if _is_bundle(ttminis_game_dir) else "pyodide")


class _ServedGames:
    """Builds each (game, runtime) once per session and serves it on 127.0.0.1."""

    def __init__(self, tmp_root: Path) -> None:
        self._tmp_root = tmp_root
        self._servers: dict[tuple[str, str], BundleServer] = {}

    def url(self, game_dir: Path, runtime: str) -> str:
        from .build import BuildError, build
        from .build.serve import CSP_BY_RUNTIME, BundleServer
        key = (str(game_dir), runtime)
        if key not in self._servers:
            if _is_bundle(game_dir):      # already a bundle: serve it as is, for its own runtime
                bundle, built_for = game_dir, _bundle_runtime(game_dir)
                if runtime != built_for:
                    pytest.fail(f"ttminis_runtime is {runtime!r}, but {game_dir} is a bundle built for "
                                f"{built_for!r}: a prebuilt bundle runs only its own runtime. Point "
                                "--ttminis-game at the game's source folder to test other runtimes.",
                                pytrace=False)
            elif (game_dir / "main.py").exists():
                bundle = self._tmp_root / f"{len(self._servers)}-{runtime}"
                build(game_dir, bundle, runtime=runtime, log=lambda *_: None)
            else:
                raise BuildError(f"{game_dir} holds neither main.py nor a built bundle: "
                                 "pass --ttminis-game DIR or set ttminis_game in your pytest ini")
            self._servers[key] = BundleServer(bundle, CSP_BY_RUNTIME[runtime]).__enter__()
        return self._servers[key].url

    def close(self) -> None:
        for server in self._servers.values():
            server.__exit__(None, None, None)


def _is_bundle(folder: Path) -> bool:
    return (Path(folder) / "ttminis-loader.js").exists()


def _bundle_runtime(bundle: Path) -> str:
    found = re.search(r'data-runtime="(\w+)"', (bundle / "index.html").read_text(encoding="utf-8"))
    return found.group(1) if found else "pyodide"


@pytest.fixture(scope="session")
def _ttminis_games(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_ServedGames]:
    games = _ServedGames(tmp_path_factory.mktemp("ttminis-games"))
    yield games
    games.close()


def _fake_js() -> str:
    from .build.targets.html import FAKE
    return FAKE.read_text(encoding="utf-8")


def _setup_script(setup: str | None) -> str:
    """JS run after the fake is installed and before the game's own scripts."""
    return f"(function () {{ {setup}\n}})();" if setup else ""


def _finish(request: pytest.FixtureRequest, control: _FakeControl) -> list[str]:
    """After a browser test: a screenshot if it failed, then the page problems that fail it."""
    if getattr(request.node, "_ttminis_call_failed", False):
        folder = Path(request.config.getoption("--ttminis-artifacts"))
        folder.mkdir(parents=True, exist_ok=True)
        control.screenshot(str(folder / (re.sub(r"[^\w.-]+", "_", request.node.name) + ".png")))
    return control.page_problems()


# -- Playwright -----------------------------------------------------------------------------------

class _LazyBrowser:
    def __init__(self, executable: str) -> None:
        self.executable = executable
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def get(self) -> Browser:
        if self._browser is None:
            from playwright.sync_api import sync_playwright
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(executable_path=self.executable,
                                                             args=_CHROMIUM_ARGS)
        return self._browser

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None


@pytest.fixture(scope="session")
def _ttminis_lazy_browser(request: pytest.FixtureRequest) -> Iterator[_LazyBrowser]:
    holder = _LazyBrowser(request.config.getoption("--ttminis-chromium"))
    yield holder
    holder.close()


@pytest.fixture(scope="session")
def ttminis_browser(_ttminis_lazy_browser: _LazyBrowser) -> Browser:
    """The session's headless Chromium (Playwright), for tests that open their own contexts."""
    return _ttminis_lazy_browser.get()


class _FakeControl:
    """What both browser fixtures offer: the fake SDK (``TTMinisFake``) driven from the test.

    Subclasses provide ``_run(body, *args)``: run the JS function body ``body`` in the page, with
    ``args`` (JSON-able) as the array ``args``, and return its result; ``_console_problems()``;
    and ``screenshot(path)``.
    """

    def _run(self, body: str, *args: Any) -> Any:
        raise NotImplementedError

    def _console_problems(self) -> list[str]:
        raise NotImplementedError

    def screenshot(self, path: str) -> None:
        """Save what the game shows now as a PNG file."""
        raise NotImplementedError

    def fake(self, expression: str, arg: Any = None) -> Any:
        """Evaluate a JS expression (``TTMinisFake`` and the page in scope); ``arg`` is ``arg``."""
        return self._run(f"const arg = args[0]; return ({expression});", arg)

    def script(self, method: str, **behaviour: Any) -> None:
        """The next ``method`` call behaves so, e.g. ``script("pay", outcome="never")``."""
        self._run("TTMinisFake.script(args[0], args[1]);", method, behaviour)

    def trigger(self, event: str, payload: Any = None) -> None:
        """Fire the game's ``on<event>`` listeners: ``trigger("Hide")``, ``trigger("Show", {...})``."""
        self._run("TTMinisFake.trigger(args[0], args[1] === null ? undefined : args[1]);", event, payload)

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """What the fake SDK received: ``{method, keys, types, plain, json, options, answers}``."""
        found: list[dict[str, Any]] = self._run("return args[0] ? TTMinisFake.callsOf(args[0]) : TTMinisFake.calls;",
                                                method)
        return found

    def wallet(self) -> dict[str, Any]:
        """``{balance, tiers, orders}`` of the fake wallet."""
        wallet: dict[str, Any] = self._run("return TTMinisFake.wallet;")
        return wallet

    def loader(self) -> dict[str, Any]:
        """The loader's ``{state, progress, errors}``."""
        loader: dict[str, Any] = self._run("return {state: ttminisLoader.state, progress: ttminisLoader.progress,"
                                           " errors: ttminisLoader.errors};")
        return loader

    def page_problems(self) -> list[str]:
        """Console errors, uncaught page errors and CSP violations seen so far (what fails a test)."""
        violations = self._run("return window.__cspViolations || [];")
        return self._console_problems() + [f"CSP violation: {v}" for v in violations]

    def description(self) -> dict[str, Any] | None:
        """What the game said its screen shows (``ttminis.screen.describe``): ``{text, buttons, values}``."""
        described: dict[str, Any] | None = self._run(
            "return ttminisLoader.surface ? ttminisLoader.surface.description : null;")
        return described

    def button(self, label: str) -> tuple[float, float]:
        """The centre ``(x, y)`` of the button the game described as ``label``, for ``tap``.

        Example::

            game.tap(*game.button("Buy Sword"))
        """
        buttons = (self.description() or {}).get("buttons", [])
        for button in buttons:
            if button["label"] == label:
                return button["x"] + button["width"] / 2, button["y"] + button["height"] / 2
        raise AssertionError(f"no button {label!r} on screen; the game described {[b['label'] for b in buttons]}")


class GamePage(_FakeControl):
    """The game loaded in Playwright (``.page``), with the fake SDK scriptable.

    Example::

        ttminis_page.script("pay", outcome="fail")
        ttminis_page.trigger("Hide")
        ttminis_page.wait_for("ttminisLoader.surface.description.text === 'Paused'")
    """

    def __init__(self, browser: Browser, url: str, scripts: list[str]) -> None:
        self.url = url
        self.problems: list[str] = []
        self._browser = browser
        self._scripts = scripts      # injected before the page's own scripts, on every load
        self._setup: str | None = None
        self._context: BrowserContext | None = None
        self._page: Page | None = None

    @property
    def page(self) -> Page:
        """The current Playwright page (a new one after ``reload(setup=...)``)."""
        if self._page is None:
            raise RuntimeError("the game page is not loaded (load() first)")
        return self._page

    @property
    def context(self) -> BrowserContext:
        """The current page's Playwright browser context."""
        if self._context is None:
            raise RuntimeError("the game page is not loaded (load() first)")
        return self._context

    def load(self, setup: str | None = None) -> GamePage:
        """(Re)load the game; ``setup`` is JS run after the fake is installed and before the game,
        for this load only. A new setup (or none after one) opens a fresh context and page:
        ``.page`` is always the current one."""
        if self._page is None or setup != self._setup:
            self._open(setup)
        self.page.goto(self.url)
        self.page.wait_for_function(f"() => {_READY}", timeout=_BOOT_SECONDS * 1000)
        return self

    reload = load

    def _open(self, setup: str | None) -> None:
        self.close()
        self._setup = setup
        context = self._context = self._browser.new_context(viewport={"width": 390, "height": 844})
        for script in self._scripts + ([_setup_script(setup)] if setup else []):
            context.add_init_script(script=script)
        page = self._page = context.new_page()
        page.on("console", lambda m: self.problems.append(f"console error: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def close(self) -> None:
        if self._context is not None:
            self._context.close()
            self._context = self._page = None

    def _run(self, body: str, *args: Any) -> Any:
        return self.page.evaluate(f"(args) => {{ {body} }}", list(args))

    def _console_problems(self) -> list[str]:
        return list(self.problems)

    def screenshot(self, path: str) -> None:
        self.page.screenshot(path=path)

    def wait_for(self, condition: str, timeout: float = 30) -> None:
        """Wait until the JS ``condition`` holds (seconds)."""
        self.page.wait_for_function(f"() => ({condition})", timeout=timeout * 1000)

    def tap(self, x: float, y: float) -> None:
        """A click at (x, y) in CSS pixels: a tap for the game (pointer events become touches)."""
        self.page.mouse.click(x, y)


@pytest.fixture
def ttminis_page(request: pytest.FixtureRequest, _ttminis_lazy_browser: _LazyBrowser, _ttminis_games: _ServedGames,
                 ttminis_game_dir: Path, ttminis_runtime: str) -> Iterator[GamePage]:
    """The game loaded in headless Chromium with the fake SDK injected; fails on page problems.

    Example::

        def test_login_at_start(ttminis_page):
            ttminis_page.wait_for("TTMinisFake.logins === 1")
    """
    url = _ttminis_games.url(ttminis_game_dir, ttminis_runtime)
    game_page = GamePage(_ttminis_lazy_browser.get(), url, [_CSP_WATCH, _fake_js()])
    try:
        game_page.load()
        yield game_page
        found = _finish(request, game_page)
    finally:
        game_page.close()
    assert not found, "\n".join(found)


# -- Selenium -------------------------------------------------------------------------------------

class GameDriver(_FakeControl):
    """The game loaded through Selenium (``.driver``), with the fake SDK scriptable.

    Example::

        ttminis_driver.trigger("Hide")
        ttminis_driver.wait_for("TTMinisFake.listenerCount('Hide') === 1")
    """

    def __init__(self, driver: ChromiumDriver, url: str) -> None:
        self.driver = driver
        self.url = url
        self._setup_id: str | None = None
        self._console: list[str] = []

    def load(self, setup: str | None = None) -> GameDriver:
        """(Re)load the game; ``setup`` is JS run after the fake is installed and before the game,
        for this load only."""
        if self._setup_id is not None:
            self.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": self._setup_id})
            self._setup_id = None
        if setup:
            self._setup_id = self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                                         {"source": _setup_script(setup)})["identifier"]
        self.driver.get(self.url)
        self.wait_for(_READY, timeout=_BOOT_SECONDS)
        return self

    reload = load

    def _run(self, body: str, *args: Any) -> Any:
        return self.driver.execute_script("const args = Array.from(arguments); " + body, *args)

    def _console_problems(self) -> list[str]:
        # Reading chromedriver's log empties it: keep what was read, for the teardown check too.
        read_log: Any = getattr(self.driver, "get_log")       # untyped in Selenium's own stubs
        self._console += [f"console error: {e['message']}" for e in read_log("browser") if e["level"] == "SEVERE"]
        return list(self._console)

    def screenshot(self, path: str) -> None:
        self.driver.save_screenshot(path)

    def wait_for(self, condition: str, timeout: float = 30) -> None:
        """Wait until the JS ``condition`` holds (seconds)."""
        from selenium.webdriver.support.ui import WebDriverWait
        WebDriverWait(self.driver, timeout).until(lambda d: d.execute_script(f"return !!({condition});"))


@pytest.fixture
def ttminis_driver(request: pytest.FixtureRequest, _ttminis_lazy_browser: _LazyBrowser, _ttminis_games: _ServedGames,
                   ttminis_game_dir: Path, ttminis_runtime: str) -> Iterator[GameDriver]:
    """The game loaded through Selenium and chromedriver, the fake injected via CDP.

    Example::

        def test_login_at_start(ttminis_driver):
            ttminis_driver.wait_for("TTMinisFake.logins === 1")
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    url = _ttminis_games.url(ttminis_game_dir, ttminis_runtime)
    _ttminis_lazy_browser.close()   # one browser at a time
    options = webdriver.ChromeOptions()
    options.binary_location = request.config.getoption("--ttminis-chromium")
    for arg in _CHROMIUM_ARGS + ["--headless=new", "--window-size=390,844"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options,
                              service=Service(executable_path=request.config.getoption("--ttminis-chromedriver")))
    try:
        for source in (_CSP_WATCH, _fake_js()):
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
        game_driver = GameDriver(driver, url).load()
        yield game_driver
        found = _finish(request, game_driver)
    finally:
        driver.quit()
    assert not found, "\n".join(found)


# -- TikTok's native runtime: the strict simulator ------------------------------------------------

class _NativePackages:
    """Builds each game folder for the native target once per session (a built package is used as is)."""

    def __init__(self, tmp_root: Path) -> None:
        self._tmp_root = tmp_root
        self._packages: dict[str, Path] = {}

    def package(self, game_dir: Path) -> Path:
        from .build import BuildError, build
        key = str(game_dir)
        if key not in self._packages:
            if (game_dir / "game.json").is_file() and (game_dir / "game.js").is_file():
                self._packages[key] = game_dir
            elif (game_dir / "main.py").is_file():
                out = self._tmp_root / f"{len(self._packages)}-{game_dir.name}-native"
                self._packages[key] = build(game_dir, out, target="native", log=lambda *_: None).out
            else:
                raise BuildError(f"{game_dir} holds neither main.py nor a native package: "
                                 "pass --ttminis-game DIR or set ttminis_game in your pytest ini")
        return self._packages[key]


@pytest.fixture(scope="session")
def _ttminis_native_packages(tmp_path_factory: pytest.TempPathFactory) -> _NativePackages:
    return _NativePackages(tmp_path_factory.mktemp("ttminis-native"))


@pytest.fixture
def ttminis_native_setup() -> str:
    """JS run in the simulator after the fake SDK is installed and before the game's ``game.js``
    (``TTMinisFake`` in scope). Override it, e.g. to give the game a backend::

        @pytest.fixture
        def ttminis_native_setup(ttminis_backend, ttminis_fake_tiktok):
            return (f"globalThis.ttminisBackendUrl = {ttminis_backend.url!r};"
                    f"TTMinisFake.useOrderBook({ttminis_fake_tiktok.url!r});"
                    f"TTMinisFake.allowRequests({ttminis_backend.url!r});")
    """
    return ""


class NativeGame(_FakeControl):
    """The game's native package running in the strict simulator, with the fake SDK scriptable.

    The same helpers as ``GamePage`` where they make sense (``fake``, ``script``, ``trigger``,
    ``calls``, ``wallet``, ``wait_for``, ``loader``, ``description``, ``button``, ``tap``), plus
    ``touch``, ``hide``/``show``, ``run_frames``, ``frame_png``, ``restart`` and ``session`` (the
    ``ttminis.simulator.Session``).

    Example::

        ttminis_native.wait_for("TTMinisFake.logins === 1")
        ttminis_native.tap(*ttminis_native.button("Buy Sword"))
        ttminis_native.wait_for("TTMinisFake.callsOf('pay').length === 1")
    """

    def __init__(self, package: Path, setup: str = "") -> None:
        import tempfile
        self.package = package
        self._session: Session | None = None
        self.user_data = Path(tempfile.mkdtemp(prefix="ttminis-native-user-data-"))
        self._setup = setup
        self.restart()

    @property
    def session(self) -> Session:
        """The running ``ttminis.simulator.Session`` (a new one after ``restart``)."""
        if self._session is None:
            raise RuntimeError("the game is not running")
        return self._session

    def restart(self, setup: str | None = None) -> NativeGame:
        """Start the game again in a fresh simulator; ``setup`` (JS, ``TTMinisFake`` in scope) runs
        before game.js, after ``ttminis_native_setup``. The writable folder (``user_data``) is kept,
        as a phone keeps it when a game restarts."""
        from .simulator import READY, Session
        if self._session is not None:
            self._session.close()
        session = self._session = Session(self.package, start=False, user_data=self.user_data)
        for script in (self._setup, setup):
            if script:
                session.eval(f"(function () {{ {script}\n}})()")
        session.start()
        session.wait_for(READY, timeout=_BOOT_SECONDS)
        return self

    reload = restart

    def _run(self, body: str, *args: Any) -> Any:
        import json
        return self.session.eval(f"(function (args) {{ {body}\n}})({json.dumps(list(args))})")

    def wait_for(self, condition: str, timeout: float = 30) -> Any:
        """Wait until the JS ``condition`` holds in the game's realm (seconds; polled inside Node)."""
        return self.session.wait_for(condition, timeout=timeout)

    def tap(self, x: float, y: float) -> None:
        """A one-finger tap at (x, y) in CSS pixels: onTouchStart, then onTouchEnd."""
        self.session.tap(x, y)

    def touch(self, kind: str, points: list[tuple[float, ...]]) -> int:
        """Deliver ``kind`` (start/move/end/cancel) for ``points`` [(x, y) or (x, y, id)]."""
        return self.session.touch(kind, points)

    def hide(self) -> None:
        """TikTok hides the game (onHide)."""
        self.session.hide()

    def show(self, query: dict[str, Any] | None = None) -> None:
        """TikTok shows the game again (onShow)."""
        self.session.show(query)

    def run_frames(self, count: int) -> int:
        """Run ``count`` animation frames now (no 1/60 s waits)."""
        return self.session.run_frames(count)

    def frame_png(self) -> bytes | None:
        """The on-screen canvas as PNG bytes (device pixels)."""
        return self.session.frame_png()

    def screenshot(self, path: str) -> None:
        self.session.save_frame(path)

    def page_problems(self) -> list[str]:
        """Violations (what the native runtime lacks), uncaught errors and console errors so far."""
        report = self.session.report()
        return ([f"violation: {v['kind']}: {v['detail']}" for v in report["violations"]]
                + [f"uncaught error ({e['where']}): {e['error']}" for e in report["errors"]]
                + [f"console error: {c['text']}" for c in report["console"] if c["level"] == "error"])

    problems = page_problems

    def close(self) -> None:
        import shutil
        if self._session is not None:
            self._session.close()
        shutil.rmtree(self.user_data, ignore_errors=True)


@pytest.fixture
def ttminis_native(request: pytest.FixtureRequest, _ttminis_native_packages: _NativePackages, ttminis_game_dir: Path,
                   ttminis_native_setup: str) -> Iterator[NativeGame]:
    """The game built for TikTok's native runtime (once per session) and started in the strict
    simulator, fresh for each test; the test fails on any violation, uncaught error or console
    error, and the last frame is saved in ``--ttminis-artifacts`` when it fails.

    Example::

        def test_login_at_start(ttminis_native):
            ttminis_native.wait_for("TTMinisFake.logins === 1")
    """
    game = NativeGame(_ttminis_native_packages.package(ttminis_game_dir), ttminis_native_setup)
    try:
        yield game
        found = game.problems()
        if found or getattr(request.node, "_ttminis_call_failed", False):
            folder = Path(request.config.getoption("--ttminis-artifacts"))
            folder.mkdir(parents=True, exist_ok=True)
            try:
                game.screenshot(str(folder / (re.sub(r"[^\w.-]+", "_", request.node.name) + "-native.png")))
            except Exception:      # no frame to save (nothing drawn yet): the failure says enough
                pass
    finally:
        game.close()
    assert not found, "\n".join(found)
