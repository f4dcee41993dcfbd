"""The strict simulator, tried adversarially: nothing of the host in reach, every attempt recorded.

Every attempt runs on both hosts: Node's ``vm`` realm and JavaScriptCore's shell (the same realm.js).

Each attempt runs in a hand-made package, on line 3 of game.js, inside a try/catch: the package catches the
error, and the attempt is still recorded as a violation naming game.js and line 3, and fails the run. An
attempt that reached the host would set ``GameGlobal.ran`` (a function made by the host's Function runs and
answers ``typeof process``), which never happens. The clean controls (feature detection, ordinary use of
everything the fake hands out) record nothing.
"""
import pytest

from ttminis.simulator import Session, run_once

# line 1: what the attempts use; line 2: the harness; line 3: the attempt.
PRELUDE = (
    "var fs = TTMinis.game.getFileSystemManager(), canvas = TTMinis.game.createCanvas(), "
    "ctx = canvas.getContext('2d'), user = TTMinis.game.env.USER_DATA_PATH; "
    "fs.writeFileSync(user + '/a.txt', 'x', 'utf8'); var bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);"
    " var CODE = 'return typeof process';\n"
    "function attempt(f) { try { var r = f(); if (typeof r === 'function') r = r(); if (r !== undefined) "
    "GameGlobal.ran = String(r); } catch (e) { GameGlobal.caught = (e && e.name) || String(e); } "
    "GameGlobal.done = true; }\n"
)
# (module (func (export "f"))): a wasm module exporting one function.
EXPORTING_WASM = bytes([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0,
                        10, 4, 1, 2, 0, 0x0B])
EMPTY_WASM = bytes([0, 97, 115, 109, 1, 0, 0, 0])

