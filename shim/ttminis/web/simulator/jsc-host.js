/*
 * ttminis's stand-in for TikTok's native runtime on JavaScriptCore (Debian's `jsc` shell): the engine TikTok
 * runs games on under iOS. The same realm (realm.js), the same fake SDK and the same line protocol as the Node
 * host (host.js), so one Session drives either:
 *
 *   jsc [--useJIT=false] jsc-host.js -- CONFIG
 *
 * CONFIG (JSON; ttminis/simulator/__init__.py writes it): package, staging, realm, fake, mode, engine,
 * pixelRatio, userDataQuota, manifest {package path: size}, userFiles {path: base64}, userDirs [path], userData.
 * `staging` holds every package .js file wrapped so jsc's `load` can run it as a CommonJS factory, each
 * `import(` in it made a call of dynamicImport below (the shell has no hook for import()), and each .wasm.br
 * decompressed (jsc has no brotli).
 *
 * Differences from the Node host, each because the shell has no way to do it:
 *   - the canvas keeps no pixels: every 2D member is there and does nothing (`frame` answers null);
 *   - the user-data folder lives in memory for the run (seeded from CONFIG.userFiles); each answer carries
 *     what changed in it ({"userData": {"files": {path: base64 | null}, "dirs": [path]}}) and the Session
 *     writes that to the folder on disk (the shell cannot make folders);
 *   - the fake's network is made by the Session (see fetch below);
 *   - time advances only while a request is being answered (the shell reads stdin blocking).
 */
