"""ttminis in a Pyodide page of one's own (PyScript, JupyterLite, a hand-written ``loadPyodide`` page):
no ``ttminis-ffi.js`` on the page, so every SDK call goes the pure-Python way over Pyodide's FFI
(``_pyodide._PythonHalf``) — with the same guarantees.

The page (``bare_page/``) is hand-written: the fake SDK script, ``pyodide.js``, and a boot script that
unpacks the ttminis modules a Pyodide game ships into Pyodide's file system. It is served on 127.0.0.1
under the strict CSP (no ``'unsafe-eval'``: an eval or ``run_js`` would throw) in the real Chromium.
The fixed answer sample runs there whole (every call settles once; throws, then answers; cancelled,
then answers; nothing thrown into the SDK; only unanswered calls stay pending), and a purchase goes
its way. No ``ttminisFFI`` global ever appears: ttminis injects no JavaScript.
"""
import ast
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.shared.answers import (FAKE_DONE, FAKE_THROWN, RUN_AFTER, SAMPLE, SCRIPT_FAKE, check_page_results,
                                  page_program)
from ttminis.build import runtimes
from ttminis.build.package import shim_files
from ttminis.build.serve import CSP_PYODIDE, BundleServer
from ttminis.build.targets.html import FAKE

pytestmark = pytest.mark.browser
HERE = Path(__file__).parent / "bare_page"
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


class BarePage:
    def __init__(self, page):
        self.page = page
        self.problems = []
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def py(self, source):
        text = self.page.evaluate("(src) => runPython(src)", f"await harness_run({source!r})")
        result = ast.literal_eval(text)
        assert result["ok"], result
        return result["value"]

    def js(self, expression, arg=None):
        return self.page.evaluate(expression, arg)


@pytest.fixture(scope="module")
def bare_page(browser, tmp_path_factory):
    site = tmp_path_factory.mktemp("bare-page")
    for name in ("index.html", "boot.js", "setup.py"):
        shutil.copy(HERE / name, site / name)
    shutil.copy(FAKE, site / "fake-ttminis.js")
    (site / "pyodide").symlink_to(runtimes.ensure(runtimes.PYODIDE), target_is_directory=True)
    with zipfile.ZipFile(site / "ttminis.zip", "w") as zf:
        for rel, path in shim_files("pyodide"):
            zf.write(path, str(rel))
    assert not any(rel.suffix == ".js" for rel, _ in shim_files("pyodide"))
    with BundleServer(site, CSP_PYODIDE) as server:
        context = browser.new_context()
        context.add_init_script(script=CSP_WATCH)
        page = context.new_page()
        bare = BarePage(page)
        page.goto(server.url)
        page.wait_for_function("() => window.bareState !== undefined", timeout=60000)
        assert page.evaluate("() => window.bareState") == "ready"
        yield bare
        context.close()


@pytest.fixture
def bare(bare_page):
    bare_page.js("() => { TTMinisFake.uninstall(); TTMinisFake.reset(); TTMinisFake.install(); }")
    bare_page.py("from ttminis import calls\ncalls.reset()")
    yield bare_page
    assert bare_page.js("() => typeof window.ttminisFFI") == "undefined", "ttminis injected its JS half"
    problems = bare_page.problems + [f"CSP violation: {v}" for v in bare_page.js("() => window.__cspViolations")]
    bare_page.problems.clear()
    assert problems == []


def test_a_purchase_goes_its_way_without_ttminis_ffi_js(bare):
    bare.js("() => { TTMinisFake.backend.createOrder(30, 'o1'); TTMinisFake.backend.createOrder(10, 'o2'); }")
    assert bare.py("""
from ttminis import calls
from ttminis.backend import ffi
out = [ffi.NAME, type(ffi._ffi()).__name__]
out.append(await game.pay("o1"))
out.append(await game.check_balance(70))
try:
    await game.pay("o1")
except ttminis.TTMinisError as e:
    out.append(e.error_code)
done = asyncio.get_event_loop().create_future()
game.recharge("tier-1", success=lambda p: out.append(["success", p]), complete=lambda: done.set_result(1))
await done
heard = []
ttminis.on_late_answer(heard.append)
js.TTMinisFake.script("pay", js.Object.fromEntries([["throws", True], ["delay", 20]]))
try:
    await game.pay("o2")
except ttminis.TTMinisError as e:
    out.append(e.error_code)
try:
    await game.pay("o2")
except ttminis.TTMinisError as e:
    out.append(e.error_code)
await until(lambda: heard)
out.append([heard[0]["outcome"], heard[0]["trade_order_id"], sorted(calls._orders_in_flight)])
return out
""") == ["pyodide", "_PythonHalf", {}, True, 90000001, ["success", {}], -2, -4, ["success", "o2", []]]
    assert bare.js("() => [TTMinisFake.wallet.balance, TTMinisFake.callsOf('pay').length]") == [100 - 30 + 60 - 10, 3]


def test_a_missing_method_and_a_getter_that_throws_fail_cleanly(bare):
    assert bare.py("""
from ttminis import calls
out = []
for call in (lambda: game.no_such_method(), lambda: game.pay_typo("x")):
    try:
        await call()
    except ttminis.TTMinisUnavailable as e:
        out.append(e.error_code)
js.TTMinisFake.unsupported.add("addShortcut")
try:
    await game.add_shortcut()
except ttminis.TTMinisUnavailable as e:
    out.append("unsupported" if "canIUse" in str(e) else str(e))
return out
""") == [-5, -5, "unsupported"]


def test_every_answer_sequence_in_the_sample_settles_each_call_exactly_once(bare):
    bare.js(SCRIPT_FAKE, SAMPLE)
    events = bare.py(page_program(SAMPLE, 0.3))
    bare.page.wait_for_function(FAKE_DONE, arg=[len(p["steps"]) for p in SAMPLE])
    after = bare.py(RUN_AFTER)
    check_page_results(SAMPLE, events, bare.js(FAKE_THROWN), after)


def test_an_sdk_getter_that_throws_fails_the_call_and_locks_nothing(bare):
    bare.js("""() => { TTMinisFake.backend.createOrder(10, 'g1'); window.__realGame = TTMinis.game;
        Object.defineProperty(TTMinis, 'game', {configurable: true, get() { throw new Error('game is broken'); }}); }""")
    try:
        first = bare.py("""
from ttminis import calls
try:
    await game.pay("g1")
except ttminis.TTMinisError as e:
    return [e.error_code, "game is broken" in e.error_msg, len(calls._pending), sorted(calls._orders_in_flight)]
""")
    finally:
        bare.js("() => Object.defineProperty(TTMinis, 'game', {configurable: true, writable: true, "
                "enumerable: true, value: window.__realGame})")
    assert first == [-2, True, 0, []]
    assert bare.py('return await game.pay("g1")') == {}, "the order was never locked"
