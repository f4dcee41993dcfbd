/*
 * ttminis build step (host side, never in a game): compile the game's Python with the runtime's own
 * Python (Pyodide under Node), so a syntax error is reported at build time as file:line: message.
 *
 * stdin: {"pyodide": "<folder with pyodide.js>", "files": [{"name": "main.py", "source": "...", "main": true}]}
 * stdout: {"version": "3.14.2", "problems": [{"name", "line", "column", "kind", "message", "text"}]}
 * main.py is compiled as the boot runs it: top-level await allowed.
 */
"use strict";

require("./run-in-pyodide.js")(`
import ast, json, sys

def _problems(files):
    found = []
    for entry in files:
        flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if entry.get("main") else 0
        try:
            compile(entry["source"], entry["name"], "exec", flags=flags, dont_inherit=True)
        except SyntaxError as e:
            found.append({"name": entry["name"], "line": e.lineno or 0, "column": e.offset or 0,
                          "kind": type(e).__name__, "message": e.msg, "text": (e.text or "").rstrip("\\n")})
        except ValueError as e:          # e.g. a NUL byte in the source
            found.append({"name": entry["name"], "line": 0, "column": 0, "kind": type(e).__name__,
                          "message": str(e), "text": ""})
    return found

json.dumps({"version": sys.version.split()[0], "problems": _problems(job_files)})
`);
