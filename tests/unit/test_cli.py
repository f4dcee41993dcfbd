"""The ``ttminis`` command as a user meets it: ``--help`` everywhere, ``new`` makes a game, and every
error says what to do. Run as ``python -m ttminis`` (the console script is the same function); builds
that reach Node are kept to the one the syntax check needs."""
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from ttminis.build import node, python_check
from ttminis.build.package import game_files

REPO = Path(__file__).resolve().parents[2]


def ttminis(cwd, *args):
    return subprocess.run([sys.executable, "-m", "ttminis", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("args, says", [
    ([], "COMMAND"), (["--help"], "new       create a starter game"), (["new", "--help"], "usage: ttminis new"),
    (["build", "--help"], "--target {html,native}"), (["simulate", "--help"], "--png FILE"),
])
def test_help_on_the_command_and_every_subcommand(tmp_path, args, says):
    run = ttminis(tmp_path, *args)
    assert says in run.stdout
    assert run.returncode == (2 if not args else 0)


def test_the_version(tmp_path):
    assert ttminis(tmp_path, "--version").stdout.strip() == "ttminis 0.1.0"


def test_new_makes_a_game_with_its_tests_readme_and_requirements(tmp_path):
    run = ttminis(tmp_path, "new", "space_game")
    assert run.returncode == 0, run.stderr
    made = sorted(p.relative_to(tmp_path / "space_game").as_posix() for p in (tmp_path / "space_game").rglob("*")
                  if p.is_file())
    assert made == ["README.md", "main.py", "pytest.ini", "requirements.txt", "rules.py",
                    "tests/test_native.py", "tests/test_rules.py"]
    assert (tmp_path / "space_game" / "README.md").read_text().startswith("# space_game\n")
    assert "python -m pytest" in run.stdout and "ttminis build --serve" in run.stdout and "--zip" in run.stdout


def test_new_refuses_a_folder_that_holds_anything(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    run = ttminis(tmp_path, "new", "taken")
    assert run.returncode == 2 and "already exists and is not an empty folder" in run.stderr
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


def test_build_of_a_folder_that_does_not_exist_says_no_such_folder(tmp_path):
    run = ttminis(tmp_path, "build", "doesnotexist")
    assert run.returncode == 2
    assert run.stderr.strip() == ("error: doesnotexist: no such folder (give the folder that holds your "
                                  "game's main.py)")


def test_build_without_a_folder_in_a_folder_without_a_game_says_what_to_do(tmp_path):
    run = ttminis(tmp_path, "build")
    assert run.returncode == 2 and "no main.py in" in run.stderr and "ttminis new DIR" in run.stderr


def test_simulate_given_a_game_folder_says_to_build_it_first(tmp_path):
    ttminis(tmp_path, "new", "mygame")
    run = ttminis(tmp_path, "simulate", "mygame")
    assert run.returncode == 2
    assert "is a game folder, not a native package" in run.stderr and "--target native" in run.stderr


def test_a_syntax_error_fails_the_build_naming_file_and_line(tmp_path):
    game = tmp_path / "broken"
    game.mkdir()
    (game / "main.py").write_text("import helper\n")
    (game / "helper.py").write_text("x = 1\n\ndef f(:\n    pass\n")
    run = ttminis(tmp_path, "build", "broken")
    assert run.returncode == 2
    assert "broken/ does not compile (checked with the runtime's Python 3.14" in run.stderr
    assert "  helper.py:3: SyntaxError: invalid syntax" in run.stderr
    assert not (tmp_path / "dist").exists()


def test_top_level_await_in_main_py_is_python_the_runtime_accepts(tmp_path):
    game = tmp_path / "awaiting"
    game.mkdir()
    (game / "main.py").write_text("import asyncio\nawait asyncio.sleep(0)\n")
    python_check.check(game, game_files(game), log=lambda *_: None)     # no BuildError


def test_without_node_the_check_is_skipped_with_a_note(tmp_path, monkeypatch):
    game = tmp_path / "unchecked"
    game.mkdir()
    (game / "main.py").write_text(f"print('never checked before: {uuid.uuid4()}')\n")     # not in the cache

    def no_node(*args, **kwargs):
        raise node.NodeMissing("Node.js was not found: install Node.js 18 or newer with npm")
    monkeypatch.setattr(node, "run", no_node)
    said = []
    python_check.check(game, game_files(game), log=said.append)
    assert said == ["  note  the game's Python was not checked with the runtime's Python 3.14 at build time: "
                    "Node.js was not found: install Node.js 18 or newer with npm"]


def test_build_py_is_the_same_build_with_its_own_name(tmp_path):
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "--help"], capture_output=True, text=True)
    assert run.stdout.startswith("usage: build.py") and "--target {html,native}" in run.stdout


def test_the_default_target_is_native_and_brython_implies_html(tmp_path):
    ttminis(tmp_path, "new", "mygame")
    (tmp_path / "dist").mkdir()
    for name in ("mygame-native.zip", "mygame.zip"):
        (tmp_path / "dist" / name).write_text("mine")        # the zip check names the path each target writes
    native = ttminis(tmp_path, "build", "mygame", "--zip")
    html = ttminis(tmp_path, "build", "mygame", "--runtime", "brython", "--zip")
    assert "dist/mygame-native.zip: a file that no ttminis build made" in native.stderr
    assert "dist/mygame.zip: a file that no ttminis build made" in html.stderr
    dev = ttminis(tmp_path, "build", "mygame", "--dev", "--keep-stdlib", "json")   # --dev: the fake lives in a page
    assert dev.returncode == 2 and "--keep-stdlib is for --target native" in dev.stderr
    assert "native (the default)" in ttminis(tmp_path, "build", "--help").stdout


def test_an_html_zip_says_it_is_for_the_web_not_tiktoks_store(tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "main.py").write_text("print('hello')\n")
    run = ttminis(tmp_path, "build", "web", "--runtime", "brython", "--zip")
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "dist" / "web.zip").is_file()
    assert ("  note  a web bundle, for the web (previews, TikTok's DevTool browser mode, other webviews): TikTok's "
            "store takes only native games; for upload, build without --target html") in run.stdout


