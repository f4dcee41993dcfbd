/*
 * ttminis device probe (build.py --target native --probe): open it on a phone through TikTok's DevTool and it
 * draws, on screen and as one console line starting with "[ttminis probe]", which of the native runtime's
 * unknowns hold there:
 *
 *   the standard WebAssembly global and WebAssembly GC; TTWebAssembly with .wasm and .wasm.br, the shape of
 *   instantiate()'s result, a synchronous `new TTWebAssembly.Instance`, exported Globals, a data module
 *   writing into an imported memory (how a memory snapshot is shipped), ~100 small wasm files compiled from
 *   one subpackage; TextDecoder, TextEncoder, performance, crypto, queueMicrotask, fetch, read as a
 *   property that nothing here calls; newer JavaScript syntax; how much WebAssembly memory it can allocate; how long a nested
 *   setTimeout(0) takes (every awaited Python call waits at least that long); whether the engine interprets
 *   JavaScript (a loop of a million integer steps: ~1 ms with a JIT, ~30 ms interpreted, as with
 *   `jsc --useJIT=false` here).
 *
 * If what Pyodide needs holds, it then boots Python exactly as a game does (boot.js), and the probe's main.py
 * adds the Python version, how long the start took, and a game's frame timed in Python (update alone, update +
 * 1,000 recorded fillRects + a read-back, and a pure-Python loop): compare them with bench/drawing.py's
 * jsc --useJIT=false row. Written for old engines too: ES5 plus Promise.
 */
"use strict";
var bootModule = require("./boot.js");

var PROBE_DIR = "ttminis-runtime/probe/";
var results = [];

function now() {
  return globalThis.performance && typeof globalThis.performance.now === "function"
    ? globalThis.performance.now() : Date.now();
}

function record(name, ok, detail) {
  results.push({ name: name, ok: ok, detail: detail === undefined ? "" : String(detail) });
  draw();
}

function draw(extra) {
  var canvas = bootModule.screenCanvas();
  if (!canvas) return;
  var ctx = canvas.getContext("2d");
  var width = canvas.width || 390;
  var height = canvas.height || 844;
  var scale = Math.max(1, width / 390);
  var margin = 12 * scale;
  var y = margin + 20 * scale;
  ctx.fillStyle = "#101418";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = "#ffffff";
  ctx.font = "bold " + Math.round(16 * scale) + "px sans-serif";
  ctx.fillText("ttminis device probe", margin, y);
  y += 10 * scale;
  ctx.font = Math.round(11 * scale) + "px monospace";
  var line = 14 * scale;
  results.forEach(function (r) {
    var lines = bootModule.wrapLines(ctx, (r.ok ? "OK  " : "NO  ") + r.name + (r.detail ? ": " + r.detail : ""),
                                     width - 2 * margin);
    ctx.fillStyle = r.ok ? "#7ee787" : "#ff7b72";
    lines.forEach(function (text) {
      y += line;
      ctx.fillText(text, margin, y);
    });
  });
  (extra || []).forEach(function (text) {
    ctx.fillStyle = "#79c0ff";
    bootModule.wrapLines(ctx, text, width - 2 * margin).forEach(function (part) {
      y += line;
      ctx.fillText(part, margin, y);
    });
  });
}

function attempt(name, fn) {
  try {
    var detail = fn();
    record(name, detail !== false, detail === false ? "" : detail);
    return detail !== false;
  } catch (e) {
    record(name, false, (e && e.name) + ": " + (e && e.message));
    return false;
  }
}

function settle(name, promise) {
  return promise.then(function (detail) {
    record(name, true, detail);
    return true;
  }, function (e) {
    record(name, false, (e && e.name) + ": " + (e && e.message || e));
    return false;
  });
}

// Pyodide's event loop schedules each asyncio step with setTimeout(0) here (no MessageChannel or
// setImmediate): its real delay is the floor of every awaited call.
function timerFloor() {
  return new Promise(function (resolve) {
    var count = 0;
    var t0 = now();
    (function tick() {
      count += 1;
      if (count > 20) return resolve((now() - t0) / 20);
      setTimeout(tick, 0);
    })();
  });
}

// A million integer steps: a JIT makes machine code of it (~1 ms); an interpreter takes ~30 ms.
var INTERPRETED_MS = 8;
function javascriptLoop() {
  var best = Infinity;
  for (var round = 0; round < 5; round++) {
    var t0 = now(), x = 0;
    for (var i = 0; i < 1000000; i++) x = (x + i * 3) | 0;
    best = Math.min(best, now() - t0 + (x === 0.5 ? 1 : 0));
  }
  globalThis.ttminisProbeJsLoopMs = best;
  return best.toFixed(1) + " ms for 10^6 steps: the engine " +
    (best >= INTERPRETED_MS ? "interprets JavaScript (no JIT, as on iPhones)" : "compiles JavaScript (JIT)");
}

function loadRuntimeSubpackage() {
  return new Promise(function (resolve, reject) {
    TTMinis.game.loadSubpackage({ name: "ttminis-runtime", success: resolve, fail: function (r) {
      reject(new Error(JSON.stringify(r)));
    } });
  });
}

