"""One host contract, three engines: the Node host and the JavaScriptCore host (with and without JIT) give a
package the same globals, the same fake SDK, the same canvas and 2D context members, the same file system
manager, audio, images, touches and timers. One hand-made package exercises all of it and writes what it saw
to ``GameGlobal.contract``; every engine must see the same, and it must be what TikTok documents.
"""
import json

import pytest

from ttminis.simulator import ENGINES, Session

from tests.native.test_adversarial import DOT_PNG
from tests.native.test_simulator_realm import DOCUMENTED, ECMASCRIPT

# Built-ins of newer ECMAScript editions one engine has and the other not yet (not the runtime's APIs).
NEWER_ECMASCRIPT = {"Iterator", "Float16Array", "DisposableStack", "AsyncDisposableStack", "SuppressedError"}
SHELL_NAMES = ["print", "printErr", "readFile", "read", "readline", "load", "loadString", "quit", "run", "runString",
               "writeFile", "createGlobalObject", "$262", "$", "preciseTime", "drainMicrotasks", "jscOptions",
               "process", "Buffer", "global", "setImmediate", "WebAssembly", "TextDecoder", "performance", "crypto",
               "queueMicrotask", "fetch", "document", "window"]

CONTRACT = r"""
var game = TTMinis.game, fs = game.getFileSystemManager(), user = game.env.USER_DATA_PATH, out = {};
function members(o) {
  var names = {};
  for (var p = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    Object.getOwnPropertyNames(p).forEach(function (n) { if (n !== 'constructor') names[n] = true; });
  }
  return Object.keys(names).sort();
}
out.globals = Object.getOwnPropertyNames(globalThis).filter(function (name) { return globalThis[name] !== undefined; }).sort();
out.documented = DOCUMENTED.map(function (n) { return typeof globalThis[n]; });
out.shell = SHELL.filter(function (n) { return typeof globalThis[n] !== 'undefined'; });
out.sdk = Object.keys(game).sort();
var canvas = game.createCanvas(), ctx = canvas.getContext('2d');
out.screen = [canvas.width, canvas.height, game.getSystemInfoSync().pixelRatio];
out.canvas = members(canvas);
out.context = members(ctx);
out.gradient = members(ctx.createLinearGradient(0, 0, 1, 1));
ctx.font = '20px sans-serif'; ctx.fillStyle = '#123456'; ctx.lineWidth = 3; ctx.setLineDash([2, 4]);
ctx.save(); ctx.fillStyle = '#ffffff'; ctx.restore();
ctx.setTransform(2, 0, 0, 2, 5, 6);
out.state = [ctx.font, ctx.fillStyle, ctx.lineWidth, ctx.getLineDash(), ctx.getTransform().e, ctx.canvas === canvas,
             typeof ctx.measureText('abc').width, ctx.getImageData(0, 0, 2, 1).data.length];
out.fs = members(fs);
fs.mkdirSync(user + '/saves/deep', true);
fs.writeFileSync(user + '/saves/deep/a.json', '{"level": 3}', 'utf8');
fs.appendFileSync(user + '/saves/deep/a.json', ' ', 'utf8');
fs.copyFileSync(user + '/saves/deep/a.json', user + '/saves/b.json');
fs.renameSync(user + '/saves/b.json', user + '/saves/c.json');
var stat = fs.statSync(user + '/saves/c.json');
out.files = [fs.readdirSync(user), fs.readdirSync(user + '/saves').sort(), stat.isFile(), stat.isDirectory(), stat.size,
             fs.statSync(user + '/saves').isDirectory(), JSON.parse(fs.readFileSync(user + '/saves/c.json', 'utf8')).level,
             new Uint8Array(fs.readFileSync('dot.png'))[1], fs.readdirSync('').sort(), fs.statSync('dot.png').size];
fs.unlinkSync(user + '/saves/c.json');
out.errors = [];
[function () { fs.readFileSync('missing.txt'); }, function () { fs.writeFileSync('dot.png', 'x'); },
 function () { fs.unlinkSync(user + '/saves/c.json'); }, function () { fs.mkdirSync(user + '/saves'); }].forEach(function (f) {
  try { f(); out.errors.push(null); } catch (e) { out.errors.push(e.message.split(':fail')[0]); }
});
fs.readdir({dirPath: user + '/saves', success: function (r) { out.asyncDir = r.files; }});
var audio = game.createInnerAudioContext();
audio.src = 'dot.mp3'; audio.onPlay(function () { out.played = true; }); audio.play(); audio.stop();
out.audio = members(audio);
var image = game.createImage();
out.image = members(image);
image.onload = function () { out.loaded = [image.width, image.height, image.complete]; };
image.src = 'dot.png';
out.timers = [];
setTimeout(function (x) { out.timers.push('timeout ' + x); }, 5, 'arg');
var ticks = 0, interval = setInterval(function () { if (++ticks === 2) { clearInterval(interval); out.timers.push('interval'); } }, 1);
var cancelled = setTimeout(function () { out.timers.push('cancelled ran'); }, 1); clearTimeout(cancelled);
requestAnimationFrame(function (t) { out.frame = typeof t; });
game.onTouchStart(function (e) {
  out.touch = [e.touches.length, e.changedTouches[0].identifier, e.changedTouches[0].clientX,
               e.changedTouches[0].clientY, typeof e.timeStamp];
});
GameGlobal.contract = out;
"""


