"""Check the game's Python at build time: it compiles with the runtime's own Python, its imports can be
satisfied, and it asks the JavaScript engine for no code generation.

Two checks, run by every build (``check``):

- **Compiles** with Pyodide's CPython 3.14 under Node (native builds need Node anyway): a syntax error is a
  build error naming ``file:line``, not a screen of Pyodide's frames at run time. Without Node this part is
  skipped with a note saying so. A set of sources that passed is remembered in the cache.
- **One syntax-tree pass** (``scan``, the standard library's ``ast``, no game code runs) over every ``.py``
  of the game that finds

  * imports nothing provides: not the standard library, not the runtime (``js``, ``pyodide``; ``browser``,
    ``javascript`` on Brython), not ttminis, not a requirement in ``requirements.txt``, not the game's own
    modules. The build warns; a ``--zip`` build fails on them (``ttminis build`` exits 1 and writes no
    zip), since that game cannot start. An import under ``try: ... except ImportError`` (or
    ``ModuleNotFoundError``, ``Exception``, a bare ``except``) or ``if TYPE_CHECKING:`` is the game's own
    fallback: a warning only.
  * code generation through the JavaScript engine, which TikTok's native runtime forbids: ``js.eval``,
    ``js.Function``, any ``.constructor`` reached from ``js`` (``js.Math.max.constructor``),
    ``getattr(js..., "eval" | "Function" | "constructor")``, ``js.setTimeout``/``setInterval`` with a
    string, ``pyodide.code.run_js`` and ``pyodide.code.eval_code`` (also ``eval_code_async``), however imported (``import js as j``, ``from js import eval as e``,
    ``from pyodide.code import run_js``). A native build fails naming ``file:line``; html warns.

  What the pass cannot see (it reads names, it does not run code): a name built at run time
  (``getattr(js, name)``, ``js[name]``), a JavaScript object reached through a call, a return value, an
  argument, a variable or another object's attribute (``f().constructor``, ``m = js.Math;
  m.constructor``), modules imported through
  ``importlib``/``__import__``, code handed to Python's ``exec``/``eval`` as a string, and the code of the
  game's requirements. The native simulator still records each such use at run time as a violation.

Exports:
    check(game_dir, files, log=print, *, target="html", runtime="pyodide", allow_js_code_generation=False)
        compile every ``.py`` with Pyodide's Python and scan it; ``BuildError`` listing ``file:line: message``
        for a syntax error, or (native) for code generation (a warning with ``allow_js_code_generation``, for
        tests of the simulator's refusals); unresolved imports are logged as warnings
    scan(game_dir, files, provided) -> Scan   the one syntax-tree pass: ``unresolved`` and ``code_generation``
    unresolved_imports(game_dir, runtime="pyodide", log=print) -> list[Finding]   what a ``--zip`` build fails on
    provided_modules(game_dir, runtime, log) -> set of top-level names the game may import

Example::

    check(Path("mygame"), game_files(Path("mygame")), target="native")
"""
from __future__ import annotations

import ast
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import node, runtimes
from .package import WEB, BuildError, Log, game_files, own_modules, requirement_files

SCRIPT = WEB / "build" / "check-python.js"


def check(game_dir: Path, files: Iterable[tuple[Path, Path]], log: Log = print, *, target: str = "html",
          runtime: str = "pyodide", allow_js_code_generation: bool = False) -> None:
    """Compile every ``.py`` in ``files`` ((relative path, path) pairs) with Pyodide's Python, then ``scan``.

    Example::

        check(game_dir, game_files(game_dir))      # BuildError: main.py:3: SyntaxError: invalid syntax
    """
    files = list(files)
    _compile(game_dir, files, log)
    found = scan(game_dir, files, provided_modules(game_dir, runtime, log))
    for finding in found.unresolved:
        log(f"  warn  {finding}")
    if found.code_generation:
        lines = [f"{f}" for f in found.code_generation]
        if target == "native" and not allow_js_code_generation:
            raise BuildError("the game's Python asks the JavaScript engine to generate code, which TikTok's "
                             "native runtime forbids:\n  " + "\n  ".join(lines))
        for line in lines:
            log(f"  warn  {line} (TikTok's native runtime forbids it)")


