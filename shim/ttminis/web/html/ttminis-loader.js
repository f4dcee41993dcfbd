/*
 * ttminis loader: boots a Python game from the bundle's own files. No eval, no string timers.
 *
 * Configured by data attributes on its <script> tag (inline scripts are forbidden by the CSP):
 *   data-runtime="pyodide|brython"  data-client-key="..."  data-boot-timeout="30"
 *   data-backend-url="https://..."  (build.py --backend-url: globalThis.ttminisBackendUrl, read by
 *                                    ttminis.game_server; the page's CSP must allow it in connect-src)
 *
 * 1. TikTok's SDK: uses a TTMinis already present (native runtime, or the fake in --dev builds),
 *    else loads TikTok's script; then TTMinis.game.init({clientKey}).
 * 2. Boots the runtime from ./pyodide/ or ./brython/, reporting progress to
 *    TTMinis.game.setLoadingProgress({progress}) and an on-page bar; 1 only when main.py has run.
 * 3. Any failure (runtime that never starts, Python exception, SDK script missing) shows a readable
 *    error screen with the traceback and logs it to the console. Never a blank screen.
 *
 * `window.ttminisLoader` = { runtime, state, progress, ready (Promise), reportError(text), pyodide,
 *                           request(options) }   (the game's HTTP on html: see below)
 */
(function () {
  "use strict";
  var SDK_URL = "https://developers.tiktok.com/js/minis.js";
  var script = document.currentScript;
  var config = {
    runtime: script.dataset.runtime || "pyodide",
    clientKey: script.dataset.clientKey || "",
    bootTimeout: Number(script.dataset.bootTimeout || 30) * 1000
  };
  var loader = {
    runtime: config.runtime, state: "loading", progress: 0, errors: [], pyodide: null,
    timings: { start: performance.now() }
  };
  window.ttminisLoader = loader;
  globalThis.ttminisTarget = "html";   // read once by ttminis/target.py
  if (script.dataset.backendUrl) globalThis.ttminisBackendUrl = script.dataset.backendUrl;

  // TikTok's request() shape over fetch, for ttminis.game_server on html: resolves
  // {statusCode, data, header} for any HTTP status (data parsed as JSON unless dataType "text");
  // rejects {error: {error_code, error_msg, error_extra}} when nothing answered or `timeout` ms passed.
  loader.request = function (options) {
    var o = options || {};
    var method = String(o.method || "GET").toUpperCase();
    var body = o.data === undefined || o.data === null || method === "GET" ? undefined :
      (typeof o.data === "string" ? o.data : JSON.stringify(o.data));
    var controller = new AbortController();
    var timer = o.timeout ? setTimeout(function () { controller.abort(); }, o.timeout) : null;
    return fetch(o.url, { method: method, headers: o.header || {}, body: body, signal: controller.signal })
      .then(function (r) {
        return r.text().then(function (text) {
          var data = text;
          if (o.dataType !== "text") { try { data = JSON.parse(text); } catch (e) { data = text; } }
          var header = {};
          r.headers.forEach(function (value, key) { header[key] = value; });
          return { statusCode: r.status, data: data, header: header };
        });
      })
      .catch(function (e) {
        var why = e && e.name === "AbortError" ? "no answer within " + o.timeout + " ms" : String(e && e.message || e);
        return Promise.reject({ error: { error_code: -3, error_msg: "request:fail " + why, error_extra: { url: o.url } } });
      })
      .finally(function () { if (timer) clearTimeout(timer); });
  };

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
        console.warn("[ttminis] " + e.message + ": SDK calls will raise TTMinisUnavailable");
      });
    return ready.then(function () {
      var game = sdkGame();
      if (!game || typeof game.init !== "function" || !config.clientKey) return;
      return withTimeout(new Promise(function (resolve) {
        game.init({ clientKey: config.clientKey, success: resolve, fail: function (r) {
          console.warn("[ttminis] TTMinis.game.init failed", r); resolve(); } });
      }), 5000, "init").catch(function () { console.warn("[ttminis] TTMinis.game.init did not answer"); });
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
      loader.pyodide = pyodide;
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
