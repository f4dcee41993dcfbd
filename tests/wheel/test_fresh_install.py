"""ttminis as a user gets it: the wheel installed in a fresh venv, no checkout on the path.

The wheel is built from a copy of the sources (the checkout is left untouched), installed with
pytest and mypy into a new venv, and then used from a folder outside the checkout exactly as the
README's first hour does: ``ttminis new``, the starter's own tests, ``ttminis build`` for both
targets, ``ttminis simulate``, and ``mypy --strict`` over the starter with the stubs the wheel ships.
The pinned runtimes and Node tools come from the shared cache (``~/.cache/ttminis``).
"""
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STUB_PACKAGES = {"js-stubs", "pyodide-stubs", "browser-stubs", "javascript-stubs"}


def run(args, cwd, env, timeout=600):
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    source = tmp_path_factory.mktemp("ttminis-source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "shim", source / "shim",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    out = tmp_path_factory.mktemp("wheelhouse")
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
         "-w", str(out), str(source)], cwd=source, env=os.environ)
    (found,) = out.glob("ttminis-*.whl")
    return found


@pytest.fixture(scope="module")
def user(wheel, tmp_path_factory):
    """A fresh venv holding the wheel (plus pytest and mypy), and an environment without the checkout."""
    home = tmp_path_factory.mktemp("user")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS") and not key.startswith("PYTEST_")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel),
         "pytest>=8", "mypy>=1.10"], cwd=home, env=env)
    return home, venv, env


def test_the_wheel_holds_ttminis_and_stub_only_packages_and_nothing_else(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        (top_level,) = [n for n in names if n.endswith(".dist-info/top_level.txt")]
        top = set(zf.read(top_level).decode().split())
        entry_points = zf.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert top == {"ttminis"} | STUB_PACKAGES
    roots = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert roots == {"ttminis"} | STUB_PACKAGES
    for name in names:      # a -stubs folder can never be imported: it must hold stubs only
        if name.split("/")[0] in STUB_PACKAGES:
            assert name.endswith((".pyi", "/py.typed")), name
    assert "ttminis = ttminis.build.cli:command" in entry_points
    assert "ttminis = ttminis.pytest_plugin" in entry_points
    assert "ttminis/build/starter-game/main.py" in names and "ttminis/py.typed" in names


def test_from_the_wheel_a_new_game_passes_its_tests_and_builds_for_both_targets(user):
    home, venv, env = user
    python = venv / "bin" / "python"
    where = run([python, "-c", "import ttminis; print(ttminis.__file__)"], cwd=home, env=env).strip()
    assert where.startswith(str(venv)) and str(REPO) not in where

    out = run(["ttminis", "new", "mygame"], cwd=home, env=env)
    assert "Created mygame/" in out
    game = home / "mygame"
    tests = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=game, env=env)
    assert " passed" in tests and "failed" not in tests and "error" not in tests.lower()

    html = run(["ttminis", "build"], cwd=game, env=env)
    assert "Built " in html and (game / "dist" / "mygame" / "index.html").is_file()
    native = run(["ttminis", "build", "--target", "native", "--zip"], cwd=game, env=env)
    assert (game / "dist" / "mygame-native" / "game.js").is_file() and (game / "dist" / "mygame-native.zip").is_file()
    with zipfile.ZipFile(game / "dist" / "mygame-native.zip") as zf:
        inner = zf.namelist()
    assert "Wrote " in native and "game.json" in inner

    simulated = run(["ttminis", "simulate", "dist/mygame-native", "--png", "frame.png"], cwd=game, env=env)
    assert "ready in the strict simulator" in simulated and (game / "frame.png").is_file()


def test_the_starter_type_checks_with_the_installed_stubs(user):
    home, venv, env = user
    if not (home / "mygame").is_dir():
        run(["ttminis", "new", "mygame"], cwd=home, env=env)
    checked = run([venv / "bin" / "python", "-m", "mypy", "--strict", "--no-incremental", "main.py", "rules.py"],
                  cwd=home / "mygame", env=env)
    assert "Success" in checked
