"""Check the game's Python at build time with the runtime's own Python: Pyodide's CPython 3.14, under Node.

A syntax error is then a build error naming ``file:line``, not a screen of Pyodide's frames at run time.
Node runs Pyodide here (native builds need it anyway); without Node the check is skipped with a note
saying so. A set of sources that passed is remembered in the cache, so rebuilding costs nothing.

Exports:
    check(game_dir, files, log=print)   -> raise ``BuildError`` listing ``file:line: message`` for each problem

Example::

    check(Path("mygame"), game_files(Path("mygame")))
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterable

from . import node, runtimes
from .package import WEB, BuildError, Log

SCRIPT = WEB / "build" / "check-python.js"


def check(game_dir: Path, files: Iterable[tuple[Path, Path]], log: Log = print) -> None:
    """Compile every ``.py`` in ``files`` ((relative path, path) pairs) with Pyodide's Python.

    Example::

        check(game_dir, game_files(game_dir))      # BuildError: main.py:3: SyntaxError: invalid syntax
    """
    sources = [{"name": rel.as_posix(), "source": path.read_text(encoding="utf-8", errors="replace"),
                "main": rel.as_posix() == "main.py"} for rel, path in files if path.suffix == ".py"]
    if not sources:
        return
    digest = hashlib.sha256(json.dumps([runtimes.PYODIDE.version, SCRIPT.read_bytes().hex(), sources],
                                       sort_keys=True).encode()).hexdigest()[:24]
    done = runtimes.cache_root() / "python-checked" / digest
    if done.exists():
        return
    try:
        pyodide = runtimes.ensure(runtimes.PYODIDE, log=log)
        proc = node.run([str(SCRIPT)], log=log, input=json.dumps({"pyodide": str(pyodide), "files": sources}),
                        capture_output=True, text=True, timeout=300)
    except node.NodeMissing as e:
        log(f"  note  the game's Python was not checked with the runtime's Python 3.14 at build time: {e}")
        return
    if proc.returncode != 0:
        raise BuildError("could not check the game's Python with Pyodide under Node:\n"
                         + (proc.stderr or proc.stdout).strip()[-2000:])
    answer = json.loads(proc.stdout.strip().splitlines()[-1])
    if answer["problems"]:
        lines = [f"{game_dir.name}/ does not compile (checked with the runtime's Python {answer['version']}):"]
        for p in answer["problems"]:
            lines.append(f"  {p['name']}:{p['line']}: {p['kind']}: {p['message']}")
            if p["text"].strip():
                lines.append(f"      {p['text'].strip()}")
        raise BuildError("\n".join(lines))
    done.parent.mkdir(parents=True, exist_ok=True)
    done.write_text(answer["version"] + "\n")
