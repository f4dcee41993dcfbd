/*
 * `WebAssembly` as Pyodide sees it on TikTok's native runtime: WebAssembly from files in the package only.
 *
 * The runtime bundle is built with esbuild's `inject`, so every free `WebAssembly` in Pyodide's code means
 * this object, never the engine's global (which may be missing, and which would compile bytes if present).
 *
 *   - Modules are compiled from package files, by path, with `TTWebAssembly.compile(path)`.
 *   - Emscripten makes small modules from bytes while it runs (`convertJsFunctionToWasm`: one per function
 *     signature; Pyodide's call trampoline; its error-conversion helper). The build wrote each of those
 *     modules as a file; `preload(index)` compiles them all by path before Pyodide starts, and "compiling
 *     bytes" here only looks the bytes up among them. Bytes the build did not foresee raise `CompileError`,
 *     which is what Pyodide expects from an engine that cannot compile them (it then falls back to JS).
 *   - No `Function`, `Suspending` or `promising`: Pyodide then takes its plain paths (no JSPI).
 */
const TT = globalThis.TTWebAssembly;
const compiled = new Map();     // hex of the module's bytes -> TTWebAssembly.Module
const extensions = new Map();   // package path of a side module -> TTWebAssembly.Module (compileExtensions)
const refused = new Map();      // hex of the module's bytes -> what the engine raised compiling it

class CompileErrorFallback extends Error {}
CompileErrorFallback.prototype.name = "CompileError";

const CompileError = (TT && TT.CompileError) || CompileErrorFallback;

function hex(bytes) {
  const view = bytes instanceof Uint8Array ? bytes
    : ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : new Uint8Array(bytes);
  let out = "";
  for (let i = 0; i < view.length; i++) out += (view[i] < 16 ? "0" : "") + view[i].toString(16);
  return out;
}

// A compiled requirement's extension module, as Python's file system holds it (build/side_modules.py): the wasm
// header, the module's own dylink.0 section (Emscripten's loader reads it from these bytes), then a custom
// section "ttminis.path" naming the package file the module was compiled from. Returns that path, or null.
function leb(view, at) {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = view[at.offset++];
    value += (byte & 127) * scale;
    scale *= 128;
    if (!(byte & 128)) return value;
  }
}
const STUB_SECTION = "ttminis.path";
function stubPath(view) {
  if (view.length > 65536 || view.length < 12 || view[0] !== 0 || view[1] !== 97 || view[8] !== 0) return null;
  const at = { offset: 9 };
  const dylinkSize = leb(view, at);
  at.offset += dylinkSize;                           // skip dylink.0
  if (view[at.offset++] !== 0) return null;
  const size = leb(view, at);
  const end = at.offset + size;
  const nameLength = leb(view, at);
  let name = "";
  for (let i = 0; i < nameLength; i++) name += String.fromCharCode(view[at.offset + i]);
  if (name !== STUB_SECTION) return null;
  let path = "";
  for (let i = at.offset + nameLength; i < end; i++) path += String.fromCharCode(view[i]);
  return decodeURIComponent(path);
}

function lookup(bytes) {
  const view = bytes instanceof Uint8Array ? bytes
    : ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : new Uint8Array(bytes);
  const path = stubPath(view);
  if (path !== null) {
    const module = extensions.get(path);
    if (module) return module;
    throw new CompileError(`ttminis: the extension module ${path} was not compiled at start (not in the ` +
                           "package's config)");
  }
  const key = hex(view);
  const found = compiled.get(key);
  if (found !== undefined) return found;
  if (refused.has(key)) throw new CompileError(`ttminis: the engine refused this module: ${refused.get(key)}`);
  throw new CompileError("ttminis: this WebAssembly module is not a file in the package " +
                         "(the native runtime compiles no wasm from bytes)");
}

function isModule(value) {
  return !!TT && value instanceof TT.Module;
}

/** Compile every module the build wrote as a file ({path, hex} each); the ones the engine refuses stay
 *  refused (their bytes then raise CompileError). Resolves with {ok, refused} counts. */
export async function preload(index) {
  if (!TT) throw new Error("TTWebAssembly is missing: this TikTok client cannot run WebAssembly");
  await Promise.all(index.map(async (entry) => {
    try {
      compiled.set(entry.hex, await TT.compile(entry.path));
    } catch (error) {
      refused.set(entry.hex, String(error && error.message || error));
    }
  }));
  return { ok: compiled.size, refused: refused.size };
}

/** Compile the compiled requirements' side modules by path ({path} each, config.runtime.extensions), so
 *  that Emscripten's loader, given their stubs, gets them. Resolves with their count. */
export async function compileExtensions(entries) {
  if (!entries || !entries.length) return 0;
  if (!TT) throw new Error("TTWebAssembly is missing: this TikTok client cannot run WebAssembly");
  await Promise.all(entries.map(async (entry) => {
    extensions.set(entry.path, await TT.compile(entry.path));
  }));
  return extensions.size;
}

/** A new instance of the preloaded module whose bytes have this hex, or null where the engine refused it. */
export function instantiateKnown(hexKey, imports) {
  const found = compiled.get(hexKey);
  return found ? new TT.Instance(found, imports) : null;
}

// pyodide.js instantiates the main module itself (reading the whole .wasm with readbuffer and compiling the
// bytes) unless Emscripten's WasmOffsetConverter exists; declaring it hands instantiation back to
// Emscripten, which then calls Module.instantiateWasm: startPyodide's, by path. Only its presence is tested.
export const WasmOffsetConverter = true;

function Module(bytes) {
  return lookup(bytes);
}
if (TT) {
  Module.prototype = TT.Module.prototype;
  Module.customSections = (m, name) => TT.Module.customSections(m, name);
  Module.imports = (m) => TT.Module.imports(m);
  Module.exports = (m) => TT.Module.exports(m);
}

export const WebAssembly = {
  Module,
  Instance: TT && TT.Instance,
  Memory: TT && TT.Memory,
  Table: TT && TT.Table,
  Global: TT && TT.Global,
  Tag: TT && TT.Tag,
  Exception: TT && TT.Exception,
  CompileError,
  LinkError: (TT && TT.LinkError) || Error,
  RuntimeError: (TT && TT.RuntimeError) || Error,
  validate: (bytes) => compiled.has(hex(bytes)),
  compile: async (bytes) => lookup(bytes),
  instantiate: async (source, imports) => {
    if (isModule(source)) return new TT.Instance(source, imports);
    const module = lookup(source);
    return { module, instance: new TT.Instance(module, imports) };
  },
  compileStreaming: () => Promise.reject(new CompileError("ttminis: no streaming compilation on the native runtime")),
  instantiateStreaming: () => Promise.reject(new CompileError("ttminis: no streaming compilation on the native runtime")),
};

/** Compile the package files at `paths`, in parallel: their Modules, in order. */
export function compilePaths(paths) {
  if (!TT) return Promise.reject(new Error("TTWebAssembly is missing: this TikTok client cannot run WebAssembly"));
  return Promise.all(paths.map((path) => TT.compile(path)));
}

/** A new instance of a Module from `compilePaths` (instantiating runs its data segments). */
export function instantiateModule(module, imports) {
  return new TT.Instance(module, imports);
}

/** Instantiate the package file at `path` with `imports`: {module, instance}. TikTok's documented result
 *  is that object; a client answering with the Instance alone gets its Module from `compile(path)`. */
export async function instantiatePath(path, imports) {
  const result = await TT.instantiate(path, imports);
  if (result && result.instance && result.module) return result;
  return { module: await TT.compile(path), instance: result };
}
