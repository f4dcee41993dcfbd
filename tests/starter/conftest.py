"""A game exactly as ``ttminis new`` makes it, for the README's browser-test examples (which must work
against a user's own game, not only examples/shop). ``ttminis_game_dir`` points the fixtures at it."""
from pathlib import Path

import pytest

from ttminis.build.cli import new_game


@pytest.fixture(scope="session")
def ttminis_game_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("starter") / "mygame"
    assert new_game(folder, out=lambda *_: None) == 0
    return Path(folder)
