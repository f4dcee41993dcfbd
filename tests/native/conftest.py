"""The native target, for real: packages built by build.py, run in the strict simulator and on jsc.

The minimal game (``game/``) draws on ``TTMinis.game.createCanvas()`` through ``js`` and buys an item;
``broken_game/`` raises in main.py. Each is built once per session; booting Pyodide takes seconds, so the
suites share one running session per package where the tests only read what it did.
"""
import base64
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from ttminis.build import build
from ttminis.simulator import Session

HERE = Path(__file__).parent
ORDER = "TTMinisFake.backend.createOrder(30, 'order-1')"


@pytest.fixture(scope="session")
def native_dist(tmp_path_factory):
    return tmp_path_factory.mktemp("native-dist")


def tiny_wheel(folder: Path, name: str = "native_req",
               source: bytes = b'VALUE = "from a pure-Python requirement"\n') -> Path:
    """A pure-Python wheel made here (one module, ``name``), so a requirement needs no network."""
    wheel = folder / f"{name}-1.0-py3-none-any.whl"
    files = {f"{name}.py": source,
             f"{name}-1.0.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n".encode(),
             f"{name}-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
                                          b"Tag: py3-none-any\n"}
    record = "".join(f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},"
                     f"{len(data)}\n" for name, data in files.items())
    files[f"{name}-1.0.dist-info/RECORD"] = (record + f"{name}-1.0.dist-info/RECORD,,\n").encode()
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return wheel


@pytest.fixture(scope="session")
def game_package(native_dist):
    """The minimal game with a requirements.txt naming a local pure-Python wheel, built for native."""
    game = native_dist / "game"
    shutil.copytree(HERE / "game", game, ignore=shutil.ignore_patterns("__pycache__"))
    (game / "requirements.txt").write_text(f"{tiny_wheel(native_dist)}\n")
    return build(game, native_dist / "game-native", target="native", app_id="tt0123456789",
                 log=lambda *_: None).out


@pytest.fixture(scope="session")
def broken_package(native_dist):
    return build(HERE / "broken_game", native_dist / "broken-native", target="native",
                 log=lambda *_: None).out


@pytest.fixture(scope="module")
def running_game(game_package):
    """The minimal game, run to the end of main.py in the strict simulator (order-1 created first)."""
    with Session(game_package, start=False) as session:
        session.eval(ORDER)
        session.start()
        session.wait_for("typeof gameResult === 'string'")
        session.wait_for("ttminisLoader.state !== 'loading'")
        yield session


@pytest.fixture
def make_package(tmp_path):
    """Write a hand-made native package: ``make_package({"game.js": "...", ...}, subpackages=[...])``."""
    def make(files, subpackages=()):
        folder = tmp_path / "package"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for rel, text in files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text if isinstance(text, bytes) else text.encode())
        game_json = {"deviceOrientation": "portrait", "subpackages": [dict(s) for s in subpackages]}
        (folder / "game.json").write_text(json.dumps(game_json))
        return folder
    return make