def _compile(game_dir: Path, files: list[tuple[Path, Path]], log: Log) -> None:
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


# The runtimes' own modules: always there on the runtime, never in a requirement.
RUNTIME_MODULES = {"pyodide": {"js", "pyodide", "pyodide_js", "_pyodide"}, "brython": {"browser", "javascript"}}
# Standard-library modules newer than the oldest host Python ttminis runs on (3.10), present in the
# runtime's 3.14: the host's sys.stdlib_module_names does not list them.
_NEWER_STDLIB = {"tomllib", "_tomllib", "annotationlib", "compression", "_colorize", "_pyrepl", "_interpreters",
                 "_interpqueues", "_interpchannels", "string.templatelib", "_zstd", "concurrent"}
_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
_JS_FORBIDDEN = {"eval", "Function", "constructor"}
_RUN_CODE = {"pyodide.code.run_js", "pyodide.code.eval_code", "pyodide.code.eval_code_async",
             "pyodide.run_js", "pyodide.eval_code", "pyodide.eval_code_async"}
_STRING_TIMERS = {"setTimeout", "setInterval"}


@dataclass(frozen=True)
class Finding:
    """One thing the pass found, at ``file:line``: an ``import`` nothing provides, or code generation."""

    file: str
    line: int
    name: str
    kind: str            # "import" or "code generation"
    guarded: bool = False

    def __str__(self) -> str:
        if self.kind == "import":
            how = (" (guarded: the game handles its absence)" if self.guarded else
                   ": not the standard library, the runtime, ttminis, a requirement or the game's own module; "
                   "add it to requirements.txt (pure-Python wheels only) or remove the import")
            return f"{self.file}:{self.line}: import {self.name}{how}"
        return f"{self.file}:{self.line}: {self.name}"


@dataclass
class Scan:
    """What ``scan`` found: ``unresolved`` imports (guarded ones flagged) and ``code_generation`` uses."""

    unresolved: list[Finding] = field(default_factory=list)
    code_generation: list[Finding] = field(default_factory=list)


def provided_modules(game_dir: Path, runtime: str = "pyodide", log: Log = print) -> set[str]:
    """The top-level names the game may import: the standard library, the runtime's modules, ttminis,
    the requirements' modules (their wheels, fetched and cached) and the game's own modules.

    Example::

        "toolz" in provided_modules(Path("mygame"))     # True when requirements.txt names toolz
    """
    names = set(sys.stdlib_module_names) | _NEWER_STDLIB | RUNTIME_MODULES.get(runtime, set()) | {"ttminis"}
    names |= {"__future__", "__main__"}
    names |= own_modules(game_dir)
    for rel, _data in requirement_files(game_dir, log):
        top = rel.parts[0]
        if top.endswith((".dist-info", ".data")):
            continue
        names.add(top.removesuffix(".py").split(".")[0] if top.endswith(".py") else top)
    return names


def unresolved_imports(game_dir: Path, runtime: str = "pyodide", log: Log = print) -> list[Finding]:
    """The imports of the game nothing provides and nothing guards: a game with one cannot start.

    Example::

        unresolved_imports(Path("mygame"))   # [Finding('main.py', 1, 'numpy', 'import')]
    """
    found = scan(game_dir, game_files(game_dir), provided_modules(game_dir, runtime, log))
    return [f for f in found.unresolved if not f.guarded]


def scan(game_dir: Path, files: Iterable[tuple[Path, Path]], provided: set[str]) -> Scan:
    """The one syntax-tree pass over the game's Python: imports nothing in ``provided`` gives, and code
    generation through the JavaScript engine. A file that does not parse is skipped (the compile check
    reports it).

    Example::

        scan(game_dir, game_files(game_dir), provided_modules(game_dir)).code_generation
    """
    result = Scan()
    for rel, path in files:
        if path.suffix != ".py":
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"), filename=rel.as_posix())
        except (SyntaxError, ValueError):
            continue
        _Visitor(rel.as_posix(), provided, result).visit(tree)
    return result


