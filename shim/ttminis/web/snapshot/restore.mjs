/*
 * Starting Pyodide from a build-time memory snapshot, the part both targets share (the native bundle imports
 * it; the html loader imports ttminis-snapshot.mjs, a copy). See ttminis/build/snapshot.py.
 *
 *   restoreHeap(module, heapBytes, dataModules, instantiate)
 *       once Emscripten's runtime is up: grow the memory to the snapshot's size, then instantiate each data
 *       module with {e: {m: memory}} — their active data segments write the heap; the engine copies.
 *   afterRestore(pyodide, startSource)
 *       once loadPyodide resolved: what must be read live, not from the build: the C library's time zone
 *       (its own once-only tzset() already ran at build time), then the Python start code (random reseeded,
 *       time zone constants, ...).
 */

export function restoreHeap(module, heapBytes, dataModules, instantiate) {
  if (module.HEAP8.length < heapBytes) module.growMemory(heapBytes);
  if (module.HEAP8.length !== heapBytes) {
    throw new Error(`ttminis: the snapshot's heap is ${heapBytes} bytes but the memory is ${module.HEAP8.length}`);
  }
  const imports = { e: { m: module.memory } };
  for (const dataModule of dataModules) instantiate(dataModule, imports);
}

export function afterRestore(pyodide, startSource) {
  const m = pyodide._module;
  const names = m._tzname >>> 2;
  m.__tzset_js(m._timezone, m._daylight, m.HEAPU32[names], m.HEAPU32[names + 1]);
  pyodide.runPython(startSource);
}
