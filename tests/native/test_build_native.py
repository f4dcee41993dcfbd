"""build.py --target native: the package TikTok's CLI checks, its limits, automatic subpackages, its JS rules."""
import json
import os
import zipfile

import pytest

from ttminis.build import BuildError, build
from ttminis.build.cli import main
from ttminis.build.compliance import NATIVE_RULES, UPLOAD_RULES, scan
from ttminis.build.native_layout import MAIN_LIMIT, MB, SUBPACKAGE_LIMIT, measure
from ttminis.simulator import Session

from tests.native.conftest import HERE

QUIET = {"log": lambda *_: None}


def read_json(path):
    return json.loads(path.read_text())


def test_the_package_tiktok_checks(game_package):
    assert (game_package / "game.js").read_text().startswith("// Made by ttminis")
    game_json = read_json(game_package / "game.json")
    assert game_json["deviceOrientation"] == "portrait"
    assert game_json["subpackages"][:2] == [{"name": "ttminis-runtime", "root": "ttminis-runtime/"},
                                            {"name": "ttminis-stdlib", "root": "ttminis-stdlib/"}]
    assert [s["name"] for s in game_json["subpackages"][2:]] == [
        f"ttminis-snapshot-{i}" for i in range(1, len(game_json["subpackages"]) - 1)]   # the memory snapshot
    assert read_json(game_package / "project.config.json")["appid"] == "tt0123456789"
    assert not (game_package / "index.html").exists() and not list(game_package.rglob("*.mjs"))
    assert (game_package / "ttminis-runtime" / "pyodide.asm.wasm.br").is_file()
    assert not list(game_package.rglob("pyodide.asm.wasm")), "the wasm ships brotli-compressed only"
    with zipfile.ZipFile(game_package / "ttminis" / "game-code.zip") as zf:
        names = set(zf.namelist())
    assert {"main.py", "shopping.py", "ttminis/__init__.py", "ttminis/target.py", "ttminis/_pyodide.py"} <= names
    assert not {"ttminis/_brython.py", "ttminis/testing.py", "ttminis/_host.py"} & names


def test_the_limits_hold_as_the_files_sit(game_package):
    subpackages = [(s["name"], s["root"]) for s in read_json(game_package / "game.json")["subpackages"]]
    sizes = measure(game_package, subpackages)
    assert sizes.failures == []
    rows = {name: size for name, size, _limit, _count in sizes.rows}
    assert rows["main package"] <= MAIN_LIMIT
    assert all(size <= SUBPACKAGE_LIMIT for size in rows.values())
    assert all(p.stat().st_size > 0 for p in game_package.rglob("*") if p.is_file())


def test_without_an_app_id_a_placeholder_and_a_warning(tmp_path):
    said = []
    out = build(HERE / "game", tmp_path / "out", target="native", log=said.append).out
    assert read_json(out / "project.config.json")["appid"] == "ttminis-placeholder-appid"
    assert any("--app-id" in line and "placeholder" in line for line in said)


