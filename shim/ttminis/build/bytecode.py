"""The game's own modules compiled to bytecode at build time, by the runtime's own Python (host side).

Importing a module compiles its source first; without JIT (iPhones) a 5,000-line module costs seconds at
every start. So the build compiles the game's own modules (not ``main.py``, which the boot runs from its
source) with Pyodide's CPython 3.14 under Node, as Pyodide would, and ships each as
``__pycache__/<name>.cpython-314.pyc`` next to its source in the code archive. They are "unchecked-hash"
``.pyc`` files (PEP 552): the runtime uses them as they are, without comparing modification times, which an
archive unpacked at each start does not keep. The source stays too, for tracebacks. Results are cached by the
sources' digest, so rebuilding costs nothing.

Exports:
    compile_own(code, own, log=print) -> (files, report)   [(archive path, .pyc bytes)] and report lines

Example::

    pyc, lines = compile_own(code, own_modules(game_dir))
    code += pyc
"""
from __future__ import annotations

import base64
import hashlib
import json
import shutil

from . import node, runtimes
from .package import WEB, BuildError, Log

SCRIPT = WEB / "build" / "compile-python.js"


def _own(rel: str, own: set[str]) -> bool:
    return rel.endswith(".py") and rel != "main.py" and rel.split("/")[0].removesuffix(".py") in own


def compile_own(code: list[tuple[str, bytes]], own: set[str], log: Log = print) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Bytecode for the game's own modules in ``code`` ((archive path, bytes) pairs): the ``.pyc`` files to add,
    and what the build report says about them.

    Example::

        compile_own([("levels.py", b"X = 1\\n")], {"main", "levels"})[0]
        # [('__pycache__/levels.cpython-314.pyc', b'...')]
    """
    sources = [{"name": rel, "source": data.decode("utf-8", errors="replace")} for rel, data in code if _own(rel, own)]
    if not sources:
        return [], ["  none: the game has no modules besides main.py (the boot runs main.py from its source)"]
    digest = hashlib.sha256(json.dumps([runtimes.PYODIDE.version, SCRIPT.read_bytes().hex(), sources],
                                       sort_keys=True).encode()).hexdigest()[:24]
    cached = runtimes.cache_root() / "bytecode" / f"{digest}.json"
    if cached.is_file():
        answer = json.loads(cached.read_text())
    else:
        try:
            pyodide = runtimes.ensure(runtimes.PYODIDE, log=log)
            proc = node.run([str(SCRIPT)], log=log, input=json.dumps({"pyodide": str(pyodide), "files": sources}),
                            capture_output=True, text=True, timeout=300)
        except node.NodeMissing as e:
            return [], [f"  not compiled: {e}; each start compiles the game's modules from their source"]
        if proc.returncode != 0:
            raise BuildError("could not compile the game's modules with Pyodide under Node:\n"
                             + (proc.stderr or proc.stdout).strip()[-2000:])
        answer = json.loads(proc.stdout.strip().splitlines()[-1])
        if not answer["problems"]:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(".partial")
            partial.write_text(json.dumps(answer))
            shutil.move(str(partial), str(cached))
    if answer["problems"]:
        raise BuildError("the game's modules do not compile with the runtime's Python "
                         f"{answer['version']}:\n" + "\n".join(f"  {p['name']}: {p['message']}" for p in answer["problems"]))
    files = [(entry["name"], base64.b64decode(entry["base64"])) for entry in answer["compiled"]]
    size = sum(len(data) for _, data in files)
    return files, [f"  {len(files)} module(s) compiled to bytecode by the runtime's Python {answer['version']} "
                   f"({size / 1000:.0f} kB of .pyc): a start does not compile their source"]