FUNCTION = "function-constructor"
SYNC = {
    # code generation, directly
    "eval": ("eval(CODE)", "eval"),
    "indirect eval": ("(0, eval)(CODE)", "eval"),
    "eval read off globalThis": ("globalThis.eval(CODE)", "eval"),
    "new Function": ("new Function(CODE)", FUNCTION),
    "Function called": ("Function(CODE)", FUNCTION),
    "a function's constructor": ("(function () {}).constructor(CODE)", FUNCTION),
    "the AsyncFunction constructor": ("(async function () {}).constructor(CODE)", FUNCTION),
    "the GeneratorFunction constructor": ("(function* () {}).constructor(CODE)().next().value", FUNCTION),
    "the AsyncGeneratorFunction constructor": ("(async function* () {}).constructor(CODE)", FUNCTION),
    "a built-in's constructor": ("Math.max.constructor(CODE)", FUNCTION),
    "an array method's constructor": ("[].map.constructor(CODE)", FUNCTION),
    "a comma-expression method's constructor": ("(0, [].filter).constructor(CODE)", FUNCTION),
    "Reflect.construct of a prototype's constructor":
        ("Reflect.construct(Object.getPrototypeOf(function () {}).constructor, [CODE])", FUNCTION),
    "the constructor's property descriptor":
        ("Object.getOwnPropertyDescriptor(Function.prototype, 'constructor').value(CODE)", FUNCTION),
    "Reflect.apply of Function": ("Reflect.apply(Function, null, [CODE])", FUNCTION),
    "a bound Function": ("Function.bind(null, CODE)()", FUNCTION),
    # constructor chains through what the runtime hands out
    "the global object": ("globalThis.constructor.constructor(CODE)", FUNCTION),
    "the global object's prototype": ("Object.getPrototypeOf(globalThis).constructor.constructor(CODE)", FUNCTION),
    "the canvas": ("canvas.constructor.constructor(CODE)", FUNCTION),
    "the 2D context": ("ctx.constructor.constructor(CODE)", FUNCTION),
    "a context method": ("ctx.fillRect.constructor(CODE)", FUNCTION),
    "a context accessor":
        ("Object.getOwnPropertyDescriptor(Object.getPrototypeOf(ctx), 'fillStyle').get.constructor(CODE)", FUNCTION),
    "a gradient": ("ctx.createLinearGradient(0, 0, 1, 1).constructor.constructor(CODE)", FUNCTION),
    "text metrics": ("ctx.measureText('x').constructor.constructor(CODE)", FUNCTION),
    "image data": ("ctx.getImageData(0, 0, 1, 1).data.constructor.constructor(CODE)", FUNCTION),
    "the canvas of a context": ("ctx.canvas.constructor.constructor(CODE)", FUNCTION),
    "an image": ("TTMinis.game.createImage().constructor.constructor(CODE)", FUNCTION),
    "an audio context": ("TTMinis.game.createInnerAudioContext().constructor.constructor(CODE)", FUNCTION),
    "readdirSync's array": ("fs.readdirSync(user).constructor.constructor(CODE)", FUNCTION),
    "statSync's stats": ("fs.statSync(user + '/a.txt').isFile.constructor(CODE)", FUNCTION),
    "readFileSync's ArrayBuffer": ("fs.readFileSync(user + '/a.txt').constructor.constructor(CODE)", FUNCTION),
    "the system info": ("TTMinis.game.getSystemInfoSync().constructor.constructor(CODE)", FUNCTION),
    "a file-system error": ("(function () { try { fs.readFileSync('missing.txt'); } catch (e) { "
                            "return e.constructor.constructor(CODE); } })()", FUNCTION),
    "a require error": ("(function () { try { require('./missing.js'); } catch (e) { "
                        "return e.constructor.constructor(CODE); } })()", FUNCTION),
    "TTWebAssembly.Memory's buffer": ("new TTWebAssembly.Memory({initial: 1}).buffer.constructor.constructor(CODE)",
                                      FUNCTION),
    "a promise from TTWebAssembly": ("TTWebAssembly.compile('empty.wasm').constructor.constructor(CODE)", FUNCTION),
    "the fake SDK's functions": ("TTMinis.game.createCanvas.constructor(CODE)", FUNCTION),
    # string timers
    "a string setTimeout": ("setTimeout(CODE, 0)", "string-timer"),
    "a string timer through an alias": ("(function () { var st = setTimeout; return st('1 + 1'); })()", "string-timer"),
    "a string setInterval": ("setInterval(CODE, 10)", "string-timer"),
    "a string timer through Reflect.apply": ("Reflect.apply(setTimeout, null, ['1 + 1', 0])", "string-timer"),
    # WebAssembly from bytes
    "new TTWebAssembly.Module": ("new TTWebAssembly.Module(bytes)", "wasm-from-bytes"),
    "TTWebAssembly.compile of bytes": ("void TTWebAssembly.compile(bytes).catch(function () {})", "wasm-from-bytes"),
    "WebAssembly by name": ("WebAssembly.compile(bytes)", "forbidden-global"),
    "WebAssembly read off globalThis and called": ("globalThis.WebAssembly.validate(bytes)", "forbidden-global"),
    # Node and the browser
    "require of child_process": ("require('child_process').execSync('id')", "node-module"),
    "require of node:fs": ("require('node:fs').readFileSync('/etc/hostname')", "node-module"),
    "process by name": ("process.version", "forbidden-global"),
    "fetch read off globalThis and called": ("globalThis.fetch('https://example.invalid/')", "forbidden-global"),
    "fetch read off globalThis by a computed name and called": ("globalThis['fe' + 'tch']('x')", "forbidden-global"),
    "document read off globalThis by a computed name, a member read":
        ("globalThis[['docu', 'ment'].join('')].title", "forbidden-global"),
    "new Worker": ("new Worker('x.js')", "forbidden-global"),
    "document by name": ("document.createElement('canvas')", "forbidden-global"),
    "XMLHttpRequest by name": ("new XMLHttpRequest()", "forbidden-global"),
    "a desktop canvas library's toBuffer": ("canvas.toBuffer('image/png')", "canvas-extra"),
    "toBuffer through the context's canvas": ("ctx.canvas.encodeSync('png')", "canvas-extra"),
    # hiding the position
    "the stack trace limit set to 0": ("(function () { Error.stackTraceLimit = 0; return fetch; })()", "forbidden-global"),
}
ASYNC = {
    "import()": ("import('./game.js').catch(function (e) { GameGlobal.caught = e.name; "
                 "return e.constructor.constructor(CODE); }).catch(function (e) { GameGlobal.done = true; });",
                 ["dynamic-import", FUNCTION]),
    "a compiled module's constructor": ("TTWebAssembly.compile('empty.wasm').then(function (m) { "
                                        "return new m.constructor(bytes); }).catch(function (e) { GameGlobal.done = true; });",
                                        ["wasm-from-bytes"]),
    "an exported wasm function": ("TTWebAssembly.instantiate('f.wasm', {}).then(function (r) { "
                                  "return r.instance.exports.f.constructor(CODE); })"
                                  ".catch(function (e) { GameGlobal.done = true; });", [FUNCTION]),
    "a touch event's arrays": ("TTMinis.game.onTouchStart(function (e) { try { e.touches.constructor.constructor(CODE); } "
                               "catch (x) {} GameGlobal.done = true; });", [FUNCTION]),
    "a rejected TTWebAssembly promise": ("TTWebAssembly.compile('nothing.wasm').catch(function (e) { "
                                         "return e.constructor.constructor(CODE); })"
                                         ".catch(function () { GameGlobal.done = true; });", [FUNCTION]),
    "the host's frames through prepareStackTrace":
        ("setTimeout(function () { Error.prepareStackTrace = function (e, s) { return s; }; var found = []; "
         "var s = new Error().stack; (Array.isArray(s) ? s : []).forEach(function (f) { [f.getFunction(), f.getThis()].forEach(function (x) { "
         "if (x) found.push(x); }); }); Error.prepareStackTrace = undefined; found.forEach(function (x) { "
         "try { GameGlobal.ran = x.constructor.constructor(CODE)(); } catch (e) {} }); "
         "try { Function(CODE); } finally { GameGlobal.done = true; } }, 0);", [FUNCTION]),
    "a sloppy function's caller": ("setTimeout(function sloppy() { var c = sloppy.caller; "
                                   "try { (c || Function)(CODE); } finally { GameGlobal.done = true; } }, 0);", [FUNCTION]),
    "a replaced Object.setPrototypeOf": ("Object.setPrototypeOf = function (o, p) { GameGlobal.leaked = o; return o; }; "
                                         "TTWebAssembly.compile('empty.wasm').then(function (m) { "
                                         "(GameGlobal.leaked || m).constructor.constructor(CODE); })"
                                         ".catch(function () { GameGlobal.done = true; });", [FUNCTION]),
    "a replaced WeakMap.prototype.get": ("WeakMap.prototype.get = function (k) { GameGlobal.leaked = k; return undefined; }; "
                                         "try { ctx.fillRect(0, 0, 1, 1); } catch (e) {} "
                                         "try { (GameGlobal.leaked || ctx).constructor.constructor(CODE); } "
                                         "finally { GameGlobal.done = true; }", [FUNCTION]),
}


