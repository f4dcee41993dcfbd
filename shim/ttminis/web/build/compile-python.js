/*
 * ttminis build step (host side, never in a game): compile the game's own modules to bytecode with the
 * runtime's own Python (Pyodide under Node), so a start reads .pyc files instead of compiling source.
 *
 * stdin:  {"pyodide": "<folder with pyodide.js>", "files": [{"name": "levels.py", "source": "..."}]}
 * stdout: {"version": "3.14.2", "magic": "<hex>", "compiled": [{"name": "__pycache__/levels.cpython-314.pyc",
 *          "base64": "..."}], "problems": [{"name", "message"}]}
 * The .pyc files are "unchecked-hash" ones (PEP 552): the runtime uses them without comparing them to the
 * source's modification time, which an archive unpacked at each start would not keep anyway.
 */
"use strict";

require("./run-in-pyodide.js")(`
import base64, importlib.util, json, os, py_compile, sys

def _compile(files):
    root = "/tmp/ttminis-bytecode"
    compiled, problems = [], []
    for entry in files:
        source_path = os.path.join(root, entry["name"])
        os.makedirs(os.path.dirname(source_path), exist_ok=True)
        with open(source_path, "w", encoding="utf-8") as f:
            f.write(entry["source"])
        cache = importlib.util.cache_from_source(source_path)
        try:
            py_compile.compile(source_path, cfile=cache, dfile=entry["name"], doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        except py_compile.PyCompileError as e:
            problems.append({"name": entry["name"], "message": e.msg})
            continue
        with open(cache, "rb") as f:
            data = f.read()
        compiled.append({"name": os.path.relpath(cache, root), "base64": base64.b64encode(data).decode()})
    return compiled, problems

compiled, problems = _compile(job_files)
json.dumps({"version": sys.version.split()[0], "magic": importlib.util.MAGIC_NUMBER.hex(),
            "compiled": compiled, "problems": problems})
`);
