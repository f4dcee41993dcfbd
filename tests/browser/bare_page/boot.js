// A hand-written loadPyodide page: ttminis unpacked from a zip into Pyodide's file system.
(async function () {
  "use strict";
  try {
    const pyodide = await loadPyodide({ indexURL: "pyodide/" });
    const zip = await (await fetch("ttminis.zip")).arrayBuffer();
    pyodide.unpackArchive(zip, "zip", { extractDir: "/home/pyodide/lib" });
    const setup = await (await fetch("setup.py")).text();
    await pyodide.runPythonAsync(setup);
    window.runPython = (source) => pyodide.runPythonAsync(source);
    window.bareState = "ready";
  } catch (e) {
    window.bareState = "error: " + e;
  }
})();