@pytest.fixture(params=["node", "jsc"])
def engine(request):
    return request.param


def package_with(make_package, line):
    return make_package({"game.js": PRELUDE + line + "\n", "empty.wasm": EMPTY_WASM, "f.wasm": EXPORTING_WASM,
                         "other.js": "module.exports = 1;\n"})


def assert_recorded(session, kinds):
    violations = session.violations
    assert [v["kind"] for v in violations][:len(kinds)] == kinds, violations
    for v in violations:
        assert (v.get("file"), v.get("line")) == ("game.js", 3), v
    assert session.eval("GameGlobal.ran === undefined"), session.eval("GameGlobal.ran")
    assert session.eval("GameGlobal.leaked === undefined")


@pytest.mark.parametrize("name", sorted(SYNC))
def test_a_synchronous_attempt_is_recorded_with_file_and_line(make_package, name, engine):
    code, kind = SYNC[name]
    with Session(package_with(make_package, f"attempt(function () {{ return {code}; }});"), engine=engine) as session:
        assert session.wait_for("GameGlobal.done")
        assert_recorded(session, [kind])
        if not code.startswith("void "):                            # (a promise rejects instead)
            assert session.eval("GameGlobal.caught") is not None   # the package caught it: still recorded


@pytest.mark.parametrize("name", sorted(ASYNC))
def test_an_asynchronous_attempt_is_recorded_with_file_and_line(make_package, name, engine):
    code, kinds = ASYNC[name]
    with Session(package_with(make_package, code), engine=engine) as session:
        if "onTouchStart" in code:
            session.tap(10, 10)
        assert session.wait_for("GameGlobal.done")
        assert_recorded(session, kinds)


