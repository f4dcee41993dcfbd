"""The documentation's code samples, for the tests that run them as written.

A sample is a fenced block in a page under docs/; it is found by the first line of its code (a
comment naming the file it stands for, e.g. ``# tests/test_native.py``), so a test runs exactly
what a reader copies, and a sample edited in the docs is the one the suite runs.
"""
import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.M | re.S)


def samples(page: str, language: str | None = None) -> list[str]:
    """Every fenced block of ``docs/<page>`` (only those in ``language`` if given), in page order."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return [code for lang, code in _FENCE.findall(text) if language is None or lang == language]


def sample(page: str, first_line: str) -> str:
    """The one block of ``docs/<page>`` whose first line starts with ``first_line``."""
    found = [code for code in samples(page) if code.split("\n", 1)[0].startswith(first_line)]
    assert len(found) == 1, f"docs/{page}: {len(found)} samples start with {first_line!r} (expected one)"
    return found[0]


_games: dict[str, Path] = {}


def example_game(tmp_path_factory) -> Path:
    """docs/testing.md's example game (its ``mygame/main.py`` sample) in a folder of its own, written once per
    session, so every test that runs it shares one native build."""
    if "mygame" not in _games:
        game = tmp_path_factory.mktemp("docs-example") / "mygame"
        game.mkdir()
        (game / "main.py").write_text(sample("testing.md", "# mygame/main.py"))
        _games["mygame"] = game
    return _games["mygame"]
