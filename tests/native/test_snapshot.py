"""A native game starts from a build-time memory snapshot — and nothing of the build leaks into a player's game:
random reseeded, time and time zone read live, the SDK looked up in the running client, the game's own code
never run at build time; a standard library cut to what the game uses, saying how to keep more."""
import json
import re
import shutil

import pytest

from ttminis.build import BuildError, build
from ttminis.build.native_layout import measure
from ttminis.simulator import Session
from ttminis.simulator.jsc import run_on_jsc

from tests.native.conftest import HERE, tiny_wheel

QUIET = {"log": lambda *_: None}


@pytest.fixture(scope="module")
def snapshot_build(native_dist):
    """tests/native/snapshot_game built for native (the snapshot is the default), keeping colorsys."""
    return build(HERE / "snapshot_game", native_dist / "snapshot-native", target="native",
                 keep_stdlib=["colorsys"], **QUIET)


def start(package, tz):
    with Session(package, start=False, env={"TZ": tz}) as session:
        session.eval(f"TTMinis.game.clientMarker = {json.dumps(tz)}")    # this client's SDK object
        session.start()
        got = json.loads(session.wait_for("GameGlobal.snapshotResult"))
        assert session.violations == [] and session.errors == [] and session.console_errors == []
        got["timings"] = session.eval("ttminisLoader.timings")
    got["tz"] = tz
    return got


@pytest.fixture(scope="module")
def two_starts(snapshot_build):
    return start(snapshot_build.out, "Asia/Tokyo"), start(snapshot_build.out, "America/New_York")


def test_the_package_starts_from_the_snapshot(snapshot_build, two_starts):
    config = (snapshot_build.out / "ttminis" / "config.js").read_text()
    assert '"snapshot": {' in config and (snapshot_build.out / "ttminis" / "snapshot-head.bin").is_file()
    names = [s["name"] for s in json.loads((snapshot_build.out / "game.json").read_text())["subpackages"]]
    assert names[:2] == ["ttminis-runtime", "ttminis-stdlib"] and names[2].startswith("ttminis-snapshot-")
    heap = sorted(p.name for p in snapshot_build.out.glob("ttminis-snapshot-*/*"))
    assert heap and all(re.fullmatch(r"heap-\d+\.wasm\.br", name) for name in heap)
    for got in two_starts:
        steps = got["timings"]["pyodide"]
        assert "restore" in steps, "Python was restored, not initialised"


def test_two_starts_from_one_snapshot_get_different_random_numbers(two_starts):
    tokyo, new_york = two_starts
    assert tokyo["random"] != new_york["random"]


def test_time_and_the_time_zone_are_the_player_s_not_the_build_s(two_starts):
    tokyo, new_york = two_starts          # the snapshot was made in UTC
    assert (tokyo["timezone"], tokyo["daylight"], tokyo["tzname"]) == (-9 * 3600, 0, ["UTC+0900", "UTC+0900"])
    assert (new_york["timezone"], new_york["altzone"], new_york["daylight"]) == (5 * 3600, 4 * 3600, 1)
    for got in two_starts:
        assert abs(got["now"] - got["jsNow"]) < 1000


def test_the_game_s_own_code_runs_at_its_start_and_the_sdk_is_the_running_client_s(two_starts):
    for got in two_starts:
        assert got["ownModulePreloaded"] is False
        assert abs(got["helperRanAt"] - got["jsNow"]) < 5000
        assert got["sdk"] == got["tz"]        # TTMinis is the running client's, looked up after start


def test_a_cut_standard_library_module_raises_naming_the_option_that_keeps_it(two_starts):
    got = two_starts[0]
    assert got["cut"].startswith("ModuleNotFoundError: No module named 'tomllib'")
    assert "--keep-stdlib tomllib" in got["cut"]
    assert got["kept"] is None                  # --keep-stdlib colorsys


def test_find_spec_answers_none_for_a_cut_module(two_starts):
    assert two_starts[0]["cutSpec"] == "None"


def test_the_build_reports_the_snapshot_and_what_the_standard_library_kept(snapshot_build):
    text = "\n".join(snapshot_build.report)
    assert "Memory snapshot" in text and "initialised at build time: " in text
    assert "standard library: kept " in text and "--keep-stdlib NAME" in text
    subpackages = [(s["name"], s["root"]) for s in
                   json.loads((snapshot_build.out / "game.json").read_text())["subpackages"]]
    sizes = measure(snapshot_build.out, subpackages)
    assert sizes.failures == [] and sizes.total < 13_500_000       # no larger than bare Pyodide's core files


def test_the_snapshot_package_runs_on_javascriptcore(snapshot_build):
    outcome = run_on_jsc(snapshot_build.out, setup="TTMinis.game.clientMarker = 'jsc'",
                         result="GameGlobal.snapshotResult")
    assert outcome["state"] == "ready" and outcome["uncaught"] == [] and outcome["errors"] == []
    got = json.loads(outcome["result"])
    assert got["ownModulePreloaded"] is False and got["kept"] is None and "--keep-stdlib tomllib" in got["cut"]
    assert got["sdk"] == "jsc"
    assert "restore" in outcome["timings"]["pyodide"]


def test_an_import_that_keeps_a_javascript_object_fails_the_build_naming_it(tmp_path):
    game = tmp_path / "holds_js"
    game.mkdir()
    (game / "main.py").write_text("import js_holder\n")
    wheel = tiny_wheel(tmp_path, "js_holder", b"from pyodide.ffi import create_proxy\n"
                                              b"HANDLE = create_proxy(lambda: None)   # a JS object, at import\n")
    (game / "requirements.txt").write_text(f"{wheel}\n")
    with pytest.raises(BuildError, match=r"`import js_holder` keeps a JavaScript object made at import time.*"
                                         r"--no-snapshot"):
        build(game, tmp_path / "out", target="native", **QUIET)
    assert not (tmp_path / "out").exists()


def test_without_the_snapshot_python_initialises_at_start_with_the_whole_standard_library(tmp_path):
    game = tmp_path / "plain"
    shutil.copytree(HERE / "snapshot_game", game, ignore=shutil.ignore_patterns("__pycache__"))
    result = build(game, tmp_path / "out", target="native", snapshot=False, **QUIET)
    names = [s["name"] for s in json.loads((result.out / "game.json").read_text())["subpackages"]]
    assert names == ["ttminis-runtime", "ttminis-stdlib"]
    assert any("No memory snapshot" in line for line in result.report)
    got = start(result.out, "Asia/Tokyo")
    assert "restore" not in got["timings"]["pyodide"] and got["cut"] is None and got["timezone"] == -9 * 3600
