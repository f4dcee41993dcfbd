"""A native package on JavaScriptCore — the engine TikTok uses on iOS — through Debian's ``jsc`` shell.

Exports:
    JSC                     the ``jsc`` executable looked for (``$TTMINIS_JSC`` overrides)
    JscMissing              ``jsc`` is not installed; the message says what to install
    run_on_jsc(package, setup="", result="null", timeout=120, options=()) -> dict

The package runs with the same globals as the Node simulator's strict realm (``web/simulator/jsc-host.js``),
so an engine difference (a missing ``TextDecoder``, a syntax JavaScriptCore lacks, wasm it refuses) shows up
here rather than on a player's phone. Its canvas keeps no pixels: the Node simulator is the one for frames.

Example::

    outcome = run_on_jsc("dist/mygame-native", setup="TTMinisFake.backend.createOrder(30, 'order-1')",
                         result="GameGlobal.gameResult")
    outcome["state"], outcome["result"]        # ('ready', '{"bought": ...}')
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Sequence

from ..build import node
from . import FAKE, SimulatorError

HOST = Path(__file__).resolve().parents[1] / "web" / "simulator" / "jsc-host.js"
JSC = os.environ.get("TTMINIS_JSC") or "jsc"
_BROTLI = ("const z=require('zlib'),fs=require('fs');for(const [src,dst] of JSON.parse(process.argv[1]))"
           "fs.writeFileSync(dst,z.brotliDecompressSync(fs.readFileSync(src)))")


class JscMissing(SimulatorError):
    """JavaScriptCore's shell is not installed."""


def _jsc() -> str:
    found = shutil.which(JSC)
    if not found:
        raise JscMissing("jsc (JavaScriptCore's shell) was not found: install it with "
                         "`apt-get install libjavascriptcoregtk-4.0-bin` (Debian/Ubuntu) or set TTMINIS_JSC")
    return found


def _stage(package: Path, staging: Path, setup: str, result: str) -> None:
    brotli = []
    for path in sorted(p for p in package.rglob("*") if p.is_file()):
        rel = path.relative_to(package).as_posix()
        if rel.endswith(".js"):
            target = staging / "modules" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"__ttminisDefine({json.dumps(rel)}, function (exports, require, module) {{\n"
                              f"{path.read_text(encoding='utf-8')}\n}});\n", encoding="utf-8")
        elif rel.endswith(".wasm.br"):
            target = staging / "wasm" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            brotli.append([str(path), str(target)])
    if brotli:
        proc = node.run(["-e", _BROTLI, json.dumps(brotli)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise SimulatorError(f"could not decompress the package's .wasm.br for jsc: {proc.stderr[-500:]}")
    (staging / "fake.js").write_text("globalThis.__ttminisFake = function (queueMicrotask) {\n"
                                     + FAKE.read_text(encoding="utf-8") + "\n};\n", encoding="utf-8")
    (staging / "setup.js").write_text(f"globalThis.__ttminisSetup = function (TTMinisFake) {{\n{setup}\n}};\n",
                                      encoding="utf-8")
    (staging / "result.js").write_text(f"globalThis.__ttminisResult = function (TTMinisFake) {{\nreturn ({result}\n);\n}};\n",
                                       encoding="utf-8")


def run_on_jsc(package: str | os.PathLike[str], *, setup: str = "", result: str = "null",
               timeout: float = 120, options: Sequence[str] = ()) -> dict[str, Any]:
    """Boot ``package`` on JavaScriptCore until ``ttminisLoader`` is ready or failed; what happened, as a dict.

    ``setup`` is JS run before game.js (``TTMinisFake`` in scope); ``result`` a JS expression read at the end;
    ``options`` go to ``jsc`` itself (``["--useJIT=false"]``: JS and wasm interpreted, as on iPhones).
    The dict: state ("ready", "error", "timeout"), progress, timings, errors (the loader's), console,
    uncaught, result, canvases, elapsed (ms).

    Example::

        run_on_jsc("dist/mygame-native")["state"]       # 'ready'
    """
    jsc = _jsc()
    package = Path(package).resolve()
    with tempfile.TemporaryDirectory(prefix="ttminis-jsc-") as tmp:
        staging = Path(tmp)
        _stage(package, staging, setup, result)
        config = {"staging": str(staging), "package": str(package), "timeout": int(timeout * 1000)}
        try:
            proc = subprocess.run([jsc, *options, str(HOST), "--", json.dumps(config)], capture_output=True, text=True,
                                  timeout=timeout + 30)
        except subprocess.TimeoutExpired:
            raise SimulatorError(f"jsc did not finish within {timeout + 30:.0f} s") from None
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SimulatorError(f"jsc failed (exit {proc.returncode}): {(proc.stderr or proc.stdout)[-2000:]}")
    outcome: dict[str, Any] = json.loads(lines[-1])
    return outcome
