"""The README's browser-test examples (``ttminis_page``, ``ttminis_driver``), run against the game
``ttminis new`` makes, as a user would run them in their own game folder (they must work against a
user's own game, not only examples/shop). Keep in step with README.md."""
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from ttminis.build.cli import new_game


@pytest.fixture(scope="session")
def ttminis_game_dir(tmp_path_factory):
    """A game exactly as ``ttminis new`` makes it (a fixture here, not in a conftest.py: tests elsewhere
    import their own ``conftest`` by name)."""
    folder = tmp_path_factory.mktemp("starter") / "mygame"
    assert new_game(folder, out=lambda *_: None) == 0
    return Path(folder)

VALUES = "ttminisLoader.surface.description.values"     # what the starter says its screen shows


def test_silent_login_at_start(ttminis_page):
    ttminis_page.wait_for(f"{VALUES}.signed_in === true")
    assert ttminis_page.fake("TTMinisFake.logins") == 1
    assert ttminis_page.loader()["progress"] == 1


def test_buying_gems_by_tapping(ttminis_page):
    ttminis_page.wait_for(f"{VALUES}.signed_in === true")
    ttminis_page.tap(*ttminis_page.button("Buy 100 gems"))     # a click where the game said the button is
    ttminis_page.wait_for(f"{VALUES}.gems === 100")
    (pay,) = ttminis_page.calls("pay")
    assert pay["plain"] and list(pay["options"]) == ["trade_order_id"]
    assert ttminis_page.wallet()["balance"] == 70


def test_pause_on_hide(ttminis_page):
    ttminis_page.wait_for(f"{VALUES}.signed_in === true")
    ttminis_page.trigger("Hide")
    ttminis_page.wait_for(f"{VALUES}.paused === true")


def test_login_failure_at_start(ttminis_page):
    ttminis_page.reload(setup="TTMinisFake.script('login', {outcome: 'fail'})")     # before the game runs
    ttminis_page.wait_for("ttminisLoader.surface.description.text.startsWith('Playing as guest')")


@pytest.mark.parametrize("ttminis_runtime", ["pyodide", "brython"])
def test_on_both_runtimes(ttminis_page):
    ttminis_page.wait_for(f"{VALUES}.signed_in === true")


def test_playwrights_csp_quirk_a_bare_expression_is_refused_a_function_works(ttminis_page):
    """The page's CSP has no 'unsafe-eval'. A condition Playwright has to poll is compiled in the page:
    as a bare expression string that is refused; given as a function's source it is not."""
    page = ttminis_page.page
    page.evaluate("() => { setTimeout(() => { window.later = 1; }, 200); }")
    with pytest.raises(PlaywrightError, match="violates the following Content Security Policy"):
        page.wait_for_function("window.later === 1", timeout=10_000)
    page.wait_for_function("() => window.later === 1", timeout=10_000)
    ttminis_page.problems.clear()                 # the refusal is reported as a page problem: expected here
    page.evaluate("() => { window.__cspViolations.length = 0; }")


def test_buying_with_selenium(ttminis_driver):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    ttminis_driver.wait_for(f"{VALUES}.signed_in === true")
    x, y = ttminis_driver.button("Buy 100 gems")
    canvas = ttminis_driver.driver.find_element(By.ID, "game")
    ActionChains(ttminis_driver.driver).move_to_element_with_offset(     # offsets from the centre
        canvas, int(x - canvas.size["width"] / 2), int(y - canvas.size["height"] / 2)
    ).click().perform()
    ttminis_driver.wait_for(f"{VALUES}.gems === 100")
