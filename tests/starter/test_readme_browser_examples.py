"""docs/testing.md's browser-test examples (``ttminis_page``, ``ttminis_driver``), read from the page and
run as written against the game ``ttminis new`` makes, as a user would run them in their own game folder
(they must work against a user's own game, not only examples/shop)."""
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.shared.docs import sample
from ttminis.build.cli import new_game


@pytest.fixture(scope="session")
def ttminis_game_dir(tmp_path_factory):
    """A game exactly as ``ttminis new`` makes it (a fixture here, not in a conftest.py: tests elsewhere
    import their own ``conftest`` by name)."""
    folder = tmp_path_factory.mktemp("starter") / "mygame"
    assert new_game(folder, out=lambda *_: None) == 0
    return Path(folder)

# The page's two samples, run as written: the ttminis_page tests and the ttminis_driver test.
exec(compile(sample("testing.md", "# mygame/tests/test_in_browser.py"), "docs/testing.md:test_in_browser.py", "exec"))
exec(compile(sample("testing.md", "from selenium."), "docs/testing.md:selenium", "exec"))


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
