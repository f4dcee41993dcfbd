"""The compliance scan parses JavaScript (acorn, in one Node process per build), so it can't be
slipped past and doesn't cry wolf: every ``CAUGHT`` snippet fails the report, no ``CLEAN`` one
does. Plus the rest of the report: the fake SDK fails any package, third-party runtime files are
only noted, and the native runtime's rule set (not wired to a target yet) catches what it names.
"""
import shutil
from pathlib import Path

import pytest

from ttminis.build import compliance
from ttminis.build.compliance import NATIVE_RULES, UPLOAD_RULES, scan
from ttminis.build.targets.html import FAKE

CAUGHT = {   # snippet -> the rule it breaks (one snippet per file, all our own)
    'var url = "http://x//y"; eval(url);': "eval",
    "var s = 'a//b'; /* c */ eval(s) // d": "eval",
    '(0, eval)("1");': "eval",
    'globalThis["eval"]("1");': "eval",
    "self[`eval`]('1');": "eval",
    'window["ev" + "al"]("1");': "eval",
    "var e = eval; e('1');": "eval",
    'Reflect.get(window, "eval")("1");': "eval",
    'const g = globalThis; g.eval("1");': "eval",
    "const {eval: run} = window; run('1');": "eval",
    "this.eval('1');": "eval",
    "window.window.eval('1');": "eval",
    'new Function("return 1");': "function-constructor",
    'Function("return 1")();': "function-constructor",
    'window.Function("return 1")();': "function-constructor",
    'globalThis.Function.prototype.constructor("x");': "function-constructor",
    "Function.prototype.constructor('x');": "function-constructor",
    "Function.call(null, 'return 1')();": "function-constructor",
    "window.Function.apply(null, ['x']);": "function-constructor",
    "(function () {}).constructor('return 1')();": "function-constructor",
    "(() => 0).constructor('x');": "function-constructor",
    "Object.getPrototypeOf(async function () {}).constructor('x');": "function-constructor",
    "x.constructor.constructor('return this')();": "function-constructor",
    'Math.max.constructor("return 1")();': "function-constructor",
    '[].map.constructor("return 1")();': "function-constructor",
    '(0, [].filter).constructor("x");': "function-constructor",
    'var f = function () {}; Reflect.construct(Object.getPrototypeOf(f).constructor, ["x"]);': "function-constructor",
    'Object.getOwnPropertyDescriptor(Function.prototype, "constructor").value("x");': "function-constructor",
    'var st = setTimeout; st("1+1");': "string-timer",
    'setTimeout("tick()", 10);': "string-timer",
    "setInterval(`tick()`, 10);": "string-timer",
    "window.setTimeout('a' + b, 1);": "string-timer",
    "globalThis.TTMinisFake = {};": "fake-sdk",
}
CLEAN = [
    '// eval(x) and new Function("y") in a comment\nvar a = 1;',
    '/* setTimeout("x") */ var b = 2;',
    'var s = "eval(1) Function(2) setTimeout(\'3\')";',
    "var t = `eval(${a}) and new Function`;",
    "var r = /eval\\(|Function\\(/g;",
    "var o = {eval: 1, Function: 2}; o.eval(3); o.Function(4); a.b.eval();",
    "class A { eval() {} Function() {} }",
    "function f(eval2) { var Function2 = 1; }",
    "function g() { var setTimeout = (s) => s; setTimeout('not the timer'); }",
    "setTimeout(function () {}, 10); setInterval(() => 0, 5); setTimeout(tick, 1);",
    "label: for (;;) { break label; }",
    "var a = x.constructor; var b = Object.constructor;",
    "var call = Function.prototype.call.bind(f); var apply = window.Function.prototype.apply;",
    "window.TTMinisFake && window.TTMinisFake.wallet;",
    "var st = setTimeout; st(function () {}, 1); var copy = new this.constructor(items);",
    'var d = Object.getOwnPropertyDescriptor(o, "size").value; Reflect.construct(Map, []);',
]


def write_files(folder, sources, suffix=".js"):
    names = []
    for i, source in enumerate(sources):
        name = f"f{i:02d}{suffix}"
        (folder / name).write_text(source, encoding="utf-8")
        names.append(name)
    return names


def test_every_way_of_reaching_eval_function_and_string_timers_is_caught(tmp_path):
    names = write_files(tmp_path, list(CAUGHT))
    report = scan(tmp_path, names)
    failed = {failure.split(":")[0] for failure in report.failures}
    missed = [source for name, source in zip(names, CAUGHT) if name not in failed]
    assert missed == []
    for name, rule in zip(names, CAUGHT.values()):
        text = " ".join(f for f in report.failures if f.startswith(name + ":"))
        assert {r["id"]: r for r in UPLOAD_RULES}[rule]["what"] in text, (name, text)


def test_strings_comments_regexes_and_property_names_are_not_code(tmp_path):
    names = write_files(tmp_path, CLEAN)
    report = scan(tmp_path, names)
    assert report.failures == []


