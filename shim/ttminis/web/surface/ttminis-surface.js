/*
 * ttminis's game surface: the screen, touches, the frame loop, images, sounds and the game's writable
 * folder, with ONE contract on every target and runtime. Python reaches it as `ttminisLoader.surface`
 * (ttminis/target.py) and uses it from ttminis/screen.py, touch.py, frames.py, images.py, sound.py, files.py.
 * No eval, no string timers, no DOM: what differs between targets is in the `platform` it is made from.
 *
 *   makeSurface(platform) -> surface          (html: ttminis-loader.js; native: ttminis/boot.js)
 *   gameFramesFirst(text) -> text             a Python traceback for the error screen: the exception and the
 *                                             game's own frames first, then the whole traceback
 *
 * platform = {
 *   target                       "html" | "native"
 *   canvas()                     the on-screen canvas (always the same one)
 *   viewport()                   {width, height, pixelRatio}: CSS pixels and device pixels per CSS pixel
 *   onResize(fn)                 optional: fn() after the viewport changed
 *   listenTouches(emit)          emit(kind, event) for kind Start|Move|End|Cancel, event in TikTok's shape
 *                                {touches, changedTouches: [{identifier, clientX, clientY}], timeStamp}
 *   listenVisibility(onHide, onShow)
 *   requestFrame(fn) -> id, cancelFrame(id)
 *   createImage(path, onLoad, onError(message)) -> something drawImage() draws
 *   createSound(path) -> {play(), pause(), stop(), setLoop(bool), setVolume(0..1), onEnded(fn), destroy()}
 *   store                        the persistent store behind the writable folder:
 *                                {names(), read(name) -> Uint8Array | null, write(name, bytes), remove(name)};
 *                                write throws an Error whose message starts "ENOSPC" when storage is full
 *   announce(text)               optional: tell assistive technology what the screen shows
 *   reportError(text)            the loader's error screen (shown, logged)
 * }
 *
 * The surface Python uses (every method is a plain function; nothing here allocates per frame):
 *   canvas(), context(), viewport()              the screen; the context is scaled to CSS pixels
 *   onTouchStart/Move/End/Cancel(fn), offTouch...(fn)   listeners, TikTok's names and payload
 *   startFrames(fn, pauseWhenHidden), stopFrames(), framesRunning(), frame(time)
 *                                                fn(time) every animation frame; a throw (or `false`)
 *                                                stops the loop; paused while hidden unless told not to
 *   loadImage(path) -> {image, ready, failed, error, width, height, whenLoaded()}
 *   loadSound(path, loop, volume) -> {play(), pause(), stop(), setLoop(b), setVolume(v), release(), playing}
 *                                                muted while hidden: playing sounds pause, looping ones resume
 *   useFiles() -> dataDir | null, readFile(name), writeFile(name, bytes), removeFile(name), fileNames(),
 *   flushFiles([name])                           the writable folder (see attachFileSystem)
 *   attachFileSystem(FS, dir)                    Pyodide: mirror the store into `dir` of Python's file system
 *   describe(text, buttons, values), description  what the screen shows, as text (screen readers, tests)
 *   hidden, target
 *   drawingInit(ops, props, slot), drawingContext(slot, ctx), drawingReplay(bytes, strings, objects),
 *   drawingMemory(module, ...), drawingReplayList(address, count, strings, objects),
 *   drawingSchedule(fn), drawingStats             drawing recorded by ttminis/drawing.py, replayed here (below);
 *                                                drawingStats = {replays, calls} so far
 */
