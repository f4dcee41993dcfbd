/*
 * ttminis loader: boots a Python game from the bundle's own files. No eval, no string timers.
 *
 * Configured by data attributes on its <script> tag (inline scripts are forbidden by the CSP):
 *   data-runtime="pyodide|brython"  data-client-key="..."  data-boot-timeout="30"
 *   data-dev="1" (--dev builds)  data-expose-interpreter="1" (test builds: build(expose_interpreter=True))
 *
 * 1. TikTok's SDK: uses a TTMinis already present, else loads TikTok's script; then
 *    TTMinis.game.init({clientKey}). A --dev build tries TikTok's SDK the same way FIRST and only
 *    where none came installs the fake (fake-ttminis.js) and the dev panel with its "DEV BUILD"
 *    banner; if TikTok's SDK arrives after the fake, it takes over (and is init'ed).
 * 2. Boots the runtime from ./pyodide/ or ./brython/, reporting progress to
 *    TTMinis.game.setLoadingProgress({progress}) and an on-page bar; 1 only when main.py has run.
 * 3. Any failure (runtime that never starts, Python exception, SDK script missing) shows a readable
 *    error screen with the traceback and logs it to the console. Never a blank screen.
 *
 * `window.ttminisLoader` = { runtime, state, progress, ready (Promise), reportError(text), dev,
 *   sdk ("tiktok" | "fake" | "none"), boxArguments(fn, a, b) } and, only in dev and test builds,
 *   `pyodide` (the live interpreter: whoever holds it can run any Python, so production builds
 *   never publish it).
 */