(function (shell) {
  "use strict";
  var config = JSON.parse(shell.args[0]);
  var started = shell.preciseTime();
  function now() { return (shell.preciseTime() - started) * 1000; }
  var engineWasm = globalThis.WebAssembly;
  // This file's name as the engine's stack traces give it: realm.js looks past the host's frames.
  var selfFile = /@(.*):\d+:\d+$/.exec(new Error().stack.split("\n")[0])[1];
  var REMOVED = ["print", "printErr", "debug", "describe", "describeArray", "jscStack", "gc", "fullGC", "edenGC",
    "readFile", "read", "readline", "load", "loadString", "checkSyntax", "run", "runString", "quit", "version",
    "preciseTime", "performance", "$262", "$", "createGlobalObject", "callerSourceOrigin",
    "drainMicrotasks", "writeFile", "releaseWeakRefs", "finalizationRegistryLiveCount", "noInline", "noFTL",
    "OSRExit", "isFinalTier", "transferArrayBuffer", "failNextNewCodeBlock", "numberOfDFGCompiles", "jscOptions",
    "reoptimizationRetryCount", "callerIsBBQOrOMGCompiled", "platformSupportsSamplingProfiler",
    "generateHeapSnapshot", "samplingProfilerStackTraces", "maxArguments", "asyncTestStart", "asyncTestPassed",
    "WebAssemblyMemoryMode", "heapCapacity", "flashHeapAccess", "disableRichSourceInfo", "mallocInALoop",
    "totalCompileTime", "setUnhandledRejectionCallback", "arguments", "scriptArgs", "WebAssembly",
    "setHiddenValue", "getHiddenValue", "dumpTypesForAllVariables", "hasCustomProperties", "openFile",
    "createBuiltin", "isRope", "fiatScramble", "edenGCInterval"];
  Object.getOwnPropertyNames(globalThis).forEach(function (name) {
    if (REMOVED.indexOf(name) >= 0) delete globalThis[name];
  });
  REMOVED.forEach(function (name) { try { delete globalThis[name]; } catch (e) { /* not configurable */ } });
  // setTimeout and console are replaced by realm.js, not deleted: JavaScriptCore stops listing a deleted
  // built-in global in getOwnPropertyNames even once it is defined again.

  var report = { violations: [], console: [], errors: [], canvases: 0, subpackages: [], files: 0, wasm: [],
                 audio: 0, sounds: [], framesPerSecond: 60, frames: 0, mode: config.mode, engine: config.engine };
  var realmApi = null;
  var queued = [];          // request lines read while waiting for a fetch answer
  function record(kind, detail, file, line, python) {
    var entry = { kind: String(kind), detail: String(detail), at: Math.round(now()) };
    if (file !== null && file !== undefined) {
      entry.file = String(file);
      entry.line = Number(line);
      if (python) entry.python = true;
    }
    report.violations.push(entry);
  }
  function violation(kind, detail) {
    if (realmApi) realmApi.violation(kind, detail); else record(kind, detail, null, null, false);
  }
  function describe(error) {
    if (error && typeof error === "object" && typeof error.stack === "string") {
      return error.name + ": " + error.message + "\n" + error.stack;
    }
    if (error && typeof error === "object" && "message" in error) return error.name + ": " + error.message;
    try { return JSON.stringify(error); } catch (e) { return String(error); }
  }
  function uncaught(error, where) {
    report.errors.push({ where: where, error: describe(error), at: Math.round(now()) });
  }
  shell.setUnhandledRejectionCallback(function (error) { uncaught(error, "unhandled promise rejection"); });

  // ---- paths ----------------------------------------------------------------------------------------------------
  function normalize(request) {
    var parts = [];
    var bad = false;
    String(request).replace(/^\.?\//, "").split("/").forEach(function (part) {
      if (part === "" || part === ".") return;
      if (part === "..") { if (!parts.length) bad = true; parts.pop(); } else parts.push(part);
    });
    if (bad) throw new Error("no such file or directory " + request);
    return parts.join("/");
  }
  var gameJson = JSON.parse(text(shell.readFile(config.package + "/game.json", "binary")));
  var subpackages = (gameJson.subpackages || gameJson.subPackages || []).map(function (s) {
    return { name: s.name, root: s.root.replace(/^\.?\//, "").replace(/\/?$/, "/"), loaded: false };
  });
  if (gameJson.subPackages && !gameJson.subpackages) {
    record("config", "game.json spells subPackages (Douyin's key); TikTok reads subpackages", null, null, false);
  }
  var manifest = config.manifest;      // package path -> size
  function subpackageOf(rel) {
    for (var i = 0; i < subpackages.length; i++) if (rel.indexOf(subpackages[i].root) === 0) return subpackages[i];
    return null;
  }
  function packagePath(request, what) {
    var rel = normalize(request);
    var sub = subpackageOf(rel);
    if (sub && !sub.loaded) {
      violation("subpackage-not-loaded", what + " " + rel + " before loadSubpackage({name: \"" + sub.name + "\"})");
      throw new Error("no such file or directory " + request + " (subpackage " + sub.name + " is not loaded)");
    }
    return rel;
  }
  function isPackageFile(rel) { return Object.prototype.hasOwnProperty.call(manifest, rel); }
  function isPackageDir(rel) {
    if (rel === "") return true;
    return Object.keys(manifest).some(function (f) { return f.indexOf(rel + "/") === 0; });
  }

  // ---- text codecs (the shell has none) ---------------------------------------------------------------------------
  function encodeUtf8(s) {
    var out = [];
    for (var i = 0; i < s.length; i++) {
      var c = s.codePointAt(i);
      if (c > 0xFFFF) i++;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xC0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xE0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xF0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8Array(out);
  }
  function decodeUtf8(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length;) {
      var b = bytes[i], c, n;
      if (b < 0x80) { c = b; n = 1; } else if (b >= 0xF0) { c = b & 7; n = 4; } else if (b >= 0xE0) { c = b & 15; n = 3; }
      else if (b >= 0xC0) { c = b & 31; n = 2; } else { c = 0xFFFD; n = 1; }
      for (var k = 1; k < n; k++) c = (c << 6) | ((bytes[i + k] || 0) & 63);
      i += n;
      out += String.fromCodePoint(c > 0x10FFFF ? 0xFFFD : c);
    }
    return out;
  }
  function text(bytes) { return decodeUtf8(bytes); }
  function decode(bytes, encoding) {
    var name = String(encoding).toLowerCase();
    if (/^utf-?8$/.test(name)) return decodeUtf8(bytes);
    if (name === "latin1" || name === "binary" || name === "iso-8859-1") {
      var s = "";
      for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
      return s;
    }
    if (/^utf-?16le$/.test(name) || name === "ucs2") {
      var t = "";
      for (var j = 0; j + 1 < bytes.length; j += 2) t += String.fromCharCode(bytes[j] | (bytes[j + 1] << 8));
      return t;
    }
    throw new Error("unsupported encoding " + encoding);
  }
  function encode(value, encoding) {
    var name = String(encoding).toLowerCase();
    if (/^utf-?8$/.test(name)) return encodeUtf8(String(value));
    if (name === "latin1" || name === "binary") {
      var out = new Uint8Array(value.length);
      for (var i = 0; i < value.length; i++) out[i] = value.charCodeAt(i) & 255;
      return out;
    }
    throw new Error("unsupported encoding " + encoding);
  }

  // ---- files: the package (read-only, from the manifest) and the user-data folder (in memory) ----------------------
  var USER_PREFIX = "ttfile://user";
  var userFiles = {};
  var userDirs = { "": true };
  Object.keys(config.userFiles || {}).forEach(function (rel) {
    var raw = shell.base64Decode(config.userFiles[rel]);
    userFiles[rel] = raw;
  });
  (config.userDirs || []).forEach(function (rel) { userDirs[rel] = true; });
  function userRel(request) {
    var rest = request.slice(USER_PREFIX.length).replace(/^\/+/, "");
    return normalize(rest || ".");
  }
  function parentOf(rel) { var i = rel.lastIndexOf("/"); return i < 0 ? "" : rel.slice(0, i); }
  function userSize() {
    return Object.keys(userFiles).reduce(function (total, rel) { return total + userFiles[rel].length; }, 0);
  }
  function readFile(request) {
    request = String(request);
    if (request.indexOf(USER_PREFIX) === 0) {
      var rel = userRel(request);
      if (!userFiles[rel]) throw new Error("no such file or directory " + request);
      report.files += 1;
      return userFiles[rel];
    }
    var path = packagePath(request, "getFileSystemManager() read of");
    if (!isPackageFile(path)) throw new Error("no such file or directory " + request);
    report.files += 1;
    return shell.readFile(config.package + "/" + path, "binary");
  }
  function writable(request) {
    request = String(request);
    if (request.indexOf(USER_PREFIX) !== 0) {
      throw new Error("permission denied, the package is read-only (write under " + USER_PREFIX + "): " + request);
    }
    return userRel(request);
  }
  var changedFiles = {};
  var changedDirs = {};
  var changes = 0;
  function mirror(rel) { changedFiles[rel] = true; changes += 1; }
  function base64(bytes) {
    var table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    var out = "";
    for (var i = 0; i < bytes.length; i += 3) {
      var n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
      out += table[(n >> 18) & 63] + table[(n >> 12) & 63] +
             (i + 1 < bytes.length ? table[(n >> 6) & 63] : "=") + (i + 2 < bytes.length ? table[n & 63] : "=");
    }
    return out;
  }
  // What changed in the user-data folder since the last answer, for the Session to write to disk.
  function takeChanges() {
    if (!changes) return null;
    var files = {};
    Object.keys(changedFiles).forEach(function (rel) { files[rel] = userFiles[rel] ? base64(userFiles[rel]) : null; });
    var dirs = Object.keys(changedDirs).filter(function (rel) { return userDirs[rel]; }).sort();
    var gone = Object.keys(changedDirs).filter(function (rel) { return !userDirs[rel]; }).sort().reverse();
    changedFiles = {};
    changedDirs = {};
    changes = 0;
    return { files: files, dirs: dirs, removedDirs: gone };
  }
  var fileHost = {
    readFile: readFile,
    writeFile: function (request, bytes, append) {
      var rel = writable(request);
      if (!userDirs[parentOf(rel)]) throw new Error("no such file or directory " + request);
      var data = new Uint8Array(bytes.byteLength);
      data.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (append && userFiles[rel]) {
        var joined = new Uint8Array(userFiles[rel].length + data.length);
        joined.set(userFiles[rel]);
        joined.set(data, userFiles[rel].length);
        data = joined;
      }
      if (config.userDataQuota !== null && config.userDataQuota !== undefined) {
        var replaced = userFiles[rel] ? userFiles[rel].length : 0;
        if (userSize() - replaced + data.length > config.userDataQuota) {
          throw new Error("the maximum size of the file storage limit is exceeded");
        }
      }
      userFiles[rel] = data;
      mirror(rel);
    },
    stat: function (request) {
      request = String(request);
      if (request.indexOf(USER_PREFIX) === 0) {
        var rel = userRel(request);
        if (userFiles[rel]) return { size: userFiles[rel].length, mode: 33188, mtime: Math.floor(Date.now() / 1000), file: true };
        if (userDirs[rel]) return { size: 0, mode: 16877, mtime: Math.floor(Date.now() / 1000), file: false };
        throw new Error("no such file or directory " + request);
      }
      var path = packagePath(request, "getFileSystemManager() read of");
      if (isPackageFile(path)) return { size: manifest[path], mode: 33188, mtime: 0, file: true };
      if (isPackageDir(path)) return { size: 0, mode: 16877, mtime: 0, file: false };
      throw new Error("no such file or directory " + request);
    },
    readdir: function (request) {
      request = String(request);
      var names = {};
      var prefix;
      if (request.indexOf(USER_PREFIX) === 0) {
        var rel = userRel(request);
        if (!userDirs[rel]) throw new Error("no such file or directory " + request);
        prefix = rel === "" ? "" : rel + "/";
        Object.keys(userFiles).concat(Object.keys(userDirs)).forEach(function (p) {
          if (p !== rel && p.indexOf(prefix) === 0) names[p.slice(prefix.length).split("/")[0]] = true;
        });
        return Object.keys(names).sort();
      }
      var path = packagePath(request, "getFileSystemManager() read of");
      if (!isPackageDir(path)) throw new Error("no such file or directory " + request);
      prefix = path === "" ? "" : path + "/";
      Object.keys(manifest).forEach(function (p) { if (p.indexOf(prefix) === 0) names[p.slice(prefix.length).split("/")[0]] = true; });
      return Object.keys(names).sort();
    },
    mkdir: function (request, recursive) {
      var rel = writable(request);
      if ((userDirs[rel] || userFiles[rel]) && !recursive) throw new Error("file already exists " + request);
      if (!recursive && !userDirs[parentOf(rel)]) throw new Error("no such file or directory " + request);
      var parts = rel.split("/");
      for (var i = 1; i <= parts.length; i++) {
        userDirs[parts.slice(0, i).join("/")] = true;
        changedDirs[parts.slice(0, i).join("/")] = true;
      }
      changes += 1;
    },
    remove: function (request, recursive) {
      var rel = writable(request);
      if (userFiles[rel]) { delete userFiles[rel]; mirror(rel); return; }
      if (!userDirs[rel] || rel === "") throw new Error("no such file or directory " + request);
      var inside = Object.keys(userFiles).concat(Object.keys(userDirs)).filter(function (p) { return p.indexOf(rel + "/") === 0; });
      if (inside.length && !recursive) throw new Error("directory not empty " + request);
      inside.forEach(function (p) {
        if (userFiles[p]) { delete userFiles[p]; mirror(p); }
        if (userDirs[p]) { delete userDirs[p]; changedDirs[p] = true; }
      });
      delete userDirs[rel];
      changedDirs[rel] = true;
      changes += 1;
    },
    rename: function (from, to) {
      var a = writable(from), b = writable(to);
      if (!userFiles[a]) throw new Error("no such file or directory " + from);
      userFiles[b] = userFiles[a];
      delete userFiles[a];
      mirror(a);
      mirror(b);
    },
    decode: decode,
    encode: encode
  };

  // ---- timers and frames ------------------------------------------------------------------------------------------
  var timers = {};
  var nextTimer = 1;
  function arm(id, fn, ms, repeat) {
    shell.setTimeout(function () {
      if (!timers[id]) return;
      if (repeat) arm(id, fn, ms, repeat); else delete timers[id];
      fn();
    }, ms);
  }
  function setTimer(fn, ms, repeat) {
    var id = nextTimer++;
    timers[id] = true;
    arm(id, fn, Math.max(0, ms), repeat);
    return id;
  }
  function clearTimer(id) { delete timers[id]; }
  var frameCallbacks = {};
  var frameArmed = false;
  var frameWaiters = [];
  var frameTimer = 0;       // the armed timer's number: a frame run early (the frames op) disarms it
  function runFrame() {
    frameArmed = false;
    frameTimer += 1;
    var due = frameCallbacks;
    frameCallbacks = {};
    report.frames += 1;
    var time = now();
    Object.keys(due).forEach(function (id) { due[id](time); });
    frameWaiters.splice(0).forEach(function (w) { w(); });
  }
  function armFrame() {
    if (frameArmed) return;
    frameArmed = true;
    var armed = ++frameTimer;
    shell.setTimeout(function () { if (frameArmed && armed === frameTimer) runFrame(); },
                     Math.round(1000 / report.framesPerSecond));
  }
  function requestFrame(fn) {
    var id = nextTimer++;
    frameCallbacks[id] = fn;
    armFrame();
    return id;
  }

  // ---- modules and wasm ---------------------------------------------------------------------------------------------
  var factories = {};
  function resolveModule(request, dir) {
    var rel = request.indexOf("./") === 0 || request.indexOf("../") === 0 ? (dir ? dir + "/" : "") + request : request.replace(/^\//, "");
    rel = normalize(rel);
    var candidates = [rel, rel + ".js", rel + "/index.js"];
    for (var i = 0; i < candidates.length; i++) {
      if (/\.js$/.test(candidates[i]) && isPackageFile(candidates[i])) return candidates[i];
    }
    throw new Error("require: cannot find module " + request + " (from /" + dir + ")");
  }
  // Staging turned each `import(x)` of a package file into a call of this (the shell has no hook for it).
  var RealmPromise = Promise;
  var rejected = RealmPromise.reject.bind(RealmPromise);
  function dynamicImport(specifier) {
    var named;
    try { named = JSON.stringify(String(specifier)); } catch (error) { named = "(a specifier that is not a string)"; }
    violation("dynamic-import", "import(" + named + ")");
    return rejected(realmApi.realmError("import() is not available on the native runtime: import(" + named + ")"));
  }
  var loading = null;
  function compileModule(rel) {
    packagePath(rel, "require");
    if (!factories[rel]) {
      loading = rel;
      globalThis.__ttminisDefine = function (path, outer) { factories[path] = outer(dynamicImport); };
      try {
        shell.load(config.staging + "/modules/" + rel);
      } catch (error) {
        if (error && error.name === "SyntaxError" && /import|export/.test(error.message)) {
          violation("es-module-syntax", rel + ": " + error.message + " (load JavaScript with CommonJS require)");
        }
        throw error;
      } finally {
        delete globalThis.__ttminisDefine;
        loading = null;
      }
    }
    return factories[rel];
  }
  var stagedLines = {};
  function sourceLine(file, line) {
    if (!isPackageFile(file) || !/\.js$/.test(file)) return null;
    if (!stagedLines[file]) stagedLines[file] = text(shell.readFile(config.staging + "/modules/" + file, "binary")).split("\n");
    var lines = stagedLines[file];
    return line >= 1 && line <= lines.length ? lines[line - 1] : null;
  }
  var MODULES = config.staging + "/modules/";
  function fileName(raw) {
    if (raw.indexOf(MODULES) === 0) return raw.slice(MODULES.length);
    if (raw === config.realm) return "ttminis-simulator/realm.js";
    if (raw === config.fake) return "ttminis-simulator/fake-ttminis.js";
    return "ttminis-simulator/jsc-host.js";
  }
  function compileWasm(file, what) {
    if (typeof file !== "string") {
      violation("wasm-from-bytes", "TTWebAssembly." + what + " was given " + Object.prototype.toString.call(file) + ", not a path");
      throw new TypeError("TTWebAssembly." + what + ": the first argument must be a path to a .wasm/.wasm.br file in the package");
    }
    var rel = packagePath(file, "TTWebAssembly." + what);
    if (!/\.wasm(\.br)?$/.test(rel)) throw new Error("TTWebAssembly." + what + ": " + rel + " is not a .wasm or .wasm.br file");
    if (!isPackageFile(rel)) throw new Error("no such file or directory " + rel);
    var data = /\.br$/.test(rel) ? shell.readFile(config.staging + "/wasm/" + rel, "binary")
                                  : shell.readFile(config.package + "/" + rel, "binary");
    report.wasm.push(rel);
    return engineWasm.compile(data);
  }

  // ---- subpackages --------------------------------------------------------------------------------------------------
  function loadSubpackage(name, progress, done) {
    var sub = subpackages.filter(function (s) { return s.name === name; })[0];
    if (!sub) { shell.setTimeout(function () { done("no subpackage named " + name + " in game.json"); }, 0); return; }
    var total = Object.keys(manifest).reduce(function (t, p) { return p.indexOf(sub.root) === 0 ? t + manifest[p] : t; }, 0);
    var steps = [0.25, 0.5, 0.75, 1];
    var i = 0;
    (function tick() {
      shell.setTimeout(function () {
        progress(Math.round(total * steps[i]), total, steps[i] * 100);
        i += 1;
        if (i < steps.length) tick();
        else {
          sub.loaded = true;
          report.subpackages.push({ name: name, bytes: total, at: Math.round(now()) });
          done(null);
        }
      }, 2);
    })();
  }

  // ---- canvas without pixels, images with their size ----------------------------------------------------------------
  var SCREEN = gameJson.deviceOrientation === "landscape" ? { width: 844, height: 390 } : { width: 390, height: 844 };
  var CONTEXT_STATE = { globalAlpha: 1, globalCompositeOperation: "source-over", imageSmoothingEnabled: true,
    imageSmoothingQuality: "low", strokeStyle: "#000000", fillStyle: "#000000", shadowOffsetX: 0, shadowOffsetY: 0,
    shadowBlur: 0, shadowColor: "rgba(0, 0, 0, 0)", filter: "none", lineWidth: 1, lineCap: "butt", lineJoin: "miter",
    miterLimit: 10, lineDashOffset: 0, font: "10px sans-serif", textAlign: "start", textBaseline: "alphabetic",
    direction: "inherit", letterSpacing: "0px", fontKerning: "auto", fontStretch: "normal", fontVariantCaps: "normal",
    textRendering: "auto", wordSpacing: "0px" };
  function Gradient() {}
  Gradient.prototype.addColorStop = function () {};
  function Pattern() {}
  Pattern.prototype.setTransform = function () {};
  function Context(canvas) {
    this.canvas = canvas;
    this.dash = [];
    this.matrix = [1, 0, 0, 1, 0, 0];
    this.stack = [];
    for (var k in CONTEXT_STATE) this[k] = CONTEXT_STATE[k];
  }
  ["reset", "scale", "rotate", "translate", "transform", "resetTransform", "clearRect", "fillRect", "strokeRect",
   "beginPath", "fill", "stroke", "clip", "fillText", "strokeText", "drawImage", "closePath", "moveTo", "lineTo",
   "quadraticCurveTo", "bezierCurveTo", "arcTo", "rect", "roundRect", "arc", "ellipse", "putImageData"].forEach(function (name) {
    Context.prototype[name] = function () {};
  });
  Context.prototype.save = function () {
    var state = {};
    for (var k in CONTEXT_STATE) state[k] = this[k];
    this.stack.push(state);
  };
  Context.prototype.restore = function () {
    var state = this.stack.pop();
    if (state) for (var k in state) this[k] = state[k];
  };
  Context.prototype.setTransform = function (a, b, c, d, e, f) { this.matrix = [a, b, c, d, e, f].map(Number); };
  Context.prototype.getTransform = function () {
    var m = this.matrix;
    return { a: m[0], b: m[1], c: m[2], d: m[3], e: m[4], f: m[5] };
  };
  Context.prototype.isContextLost = function () { return false; };
  Context.prototype.isPointInPath = function () { return false; };
  Context.prototype.isPointInStroke = function () { return false; };
  Context.prototype.setLineDash = function (dash) { this.dash = Array.prototype.slice.call(dash).map(Number); };
  Context.prototype.getLineDash = function () { return this.dash.slice(); };
  Context.prototype.createLinearGradient = function () { return new Gradient(); };
  Context.prototype.createRadialGradient = function () { return new Gradient(); };
  Context.prototype.createConicGradient = function () { return new Gradient(); };
  Context.prototype.createPattern = function () { return new Pattern(); };
  Context.prototype.measureText = function (value) {
    var size = parseFloat(this.font) || 10;
    return { width: String(value).length * size * 0.6, actualBoundingBoxAscent: size * 0.8,
             actualBoundingBoxDescent: size * 0.2, actualBoundingBoxLeft: 0, actualBoundingBoxRight: String(value).length * size * 0.6,
             fontBoundingBoxAscent: size * 0.8, fontBoundingBoxDescent: size * 0.2 };
  };
  Context.prototype.getImageData = function (x, y, w, h) {
    return { width: w, height: h, data: new Uint8ClampedArray(Math.max(0, w * h * 4)) };    // no pixels: all zero
  };
  function Canvas(width, height) { this.width = width; this.height = height; this.context = null; }
  Canvas.prototype.getContext = function () { return this.context || (this.context = new Context(this)); };
  Canvas.prototype.toDataURL = function () { return "data:,"; };
  function makeCanvas(isScreen) {
    report.canvases += 1;
    return isScreen ? new Canvas(SCREEN.width, SCREEN.height) : new Canvas(300, 150);
  }
  function imageSize(bytes) {
    if (bytes.length > 24 && bytes[0] === 0x89 && bytes[1] === 0x50) {     // PNG: IHDR
      var at = function (i) { return ((bytes[i] << 24) >>> 0) + (bytes[i + 1] << 16) + (bytes[i + 2] << 8) + bytes[i + 3]; };
      return [at(16), at(20)];
    }
    if (bytes.length > 10 && bytes[0] === 0x47 && bytes[1] === 0x49) return [bytes[6] | (bytes[7] << 8), bytes[8] | (bytes[9] << 8)];
    if (bytes.length > 4 && bytes[0] === 0xFF && bytes[1] === 0xD8) {      // JPEG: the first SOFn
      for (var i = 2; i + 9 < bytes.length;) {
        if (bytes[i] !== 0xFF) return null;
        var marker = bytes[i + 1], length = (bytes[i + 2] << 8) + bytes[i + 3];
        if (marker >= 0xC0 && marker <= 0xCF && marker !== 0xC4 && marker !== 0xC8 && marker !== 0xCC) {
          return [(bytes[i + 7] << 8) + bytes[i + 8], (bytes[i + 5] << 8) + bytes[i + 6]];
        }
        i += 2 + length;
      }
    }
    return null;
  }
  function makeImage() { return { width: 0, height: 0, naturalWidth: 0, naturalHeight: 0, complete: false }; }
  function loadImage(image, source) {
    var bytes;
    try { bytes = readFile(source); } catch (error) { return error.message; }
    var size = imageSize(bytes);
    if (!size || !size[0] || !size[1]) return "could not decode " + source + " as an image";
    image.width = image.naturalWidth = size[0];
    image.height = image.naturalHeight = size[1];
    image.complete = true;
    return null;
  }

  // ---- the realm and the fake -----------------------------------------------------------------------------------------
  var install = shell.load(config.realm);
  realmApi = install({
    record: record, sourceLine: sourceLine, fileName: fileName, uncaught: uncaught, now: now, selfFile: selfFile,
    log: function (level, value) { report.console.push({ level: level, text: value, at: Math.round(now()) }); },
    setTimer: setTimer, clearTimer: clearTimer, requestFrame: requestFrame,
    cancelFrame: function (id) { delete frameCallbacks[id]; },
    setFramesPerSecond: function (fps) { if (fps > 0 && fps <= 60) report.framesPerSecond = fps; },
    resolveModule: resolveModule, compileModule: compileModule, compileWasm: compileWasm,
    lenient: config.mode === "lenient",
    engineWebAssembly: engineWasm,
    randomFill: function (view) {
      var bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);     // not cryptographic
    },
    readFile: fileHost.readFile, writeFile: fileHost.writeFile, stat: fileHost.stat, readdir: fileHost.readdir,
    mkdir: fileHost.mkdir, remove: fileHost.remove, rename: fileHost.rename, decode: decode, encode: encode,
    loadSubpackage: loadSubpackage,
    createCanvas: makeCanvas, createImage: makeImage, loadImage: loadImage,
    canvasDataURL: function () { return "data:,"; },
    putImageData: function () {},
    // The fake's network (useOrderBook/allowRequests): the Session makes the request, asked over stdout, and
    // answers with a {"fetched": ...} line; a request line read meanwhile waits its turn in `queued`.
    fetch: function (url, method, headers, body, done) {
      shell.print(JSON.stringify({ fetch: { url: url, method: method, headers: JSON.parse(headers), body: body } }));
      var reply = null;
      while (reply === null) {
        var line = shell.readline();
        if (!line) { reply = { error: "the driver went away" }; break; }
        var message = JSON.parse(line);
        if (message && message.fetched) reply = message.fetched; else queued.push(line);
      }
      shell.setTimeout(function () {
        if (reply.error) done(String(reply.error));
        else done(null, reply.status, JSON.stringify(reply.headers || {}), reply.body);
      }, 0);
    },
    screen: { width: SCREEN.width, height: SCREEN.height, pixelRatio: config.pixelRatio || 2 },
    noteAudio: function (event, src) {
      if (event === "create") report.audio += 1;
      else report.sounds.push({ event: event, src: src, at: Math.round(now()) });
      if (report.sounds.length > 500) report.sounds.splice(0, report.sounds.length - 500);
    }
  });
  // A global the runtime lacks: realm.js's accessor, on the global object itself (its prototype is immutable).
  JSON.parse(realmApi.absentNames()).forEach(function (name) {
    if (!Object.prototype.hasOwnProperty.call(globalThis, name)) {      // else the realm supplies it
      Object.defineProperty(globalThis, name, realmApi.absentAccessor(name));
    }
  });
  var fakeFactory = shell.load(config.fake);
  fakeFactory(realmApi.queueMicrotask, realmApi.fetch);
  var fake = globalThis.TTMinisFake;
  delete globalThis.TTMinisFake;
  fake.extend(realmApi.nativeApis);

  // ---- driving it -----------------------------------------------------------------------------------------------------
  // The driver's expressions: staged as files (code generation is refused in this realm, for the host too).
  var driverCount = 0;
  function evaluate(expr) {
    driverCount += 1;
    var file = config.staging + "/driver-" + driverCount + ".js";
    shell.writeFile(file, encodeUtf8("(function (TTMinisFake) { return (" + expr + "\n); })").buffer);
    return shell.load(file)(fake);
  }
  function plain(value) {
    if (value === undefined) return null;
    var json = JSON.stringify(value, function (key, v) { return typeof v === "bigint" ? Number(v) : v; });
    return json === undefined ? null : JSON.parse(json);
  }
  function problems() {
    return report.errors.map(function (e) { return e.where + ": " + e.error; }).concat(
      report.console.filter(function (c) { return c.level === "error"; }).map(function (c) { return c.text; }));
  }
  function wait(expr, timeout) {
    var deadline = now() + timeout;
    var seen = problems().length;
    var check = null;
    try { check = evaluate("function () { return (" + expr + "\n); }"); } catch (error) { return Promise.reject(error); }
    return new Promise(function (resolve, reject) {
      (function poll() {
        var value;
        try { value = check(); } catch (error) { value = false; }
        if (value) return resolve(plain(value));
        var fresh = problems().slice(seen);
        if (fresh.length) return reject(new Error("while waiting for " + expr + " the package reported: " + fresh.join(" | ")));
        if (now() > deadline) return reject(new Error("timed out after " + timeout + " ms waiting for " + expr));
        shell.setTimeout(poll, 5);
      })();
    });
  }
  var TOUCH_EVENTS = { start: "TouchStart", move: "TouchMove", end: "TouchEnd", cancel: "TouchCancel" };
  var touching = {};
  function touch(request) {
    var name = TOUCH_EVENTS[request.type];
    if (!name) throw new Error("touch: type must be start, move, end or cancel, got " + request.type);
    var points = request.touches || [];
    points.forEach(function (p) {
      if (request.type === "end" || request.type === "cancel") delete touching[p.id]; else touching[p.id] = p;
    });
    var down = Object.keys(touching).map(function (k) { return touching[k]; });
    fake.trigger(name, realmApi.touchEvent(JSON.stringify({ touches: down, changed: points })));
    return fake.listenerCount(name);
  }
  var running = false;
  function start() {
    if (running) throw new Error("start: the package is already running");
    running = true;
    report.startedAt = Date.now();
    try {
      globalThis.require("game.js");
    } catch (error) {
      uncaught(error, "game.js");
    }
    return true;
  }
  var closing = false;
  var ops = {
    start: start,
    eval: function (r) { return Promise.resolve(evaluate(r.expr)).then(plain); },
    wait: function (r) { return wait(r.expr, r.timeout_ms === undefined ? 30000 : r.timeout_ms); },
    touch: touch,
    trigger: function (r) {
      fake.trigger(r.event, realmApi.payload(r.payload === undefined ? null : JSON.stringify(r.payload)));
      return fake.listenerCount(r.event);
    },
    nextFrame: function () {
      return new Promise(function (resolve) { frameWaiters.push(function () { resolve(report.frames); }); armFrame(); });
    },
    frames: function (r) {
      var count = r.count === undefined ? 1 : r.count;
      return new Promise(function (resolve) {
        (function step(i) {
          if (i >= count) return resolve(report.frames);
          runFrame();
          shell.setTimeout(function () { step(i + 1); }, 0);
        })(0);
      });
    },
    frame: function () { return null; },          // JavaScriptCore's shell keeps no pixels
    report: function () {
      var out = {};
      for (var k in report) out[k] = report[k];
      out.elapsed = Math.round(now());
      out.loaded = subpackages.filter(function (s) { return s.loaded; }).map(function (s) { return s.name; });
      out.pendingFrames = Object.keys(frameCallbacks).length;
      return out;
    },
    close: function () { closing = true; return true; }
  };
  function answer(request, ok, payload) {
    var reply = ok ? { id: request.id, ok: true, value: payload === undefined ? null : payload }
                   : { id: request.id, ok: false, error: describe(payload) };
    var userData = takeChanges();
    if (userData) reply.userData = userData;
    shell.print(JSON.stringify(reply));
  }
  // One request at a time: read a line (blocking; the event loop waits), answer it once it settles, read the next.
  function serve() {
    if (closing) return shell.quit(0);
    var line = queued.length ? queued.shift() : shell.readline();
    if (line === "" || line === null || line === undefined) return shell.quit(0);
    var request;
    try {
      request = JSON.parse(line);
    } catch (error) {
      shell.print(JSON.stringify({ id: null, ok: false, error: "not JSON: " + line }));
      return shell.setTimeout(serve, 0);
    }
    var op = ops[request.op];
    var pending = Promise.resolve().then(function () {
      if (!op) throw new Error("unknown op " + request.op);
      return op(request);
    });
    pending.then(function (value) { answer(request, true, value); }, function (error) { answer(request, false, error); })
      .then(function () { shell.setTimeout(serve, 0); });
  }
  shell.print(JSON.stringify({ id: 0, ok: true, value: { ready: true, mode: config.mode, engine: config.engine } }));
  shell.setTimeout(serve, 0);
})({
  args: typeof scriptArgs !== "undefined" ? scriptArgs : arguments, print: print, readFile: readFile, load: load,
  quit: quit, setTimeout: setTimeout, preciseTime: preciseTime, readline: readline, writeFile: writeFile,
  setUnhandledRejectionCallback: setUnhandledRejectionCallback,
  base64Decode: function (s) {
    var table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    var clean = String(s).replace(/[^A-Za-z0-9+/]/g, "");
    var out = new Uint8Array(Math.floor(clean.length * 3 / 4));
    var bits = 0, value = 0, n = 0;
    for (var i = 0; i < clean.length; i++) {
      value = (value << 6) | table.indexOf(clean[i]);
      bits += 6;
      if (bits >= 8) { bits -= 8; out[n++] = (value >> bits) & 255; }
    }
    return out.subarray(0, n);
  }
});
