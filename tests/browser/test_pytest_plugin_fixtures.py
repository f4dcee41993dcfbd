"""The plugin's browser fixtures do what they say, in a user's own pytest session (a subprocess):
``page_problems()`` never hides a problem from the teardown check, and ``reload(setup=...)`` runs
that setup for that load only — with ``ttminis_page`` (Playwright) and ``ttminis_driver`` (Selenium).

It runs last in the session (marker ``own_browsers``) and closes the session's browser first, so
only one Chromium runs at a time.
"""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ttminis.build import build

pytestmark = [pytest.mark.browser, pytest.mark.own_browsers]
HARNESS_GAME = Path(__file__).parent / "harness_game"

USER_TESTS = """
    def check_problems(control):
        control.fake("console.error('boom from the game')")
        assert any("boom from the game" in p for p in control.page_problems())
        assert any("boom from the game" in p for p in control.page_problems()), "asking twice lost it"

    def check_reloads(control):
        control.reload(setup="window.first = 1")
        control.reload(setup="window.second = 2")
        assert control.fake("[window.first || null, window.second || null]") == [None, 2]
        control.reload()
        assert control.fake("[window.first || null, window.second || null]") == [None, None]
        assert control.fake("typeof TTMinisFake.wallet") == "object"     # the fake is still injected

    def test_page_problems_playwright(ttminis_page):
        check_problems(ttminis_page)

    def test_reload_playwright(ttminis_page):
        check_reloads(ttminis_page)

    def test_page_problems_selenium(ttminis_driver):
        check_problems(ttminis_driver)

    def test_reload_selenium(ttminis_driver):
        check_reloads(ttminis_driver)
"""


def test_page_problems_and_reload_setups_do_what_they_say(tmp_path, _ttminis_lazy_browser):
    _ttminis_lazy_browser.close()          # one browser at a time: the user's session starts its own
    bundle = build(HARNESS_GAME, tmp_path / "bundle", runtime="brython", log=lambda *_: None).out
    (tmp_path / "test_user.py").write_text(textwrap.dedent(USER_TESTS), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA",
                             "--ttminis-game", str(bundle), "--ttminis-artifacts", str(tmp_path / "artifacts"),
                             str(tmp_path / "test_user.py")], cwd=tmp_path, capture_output=True, text=True)
    summary = [line for line in result.stdout.splitlines() if line.startswith(("PASSED", "ERROR", "FAILED"))]
    assert sorted(line.split(" ")[0] + " " + line.split("::")[1].split(" ")[0] for line in summary) == [
        "ERROR test_page_problems_playwright", "ERROR test_page_problems_selenium",   # failed at teardown
        "PASSED test_page_problems_playwright", "PASSED test_page_problems_selenium",
        "PASSED test_reload_playwright", "PASSED test_reload_selenium"], result.stdout + result.stderr
    assert result.stdout.count("boom from the game") >= 2
