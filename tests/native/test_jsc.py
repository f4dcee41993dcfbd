"""The minimal game's native package on JavaScriptCore (Debian's jsc), the engine TikTok uses on iOS."""
import json

from ttminis.simulator.jsc import run_on_jsc

from tests.native.conftest import ORDER


def test_the_minimal_game_boots_and_buys_on_javascriptcore(game_package):
    outcome = run_on_jsc(game_package, setup=ORDER, result="GameGlobal.gameResult")
    assert outcome["uncaught"] == [] and outcome["errors"] == []
    assert outcome["state"] == "ready" and outcome["progress"] == 1
    got = json.loads(outcome["result"])
    assert got["target"] == "native" and got["python"][:2] == [3, 14]
    assert (got["bought"], got["missing"]) == ("bought", "not bought: 20011002")
    assert not [c for c in outcome["console"] if c["level"] == "error"]