def test_an_attempt_fails_the_run_even_when_caught(make_package):
    package = package_with(make_package, "GameGlobal.ttminisLoader = {state: 'ready', progress: 1, errors: [], timings: {}}; "
                                         "try { Math.max.constructor(CODE)(); } catch (e) {}")
    outcome = run_once(package)
    assert outcome.state == "ready" and not outcome.ok
    assert outcome.report["errors"] == []


def test_there_are_at_least_forty_attempts():
    assert len(SYNC) + len(ASYNC) >= 40


CLEAN = """
GameGlobal.seen = [typeof fetch, typeof document, typeof window, typeof process, typeof WebAssembly,
  globalThis.fetch === undefined, globalThis.Worker, typeof globalThis.XMLHttpRequest,
  globalThis.fetch?.('x'), typeof canvas.toBuffer, canvas.toBuffer?.('image/png'),
  Object.getPrototypeOf(canvas) !== null, typeof globalThis['fe' + 'tch'], globalThis['fe' + 'tch']?.('x'),
  globalThis[['docu', 'ment'].join('')]];
var g = ctx.createLinearGradient(0, 0, 10, 0); g.addColorStop(0, '#fff'); g.addColorStop(1, '#000');
ctx.fillStyle = g; ctx.fillRect(0, 0, 10, 10); ctx.fillStyle = '#2a9d8f'; ctx.fillRect(10, 0, 10, 10);
GameGlobal.style = ctx.fillStyle; GameGlobal.same = ctx.canvas === canvas;
GameGlobal.files = fs.readdirSync(user); GameGlobal.isFile = fs.statSync(user + '/a.txt').isFile();
GameGlobal.pixel = Array.from(ctx.getImageData(12, 2, 1, 1).data);
var image = TTMinis.game.createImage(); image.onload = function () { GameGlobal.image = [image.width, image.height];
  ctx.drawImage(image, 0, 0); GameGlobal.done = true; }; image.onerror = function (e) { GameGlobal.done = e.errMsg; };
image.src = 'dot.png';
"""
DOT_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b9fc3f0000000049454e44ae426082")


def test_feature_detection_and_ordinary_use_record_nothing(make_package, engine):
    package = make_package({"game.js": PRELUDE + CLEAN, "dot.png": DOT_PNG})
    with Session(package, engine=engine) as session:
        assert session.wait_for("GameGlobal.done") is True
        assert session.eval("seen") == ["undefined"] * 5 + [True, None, "undefined", None, "undefined", None, True,
                                                            "undefined", None, None]
        assert session.eval("style") == "#2a9d8f" and session.eval("same") is True
        assert session.eval("files") == ["a.txt"] and session.eval("isFile") is True
        assert session.eval("pixel") == ([0x2A, 0x9D, 0x8F, 255] if engine == "node" else [0, 0, 0, 0])  # jsc: no pixels
        assert session.eval("image") == [1, 1]
        assert session.violations == []


POLYFILLS = """
globalThis.window = globalThis; GameGlobal.TextEncoder = function TextEncoder() {}; self = GameGlobal;
GameGlobal.seen = [typeof window, window === GameGlobal, typeof new TextEncoder(), self === GameGlobal,
  'window' in globalThis, Object.getOwnPropertyDescriptor(globalThis, 'window').value === globalThis];
GameGlobal.done = true;
"""


def test_a_package_may_define_a_global_the_runtime_lacks(make_package, engine):
    """An adapter's `window = GameGlobal` or a polyfill makes an ordinary global, as on the runtime."""
    with Session(make_package({"game.js": POLYFILLS}), engine=engine) as session:
        assert session.wait_for("GameGlobal.done") is True
        assert session.eval("seen") == ["object", True, "object", True, True, True]
        assert session.violations == []