class _Visitor(ast.NodeVisitor):
    """Walks one file, knowing whether it is inside an import guard and what each imported name stands for."""

    def __init__(self, file: str, provided: set[str], result: Scan) -> None:
        self.file, self.provided, self.result = file, provided, result
        self.guards = 0
        self.aliases: dict[str, str] = {}          # local name -> dotted origin, for js and pyodide only
        self.seen: set[tuple[int, str]] = set()

    # Imports ----------------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._needs(alias.name, node.lineno)
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.aliases[top] = top
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            self._needs(node.module, node.lineno)
            for alias in node.names:
                self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                self._flag_name(f"{node.module}.{alias.name}", node.lineno)
        self.generic_visit(node)

    def _needs(self, module: str, line: int) -> None:
        top = module.split(".")[0]
        if top in self.provided or module in self.provided:
            return
        self.result.unresolved.append(Finding(self.file, line, module, "import", guarded=self.guards > 0))

    def visit_Try(self, node: ast.Try) -> None:
        guarded = any(_catches_import_error(handler.type) for handler in node.handlers)
        self.guards += guarded
        for statement in node.body:
            self.visit(statement)
        self.guards -= guarded
        for part in (*node.handlers, *node.orelse, *node.finalbody):
            self.visit(part)

    visit_TryStar = visit_Try

    def visit_If(self, node: ast.If) -> None:
        type_checking = (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING") or (
            isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
        self.visit(node.test)
        self.guards += type_checking
        for statement in node.body:
            self.visit(statement)
        self.guards -= type_checking
        for statement in node.orelse:
            self.visit(statement)

    # Code generation --------------------------------------------------------------------------------
    def _dotted(self, node: ast.expr) -> str | None:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.aliases:
            return ".".join([self.aliases[node.id], *reversed(parts)])
        return None

    def _flag_name(self, dotted: str, line: int) -> None:
        parts = dotted.split(".")
        if parts[0] == "js":
            for i, part in enumerate(parts[1:], start=2):
                if part in _JS_FORBIDDEN:
                    self._report(line, ".".join(parts[:i]))
                    return
        for i in range(2, len(parts) + 1):
            if ".".join(parts[:i]) in _RUN_CODE:
                self._report(line, ".".join(parts[:i]))
                return

    def _report(self, line: int, what: str) -> None:
        if (line, what) not in self.seen:
            self.seen.add((line, what))
            self.result.code_generation.append(Finding(self.file, line, what, "code generation"))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        dotted = self._dotted(node)
        if dotted is not None:
            self._flag_name(dotted, node.lineno)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.aliases and isinstance(node.ctx, ast.Load):
            self._flag_name(self.aliases[node.id], node.lineno)

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        if isinstance(function, ast.Name) and function.id == "getattr" and len(node.args) >= 2:
            owner, name = node.args[0], node.args[1]
            dotted = self._dotted(owner)
            if dotted is not None and isinstance(name, ast.Constant) and isinstance(name.value, str):
                self._flag_name(f"{dotted}.{name.value}", node.lineno)
        dotted = self._dotted(function) if isinstance(function, (ast.Attribute, ast.Name)) else None
        if (dotted and dotted.split(".")[0] == "js" and dotted.split(".")[-1] in _STRING_TIMERS and node.args
                and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))
                and isinstance(getattr(node.args[0], "value", ""), str)):
            self._report(node.lineno, f"{dotted}(<a string>): a string timer")
        self.generic_visit(node)


def _catches_import_error(handler: ast.expr | None) -> bool:
    if handler is None:
        return True
    names = handler.elts if isinstance(handler, ast.Tuple) else [handler]
    return any((isinstance(n, ast.Name) and n.id in _IMPORT_ERRORS) or
               (isinstance(n, ast.Attribute) and n.attr in _IMPORT_ERRORS) for n in names)
