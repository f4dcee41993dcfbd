/*
 * The realm side of ttminis's native-runtime simulator, shared by both hosts (Node's `vm`: host.js;
 * JavaScriptCore's shell: jsc-host.js).
 *
 * The host evaluates this file inside the realm that stands in for TikTok's native runtime, before any package
 * code, and calls the function it evaluates to with the host's primitives. Everything a package can obtain is
 * made here, so it belongs to the realm as it would on a device: consoles, timers, `require`, modules,
 * ArrayBuffers, option and event objects, and realm-side wrappers around what the host draws with (canvas,
 * 2D context, gradients, patterns, images). No host object is ever handed to package code: a host object's
 * `constructor` would be the host's `Function`, which generates code. The strict global set is exactly what
 * the reference documents:
 *
 *   ECMAScript built-ins, console, setTimeout/clearTimeout/setInterval/clearInterval,
 *   requestAnimationFrame/cancelAnimationFrame, GameGlobal, require, TTMinis, TTWebAssembly
 *
 * and the lenient one adds the globals nobody documents: WebAssembly, TextDecoder, TextEncoder,
 * performance, crypto, queueMicrotask.
 *
 * Refused and recorded as violations, with the package file and line (or the game's .py file and line when
 * Python made the call), even when the package catches the error: eval, the four function constructors
 * (by any route: Function, `constructor` of any function, Reflect, descriptors), string timers, a bare use of
 * a global the runtime lacks (document, fetch, process, ...) or a call of one read off globalThis, a call of
 * a member the runtime's canvas lacks (toBuffer, ...), require of Node's modules, WebAssembly from bytes.
 * Feature detection stays allowed: `typeof fetch`, `"fetch" in globalThis`, `globalThis.fetch`,
 * `globalThis.fetch?.()`.
 *
 * Everything this file uses after package code started was captured below before it did: a package that
 * replaces `Object.setPrototypeOf`, `WeakMap.prototype.get` or `Function.prototype.apply` sees nothing of the
 * host.
 */
