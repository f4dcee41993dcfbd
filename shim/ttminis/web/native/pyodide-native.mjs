/*
 * Pyodide on TikTok's native runtime: one function that turns the package's files into a running Pyodide.
 *
 * The build bundles this file with Pyodide's own `pyodide.js` and `pyodide.asm.mjs` (ES modules) into one
 * CommonJS file, `ttminis/pyodide-native.js`, with esbuild's `inject` supplying `WebAssembly`,
 * `TextDecoder`/`TextEncoder`, `performance` and the shell functions (`shims/`). Pyodide itself is
 * unchanged; what differs from a browser is configuration:
 *
 *   - `createPyodideModule` is handed to loadPyodide (no `import()` of pyodide.asm.mjs), wrapped so that
 *     Emscripten instantiates the main module by path (`TTWebAssembly.instantiate`, `.wasm.br` allowed);
 *   - `stdLibURL` is a package path, read through the file system manager;
 *   - `lockFileContents` is the pinned lock's `info` with no packages (nothing is fetched, ever);
 *   - the small modules Emscripten would compile from bytes are preloaded from package files;
 *   - with a memory snapshot (made at build time, see build/snapshot.py), Python is not initialised at all:
 *     the heap it had after the build's imports is written back by instantiating small generated
 *     `.wasm(.br)` modules whose data segments hold it (the engine decompresses and copies; no JS decoding),
 *     and Pyodide's own `_loadSnapshot` restores the JS side.
 *
 * startPyodide(options) -> Promise<{pyodide, timings}>; each step is timed on its own (milliseconds):
 *   modules      compile the small wasm files by path (and start compiling the snapshot's)
 *   stdlib       read python_stdlib.zip from the package
 *   instantiate  compile and instantiate pyodide.asm.wasm by path
 *   restore      (snapshot) write the snapshot's heap into the instance's memory
 *   python       initialise the interpreter and Pyodide's Python side (with a snapshot: only the JS side)
 */
import { compileExtensions, compilePaths, instantiateKnown, instantiateModule, instantiatePath, preload }
  from "./shims/webassembly.mjs";
import { performance, setReader } from "./shims/shell.mjs";
import { afterRestore, restoreHeap } from "../snapshot/restore.mjs";

function errorConversion(hexKey) {
  try {
    const instance = hexKey ? instantiateKnown(hexKey, {}) : null;
    if (instance) return instance.exports;
  } catch (error) {
    console.warn("[ttminis] Pyodide's error-conversion module did not instantiate; using its JS fallback", error);
  }
  // Pyodide's own fallback where the engine cannot compile its (WebAssembly GC) helper.
  const marker = Symbol("error marker");
  return { Jsv_GetError_import: () => marker, JsvError_Check: (value) => value === marker };
}

/**
 * Start Pyodide from package files.
 *
 *   loadPyodide, createPyodideModule   Pyodide's own (the bundle passes them)
 *   wasmPath        package path of pyodide.asm.wasm(.br)
 *   modules         [{path, hex}] the small modules written by the build
 *   errorModule     hex of Pyodide's error-conversion helper among `modules` (or null)
 *   indexURL        the package folder Pyodide treats as its own (nothing is read from it by URL)
 *   stdlibPath      package path of python_stdlib.zip
 *   lockInfo        the pinned pyodide-lock.json's `info`
 *   codeTable       {text: function} the side modules' EM_ASM/EM_JS (ttminis/em-code.js), or null
 *   extensions      [{path, file}] the compiled requirements' side modules: compiled by path here, handed to
 *                   Emscripten's loader when Python imports them (their `file` holds a stub naming `path`)
 *   snapshot        {head, modules, heapBytes, start}: start from the build's memory snapshot (package paths
 *                   of its head — Pyodide's header and JS state — and of its data modules; the Python run
 *                   right after, see build/snapshot.py), or null
 *   makeSnapshot    true at build time only: boot so that pyodide.makeMemorySnapshot() works, and call
 *                   onRuntime(module) once Emscripten's runtime is up, before Python starts
 *   readFile(path)  -> ArrayBuffer of a package file
 *   onStep(name)    called as each step starts
 *
 * Example:
 *   const { pyodide, timings } = await startPyodide({ ...config.runtime, readFile, onStep });
 */
export async function startPyodide(options) {
  const timings = {};
  const started = performance.now();
  let mark = started;
  const step = (name) => {
    const now = performance.now();
    if (step.current) timings[step.current] = Math.round(now - mark);
    step.current = name;
    mark = now;
    if (name && options.onStep) options.onStep(name);
  };
  const snapshot = options.snapshot || null;
  // The side modules' EM_ASM/EM_JS as functions (ttminis/em-code.js): what Emscripten's loader would eval.
  // eslint-disable-next-line no-undef
  __ttminisEval.table = options.codeTable || null;

  step("modules");
  const snapshotModules = snapshot ? compilePaths(snapshot.modules) : null;
  if (snapshotModules) snapshotModules.catch(() => {});
  const [modules, extensionCount] = await Promise.all([preload(options.modules),
                                                      compileExtensions(options.extensions)]);
  timings.extensionsCompiled = extensionCount;
  timings.modulesCompiled = modules.ok;
  timings.modulesRefused = modules.refused;

  setReader((path) => {
    if (path === options.stdlibPath) step("stdlib");
    return options.readFile(path);
  });

  const createModule = (settings) => {
    settings.instantiateWasm = (imports, receive) => {
      step("instantiate");
      const helper = errorConversion(options.errorModule);
      imports.env.Jsv_GetError_import = helper.Jsv_GetError_import;
      imports.env.JsvError_Check = helper.JsvError_Check;
      instantiatePath(options.wasmPath, imports).then(({ module, instance }) => {
        step(snapshot ? "restore" : "python");
        receive(instance, module);
      }).catch((error) => {
        step(null);
        failInstantiate(error);
      });
      return {};
    };
    // Emscripten calls this once its runtime is up (C constructors run), before main() starts Python.
    if (options.onRuntime) settings.onRuntimeInitialized = () => options.onRuntime(settings);
    let ready = options.createPyodideModule(settings);
    if (snapshot) {
      ready = ready.then((module) => snapshotModules.then((dataModules) => {
        restoreHeap(module, snapshot.heapBytes, dataModules, instantiateModule);
        step("python");
        return module;
      }));
    }
    return Promise.race([ready, instantiateFailed]);
  };
  let failInstantiate;
  const instantiateFailed = new Promise((_resolve, reject) => { failInstantiate = reject; });
  instantiateFailed.catch(() => {});

  const config = {
    indexURL: options.indexURL,
    stdLibURL: options.stdlibPath,
    lockFileContents: { info: options.lockInfo, packages: {} },
    createPyodideModule: createModule,
    env: { HOME: options.home || "/home/pyodide" },
    stdout: options.stdout,
    stderr: options.stderr,
  };
  if (snapshot) config._loadSnapshot = new Uint8Array(options.readFile(snapshot.head));
  if (options.makeSnapshot) config._makeSnapshot = true;
  const pyodide = await options.loadPyodide(config);
  if (snapshot) afterRestore(pyodide, snapshot.start);
  step(null);
  timings.total = Math.round(performance.now() - started);
  return { pyodide, timings };
}
