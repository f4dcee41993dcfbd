"""``build.py`` never destroys what it did not make, never leaves a half-built bundle, and never
makes an upload out of a dev build — checked through the command a user runs, in a scratch folder.

The builds use Brython (the quickest to build) on a two-file game; refusals happen before any
building, so they cost nothing.
"""
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD_PY = REPO / "build.py"


@pytest.fixture
def work(tmp_path):
    """A scratch folder holding a small game in ``game/``; builds run with it as the current folder.

    It sits two levels inside ``tmp_path``, so every --out these tests try — the current folder's
    parents included — stays inside the test's own temporary folder, even against a builder that
    deletes what it is given (as 37528de's did).
    """
    work = tmp_path / "outer" / "work"
    game = work / "game"
    game.mkdir(parents=True)
    (game / "main.py").write_text("import rules\nprint(rules.NAME)\n", encoding="utf-8")
    (game / "rules.py").write_text("NAME = 'tiny'\n", encoding="utf-8")
    return work


def build_py(cwd, *args, env=None):
    return subprocess.run([sys.executable, str(BUILD_PY), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, env=env)


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- --out never destroys what the build did not make (item 6) ------------------------------------

@pytest.mark.parametrize("out", ["game", ".", "..", "game/.."],
                         ids=["the game folder", "the current folder", "a parent of the current folder",
                              "the game folder's parent"])
def test_out_is_never_the_game_the_current_folder_or_a_parent_of_either(work, out):
    # Never "/" or a folder outside tmp_path here: a regression must not be able to delete them.
    before = snapshot(work.parent)
    result = build_py(work, "game", "--runtime", "brython", "--out", out)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "refusing to build into" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert snapshot(work.parent) == before


def test_out_that_holds_files_no_build_made_is_refused_and_left_alone(work):
    notes = work / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("keep me", encoding="utf-8")
    result = build_py(work, "game", "--runtime", "brython", "--out", "notes")
    assert result.returncode == 2
    assert "not empty and was not made by a ttminis build" in result.stderr
    assert snapshot(notes) == {"todo.txt": b"keep me"}


def test_out_made_by_an_earlier_build_or_empty_is_built_into(work):
    (work / "empty").mkdir()
    assert build_py(work, "game", "--runtime", "brython", "--out", "empty").returncode == 0
    first = build_py(work, "game", "--runtime", "brython", "--out", "empty")
    assert first.returncode == 0, first.stderr
    assert json.loads((work / "empty" / ".ttminis-build.json").read_text())["runtime"] == "brython"
    assert (work / "empty" / "index.html").is_file()


# -- a relative --out, and a failed build leaves nothing that looks like a bundle (item 8) ----------

def test_brython_with_a_relative_out_builds_a_complete_bundle(work):
    result = build_py(work, "game", "--runtime", "brython", "--out", "rel/bundle")
    assert result.returncode == 0, result.stdout + result.stderr
    bundle = work / "rel" / "bundle"
    for name in ("index.html", "ttminis-loader.js", "main.py", "brython/brython.js", "brython/brython_modules.js"):
        assert (bundle / name).is_file(), name
    assert "rules" in (bundle / "brython" / "brython_modules.js").read_text(encoding="utf-8")
    assert sorted(p.name for p in (work / "rel").iterdir()) == ["bundle"]      # no staging left over


def test_a_failed_build_leaves_nothing_new_and_an_earlier_build_whole(work):
    assert build_py(work, "game", "--runtime", "brython", "--out", "out").returncode == 0
    before = snapshot(work / "out")
    (work / "game" / "minigame.config.json").write_text("{not json", encoding="utf-8")
    failed = build_py(work, "game", "--runtime", "brython", "--out", "out")
    assert failed.returncode == 2 and "minigame.config.json: not valid JSON" in failed.stderr
    assert snapshot(work / "out") == before
    again = build_py(work, "game", "--runtime", "brython", "--out", "fresh")
    assert again.returncode == 2
    assert sorted(p.name for p in work.iterdir()) == ["game", "out"]


# -- dev builds are never uploads (item 9) --------------------------------------------------------

def test_dev_zip_is_refused_in_one_line_before_building(work):
    result = build_py(work, "game", "--dev", "--zip", "--runtime", "brython", "--out", "out")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--dev --zip" in result.stderr and "never be uploaded" in result.stderr
    assert not (work / "out").exists()


def test_a_dev_build_reports_the_fake_as_a_failure_and_is_still_previewable(work):
    result = build_py(work, "game", "--dev", "--runtime", "brython", "--out", "out")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL  fake-ttminis.js: uses the fake TikTok SDK" in result.stdout
    assert "for previews only, never for upload" in result.stdout
    assert (work / "out" / "fake-ttminis.js").is_file()
    assert '<script src="fake-ttminis.js">' not in (work / "out" / "index.html").read_text(encoding="utf-8")


def test_a_production_build_holding_the_fake_fails_and_writes_no_zip(work, monkeypatch):
    from ttminis.build import compliance
    from ttminis.build.targets.html import FAKE
    result = build_py(work, "game", "--runtime", "brython", "--out", "out", "--zip")
    assert result.returncode == 0 and "ok    our own files" in result.stdout
    assert (work / "out.zip").is_file()
    (work / "out" / "assets").mkdir()
    (work / "out" / "assets" / "sdk.js").write_bytes(FAKE.read_bytes())    # smuggled in, renamed
    assert compliance.scan(work / "out", []).rules_failed == {"fake-sdk"}


def test_make_demo_previews_without_an_upload_zip():
    recipe = subprocess.run(["make", "-n", "-W", "pyproject.toml", "demo", "PY=python"], cwd=REPO,
                            capture_output=True, text=True).stdout
    commands = [line for line in recipe.splitlines() if "build.py" in line]
    assert commands and not [c for c in commands if "--zip" in c]
    assert [c for c in commands if "--dev" in c and "--serve" in c]


# -- Node.js is a build requirement --------------------------------------------------------------

def test_without_node_the_build_fails_in_one_line_saying_to_install_it(work):
    env = {k: v for k, v in os.environ.items() if k != "TTMINIS_NODE"}
    env["PATH"] = str(work)          # no node on it
    result = build_py(work, "game", "--runtime", "brython", "--out", "out", env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Node.js" in result.stderr and "install" in result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["game"]


# -- installed from a wheel: the default output is under the current folder (item 7) ---------------

def test_installed_from_a_wheel_the_default_output_is_dist_under_the_current_folder(work):
    wheels = work / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(REPO)], check=True, capture_output=True)
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    (wheel,) = wheels.glob("ttminis-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                    str(wheel)], check=True, capture_output=True)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    result = subprocess.run([str(python), "-m", "ttminis.build.cli", "game", "--runtime", "brython"],
                            cwd=work, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (work / "dist" / "game" / "index.html").is_file()
    assert not list(site.rglob("brython_modules.js")), "a build landed inside site-packages"
    imported = subprocess.run([str(python), "-c", "import ttminis; print(ttminis.__file__)"], cwd=work,
                              capture_output=True, text=True).stdout
    assert imported.startswith(str(site)), "the test must run the installed wheel, not a checkout"
