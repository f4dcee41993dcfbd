/*
 * ttminis loader: boots a Python game from the bundle's own files. No eval, no string timers.
 *
 * Configured by data attributes on its <script> tag (inline scripts are forbidden by the CSP):
 *   data-runtime="pyodide|brython"  data-client-key="..."  data-boot-timeout="30"  data-game="name"
 *   data-backend-url="https://..."  (build.py --backend-url: globalThis.ttminisBackendUrl, read by
 *                                    ttminis.game_server; the page's CSP must allow it in connect-src)
 *   data-dev="1" (--dev builds; data-order-book="url" goes on to the fake's tag)
 *   data-expose-interpreter="1" (test builds: build(expose_interpreter=True))
 *   data-snapshot='{"key", "head", "modules", "heapBytes", "start"}' (Pyodide: the build's memory snapshot)
 *   data-lock='{...}' (Pyodide: the pinned lock file's info; no lock file is fetched, no package exists)
 *   data-dynlibs='["pkg/_ext.cpython-314-wasm32-emscripten.so", ...]' (Pyodide: the requirements' extension
 *                                    modules, paths in the game folder, loaded before main.py runs)
 *
 * 1. TikTok's SDK: uses a TTMinis already present, else loads TikTok's script; then
 *    TTMinis.game.init({clientKey}). A --dev build tries TikTok's SDK the same way FIRST and only
 *    where none came installs the fake (fake-ttminis.js) and the dev panel with its "DEV BUILD"
 *    banner; if TikTok's SDK arrives after the fake, it takes over (and is init'ed).
 * 2. Boots the runtime from ./pyodide/ or ./brython/, reporting progress to
 *    TTMinis.game.setLoadingProgress({progress}) and an on-page bar; 1 only when main.py has run.
 *    On Pyodide, a start that finds the build's memory snapshot in the page's Cache Storage restores it
 *    instead of initialising Python (ttminis-snapshot.mjs, build/snapshot.py); a first visit boots from
 *    the core files as bare Pyodide does, and once main.py ran keeps the snapshot there, decompressed, for
 *    the next start (ttminisLoader.snapshotKept = {done, status}); timings.snapshot says which start it was.
 * 3. Any failure (runtime that never starts, Python exception, SDK script missing) shows a readable
 *    error screen with the traceback and logs it to the console. Never a blank screen.
 * 4. The game surface (ttminis-surface.js, the same contract as on native): the full-window
 *    <canvas id="game">, sharp on high-DPI screens; pointer events (mouse included) as TikTok's touch
 *    events; the page's audio; the writable folder kept in localStorage. On Pyodide, before main.py runs,
 *    the current folder is the game's, the files listed in ttminis-assets.json (assets/) are copied
 *    into it so open() reads them, and the writable folder is filled from localStorage.
 *
 * `window.ttminisLoader` = { runtime, state, progress, ready (Promise), reportError(text), dev,
 *   sdk ("tiktok" | "fake" | "none"), boxArguments(fn, a, b), request(options), surface } (the
 *   game's HTTP on html: see below) and, only in dev and test builds, `pyodide` (the live
 *   interpreter: whoever holds it can run any Python, so production builds never publish it).
 */
