/*
 * The realm side of ttminis's native-runtime simulator.
 *
 * host.js evaluates this file inside the Node `vm` realm that stands in for TikTok's native runtime and calls
 * the function it evaluates to with the host's primitives. Everything a package touches is made here, so it
 * belongs to the realm as it would on a device: consoles, timers, `require`, modules, ArrayBuffers, option
 * and event objects. The strict global set is exactly what the reference documents:
 *
 *   ECMAScript built-ins, console, setTimeout/clearTimeout/setInterval/clearInterval,
 *   requestAnimationFrame/cancelAnimationFrame, GameGlobal, require, TTMinis, TTWebAssembly
 *
 * and the lenient one adds the globals nobody documents: WebAssembly, TextDecoder, TextEncoder,
 * performance, crypto, queueMicrotask. Code generation is refused and recorded (eval, the Function
 * constructors, string timers); the host records wasm compiled from bytes, import(), ES module syntax and
 * reads from subpackages not loaded yet.
 *
 * Returns {queueMicrotask, nativeApis(game, fake), touchEvent(...), screen(), runFrame...} for host.js.
 */
(function installRealm(host) {
  "use strict";
  var realm = globalThis;
  var slice = Array.prototype.slice;

  // ---- code generation: refused, recorded -------------------------------------------------------------
  function refuser(kind, what) {
    return function () {
      host.violation(kind, what + " was called");
      throw new EvalError(what + " is not allowed on TikTok's native runtime");
    };
  }
  var evalStub = refuser("eval", "eval()");
  Object.defineProperty(realm, "eval", { value: evalStub, writable: true, configurable: true, enumerable: false });
  function guardConstructor(prototype, what) {
    var original = prototype.constructor;
    var refuse = refuser("function-constructor", what);
    var guarded = new Proxy(original, { apply: refuse, construct: refuse });
    Object.defineProperty(prototype, "constructor", { value: guarded, writable: true, configurable: true });
    return guarded;
  }
  var FunctionGuard = guardConstructor(Function.prototype, "new Function()");
  Object.defineProperty(realm, "Function", { value: FunctionGuard, writable: true, configurable: true, enumerable: false });
  guardConstructor(Object.getPrototypeOf(async function () {}), "the AsyncFunction constructor");
  guardConstructor(Object.getPrototypeOf(function* () {}), "the GeneratorFunction constructor");
  guardConstructor(Object.getPrototypeOf(async function* () {}), "the AsyncGeneratorFunction constructor");

  // ---- console --------------------------------------------------------------------------------------------
  function show(value) {
    if (typeof value === "string") return value;
    if (value instanceof Error || (value && typeof value.stack === "string" && typeof value.message === "string")) {
      return value.stack || (value.name + ": " + value.message);
    }
    if (typeof value === "object" && value !== null) {
      try { return JSON.stringify(value); } catch (e) { return Object.prototype.toString.call(value); }
    }
    return String(value);
  }
  function logger(level) {
    return function () { host.log(level, slice.call(arguments).map(show).join(" ")); };
  }
  var consoleObject = {
    log: logger("log"), info: logger("info"), warn: logger("warn"), error: logger("error"),
    debug: logger("debug"), trace: logger("debug"), group: logger("log"), groupEnd: function () {},
    assert: function (ok) { if (!ok) host.log("error", "Assertion failed: " + slice.call(arguments, 1).map(show).join(" ")); },
    time: function () {}, timeEnd: function () {}, table: logger("log"), dir: logger("log")
  };
  Object.defineProperty(realm, "console", { value: consoleObject, writable: true, configurable: true, enumerable: false });

  // Host errors belong to Node's realm (instanceof fails here): give the package this realm's kind.
  function realmError(error) {
    if (error instanceof Error) return error;
    var Kind = error && typeof realm[error.name] === "function" ? realm[error.name] : Error;
    var copy = new Kind(error && error.message || String(error));
    if (error && typeof error.stack === "string") copy.stack = error.stack;
    return copy;
  }

  // ---- TTWebAssembly: package files by path only ------------------------------------------------------------
  // The host compiles (code generation is off in this realm); modules get this realm's prototype and
  // everything else is the realm's own WebAssembly, so instanceof and errors behave as on a device.
  function makeTTWebAssembly(engine) {
    function compile(path, what) {
      return new Promise(function (resolve, reject) {
        host.compileWasm(path, what).then(function (module) {
          resolve(Object.setPrototypeOf(module, engine.Module.prototype));
        }, function (error) {
          reject(error && error.name === "CompileError" ? new engine.CompileError(error.message) : realmError(error));
        });
      });
    }
    function Module() {
      host.violation("wasm-from-bytes", "new TTWebAssembly.Module(...) (modules come from TTWebAssembly.compile(path))");
      throw new TypeError("TTWebAssembly.Module cannot be constructed from bytes; use TTWebAssembly.compile(path)");
    }
    Module.prototype = engine.Module.prototype;
    Module.customSections = engine.Module.customSections;
    Module.imports = engine.Module.imports;
    Module.exports = engine.Module.exports;
    return {
      compile: function (path) { return compile(path, "compile"); },
      instantiate: function (path, imports) {
        return compile(path, "instantiate").then(function (module) {
          return { module: module, instance: new engine.Instance(module, imports) };
        });
      },
      Module: Module,
      Instance: engine.Instance,
      Memory: engine.Memory,
      Table: engine.Table,
      Global: engine.Global,
      Tag: engine.Tag,
      Exception: engine.Exception,
      CompileError: engine.CompileError,
      LinkError: engine.LinkError,
      RuntimeError: engine.RuntimeError
    };
  }

  // ---- timers and frames ----------------------------------------------------------------------------------
  function guarded(fn, args, where) {
    try {
      fn.apply(undefined, args);
    } catch (e) {
      host.uncaught(e, where);
    }
  }
  function timer(repeat, name) {
    return function (fn, ms) {
      if (typeof fn !== "function") {
        host.violation("string-timer", name + " was given a " + typeof fn + " instead of a function");
        throw new TypeError(name + ": the callback must be a function (no string timers on the native runtime)");
      }
      var args = slice.call(arguments, 2);
      return host.setTimer(function () { guarded(fn, args, name); }, Number(ms) || 0, repeat);
    };
  }
  var globals = {
    setTimeout: timer(false, "setTimeout"),
    setInterval: timer(true, "setInterval"),
    clearTimeout: function (id) { host.clearTimer(id); },
    clearInterval: function (id) { host.clearTimer(id); },
    requestAnimationFrame: function (fn) {
      if (typeof fn !== "function") throw new TypeError("requestAnimationFrame: the callback must be a function");
      return host.requestFrame(function (time) { guarded(fn, [time], "requestAnimationFrame"); });
    },
    cancelAnimationFrame: function (id) { host.cancelFrame(id); },
    GameGlobal: realm,
    TTWebAssembly: makeTTWebAssembly(host.engineWebAssembly)
  };
  Object.keys(globals).forEach(function (name) {
    Object.defineProperty(realm, name, { value: globals[name], writable: true, configurable: true, enumerable: false });
  });
  function queueMicrotask(fn) {
    Promise.resolve().then(function () { guarded(fn, [], "queueMicrotask"); });
  }

  // ---- CommonJS require over the package's files ---------------------------------------------------------
  var modules = {};
  function dirname(path) {
    var i = path.lastIndexOf("/");
    return i < 0 ? "" : path.slice(0, i);
  }
  function makeRequire(dir) {
    return function require(request) {
      if (typeof request !== "string") throw new TypeError("require: the path must be a string");
      var path, factory;
      try {
        path = host.resolveModule(request, dir);
        if (modules[path]) return modules[path].exports;
        factory = host.compileModule(path);
      } catch (error) {
        throw realmError(error);
      }
      var module = { exports: {}, id: path };
      modules[path] = module;
      try {
        factory.call(module.exports, module.exports, makeRequire(dirname(path)), module);
      } catch (e) {
        delete modules[path];
        throw e;
      }
      return module.exports;
    };
  }
  Object.defineProperty(realm, "require", { value: makeRequire(""), writable: true, configurable: true, enumerable: false });

  // ---- lenient mode: the globals nobody documents ------------------------------------------------------------
  if (host.lenient) {
    var engineWasm = host.engineWebAssembly;
    var lenientWasm = {};
    Object.getOwnPropertyNames(engineWasm).forEach(function (name) { lenientWasm[name] = engineWasm[name]; });
    function fromBytes(what, original) {
      return function (source) {
        var isModule = source instanceof engineWasm.Module;
        if (!isModule) host.violation("wasm-from-bytes", "WebAssembly." + what + " was given bytes");
        return original.apply(engineWasm, arguments);
      };
    }
    ["compile", "instantiate", "compileStreaming", "instantiateStreaming", "validate"].forEach(function (name) {
      lenientWasm[name] = fromBytes(name, engineWasm[name]);
    });
    var ModuleGuard = function Module(bytes) {
      host.violation("wasm-from-bytes", "new WebAssembly.Module was given bytes");
      return new engineWasm.Module(bytes);
    };
    ModuleGuard.prototype = engineWasm.Module.prototype;
    ["customSections", "imports", "exports"].forEach(function (name) { ModuleGuard[name] = engineWasm.Module[name]; });
    lenientWasm.Module = ModuleGuard;
    var extras = {
      WebAssembly: lenientWasm,
      TextDecoder: host.TextDecoder,
      TextEncoder: host.TextEncoder,
      performance: { now: host.now },
      crypto: { getRandomValues: function (view) { host.randomFill(view); return view; } },
      queueMicrotask: queueMicrotask
    };
    Object.keys(extras).forEach(function (name) {
      Object.defineProperty(realm, name, { value: extras[name], writable: true, configurable: true, enumerable: false });
    });
  }

  // ---- the native-only APIs on TTMinis.game -------------------------------------------------------------------
  var USER_DATA_PATH = "ttfile://user";
  var screenCanvas = null;

  function toArrayBuffer(bytes) {
    var buffer = new ArrayBuffer(bytes.length);
    new Uint8Array(buffer).set(bytes);
    return buffer;
  }
  function toBytes(data, encoding) {
    if (typeof data === "string") return host.encode(data, encoding || "utf8");
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    }
    throw new TypeError("data must be a string or an ArrayBuffer");
  }
  function fsError(api, error) {
    return new Error(api + ":fail " + (error && error.message || String(error)));
  }
  function syncCall(api, fn) {
    try {
      return fn();
    } catch (error) {
      throw fsError(api, error);
    }
  }
  function asyncCall(api, options, fn) {
    options = options || {};
    Promise.resolve().then(function () {
      var result;
      try {
        result = fn(options);
      } catch (error) {
        var failure = { errMsg: api + ":fail " + (error && error.message || String(error)) };
        if (typeof options.fail === "function") options.fail(failure);
        if (typeof options.complete === "function") options.complete(failure);
        return;
      }
      var payload = Object.assign({ errMsg: api + ":ok" }, result || {});
      if (typeof options.success === "function") options.success(payload);
      if (typeof options.complete === "function") options.complete(payload);
    });
  }
  function stats(info) {
    return {
      size: info.size, mode: info.mode, lastAccessedTime: info.mtime, lastModifiedTime: info.mtime,
      isFile: function () { return info.file; }, isDirectory: function () { return !info.file; }
    };
  }

  var fileSystem = {
    readFileSync: function (filePath, encoding) {
      return syncCall("readFileSync", function () {
        var bytes = host.readFile(filePath);
        return encoding ? host.decode(bytes, encoding) : toArrayBuffer(bytes);
      });
    },
    readFile: function (o) {
      asyncCall("readFile", o, function (o) {
        var bytes = host.readFile(o.filePath);
        return { data: o.encoding ? host.decode(bytes, o.encoding) : toArrayBuffer(bytes) };
      });
    },
    writeFileSync: function (filePath, data, encoding) {
      syncCall("writeFileSync", function () { host.writeFile(filePath, toBytes(data, encoding), false); });
    },
    writeFile: function (o) {
      asyncCall("writeFile", o, function (o) { host.writeFile(o.filePath, toBytes(o.data, o.encoding), false); });
    },
    appendFileSync: function (filePath, data, encoding) {
      syncCall("appendFileSync", function () { host.writeFile(filePath, toBytes(data, encoding), true); });
    },
    appendFile: function (o) {
      asyncCall("appendFile", o, function (o) { host.writeFile(o.filePath, toBytes(o.data, o.encoding), true); });
    },
    accessSync: function (path) { syncCall("accessSync", function () { host.stat(path); }); },
    access: function (o) { asyncCall("access", o, function (o) { host.stat(o.path); }); },
    statSync: function (path) { return syncCall("statSync", function () { return stats(host.stat(path)); }); },
    stat: function (o) { asyncCall("stat", o, function (o) { return { stats: stats(host.stat(o.path)) }; }); },
    readdirSync: function (dirPath) {
      return syncCall("readdirSync", function () { return host.readdir(dirPath).slice(); });
    },
    readdir: function (o) { asyncCall("readdir", o, function (o) { return { files: host.readdir(o.dirPath).slice() }; }); },
    mkdirSync: function (dirPath, recursive) { syncCall("mkdirSync", function () { host.mkdir(dirPath, !!recursive); }); },
    mkdir: function (o) { asyncCall("mkdir", o, function (o) { host.mkdir(o.dirPath, !!o.recursive); }); },
    unlinkSync: function (filePath) { syncCall("unlinkSync", function () { host.remove(filePath, false); }); },
    unlink: function (o) { asyncCall("unlink", o, function (o) { host.remove(o.filePath, false); }); },
    rmdirSync: function (dirPath, recursive) { syncCall("rmdirSync", function () { host.remove(dirPath, !!recursive); }); },
    rmdir: function (o) { asyncCall("rmdir", o, function (o) { host.remove(o.dirPath, !!o.recursive); }); },
    renameSync: function (oldPath, newPath) { syncCall("renameSync", function () { host.rename(oldPath, newPath); }); },
    rename: function (o) { asyncCall("rename", o, function (o) { host.rename(o.oldPath, o.newPath); }); },
    copyFileSync: function (srcPath, destPath) {
      syncCall("copyFileSync", function () { host.writeFile(destPath, host.readFile(srcPath), false); });
    },
    copyFile: function (o) {
      asyncCall("copyFile", o, function (o) { host.writeFile(o.destPath, host.readFile(o.srcPath), false); });
    }
  };

  function loadSubpackage(options) {
    options = options || {};
    var listeners = [];
    var task = {
      onProgressUpdate: function (fn) { listeners.push(fn); },
      offProgressUpdate: function (fn) { listeners = listeners.filter(function (f) { return f !== fn; }); }
    };
    host.loadSubpackage(String(options.name), function (written, expected, percent) {
      var event = { progress: percent, totalBytesWritten: written,
                    totalBytesExpectedToWrite: expected };
      listeners.slice().forEach(function (fn) { guarded(fn, [event], "onProgressUpdate"); });
    }, function (error) {
      var payload = error ? { errMsg: "loadSubpackage:fail " + error } : { errMsg: "loadSubpackage:ok" };
      var fn = error ? options.fail : options.success;
      if (typeof fn === "function") guarded(fn, [payload], "loadSubpackage");
      if (typeof options.complete === "function") guarded(options.complete, [payload], "loadSubpackage");
    });
    return task;
  }

  function createInnerAudioContext() {
    var listeners = {};
    var audio = { src: "", autoplay: false, loop: false, volume: 1, currentTime: 0, duration: 0, paused: true };
    function emit(event, payload) {
      (listeners[event] || []).slice().forEach(function (fn) { guarded(fn, [payload || {}], "audio.on" + event); });
    }
    ["Canplay", "Play", "Pause", "Stop", "Ended", "Error", "TimeUpdate", "Seeking", "Seeked", "Waiting"].forEach(function (event) {
      audio["on" + event] = function (fn) { (listeners[event] = listeners[event] || []).push(fn); };
      audio["off" + event] = function (fn) {
        listeners[event] = fn === undefined ? [] : (listeners[event] || []).filter(function (f) { return f !== fn; });
      };
    });
    function played(event) {
      host.noteAudio(event, audio.src);
      queueMicrotask(function () { emit(event.charAt(0).toUpperCase() + event.slice(1)); });
    }
    audio.play = function () { audio.paused = false; played("play"); };
    audio.pause = function () { audio.paused = true; played("pause"); };
    audio.stop = function () { audio.paused = true; played("stop"); };
    audio.seek = function (position) { audio.currentTime = Number(position) || 0; };
    audio.destroy = function () { listeners = {}; host.noteAudio("destroy", audio.src); };
    host.noteAudio("create", "");
    return audio;
  }

  function nativeApis(game) {
    game.createCanvas = function () {
      if (screenCanvas === null) {
        screenCanvas = host.createCanvas(true);
        return screenCanvas;
      }
      return host.createCanvas(false);
    };
    game.createImage = function () { return host.createImage(); };
    game.getFileSystemManager = function () { return fileSystem; };
    game.loadSubpackage = loadSubpackage;
    game.env = { USER_DATA_PATH: USER_DATA_PATH };
    game.createInnerAudioContext = createInnerAudioContext;
    game.setPreferredFramesPerSecond = function (fps) { host.setFramesPerSecond(Number(fps)); };
    game.getSystemInfoSync = function () {     // the simulated phone: its screen matches game.json's orientation
      var s = host.screen;
      return { platform: "devtools", brand: "ttminis", model: "simulator", SDKVersion: "fake",
               screenWidth: s.width, screenHeight: s.height, windowWidth: s.width, windowHeight: s.height,
               pixelRatio: s.pixelRatio };
    };
  }

  function touchEvent(points, changed) {
    function touch(p) { return { identifier: p.id, clientX: p.x, clientY: p.y }; }
    return { touches: points.map(touch), changedTouches: changed.map(touch), timeStamp: host.now() };
  }

  return {
    queueMicrotask: queueMicrotask,
    nativeApis: nativeApis,
    touchEvent: touchEvent,
    USER_DATA_PATH: USER_DATA_PATH
  };
})
