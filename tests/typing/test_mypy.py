"""Typing: ``mypy --strict`` over every module of ttminis (the Brython and Pyodide backends against the
stubs for js, pyodide, browser and javascript the wheel ships), over a user-style sample that calls every
public function both ways (every_call.py: no error), over a sample of wrong argument types
(wrong_types.py: exactly the errors its ``# E:`` markers name), and over the game ``ttminis new`` makes."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
REPO = HERE.parents[1]
STARTER = REPO / "shim" / "ttminis" / "build" / "starter-game"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("mypy-cache")


def mypy(*args, cwd=REPO, cache_dir):
    proc = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache_dir), *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout + proc.stderr


def test_every_module_of_ttminis_passes_mypy_strict(cache):
    code, out = mypy(cache_dir=cache)             # [tool.mypy] in pyproject.toml: strict, files = shim/ttminis
    assert code == 0 and "Success: no issues found" in out, out
    checked = int(re.search(r"in (\d+) source files", out).group(1))
    modules = len([p for p in (REPO / "shim" / "ttminis").rglob("*.py") if "starter-game" not in p.parts])
    assert checked >= modules, f"mypy checked {checked} files, ttminis has {modules} modules"


def test_a_user_calling_every_public_function_both_ways_passes(cache):
    code, out = mypy("--strict", HERE / "every_call.py", cache_dir=cache)
    assert code == 0, out


def test_a_wrong_argument_type_is_reported_where_it_is(cache):
    sample = HERE / "wrong_types.py"
    expected = {(i, m.group(1)) for i, line in enumerate(sample.read_text().splitlines(), 1)
                if (m := re.search(r"  # E: ([\w-]+)$", line))}
    code, out = mypy("--strict", sample, cache_dir=cache)
    reported = {(int(line), kind) for line, kind in re.findall(r"wrong_types\.py:(\d+): error: .*\[([\w-]+)\]", out)}
    assert code == 1 and len(expected) >= 15
    assert reported == expected, out


def test_the_starter_game_type_checks(cache):
    code, out = mypy("--strict", "main.py", "rules.py", "tests", cwd=STARTER, cache_dir=cache)
    assert code == 0, out
