/*
 * Build time only (never in a package a player gets): make the memory snapshot a package starts from.
 * ttminis/build/snapshot.py writes a package without a snapshot, adds this file, and runs it in the
 * simulator's realm — the same JavaScript, shims and file layout as a player's start:
 *
 *   require("ttminis/make-snapshot.js")({target, prepare, candidates, own, gameDir, cut, measureOnly, out})
 *
 * It boots Pyodide as the package would (boot.js's startRuntime, the game's code unpacked) but with Pyodide's
 * `_makeSnapshot`, runs `prepare` (Python helpers, in a namespace of their own), makes the game's `own`
 * modules unimportable for the while (no game code runs at build time), then imports each of `candidates`
 * (`?X.y`: only if it is a module): an import that fails is recorded and left for the game's start; after one that
 * succeeds, Pyodide's own serializer is asked whether every JS object Python holds can be carried (only those
 * reached from globals can): the first that cannot stops here, named (`holdsJs`).
 * With `measureOnly` it answers what the standard library loaded and stops. Otherwise it adds the finder for
 * the `cut` standard-library modules, drops caches, and writes into the user-data folder `out`:
 *   snapshot.bin        pyodide.makeMemorySnapshot(): Pyodide's header and JS state, then the heap
 *   before-python.bin   memory as Emscripten's runtime left it just before Python would start (the build
 *                       writes the pages it touched in full at each start: see snapshot_format.plan)
 * Resolves {imported: [...], failed: {name: why}, holdsJs: [name, why] | null, stdlibLoaded: [...], loaded,
 * timings}.
 */
"use strict";

var boot = require("./boot.js");

module.exports = function makeSnapshot(request) {
  globalThis.ttminisTarget = request.target;
  var beforePython = null;
  var noop = function () {};
  return boot.startRuntime(require("./config.js"), noop, noop, {
    makeSnapshot: true,
    onRuntime: function (module) { beforePython = module.HEAP8.slice(); }
  }).then(function (started) {
    var pyodide = started.pyodide;
    var namespace = pyodide.toPy({});
    var run = function (source) { return pyodide.runPython(source, { globals: namespace }); };
    var report = { imported: [], failed: {}, holdsJs: null, timings: started.timings };
    try {
      run(request.prepare);
      run("block(" + JSON.stringify(request.own) + ", " + JSON.stringify(request.compiled || []) + ")");
      for (var i = 0; i < request.candidates.length && !report.holdsJs; i++) {
        var name = request.candidates[i];
        var failure = run("try_import(" + JSON.stringify(name) + ")");
        if (failure === "-") continue;            // `from X import y`: y is no module
        if (failure) {
          if (name.charAt(0) !== "?") report.failed[name] = failure;
          continue;
        }
        report.imported.push(name.replace(/^\?/, ""));
        try {
          pyodide._api.serializeHiwireState();
        } catch (error) {
          report.holdsJs = [name, String(error && error.message || error)];
        }
      }
      report.stdlibLoaded = JSON.parse(run("stdlib_loaded()"));
      report.loaded = run("len(sys.modules)");
      if (request.measureOnly || report.holdsJs) return report;
      run("finish(" + JSON.stringify(request.gameDir) + ", " + JSON.stringify(request.cut) + ")");
    } finally {
      namespace.destroy();
    }
    pyodide.runPython("import gc\ngc.collect()\ndel gc");
    var snapshot = pyodide.makeMemorySnapshot();
    var files = TTMinis.game.getFileSystemManager();
    files.writeFileSync(request.out + "/snapshot.bin", snapshot.buffer);
    files.writeFileSync(request.out + "/before-python.bin", beforePython.buffer);
    return report;
  });
};
