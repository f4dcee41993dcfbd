/*
 * ttminis's stand-in for TikTok's native runtime: runs a native package in a Node `vm` realm and is driven
 * over JSON lines on stdin/stdout (one request per line, one answer per line, same `id`).
 *
 *   node --experimental-vm-modules host.js '{"package": DIR, "mode": "strict"|"lenient", "userData": DIR,
 *                                           "fake": FILE, "realm": FILE, "pixelRatio": 2,
 *                                           "userDataQuota": BYTES | null}'
 *
 * The realm holds exactly the documented globals (realm.js) and runs with code generation from strings
 * and WebAssembly from bytes switched off. `TTMinis` is ttminis's one fake SDK (web/fake/fake-ttminis.js,
 * loaded into the realm) plus the native-only APIs; `TTWebAssembly` compiles package files by path
 * (`.wasm.br` decompressed). Uses of what the runtime lacks are recorded as violations.
 *
 * Requests ({"id": n, "op": ...}):
 *   start                          run game.js (the package's entry)
 *   eval {expr}                    the value of a JS expression in the realm (awaited if a promise);
 *                                  `TTMinisFake` names the fake's control object
 *   wait {expr, timeout_ms}        resolves when the expression is truthy (polled here, every few ms);
 *                                  fails early if the package reports an error meanwhile
 *   touch {type, touches}          deliver onTouchStart/Move/End/Cancel: type start|move|end|cancel,
 *                                  touches the changed {id, x, y} points (the host tracks which are down)
 *   trigger {event, payload}       fire the fake's listeners (Show, Hide, ...)
 *   nextFrame                      resolves after the next animation frame ran (the frame count)
 *   frames {count}                 run `count` animation frames back to back, the event loop turning
 *                                  between them (fast-forward: no 1/60 s wait); resolves to the frame count
 *   frame {format, quality}        the on-screen canvas as PNG (or "jpeg"), base64; null before it exists
 *   report                         {violations, console, errors, canvases, subpackages, ...}
 *   close                          end the process
 * Answers: {"id": n, "ok": true, "value": ...} or {"id": n, "ok": false, "error": "..."}.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const zlib = require("zlib");
const readline = require("readline");
const crypto = require("crypto");
const { createCanvas, Image, ImageData } = require("@napi-rs/canvas");

const config = JSON.parse(process.argv[2]);
const ROOT = path.resolve(config.package);
const USER_DIR = path.resolve(config.userData);
const LENIENT = config.mode === "lenient";
const started = process.hrtime.bigint();
const now = () => Number(process.hrtime.bigint() - started) / 1e6;

const PIXEL_RATIO = config.pixelRatio || 2;
const QUOTA = config.userDataQuota || null;
const report = { violations: [], console: [], errors: [], canvases: 0, subpackages: [], files: 0,
                 wasm: [], audio: 0, sounds: [], framesPerSecond: 60, frames: 0, mode: config.mode };

// A violation with where it happened: the package file and line, or the game's .py file and line (python).
function record(kind, detail, file, line, python) {
  const entry = { kind: String(kind), detail: String(detail), at: Math.round(now()) };
  if (file !== null && file !== undefined) {
    entry.file = String(file);
    entry.line = Number(line);
    if (python) entry.python = true;
  }
  report.violations.push(entry);
}
let realmApi = null;
function violation(kind, detail) {
  if (realmApi) realmApi.violation(kind, detail); else record(kind, detail, null, null, false);
}

function describe(error) {
  if (error && typeof error === "object" && typeof error.stack === "string") return error.stack;
  if (error && typeof error === "object" && "message" in error) return `${error.name}: ${error.message}`;
  try { return JSON.stringify(error); } catch (e) { return String(error); }
}

function uncaught(error, where) {
  const text = describe(error);
  report.errors.push({ where, error: text, at: Math.round(now()) });
}

process.on("uncaughtException", (error) => uncaught(error, "uncaught exception"));
process.on("unhandledRejection", (error) => uncaught(error, "unhandled promise rejection"));

// ---- the package: main package and subpackages ------------------------------------------------------------
const gameJson = JSON.parse(fs.readFileSync(path.join(ROOT, "game.json"), "utf8"));
const subpackages = (gameJson.subpackages || gameJson.subPackages || []).map((s) => ({
  name: s.name, root: s.root.replace(/^\.?\//, "").replace(/\/?$/, "/"), loaded: false,
}));
if (gameJson.subPackages && !gameJson.subpackages) {
  violation("config", "game.json spells subPackages (Douyin's key); TikTok reads subpackages");
}

function normalize(request) {
  const clean = path.posix.normalize(String(request).replace(/^\.?\//, ""));
  if (clean.startsWith("..") || path.posix.isAbsolute(clean)) throw new Error(`no such file or directory ${request}`);
  return clean;
}

function subpackageOf(rel) {
  return subpackages.find((s) => rel.startsWith(s.root)) || null;
}

function packagePath(request, what) {
  const rel = normalize(request);
  const sub = subpackageOf(rel);
  if (sub && !sub.loaded) {
    violation("subpackage-not-loaded", `${what} ${rel} before loadSubpackage({name: "${sub.name}"})`);
    throw new Error(`no such file or directory ${request} (subpackage ${sub.name} is not loaded)`);
  }
  return { rel, abs: path.join(ROOT, rel) };
}

// ---- the realm -------------------------------------------------------------------------------------------------
// The sandbox object has no prototype: a context made from `{}` answers `globalThis.constructor` with Node's
// own Object, whose constructor is Node's Function (code generation with all of Node in reach).
// Its prototype gets, once realm.js is in, one accessor per global the runtime lacks (realm.js: absentAccessor).
const sandboxPrototype = Object.create(null);
const context = vm.createContext(Object.create(sandboxPrototype), { name: "TikTok native runtime (ttminis simulator)",
                                       codeGeneration: { strings: false, wasm: false } });
const engineWebAssembly = vm.runInContext("WebAssembly", context);
vm.runInContext("delete globalThis.WebAssembly; delete globalThis.console;", context);

function dynamicImport(specifier) {
  violation("dynamic-import", `import(${JSON.stringify(specifier)})`);
  throw realmApi.realmError(`import() is not available on the native runtime: import(${JSON.stringify(specifier)})`);
}

// The text of one line of a package file, for telling `typeof x` from a bare `x` at a violation's position.
const sourceLines = new Map();
function sourceLine(file, line) {
  let lines = sourceLines.get(file);
  if (lines === undefined) {
    lines = null;
    try {
      const abs = path.join(ROOT, normalize(file));
      if (fs.statSync(abs).isFile()) lines = fs.readFileSync(abs, "utf8").split("\n");
    } catch (error) {
      lines = null;
    }
    sourceLines.set(file, lines);
  }
  return lines && line >= 1 && line <= lines.length ? lines[line - 1] : null;
}

function compileModule(rel) {
  const { abs } = packagePath(rel, "require");
  const source = fs.readFileSync(abs, "utf8");
  try {
    return vm.compileFunction(source, ["exports", "require", "module"], {
      parsingContext: context, filename: rel, importModuleDynamically: dynamicImport });
  } catch (error) {
    if (error && error.name === "SyntaxError" && /import statement|'export'|import\.meta|outside a module/.test(error.message)) {
      violation("es-module-syntax", `${rel}: ${error.message} (load JavaScript with CommonJS require)`);
    }
    throw error;
  }
}

function resolveModule(request, dir) {
  let rel = request.startsWith("./") || request.startsWith("../")
    ? path.posix.join(dir, request) : request.replace(/^\//, "");
  rel = normalize(rel);
  const candidates = [rel, `${rel}.js`, `${rel}/index.js`];
  const found = candidates.find((c) => c.endsWith(".js") && fs.existsSync(path.join(ROOT, c))
                                       && fs.statSync(path.join(ROOT, c)).isFile());
  if (!found) throw new Error(`require: cannot find module ${request} (from /${dir})`);
  return found;
}

// TTWebAssembly (realm.js) compiles package files here, by path only.
async function compileWasm(file, what) {
  if (typeof file !== "string") {
    violation("wasm-from-bytes", `TTWebAssembly.${what} was given ${Object.prototype.toString.call(file)}, not a path`);
    throw new TypeError(`TTWebAssembly.${what}: the first argument must be a path to a .wasm/.wasm.br file in the package`);
  }
  const { rel, abs } = packagePath(file, `TTWebAssembly.${what}`);
  if (!/\.wasm(\.br)?$/.test(rel)) throw new Error(`TTWebAssembly.${what}: ${rel} is not a .wasm or .wasm.br file`);
  let data = fs.readFileSync(abs);
  if (rel.endsWith(".br")) data = zlib.brotliDecompressSync(data);
  report.wasm.push(rel);
  return WebAssembly.compile(data);
}
// Timers and frames.
const timers = new Map();
let nextTimer = 1;
function setTimer(fn, ms, repeat) {
  const id = nextTimer++;
  const handle = (repeat ? setInterval : setTimeout)(() => {
    if (!repeat) timers.delete(id);
    fn();
  }, Math.max(0, ms));
  timers.set(id, { handle, repeat });
  return id;
}
function clearTimer(id) {
  const timer = timers.get(id);
  if (timer) (timer.repeat ? clearInterval : clearTimeout)(timer.handle);
  timers.delete(id);
}
let frameCallbacks = new Map();
let frameTimer = null;
function requestFrame(fn) {
  const id = nextTimer++;
  frameCallbacks.set(id, fn);
  if (!frameTimer) frameTimer = setTimeout(runFrame, Math.round(1000 / report.framesPerSecond));
  return id;
}
const frameWaiters = [];
function runFrame() {
  frameTimer = null;
  const due = frameCallbacks;
  frameCallbacks = new Map();
  report.frames += 1;
  const time = now();
  for (const fn of due.values()) fn(time);
  for (const waiter of frameWaiters.splice(0)) waiter();
}

// Files: the package (read-only) and the user-data folder (TTMinis.game.env.USER_DATA_PATH).
const USER_PREFIX = "ttfile://user";
function userPath(request) {
  const rest = request.slice(USER_PREFIX.length).replace(/^\/+/, "");
  const clean = path.posix.normalize(rest || ".");
  if (clean.startsWith("..")) throw new Error(`permission denied ${request}`);
  return path.join(USER_DIR, clean);
}
function locate(request, forWriting) {
  request = String(request);
  if (request.startsWith(USER_PREFIX)) return userPath(request);
  if (forWriting) throw new Error(`permission denied, the package is read-only (write under ${USER_PREFIX}): ${request}`);
  return packagePath(request, "getFileSystemManager() read of").abs;
}
function readFile(request) {
  const file = locate(request, false);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new Error(`no such file or directory ${request}`);
  report.files += 1;
  return fs.readFileSync(file);
}
function folderSize(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderSize(full) : fs.statSync(full).size;
  }
  return total;
}
const fileHost = {
  readFile,
  writeFile(request, bytes, append) {
    const file = locate(request, true);
    if (!fs.existsSync(path.dirname(file))) throw new Error(`no such file or directory ${request}`);
    if (QUOTA !== null) {      // a device's storage limit, in WeChat's words
      const replaced = !append && fs.existsSync(file) ? fs.statSync(file).size : 0;
      if (folderSize(USER_DIR) - replaced + bytes.byteLength > QUOTA) {
        throw new Error("the maximum size of the file storage limit is exceeded");
      }
    }
    (append ? fs.appendFileSync : fs.writeFileSync)(file, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  },
  stat(request) {
    const file = locate(request, false);
    if (!fs.existsSync(file)) throw new Error(`no such file or directory ${request}`);
    const s = fs.statSync(file);
    return { size: s.size, mode: s.mode, mtime: Math.floor(s.mtimeMs / 1000), file: s.isFile() };
  },
  readdir(request) {
    const file = locate(request, false);
    if (!fs.existsSync(file) || !fs.statSync(file).isDirectory()) throw new Error(`no such file or directory ${request}`);
    return fs.readdirSync(file);
  },
  mkdir(request, recursive) {
    const file = locate(request, true);
    if (fs.existsSync(file) && !recursive) throw new Error(`file already exists ${request}`);
    fs.mkdirSync(file, { recursive });
  },
  remove(request, recursive) {
    const file = locate(request, true);
    if (!fs.existsSync(file)) throw new Error(`no such file or directory ${request}`);
    fs.rmSync(file, { recursive });
  },
  rename(from, to) { fs.renameSync(locate(from, true), locate(to, true)); },
  decode: (bytes, encoding) => Buffer.from(bytes).toString(/^utf-?8$/i.test(encoding) ? "utf8" : encoding),
  encode: (text, encoding) => new Uint8Array(Buffer.from(text, /^utf-?8$/i.test(encoding) ? "utf8" : encoding)),
};

// Subpackages: "downloaded" with progress events, then readable.
function subpackageSize(sub) {
  let total = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full); else total += fs.statSync(full).size;
    }
  };
  walk(path.join(ROOT, sub.root));
  return total;
}
function loadSubpackage(name, progress, done) {
  const sub = subpackages.find((s) => s.name === name);
  if (!sub) {
    setTimeout(() => done(`no subpackage named ${name} in game.json`), 0);
    return;
  }
  const total = subpackageSize(sub);
  const steps = [0.25, 0.5, 0.75, 1];
  let i = 0;
  const tick = () => {
    progress(Math.round(total * steps[i]), total, steps[i] * 100);
    i += 1;
    if (i < steps.length) setTimeout(tick, 2);
    else {
      sub.loaded = true;
      report.subpackages.push({ name, bytes: total, at: Math.round(now()) });
      done(null);
    }
  };
  setTimeout(tick, 2);
}

// Canvases and images.
const SCREEN = gameJson.deviceOrientation === "landscape" ? { width: 844, height: 390 } : { width: 390, height: 844 };
let screen = null;
function makeCanvas(isScreen) {
  report.canvases += 1;
  const canvas = isScreen ? createCanvas(SCREEN.width, SCREEN.height) : createCanvas(300, 150);
  if (isScreen) screen = canvas;
  return canvas;
}
function makeImage() {
  return new Image();
}
// Decodes a package image into `image`; null, or why not (realm.js fires onload/onerror).
function loadImage(image, source) {
  try {
    image.src = readFile(source);
  } catch (error) {
    return error.message;
  }
  return image.width > 0 ? null : `could not decode ${source} as an image`;
}

const realmSource = fs.readFileSync(config.realm, "utf8");
realmApi = vm.runInContext(realmSource, context, { filename: "ttminis-simulator/realm.js" })({
  record, sourceLine, uncaught, now, selfFile: __filename,
  log(level, text) { report.console.push({ level, text, at: Math.round(now()) }); },
  setTimer, clearTimer, requestFrame,
  cancelFrame(id) { frameCallbacks.delete(id); },
  setFramesPerSecond(fps) { if (fps > 0 && fps <= 60) report.framesPerSecond = fps; },
  resolveModule, compileModule, compileWasm,
  lenient: LENIENT,
  engineWebAssembly,
  randomFill: (view) => crypto.randomFillSync(view),
  ...fileHost,
  loadSubpackage,
  createCanvas: makeCanvas,
  createImage: makeImage,
  loadImage,
  canvasDataURL: (canvas, type, quality) => canvas.toDataURL(type, quality),
  putImageData(ctx, data, width, height, dx, dy, dirty) {
    ctx.putImageData(new ImageData(data, width, height), dx, dy, ...Array.from(dirty, Number));
  },
  fetch(url, method, headers, body, done) {
    fetch(url, { method, headers: JSON.parse(headers), body: body === null ? undefined : body }).then(async (r) => {
      const answer = await r.text();
      const heard = {};
      r.headers.forEach((value, key) => { heard[key] = value; });
      done(null, r.status, JSON.stringify(heard), answer);
    }).catch((error) => done(String(error && error.message || error)));
  },  screen: { ...SCREEN, pixelRatio: PIXEL_RATIO },
  noteAudio(event, src) {
    if (event === "create") report.audio += 1;
    else report.sounds.push({ event, src, at: Math.round(now()) });
    if (report.sounds.length > 500) report.sounds.splice(0, report.sounds.length - 500);
  },
});

// A global the runtime lacks: realm.js's accessor, on the sandbox's prototype (the global object's lookups
// reach it there).
for (const name of JSON.parse(realmApi.absentNames())) {
  Object.defineProperty(sandboxPrototype, name, realmApi.absentAccessor(name));
}

// The one fake SDK, loaded into the realm; its control object is kept out of the realm's globals. The fake
// is the host's code, not the package's: it gets a fetch (for useOrderBook/allowRequests) as a name of its
// own, made in the realm over Node's, so the realm still has no fetch and the fake's answers are the realm's.
const fakeFactory = vm.compileFunction(fs.readFileSync(config.fake, "utf8"), ["queueMicrotask", "fetch"], {
  parsingContext: context, filename: "ttminis-simulator/fake-ttminis.js" });
fakeFactory(realmApi.queueMicrotask, realmApi.fetch);
const fake = vm.runInContext("globalThis.TTMinisFake", context);
vm.runInContext("delete globalThis.TTMinisFake", context);
fake.extend(realmApi.nativeApis);

// ---- driving it -----------------------------------------------------------------------------------------------
function evaluate(expr) {
  const fn = vm.compileFunction(`return (${expr}\n);`, ["TTMinisFake"], { parsingContext: context,
                                                                         filename: "ttminis-simulator/driver.js" });
  return fn(fake);
}

function plain(value) {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value, (key, v) => (typeof v === "bigint" ? Number(v) : v)) ?? "null");
}

function problems() {
  return report.errors.map((e) => `${e.where}: ${e.error}`).concat(
    report.console.filter((c) => c.level === "error").map((c) => c.text));
}

// Resolves once `expr` is truthy; rejects at the timeout, or as soon as the package reports a new error
// (uncaught, or console.error) while the expression is still false.
function wait(expr, timeout) {
  const deadline = now() + timeout;
  const seen = problems().length;
  return new Promise((resolve, reject) => {
    const check = () => {
      let value;
      try {
        value = evaluate(expr);
      } catch (error) {
        value = false;
      }
      if (value) return resolve(plain(value));
      const fresh = problems().slice(seen);
      if (fresh.length) return reject(new Error(`while waiting for ${expr} the package reported: ${fresh.join(" | ")}`));
      if (now() > deadline) return reject(new Error(`timed out after ${timeout} ms waiting for ${expr}`));
      setTimeout(check, 5);
    };
    check();
  });
}

const TOUCH_EVENTS = { start: "TouchStart", move: "TouchMove", end: "TouchEnd", cancel: "TouchCancel" };
const touching = new Map();
function touch({ type, touches: points = [] }) {
  const name = TOUCH_EVENTS[type];
  if (!name) throw new Error(`touch: type must be start, move, end or cancel, got ${type}`);
  for (const p of points) {
    if (type === "end" || type === "cancel") touching.delete(p.id); else touching.set(p.id, p);
  }
  fake.trigger(name, realmApi.touchEvent(JSON.stringify({ touches: [...touching.values()], changed: points })));
  return fake.listenerCount(name);
}

let running = false;
function start() {
  if (running) throw new Error("start: the package is already running");
  running = true;
  report.startedAt = Date.now();
  const entry = vm.runInContext("require", context);
  try {
    entry("game.js");
  } catch (error) {
    uncaught(error, "game.js");
  }
  return true;
}

const ops = {
  start,
  eval: ({ expr }) => Promise.resolve(evaluate(expr)).then(plain),
  wait: ({ expr, timeout_ms = 30000 }) => wait(expr, timeout_ms),
  touch,
  trigger: ({ event, payload }) => {
    fake.trigger(event, realmApi.payload(payload === undefined ? null : JSON.stringify(payload)));
    return fake.listenerCount(event);
  },
  nextFrame: () => new Promise((resolve) => {
    frameWaiters.push(() => resolve(report.frames));
    if (!frameTimer) frameTimer = setTimeout(runFrame, Math.round(1000 / report.framesPerSecond));
  }),
  frames: async ({ count = 1 }) => {
    for (let i = 0; i < count; i++) {
      if (frameTimer) clearTimeout(frameTimer);
      runFrame();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return report.frames;
  },
  frame: ({ format = "png", quality = 80 }) => {
    if (!screen) return null;
    const image = format === "jpeg" ? screen.toBuffer("image/jpeg", quality) : screen.toBuffer("image/png");
    return image.toString("base64");
  },
  report: () => ({ ...report, elapsed: Math.round(now()),
                   loaded: subpackages.filter((s) => s.loaded).map((s) => s.name),
                   pendingFrames: frameCallbacks.size }),
  close: () => { setTimeout(() => process.exit(0), 0); return true; },
};

const input = readline.createInterface({ input: process.stdin });
input.on("line", (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    process.stdout.write(JSON.stringify({ id: null, ok: false, error: `not JSON: ${line}` }) + "\n");
    return;
  }
  const answer = (ok, payload) => process.stdout.write(JSON.stringify(
    ok ? { id: request.id, ok: true, value: payload === undefined ? null : payload }
       : { id: request.id, ok: false, error: describe(payload) }) + "\n");
  const op = ops[request.op];
  if (!op) return answer(false, new Error(`unknown op ${request.op}`));
  Promise.resolve().then(() => op(request)).then((value) => answer(true, value), (error) => answer(false, error));
});
input.on("close", () => process.exit(0));
process.stdout.write(JSON.stringify({ id: 0, ok: true, value: { ready: true, mode: config.mode } }) + "\n");
