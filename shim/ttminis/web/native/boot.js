/*
 * ttminis boot for TikTok's native runtime (CommonJS; no DOM, no eval, no import(), no fetch).
 *
 * game.js calls boot(require("./ttminis/config.js")); the build wrote that config. In order:
 *   1. `ttminisTarget = "native"` (read once by ttminis/target.py), `ttminisBackendUrl` when the build was
 *      given --backend-url (ttminis.game_server), and `ttminisLoader`, the same object the html loader
 *      makes: {target, runtime, state, progress, errors, timings, ready, reportError, pyodide}.
 *   2. Every subpackage is loaded with TTMinis.game.loadSubpackage, in parallel; their download progress
 *      (onProgressUpdate) drives TTMinis.game.setLoadingProgress up to 0.5.
 *   3. Pyodide starts from package files (pyodide-native.js: startPyodide, its steps timed), the game's code
 *      archives are unpacked into the game folder, and main.py runs as __main__ with top-level await.
 *      Progress reaches 1 only once main.py has run.
 *   4. Any failure, and any Python exception ttminis reports later, is logged and drawn on the on-screen
 *      canvas: the one the first TTMinis.game.createCanvas() call returns. The game's own first call still
 *      gets that canvas, even if the error screen took it first; nothing else is taken from the game.
 *      A failed boot also sets progress to 1, since TikTok's loading screen hides the canvas until then.
 *   5. The game surface (ttminis/surface.js, the same contract as on html): that on-screen canvas, sized to
 *      the window at the device pixel ratio; TTMinis.game.onTouch*; createImage and createInnerAudioContext
 *      on package paths; the writable folder kept under TTMinis.game.env.USER_DATA_PATH. Before main.py
 *      runs, the current folder is the game's, the files under assets/ are copied into it so open() reads
 *      them, and the writable folder (/data) is filled from USER_DATA_PATH.
 *   Assets the build moved into a subpackage: ttminisLoader.assetPath("assets/x.png") is their package path.
 *
 * Example (game.js):
 *   require("./ttminis/boot.js").boot(require("./ttminis/config.js"));
 */
"use strict";

var GAME_DIR = "/home/pyodide/game";
var DATA_DIR = "/data";

function now() {
  return globalThis.performance && typeof globalThis.performance.now === "function"
    ? globalThis.performance.now() : Date.now();
}

function sdk() {
  return globalThis.TTMinis && globalThis.TTMinis.game;
}

// The on-screen canvas: the first createCanvas() call's, shared by the error screen and the game. Once
// this is installed, the game's own first createCanvas() call gets that canvas even if ttminis took it first.
var keeper = null;
function keepScreen() {
  if (keeper) return;
  var game = sdk();
  keeper = { canvas: null, get: function () { return null; } };
  if (!game || typeof game.createCanvas !== "function") return;
  var original = game.createCanvas;
  var gameHasScreen = false;
  keeper.get = function () {
    if (!keeper.canvas) keeper.canvas = original.call(game);
    return keeper.canvas;
  };
  game.createCanvas = function () {
    if (gameHasScreen) return original.apply(game, arguments);
    gameHasScreen = true;
    return keeper.get();
  };
}

/** The on-screen canvas (the first createCanvas() call's), for ttminis's own drawing; null without an SDK. */
function screenCanvas() {
  keepScreen();
  return keeper.get();
}

function wrapLines(ctx, text, width) {
  var lines = [];
  String(text).split("\n").forEach(function (line) {
    line = line.replace(/\t/g, "    ");
    if (line === "") { lines.push(""); return; }
    while (line.length) {
      var n = line.length;
      while (n > 1 && ctx.measureText(line.slice(0, n)).width > width) n = Math.floor(n * 0.9);
      var space = n < line.length ? line.lastIndexOf(" ", n) : -1;
      if (space > n / 2) n = space + 1;
      lines.push(line.slice(0, n));
      line = line.slice(n);
    }
  });
  return lines;
}

