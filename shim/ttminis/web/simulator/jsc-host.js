/*
 * A native package on JavaScriptCore (Debian's `jsc` shell): the engine TikTok runs games on under iOS.
 *
 *   jsc jsc-host.js -- '{"staging": DIR, "package": DIR, "timeout": ms}'
 *
 * ttminis/simulator/jsc.py prepares `staging`: every package .js file wrapped as
 * `__ttminisDefine(path, function (exports, require, module) {...})` (jsc's `load` runs scripts, not
 * modules), each .wasm.br decompressed beside it (jsc has no brotli), the fake SDK, `setup.js` and
 * `result.js`. This host then gives the package the same globals as the Node simulator's strict realm —
 * ECMAScript built-ins, console, timers, requestAnimationFrame, GameGlobal, require, TTMinis (ttminis's
 * fake plus minimal native APIs; the canvas keeps no pixels), TTWebAssembly (by path) — after removing the
 * shell's own functions (print, read, load, performance, WebAssembly, ...), runs game.js, waits until
 * `ttminisLoader` is no longer loading, and prints one JSON line: {state, progress, timings, errors,
 * console, uncaught, result, canvases, elapsed, startedAt (epoch ms when game.js was required)}.
 */
(function (shell) {
  "use strict";
  var config = JSON.parse(shell.args[0]);
  var log = [];
  var uncaught = [];
  var started = shell.preciseTime();
  function now() { return (shell.preciseTime() - started) * 1000; }

  // ---- the strict global set ------------------------------------------------------------------------------
  var engineWasm = globalThis.WebAssembly;
  ["print", "printErr", "debug", "describe", "describeArray", "jscStack", "gc", "fullGC", "edenGC", "readFile",
   "read", "readline", "load", "loadString", "checkSyntax", "run", "runString", "quit", "version", "setTimeout",
   "preciseTime", "performance", "$262", "$", "createGlobalObject", "callerSourceOrigin", "drainMicrotasks",
   "writeFile", "releaseWeakRefs", "finalizationRegistryLiveCount", "noInline", "noFTL", "OSRExit", "isFinalTier",
   "transferArrayBuffer", "failNextNewCodeBlock", "numberOfDFGCompiles", "jscOptions", "reoptimizationRetryCount",
   "callerIsBBQOrOMGCompiled", "platformSupportsSamplingProfiler", "generateHeapSnapshot",
   "samplingProfilerStackTraces", "maxArguments", "asyncTestStart", "asyncTestPassed", "WebAssemblyMemoryMode",
   "heapCapacity", "flashHeapAccess", "disableRichSourceInfo", "mallocInALoop", "totalCompileTime",
   "setUnhandledRejectionCallback", "arguments", "scriptArgs", "WebAssembly", "console"
  ].forEach(function (name) { delete globalThis[name]; });

  function show(value) {
    if (typeof value === "string") return value;
    if (value && typeof value.stack === "string" && typeof value.message === "string") {
      return value.name + ": " + value.message + "\n" + value.stack;
    }
    try { return JSON.stringify(value); } catch (e) { return String(value); }
  }
  function logger(level) {
    return function () { log.push({ level: level, text: Array.prototype.map.call(arguments, show).join(" ") }); };
  }
  function guarded(fn, args, where) {
    try { fn.apply(undefined, args); } catch (e) { uncaught.push({ where: where, error: show(e) }); }
  }

  var timers = {};
  var nextId = 1;
  function arm(id, fn, ms, repeat) {
    shell.setTimeout(function () {
      if (!timers[id]) return;
      if (repeat) arm(id, fn, ms, repeat); else delete timers[id];
      fn();
    }, ms);
  }
  function timer(repeat) {
    return function (fn, ms) {
      if (typeof fn !== "function") throw new TypeError("timers take a function on the native runtime");
      var id = nextId++;
      var args = Array.prototype.slice.call(arguments, 2);
      timers[id] = true;
      arm(id, function () { guarded(fn, args, "timer"); }, Math.max(0, Number(ms) || 0), repeat);
      return id;
    };
  }
  function clear(id) { delete timers[id]; }

  var frames = [];
  var frameArmed = false;
  function requestAnimationFrame(fn) {
    var id = nextId++;
    frames.push({ id: id, fn: fn });
    if (!frameArmed) {
      frameArmed = true;
      shell.setTimeout(function () {
        frameArmed = false;
        var due = frames;
        frames = [];
        due.forEach(function (f) { guarded(f.fn, [now()], "requestAnimationFrame"); });
      }, 16);
    }
    return id;
  }
  function cancelAnimationFrame(id) { frames = frames.filter(function (f) { return f.id !== id; }); }

  function normalize(path) {
    var parts = [];
    String(path).replace(/^\.?\//, "").split("/").forEach(function (part) {
      if (part === "" || part === ".") return;
      if (part === "..") parts.pop(); else parts.push(part);
    });
    return parts.join("/");
  }
  function readBytes(path) {
    var data = shell.readFile(config.package + "/" + normalize(path), "binary");
    var buffer = new ArrayBuffer(data.length);
    new Uint8Array(buffer).set(data);
    return buffer;
  }

  // require: the staged, wrapped package files.
  var factories = {};
  var modules = {};
  globalThis.__ttminisDefine = function (path, factory) { factories[path] = factory; };
  function makeRequire(dir) {
    return function require(request) {
      var path = normalize(request.indexOf("./") === 0 || request.indexOf("../") === 0 ? dir + "/" + request : request);
      if (!/\.js$/.test(path)) path += ".js";
      if (modules[path]) return modules[path].exports;
      if (!factories[path]) shell.load(config.staging + "/modules/" + path);
      if (!factories[path]) throw new Error("require: cannot find module " + request);
      var module = { exports: {}, id: path };
      modules[path] = module;
      factories[path].call(module.exports, module.exports, makeRequire(path.replace(/\/?[^/]*$/, "")), module);
      return module.exports;
    };
  }

  // TTWebAssembly: package files by path only (.wasm.br were decompressed into the staging folder).
  function compile(path) {
    return new Promise(function (resolve, reject) {
      if (typeof path !== "string") throw new TypeError("TTWebAssembly takes a path to a file in the package");
      var file = normalize(path);
      var data = /\.br$/.test(file) ? shell.readFile(config.staging + "/wasm/" + file, "binary")
                                     : shell.readFile(config.package + "/" + file, "binary");
      engineWasm.compile(data).then(resolve, reject);
    });
  }
  var TTWebAssembly = {
    compile: compile,
    instantiate: function (path, imports) {
      return compile(path).then(function (module) {
        return { module: module, instance: new engineWasm.Instance(module, imports) };
      });
    },
    Module: engineWasm.Module, Instance: engineWasm.Instance, Memory: engineWasm.Memory, Table: engineWasm.Table,
    Global: engineWasm.Global, Tag: engineWasm.Tag, Exception: engineWasm.Exception,
    CompileError: engineWasm.CompileError, LinkError: engineWasm.LinkError, RuntimeError: engineWasm.RuntimeError
  };

  var globals = {
    console: { log: logger("log"), info: logger("info"), warn: logger("warn"), error: logger("error"),
               debug: logger("debug"), trace: logger("debug"), group: logger("log"), groupEnd: function () {} },
    setTimeout: timer(false), setInterval: timer(true), clearTimeout: clear, clearInterval: clear,
    requestAnimationFrame: requestAnimationFrame, cancelAnimationFrame: cancelAnimationFrame,
    GameGlobal: globalThis, require: makeRequire(""), TTWebAssembly: TTWebAssembly
  };
  Object.keys(globals).forEach(function (name) {
    Object.defineProperty(globalThis, name, { value: globals[name], writable: true, configurable: true });
  });

  // ---- TTMinis: the fake, plus native APIs without pixels -------------------------------------------------
  function queueMicrotask(fn) { Promise.resolve().then(function () { guarded(fn, [], "microtask"); }); }
  shell.load(config.staging + "/fake.js");
  globalThis.__ttminisFake(queueMicrotask);
  delete globalThis.__ttminisFake;
  var fake = globalThis.TTMinisFake;
  delete globalThis.TTMinisFake;

  function stubContext() {
    var ctx = { font: "10px sans-serif", fillStyle: "#000", strokeStyle: "#000", lineWidth: 1, globalAlpha: 1,
                textAlign: "start", textBaseline: "alphabetic", calls: 0 };
    ["fillRect", "clearRect", "strokeRect", "fillText", "strokeText", "beginPath", "closePath", "moveTo", "lineTo",
     "arc", "rect", "fill", "stroke", "save", "restore", "translate", "rotate", "scale", "drawImage", "setTransform",
     "quadraticCurveTo", "bezierCurveTo", "clip"].forEach(function (name) {
      ctx[name] = function () { ctx.calls += 1; };
    });
    ctx.measureText = function (text) { return { width: String(text).length * (parseFloat(ctx.font) || 10) * 0.6 }; };
    return ctx;
  }
  var screen = null;
  var canvases = 0;
  function createCanvas() {
    canvases += 1;
    var canvas = { width: screen ? 300 : 390, height: screen ? 150 : 844, context: null };
    canvas.getContext = function () { return canvas.context || (canvas.context = stubContext()); };
    if (!screen) screen = canvas;
    return canvas;
  }
  fake.extend(function (game) {
    game.createCanvas = createCanvas;
    game.getFileSystemManager = function () {
      return {
        readFileSync: function (path, encoding) {
          if (encoding) throw new Error("readFileSync:fail the jsc host reads binary only");
          try { return readBytes(path); } catch (e) { throw new Error("readFileSync:fail no such file " + path); }
        }
      };
    };
    game.loadSubpackage = function (options) {
      var listeners = [];
      shell.setTimeout(function () {
        listeners.forEach(function (fn) { fn({ progress: 100, totalBytesWritten: 1, totalBytesExpectedToWrite: 1 }); });
        options.success({ errMsg: "loadSubpackage:ok" });
        if (options.complete) options.complete();
      }, 0);
      return { onProgressUpdate: function (fn) { listeners.push(fn); } };
    };
    game.env = { USER_DATA_PATH: "ttfile://user" };
  });

  // ---- run, wait, report ------------------------------------------------------------------------------------
  shell.setUnhandledRejectionCallback(function (error) { uncaught.push({ where: "unhandled rejection", error: show(error) }); });
  shell.load(config.staging + "/setup.js");
  globalThis.__ttminisSetup(fake);
  shell.load(config.staging + "/result.js");
  var result = globalThis.__ttminisResult;
  delete globalThis.__ttminisSetup;
  delete globalThis.__ttminisResult;
  var startedAt = Date.now();
  try {
    globalThis.require("game.js");
  } catch (e) {
    uncaught.push({ where: "game.js", error: show(e) });
  }
  function finish(state) {
    var loader = globalThis.ttminisLoader || {};
    var value = null;
    try { value = result(fake); } catch (e) { value = "result() threw: " + show(e); }
    shell.print(JSON.stringify({ state: state, progress: loader.progress, timings: loader.timings,
                                 errors: loader.errors, console: log, uncaught: uncaught, result: value,
                                 canvases: canvases, elapsed: Math.round(now()), startedAt: startedAt }));
    shell.quit(0);
  }
  (function check() {
    var loader = globalThis.ttminisLoader;
    if (loader && loader.state !== "loading") return finish(loader.state);
    if (now() > config.timeout) return finish("timeout");
    shell.setTimeout(check, 20);
  })();
})({
  args: typeof scriptArgs !== "undefined" ? scriptArgs : arguments, print: print, readFile: readFile, load: load,
  quit: quit, setTimeout: setTimeout, preciseTime: preciseTime,
  setUnhandledRejectionCallback: setUnhandledRejectionCallback
});