NOT_IMPORTS = """var text = "import('./other.js')"; // import('./other.js')
var pyimport = function (x) { return x; }; var o = { import: function (x) { return x; } };
GameGlobal.seen = [text.length, pyimport(1), o.import(2), /import\\(/.test(text)]; /* import(x) */
GameGlobal.text = text;
GameGlobal.done = true;
"""


def test_the_word_import_outside_an_import_expression_is_not_an_attempt(make_package, engine):
    """jsc's host marks import expressions found in the syntax tree: strings, comments and names are left."""
    with Session(make_package({"game.js": NOT_IMPORTS}), engine=engine) as session:
        assert session.wait_for("GameGlobal.done") is True
        assert session.eval("seen") == [20, 1, 2, True]
        assert session.eval("GameGlobal.text") == "import('./other.js')"
        assert session.violations == []


def test_an_import_expression_and_a_use_after_it_on_its_line_are_both_recorded_at_that_line(make_package, engine):
    """The marking jsc's host does keeps lines where they were."""
    code = "import('./other.js').catch(function () {}); try { fetch('x'); } catch (e) { GameGlobal.done = true; }\n"
    with Session(make_package({"game.js": "\n" + code, "other.js": "module.exports = 1;\n"}), engine=engine) as session:
        assert session.wait_for("GameGlobal.done") is True
        assert sorted((v["kind"], v["line"]) for v in session.violations) == [("dynamic-import", 2),
                                                                              ("forbidden-global", 2)]


# Feature tests and uses of one absent name on one line, where the engine does not place the lookup at the
# name: what the line tests first is what ran.
ONE_LINE_TESTS = [
    "GameGlobal.f = typeof fetch === 'function' ? fetch : null;",
    "GameGlobal.w = (typeof window !== 'undefined' && window.document) || null;",
    "f1(typeof performance !== 'undefined' ? performance : null);",
    "GameGlobal.t = typeof(fetch);",
    "GameGlobal.i = globalThis.fetch ? fetch : null;",
    "GameGlobal.l = ['performance', typeof performance !== 'undefined' ? performance : null];",
]
ONE_LINE_USES = [
    "GameGlobal.j = ('fetch', fetch);",
    "GameGlobal.k = (fetch || typeof fetch);",
    "GameGlobal.g = 1, GameGlobal.h = fetch;",
]


def one_line_package(make_package, lines):
    body = "".join(f"try {{ {line} }} catch (e) {{ GameGlobal.caught.push([{n}, e.name]); }}\n"
                   for n, line in enumerate(lines, 3))
    return make_package({"game.js": "GameGlobal.caught = [];\nfunction f1(x) { GameGlobal.x = x; }\n" + body +
                                    "GameGlobal.done = true;\n"})


def test_a_feature_test_and_the_use_it_guards_on_one_line_record_nothing(make_package, engine):
    with Session(one_line_package(make_package, ONE_LINE_TESTS), engine=engine) as session:
        assert session.wait_for("GameGlobal.done") is True
        assert session.eval("GameGlobal.caught") == []
        assert session.eval("[GameGlobal.f, GameGlobal.w, GameGlobal.x, GameGlobal.t, GameGlobal.i, GameGlobal.l]") == \
            [None, None, None, "undefined", None, ["performance", None]]
        assert session.violations == []


def test_a_bare_use_first_on_its_line_is_recorded_and_throws_as_the_engine_would(make_package, engine):
    with Session(one_line_package(make_package, ONE_LINE_USES), engine=engine) as session:
        assert session.wait_for("GameGlobal.done") is True
        assert session.eval("GameGlobal.caught") == [[3, "ReferenceError"], [4, "ReferenceError"], [5, "ReferenceError"]]
        assert [(v["kind"], v["line"]) for v in session.violations] == [("forbidden-global", n) for n in (3, 4, 5)]