def test_simulate_given_the_upload_zip_says_it_wants_the_folder(tmp_path):
    package = tmp_path / "dist" / "mygame-native"
    package.mkdir(parents=True)
    (package / "game.json").write_text("{}")
    (tmp_path / "dist" / "mygame-native.zip").write_bytes(b"PK")
    run = ttminis(tmp_path, "simulate", "dist/mygame-native.zip")
    assert run.returncode == 2 and run.stderr.strip() == (
        "error: dist/mygame-native.zip is the upload zip; ttminis simulate wants the package folder: simulate the "
        "folder `ttminis build` made beside it: ttminis simulate dist/mygame-native")
    assert "build.py" not in run.stderr


@pytest.mark.parametrize("given, says", [
    (["simulate", "nowhere"], "error: nowhere: no such folder (give the native package folder that `ttminis build` "
                              "made, e.g. dist/mygame-native)"),
    (["simulate", "notes.txt"], "error: notes.txt: not a folder (give the native package folder that `ttminis "
                                "build` made)"),
    (["simulate", "pkg", "--png", "/missing/dir/x.png"], "error: --png /missing/dir/x.png: the folder "
                                                         "/missing/dir does not exist (create it, or save the "
                                                         "frame elsewhere)"),
    (["simulate", "empty"], "error: empty: no game.json, so not a native package: build one with `ttminis build "
                            "GAME` (--target native is the default)"),
    (["new", "/proc/no-such-place"], "error: /proc/no-such-place: No such file or directory"),
])
def test_user_errors_are_one_line_never_a_traceback(tmp_path, given, says):
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / "empty").mkdir()
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "game.json").write_text("{}")
    run = ttminis(tmp_path, *given)
    assert run.returncode == 2 and run.stderr.strip() == says
