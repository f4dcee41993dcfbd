"""Requirements with compiled code (Pyodide wheels): one game using msgpack, pydantic 2, jiter and simplejson,
built for each target once per session; what each start computed is checked against ``EXPECTED``."""
import json
from pathlib import Path

import pytest

HERE = Path(__file__).parent
GAME = HERE / "packages_game"

EXPECTED = {
    "msgpack": {"bytes": 43, "back": {"name": "ada", "scores": [1, 2, 300], "pi": 3.5, "raw": "00ff"},
                "compiled": "msgpack._cmsgpack"},
    "pydantic": {"player": {"name": "ada", "score": 42, "tags": ["a"]},
                 "invalid": [[["score"], "int_parsing"]]},
    "jiter": {"parsed": {"a": [1, 2.5, "x", None, True], "big": "12345678901234567890"}},
    "simplejson": {"dumped": '{"a": [1.5, null], "b": 1}', "speedups": True, "loaded": {"x": [1, 2]}},
}


def check_result(text):
    """The game's JSON result, checked: every package did its work with its compiled code."""
    got = json.loads(text)
    assert got["msgpack"] == EXPECTED["msgpack"]
    assert got["pydantic"]["version"].startswith("2.")
    assert got["pydantic"]["player"] == EXPECTED["pydantic"]["player"]
    assert got["pydantic"]["invalid"] == EXPECTED["pydantic"]["invalid"]
    assert got["jiter"] == EXPECTED["jiter"]
    assert got["simplejson"] == EXPECTED["simplejson"]
    return got


@pytest.fixture(scope="session")
def packages_dist(tmp_path_factory):
    return tmp_path_factory.mktemp("packages-dist")


def make_wheel(folder: Path, name: str, version: str = "1.0", tag: str = "py3-none-any",
               files: dict[str, bytes] | None = None) -> Path:
    """A wheel made here (``files`` as installed; one module ``name.py`` by default), so a test needs no index."""
    import base64
    import hashlib
    import zipfile
    dist = f"{name}-{version}.dist-info"
    files = dict(files or {f"{name}.py": f"VERSION = {version!r}\n".encode()})
    files[f"{dist}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    files[f"{dist}/WHEEL"] = (f"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: {str(tag.endswith('any')).lower()}"
                              f"\nTag: {tag}\n").encode()
    record = "".join(f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},"
                     f"{len(data)}\n" for path, data in files.items())
    files[f"{dist}/RECORD"] = (record + f"{dist}/RECORD,,\n").encode()
    wheel = folder / f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return wheel
