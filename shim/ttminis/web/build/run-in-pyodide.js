/*
 * ttminis build steps (host side, never in a game) that run Python with the runtime's own Python, Pyodide
 * under Node: check-python.js and compile-python.js. One shape for both: the job comes as JSON on stdin
 * ({"pyodide": "<folder with pyodide.js>", "files": [...]}), `files` is `job_files` in Python, and the
 * Python's last expression (a JSON string) is the one line written to stdout.
 *
 *   require("./run-in-pyodide.js")(`import json\njson.dumps(len(job_files))`);
 */
"use strict";
const path = require("path");

module.exports = function runInPyodide(python) {
  let input = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => { input += chunk; });
  process.stdin.on("end", async () => {
    const job = JSON.parse(input);
    const { loadPyodide } = require(path.join(job.pyodide, "pyodide.js"));
    const pyodide = await loadPyodide({ indexURL: job.pyodide + path.sep, stdout: () => {}, stderr: () => {} });
    pyodide.globals.set("job_files", pyodide.toPy(job.files));
    process.stdout.write(pyodide.runPython(python) + "\n");
  });
};
