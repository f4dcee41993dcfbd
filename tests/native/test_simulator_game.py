"""The minimal game's native package in the strict simulator: real Pyodide, the one fake SDK, no DOM."""
import json
import shutil

from ttminis.simulator import run_once

from tests.native.pixels import close, decode

TEAL = (0x2A, 0x9D, 0x8F)
ORANGE = (0xE7, 0x6F, 0x51)


def result(session):
    return json.loads(session.eval("gameResult"))


def test_main_py_runs_as_main_with_the_native_target(running_game):
    got = result(running_game)
    assert got["name"] == "__main__"
    assert got["target"] == "native"
    assert got["python"][:2] == [3, 14]


def test_the_game_s_modules_and_requirements_are_importable(running_game):
    got = result(running_game)
    assert got["bought"] == "bought"                               # shopping.py, a module of the game
    assert got["requirement"] == "from a pure-Python requirement"  # native_req, from requirements.txt
    assert got["requirement_version"] == "1.0"                     # importlib.metadata reads its .dist-info


def test_a_successful_and_a_failing_pay_through_the_fake(running_game):
    got = result(running_game)
    assert got["bought"] == "bought"
    assert got["missing"] == "not bought: 20011002"     # the fake: order does not exist
    pays = running_game.eval("TTMinisFake.callsOf('pay').map(c => [c.options, c.answers.map(a => a.kind)])")
    assert pays == [[{"trade_order_id": "order-1"}, ["success"]],
                    [{"trade_order_id": "order-missing"}, ["fail"]]]
    assert running_game.eval("TTMinisFake.wallet.balance") == 70
    assert running_game.eval("TTMinisFake.wallet.orders['order-1'].status") == "paid"


def test_progress_reaches_1_only_once_main_py_has_run(running_game):
    progress = running_game.eval("TTMinisFake.progress")
    assert progress[0] == 0 and progress[-1] == 1
    assert progress == sorted(progress) and progress.count(1) == 1
    assert any(0 < p < 0.5 for p in progress), "subpackage download progress is reported"
    order = running_game.eval("TTMinisFake.calls.filter(c => c.method === 'pay' || "
                              "(c.method === 'setLoadingProgress' && c.options.progress === 1)).map(c => c.method)")
    assert order == ["pay", "pay", "setLoadingProgress"]


def test_no_forbidden_access_and_no_errors(running_game):
    report = running_game.report()
    assert report["violations"] == []
    assert report["errors"] == []
    assert running_game.console_errors == []
    loaded = sorted(s["name"] for s in report["subpackages"])
    assert loaded[:2] == ["ttminis-runtime", "ttminis-snapshot-1"] and loaded[-1] == "ttminis-stdlib"
    assert "ttminis-runtime/pyodide.asm.wasm.br" in report["wasm"]
    assert "ttminis-snapshot-1/heap-0.wasm.br" in report["wasm"]


def test_the_first_frame_is_what_the_game_drew(running_game):
    width, height, rows = decode(running_game.frame_png())
    assert (width, height) == (390, 844)
    assert close(rows[height // 2][width // 2], TEAL)
    assert any(not close(px, TEAL) for px in rows[55][24:200]), "the title text is drawn"


def test_a_tap_reaches_the_game_s_touch_listener(running_game):
    assert running_game.eval("TTMinisFake.listenerCount('TouchStart')") == 1
    running_game.tap(120, 300)
    assert json.loads(running_game.wait_for("typeof gameTaps === 'string' && gameTaps")) == [[120, 300]]
    _, _, rows = decode(running_game.frame_png())
    assert close(rows[300][120], ORANGE)


def test_on_hide_reaches_the_game(running_game):
    assert running_game.eval("TTMinisFake.listenerCount('Hide')") == 1
    running_game.hide()
    assert running_game.wait_for("GameGlobal.gameHidden") == 1


def test_an_exception_in_main_py_shows_the_error_screen(broken_package, tmp_path):
    outcome = run_once(broken_package, png=tmp_path / "error.png")
    assert outcome.state == "error" and not outcome.ok
    assert "RuntimeError: the native test game broke on purpose" in outcome.loader_errors[0]
    assert "_pyodide" not in outcome.loader_errors[0], "Pyodide's own frames are trimmed"
    assert outcome.progress == 1, "TikTok's loading screen must close to show the error"
    assert outcome.report["canvases"] == 1, "the error screen reuses the game's own on-screen canvas"
    assert outcome.report["violations"] == []
    width, height, rows = decode((tmp_path / "error.png").read_bytes())
    assert (width, height) == (844, 390), "deviceOrientation landscape from minigame.config.json"
    assert close(rows[height - 5][width - 5], (0x1E, 0x1F, 0x24))
    reds = [px for row in rows[:100] for px in row[:400] if px[0] > 200 and px[1] < 140]
    assert reds, "the red title is drawn"


def test_with_the_undocumented_globals_present_it_still_compiles_no_wasm_from_bytes(game_package):
    outcome = run_once(game_package, strict=False)      # lenient: WebAssembly, TextDecoder, crypto, ... exist
    assert outcome.state == "ready" and outcome.ok, outcome.problems
    assert outcome.report["violations"] == []
    assert not [c for c in outcome.report["console"] if "Math.random" in c["text"]], "crypto is used when present"


def test_a_boot_failure_shows_the_error_screen(game_package, tmp_path):
    broken = tmp_path / "no-wasm"
    shutil.copytree(game_package, broken)
    (broken / "ttminis-runtime" / "pyodide.asm.wasm.br").unlink()
    outcome = run_once(broken)
    assert outcome.state == "error" and outcome.progress == 1
    assert outcome.loader_errors[0].startswith("The game could not start")
    assert "pyodide.asm.wasm.br" in outcome.loader_errors[0]
    _, _, rows = decode(outcome.png)
    assert close(rows[-5][-5], (0x1E, 0x1F, 0x24)), "the error screen, not a black one"
