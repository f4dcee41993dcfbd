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
 */
(function (root) {
  "use strict";

  var TOUCH_KINDS = ["Start", "Move", "End", "Cancel"];

  function describeError(e) {
    if (e && typeof e === "object" && typeof e.message === "string") return e.message;
    return String(e);
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