function drawError(canvas, title, detail) {
  if (!canvas || typeof canvas.getContext !== "function") return false;
  var ctx = canvas.getContext("2d");
  if (!ctx) return false;
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);     // the game may have scaled it for the device pixel ratio
  var width = canvas.width || 390;
  var height = canvas.height || 844;
  var scale = Math.max(1, width / 390);
  var margin = 14 * scale;
  ctx.fillStyle = "#1e1f24";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = "#ff6b6b";
  ctx.font = "bold " + Math.round(17 * scale) + "px sans-serif";
  ctx.fillText("The game hit an error", margin, margin + 18 * scale);
  ctx.fillStyle = "#e8e8ea";
  ctx.font = Math.round(11 * scale) + "px monospace";
  var lineHeight = 14 * scale;
  var y = margin + 46 * scale;
  var lines = wrapLines(ctx, title + "\n\n" + detail, width - 2 * margin);
  var room = Math.floor((height - y) / lineHeight);
  if (lines.length > room) lines = lines.slice(0, 3).concat(["…"], lines.slice(lines.length - (room - 4)));
  lines.forEach(function (line) {
    ctx.fillText(line, margin, y);
    y += lineHeight;
  });
  ctx.restore();
  return true;
}

// Pyodide's own frames (running main.py for us) say nothing to the game's author; the game's frames first.
function trimTraceback(text) {
  var trimmed = String(text).replace(/  File "\/lib\/python\d+\.zip\/_pyodide\/[^\n]*\n(    [^\n]*\n)*/g, "");
  return require("./surface.js").gameFramesFirst(trimmed);
}

function readPackageFile(path) {
  return sdk().getFileSystemManager().readFileSync(path);
}

function loadSubpackages(list, onProgress) {
  var total = list.reduce(function (sum, s) { return sum + s.bytes; }, 0) || 1;
  var done = {};
  function report() {
    var sum = 0;
    list.forEach(function (s) { sum += (done[s.name] || 0) * s.bytes; });
    onProgress(sum / total);
  }
  return Promise.all(list.map(function (sub) {
    return new Promise(function (resolve, reject) {
      var task = sdk().loadSubpackage({
        name: sub.name,
        success: function () { done[sub.name] = 1; report(); resolve(); },
        fail: function (result) {
          reject(new Error("loadSubpackage(" + sub.name + ") failed: " + JSON.stringify(result)));
        }
      });
      if (task && typeof task.onProgressUpdate === "function") {
        task.onProgressUpdate(function (event) {
          var fraction = event && event.totalBytesExpectedToWrite > 0
            ? event.totalBytesWritten / event.totalBytesExpectedToWrite
            : (event && event.progress > 1 ? event.progress / 100 : (event && event.progress) || 0);
          done[sub.name] = Math.max(done[sub.name] || 0, Math.min(1, fraction));
          report();
        });
      }
    });
  }));
}

function unpackCode(pyodide, archives) {
  archives.forEach(function (archive) {
    pyodide.unpackArchive(readPackageFile(archive), "zip", { extractDir: GAME_DIR });
  });
  pyodide.runPython("import sys\nif " + JSON.stringify(GAME_DIR) + " not in sys.path: sys.path.insert(0, " +
                    JSON.stringify(GAME_DIR) + ")");
  tellWherePythonIs(pyodide);
}

// A simulator records what the game may not do with the file and line; when Python made the call, the line
// is the game's .py: ttminisLoader.pythonWhere() names the innermost frame of the game's own code (not
// ttminis's), as JSON [file, line, text], or "" when no game code is running.
var WHERE = [
  "import sys, json, linecache",
  "def where(game=" + JSON.stringify(GAME_DIR + "/") + "):",
  "    frame = sys._getframe(1)",
  "    while frame is not None:",
  "        name = frame.f_code.co_filename",
  "        rel = name[len(game):] if name.startswith(game) else name",
  "        if (name.startswith(game) or name == 'main.py') and not rel.startswith('ttminis/'):",
  "            return json.dumps([rel, frame.f_lineno, linecache.getline(game + rel, frame.f_lineno)])",
  "        frame = frame.f_back",
  "    return ''",
  "where"
].join("\n");
function tellWherePythonIs(pyodide) {
  var loader = globalThis.ttminisLoader;
  if (!loader || typeof loader !== "object") return;
  var scope = pyodide.toPy({});
  var where = pyodide.runPython(WHERE, { globals: scope });
  scope.destroy();
  loader.pythonWhere = function () { return where(); };
}

/**
 * Load the subpackages, start Pyodide (from the build's memory snapshot when the package has one), unpack
 * the game's code and copy its assets into its folder (the working directory): resolves {pyodide, timings}. `progress(fraction)` is told how far it got (0..0.85);
 * `mark(name)` when each part is done; `extra` goes to startPyodide (the build's snapshot maker uses it).
 */
function startRuntime(config, progress, mark, extra) {
  var runtime;
  return Promise.resolve().then(function () {
    runtime = require("./pyodide-native.js");
    mark("parsed");
    return loadSubpackages(config.subpackages, function (fraction) { progress(0.5 * fraction); });
  }).then(function () {
    mark("subpackages");
    var stepProgress = { modules: 0.55, stdlib: 0.6, instantiate: 0.65, restore: 0.7, python: 0.75 };
    return runtime.start(Object.assign({}, config.runtime, {
      codeTable: config.runtime.emCode ? require("./em-code.js") : null,
      readFile: readPackageFile,
      onStep: function (name) { progress(stepProgress[name] || 0); }
    }, extra || {}));
  }).then(function (started) {
    mark("runtime");
    progress(0.85);
    unpackCode(started.pyodide, config.code);
    copyAssets(started.pyodide, config.assetFiles || [], function (path) { return config.assets[path] || path; });
    started.pyodide.FS.chdir(GAME_DIR);
    mark("files");
    return started;
  });
}

// The game's assets/ into its folder of Python's file system, so open("assets/...") reads them.
function copyAssets(pyodide, names, assetPath) {
  names.forEach(function (name) {
    var path = GAME_DIR + "/" + name;
    pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
    pyodide.FS.writeFile(path, new Uint8Array(readPackageFile(assetPath(name))));
  });
}

// ---- the game surface's native platform (see surface.js for the contract) ----------------------------
// The writable folder: files under TTMinis.game.env.USER_DATA_PATH, written to a temporary name and renamed,
// so a save cut short never leaves half a file under the real name.
var TEMP_SUFFIX = ".ttminis-partial";
function userDataStore(game) {
  var fs = null;
  var root = null;
  function full(name) {
    if (!fs) {
      fs = game.getFileSystemManager();
      root = game.env.USER_DATA_PATH;
    }
    return name ? root + "/" + name : root;
  }
  function walk(dir, prefix, out) {
    fs.readdirSync(dir).forEach(function (entry) {
      var path = dir + "/" + entry;
      if (fs.statSync(path).isDirectory()) walk(path, prefix + entry + "/", out);
      else if (entry.slice(-TEMP_SUFFIX.length) !== TEMP_SUFFIX) out.push(prefix + entry);
    });
    return out;
  }
  function storeError(error, name, size) {
    var text = String(error && (error.errMsg || error.message) || error);
    var full = /exceed|limit|quota|full|space/i.test(text);
    return new Error((full ? "ENOSPC: the game's storage (USER_DATA_PATH) is full" : "EIO: could not save")
                     + " (" + name + ", " + size + " bytes): " + text);
  }
  return {
    names: function () { return walk(full(""), "", []).sort(); },
    read: function (name) {
      try {
        return new Uint8Array(fs.readFileSync(full(name)));
      } catch (e) {
        return null;
      }
    },
    write: function (name, bytes) {
      var path = full(name);
      var temp = path + TEMP_SUFFIX;
      var data = bytes.slice().buffer;
      try {
        var dir = path.slice(0, path.lastIndexOf("/"));
        if (dir !== root) fs.mkdirSync(dir, true);
      } catch (e) { /* it exists */ }
      try {
        fs.writeFileSync(temp, data);
      } catch (e) {
        try { fs.unlinkSync(temp); } catch (_) { /* nothing was written */ }
        throw storeError(e, name, bytes.length);
      }
      try {
        fs.renameSync(temp, path);
      } catch (e) {              // a file system that will not rename over an existing file
        try { fs.unlinkSync(path); } catch (_) { /* there was none */ }
        fs.renameSync(temp, path);
      }
    },
    remove: function (name) {
      try { fs.unlinkSync(full(name)); } catch (e) { /* already gone */ }
    }
  };
}

function nativePlatform(loader) {
  var game = sdk();
  var view = null;
  function viewport() {
    if (view) return view;
    var info = {};
    try { info = game.getSystemInfoSync() || {}; } catch (e) { info = {}; }
    var canvas = screenCanvas();
    view = { width: info.windowWidth || info.screenWidth || canvas.width,
             height: info.windowHeight || info.screenHeight || canvas.height,
             pixelRatio: info.pixelRatio || 1 };
    return view;
  }
  return {
    target: "native",
    canvas: screenCanvas,
    viewport: viewport,
    listenTouches: function (emit) {
      ["Start", "Move", "End", "Cancel"].forEach(function (kind) {
        game["onTouch" + kind](function (event) { emit(kind, event); });
      });
    },
    listenVisibility: function (onHide, onShow) {
      game.onHide(function () { onHide(); });
      game.onShow(function () { onShow(); });
    },
    requestFrame: function (fn) { return requestAnimationFrame(fn); },
    cancelFrame: function (id) { cancelAnimationFrame(id); },
    createImage: function (path, onLoad, onError) {
      var image = game.createImage();
      image.onload = function () { onLoad(); };
      image.onerror = function (e) { onError((e && (e.errMsg || e.message)) || "no such image in the package"); };
      image.src = loader.assetPath(path);
      return image;
    },
    createSound: function (path) {
      var audio = game.createInnerAudioContext();
      audio.src = loader.assetPath(path);
      return {
        play: function () { audio.play(); },
        pause: function () { audio.pause(); },
        stop: function () { audio.stop(); },
        setLoop: function (value) { audio.loop = value; },
        setVolume: function (value) { audio.volume = Math.max(0, Math.min(1, value)); },
        onEnded: function (fn) { audio.onEnded(fn); },
        destroy: function () { audio.destroy(); }
      };
    },
    store: userDataStore(game),
    reportError: function (text) { loader.reportError(text); }
  };
}

function runMain(pyodide) {
  var source = pyodide.FS.readFile(GAME_DIR + "/main.py", { encoding: "utf8" });
  var globals = pyodide.toPy({ __name__: "__main__", __file__: GAME_DIR + "/main.py" });
  return pyodide.runPythonAsync(source, { globals: globals, filename: "main.py" }).finally(function () {
    globals.destroy();
  });
}

/** Boot the game described by `config` (ttminis/config.js). Returns ttminisLoader. */
function boot(config) {
  globalThis.ttminisTarget = "native";
  require("./ffi.js");                  // globalThis.ttminisFFI, the JavaScript half of an SDK call
  if (config.backendUrl) globalThis.ttminisBackendUrl = config.backendUrl;   // read by ttminis.game_server
  keepScreen();
  var started = now();
  var loader = {
    target: "native", runtime: "pyodide", state: "loading", progress: 0, errors: [], pyodide: null,
    timings: {}
  };
  globalThis.ttminisLoader = loader;

  function progress(value) {
    value = Math.max(loader.progress, Math.min(1, value));
    loader.progress = value;
    var game = sdk();
    if (game && typeof game.setLoadingProgress === "function") {
      try {
        game.setLoadingProgress({ progress: value });
      } catch (e) {
        console.warn("[ttminis] setLoadingProgress:", e);
      }
    }
  }
  function showError(title, detail) {
    if (loader.state !== "ready") loader.state = "error";
    loader.errors.push(title + "\n" + detail);
    console.error("[ttminis] " + title + "\n" + detail);
    drawError(screenCanvas(), title, detail);
  }
  loader.reportError = function (text) { showError("Python error", trimTraceback(text)); };
  loader.assetPath = function (path) { return config.assets[path] || path; };
  loader.surface = sdk() ? require("./surface.js").makeSurface(nativePlatform(loader)) : null;
  function mark(name) {
    loader.timings[name] = Math.round(now() - started);
  }

  var watchdog = setTimeout(function () {
    if (loader.state === "loading") {
      showError("The game could not start", "Python did not start within " + config.bootTimeout + " s.");
    }
  }, config.bootTimeout * 1000);

  progress(0);
  loader.ready = startRuntime(config, progress, mark).then(function (started) {
    loader.pyodide = started.pyodide;
    loader.timings.pyodide = started.timings;
    if (loader.surface) loader.surface.attachFileSystem(started.pyodide.FS, DATA_DIR);
    progress(0.9);
    return runMain(started.pyodide);
  }).then(function () {
    mark("mainDone");
    clearTimeout(watchdog);
    if (loader.state !== "error") loader.state = "ready";
    progress(1);
    return loader;
  }, function (e) {
    clearTimeout(watchdog);
    var python = e && e.name === "PythonError";
    showError(python ? "Python error" : "The game could not start",
              python ? trimTraceback(e.message) : String((e && e.stack) || e));
    progress(1);     // TikTok's loading screen closes at 1: only then is the error screen seen
    return loader;
  });
  return loader;
}

module.exports = { boot: boot, startRuntime: startRuntime, drawError: drawError, screenCanvas: screenCanvas,
                   wrapLines: wrapLines };