def test_brython_is_refused_in_one_line(tmp_path, capsys):
    code = main([str(HERE / "game"), "--target", "native", "--runtime", "brython", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: --target native needs --runtime pyodide")
    assert "new Function" in err
    assert not (tmp_path / "x").exists()


def test_the_cli_reports_sizes_against_limits_and_zips(tmp_path, capsys, game_package):
    out = tmp_path / "game-native"
    game = game_package.parent / "game"       # with its requirements.txt: a --zip build needs every import met
    assert main([str(game), "--target", "native", "--out", str(out), "--zip", "--app-id", "tt1"]) == 0
    printed = capsys.readouterr().out
    assert "main package" in printed and "ttminis-runtime" in printed and "30 MB" in printed
    with zipfile.ZipFile(tmp_path / "game-native.zip") as zf:
        names = zf.namelist()
        assert "game.js" in names and "game.json" in names and "project.config.json" in names
        assert ".ttminis-build.json" not in names
        assert all(info.file_size > 0 for info in zf.infolist())


def _write(path, size, seed):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(size) if seed is None else bytes([seed]) * size)


@pytest.fixture
def big_game(tmp_path):
    """A game that cannot fit beside the runtime: 3 MB of data beside its code, 4.5 MB of assets."""
    game = tmp_path / "big_game"
    (game / "main.py").parent.mkdir(parents=True)
    (game / "main.py").write_text(
        "import os\nimport js\n"
        "blob = open(os.path.join(os.path.dirname(__file__), 'blob.bin'), 'rb').read()\n"
        "fs = js.TTMinis.game.getFileSystemManager()\n"
        "sizes = [fs.readFileSync(js.ttminisLoader.assetPath(f'assets/a{i}.bin')).byteLength for i in range(3)]\n"
        "js.GameGlobal.bigResult = f'{len(blob)} {sizes}'\n")
    _write(game / "blob.bin", 3_000_000, None)
    for i in range(3):
        _write(game / "assets" / f"a{i}.bin", 1_500_000, None)
    return game


def test_what_does_not_fit_goes_into_subpackages_loaded_before_main(big_game, tmp_path):
    out = build(big_game, tmp_path / "out", target="native", **QUIET).out
    subpackages = read_json(out / "game.json")["subpackages"]
    names = [s["name"] for s in subpackages]
    assert names[:2] == ["ttminis-runtime", "ttminis-stdlib"]
    assert any(n.startswith("ttminis-code-") for n in names) and any(n.startswith("ttminis-assets-") for n in names)
    assert measure(out, [(s["name"], s["root"]) for s in subpackages]).failures == []
    with Session(out) as session:
        assert session.wait_for("GameGlobal.bigResult") == "3000000 [1500000, 1500000, 1500000]"
        assert session.violations == [] and session.errors == []
        assert sorted(s["name"] for s in session.report()["subpackages"]) == sorted(names)


def test_a_single_file_over_4_mb_fails_naming_it(big_game, tmp_path):
    _write(big_game / "assets" / "huge.bin", 4_100_000, 1)
    with pytest.raises(BuildError, match=r"assets/huge.bin is 4.10 MB"):
        build(big_game, tmp_path / "out", target="native", **QUIET)
    assert not (tmp_path / "out").exists()


def test_a_zero_byte_asset_fails_naming_it(big_game, tmp_path):
    _write(big_game / "assets" / "empty.png", 0, 1)
    with pytest.raises(BuildError, match=r"assets/empty.png: zero-byte file"):
        build(big_game, tmp_path / "out", target="native", **QUIET)


def test_over_30_mb_in_total_fails_naming_the_total(big_game, tmp_path):
    for i in range(7):
        _write(big_game / "assets" / "more" / f"m{i}.bin", 3_500_000, i)
    with pytest.raises(BuildError, match=r"the package is \d+\.\d\d MB, over TikTok's 30 MB total"):
        build(big_game, tmp_path / "out", target="native", **QUIET)


def test_a_bad_device_orientation_is_named(tmp_path):
    game = tmp_path / "g"
    game.mkdir()
    (game / "main.py").write_text("pass\n")
    (game / "minigame.config.json").write_text('{"deviceOrientation": "sideways"}')
    with pytest.raises(BuildError, match="deviceOrientation must be one of portrait, landscape, got 'sideways'"):
        build(game, tmp_path / "out", target="native", **QUIET)


def test_the_static_checks_find_what_the_runtime_lacks(tmp_path):
    (tmp_path / "bad.js").write_text(
        "var a = eval('1');\nnew Function('x');\nsetTimeout('go()', 1);\nimport('./x.js');\n"
        "document.title = 'x';\nif (typeof fetch !== 'undefined') {}\nvar o = {window: 1}; o.window;\n")
    (tmp_path / "esm.js").write_text("export default 1;\n")
    report = scan(tmp_path, ["bad.js"], UPLOAD_RULES + NATIVE_RULES, log=lambda *_: None)
    assert report.rules_failed == {"eval", "function-constructor", "string-timer", "es-module", "dom"}
    (esm,) = [f for f in report.failures if f.startswith("esm.js")]     # third-party, and still fatal
    assert "ES module syntax" in esm
    assert not [f for f in report.failures if "fetch" in f]


def test_our_own_javascript_passes_them(game_package):
    own = ["game.js", "ttminis/boot.js", "ttminis/config.js"]
    report = scan(game_package, own, UPLOAD_RULES + NATIVE_RULES, log=lambda *_: None)
    assert report.failures == []


def test_sizes_are_megabytes_of_10_to_the_6(game_package):
    lines = measure(game_package, []).lines()
    assert MB == 1_000_000 and "4 MB" in lines[1]


def test_the_device_probe_builds_and_runs_in_the_simulator(tmp_path, capsys):
    assert main(["--target", "native", "--probe", "--out", str(tmp_path / "probe")]) == 0
    assert "Built" in capsys.readouterr().out
    with Session(tmp_path / "probe") as session:
        line = session.wait_for("GameGlobal.probePython")
        assert line.startswith("Python 3.14.") and "native target" in line
        results = {r["name"]: r for r in session.eval("ttminisProbe.results")}
        assert session.violations == []
    assert not results["WebAssembly global"]["ok"] and not results["fetch"]["ok"]   # the strict realm
    assert results["TTWebAssembly .wasm.br"]["ok"] and results["exported Global"]["ok"]
    assert results["new TTWebAssembly.Instance (synchronous)"]["ok"]
    assert results["data module into an imported memory (.wasm.br)"]["detail"] == 'wrote "ttminis"'
    assert results["TTWebAssembly.instantiate(.wasm)"]["detail"].startswith("resolves to {module, instance}")
    assert "compiled in" in results["98 small wasm files from one subpackage"]["detail"]
    assert "MB allocated" in results["WebAssembly memory"]["detail"]


def test_without_node_one_line_says_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TTMINIS_NODE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))          # no node, no npm
    code = main([str(HERE / "game"), "--target", "native", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: Node.js was not found: install Node.js 18")


def test_the_backend_url_reaches_the_boot_and_the_fake_server_url_is_refused(tmp_path):
    out = build(HERE / "game", tmp_path / "out", target="native", backend_url="https://api.example.com",
                **QUIET).out
    with Session(out) as session:       # game.js sets it before Python starts, for ttminis.game_server
        assert session.wait_for("typeof ttminisBackendUrl === 'string' && ttminisBackendUrl") == \
            "https://api.example.com"
    with pytest.raises(BuildError, match="--fake-tiktok-url is for --dev html builds and the native preview"):
        build(HERE / "game", tmp_path / "out2", target="native", fake_tiktok_url="http://127.0.0.1:1", **QUIET)