# Every object a call or a callback hands out, and every object-valued property of it one level down: its
# constructor's constructor refuses to make code (and each try is recorded).
SWEEP = r"""
var results = [], pending = 0, g = TTMinis.game, fs = g.getFileSystemManager();
function tryMake(label, x) {
  var made;
  try { made = x.constructor.constructor('return typeof process')(); } catch (e) { made = 'refused'; }
  results.push([label, String(made)]);
}
function sweep(label, x) {
  if (x === null || x === undefined || (typeof x !== 'object' && typeof x !== 'function')) return;
  tryMake(label, x);
  if (typeof x !== 'object') return;
  for (var k in x) {
    var v; try { v = x[k]; } catch (e) { continue; }
    if (v !== null && (typeof v === 'object' || typeof v === 'function')) tryMake(label + '.' + k, v);
  }
}
function later(label, start) {
  pending++;
  var once = false;
  start(function (x) { if (once) return; once = true; sweep(label, x); if (--pending === 0) GameGlobal.done = true; });
}
fs.writeFileSync(g.env.USER_DATA_PATH + '/a.txt', 'hello', 'utf8');
later('readFile', function (cb) { fs.readFile({filePath: 'a.txt', success: cb, fail: cb}); });
later('readFile data', function (cb) { fs.readFile({filePath: 'a.txt', success: function (r) { cb(r.data); }, fail: cb}); });
later('readFile failing', function (cb) { fs.readFile({filePath: 'nope.txt', success: cb, fail: cb}); });
later('stat', function (cb) { fs.stat({path: 'a.txt', success: cb, fail: cb}); });
later('readdir', function (cb) { fs.readdir({dirPath: g.env.USER_DATA_PATH, success: cb, fail: cb}); });
later('login', function (cb) { g.login({success: cb, fail: cb}); });
later('image load', function (cb) { var i = g.createImage(); i.onload = function (e) { cb(e || i); }; i.onerror = cb; i.src = 'dot.png'; });
later('image error', function (cb) { var i = g.createImage(); i.onload = cb; i.onerror = function (e) { cb(e); }; i.src = 'nope.png'; });
later('a subpackage that is not there', function (cb) { g.loadSubpackage({name: 'none', success: cb, fail: cb}); });
later('a timer', function (cb) { var id = setTimeout(function () { cb(id); }, 0); });
later('a frame', function (cb) { requestAnimationFrame(function (t) { cb({t: t}); }); });
later('a promise', function (cb) { Promise.resolve(1).then(function () { cb(Promise.resolve()); }); });
[['console', console], ['console.log', console.log], ['JSON', JSON], ['Math', Math], ['TTMinis', TTMinis],
 ['game', g], ['fs', fs], ['GameGlobal', GameGlobal], ['TTWebAssembly', TTWebAssembly], ['require', require],
 ['module', module], ['exports', exports], ['a data URL', g.createCanvas().toDataURL()],
 ['an audio context', g.createInnerAudioContext()], ['arguments', (function () { return arguments; })()],
 ['the system info', g.getSystemInfoSync()], ['the launch options', g.getLaunchOptionsSync ? g.getLaunchOptionsSync() : null]
].forEach(function (pair) { sweep(pair[0], pair[1]); });
GameGlobal.results = results;
"""


def test_nothing_a_call_or_a_callback_hands_out_makes_code(make_package, engine):
    with Session(make_package({"game.js": SWEEP, "dot.png": DOT_PNG}), engine=engine) as session:
        assert session.wait_for("GameGlobal.done") is True
        results = session.eval("GameGlobal.results")
    assert len(results) >= 100
    assert [label for label, made in results if made != "refused"] == []


def test_an_in_test_of_an_absent_global_gets_a_console_warning_naming_its_line(make_package):
    """`"fetch" in globalThis` reads true here (false on a phone): the run says so, once, and suggests typeof.
    On Node only: JavaScriptCore answers `in` from the accessor's presence without calling it, so no hook sees it."""
    code = "GameGlobal.a = 'fetch' in globalThis;\nfor (var i = 0; i < 3; i++) GameGlobal.b = typeof fetch;\n"
    with Session(make_package({"game.js": code + "GameGlobal.done = true;\n"}), engine="node") as session:
        assert session.wait_for("GameGlobal.done") is True
        warnings = [c["text"] for c in session.report()["console"] if c["level"] == "warn"]
        assert session.violations == []
    assert warnings == ["[ttminis simulator] game.js:1: \"fetch\" in ... is true in the simulator for a global "
                        "TikTok's runtime lacks (false on a phone): test with typeof fetch"]