(function () {
  "use strict";
  var SDK_URL = "https://developers.tiktok.com/js/minis.js";
  var script = document.currentScript;
  var config = {
    runtime: script.dataset.runtime || "pyodide",
    clientKey: script.dataset.clientKey || "",
    bootTimeout: Number(script.dataset.bootTimeout || 30) * 1000,
    dev: script.dataset.dev === "1",
    exposeInterpreter: script.dataset.dev === "1" || script.dataset.exposeInterpreter === "1"
  };
  var loader = {
    runtime: config.runtime, state: "loading", progress: 0, errors: [], dev: config.dev, sdk: "none",
    timings: { start: performance.now() }
  };
  if (config.exposeInterpreter) loader.pyodide = null;
  window.ttminisLoader = loader;
  globalThis.ttminisTarget = "html";   // read once by ttminis/target.py

  var overlay, bar, label, errorBox;
  function buildOverlay() {
    overlay = document.createElement("div");
    overlay.id = "ttminis-loading";
    label = document.createElement("div");
    label.className = "ttminis-label";
    label.textContent = "Loading…";
    var track = document.createElement("div");
    track.className = "ttminis-track";
    bar = document.createElement("div");
    bar.className = "ttminis-bar";
    track.appendChild(bar);
    overlay.appendChild(label);
    overlay.appendChild(track);
    document.body.appendChild(overlay);
  }

  function sdkGame() { return globalThis.TTMinis && globalThis.TTMinis.game; }

  function progress(value, text) {
    value = Math.max(loader.progress, Math.min(1, value));
    loader.progress = value;
    if (bar) bar.style.width = Math.round(value * 100) + "%";
    if (label && text) label.textContent = text;
    var game = sdkGame();
    if (game && typeof game.setLoadingProgress === "function") {
      try { game.setLoadingProgress({ progress: value }); } catch (e) { console.warn("setLoadingProgress:", e); }
    }
  }
  loader.setProgress = progress;

  function showError(title, detail) {
    loader.state = loader.state === "ready" ? "ready" : "error";
    loader.errors.push(title + "\n" + detail);
    console.error("[ttminis] " + title + "\n" + detail);
    if (!errorBox) {
      errorBox = document.createElement("div");
      errorBox.id = "ttminis-error";
      var h = document.createElement("h2");
      h.textContent = "The game hit an error";
      errorBox.appendChild(h);
      document.body.appendChild(errorBox);
    }
    var pre = document.createElement("pre");
    pre.textContent = title + "\n\n" + detail;
    errorBox.appendChild(pre);
    if (overlay) overlay.hidden = true;
  }
  loader.reportError = function (text) { showError("Python error", String(text)); };

  // Brython turns every argument of a call into Python before a Python function runs, and a
  // hostile value (a Proxy, a getter that throws) makes that throw inside the SDK's own code. So
  // its backend gets the SDK's callbacks from here: fn(a, b, [the arguments, untouched]).
  loader.boxArguments = function (fn, a, b) {
    return function () { return fn(a, b, Array.prototype.slice.call(arguments)); };
  };

  function withTimeout(promise, ms, message) {
    var timer;
    var timeout = new Promise(function (_resolve, reject) {
      timer = setTimeout(function () { reject(new Error(message)); }, ms);
    });
    return Promise.race([promise, timeout]).finally(function () { clearTimeout(timer); });
  }

  function addScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = function () { resolve(); };
      s.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(s);
    });
  }

  function loadSdk() {
    var ready = globalThis.TTMinis ? Promise.resolve() :
      withTimeout(addScript(SDK_URL), 10000, "TikTok's SDK script did not load").catch(function (e) {
        console.warn("[ttminis] " + e.message + (config.dev ? ": a dev build uses the fake SDK" :
                     ": SDK calls will raise TTMinisUnavailable"));
      });
    return ready.then(function () {
      loader.sdk = globalThis.TTMinis ? "tiktok" : "none";
      if (config.dev) return startDev();
    }).then(initSdk);
  }

  function initSdk() {
    var game = sdkGame();
    if (!game || typeof game.init !== "function" || !config.clientKey) return;
    return withTimeout(new Promise(function (resolve) {
      game.init({ clientKey: config.clientKey, success: resolve, fail: function (r) {
        console.warn("[ttminis] TTMinis.game.init failed", r); resolve(); } });
    }), 5000, "init").catch(function () { console.warn("[ttminis] TTMinis.game.init did not answer"); });
  }

  // --dev: the fake only where TikTok's SDK did not come, and never in its way afterwards.
  function startDev() {
    var fake = globalThis.TTMinis ? Promise.resolve() : addScript("fake-ttminis.js").then(function () {
      if (globalThis.TTMinisFake && globalThis.TTMinisFake.installed) {
        loader.sdk = "fake";
        handOverToTikTok(globalThis.TTMinisFake);
      }
    });
    return fake.then(function () { return addScript("ttminis-dev-panel.js"); });
  }

  function handOverToTikTok(fake) {
    var current = globalThis.TTMinis;
    Object.defineProperty(globalThis, "TTMinis", {
      configurable: true, enumerable: true,
      get: function () { return current; },
      set: function (value) {
        current = value;
        if (value && value !== fake.sdk) {
          loader.sdk = "tiktok";
          console.warn("[ttminis] TikTok's SDK arrived after the fake: the game now uses TikTok's");
          initSdk();
        }
      }
    });
  }

  function fetchBytes(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error("could not fetch " + url + ": HTTP " + r.status);
      return r.arrayBuffer();
    });
  }

  function bootPyodide() {
    var app = fetchBytes("app.zip");
    return addScript("pyodide/pyodide.js").then(function () {
      progress(0.15, "Starting Python…");
      return withTimeout(loadPyodide({ indexURL: "pyodide/" }), config.bootTimeout,
        "the Python runtime (Pyodide) did not start within " + config.bootTimeout / 1000 + " s. " +
        "If the page's Content-Security-Policy lacks 'wasm-unsafe-eval', WebAssembly cannot compile.");
    }).then(function (pyodide) {
      if (config.exposeInterpreter) loader.pyodide = pyodide;
      progress(0.8, "Loading the game…");
      return app.then(function (bytes) {
        pyodide.unpackArchive(bytes, "zip", { extractDir: "/home/pyodide/game" });
        pyodide.runPython("import sys\nsys.path.insert(0, '/home/pyodide/game')");
        progress(0.9, "Starting the game…");
        loader.timings.runtimeReady = performance.now();
        var source = pyodide.FS.readFile("/home/pyodide/game/main.py", { encoding: "utf8" });
        var globals = pyodide.toPy({ __name__: "__main__", __file__: "/home/pyodide/game/main.py" });
        return pyodide.runPythonAsync(source, { globals: globals, filename: "main.py" })
          .finally(function () { globals.destroy(); });
      });
    });
  }

  function brythonTrace(e) {
    if (e && e.ob_type) {
      try { return __BRYTHON__.error_trace(e); } catch (_) { /* fall through */ }
      return __BRYTHON__.class_name(e) + ": " + String(e.args);
    }
    return String(e && e.stack || e);
  }

  function bootBrython() {
    return addScript("brython/brython.js").then(function () {
      return addScript("brython/brython_modules.js");
    }).then(function () {
      progress(0.6, "Starting Python…");
      return fetch("main.py").then(function (r) { return r.text(); });
    }).then(function (source) {
      progress(0.9, "Starting the game…");
      loader.timings.runtimeReady = performance.now();
      brython({ debug: 1, ids: [] });
      var failed = null;
      var previous = __BRYTHON__.handle_error;
      try {
        __BRYTHON__.runPythonSource(source, { id: "__main__" });
      } catch (e) {
        failed = e;
      }
      if (failed) {
        throw new Error(brythonTrace(failed));
      }
      return previous;
    });
  }

  function start() {
    buildOverlay();
    progress(0, "Loading…");
    loader.ready = loadSdk().then(function () {
      progress(0.05);
      return config.runtime === "brython" ? bootBrython() : bootPyodide();
    }).then(function () {
      loader.timings.mainDone = performance.now();
      if (loader.state !== "error") loader.state = "ready";
      progress(1, "Ready");
      overlay.hidden = true;
    }, function (e) {
      showError(e && e.name === "PythonError" ? "Python error" : "The game could not start",
                String(e && e.message || e));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
