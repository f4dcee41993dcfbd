"""What a build checks before it writes: the upload zip never replaces a file ttminis did not make, an
import nothing provides fails a --zip build, code generation through JavaScript fails a native build, a
placeholder app id is refused, and sizes read MB as 10^6 bytes everywhere."""
import subprocess
import sys
import zipfile

import pytest

from ttminis.build import compliance, native_layout, python_check
from ttminis.build.cli import app_id_problem
from ttminis.build.package import BuildError, ZIP_MARKER, game_files, make_zip


def ttminis(cwd, *args):
    return subprocess.run([sys.executable, "-m", "ttminis", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def a_game(folder, main):
    folder.mkdir(parents=True)
    (folder / "main.py").write_text(main)
    return folder


def test_a_zip_ttminis_made_may_be_replaced_any_other_file_never(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "game.js").write_text("1")
    zip_path = tmp_path / "pkg.zip"
    make_zip(package, zip_path)
    with zipfile.ZipFile(zip_path) as zf:
        assert zf.comment.startswith(ZIP_MARKER) and zf.namelist() == ["game.js"]
    (package / "game.json").write_text("{}")
    make_zip(package, zip_path)                              # ttminis's own zip: replaced
    with zipfile.ZipFile(zip_path) as zf:
        assert zf.namelist() == ["game.js", "game.json"]
    for mine in (b"my notes", zip_path.read_bytes().replace(ZIP_MARKER, b"made by me, thanks..")):
        zip_path.write_bytes(mine)                           # a file, or a zip, the user made
        with pytest.raises(BuildError, match="no ttminis build made"):
            make_zip(package, zip_path)
        assert zip_path.read_bytes() == mine
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg", "pkg.zip"]     # no temporary left


def test_zip_over_a_users_file_fails_the_build_before_anything_is_written(tmp_path):
    a_game(tmp_path / "mygame", "print('hi')\n")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "mygame-native.zip").write_text("the user's own zip")
    run = ttminis(tmp_path, "build", "mygame", "--zip")
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"error: {tmp_path}/dist/mygame-native.zip: a file that no ttminis build made is already there; refusing "
        "to replace it with the upload zip (move it away, or give --out another folder)"]
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == ["mygame-native.zip"]
    assert (tmp_path / "dist" / "mygame-native.zip").read_text() == "the user's own zip"


def test_an_import_nothing_provides_fails_a_zip_build_naming_file_and_line(tmp_path):
    a_game(tmp_path / "mygame", "import json\nimport rules\n\nimport numpy\n")
    (tmp_path / "mygame" / "rules.py").write_text("from toolz import curry\nfrom ttminis import game\n")
    run = ttminis(tmp_path, "build", "mygame", "--zip", "--app-id", "tt0123456789abcdef")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "mygame/ cannot start: 2 import(s) nothing provides, so no upload zip was made" in run.stderr
    assert "  main.py:4: import numpy: not the standard library" in run.stderr
    assert "  rules.py:1: import toolz: not the standard library" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "dist").exists()


def scan(tmp_path, source, **more_files):
    game = a_game(tmp_path / "g", source)
    for name, text in more_files.items():
        (game / f"{name}.py").write_text(text)
    return python_check.scan(game, game_files(game), python_check.provided_modules(game))


def test_guarded_imports_are_warnings_only(tmp_path):
    found = scan(tmp_path, "try:\n    import yaml\nexcept ImportError:\n    yaml = None\n"
                           "TYPE_CHECKING = False\nif TYPE_CHECKING:\n    import typing_extensions\n"
                           "try:\n    import ujson\nexcept ValueError:\n    pass\n")
    assert [(f.line, f.name, f.guarded) for f in found.unresolved] == [
        (2, "yaml", True), (7, "typing_extensions", True), (9, "ujson", False)]
    assert str(found.unresolved[0]) == "main.py:2: import yaml (guarded: the game handles its absence)"


def test_the_standard_library_the_runtime_ttminis_and_the_games_own_modules_are_provided(tmp_path):
    found = scan(tmp_path, "import json, asyncio.tasks, tomllib\nimport js\nfrom pyodide.ffi import create_proxy\n"
                           "from ttminis import game\nimport helper\nfrom . import helper\n", helper="")
    assert found.unresolved == [] and found.code_generation == []
    assert scan(tmp_path / "again", "import helper\n").unresolved[0].name == "helper"     # not in that game