def test_a_failure_names_file_line_column_and_the_code(tmp_path):
    (tmp_path / "ours.js").write_text('var a = "//";\n  window.Function("x");\n', encoding="utf-8")
    (report_line,) = scan(tmp_path, ["ours.js"]).failures
    assert report_line.startswith("ours.js: uses the Function constructor at 2:3 `window.Function`")


def test_own_js_that_does_not_parse_fails_third_party_is_noted(tmp_path):
    (tmp_path / "ours.js").write_text("function (", encoding="utf-8")
    (tmp_path / "theirs.js").write_text("function (", encoding="utf-8")
    report = scan(tmp_path, ["ours.js"])
    assert [f.split(":")[0] for f in report.failures] == ["ours.js"]
    assert "could not be parsed" in report.failures[0]
    assert any(n.startswith("theirs.js (third-party)") for n in report.notes)


def test_third_party_runtime_files_are_noted_not_failed_but_the_fake_fails_anywhere(tmp_path):
    (tmp_path / "runtime.js").write_text("eval('1'); new Function('x');", encoding="utf-8")
    (tmp_path / "vendor").mkdir()
    shutil.copy(FAKE, tmp_path / "vendor" / "renamed.js")
    report = scan(tmp_path, [])
    assert report.rules_failed == {"fake-sdk"}
    assert report.failures[0].startswith("vendor/renamed.js: uses the fake TikTok SDK")
    assert sorted(n.split(":")[1].strip() for n in report.notes) == [
        "1 use(s) of eval()", "1 use(s) of the Function constructor"]
    assert report.failures_besides("fake-sdk") == []


NATIVE_CAUGHT = {
    'import x from "y";': "es-module",
    "export const a = 1;": "es-module",
    'import("./chunk.js");': "es-module",
    "console.log(import.meta.url);": "es-module",
    "document.createElement('canvas');": "dom",
    "window.innerWidth;": "dom",
    "fetch('/x');": "network",
    "new XMLHttpRequest();": "network",
    "globalThis.fetch('/x');": "network",
    "new Worker('w.js');": "worker",
    "WebAssembly.instantiate(bytes);": "wasm-from-bytes",
    "new WebAssembly.Module(bytes);": "wasm-from-bytes",
    "globalThis.WebAssembly.compile(bytes);": "wasm-from-bytes",
    "if (typeof window.fetch === 'function') {}": "dom",
}
NATIVE_CLEAN = [
    "function load(fetch, document) { return fetch(document); }",
    "var o = {document: 1, fetch: 2}; o.fetch(); o.document;",
    "const req = require('./x.js'); module.exports = req;",
    "var s = 'import x from \"y\"; fetch(1)';",
    "TTWebAssembly.instantiate('engine.wasm.br', {});",
    "function F() { if (new.target) return; }",
    "var inBrowser = typeof document !== 'undefined' && typeof fetch === 'function';",
]


def test_the_native_rule_set_catches_what_it_names_and_nothing_else(tmp_path):
    caught = write_files(tmp_path, list(NATIVE_CAUGHT))
    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    clean = write_files(clean_dir, NATIVE_CLEAN)
    report = scan(tmp_path, caught + [f"clean/{name}" for name in clean], NATIVE_RULES)
    for name, rule in zip(caught, NATIVE_CAUGHT.values()):
        assert any(f.startswith(name + ":") for f in report.failures), (name, rule)
    assert report.rules_failed == {rule["id"] for rule in NATIVE_RULES}
    assert not any(f.startswith("clean/") for f in report.failures), report.failures


def test_findings_are_cached_per_file_content(tmp_path, monkeypatch):
    (tmp_path / "ours.js").write_text("eval('cached?');", encoding="utf-8")
    first = scan(tmp_path, ["ours.js"])
    monkeypatch.setattr(compliance.node, "run", lambda *a, **k: pytest.fail("Node ran for a cached file"))
    assert scan(tmp_path, ["ours.js"]).failures == first.failures


def test_html_pages_may_load_only_local_files_and_no_file_is_empty(tmp_path):
    (tmp_path / "index.html").write_text('<script src="https://cdn.example/x.js"></script>'
                                         '<link rel="stylesheet" href="style.css">', encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    failures = scan(tmp_path, []).failures
    assert failures == ["empty.txt: zero-byte file (TikTok rejects them)",
                        "index.html: loads https://cdn.example/x.js from outside the bundle"]


def test_the_javascript_we_ship_in_games_passes_the_upload_rules():
    web = Path(compliance.__file__).resolve().parents[1] / "web"
    shipped = [p.relative_to(web).as_posix() for folder in ("html", "fake", "surface", "native")
               for p in (web / folder).rglob("*") if p.suffix in (".js", ".mjs")]
    report = scan(web, shipped)
    assert report.failures_besides("fake-sdk") == []
