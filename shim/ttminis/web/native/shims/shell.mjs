/*
 * The "JS shell" environment Pyodide and Emscripten run in on TikTok's native runtime (esbuild `inject`).
 *
 * Pyodide's environment check accepts a browser page, a module worker, Node, workerd or a JS shell, and
 * the shell is the only one that needs no DOM: it is recognised by `read` and `load` functions and reads
 * files with `readbuffer`. Here those are module-local (never globals), backed by the package's files
 * through `TTMinis.game.getFileSystemManager()`. Emscripten's shell path gets random bytes by running
 * `head -c N /dev/urandom | base64` through `os.system`; `os.system` answers that one command with
 * `crypto.getRandomValues` where it exists, else with Math.random — NOT cryptographic. TikTok documents
 * no random source for the native runtime, so the build says this once (`ttminis build`'s native notes),
 * not the console at every start. The shell's `print`, `quit`, `printErr` and arguments are hidden
 * (undefined) so that an engine shell that has them (jsc, d8) is not touched by Emscripten.
 */
let reader = null;

function fileSystem() {
  return globalThis.TTMinis.game.getFileSystemManager();
}

/** Where `readbuffer`/`read` get package files: `fn(path) -> ArrayBuffer` (default: the file system manager). */
export function setReader(fn) {
  reader = fn;
}

export function readbuffer(path) {
  return reader ? reader(path) : fileSystem().readFileSync(path);
}

export function read(path, kind) {
  if (kind === "binary") return new Uint8Array(readbuffer(path));
  return fileSystem().readFileSync(path, "utf8");
}

export function load(path) {
  throw new Error(`ttminis: load(${path}) is not available on the native runtime (use require)`);
}

export const print = undefined;

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
function randomBytes(count) {
  const bytes = new Uint8Array(count);
  const crypto = globalThis.crypto;
  if (crypto && typeof crypto.getRandomValues === "function") {
    for (let i = 0; i < count; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(count, i + 65536)));
    return bytes;
  }
  for (let i = 0; i < count; i++) bytes[i] = Math.floor(Math.random() * 256);
  return bytes;
}

function base64(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
    out += BASE64[(n >> 18) & 63] + BASE64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? BASE64[(n >> 6) & 63] : "=";
    out += i + 2 < bytes.length ? BASE64[n & 63] : "=";
  }
  return out;
}

export const os = {
  system(program, args) {
    const match = /^head -c(\d+) \/dev\/urandom \| base64/.exec((args && args[1]) || "");
    if (program !== "sh" || !match) throw new Error(`ttminis: os.system(${program}) is not available`);
    return base64(randomBytes(Number(match[1])));
  },
};

const start = Date.now();
export const performance = globalThis.performance && typeof globalThis.performance.now === "function"
  ? globalThis.performance
  : { now: () => Date.now() - start };