@pytest.mark.parametrize("source, line, what", [
    ("import js\njs.eval('1')\n", 2, "js.eval"),
    ("import js as j\nf = j.Function('return 1')\n", 2, "js.Function"),
    ("from js import eval as e\n", 1, "js.eval"),
    ("import js\njs.Math.max.constructor('x')\n", 2, "js.Math.max.constructor"),
    ("import js\ngetattr(js.globalThis, 'eval')('1')\n", 2, "js.globalThis.eval"),
    ("import js\njs.setTimeout('go()', 10)\n", 2, "js.setTimeout(<a string>): a string timer"),
    ("import pyodide.code\npyodide.code.run_js('1')\n", 2, "pyodide.code.run_js"),
    ("from pyodide.code import eval_code\n", 1, "pyodide.code.eval_code"),
    ("from pyodide import code\ncode.run_js('1')\n", 2, "pyodide.code.run_js"),
])
def test_code_generation_through_javascript_is_found_at_its_line(tmp_path, source, line, what):
    (finding,) = scan(tmp_path, source).code_generation
    assert (finding.file, finding.line, finding.name) == ("main.py", line, what)


def test_what_is_not_code_generation_is_not_reported(tmp_path):
    found = scan(tmp_path, "import js\njs.setTimeout(lambda: None, 10)\nprint(eval('1 + 1'))\n"
                           "js.console.log('eval(x)')\nx = js.Math.max(1, 2)\n")
    assert found.code_generation == []


def test_code_generation_fails_a_native_build_naming_file_and_line(tmp_path):
    a_game(tmp_path / "mygame", "import js\n\njs.eval('1 + 1')\n")
    run = ttminis(tmp_path, "build", "mygame")
    assert run.returncode == 2, run.stdout + run.stderr
    assert ("error: the game's Python asks the JavaScript engine to generate code, which TikTok's native runtime "
            "forbids:\n  main.py:3: js.eval") in run.stderr
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("value", ["YOUR_APP_ID", "your-app-id", "<app id>", "$TIKTOK_APP_ID", "APP_ID",
                                   "xxxxxxxx", "ttminis-placeholder-appid", "", "  "])
def test_placeholder_app_ids_are_refused(tmp_path, value):
    assert app_id_problem(value)
    a_game(tmp_path / "mygame", "print(1)\n")
    run = ttminis(tmp_path, "build", "mygame", "--zip", "--app-id", value)
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1
    assert run.stderr.startswith(f"error: --app-id {value!r}: ") and not (tmp_path / "dist").exists()


@pytest.mark.parametrize("value", ["tt1234567890", "ttb0a1c2d3e4f5", "1712345678901234"])
def test_real_looking_app_ids_pass(value):
    assert app_id_problem(value) == ""


def test_one_meaning_of_mb_everywhere():
    assert compliance.MB == native_layout.MB == 10 ** 6
    assert compliance.NATIVE_TOTAL_BYTES == native_layout.TOTAL_LIMIT == 30 * 10 ** 6
    assert compliance.NATIVE_MAIN_PACKAGE_BYTES == native_layout.MAIN_LIMIT
    assert compliance.MAX_ZIP_BYTES == 200 * 10 ** 6
    assert compliance.human_size(4_000_000) == "4.00 MB" and compliance.human_size(1_500) == "1.5 kB"


def test_the_size_table_reads_mb_as_10_to_the_6(tmp_path):
    (tmp_path / "big.bin").write_bytes(b"\0" * 2_000_000)
    lines, total, _ = compliance.size_table(tmp_path)
    assert total == 2_000_000 and "2.00 MB" in lines[1]           # 1.91 with MB = 2^20


def test_without_zip_an_unmet_import_or_html_code_generation_is_a_warning_naming_file_and_line(tmp_path):
    game = a_game(tmp_path / "mygame", "import js\nimport numpy\njs.eval('1')\n")
    said = []
    python_check.check(game, game_files(game), log=said.append, target="html")          # no BuildError
    assert "  warn  main.py:2: import numpy: not the standard library, the runtime, ttminis, a requirement or " \
           "the game's own module; add it to requirements.txt (pure-Python wheels only) or remove the import" in said
    assert "  warn  main.py:3: js.eval (TikTok's native runtime forbids it)" in said
    with pytest.raises(BuildError, match=r"forbids:\n  main.py:3: js.eval$"):
        python_check.check(game, game_files(game), log=said.append, target="native")


def test_a_test_of_the_simulators_refusals_may_build_a_game_that_tries(tmp_path):
    game = a_game(tmp_path / "mygame", "import js\njs.eval('1')\n")
    said = []
    python_check.check(game, game_files(game), log=said.append, target="native", allow_js_code_generation=True)
    assert said == ["  warn  main.py:2: js.eval (TikTok's native runtime forbids it)"]
