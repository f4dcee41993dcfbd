"""A native package on JavaScriptCore — the engine TikTok uses on iOS — through Debian's ``jsc`` shell.

Exports:
    JSC                     the ``jsc`` executable looked for (``$TTMINIS_JSC`` overrides)
    JscMissing              ``jsc`` is not installed; the message says what to install
    command(engine, config) -> argv   how Session starts the jsc host (``engine`` "jsc" or "jsc-nojit")
    stage(package, staging, user_data) -> dict   the jsc host's config (files staged under ``staging``)
    run_on_jsc(package, setup="", result="null", timeout=120, engine="jsc") -> dict

The jsc host (``web/simulator/jsc-host.js``) runs the same realm (``realm.js``), the same fake SDK and the
same line protocol as the Node host, so ``Session(package, engine="jsc")`` drives it like the Node one; an
engine difference (a missing ``TextDecoder``, a syntax JavaScriptCore lacks, wasm it refuses) shows up here
rather than on a player's phone. ``jsc-nojit`` is ``jsc --useJIT=false``: JavaScript and wasm interpreted, the
nearest stand-in for an iPhone. Its canvas keeps no pixels: the Node simulator is the one for frames.

Example::

    outcome = run_on_jsc("dist/mygame-native", setup="TTMinisFake.backend.createOrder(30, 'order-1')",
                         result="GameGlobal.gameResult")
    outcome["state"], outcome["result"]        # ('ready', '{"bought": ...}')
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

from ..build import node
from . import FAKE, READY, REALM, SimulatorError

HOST = Path(__file__).resolve().parents[1] / "web" / "simulator" / "jsc-host.js"
JSC = os.environ.get("TTMINIS_JSC") or "jsc"
_BROTLI = ("const z=require('zlib'),fs=require('fs');for(const [src,dst] of JSON.parse(process.argv[1]))"
           "fs.writeFileSync(dst,z.brotliDecompressSync(fs.readFileSync(src)))")
# A package file as jsc's `load` runs it: a CommonJS factory, given the host's recorder for import() (the
# shell has no hook for it: MARK_IMPORTS makes each `import(` a call of `$_imp$(`). On the first line of the
# source, so line numbers are the package file's.
_WRAP = "__ttminisDefine({path}, function ($_imp$) {{ return function (exports, require, module) {{{source}\n}}; }});\n"
MARK_IMPORTS = Path(__file__).resolve().parents[1] / "web" / "simulator" / "mark-imports.js"
# Only a file with the word `import` before a `(` or a comment can hold an import expression: acorn reads those.
_MAY_IMPORT = re.compile(r"(?<![\w$.])import\s*(?:\(|/[*/])")


class JscMissing(SimulatorError):
    """JavaScriptCore's shell is not installed."""


def _jsc() -> str:
    found = shutil.which(JSC)
    if not found:
        raise JscMissing("jsc (JavaScriptCore's shell) was not found: install it with "
                         "`apt-get install libjavascriptcoregtk-4.0-bin` (Debian/Ubuntu) or set TTMINIS_JSC")
    return found


def command(engine: str, config: dict[str, Any]) -> list[str]:
    """The jsc host's command line for ``engine`` ("jsc", or "jsc-nojit": no JIT, as on an iPhone)."""
    flags = ["--useJIT=false"] if engine == "jsc-nojit" else []
    return [_jsc(), *flags, str(HOST), "--", json.dumps(config)]


def stage(package: Path, staging: Path, user_data: Path) -> dict[str, Any]:
    """Stage ``package`` for the jsc host under ``staging``; the host's config (without mode and engine)."""
    brotli = []
    manifest: dict[str, int] = {}
    scripts: dict[str, str] = {}
    for path in sorted(p for p in package.rglob("*") if p.is_file()):
        rel = path.relative_to(package).as_posix()
        manifest[rel] = path.stat().st_size
        if rel.endswith(".js"):
            scripts[rel] = path.read_text(encoding="utf-8")
        elif rel.endswith(".wasm.br"):
            target = staging / "wasm" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            brotli.append([str(path), str(target)])
    scripts.update(_marked_imports(package, [rel for rel, source in scripts.items() if _MAY_IMPORT.search(source)]))
    for rel, source in scripts.items():
        target = staging / "modules" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_WRAP.format(path=json.dumps(rel), source=source), encoding="utf-8")
    if brotli:
        proc = node.run(["-e", _BROTLI, json.dumps(brotli)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise SimulatorError(f"could not decompress the package's .wasm.br for jsc: {proc.stderr[-500:]}")
    fake = staging / "fake.js"
    fake.write_text("(function (queueMicrotask, fetch) {\n" + FAKE.read_text(encoding="utf-8") + "\n})\n",
                    encoding="utf-8")
    user_files = {p.relative_to(user_data).as_posix(): base64.b64encode(p.read_bytes()).decode()
                  for p in sorted(user_data.rglob("*")) if p.is_file()}
    user_dirs = [p.relative_to(user_data).as_posix() for p in sorted(user_data.rglob("*")) if p.is_dir()]
    return {"package": str(package), "staging": str(staging), "realm": str(REALM), "fake": str(fake),
            "manifest": manifest, "userFiles": user_files, "userDirs": user_dirs, "userData": str(user_data)}


def _marked_imports(package: Path, files: list[str]) -> dict[str, str]:
    """The text of each of ``files`` (package paths) that holds an import expression, with it marked."""
    if not files:
        return {}
    proc = node.run([str(MARK_IMPORTS), *files], cwd=package, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SimulatorError(f"could not stage the package's JavaScript for jsc: {proc.stderr[-500:]}")
    marked: dict[str, str] = json.loads(proc.stdout)
    return marked


def run_on_jsc(package: str | os.PathLike[str], *, setup: str = "", result: str = "null",
               timeout: float = 120, engine: str = "jsc") -> dict[str, Any]:
    """Boot ``package`` on JavaScriptCore until ``ttminisLoader`` is ready or failed; what happened, as a dict.

    ``setup`` is JS run before game.js (``TTMinisFake`` in scope); ``result`` a JS expression read at the end.
    The dict: state ("ready", "error", "timeout"), progress, timings, errors (the loader's), console,
    uncaught, violations, result, canvases, elapsed (ms), startedAt.

    Example::

        run_on_jsc("dist/mygame-native")["state"]       # 'ready'
    """
    from . import Session
    with Session(package, engine=engine, start=False) as session:
        if setup:
            session.eval(f"(function () {{\n{setup}\n;}})()")
        session.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                session.wait_for(READY, timeout=max(0.05, deadline - time.monotonic()))
                break
            except SimulatorError as e:
                if "timed out" in str(e):
                    break            # a new error meanwhile: keep waiting for the loader to settle
        loader = session.eval("typeof ttminisLoader === 'undefined' ? null : {state: ttminisLoader.state, "
                              "progress: ttminisLoader.progress, timings: ttminisLoader.timings, "
                              "errors: ttminisLoader.errors}") or {}
        try:
            value = session.eval(result)
        except SimulatorError as e:
            value = f"result() threw: {e}"
        report = session.report()
    state = loader.get("state") or "timeout"
    return {"state": "timeout" if state == "loading" else state, "progress": loader.get("progress"),
            "timings": loader.get("timings"), "errors": loader.get("errors"), "console": report["console"],
            "uncaught": [{"where": e["where"], "error": e["error"]} for e in report["errors"]],
            "violations": report["violations"], "result": value, "canvases": report["canvases"],
            "elapsed": report["elapsed"], "startedAt": report.get("startedAt")}