function memoryCeiling() {
  var TT = globalThis.TTWebAssembly;
  var pagesPerStep = 2048;            // 128 MB
  var memory = new TT.Memory({ initial: 256, maximum: 256 + 8 * pagesPerStep });
  var megabytes = 16;
  for (var i = 0; i < 8; i++) {
    try {
      memory.grow(pagesPerStep);
      megabytes += 128;
    } catch (e) {
      break;
    }
  }
  return megabytes + " MB allocated (probe stops at 1040 MB)";
}

/** Run the probe, then (if Pyodide's needs hold) boot Python with `config` as a game would. */
function run(config) {
  var started = now();
  var TT = globalThis.TTWebAssembly;
  var needs = { tt: false, sync: false, globals: false, data: false };
  attempt("WebAssembly global", function () { return typeof WebAssembly === "undefined" ? false : "present"; });
  attempt("TTWebAssembly global", function () {
    if (!TT) return false;
    needs.tt = true;
    return ["compile", "instantiate", "Module", "Instance", "Memory", "Table", "Global"].filter(function (k) {
      return typeof TT[k] !== "function";
    }).map(function (k) { return "missing " + k; }).join(", ") || "compile, instantiate, Module, Instance, Memory, Table, Global";
  });
  ["TextDecoder", "TextEncoder", "performance", "crypto", "queueMicrotask", "fetch"].forEach(function (name) {
    attempt(name, function () { return typeof globalThis[name] === "undefined" ? false : typeof globalThis[name]; });
  });
  attempt("crypto.getRandomValues", function () {
    return globalThis.crypto && typeof globalThis.crypto.getRandomValues === "function" ? "present" : false;
  });
  attempt("JavaScript loop", javascriptLoop);
  attempt("ES2022 syntax (class static blocks, #private)", function () {
    return require("./probe-es2022.js").works() ? "parsed and ran" : false;
  });
  if (!TT) return finish(config, started, needs);

  return timerFloor().then(function (ms) {
    record("setTimeout(0), nested x20", true, ms.toFixed(2) + " ms each (the floor of one awaited call)");
    return loadRuntimeSubpackage();
  }).then(function () {
    return settle("TTWebAssembly.instantiate(.wasm)", TT.instantiate(PROBE_DIR + "add.wasm", {}).then(function (r) {
      var instance = r && r.instance ? r.instance : r;
      return "resolves to " + (r && r.instance && r.module ? "{module, instance}" : "an Instance") +
             "; add(2, 3) = " + instance.exports.add(2, 3);
    }));
  }).then(function () {
    return settle("TTWebAssembly .wasm.br", TT.instantiate(PROBE_DIR + "add.wasm.br", {}).then(function (r) {
      return "add(40, 2) = " + (r.instance || r).exports.add(40, 2);
    }));
  }).then(function () {
    return settle("new TTWebAssembly.Instance (synchronous)", TT.compile(PROBE_DIR + "add.wasm").then(function (m) {
      var instance = new TT.Instance(m, {});
      needs.sync = true;
      return "add(1, 1) = " + instance.exports.add(1, 1);
    }));
  }).then(function () {
    return settle("exported Global", TT.compile(PROBE_DIR + "global.wasm").then(function (m) {
      var g = new TT.Instance(m, {}).exports.g;
      if (!(g instanceof TT.Global)) throw new Error("the export is not a TTWebAssembly.Global");
      needs.globals = true;
      return "g.value = " + g.value;
    }));
  }).then(function () {
    return settle("data module into an imported memory (.wasm.br)", TT.compile(PROBE_DIR + "data.wasm.br").then(function (m) {
      var memory = new TT.Memory({ initial: 1 });
      new TT.Instance(m, { e: { m: memory } });
      var text = String.fromCharCode.apply(null, Array.prototype.slice.call(new Uint8Array(memory.buffer, 16, 7)));
      if (text !== "ttminis") throw new Error("memory holds " + JSON.stringify(text));
      needs.data = true;
      return "wrote " + JSON.stringify(text);
    }));
  }).then(function () {
    return settle("WebAssembly GC (Pyodide's trampoline)",
                  TT.compile("ttminis-runtime/wasm/trampoline.wasm").then(function () { return "compiles"; }));
  }).then(function () {
    var t0 = now();
    var modules = config.runtime.modules;
    var failed = 0;
    return Promise.all(modules.map(function (m) {
      return TT.compile(m.path).then(function () {}, function () { failed += 1; });
    })).then(function () {
      record(modules.length + " small wasm files from one subpackage", failed <= 2,
             (modules.length - failed) + " compiled in " + Math.round(now() - t0) + " ms (2 need GC)");
    });
  }).then(function () {
    attempt("WebAssembly memory", memoryCeiling);
    return finish(config, started, needs);
  });
}

function finish(config, started, needs) {
  var summary = JSON.stringify({ probe: results, probeMs: Math.round(now() - started) });
  console.log("[ttminis probe] " + summary);
  globalThis.ttminisProbe = { results: results, needs: needs };
  if (!(needs.tt && needs.sync && needs.globals && (needs.data || !config.runtime.snapshot))) {
    draw(["Python not started: Pyodide needs TTWebAssembly with a synchronous Instance and Globals" +
          (config.runtime.snapshot ? ", and data modules writing into an imported memory (its snapshot)." : ".")]);
    TTMinis.game.setLoadingProgress({ progress: 1 });
    return Promise.resolve(false);
  }
  draw(["Starting Python…"]);
  globalThis.ttminisProbeDraw = draw;
  return bootModule.boot(config).ready;
}

module.exports = { run: run, results: results };