(function () {
  "use strict";
  var SDK_URL = "https://developers.tiktok.com/js/minis.js";
  var script = document.currentScript;
  var GAME_DIR = "/home/pyodide/game";
  var DATA_DIR = "/data";
  var config = {
    runtime: script.dataset.runtime || "pyodide",
    clientKey: script.dataset.clientKey || "",
    game: script.dataset.game || "game",
    bootTimeout: Number(script.dataset.bootTimeout || 30) * 1000,
    dev: script.dataset.dev === "1",
    orderBook: script.dataset.orderBook || "",
    exposeInterpreter: script.dataset.dev === "1" || script.dataset.exposeInterpreter === "1",
    snapshot: script.dataset.snapshot ? JSON.parse(script.dataset.snapshot) : null,
    lock: script.dataset.lock ? JSON.parse(script.dataset.lock) : null,
    dynlibs: script.dataset.dynlibs ? JSON.parse(script.dataset.dynlibs) : []
  };
  var loader = {
    runtime: config.runtime, state: "loading", progress: 0, errors: [], dev: config.dev, sdk: "none",
    timings: { start: performance.now() }
  };
  if (config.exposeInterpreter) loader.pyodide = null;
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

  // ---- the game surface's html platform (see ttminis-surface.js for the contract) ----------------------
  function bytesToBinary(bytes) {
    var parts = [];
    for (var i = 0; i < bytes.length; i += 8192) parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 8192)));
    return parts.join("");
  }
  function binaryToBytes(text) {
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }
  // The writable folder: one localStorage entry per file, under a prefix per game (several games may share
  // an origin). Where localStorage is unavailable (a sandboxed frame), files live until the page closes.
  function localStore(prefix) {
    var storage = null;
    try { storage = window.localStorage; storage.getItem(prefix); } catch (e) { storage = null; }
    if (!storage) {
      console.warn("[ttminis] localStorage is unavailable here: the writable folder lasts only as long as the page");
      var memory = {};
      storage = {
        get length() { return Object.keys(memory).length; },
        key: function (i) { return Object.keys(memory)[i]; },
        getItem: function (k) { return k in memory ? memory[k] : null; },
        setItem: function (k, v) { memory[k] = String(v); },
        removeItem: function (k) { delete memory[k]; }
      };
    }
    return {
      names: function () {
        var out = [];
        for (var i = 0; i < storage.length; i++) {
          var key = storage.key(i);
          if (key && key.indexOf(prefix) === 0) out.push(key.slice(prefix.length));
        }
        return out.sort();
      },
      read: function (name) {
        var text = storage.getItem(prefix + name);
        return text === null ? null : binaryToBytes(text);
      },
      write: function (name, bytes) {
        try {
          storage.setItem(prefix + name, bytesToBinary(bytes));
        } catch (e) {
          var full = e && (e.name === "QuotaExceededError" || e.code === 22);
          throw new Error((full ? "ENOSPC: the browser's storage for this site is full" : "EIO: could not save")
                          + " (" + name + ", " + bytes.length + " bytes): " + (e && e.message || e));
        }
      },
      remove: function (name) { storage.removeItem(prefix + name); }
    };
  }

  function htmlPlatform() {
    var canvas = null;
    var description = null;
    var locked = [];      // sounds the browser refused to start before the first user gesture
    function screenCanvas() {
      if (!canvas) {
        canvas = document.getElementById("game");
        if (!canvas) {
          canvas = document.createElement("canvas");
          canvas.id = "game";
          document.body.appendChild(canvas);
        }
      }
      return canvas;
    }
    function unlockSounds() {
      locked.splice(0).forEach(function (audio) { audio.play().catch(function () {}); });
    }
    return {
      target: "html",
      canvas: screenCanvas,
      viewport: function () {
        return { width: window.innerWidth, height: window.innerHeight, pixelRatio: window.devicePixelRatio || 1 };
      },
      onResize: function (fn) { window.addEventListener("resize", fn); },
      // Pointer events (mouse, pen and touch alike) in TikTok's touch shape; a desktop click is a tap.
      listenTouches: function (emit) {
        var target = screenCanvas();
        var down = {};
        function point(e) { return { identifier: e.pointerId, clientX: e.clientX, clientY: e.clientY }; }
        function active() { return Object.keys(down).map(function (id) { return down[id]; }); }
        function send(kind, e) {
          var changed = point(e);
          if (kind === "Start" || kind === "Move") down[e.pointerId] = changed;
          else delete down[e.pointerId];
          emit(kind, { touches: active(), changedTouches: [changed], timeStamp: e.timeStamp });
        }
        target.addEventListener("pointerdown", function (e) {
          if (e.button > 0) return;
          try { target.setPointerCapture(e.pointerId); } catch (_) { /* a synthetic pointer */ }
          e.preventDefault();
          send("Start", e);
        });
        target.addEventListener("pointermove", function (e) {
          var last = down[e.pointerId];
          if (last && (last.clientX !== e.clientX || last.clientY !== e.clientY)) send("Move", e);
        });
        target.addEventListener("pointerup", function (e) { if (down[e.pointerId]) send("End", e); });
        target.addEventListener("pointercancel", function (e) { if (down[e.pointerId]) send("Cancel", e); });
      },
      listenVisibility: function (onHide, onShow) {
        document.addEventListener("visibilitychange", function () {
          if (document.visibilityState === "hidden") onHide(); else onShow();
        });
        var game = sdkGame();
        if (game && typeof game.onHide === "function" && typeof game.onShow === "function") {
          game.onHide(function () { onHide(); });
          game.onShow(function () { onShow(); });
        }
      },
      requestFrame: function (fn) { return window.requestAnimationFrame(fn); },
      cancelFrame: function (id) { window.cancelAnimationFrame(id); },
      createImage: function (path, onLoad, onError) {
        var image = new Image();
        image.onload = function () { onLoad(); };
        image.onerror = function () { onError("no such image in the bundle, or not an image"); };
        image.src = path;
        return image;
      },
      createSound: function (path) {
        if (!locked.wired) {
          locked.wired = true;
          document.addEventListener("pointerdown", unlockSounds);
        }
        var audio = new Audio(path);
        audio.preload = "auto";
        return {
          play: function () {
            var started = audio.play();
            if (started && typeof started.catch === "function") {
              started.catch(function () {
                if (locked.indexOf(audio) < 0) locked.push(audio);     // autoplay policy: after a gesture
              });
            }
          },
          pause: function () { audio.pause(); },
          stop: function () { audio.pause(); audio.currentTime = 0; },
          setLoop: function (value) { audio.loop = value; },
          setVolume: function (value) { audio.volume = Math.max(0, Math.min(1, value)); },
          onEnded: function (fn) { audio.addEventListener("ended", fn); },
          destroy: function () { audio.pause(); audio.removeAttribute("src"); }
        };
      },
      store: localStore("ttminis-files/" + config.game + "/"),
      announce: function (text) {
        if (!description) {
          description = document.createElement("p");
          description.id = "ttminis-description";
          description.className = "visually-hidden";
          description.setAttribute("aria-live", "polite");
          document.body.appendChild(description);
        }
        if (description.textContent !== text) description.textContent = text;
      },
      reportError: function (text) { loader.reportError(text); }
    };
  }
  loader.surface = globalThis.ttminisSurface ? globalThis.ttminisSurface.makeSurface(htmlPlatform()) : null;

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
  function tidy(text) {       // the game's own frames first (ttminis-surface.js)
    return globalThis.ttminisSurface ? globalThis.ttminisSurface.gameFramesFirst(text) : String(text);
  }
  loader.reportError = function (text) { showError("Python error", tidy(text)); };

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

  function addScript(src, data) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      Object.keys(data || {}).forEach(function (key) { s.dataset[key] = data[key]; });
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
    var fake = globalThis.TTMinis ? Promise.resolve() :
      addScript("fake-ttminis.js", config.orderBook ? { orderBook: config.orderBook } : null).then(function () {
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

  // Files under assets/ listed by the build (ttminis-assets.json), copied into the game's folder for open().
  function copyAssets(pyodide) {
    return fetch("ttminis-assets.json").then(function (r) { return r.ok ? r.json() : []; }).then(function (names) {
      return Promise.all(names.map(function (name) {
        return fetchBytes(name).then(function (bytes) {
          var path = GAME_DIR + "/" + name;
          pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
          pyodide.FS.writeFile(path, new Uint8Array(bytes));
        });
      }));
    });
  }

  // The build's memory snapshot, kept in the page's Cache Storage by a first visit (decompressed: a start
  // then only compiles it); the cache's name carries the snapshot's key, so a new build never meets an old one.
  var SNAPSHOT_CACHE = "ttminis-snapshot-";

  function snapshotFiles() {
    return [config.snapshot.head].concat(config.snapshot.modules);
  }

  function cachedSnapshot() {
    if (!config.snapshot || !globalThis.caches) return Promise.resolve(null);
    return caches.open(SNAPSHOT_CACHE + config.snapshot.key).then(function (cache) {
      return Promise.all(snapshotFiles().map(function (url) { return cache.match(url); }));
    }).then(function (responses) {
      return responses.every(Boolean) ? responses : null;
    }, function () { return null; });
  }

  // Pyodide restores the JS side from the head; its heap is written by instantiating the data modules into
  // the memory once Emscripten's runtime is up (ttminis-snapshot.mjs, shared with the native boot).
  function fromSnapshot(options, responses) {
    var modules = Promise.all(responses.slice(1).map(function (r) { return WebAssembly.compileStreaming(r); }));
    var helpers = import("./ttminis-snapshot.mjs");
    var factory = import("./pyodide/pyodide.asm.mjs");
    options._loadSnapshot = responses[0].arrayBuffer();
    options.createPyodideModule = function (settings) {
      return factory.then(function (m) { return m.default(settings); }).then(function (module) {
        return Promise.all([modules, helpers]).then(function (done) {
          done[1].restoreHeap(module, config.snapshot.heapBytes, done[0], function (m, imports) {
            return new WebAssembly.Instance(m, imports);
          });
          return module;
        });
      });
    };
    return helpers;
  }

  function startPython(snapshotResponses) {
    var options = { indexURL: "pyodide/" };
    if (config.lock) options.lockFileContents = { info: config.lock, packages: {} };
    var helpers = snapshotResponses ? fromSnapshot(options, snapshotResponses) : null;
    return withTimeout(Promise.all([loadPyodide(options), helpers]), config.bootTimeout,
      "the Python runtime (Pyodide) did not start within " + config.bootTimeout / 1000 + " s. " +
      "If the page's Content-Security-Policy lacks 'wasm-unsafe-eval', WebAssembly cannot compile.")
      .then(function (started) {
        if (started[1]) started[1].afterRestore(started[0], config.snapshot.start);
        return started[0];
      });
  }

  // After a first visit's main.py ran: fetch the snapshot and keep it, decompressed, for the next start;
  // caches of other builds' snapshots go.
  function keepSnapshot() {
    var kept = loader.snapshotKept = { done: false, status: "fetching" };
    var name = SNAPSHOT_CACHE + config.snapshot.key;
    var ready = globalThis.caches && typeof DecompressionStream === "function" ? caches.open(name) :
      Promise.reject(new Error("no Cache Storage or DecompressionStream here: every start initialises Python"));
    ready.then(function (cache) {
      return Promise.all(snapshotFiles().map(function (url, i) {
        return fetch(url).then(function (r) {
          if (!r.ok) throw new Error("could not fetch " + url + ": HTTP " + r.status);
          return new Response(i ? r.body.pipeThrough(new DecompressionStream("gzip")) : r.body).arrayBuffer();
        }).then(function (bytes) {
          var type = i ? "application/wasm" : "application/octet-stream";
          return cache.put(url, new Response(bytes, { headers: { "Content-Type": type } }));
        });
      }));
    }).then(function () {
      return caches.keys();
    }).then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf(SNAPSHOT_CACHE) === 0 && n !== name; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () {
      kept.status = "kept for the next start";
    }, function (e) {
      kept.status = "not kept: " + (e && e.message || e);
      console.warn("[ttminis] the memory snapshot was not kept (" + kept.status + "): the next start " +
                   "initialises Python again");
    }).then(function () { kept.done = true; });
  }

  // The requirements' extension modules (wasm side modules in app.zip), compiled asynchronously and linked
  // one by one before main.py runs: an import then finds each loaded (a synchronous compile of a large
  // module on the page's main thread is refused by browsers).
  function loadExtensionModules(pyodide) {
    return config.dynlibs.reduce(function (chain, path) {
      return chain.then(function () { return pyodide._api.loadDynlib(GAME_DIR + "/" + path); });
    }, Promise.resolve());
  }

  function bootPyodide() {
    var app = fetchBytes("app.zip");
    return Promise.all([addScript("pyodide/pyodide.js"), cachedSnapshot()]).then(function (found) {
      progress(0.15, "Starting Python…");
      loader.timings.snapshot = found[1] ? "restored" : (config.snapshot ? "first visit" : "none");
      if (!found[1]) return startPython(null);
      return startPython(found[1]).catch(function (error) {
        // A kept snapshot that does not restore (damaged, or the browser changed) must not fail every start:
        // drop it, start as a first visit, and keep a fresh copy once main.py ran.
        console.warn("[ttminis] the kept memory snapshot did not restore (" + (error && error.message || error) +
                     "): it is dropped and Python starts from scratch");
        loader.timings.snapshot = "first visit";
        loader.snapshotDropped = String(error && error.message || error);
        return caches.delete(SNAPSHOT_CACHE + config.snapshot.key).then(function () { return startPython(null); });
      });
    }).then(function (pyodide) {
      if (config.exposeInterpreter) loader.pyodide = pyodide;
      progress(0.8, "Loading the game…");
      return app.then(function (bytes) {
        pyodide.unpackArchive(bytes, "zip", { extractDir: GAME_DIR });
        return copyAssets(pyodide);
      }).then(function () {
        return loadExtensionModules(pyodide);
      }).then(function () {
        pyodide.runPython("import sys\nif '/home/pyodide/game' not in sys.path: sys.path.insert(0, '/home/pyodide/game')");
        pyodide.FS.chdir(GAME_DIR);
        if (loader.surface) loader.surface.attachFileSystem(pyodide.FS, DATA_DIR);
        progress(0.9, "Starting the game…");
        loader.timings.runtimeReady = performance.now();
        var source = pyodide.FS.readFile(GAME_DIR + "/main.py", { encoding: "utf8" });
        var globals = pyodide.toPy({ __name__: "__main__", __file__: GAME_DIR + "/main.py" });
        return pyodide.runPythonAsync(source, { globals: globals, filename: "main.py" })
          .finally(function () { globals.destroy(); });
      });
    }).then(function () {
      if (loader.timings.snapshot === "first visit") keepSnapshot();
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
                tidy(String(e && e.message || e)));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
