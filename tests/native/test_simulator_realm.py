"""The simulator's realm: exactly the documented globals, and every use of what the runtime lacks recorded.

These packages are written by hand (a game.js and a game.json), so each test runs in milliseconds.
"""
import pytest

from ttminis.simulator import Session, SimulatorError, run_once, simulate

ECMASCRIPT = {
    "Object", "Function", "Array", "Number", "parseFloat", "parseInt", "Infinity", "NaN", "undefined", "Boolean",
    "String", "Symbol", "Date", "Promise", "RegExp", "Error", "AggregateError", "EvalError", "RangeError",
    "ReferenceError", "SyntaxError", "TypeError", "URIError", "globalThis", "JSON", "Math", "Intl", "ArrayBuffer",
    "Uint8Array", "Int8Array", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array", "Float32Array",
    "Float64Array", "Uint8ClampedArray", "BigUint64Array", "BigInt64Array", "DataView", "Map", "BigInt", "Set",
    "WeakMap", "WeakSet", "Proxy", "Reflect", "FinalizationRegistry", "WeakRef", "decodeURI",
    "decodeURIComponent", "encodeURI", "encodeURIComponent", "escape", "unescape", "eval", "isFinite", "isNaN",
    "SharedArrayBuffer", "Atomics",
}
DOCUMENTED = {"console", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "requestAnimationFrame",
              "cancelAnimationFrame", "GameGlobal", "require", "TTMinis", "TTWebAssembly",
              "ttminisStandInOrders"}     # the fake SDK's stand-in order book, for ttminis.game_server.StandInServer
UNKNOWN = {"WebAssembly", "TextDecoder", "TextEncoder", "performance", "crypto", "queueMicrotask"}
READY = "GameGlobal.ttminisLoader = {state: 'ready', progress: 1, timings: {}, errors: []};\n"
# A minimal valid wasm module: the magic and version.
EMPTY_WASM = bytes([0, 97, 115, 109, 1, 0, 0, 0])


def kinds(session):
    return [v["kind"] for v in session.violations]


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "lenient"])
def test_the_realm_holds_exactly_the_documented_globals(make_package, strict):
    package = make_package({"game.js": "GameGlobal.names = Object.getOwnPropertyNames(globalThis);"})
    with Session(package, strict=strict) as session:
        names = set(session.eval("names"))
        assert session.violations == []
    expected = ECMASCRIPT | DOCUMENTED | (set() if strict else UNKNOWN)
    assert names == expected


def test_feature_detection_of_an_absent_global_is_fine(make_package):
    package = make_package({"game.js": "GameGlobal.kinds = [typeof fetch, typeof document, typeof window, "
                                       "typeof WebAssembly, typeof TextDecoder, globalThis.fetch === undefined];"})
    with Session(package) as session:
        assert session.eval("kinds") == ["undefined"] * 5 + [True]
        assert session.violations == []


def test_eval_and_the_function_constructors_are_refused_and_recorded(make_package):
    package = make_package({"game.js": """
        var outcomes = [];
        function attempt(fn) { try { fn(); outcomes.push('ran'); } catch (e) { outcomes.push(e.name); } }
        attempt(function () { eval('1 + 1'); });
        attempt(function () { new Function('return 1'); });
        attempt(function () { Function('return 1')(); });
        attempt(function () { (async function () {}).constructor('return 1'); });
        attempt(function () { (function () {}).constructor('return 1'); });
        GameGlobal.outcomes = outcomes;
    """})
    with Session(package) as session:
        assert session.eval("outcomes") == ["EvalError"] * 5
        assert kinds(session) == ["eval"] + ["function-constructor"] * 4


def test_string_timers_are_refused_and_recorded(make_package):
    package = make_package({"game.js": "try { setTimeout('GameGlobal.x = 1', 0); } catch (e) { GameGlobal.e = e.name; }"})
    with Session(package) as session:
        assert session.eval("e") == "TypeError"
        assert kinds(session) == ["string-timer"]


def test_dynamic_import_and_es_module_syntax_are_recorded(make_package):
    package = make_package({
        "game.js": "import('./other.js').catch(function (e) { GameGlobal.importFailed = true; });\n"
                   "try { require('./esm.js'); } catch (e) { GameGlobal.esm = e.name; }",
        "esm.js": "export const x = 1;\n",
        "other.js": "module.exports = 1;\n",
    })
    with Session(package) as session:
        session.wait_for("GameGlobal.importFailed")
        assert session.eval("esm") == "SyntaxError"
        assert kinds(session) == ["dynamic-import", "es-module-syntax"]


def test_an_uncaught_use_of_the_dom_is_recorded_and_fails_the_run(make_package):
    package = make_package({"game.js": READY + "setTimeout(function () { document.title = 'x'; }, 0);"})
    outcome = run_once(package)
    assert outcome.state == "ready" and not outcome.ok
    assert [v["kind"] for v in outcome.report["violations"]] == ["forbidden-global"]
    assert "ReferenceError: document is not defined" in outcome.report["errors"][0]["error"]


