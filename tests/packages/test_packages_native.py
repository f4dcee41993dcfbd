"""On TikTok's native runtime, requirements with compiled code run from their side modules, each a package file
compiled by path: in the strict simulator (Node) and on JavaScriptCore with and without JIT, from the memory
snapshot and without it. What the game computed with each package is checked."""
import json

import pytest

from ttminis.build import build
from ttminis.simulator import Session

from tests.packages.conftest import GAME, check_result

QUIET = {"log": lambda *_: None}
DONE = "typeof GameGlobal.packagesResult === 'string' || ttminisLoader.state === 'error'"


@pytest.fixture(scope="module")
def native_builds(packages_dist):
    """The game built for native with the snapshot (the default) and with --no-snapshot."""
    return {True: build(GAME, packages_dist / "native", target="native", app_id="tt0123456789", **QUIET),
            False: build(GAME, packages_dist / "native-no-snapshot", target="native", app_id="tt0123456789",
                         snapshot=False, **QUIET)}


def run(package, engine):
    with Session(package, engine=engine) as session:
        session.wait_for(DONE, timeout=240)
        assert session.eval("ttminisLoader.errors") == []
        assert session.violations == [] and session.errors == [] and session.console_errors == []
        got = check_result(session.eval("GameGlobal.packagesResult"))
        got["timings"] = session.eval("ttminisLoader.timings")
    return got


@pytest.mark.parametrize("engine, snapshot", [("node", True), ("node", False), ("jsc", True), ("jsc", False),
                                              ("jsc-nojit", True)])
def test_msgpack_pydantic_jiter_and_simplejson_work_on_the_native_runtime(native_builds, engine, snapshot):
    got = run(native_builds[snapshot].out, engine)
    steps = got["timings"]["pyodide"]
    assert steps["extensionsCompiled"] == 4          # one side module each, compiled by path
    assert ("restore" in steps) is snapshot


def test_each_side_module_ships_as_its_own_file_and_python_s_file_system_holds_stubs(native_builds):
    out = native_builds[False].out
    shipped = sorted(p.relative_to(out).as_posix() for p in out.glob("ttminis-ext-*/**/*") if p.is_file())
    assert shipped == [
        "ttminis-ext-1/jiter/jiter.cpython-314-wasm32-emscripten.wasm.br",
        "ttminis-ext-1/msgpack/_cmsgpack.cpython-314-wasm32-emscripten.wasm.br",
        "ttminis-ext-1/pydantic_core/_pydantic_core.cpython-314-wasm32-emscripten.wasm.br",
        "ttminis-ext-1/simplejson/_speedups.cpython-314-wasm32-emscripten.wasm.br"]
    game = json.loads((out / "game.json").read_text())
    assert {"name": "ttminis-ext-1", "root": "ttminis-ext-1/"} in game["subpackages"]
    config = (out / "ttminis" / "config.js").read_text()
    assert '"path": "ttminis-ext-1/pydantic_core/_pydantic_core.cpython-314-wasm32-emscripten.wasm.br"' in config
    import zipfile
    with zipfile.ZipFile(out / "ttminis" / "game-code.zip") as zf:
        stub = zf.read("pydantic_core/_pydantic_core.cpython-314-wasm32-emscripten.so")
    assert stub[:8] == b"\0asm\x01\0\0\0" and b"dylink.0" in stub[:20] and len(stub) < 65536
    assert b"ttminis.path" in stub and b"ttminis-ext-1/pydantic_core/" in stub


def test_the_native_report_lists_distributions_and_packages_per_subpackage(native_builds):
    report = native_builds[True].report
    text = "\n".join(report)
    assert "ttminis-ext-1: jiter, msgpack, pydantic-core, simplejson" in text
    assert "_pydantic_core.cpython-314-wasm32-emscripten.wasm.br  4.71 MB raw" in text
    assert ("  main package: annotated-types, jiter, msgpack, pydantic, pydantic-core, simplejson, typing-extensions, "
            "typing-inspection") in report              # their Python files, in the main package's code archive
    line = next(ln for ln in report if ln.split()[:1] == ["pydantic-core"])
    assert "compiled (1 extension module)" in line
    assert ("compiled requirements imported at the game's start, not in the snapshot (their side modules' loaded "
            "state is not carried): jiter, msgpack, pydantic_core, simplejson") in text
