"""Static checks of a native package's JavaScript against what TikTok's native runtime allows.

Exports:
    scan(folder, own, runtime, log) -> Report     ``report.failures`` fail the build

Run on acorn's syntax tree by ``web/simulator/scan.js`` (see it for the rules). Our own JS (game.js, the
boot, the config) must break none of them. The bundled Pyodide runtime must have no ES module syntax and no
``import()`` — everything else in it (eval in Emscripten's dynamic linker, DOM code for browsers) is only
listed, since a game never reaches it; the simulator records what actually runs.

Example::

    report = scan(Path("dist/shop-native"), own=["game.js"], runtime=["ttminis/pyodide-native.js"])
    report.failures     # []
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import node
from .package import WEB, BuildError

SCANNER = WEB / "simulator" / "scan.js"
ALWAYS_FATAL = {"es-module-syntax", "dynamic-import", "syntax-error"}


@dataclass
class Report:
    failures: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def findings(files: dict, log=print) -> dict:
    """{name: [finding, ...]} for ``files`` ({name: path}); each finding {kind, line, detail}.

    Example::

        findings({"game.js": Path("dist/x/game.js")})   # {'game.js': []}
    """
    listing = [{"name": name, "path": str(path)} for name, path in files.items()]
    proc = node.run([str(SCANNER), json.dumps(listing)], log=log, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(f"the native JavaScript check failed to run: {proc.stderr.strip()[-1000:]}")
    return {entry["name"]: entry["findings"] for entry in json.loads(proc.stdout)}


def scan(folder: Path, own, runtime, log=print) -> Report:
    """Check the package in ``folder``: ``own`` and ``runtime`` are package-relative JS paths."""
    report = Report()
    results = findings({name: folder / name for name in [*own, *runtime]}, log)
    for name in own:
        for f in results[name]:
            report.failures.append(f"{name}:{f['line']}: {f['kind']} ({f['detail']})")
    for name in runtime:
        counts = Counter()
        for f in results[name]:
            if f["kind"] in ALWAYS_FATAL:
                report.failures.append(f"{name}:{f['line']}: {f['kind']} ({f['detail']})")
            else:
                counts[f["kind"]] += 1
        if counts:
            listed = ", ".join(f"{kind} x{n}" for kind, n in sorted(counts.items()))
            report.notes.append(f"{name} (Pyodide, third-party): {listed} in code paths a game does not reach "
                                "(the simulator records anything that runs)")
    return report