def test_wasm_from_bytes_is_refused_and_recorded(make_package):
    package = make_package({"game.js": """
        TTWebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).catch(function (e) { GameGlobal.a = e.name; });
        try { new TTWebAssembly.Module(new Uint8Array(8)); } catch (e) { GameGlobal.b = e.name; }
        TTWebAssembly.instantiate('empty.wasm', {}).then(function (r) {
          GameGlobal.c = [r.module instanceof TTWebAssembly.Module, r.instance instanceof TTWebAssembly.Instance];
        });
    """, "empty.wasm": EMPTY_WASM})
    with Session(package) as session:
        assert session.wait_for("GameGlobal.c") == [True, True]
        assert session.wait_for("GameGlobal.a") == "TypeError"
        assert session.eval("b") == "TypeError"
        assert kinds(session) == ["wasm-from-bytes", "wasm-from-bytes"]


def test_lenient_webassembly_still_records_compiling_bytes(make_package):
    package = make_package({"game.js": "try { new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); }"
                                       " catch (e) { GameGlobal.e = e.name; }"})
    with Session(package, strict=False) as session:
        assert session.eval("e") == "CompileError"
        assert kinds(session) == ["wasm-from-bytes"]


def test_subpackage_files_are_readable_only_once_loaded(make_package):
    package = make_package({
        "game.js": """
            var fs = TTMinis.game.getFileSystemManager();
            try { fs.readFileSync('extra/data.txt', 'utf8'); } catch (e) { GameGlobal.before = e.message; }
            GameGlobal.progress = [];
            var task = TTMinis.game.loadSubpackage({name: 'extra', success: function (r) {
              GameGlobal.after = fs.readFileSync('extra/data.txt', 'utf8');
              GameGlobal.fromModule = require('extra/mod.js');
            }});
            task.onProgressUpdate(function (p) { GameGlobal.progress.push(p.progress); });
        """,
        "extra/data.txt": "hello from a subpackage",
        "extra/mod.js": "module.exports = 42;",
    }, subpackages=[{"name": "extra", "root": "extra/"}])
    with Session(package) as session:
        assert session.wait_for("GameGlobal.after") == "hello from a subpackage"
        assert session.eval("fromModule") == 42
        assert session.eval("progress") == [25, 50, 75, 100]
        assert "readFileSync:fail" in session.eval("before")
        assert kinds(session) == ["subpackage-not-loaded"]


def test_the_file_system_manager_reads_the_package_and_writes_user_data(make_package):
    package = make_package({"game.js": """
        var fs = TTMinis.game.getFileSystemManager();
        var user = TTMinis.game.env.USER_DATA_PATH;
        var bytes = fs.readFileSync('data.bin');
        fs.writeFileSync(user + '/save.json', '{"level": 3}', 'utf8');
        try { fs.writeFileSync('data.bin', 'x'); } catch (e) { GameGlobal.readOnly = e.message; }
        GameGlobal.seen = [bytes instanceof ArrayBuffer, new Uint8Array(bytes)[1],
                           JSON.parse(fs.readFileSync(user + '/save.json', 'utf8')).level, fs.readdirSync(user)];
    """, "data.bin": bytes([7, 9, 11])})
    with Session(package) as session:
        assert session.eval("seen") == [True, 9, 3, ["save.json"]]
        assert "writeFileSync:fail permission denied" in session.eval("readOnly")
        assert (session.user_data / "save.json").read_text() == '{"level": 3}'
        assert session.violations == []


def test_a_bad_expression_is_a_simulator_error(make_package):
    with Session(make_package({"game.js": ""})) as session:
        with pytest.raises(SimulatorError, match="ReferenceError"):
            session.eval("notDefinedAnywhere")
        with pytest.raises(SimulatorError, match="timed out after 50 ms waiting for false"):
            session.wait_for("false", timeout=0.05)


def test_not_a_native_package(tmp_path):
    with pytest.raises(SimulatorError, match="not a native package"):
        Session(tmp_path)


def test_simulate_prints_what_one_run_did(make_package, tmp_path):
    package = make_package({"game.js": READY + "var c = TTMinis.game.createCanvas(); c.getContext('2d').fillRect(0, 0, 9, 9);\n"
                                               "console.log('hello'); try { eval('1'); } catch (e) {}"})
    printed = []
    assert simulate(package, png=tmp_path / "f.png", out=printed.append) == 1
    text = "\n".join(printed)
    assert "ready in the strict simulator" in text and "console.log: hello" in text
    assert "FAIL  violation: eval: eval() was called" in text
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("engine", ["jsc", "jsc-nojit"])
def test_simulate_on_javascriptcore_says_in_one_line_that_it_keeps_no_pixels(make_package, tmp_path, engine):
    from ttminis.build.cli import command
    package = make_package({"game.js": READY + "TTMinis.game.createCanvas().getContext('2d').fillRect(0, 0, 9, 9);\n"
                                               "try { eval('1'); } catch (e) {}"})
    printed = []
    assert simulate(package, png=tmp_path / "f.png", out=printed.append, engine=engine) == 1
    text = "\n".join(printed)
    assert f"ready in the strict simulator on {engine}" in text
    assert "FAIL  violation: eval: eval() was called (game.js:3)" in text
    assert f"first frame: none ({engine} keeps no pixels: run --png with --engine node)" in text
    assert not (tmp_path / "f.png").exists()
    assert command(["simulate", str(package), "--engine", engine]) == 1


def test_an_unknown_engine_is_refused(make_package):
    with pytest.raises(SimulatorError, match="engine must be one of node, jsc, jsc-nojit, got 'v8'"):
        Session(make_package({"game.js": ""}), engine="v8")