(function installRealm(host) {
  "use strict";
  var realm = globalThis;
  // ---- the intrinsics, captured before package code can replace them -----------------------------------------
  var apply = Reflect.apply;
  var construct = Reflect.construct;
  var reflectGet = Reflect.get;
  var reflectHas = Reflect.has;
  var defineProperty = Object.defineProperty;
  var getPrototypeOf = Object.getPrototypeOf;
  var setPrototypeOf = Object.setPrototypeOf;
  var objectCreate = Object.create;
  var freeze = Object.freeze;
  var hasOwn = Object.prototype.hasOwnProperty;
  var isPrototypeOf = Object.prototype.isPrototypeOf;
  var arrayFrom = Array.from;
  var ArrayCtor = Array;
  var arraySlice = Array.prototype.slice;
  var arrayPush = Array.prototype.push;
  var arrayMap = Array.prototype.map;
  var arrayJoin = Array.prototype.join;
  var arrayIndexOf = Array.prototype.indexOf;
  var arrayForEach = Array.prototype.forEach;
  var arrayFilter = Array.prototype.filter;
  var arraySplice = Array.prototype.splice;
  var stringSplit = String.prototype.split;
  var stringSlice = String.prototype.slice;
  var stringIndexOf = String.prototype.indexOf;
  var stringCharAt = String.prototype.charAt;
  var stringToUpper = String.prototype.toUpperCase;
  var stringToLower = String.prototype.toLowerCase;
  var stringCodePointAt = String.prototype.codePointAt;
  var stringLastIndexOf = String.prototype.lastIndexOf;
  var RegExpCtor = RegExp;
  var getOwnPropertyNames = Object.getOwnPropertyNames;
  var regexpExec = RegExp.prototype.exec;
  var regexpTest = RegExp.prototype.test;
  var jsonParse = JSON.parse;
  var jsonStringify = JSON.stringify;
  var WeakMapCtor = WeakMap;
  var weakGet = WeakMap.prototype.get;
  var weakSet = WeakMap.prototype.set;
  var weakHas = WeakMap.prototype.has;
  var ProxyCtor = Proxy;
  var PromiseCtor = Promise;
  var promiseThen = Promise.prototype.then;
  var promiseResolve = Promise.resolve;
  var ArrayBufferCtor = ArrayBuffer;
  var Uint8ArrayCtor = Uint8Array;
  var Uint8ClampedArrayCtor = Uint8ClampedArray;
  var typedSet = Uint8Array.prototype.set;
  var isView = ArrayBuffer.isView;
  var ErrorCtor = Error;
  var ERRORS = { Error: Error, TypeError: TypeError, RangeError: RangeError, SyntaxError: SyntaxError,
                 ReferenceError: ReferenceError, EvalError: EvalError, URIError: URIError };
  var StringCtor = String;
  var NumberCtor = Number;
  var mathRound = Math.round;
  var objectToString = Object.prototype.toString;
  var slice = function (list, from) { return apply(arraySlice, list, from === undefined ? [] : [from]); };
  function push(list, value) { apply(arrayPush, list, [value]); }
  function text(value) { return StringCtor(value); }
  function matches(re, value) { return apply(regexpExec, re, [value]); }
  function weak() {
    var map = new WeakMapCtor();
    return {
      get: function (key) { return apply(weakGet, map, [key]); },
      set: function (key, value) { apply(weakSet, map, [key, value]); },
      has: function (key) { return apply(weakHas, map, [key]); }
    };
  }
  function isObject(value) { return (typeof value === "object" && value !== null) || typeof value === "function"; }
  function define(target, name, value) {
    defineProperty(target, name, { value: value, writable: true, configurable: true, enumerable: false });
  }
  // Host errors belong to the host's realm: the package gets a copy made here (message and stack as text).
  function realmError(error) {
    if (isObject(error) && apply(isPrototypeOf, ErrorCtor.prototype, [error])) return error;
    var name = isObject(error) ? text(error.name) : "Error";
    var Kind = apply(hasOwn, ERRORS, [name]) ? ERRORS[name] : ErrorCtor;
    var copy = new Kind(isObject(error) ? text(error.message) : text(error));
    if (isObject(error) && typeof error.stack === "string") define(copy, "stack", error.stack);
    return copy;
  }

  // ---- where a violation happened: the package file and line, or the game's .py file and line ---------------
  // Package files are named by their path in the package; everything else (this file, the fake, the host's own
  // files by absolute path, the engine's internals) is the simulator's.
  var SIMULATOR_FILE = /^(ttminis-simulator\/|node:|evalmachine|internal\/|\/|\[native code\]|$)/;
  var THIS_FILE = "ttminis-simulator/realm.js";
  var HOST_FILE = typeof host.selfFile === "string" ? host.selfFile : THIS_FILE;
  var FRAME = /(?:\(|@|\bat |^)([^()@\s][^()@]*?):(\d+):(\d+)\)?\s*$/;
  var RUNTIME_FILE = /^ttminis\//;     // ttminis's own files in the package: Pyodide, boot, the FFI
  var stackTampered = false;
  // The package's frames, innermost first; with `innermost`, [] when the innermost frame that is not this
  // file's is the simulator's own (the host or the driver looked, not the package).
  function frames(innermost) {
    var limit = ErrorCtor.stackTraceLimit;
    var prepare = ErrorCtor.prepareStackTrace;
    var stack = "";
    try {
      ErrorCtor.stackTraceLimit = 40;
      if (prepare !== undefined) ErrorCtor.prepareStackTrace = undefined;
      stack = new ErrorCtor().stack;
    } catch (e) {
      stack = "";
    }
    try {
      ErrorCtor.stackTraceLimit = limit;
      if (prepare !== undefined) ErrorCtor.prepareStackTrace = prepare;
    } catch (e) { /* a package froze them: nothing to restore */ }
    var found = [];
    if (typeof stack !== "string") { stackTampered = true; return found; }
    var lines = apply(stringSplit, stack, ["\n"]);
    for (var i = 0; i < lines.length; i++) {
      var m = matches(FRAME, lines[i]);
      if (!m || m[1] === HOST_FILE) continue;
      var file = typeof host.fileName === "function" ? text(host.fileName(m[1])) : m[1];
      if (file === THIS_FILE) continue;
      if (matches(SIMULATOR_FILE, file)) {
        if (innermost && found.length === 0) return found;
        continue;
      }
      push(found, { file: file, line: NumberCtor(m[2]), column: NumberCtor(m[3]) });
    }
    stackTampered = found.length === 0 && lines.length < 3;
    return found;
  }
  var asking = false;
  function pythonWhere() {
    // boot.js hands the simulator a Python function naming the innermost frame of the game's own code.
    var loader = reflectGet(realm, "ttminisLoader");
    var ask = isObject(loader) ? loader.pythonWhere : undefined;
    if (typeof ask !== "function" || asking) return null;
    asking = true;
    try {
      var answer = ask();
      if (typeof answer !== "string" || answer === "") return null;
      var parsed = apply(jsonParse, JSON, [answer]);
      return { file: text(parsed[0]), line: NumberCtor(parsed[1]), source: text(parsed[2]), python: true };
    } catch (e) {
      return null;
    } finally {
      asking = false;
    }
  }
  function where() {
    var found = frames();
    var first = found.length ? found[0] : null;
    if (!first || matches(RUNTIME_FILE, first.file)) {
      var python = pythonWhere();
      if (python) return python;
    }
    return first;
  }
  function violation(kind, detail, at) {
    at = at || where();
    host.record(kind, detail, at ? at.file : null, at ? at.line : null, at && at.python ? true : false);
  }

  // ---- code generation: refused, recorded -------------------------------------------------------------
  function refuser(kind, what) {
    return function () {
      violation(kind, what + " was called");
      throw new EvalError(what + " is not allowed on TikTok's native runtime");
    };
  }
  var evalStub = refuser("eval", "eval()");
  define(realm, "eval", evalStub);
  function guardConstructor(prototype, what) {
    var original = prototype.constructor;
    var refuse = refuser("function-constructor", what);
    var guarded = new ProxyCtor(original, { apply: refuse, construct: refuse });
    defineProperty(prototype, "constructor", { value: guarded, writable: true, configurable: true });
    return guarded;
  }
  var FunctionGuard = guardConstructor(Function.prototype, "new Function()");
  define(realm, "Function", FunctionGuard);
  guardConstructor(getPrototypeOf(async function () {}), "the AsyncFunction constructor");
  guardConstructor(getPrototypeOf(function* () {}), "the GeneratorFunction constructor");
  guardConstructor(getPrototypeOf(async function* () {}), "the AsyncGeneratorFunction constructor");

  // ---- globals the runtime lacks: feature detection allowed, use recorded ------------------------------------
  // An absent global is looked up on the global object's prototype chain, where this proxy sits: it sees every
  // such lookup and reads the source at the caller's position to tell `typeof x`, `"x" in globalThis` and
  // `globalThis.x` (allowed) from a bare `x` or `globalThis.x(...)` (recorded).
  var ABSENT = ["document", "window", "self", "top", "parent", "frames", "fetch", "XMLHttpRequest", "Worker",
                "SharedWorker", "ServiceWorker", "navigator", "location", "history", "localStorage", "sessionStorage",
                "indexedDB", "importScripts", "postMessage", "WebSocket", "EventSource", "Image", "Audio",
                "HTMLCanvasElement", "OffscreenCanvas", "Blob", "FileReader", "URL", "alert", "process", "global",
                "Buffer", "setImmediate", "clearImmediate", "__dirname", "__filename", "module", "Deno", "Bun",
                "print", "read", "readbuffer", "readline", "load", "quit", "scriptArgs", "structuredClone", "atob",
                "btoa", "WebAssembly", "TextDecoder", "TextEncoder", "performance", "crypto", "queueMicrotask"];
  var absentSet = objectCreate(null);
  apply(arrayForEach, ABSENT, [function (name) { absentSet[name] = true; }]);
  var IDENTIFIER_CHAR = /[\w$]/;
  var sourceCache = objectCreate(null);
  function sourceLine(file, line) {
    var key = file + ":" + line;
    if (!(key in sourceCache)) {
      var got = null;
      try { got = host.sourceLine(file, line); } catch (e) { got = null; }
      sourceCache[key] = typeof got === "string" ? got : null;
    }
    return sourceCache[key];
  }
  function skipSpaceBack(line, i) {
    while (i >= 0 && (line[i] === " " || line[i] === "\t")) i--;
    return i;
  }
  function skipSpace(line, i) {
    while (i < line.length && (line[i] === " " || line[i] === "\t")) i++;
    return i;
  }
  // How the JavaScript at `at` used `name`: "bare", "call" (read off an object and called), or "read".
  var WORST = { read: 0, call: 1, bare: 2 };
  function jsUse(at, name) {
    var line = sourceLine(at.file, at.line);
    if (line === null) return "unknown";
    var i = at.column - 1;
    if (apply(stringSlice, line, [i, i + name.length]) === name) return useAt(line, i, name);
    if (apply(stringSlice, line, [i, i + 6]) === "typeof") return "read";
    if (matches(RUNTIME_FILE, at.file)) return "read";     // Reflect.get, x[k] in ttminis's own files
    if (line[i] === "[") return computedUse(line, i);       // globalThis[name]: what follows the `]` tells
    // The engine placed the lookup elsewhere on the line (a statement's or a call's position, before or after
    // the name): when the line's first mention of the name is a feature test (`typeof x === "function" ? x :
    // null`, `typeof window !== "undefined" && window.document`), that test is what ran, since the name is
    // absent; otherwise the worst use on the line.
    var worst = "read";
    var first = null;
    var from = 0;
    for (;;) {
      var found = apply(stringIndexOf, line, [name, from]);
      if (found < 0) break;
      from = found + name.length;
      if (found > 0 && matches(IDENTIFIER_CHAR, line[found - 1])) continue;
      var use = useAt(line, found, name);
      var mention = use === "read" ? featureTest(line, found, name) : use;
      if (first === null && mention !== null) first = mention;
      if (WORST[use] > WORST[worst]) worst = use;
    }
    return first === "test" ? "read" : worst;
  }
  // A mention read as "read": "test" when it tests for the name (`typeof x`, `globalThis.x`, `"x" in ...`),
  // null when it is only text (a string that names it: a label, a message).
  function featureTest(line, i, name) {
    var quote = line[i - 1];
    if (quote === "'" || quote === '"' || quote === "`") {
      var after = skipSpace(line, i + name.length + 1);
      var isIn = apply(stringSlice, line, [after, after + 2]) === "in" && !matches(IDENTIFIER_CHAR, line[after + 2] || " ");
      return isIn ? "test" : null;
    }
    return "test";
  }
  function useAt(line, i, name) {
    if (i + name.length < line.length && matches(IDENTIFIER_CHAR, line[i + name.length])) return "read";
    var quote = line[i - 1];
    if ((quote === "'" || quote === '"' || quote === "`") && line[i + name.length] === quote) return "read";
    var before = skipSpaceBack(line, i - 1);
    var after = skipSpace(line, i + name.length);
    // Called, or a member of it read (`globalThis.document.title`): a use; `?.` stays a feature test.
    var calls = line[after] === "(" || line[after] === "`" || line[after] === "[" ||
                (line[after] === "." && line[after - 1] !== "?");
    if (before >= 0 && line[before] === "." && line[before - 1] !== "?") return calls ? "call" : "read";
    if (before >= 0 && line[before] === ".") return "read";
    if (before >= 0 && line[before] === "(") before = skipSpaceBack(line, before - 1);     // typeof (x)
    if (before >= 5 && apply(stringSlice, line, [before - 5, before + 1]) === "typeof" &&
        !matches(IDENTIFIER_CHAR, line[before - 6] || " ")) return "read";
    return "bare";
  }
  // A lookup by a computed name, `obj[...]` with `[` at `i`: called or a member of it read is a use.
  function computedUse(line, i) {
    var depth = 0;
    var quote = null;
    for (var j = i; j < line.length; j++) {
      var c = line[j];
      if (quote !== null) {
        if (c === "\\") j++;
        else if (c === quote) quote = null;
      } else if (c === "'" || c === '"' || c === "`") {
        quote = c;
      } else if (c === "[") {
        depth++;
      } else if (c === "]" && --depth === 0) {
        var after = skipSpace(line, j + 1);
        var next = line[after];
        if (next === "(" || next === "`" || next === "[" || next === ".") return "call";
        return "read";
      }
    }
    return "read";
  }
  // The source patterns that tell how a line used an absent `name`, made once per name (names here are
  // identifiers: nothing to escape). A Python line that tests for the name (`js.fetch(u) if hasattr(js,
  // "fetch") else None`) ran the test: the name is absent, so the use it guards did not run.
  var PYTHON_COMPUTED_CALL = /\bgetattr\s*\(\s*js\s*,[^()]*\)\s*[.(\[]/;
  var patternsByName = objectCreate(null);
  function patterns(name) {
    var made = patternsByName[name];
    if (made === undefined) {
      var quoted = "['\"]" + name + "['\"]";
      made = patternsByName[name] = {
        hasattr: new RegExpCtor("\\bhasattr\\s*\\(\\s*js\\s*,\\s*" + quoted),
        getattrWithDefault: new RegExpCtor("\\bgetattr\\s*\\(\\s*js\\s*,\\s*" + quoted + "\\s*,"),
        pythonCall: new RegExpCtor("(^|[^\\w$'\"])" + name + "\\s*[.(\\[]"),
        pythonImport: new RegExpCtor("^\\s*from\\s+js\\s+import\\b.*\\b" + name + "\\b"),
        jsIn: new RegExpCtor("['\"`]" + name + "['\"`]\\s*in\\b")
      };
    }
    return made;
  }
  // How the game's Python line used `name`: a call, `new`, or `from js import name` is a use; so is a call of
  // `getattr(js, ...)` (the name built at run time).
  function pythonUse(source, name) {
    var p = patterns(name);
    if (matches(p.hasattr, source) || matches(p.getattrWithDefault, source)) return "read";
    return matches(p.pythonCall, source) || matches(p.pythonImport, source) || matches(PYTHON_COMPUTED_CALL, source)
      ? "call" : "read";
  }
  var reported = objectCreate(null);
  // Records a use (not a feature test) of an absent `name`; "bare", "call" or "read" (the host throws a
  // ReferenceError for "bare", as the engine would).
  function absentLookup(kind, name, what) {
    var found = frames(true);
    if (!found.length) {
      if (stackTampered) violation(kind, what + " was used where the stack was hidden (position unknown)", null);
      return "read";        // the host's own driver, not the package
    }
    var at = found[0];
    var use = jsUse(at, name);
    if (use === "read" && matches(RUNTIME_FILE, at.file)) {
      var python = pythonWhere();
      if (python) {
        at = python;
        use = pythonUse(python.source, name);
      }
    }
    if (use === "read") {
      if (kind === "forbidden-global" && (at.python || !matches(RUNTIME_FILE, at.file))) noteInTest(at, name);
      return use;
    }
    var key = kind + "|" + name + "|" + at.file + ":" + at.line + ":" + (at.column || 0);
    if (!reported[key]) {
      reported[key] = true;
      var how = use === "call" ? " was called" : (use === "bare" ? " was used by name" : " was used");
      violation(kind, what + how + " (absent on the native runtime)", at);
    }
    return use;
  }
  // `"x" in globalThis` (Python: `hasattr(js, "x")`) answers true here for an absent x, false on the runtime
  // (the accessor that records a use answers `in` too): said once per line, as a console warning.
  var noted = objectCreate(null);
  function noteInTest(at, name) {
    var key = at.file + ":" + at.line + "|" + name;
    if (noted[key]) return;
    noted[key] = true;
    var source = at.python ? at.source : sourceLine(at.file, at.line);
    if (typeof source !== "string") return;
    if (!matches(at.python ? patterns(name).hasattr : patterns(name).jsIn, source)) return;
    var instead = at.python ? "getattr(js, \"" + name + "\", None) is not None" : "typeof " + name;
    host.log("warn", "[ttminis simulator] " + at.file + ":" + at.line + ": " +
             (at.python ? "hasattr(js, \"" + name + "\") is True" : "\"" + name + "\" in ... is true") +
             " in the simulator for a global TikTok's runtime lacks (false on a phone): test with " + instead);
  }
  function absentGuard(target, kind, label, names) {
    return new ProxyCtor(target, {
      get: function (t, key, receiver) {
        if (typeof key === "string" && !reflectHas(t, key) && (names === null || names[key] === true)) {
          absentLookup(kind, key, label(key));
        }
        return reflectGet(t, key, receiver);
      },
      has: function (t, key) {
        var present = reflectHas(t, key);
        if (!present && typeof key === "string" && (names === null || names[key] === true)) {
          absentLookup(kind, key, label(key));
        }
        return present;
      }
    });
  }
  // Each host puts absentAccessor(name) where a global lookup finds it (Node: on the sandbox's prototype;
  // JavaScriptCore, whose global object's prototype is immutable: on the global object itself). `typeof x`
  // and `globalThis.x` read undefined; a bare `x` throws the ReferenceError the engine would, and it and
  // `globalThis.x()` are recorded. A package may still define it (`GameGlobal.window = GameGlobal`, a
  // polyfilled TextEncoder): the assignment makes an ordinary property, as on the runtime. `"x" in
  // globalThis` reads true while the accessor is there: a known deviation.
  function absentAccessor(name) {
    name = text(name);
    return {
      configurable: true,
      get: function () {
        if (absentLookup("forbidden-global", name, name) === "bare") throw new ERRORS.ReferenceError(name + " is not defined");
        return undefined;
      },
      set: function (value) {
        var target = this === undefined || this === null ? realm : this;        // a bare `x = ...` on jsc
        defineProperty(target, name, { value: value, writable: true, enumerable: true, configurable: true });
      }
    };
  }

  // ---- console --------------------------------------------------------------------------------------------
  function show(value) {
    if (typeof value === "string") return value;
    if (isObject(value) && typeof value.stack === "string" && typeof value.message === "string") {
      return value.stack || (value.name + ": " + value.message);
    }
    if (typeof value === "object" && value !== null) {
      try { return apply(jsonStringify, JSON, [value]); } catch (e) { return apply(objectToString, value, []); }
    }
    return text(value);
  }
  function logger(level) {
    return function () { host.log(level, apply(arrayJoin, apply(arrayMap, arguments, [show]), [" "])); };
  }
  define(realm, "console", {
    log: logger("log"), info: logger("info"), warn: logger("warn"), error: logger("error"),
    debug: logger("debug"), trace: logger("debug"), group: logger("log"), groupEnd: function () {},
    assert: function (ok) {
      if (!ok) host.log("error", "Assertion failed: " + apply(arrayJoin, apply(arrayMap, slice(arguments, 1), [show]), [" "]));
    },
    time: function () {}, timeEnd: function () {}, table: logger("log"), dir: logger("log")
  });

  // ---- TTWebAssembly: package files by path only ------------------------------------------------------------
  // The host compiles (code generation is off in this realm); modules get this realm's prototype and
  // everything else is the realm's own WebAssembly, so instanceof and errors behave as on a device.
  function makeTTWebAssembly(engine) {
    var ModuleProto = engine.Module.prototype;
    var CompileError = engine.CompileError;
    function compile(path, what) {
      return new PromiseCtor(function (resolve, reject) {
        var pending;
        try {
          pending = host.compileWasm(path, what);
        } catch (error) {
          reject(realmError(error));
          return;
        }
        apply(promiseThen, pending, [function (module) {
          resolve(setPrototypeOf(module, ModuleProto));
        }, function (error) {
          reject(isObject(error) && error.name === "CompileError" ? new CompileError(text(error.message)) : realmError(error));
        }]);
      });
    }
    function Module() {
      violation("wasm-from-bytes", "new TTWebAssembly.Module(...) (modules come from TTWebAssembly.compile(path))");
      throw new TypeError("TTWebAssembly.Module cannot be constructed from bytes; use TTWebAssembly.compile(path)");
    }
    Module.prototype = ModuleProto;
    Module.customSections = engine.Module.customSections;
    Module.imports = engine.Module.imports;
    Module.exports = engine.Module.exports;
    // A compiled module's `constructor` must not be the engine's, which compiles bytes.
    define(ModuleProto, "constructor", Module);
    return {
      compile: function (path) { return compile(path, "compile"); },
      instantiate: function (path, imports) {
        if (isObject(path) && apply(isPrototypeOf, ModuleProto, [path])) {
          return new PromiseCtor(function (resolve) { resolve(new engine.Instance(path, imports)); });
        }
        return apply(promiseThen, compile(path, "instantiate"), [function (module) {
          return { module: module, instance: new engine.Instance(module, imports) };
        }]);
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
      apply(fn, undefined, args);
    } catch (e) {
      host.uncaught(e, where);
    }
  }
  function timer(repeat, name) {
    return function (fn, ms) {
      if (typeof fn !== "function") {
        violation("string-timer", name + " was given a " + typeof fn + " instead of a function");
        throw new TypeError(name + ": the callback must be a function (no string timers on the native runtime)");
      }
      var args = slice(arguments, 2);
      return host.setTimer(function () { guarded(fn, args, name); }, NumberCtor(ms) || 0, repeat);
    };
  }
  var engineWebAssembly = host.engineWebAssembly;
  var globals = {
    setTimeout: timer(false, "setTimeout"),
    setInterval: timer(true, "setInterval"),
    clearTimeout: function (id) { host.clearTimer(NumberCtor(id)); },
    clearInterval: function (id) { host.clearTimer(NumberCtor(id)); },
    requestAnimationFrame: function (fn) {
      if (typeof fn !== "function") throw new TypeError("requestAnimationFrame: the callback must be a function");
      return host.requestFrame(function (time) { guarded(fn, [time], "requestAnimationFrame"); });
    },
    cancelAnimationFrame: function (id) { host.cancelFrame(NumberCtor(id)); },
    GameGlobal: realm,
    TTWebAssembly: makeTTWebAssembly(engineWebAssembly)
  };
  var globalNames = ["setTimeout", "setInterval", "clearTimeout", "clearInterval", "requestAnimationFrame",
                     "cancelAnimationFrame", "GameGlobal", "TTWebAssembly"];
  apply(arrayForEach, globalNames, [function (name) { define(realm, name, globals[name]); }]);
  function queueMicrotask(fn) {
    apply(promiseThen, apply(promiseResolve, PromiseCtor, []), [function () { guarded(fn, [], "queueMicrotask"); }]);
  }

  // ---- CommonJS require over the package's files ---------------------------------------------------------
  var NODE_MODULES = /^(node:.*|assert|async_hooks|buffer|child_process|cluster|console|constants|crypto|dgram|dns|domain|events|fs|fs\/promises|http|http2|https|inspector|module|net|os|path|perf_hooks|process|punycode|querystring|readline|repl|stream|string_decoder|sys|timers|tls|trace_events|tty|url|util|v8|vm|wasi|worker_threads|zlib)$/;
  var modules = objectCreate(null);
  function dirname(path) {
    var i = apply(stringLastIndexOf, path, ["/"]);
    return i < 0 ? "" : apply(stringSlice, path, [0, i]);
  }
  function makeRequire(dir) {
    return function require(request) {
      if (typeof request !== "string") throw new TypeError("require: the path must be a string");
      var path, factory;
      try {
        path = host.resolveModule(request, dir);
      } catch (error) {
        if (matches(NODE_MODULES, request)) {
          violation("node-module", "require(" + apply(jsonStringify, JSON, [request]) + ") (Node's modules do not exist on the native runtime)");
        }
        throw realmError(error);
      }
      path = text(path);
      if (modules[path]) return modules[path].exports;
      try {
        factory = host.compileModule(path);
      } catch (error) {
        throw realmError(error);
      }
      var module = { exports: {}, id: path };
      modules[path] = module;
      try {
        apply(factory, module.exports, [module.exports, makeRequire(dirname(path)), module]);
      } catch (e) {
        delete modules[path];
        throw e;
      }
      return module.exports;
    };
  }
  define(realm, "require", makeRequire(""));

  // ---- lenient mode: the globals nobody documents ------------------------------------------------------------
  if (host.lenient) {
    var engineWasm = engineWebAssembly;
    var lenientWasm = {};
    apply(arrayForEach, getOwnPropertyNames(engineWasm), [function (name) { lenientWasm[name] = engineWasm[name]; }]);
    var fromBytes = function (what, original) {
      return function (source) {
        var isModule = isObject(source) && apply(isPrototypeOf, engineWasm.Module.prototype, [source]);
        if (!isModule) violation("wasm-from-bytes", "WebAssembly." + what + " was given bytes");
        return apply(original, engineWasm, arguments);
      };
    };
    apply(arrayForEach, ["compile", "instantiate", "compileStreaming", "instantiateStreaming", "validate"], [function (name) {
      lenientWasm[name] = fromBytes(name, engineWasm[name]);
    }]);
    var EngineModule = engineWasm.Module;
    var ModuleGuard = function Module(bytes) {
      violation("wasm-from-bytes", "new WebAssembly.Module was given bytes");
      return construct(EngineModule, [bytes]);
    };
    ModuleGuard.prototype = EngineModule.prototype;
    apply(arrayForEach, ["customSections", "imports", "exports"], [function (name) { ModuleGuard[name] = EngineModule[name]; }]);
    lenientWasm.Module = ModuleGuard;
    // TextDecoder and TextEncoder made here over the host's codecs (the host's classes would hand out its Function).
    var TextDecoder = function TextDecoder(label) {
      if (!new.target) throw new TypeError("TextDecoder must be called with new");
      var name = apply(stringToLower, text(label === undefined ? "utf-8" : label), []);
      this.encoding = name === "utf8" ? "utf-8" : name;
      this.fatal = false;
      this.ignoreBOM = false;
    };
    TextDecoder.prototype.decode = function (input) {
      if (input === undefined) return "";
      return decode(toBytes(input), this.encoding);
    };
    var TextEncoder = function TextEncoder() {
      if (!new.target) throw new TypeError("TextEncoder must be called with new");
      this.encoding = "utf-8";
    };
    TextEncoder.prototype.encode = function (input) {
      var bytes = host.encode(text(input === undefined ? "" : input), "utf8");
      var out = new Uint8ArrayCtor(NumberCtor(bytes.length));
      apply(typedSet, out, [bytes]);
      return out;
    };
    TextEncoder.prototype.encodeInto = function (input, destination) {
      var source = text(input);
      var bytes = host.encode(source, "utf8");
      var room = NumberCtor(destination.length);
      var written = NumberCtor(bytes.length);
      if (written <= room) {
        apply(typedSet, destination, [bytes]);
        return { read: source.length, written: written };
      }
      // Only whole characters fit: encode a prefix that fits (code point by code point).
      var read = 0;
      written = 0;
      while (read < source.length) {
        var code = apply(stringCodePointAt, source, [read]);
        var units = code > 0xFFFF ? 2 : 1;
        var size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
        if (written + size > room) break;
        var chunk = host.encode(apply(stringSlice, source, [read, read + units]), "utf8");
        for (var i = 0; i < size; i++) destination[written + i] = chunk[i];
        written += size;
        read += units;
      }
      return { read: read, written: written };
    };
    var extras = {
      WebAssembly: lenientWasm,
      TextDecoder: TextDecoder,
      TextEncoder: TextEncoder,
      performance: { now: function () { return host.now(); } },
      crypto: { getRandomValues: function (view) { host.randomFill(view); return view; } },
      queueMicrotask: queueMicrotask
    };
    apply(arrayForEach, ["WebAssembly", "TextDecoder", "TextEncoder", "performance", "crypto", "queueMicrotask"], [function (name) {
      if (extras[name] !== undefined) define(realm, name, extras[name]);
    }]);
  }

  // ---- the native-only APIs on TTMinis.game -------------------------------------------------------------------
  var USER_DATA_PATH = "ttfile://user";
  var screenCanvas = null;

  function toArrayBuffer(bytes) {
    var length = NumberCtor(bytes.length);
    var buffer = new ArrayBufferCtor(length);
    apply(typedSet, new Uint8ArrayCtor(buffer), [bytes]);
    return buffer;
  }
  function toBytes(data, encoding) {
    if (typeof data === "string") return host.encode(data, encoding ? text(encoding) : "utf8");
    if (isObject(data) && apply(isPrototypeOf, ArrayBufferCtor.prototype, [data])) return new Uint8ArrayCtor(data);
    if (isView(data)) return new Uint8ArrayCtor(data.buffer, data.byteOffset, data.byteLength);
    throw new TypeError("data must be a string or an ArrayBuffer");
  }
  function decode(bytes, encoding) { return text(host.decode(bytes, text(encoding))); }
  function message(error) { return isObject(error) ? text(error.message) : text(error); }
  function syncCall(api, fn) {
    try {
      return fn();
    } catch (error) {
      throw new ErrorCtor(api + ":fail " + message(error));
    }
  }
  function asyncCall(api, options, fn) {
    options = options || {};
    queueMicrotask(function () {
      var result;
      try {
        result = fn(options);
      } catch (error) {
        var failure = { errMsg: api + ":fail " + message(error) };
        if (typeof options.fail === "function") options.fail(failure);
        if (typeof options.complete === "function") options.complete(failure);
        return;
      }
      var payload = { errMsg: api + ":ok" };
      if (result) for (var key in result) if (apply(hasOwn, result, [key])) payload[key] = result[key];
      if (typeof options.success === "function") options.success(payload);
      if (typeof options.complete === "function") options.complete(payload);
    });
  }
  function stats(info) {
    var size = NumberCtor(info.size), mode = NumberCtor(info.mode), mtime = NumberCtor(info.mtime), file = info.file === true;
    return {
      size: size, mode: mode, lastAccessedTime: mtime, lastModifiedTime: mtime,
      isFile: function () { return file; }, isDirectory: function () { return !file; }
    };
  }
  function names(list) {
    // The host's array: copied into this realm, one string at a time.
    var out = [];
    var length = NumberCtor(list.length);
    for (var i = 0; i < length; i++) out[i] = text(list[i]);
    return out;
  }
  function readBytes(path) { return host.readFile(text(path)); }

  var fileSystem = {
    readFileSync: function (filePath, encoding) {
      return syncCall("readFileSync", function () {
        var bytes = readBytes(filePath);
        return encoding ? decode(bytes, encoding) : toArrayBuffer(bytes);
      });
    },
    readFile: function (o) {
      asyncCall("readFile", o, function (o) {
        var bytes = readBytes(o.filePath);
        return { data: o.encoding ? decode(bytes, o.encoding) : toArrayBuffer(bytes) };
      });
    },
    writeFileSync: function (filePath, data, encoding) {
      syncCall("writeFileSync", function () { host.writeFile(text(filePath), toBytes(data, encoding), false); });
    },
    writeFile: function (o) {
      asyncCall("writeFile", o, function (o) { host.writeFile(text(o.filePath), toBytes(o.data, o.encoding), false); });
    },
    appendFileSync: function (filePath, data, encoding) {
      syncCall("appendFileSync", function () { host.writeFile(text(filePath), toBytes(data, encoding), true); });
    },
    appendFile: function (o) {
      asyncCall("appendFile", o, function (o) { host.writeFile(text(o.filePath), toBytes(o.data, o.encoding), true); });
    },
    accessSync: function (path) { syncCall("accessSync", function () { host.stat(text(path)); }); },
    access: function (o) { asyncCall("access", o, function (o) { host.stat(text(o.path)); }); },
    statSync: function (path) { return syncCall("statSync", function () { return stats(host.stat(text(path))); }); },
    stat: function (o) { asyncCall("stat", o, function (o) { return { stats: stats(host.stat(text(o.path))) }; }); },
    readdirSync: function (dirPath) {
      return syncCall("readdirSync", function () { return names(host.readdir(text(dirPath))); });
    },
    readdir: function (o) { asyncCall("readdir", o, function (o) { return { files: names(host.readdir(text(o.dirPath))) }; }); },
    mkdirSync: function (dirPath, recursive) { syncCall("mkdirSync", function () { host.mkdir(text(dirPath), !!recursive); }); },
    mkdir: function (o) { asyncCall("mkdir", o, function (o) { host.mkdir(text(o.dirPath), !!o.recursive); }); },
    unlinkSync: function (filePath) { syncCall("unlinkSync", function () { host.remove(text(filePath), false); }); },
    unlink: function (o) { asyncCall("unlink", o, function (o) { host.remove(text(o.filePath), false); }); },
    rmdirSync: function (dirPath, recursive) { syncCall("rmdirSync", function () { host.remove(text(dirPath), !!recursive); }); },
    rmdir: function (o) { asyncCall("rmdir", o, function (o) { host.remove(text(o.dirPath), !!o.recursive); }); },
    renameSync: function (oldPath, newPath) { syncCall("renameSync", function () { host.rename(text(oldPath), text(newPath)); }); },
    rename: function (o) { asyncCall("rename", o, function (o) { host.rename(text(o.oldPath), text(o.newPath)); }); },
    copyFileSync: function (srcPath, destPath) {
      syncCall("copyFileSync", function () { host.writeFile(text(destPath), readBytes(srcPath), false); });
    },
    copyFile: function (o) {
      asyncCall("copyFile", o, function (o) { host.writeFile(text(o.destPath), readBytes(o.srcPath), false); });
    }
  };

  function loadSubpackage(options) {
    options = options || {};
    var listeners = [];
    var task = {
      onProgressUpdate: function (fn) { push(listeners, fn); },
      offProgressUpdate: function (fn) { listeners = apply(arrayFilter, listeners, [function (f) { return f !== fn; }]); }
    };
    host.loadSubpackage(text(options.name), function (written, expected, percent) {
      var event = { progress: NumberCtor(percent), totalBytesWritten: NumberCtor(written),
                    totalBytesExpectedToWrite: NumberCtor(expected) };
      apply(arrayForEach, slice(listeners), [function (fn) { guarded(fn, [event], "onProgressUpdate"); }]);
    }, function (error) {
      var payload = error ? { errMsg: "loadSubpackage:fail " + text(error) } : { errMsg: "loadSubpackage:ok" };
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
      apply(arrayForEach, slice(listeners[event] || []), [function (fn) { guarded(fn, [payload || {}], "audio.on" + event); }]);
    }
    apply(arrayForEach, ["Canplay", "Play", "Pause", "Stop", "Ended", "Error", "TimeUpdate", "Seeking", "Seeked", "Waiting"], [function (event) {
      audio["on" + event] = function (fn) { push(listeners[event] = listeners[event] || [], fn); };
      audio["off" + event] = function (fn) {
        listeners[event] = fn === undefined ? [] : apply(arrayFilter, listeners[event] || [], [function (f) { return f !== fn; }]);
      };
    }]);
    function played(event) {
      host.noteAudio(event, text(audio.src));
      queueMicrotask(function () { emit(apply(stringToUpper, apply(stringCharAt, event, [0]), []) + apply(stringSlice, event, [1])); });
    }
    audio.play = function () { audio.paused = false; played("play"); };
    audio.pause = function () { audio.paused = true; played("pause"); };
    audio.stop = function () { audio.paused = true; played("stop"); };
    audio.seek = function (position) { audio.currentTime = NumberCtor(position) || 0; };
    audio.destroy = function () { listeners = {}; host.noteAudio("destroy", text(audio.src)); };
    host.noteAudio("create", "");
    return audio;
  }

  // ---- canvas, 2D context, gradients, patterns, images: realm-side wrappers around the host's ----------------
  // Each wrapper keeps its host object in a WeakMap only this file reaches; values crossing out are primitives,
  // other wrappers, or copies made here (ImageData, TextMetrics, DOMMatrix, arrays).
  var hostOf = weak();
  var wrapperOf = weak();
  function unwrap(value) {
    if (isObject(value)) {
      var inner = hostOf.get(value);
      if (inner !== undefined) return inner;
    }
    return value;
  }
  function unwrapArgs(args) {
    var out = [];
    for (var i = 0; i < args.length; i++) out[i] = unwrap(args[i]);
    return out;
  }
  function inner(self, what) {
    var found = isObject(self) ? hostOf.get(self) : undefined;
    if (found === undefined) throw new TypeError("Illegal invocation: " + what + " called on an object that is not one");
    return found;
  }
  function outward(value, what) {
    if (!isObject(value)) return value;
    var known = wrapperOf.get(value);
    if (known !== undefined) return known;
    throw new TypeError(what + " returned something the native runtime's canvas does not have");
  }
  function makeWrapper(proto, hostObject) {
    var wrapper = objectCreate(proto);
    hostOf.set(wrapper, hostObject);
    wrapperOf.set(hostObject, wrapper);
    return wrapper;
  }
  // What a desktop canvas library (and a browser's canvas) has that the device's canvas does not.
  var CANVAS_EXTRAS = objectCreate(null);
  apply(arrayForEach, ["toBuffer", "toBufferAsync", "encode", "encodeSync", "encodeStream", "data", "savePng", "saveAs",
    "toBlob", "convertToBlob", "toDataURLAsync", "createPNGStream", "createJPEGStream", "createPDFStream", "pngStream",
    "jpegStream", "drawCanvas", "annotateLinkUrl", "annotateLinkToDestination", "annotateNamedDestination",
    "__debugTextLine", "transferToImageBitmap", "transferControlToOffscreen", "captureStream", "addEventListener",
    "getBoundingClientRect", "decode", "_canvas"], [function (name) { CANVAS_EXTRAS[name] = true; }]);
  function memberLabel(kind) { return function (name) { return kind + "." + name; }; }
  // A wrapper class's prototype: plain methods (primitive arguments and results), accessors, and the special
  // cases each written out; its own prototype is a guard recording calls of members the device's lacks.
  function wrapperClass(kind, spec) {
    var proto = objectCreate(absentGuard(objectCreate(Object.prototype), "canvas-extra", memberLabel(kind), CANVAS_EXTRAS));
    apply(arrayForEach, spec.methods || [], [function (name) {
      define(proto, name, function () {
        var target = inner(this, kind + "." + name);
        var result = apply(target[name], target, unwrapArgs(arguments));
        return isObject(result) ? outward(result, kind + "." + name) : result;
      });
    }]);
    apply(arrayForEach, spec.accessors || [], [function (name) {
      defineProperty(proto, name, {
        get: function () {
          var value = inner(this, kind + "." + name)[name];
          return isObject(value) ? outward(value, kind + "." + name) : value;
        },
        set: function (value) { inner(this, kind + "." + name)[name] = unwrap(value); },
        configurable: true, enumerable: true
      });
    }]);
    var custom = spec.custom || {};
    for (var name in custom) if (apply(hasOwn, custom, [name])) define(proto, name, custom[name]);
    define(proto, Symbol.toStringTag, kind);
    return proto;
  }
  var CONTEXT_METHODS = ["save", "restore", "reset", "isContextLost", "scale", "rotate", "translate", "transform",
    "setTransform", "resetTransform", "clearRect", "fillRect", "strokeRect", "beginPath", "fill", "stroke", "clip",
    "isPointInPath", "isPointInStroke", "fillText", "strokeText", "drawImage", "setLineDash", "closePath", "moveTo",
    "lineTo", "quadraticCurveTo", "bezierCurveTo", "arcTo", "rect", "roundRect", "arc", "ellipse"];
  var CONTEXT_ACCESSORS = ["globalAlpha", "globalCompositeOperation", "imageSmoothingEnabled", "imageSmoothingQuality",
    "strokeStyle", "fillStyle", "shadowOffsetX", "shadowOffsetY", "shadowBlur", "shadowColor", "filter", "lineWidth",
    "lineCap", "lineJoin", "miterLimit", "lineDashOffset", "font", "textAlign", "textBaseline", "direction",
    "letterSpacing", "fontKerning", "fontStretch", "fontVariantCaps", "textRendering", "wordSpacing"];
  function imageDataOf(width, height, data) {
    var bytes = new Uint8ClampedArrayCtor(NumberCtor(width) * NumberCtor(height) * 4);
    if (data) apply(typedSet, bytes, [data]);
    return { width: NumberCtor(width), height: NumberCtor(height), data: bytes, colorSpace: "srgb" };
  }
  var GradientProto = wrapperClass("CanvasGradient", { methods: ["addColorStop"] });
  var PatternProto = wrapperClass("CanvasPattern", { methods: ["setTransform"] });
  var ContextProto = wrapperClass("CanvasRenderingContext2D", {
    methods: CONTEXT_METHODS,
    accessors: CONTEXT_ACCESSORS,
    custom: {
      createLinearGradient: function (x0, y0, x1, y1) {
        return makeWrapper(GradientProto, inner(this, "createLinearGradient").createLinearGradient(
          NumberCtor(x0), NumberCtor(y0), NumberCtor(x1), NumberCtor(y1)));
      },
      createRadialGradient: function (x0, y0, r0, x1, y1, r1) {
        return makeWrapper(GradientProto, inner(this, "createRadialGradient").createRadialGradient(
          NumberCtor(x0), NumberCtor(y0), NumberCtor(r0), NumberCtor(x1), NumberCtor(y1), NumberCtor(r1)));
      },
      createConicGradient: function (angle, x, y) {
        return makeWrapper(GradientProto, inner(this, "createConicGradient").createConicGradient(
          NumberCtor(angle), NumberCtor(x), NumberCtor(y)));
      },
      createPattern: function (image, repetition) {
        var made = inner(this, "createPattern").createPattern(unwrap(image), repetition === null ? null : text(repetition));
        return made === null || made === undefined ? null : makeWrapper(PatternProto, made);
      },
      measureText: function (value) {
        var m = inner(this, "measureText").measureText(text(value));
        var out = {};
        apply(arrayForEach, ["width", "actualBoundingBoxLeft", "actualBoundingBoxRight", "actualBoundingBoxAscent",
          "actualBoundingBoxDescent", "fontBoundingBoxAscent", "fontBoundingBoxDescent", "emHeightAscent",
          "emHeightDescent", "hangingBaseline", "alphabeticBaseline", "ideographicBaseline"], [function (key) {
          var v = m[key];
          if (typeof v === "number") out[key] = v;
        }]);
        return out;
      },
      getImageData: function (sx, sy, sw, sh) {
        var got = inner(this, "getImageData").getImageData(NumberCtor(sx), NumberCtor(sy), NumberCtor(sw), NumberCtor(sh));
        return imageDataOf(got.width, got.height, got.data);
      },
      createImageData: function (a, b) {
        if (isObject(a)) return imageDataOf(a.width, a.height, null);
        inner(this, "createImageData");
        return imageDataOf(a, b, null);
      },
      putImageData: function (imageData, dx, dy) {
        var target = inner(this, "putImageData");
        var rest = slice(arguments, 3);
        host.putImageData(target, new Uint8ClampedArrayCtor(imageData.data), NumberCtor(imageData.width),
                          NumberCtor(imageData.height), NumberCtor(dx), NumberCtor(dy), names(rest));
      },
      getTransform: function () {
        var m = inner(this, "getTransform").getTransform();
        return { a: NumberCtor(m.a), b: NumberCtor(m.b), c: NumberCtor(m.c), d: NumberCtor(m.d),
                 e: NumberCtor(m.e), f: NumberCtor(m.f), is2D: true };
      },
      getLineDash: function () {
        var dash = inner(this, "getLineDash").getLineDash();
        var out = [];
        for (var i = 0; i < NumberCtor(dash.length); i++) out[i] = NumberCtor(dash[i]);
        return out;
      },
      getContextAttributes: function () {
        inner(this, "getContextAttributes");
        return { alpha: true, colorSpace: "srgb", desynchronized: false, willReadFrequently: false };
      }
    }
  });
  defineProperty(ContextProto, "canvas", {
    get: function () { return outward(inner(this, "canvas").canvas, "canvas"); }, configurable: true, enumerable: true
  });
  var CanvasProto = wrapperClass("Canvas", {
    accessors: ["width", "height"],
    custom: {
      getContext: function (type) {
        var target = inner(this, "getContext");
        if (text(type) !== "2d") return null;    // the simulator draws 2D only
        var context = target.getContext("2d");
        return wrapperOf.get(context) || makeWrapper(ContextProto, context);
      },
      toDataURL: function (type, quality) {
        return text(host.canvasDataURL(inner(this, "toDataURL"), type === undefined ? "image/png" : text(type),
                                       quality === undefined ? 0.92 : NumberCtor(quality)));
      }
    }
  });
  function createCanvas() {
    var made;
    if (screenCanvas === null) {
      screenCanvas = makeWrapper(CanvasProto, host.createCanvas(true));
      return screenCanvas;
    }
    return makeWrapper(CanvasProto, host.createCanvas(false));
  }
  var ImageProto = wrapperClass("Image", {
    custom: {}
  });
  apply(arrayForEach, ["width", "height", "naturalWidth", "naturalHeight", "complete"], [function (name) {
    defineProperty(ImageProto, name, {
      get: function () {
        var value = inner(this, "Image." + name)[name];
        return name === "complete" ? value === true : NumberCtor(value) || 0;
      },
      configurable: true, enumerable: true
    });
  }]);
  var imageSources = weak();
  defineProperty(ImageProto, "src", {
    get: function () { inner(this, "Image.src"); var s = imageSources.get(this); return s === undefined ? "" : s; },
    set: function (value) {
      var self = this;
      var target = inner(self, "Image.src");
      var source = text(value);
      imageSources.set(self, source);
      var failure = null;
      try {
        failure = host.loadImage(target, source);
      } catch (error) {
        failure = message(error);
      }
      failure = failure === null || failure === undefined ? null : text(failure);
      host.setTimer(function () {
        if (imageSources.get(self) !== source) return;
        var fn = failure === null ? self.onload : self.onerror;
        if (typeof fn === "function") guarded(function () { apply(fn, self, [failure === null ? {} : { errMsg: failure }]); }, [], failure === null ? "image.onload" : "image.onerror");
      }, 0, false);
    },
    configurable: true, enumerable: true
  });
  function createImage() {
    var image = makeWrapper(ImageProto, host.createImage());
    image.onload = null;
    image.onerror = null;
    return image;
  }

  function nativeApis(game) {
    game.createCanvas = createCanvas;
    game.createImage = createImage;
    game.getFileSystemManager = function () { return fileSystem; };
    game.loadSubpackage = loadSubpackage;
    game.env = { USER_DATA_PATH: USER_DATA_PATH };
    game.createInnerAudioContext = createInnerAudioContext;
    game.setPreferredFramesPerSecond = function (fps) { host.setFramesPerSecond(NumberCtor(fps)); };
    game.getSystemInfoSync = function () {     // the simulated phone: its screen matches game.json's orientation
      var s = host.screen;
      var width = NumberCtor(s.width), height = NumberCtor(s.height), ratio = NumberCtor(s.pixelRatio);
      return { platform: "devtools", brand: "ttminis", model: "simulator", SDKVersion: "fake",
               screenWidth: width, screenHeight: height, windowWidth: width, windowHeight: height,
               pixelRatio: ratio };
    };
  }

  // Touches arrive as JSON text from the host: parsed here, so the event and its arrays are this realm's.
  function touchEvent(json) {
    var parsed = apply(jsonParse, JSON, [text(json)]);
    function touch(p) { return { identifier: p.id, clientX: p.x, clientY: p.y }; }
    return { touches: apply(arrayMap, parsed.touches, [touch]), changedTouches: apply(arrayMap, parsed.changed, [touch]),
             timeStamp: NumberCtor(host.now()) };
  }
  function payload(json) { return json === null || json === undefined ? undefined : apply(jsonParse, JSON, [text(json)]); }

  // The fake SDK's own network (useOrderBook/allowRequests): the host fetches, this realm makes the response.
  function fakeFetch(url, init) {
    init = init || {};
    var headers = {};
    if (init.headers) for (var key in init.headers) if (apply(hasOwn, init.headers, [key])) headers[key] = text(init.headers[key]);
    return new PromiseCtor(function (resolve, reject) {
      host.fetch(text(url), text(init.method || "GET"), apply(jsonStringify, JSON, [headers]),
                 init.body === undefined || init.body === null ? null : text(init.body),
                 function (error, status, headerJson, body) {
        if (error !== null) { reject(new TypeError("fetch failed: " + text(error))); return; }
        var heard = apply(jsonParse, JSON, [text(headerJson)]);
        var bodyText = text(body);
        resolve({
          ok: status >= 200 && status < 300, status: NumberCtor(status),
          headers: { forEach: function (fn) { for (var k in heard) if (apply(hasOwn, heard, [k])) fn(heard[k], k); },
                     get: function (k) { k = apply(stringToLower, text(k), []); return apply(hasOwn, heard, [k]) ? heard[k] : null; } },
          text: function () { return apply(promiseResolve, PromiseCtor, [bodyText]); },
          json: function () { return new PromiseCtor(function (ok) { ok(apply(jsonParse, JSON, [bodyText])); }); }
        });
      });
    });
  }

  return {
    queueMicrotask: queueMicrotask,
    nativeApis: nativeApis,
    touchEvent: touchEvent,
    payload: payload,
    fetch: fakeFetch,
    violation: function (kind, detail) { violation(text(kind), text(detail)); },
    absentNames: function () { return apply(jsonStringify, JSON, [ABSENT]); },
    absentAccessor: absentAccessor,
    realmError: function (what) { return new ErrorCtor(text(what)); },
    screenCanvas: function () { return screenCanvas === null ? null : hostOf.get(screenCanvas); },
    USER_DATA_PATH: USER_DATA_PATH
  };
})
