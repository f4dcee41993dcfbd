"""`ttminis build` with no --target makes TikTok's native package, says once per build what the missing
random source means, and a run of that package in the strict simulator warns about nothing."""
import subprocess
import sys

import pytest

from ttminis.simulator import run_once


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    home = tmp_path_factory.mktemp("cli-native")
    (home / "tiny").mkdir()
    (home / "tiny" / "main.py").write_text("import random\nfrom ttminis import screen\n"
                                           "screen.describe(f'roll {random.randint(1, 6)}')\n")
    run = subprocess.run([sys.executable, "-m", "ttminis", "build", "tiny", "--zip", "--app-id", "tt0a1b2c3d4e5f",
                          "--no-snapshot"],
                         cwd=home, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    return home, run.stdout


def test_the_default_target_is_tiktoks_native_runtime(built):
    home, out = built
    assert (home / "dist" / "tiny-native" / "game.json").is_file() and (home / "dist" / "tiny-native.zip").is_file()
    assert "(native runtime, pyodide)" in out and "note  a web bundle" not in out


def test_the_random_source_is_explained_once_per_build(built):
    _home, out = built
    assert out.count("note  random numbers: TikTok documents no crypto.getRandomValues") == 1
    assert "never for secrets" in out


def test_a_run_in_the_strict_simulator_warns_nothing_about_random(built):
    home, _out = built
    outcome = run_once(home / "dist" / "tiny-native")
    assert outcome.ok, outcome.problems
    assert [c for c in outcome.report["console"] if c["level"] in ("warn", "error")] == []
