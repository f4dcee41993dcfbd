"""The game's own modules ship as bytecode made by the runtime's Python at build time, and a start uses it.

A game with a module (``levels.py``) is built for native without a snapshot (the bytecode does not depend on
it, and the build is quicker); then the module's source in the package is edited behind the build's back: a
start that still sees the built value ran the bytecode, not the source. Tracebacks still show the source.
"""
import io
import zipfile

import pytest

from ttminis.build import build
from ttminis.simulator import READY, Session

LEVELS = '''VALUE = "compiled at build time"


def broken():
    raise ValueError("a line the traceback shows")
'''
MAIN = '''import js
import traceback

import levels

js.globalThis.levelValue = levels.VALUE
js.globalThis.levelCached = str(levels.__spec__.cached)
try:
    levels.broken()
except ValueError:
    js.globalThis.levelTrace = traceback.format_exc()
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    game = tmp_path_factory.mktemp("bytecode-game")
    (game / "main.py").write_text(MAIN)
    (game / "levels.py").write_text(LEVELS)
    result = build(game, game.parent / "bytecode-native", target="native", snapshot=False, log=lambda *_: None)
    return result


def archive(package):
    return zipfile.ZipFile(package / "ttminis" / "game-code.zip")


def test_the_games_modules_ship_as_bytecode_for_the_runtimes_python_and_the_report_says_so(built):
    names = archive(built.out).namelist()
    assert "__pycache__/levels.cpython-314.pyc" in names and "levels.py" in names
    assert not any(name.startswith("__pycache__/main.") for name in names), "main.py runs from its source"
    pyc = archive(built.out).read("__pycache__/levels.cpython-314.pyc")
    assert int.from_bytes(pyc[4:8], "little") == 0b01, "an unchecked-hash .pyc (PEP 552): used as it is"
    report = "\n".join(built.report)
    assert "1 module(s) compiled to bytecode by the runtime's Python 3.14" in report
    assert "a start does not compile their source" in report


def test_a_start_runs_the_bytecode_not_the_source(built):
    package = built.out
    original = (package / "ttminis" / "game-code.zip").read_bytes()
    edited = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as old, zipfile.ZipFile(edited, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "levels.py":
                data = data.replace(b"compiled at build time", b"edited after the build")
            new.writestr(info, data)
    (package / "ttminis" / "game-code.zip").write_bytes(edited.getvalue())
    try:
        with Session(package) as session:
            session.wait_for(READY)
            assert session.eval("ttminisLoader.state") == "ready", session.eval("ttminisLoader.errors")
            assert session.eval("globalThis.levelValue") == "compiled at build time"
            assert session.eval("globalThis.levelCached").endswith("__pycache__/levels.cpython-314.pyc")
            trace = session.eval("globalThis.levelTrace")
    finally:
        (package / "ttminis" / "game-code.zip").write_bytes(original)
    assert 'levels.py", line 5, in broken' in trace and 'raise ValueError("a line the traceback shows")' in trace