def contract_package(make_package):
    source = (f"var DOCUMENTED = {json.dumps(sorted(DOCUMENTED))}, SHELL = {json.dumps(SHELL_NAMES)};\n"
              + CONTRACT)
    return make_package({"game.js": source, "dot.png": DOT_PNG})


def what_the_package_saw(package, engine):
    with Session(package, engine=engine) as session:
        session.wait_for("GameGlobal.contract && contract.loaded && contract.timers.length === 2 && "
                         "contract.asyncDir && contract.played")
        session.run_frames(1)
        session.tap(12, 34)
        seen = session.eval("contract")
        seen["timers"].sort()            # which of two due timers runs first is the engine's (not the contract's)
        report = session.report()
        assert report["violations"] == [] and report["errors"] == []
        assert [s["event"] for s in report["sounds"]] == ["play", "stop"]
    return seen


@pytest.fixture(scope="module")
def on_node(tmp_path_factory):
    folder = tmp_path_factory.mktemp("contract")

    def make(files):
        for rel, text in files.items():
            (folder / rel).write_bytes(text if isinstance(text, bytes) else text.encode())
        (folder / "game.json").write_text(json.dumps({"deviceOrientation": "portrait", "subpackages": []}))
        return folder
    return what_the_package_saw(contract_package(make), "node")


def test_the_node_host_offers_what_tiktok_documents(on_node):
    seen = on_node
    assert set(seen["globals"]) - ECMASCRIPT - NEWER_ECMASCRIPT <= DOCUMENTED
    assert all(kind != "undefined" for kind in seen["documented"])
    assert seen["shell"] == []
    assert seen["screen"] == [390, 844, 2]
    assert seen["state"] == ["20px sans-serif", "#123456", 3, [2, 4], 5, True, "number", 8]
    assert seen["files"] == [["saves"], ["c.json", "deep"], True, False, 13, True, 3, 80,
                             ["dot.png", "game.js", "game.json"], len(DOT_PNG)]
    assert seen["errors"] == ["readFileSync", "writeFileSync", "unlinkSync", "mkdirSync"]
    assert seen["asyncDir"] == ["deep"]
    assert seen["loaded"] == [1, 1, True]
    assert seen["timers"] == ["interval", "timeout arg"]
    assert seen["frame"] == "number"
    assert seen["touch"] == [1, 0, 12, 34, "number"]
    for member in ("readdirSync", "statSync", "unlinkSync", "mkdirSync", "rmdirSync", "readFile", "writeFile"):
        assert member in seen["fs"]
    assert "createImage" in seen["sdk"] and "toBuffer" not in seen["canvas"]


@pytest.mark.parametrize("engine", [e for e in ENGINES if e != "node"])
def test_javascriptcore_offers_the_same_as_node(make_package, engine, on_node):
    seen = what_the_package_saw(contract_package(make_package), engine)
    # JavaScriptCore's shell never lists its own globals (console, setTimeout) in getOwnPropertyNames, even
    # once replaced; `documented` checks each by name. The names the runtime lacks are listed there (their
    # accessors sit on the global object: its prototype is immutable) and read undefined, as on Node.
    assert set(seen.pop("globals")) - NEWER_ECMASCRIPT <= set(on_node["globals"])
    expected = {k: v for k, v in on_node.items() if k != "globals"}
    assert seen == expected