(function (root) {
  "use strict";

  var TOUCH_KINDS = ["Start", "Move", "End", "Cancel"];

  function describeError(e) {
    if (e && typeof e === "object" && typeof e.message === "string") return e.message;
    return String(e);
  }

  // ---- drawing recorded in Python (ttminis/drawing.py), replayed on the real contexts -------------------
  // The buffer is a Float64Array: an opcode (slot * SLOT + op), then the op's numbers. Strings and objects
  // (images, gradients, paths, typed arrays) are indexes into the two tables sent with it. `argc` is how many
  // numbers follow the opcode (-1: the first says how many more). The order is drawing.py's OPS.
  function numbers(bytes, count) {
    var single = bytes.byteLength === count * 4;
    if (bytes.byteOffset % (single ? 4 : 8) !== 0) bytes = bytes.slice();     // a view must be aligned
    return single ? new Float32Array(bytes.buffer, bytes.byteOffset, count)
      : new Float64Array(bytes.buffer, bytes.byteOffset, count);
  }
  function text(c, f, i, s, o, method, max) {
    if (max) c[method](s[f[i]], f[i + 1], f[i + 2], f[i + 3]);
    else c[method](s[f[i]], f[i + 1], f[i + 2]);
  }
  function pathCall(c, f, i, s, o, method) {
    var path = f[i], rule = f[i + 1];
    if (path >= 0 && rule >= 0) c[method](o[path], s[rule]);
    else if (path >= 0) c[method](o[path]);
    else if (rule >= 0) c[method](s[rule]);
    else c[method]();
  }
  var DRAW_OPS = [
    ["fillRect", 4, function (c, f, i) { c.fillRect(f[i], f[i + 1], f[i + 2], f[i + 3]); }],
    ["clearRect", 4, function (c, f, i) { c.clearRect(f[i], f[i + 1], f[i + 2], f[i + 3]); }],
    ["strokeRect", 4, function (c, f, i) { c.strokeRect(f[i], f[i + 1], f[i + 2], f[i + 3]); }],
    ["rect", 4, function (c, f, i) { c.rect(f[i], f[i + 1], f[i + 2], f[i + 3]); }],
    ["moveTo", 2, function (c, f, i) { c.moveTo(f[i], f[i + 1]); }],
    ["lineTo", 2, function (c, f, i) { c.lineTo(f[i], f[i + 1]); }],
    ["beginPath", 0, function (c) { c.beginPath(); }],
    ["closePath", 0, function (c) { c.closePath(); }],
    ["save", 0, function (c) { c.save(); }],
    ["restore", 0, function (c) { c.restore(); }],
    ["translate", 2, function (c, f, i) { c.translate(f[i], f[i + 1]); }],
    ["scale", 2, function (c, f, i) { c.scale(f[i], f[i + 1]); }],
    ["rotate", 1, function (c, f, i) { c.rotate(f[i]); }],
    ["transform", 6, function (c, f, i) { c.transform(f[i], f[i + 1], f[i + 2], f[i + 3], f[i + 4], f[i + 5]); }],
    ["setTransform", 6, function (c, f, i) { c.setTransform(f[i], f[i + 1], f[i + 2], f[i + 3], f[i + 4], f[i + 5]); }],
    ["resetTransform", 0, function (c) { c.resetTransform(); }],
    ["quadraticCurveTo", 4, function (c, f, i) { c.quadraticCurveTo(f[i], f[i + 1], f[i + 2], f[i + 3]); }],
    ["bezierCurveTo", 6, function (c, f, i) { c.bezierCurveTo(f[i], f[i + 1], f[i + 2], f[i + 3], f[i + 4], f[i + 5]); }],
    ["arc", 6, function (c, f, i) { c.arc(f[i], f[i + 1], f[i + 2], f[i + 3], f[i + 4], f[i + 5] !== 0); }],
    ["arcTo", 5, function (c, f, i) { c.arcTo(f[i], f[i + 1], f[i + 2], f[i + 3], f[i + 4]); }],
    ["ellipse", 8, function (c, f, i) {
      c.ellipse(f[i], f[i + 1], f[i + 2], f[i + 3], f[i + 4], f[i + 5], f[i + 6], f[i + 7] !== 0);
    }],
    ["roundRect", 5, function (c, f, i) { c.roundRect(f[i], f[i + 1], f[i + 2], f[i + 3], f[i + 4]); }],
    ["fill", 2, function (c, f, i, s, o) { pathCall(c, f, i, s, o, "fill"); }],
    ["stroke", 2, function (c, f, i, s, o) { pathCall(c, f, i, s, o, "stroke"); }],
    ["clip", 2, function (c, f, i, s, o) { pathCall(c, f, i, s, o, "clip"); }],
    ["fillText", 3, function (c, f, i, s, o) { text(c, f, i, s, o, "fillText", false); }],
    ["fillText", 4, function (c, f, i, s, o) { text(c, f, i, s, o, "fillText", true); }],
    ["strokeText", 3, function (c, f, i, s, o) { text(c, f, i, s, o, "strokeText", false); }],
    ["strokeText", 4, function (c, f, i, s, o) { text(c, f, i, s, o, "strokeText", true); }],
    ["drawImage", 3, function (c, f, i, s, o) { c.drawImage(o[f[i]], f[i + 1], f[i + 2]); }],
    ["drawImage", 5, function (c, f, i, s, o) { c.drawImage(o[f[i]], f[i + 1], f[i + 2], f[i + 3], f[i + 4]); }],
    ["drawImage", 9, function (c, f, i, s, o) {
      c.drawImage(o[f[i]], f[i + 1], f[i + 2], f[i + 3], f[i + 4], f[i + 5], f[i + 6], f[i + 7], f[i + 8]);
    }],
    ["set", 2, function (c, f, i, s, o, props) { c[props[f[i]]] = f[i + 1]; }],
    ["set", 2, function (c, f, i, s, o, props) { c[props[f[i]]] = s[f[i + 1]]; }],
    ["set", 2, function (c, f, i, s, o, props) { c[props[f[i]]] = o[f[i + 1]]; }],
    ["setLineDash", -1, function (c, f, i) { c.setLineDash(Array.prototype.slice.call(f, i + 1, i + 1 + f[i])); }],
    ["putImageData", 3, function (c, f, i, s, o) { c.putImageData(o[f[i]], f[i + 1], f[i + 2]); }],
    ["putImageData", 7, function (c, f, i, s, o) {
      c.putImageData(o[f[i]], f[i + 1], f[i + 2], f[i + 3], f[i + 4], f[i + 5], f[i + 6]);
    }],
    ["fillRects", 5, function (c, f, i, s, o) {
      var count = f[i + 2], w = f[i + 3], h = f[i + 4];
      var xs = numbers(o[f[i]], count), ys = numbers(o[f[i + 1]], count);
      for (var k = 0; k < count; k++) c.fillRect(xs[k], ys[k], w, h);
    }],
    ["drawImages", 6, function (c, f, i, s, o) {
      var image = o[f[i]], count = f[i + 3], w = f[i + 4], h = f[i + 5];
      var xs = numbers(o[f[i + 1]], count), ys = numbers(o[f[i + 2]], count), k;
      if (w !== w) for (k = 0; k < count; k++) c.drawImage(image, xs[k], ys[k]);
      else for (k = 0; k < count; k++) c.drawImage(image, xs[k], ys[k], w, h);
    }]
  ];
  // drawing.py's names for the ops above, in the same order (drawingInit compares them)
  var DRAW_OP_NAMES = ["fillRect", "clearRect", "strokeRect", "rect", "moveTo", "lineTo", "beginPath", "closePath",
    "save", "restore", "translate", "scale", "rotate", "transform", "setTransform", "resetTransform",
    "quadraticCurveTo", "bezierCurveTo", "arc", "arcTo", "ellipse", "roundRect", "fill", "stroke", "clip",
    "fillText", "fillTextMax", "strokeText", "strokeTextMax", "drawImage3", "drawImage5", "drawImage9",
    "setNumber", "setString", "setObject", "setLineDash", "putImageData3", "putImageData7", "fillRects",
    "drawImages"];

  function makeDrawing(surface) {
    var contexts = [], props = [], slotSize = 64;
    var stats = surface.drawingStats = { replays: 0, calls: 0 };    // flushes that crossed, calls they replayed
    surface.drawingInit = function (ops, names, slot) {
      var same = ops.length === DRAW_OP_NAMES.length;
      for (var i = 0; same && i < ops.length; i++) same = ops[i] === DRAW_OP_NAMES[i];
      if (!same) throw new Error("ttminis: drawing.py and ttminis-surface.js disagree on the drawing opcodes");
      props = Array.prototype.slice.call(names);
      slotSize = slot;
    };
    surface.drawingContext = function (slot, context) { contexts[slot] = context; };
    surface.drawingSchedule = function (fn) {
      Promise.resolve().then(function () {
        try {
          fn();
        } catch (e) {
          console.error("[ttminis] recorded drawing could not be replayed: " + describeError(e));
        }
      });
    };
    /** Replay a flush; 0, or [call, error name, message] for the first call the canvas refused. */
    surface.drawingReplay = function (bytes, strings, objects) {
      var f = numbers(bytes, bytes.byteLength >> 3);
      return run(f, f.length, strings, objects);
    };
    function run(f, n, strings, objects) {
      var i = 0, first = null, code, slot, op, spec, at;
      stats.replays += 1;
      for (;;) {
        try {
          while (i < n) {
            code = f[i];
            slot = (code / slotSize) | 0;
            op = code - slot * slotSize;
            spec = DRAW_OPS[op];
            stats.calls += 1;
            if (spec === undefined) return first || ["opcode " + code, "Error", "not one of drawing.py's opcodes"];
            at = i + 1;
            i = at + (spec[1] >= 0 ? spec[1] : f[at] + 1);
            spec[2](contexts[slot], f, at, strings, objects, props);
          }
          return first === null ? 0 : first;
        } catch (e) {
          if (first === null) {
            first = [DRAW_OP_NAMES[op] === "setNumber" || DRAW_OP_NAMES[op] === "setString" ||
                     DRAW_OP_NAMES[op] === "setObject" ? props[f[at]] : spec[0],
                     e && e.name ? String(e.name) : "Error", describeError(e)];
          }
        }
      }
    }

    // Pyodide: the buffer read where it lies, in the wasm memory, instead of packed by Python. Packing costs
    // about a microsecond per number in interpreted wasm (a frame of 1,000 fillRects: 5,000 numbers); reading
    // here costs a few JS operations each. `memory` knows CPython's layout of a list, a float and an int on
    // wasm32 only after drawingMemory checked it against values Python gave; otherwise Python packs.
    var memory = null, scratch = new Float64Array(1024);
    function decodeNumber(m, p) {
      var type = m.module.HEAPU32[(p + 4) >> 2];
      if (type === m.floatType) return m.module.HEAPF64[(p + 8) >> 3];
      if (type !== m.intType && type !== m.boolType) return null;
      var tag = m.module.HEAPU32[(p + 8) >> 2], sign = tag & 3, digits = tag >>> 3, value = 0, scale = 1;
      if (digits > 3) return null;
      for (var k = 0; k < digits; k++) {
        value += (m.digitBits === 30 ? m.module.HEAPU32[(p + 12 + 4 * k) >> 2]
          : m.module.HEAPU16[(p + 12 + 2 * k) >> 1]) * scale;
        scale *= m.digitBits === 30 ? 1073741824 : 32768;
      }
      return sign === 2 ? -value : sign === 1 ? 0 : value;
    }
    function decodeList(m, address, count) {
      var heap = m.module.HEAPU32, f64 = m.module.HEAPF64, u16 = m.module.HEAPU16, wide = m.digitBits === 30;
      var floatType = m.floatType, intType = m.intType, boolType = m.boolType;
      var items = heap[(address + 12) >> 2] >> 2, p, type, tag, digits, value;
      if (heap[(address + 8) >> 2] !== count) return null;
      if (scratch.length < count) scratch = new Float64Array(Math.max(count, scratch.length * 2));
      for (var k = 0; k < count; k++) {
        p = heap[items + k];
        type = heap[(p + 4) >> 2];
        if (type === floatType) {
          scratch[k] = f64[(p + 8) >> 3];
        } else if (type === intType || type === boolType) {
          tag = heap[(p + 8) >> 2];
          digits = tag >>> 3;
          if (digits === 0) {
            scratch[k] = 0;
          } else if (digits === 1) {            // a compact int: one digit and a sign
            value = wide ? heap[(p + 12) >> 2] : u16[(p + 12) >> 1];
            scratch[k] = (tag & 3) === 2 ? -value : value;
          } else {
            value = decodeNumber(m, p);
            if (value === null) return null;
            scratch[k] = value;
          }
        } else {
          return null;
        }
      }
      return scratch;
    }
    /** Check the layout against `expected` (the numbers in the list at `address`); true if the fast path is on. */
    surface.drawingMemory = function (module, floatType, intType, boolType, address, expected) {
      memory = null;
      if (!module || !module.HEAPU32 || !module.HEAPF64 || !module.HEAPU16) return false;
      for (var bits = 30; bits >= 15; bits -= 15) {
        var m = { module: module, floatType: floatType, intType: intType, boolType: boolType, digitBits: bits };
        var got = decodeList(m, address, expected.length), same = got !== null;
        for (var k = 0; same && k < expected.length; k++) same = got[k] === expected[k];
        if (same) {
          memory = m;
          return true;
        }
      }
      return false;
    };
    /** Replay the Python list at `address` (`count` numbers); -1 when it holds something not a float or int. */
    surface.drawingReplayList = function (address, count, strings, objects) {
      var f = memory && decodeList(memory, address, count);
      return f ? run(f, count, strings, objects) : -1;
    };
  }

  function dirname(path) {
    var i = path.lastIndexOf("/");
    return i < 0 ? "" : path.slice(0, i);
  }

  function makeSurface(platform) {
    var surface = {
      target: platform.target,
      hidden: false,
      dataDir: null,
      description: { text: "", buttons: [], values: {} }
    };

    makeDrawing(surface);

    // ---- the screen -------------------------------------------------------------------------------------
    var screen = null;
    function fit() {
      var view = platform.viewport();
      var ratio = view.pixelRatio > 0 ? view.pixelRatio : 1;
      var width = Math.round(view.width * ratio);
      var height = Math.round(view.height * ratio);
      if (screen.canvas.width !== width) screen.canvas.width = width;
      if (screen.canvas.height !== height) screen.canvas.height = height;
      screen.context.setTransform(ratio, 0, 0, ratio, 0, 0);   // the game draws in CSS pixels
      screen.view = { width: view.width, height: view.height, pixelRatio: ratio };
    }
    function ensureScreen() {
      if (screen) return screen;
      var canvas = platform.canvas();
      screen = { canvas: canvas, context: canvas.getContext("2d"), view: null };
      fit();
      if (platform.onResize) platform.onResize(fit);
      return screen;
    }
    surface.canvas = function () { return ensureScreen().canvas; };
    surface.context = function () { return ensureScreen().context; };
    surface.viewport = function () { return ensureScreen().view; };

    // ---- touches ----------------------------------------------------------------------------------------
    var touchListeners = { Start: [], Move: [], End: [], Cancel: [] };
    var touchesWired = false;
    function emitTouch(kind, event) {
      var list = touchListeners[kind];
      for (var i = 0; i < list.length; i++) {
        try {
          list[i](event);
        } catch (e) {
          console.error("[ttminis] a touch listener threw: " + describeError(e));
        }
      }
    }
    TOUCH_KINDS.forEach(function (kind) {
      surface["onTouch" + kind] = function (fn) {
        if (typeof fn !== "function") throw new TypeError("onTouch" + kind + ": the listener must be a function");
        if (!touchesWired) {
          touchesWired = true;
          platform.listenTouches(emitTouch);
        }
        touchListeners[kind].push(fn);
      };
      surface["offTouch" + kind] = function (fn) {
        touchListeners[kind] = fn === undefined ? [] : touchListeners[kind].filter(function (f) { return f !== fn; });
      };
    });

    // ---- visibility: frames pause, sounds mute, files flush -----------------------------------------
    var visibilityWired = false;
    function watchVisibility() {
      if (visibilityWired) return;
      visibilityWired = true;
      platform.listenVisibility(onHide, onShow);
    }
    function onHide() {
      if (surface.hidden) return;
      surface.hidden = true;
      if (frames.running && frames.pauseWhenHidden) unschedule();
      sounds.forEach(function (sound) { sound.mute(); });
      try {
        surface.flushFiles();
      } catch (e) {
        console.error("[ttminis] the writable folder could not be saved on hide: " + describeError(e));
      }
    }
    function onShow() {
      if (!surface.hidden) return;
      surface.hidden = false;
      if (frames.running) schedule();
      sounds.forEach(function (sound) { sound.unmute(); });
    }
    surface.watchVisibility = watchVisibility;

    // ---- the frame loop -----------------------------------------------------------------------------------
    var frames = { fn: null, running: false, pauseWhenHidden: true, id: null };
    function schedule() {
      if (frames.id === null && frames.running && !(surface.hidden && frames.pauseWhenHidden)) {
        frames.id = platform.requestFrame(step);
      }
    }
    function unschedule() {
      if (frames.id !== null) platform.cancelFrame(frames.id);
      frames.id = null;
    }
    function step(time) {
      frames.id = null;
      surface.frame(time);
      schedule();
    }
    /** One frame: what the loop runs at every animation frame (called directly by the soak and the bench). */
    surface.frame = function (time) {
      if (!frames.running) return;
      var goOn;
      try {
        goOn = frames.fn(time);
      } catch (e) {
        surface.stopFrames();
        platform.reportError("The frame function raised; the frame loop stopped.\n" + describeError(e));
        return;
      }
      if (goOn === false) surface.stopFrames();
    };
    surface.startFrames = function (fn, pauseWhenHidden) {
      if (typeof fn !== "function") throw new TypeError("startFrames: the frame function must be a function");
      watchVisibility();
      frames.fn = fn;
      frames.pauseWhenHidden = pauseWhenHidden !== false;
      frames.running = true;
      schedule();
    };
    surface.stopFrames = function () {
      frames.running = false;
      unschedule();
    };
    surface.framesRunning = function () { return frames.running; };

    // ---- images -----------------------------------------------------------------------------------------
    surface.loadImage = function (path) {
      var record = { path: path, image: null, ready: false, failed: false, error: "", width: 0, height: 0 };
      var settle = null;
      var loaded = new Promise(function (resolve, reject) { settle = { resolve: resolve, reject: reject }; });
      loaded.catch(function () {});      // a failure nobody awaits is reported below, not as a page error
      record.whenLoaded = function () { return loaded; };
      record.image = platform.createImage(path, function () {
        record.ready = true;
        record.width = record.image.width;
        record.height = record.image.height;
        settle.resolve({ width: record.width, height: record.height });
      }, function (message) {
        record.failed = true;
        record.error = "image " + path + " could not be loaded: " + message;
        console.error("[ttminis] " + record.error);
        settle.reject({ error: { error_code: -3, error_msg: record.error, error_extra: { path: path } } });
      });
      return record;
    };

    // ---- sounds -----------------------------------------------------------------------------------------
    var sounds = [];
    surface.loadSound = function (path, loop, volume) {
      watchVisibility();
      var audio = platform.createSound(path);
      var sound = { path: path, playing: false, loop: !!loop, volume: volume === undefined ? 1 : volume, resume: false };
      audio.setLoop(sound.loop);
      audio.setVolume(sound.volume);
      audio.onEnded(function () { if (!sound.loop) sound.playing = false; });
      sound.play = function () {
        if (surface.hidden) {            // muted while hidden: music starts on show, a one-shot is dropped
          sound.playing = sound.resume = sound.loop;
          return;
        }
        sound.playing = true;
        audio.play();
      };
      sound.pause = function () { sound.playing = false; sound.resume = false; audio.pause(); };
      sound.stop = function () { sound.playing = false; sound.resume = false; audio.stop(); };
      sound.setLoop = function (value) { sound.loop = !!value; audio.setLoop(sound.loop); };
      sound.setVolume = function (value) { sound.volume = value; audio.setVolume(value); };
      sound.mute = function () {
        if (!sound.playing) return;
        sound.resume = sound.loop;
        if (!sound.loop) sound.playing = false;
        audio.pause();
      };
      sound.unmute = function () {
        if (sound.resume) audio.play();
        sound.resume = false;
      };
      sound.release = function () {
        sound.stop();
        audio.destroy();
        sounds = sounds.filter(function (s) { return s !== sound; });
      };
      sounds.push(sound);
      return sound;
    };

    // ---- the writable folder --------------------------------------------------------------------------
    // Pyodide: a folder of Python's file system (attachFileSystem), filled from the store at start and written
    // back by flushFiles; runtimes without a file system (Brython) use the store directly.
    var fsState = null;
    function listFiles(FS, dir, prefix, out) {
      FS.readdir(dir).forEach(function (entry) {
        if (entry === "." || entry === "..") return;
        var path = dir + "/" + entry;
        if (FS.isDir(FS.stat(path).mode)) listFiles(FS, path, prefix + entry + "/", out);
        else out.push(prefix + entry);
      });
      return out;
    }
    function exists(FS, path) {
      return FS.analyzePath(path).exists;
    }
    surface.attachFileSystem = function (FS, dir) {
      FS.mkdirTree(dir);
      fsState = { FS: FS, dir: dir };
      surface.dataDir = dir;
      var names;
      try {
        names = platform.store.names();
      } catch (e) {       // the game still starts; saving will say what is wrong
        console.warn("[ttminis] the writable folder's store could not be read: " + describeError(e));
        return;
      }
      names.forEach(function (name) {
        var bytes = platform.store.read(name);
        if (bytes === null) return;
        var path = dir + "/" + name;
        FS.mkdirTree(dirname(path));
        FS.writeFile(path, bytes);
      });
    };
    surface.useFiles = function () {
      watchVisibility();
      return surface.dataDir;
    };
    /** Make the store hold what the folder holds (one file, or all); returns how many files were written. */
    surface.flushFiles = function (name) {
      if (!fsState) return 0;
      var FS = fsState.FS;
      var dir = fsState.dir;
      var names = name ? [name] : listFiles(FS, dir, "", []);
      if (!name) {
        platform.store.names().forEach(function (stored) {
          if (names.indexOf(stored) < 0) platform.store.remove(stored);
        });
      }
      var written = 0;
      names.forEach(function (n) {
        var path = dir + "/" + n;
        if (exists(FS, path)) {
          platform.store.write(n, FS.readFile(path));
          written += 1;
        } else {
          platform.store.remove(n);
        }
      });
      return written;
    };
    surface.readFile = function (name) {
      if (!fsState) return platform.store.read(name);
      var path = fsState.dir + "/" + name;
      return exists(fsState.FS, path) && !fsState.FS.isDir(fsState.FS.stat(path).mode) ? fsState.FS.readFile(path) : null;
    };
    surface.writeFile = function (name, bytes) {
      watchVisibility();
      if (!fsState) {
        platform.store.write(name, bytes);
        return;
      }
      var path = fsState.dir + "/" + name;
      fsState.FS.mkdirTree(dirname(path));
      fsState.FS.writeFile(path, bytes);
      surface.flushFiles(name);
    };
    surface.removeFile = function (name) {
      if (fsState) {
        var path = fsState.dir + "/" + name;
        if (!exists(fsState.FS, path)) return false;
        fsState.FS.unlink(path);
      } else if (platform.store.read(name) === null) {
        return false;
      }
      platform.store.remove(name);
      return true;
    };
    surface.fileNames = function () {
      return fsState ? listFiles(fsState.FS, fsState.dir, "", []) : platform.store.names();
    };

    // ---- what the screen shows, as text ---------------------------------------------------------------
    surface.describe = function (text, buttons, values) {
      surface.description = { text: String(text), buttons: buttons || [], values: values || {} };
      if (platform.announce) platform.announce(surface.description.text);
    };

    return surface;
  }

  // ---- the error screen's traceback: the game's frames first -------------------------------------------
  // Frames in the runtime's standard library, Pyodide's internals, site-packages and ttminis itself say
  // little to the game's author; the screen is small and long tracebacks are cut in the middle.
  var LIBRARY_FRAME = /^  File "(\/lib\/|<frozen |[^"]*\/(ttminis|site-packages|_pyodide)\/|(VFS\.)?ttminis[./])/;

  function gameFramesFirst(text) {
    text = String(text);
    var lines = text.split("\n");
    var start = -1;
    lines.forEach(function (line, i) { if (line.indexOf("Traceback (most recent call last):") === 0) start = i; });
    if (start < 0) return text;
    var frames = [], i = start + 1;
    while (i < lines.length && /^  File "/.test(lines[i])) {
      var frame = [lines[i]];
      i += 1;
      while (i < lines.length && /^    /.test(lines[i])) { frame.push(lines[i]); i += 1; }
      frames.push(frame);
    }
    var exception = lines.slice(i).join("\n").trim();
    var own = frames.filter(function (frame) { return !LIBRARY_FRAME.test(frame[0]); });
    if (!exception || !own.length || own.length === frames.length) return text;
    var head = lines.slice(0, start).join("\n").trim();
    return (head ? head + "\n" : "") + exception + "\nIn your code (most recent call last):\n" +
      own.map(function (frame) { return frame.join("\n"); }).join("\n") +
      "\n\nThe whole traceback:\n" + lines.slice(start).join("\n");
  }

  var api = { makeSurface: makeSurface, gameFramesFirst: gameFramesFirst };
  if (typeof module === "object" && module && module.exports) module.exports = api;
  else root.ttminisSurface = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
