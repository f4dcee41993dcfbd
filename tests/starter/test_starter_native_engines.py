"""The starter game's own native tests (``tests/test_native.py`` of what ``ttminis new`` makes), run on the
three engines: Node's V8, JavaScriptCore, and JavaScriptCore without JIT (as on an iPhone)."""
import importlib.util
from pathlib import Path

import pytest

from tests.shared.upload_scan import flagged_texts
from ttminis.build.cli import new_game
from ttminis.simulator import ENGINES


@pytest.fixture(scope="session")
def ttminis_game_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("starter-engines") / "mygame"
    assert new_game(folder, out=lambda *_: None) == 0
    return Path(folder)


@pytest.fixture(params=ENGINES)
def ttminis_engine(request):
    return request.param


def _starter_tests():
    path = Path(__file__).resolve().parents[2] / "shim" / "ttminis" / "build" / "starter-game" / "tests" / "test_native.py"
    spec = importlib.util.spec_from_file_location("starter_test_native", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: getattr(module, name) for name in dir(module) if name.startswith("test_")}


globals().update(_starter_tests())


def test_a_text_scan_of_every_js_file_of_its_native_package_finds_nothing(_ttminis_native_packages, ttminis_game_dir):
    """Issue 21's patterns over every .js file of the starter's package, the bundled Pyodide and comments included."""
    assert flagged_texts(_ttminis_native_packages.package(ttminis_game_dir)) == {}
