"""Pyodide made fit for TikTok's native runtime, at build time (host side).

Exports:
    RuntimeParts                what a native package needs from Pyodide (see ``prepare``)
    prepare(runtime_dir, log)   -> RuntimeParts, cached per Pyodide version and ttminis's shims
    runtime_files(parts, root)  {package path: bytes} of the wasm files, under ``root``
    runtime_config(parts, root, stdlib_path)   what startPyodide needs to find them (config.js's ``runtime``)
    signature_module(sig)       the bytes Emscripten's ``convertJsFunctionToWasm`` makes for ``sig``
    brotli(data, quality=11)    brotli, through Node's zlib

What is adapted, and how (Pyodide's own files are never edited):

* ``pyodide.js`` and ``pyodide.asm.mjs`` are ES modules loaded with ``import()``; esbuild bundles them with
  ``web/native/pyodide-native.mjs`` into one CommonJS file (``import()`` turned into ``require``, which only
  Node's code paths reach), injecting ``WebAssembly``, ``TextDecoder``/``TextEncoder``, ``performance`` and
  the JS-shell functions from ``web/native/shims`` as module-local names.
* Emscripten compiles small modules from bytes at run time: one per function signature whenever
  ``Table.set`` refuses a JS function (``convertJsFunctionToWasm``), Pyodide's call trampoline, and its
  error-conversion helper. Each is written here as a file (``runtime/wasm/*.wasm``) and listed with its
  bytes' hex, so the package compiles them by path and only *looks up* bytes at run time.
* ``pyodide.asm.wasm`` ships brotli-compressed (``.wasm.br``, which ``TTWebAssembly`` accepts): 9.6 MB raw
  cannot fit a 4 MB subpackage.

Every Pyodide text this relies on is checked (``PyodideMismatch``), so a different Pyodide fails the build
with the name of what moved instead of building a package that fails on a phone.

Example::

    parts = prepare(runtimes.ensure(runtimes.PYODIDE))
    parts.bundle.stat().st_size          # the CommonJS runtime, ~1 MB
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import node, runtimes
from .package import WEB, BuildError, Log

NATIVE_WEB = WEB / "native"
SHIMS = ["shims/webassembly.mjs", "shims/text.mjs", "shims/shell.mjs"]
# Names Emscripten's shell path reads as ``globalThis.x``; pointed at the shims (or hidden) at bundle time.
DEFINES = {
    "globalThis.readbuffer": "readbuffer",
    "globalThis.quit": "undefined",
    "globalThis.printErr": "undefined",
    "globalThis.arguments": "undefined",
    "globalThis.scriptArgs": "undefined",
}
# What an upload scanner could flag in a native package's JavaScript: a plain text search of every .js file,
# comments included (Python regular expressions). A native build fails on any hit, third-party files included.
FLAGGED = {
    "eval(": r"(?<![\w$.])eval\s*\(",
    "Function(": r"(?<![\w$.])(?:new\s+)?Function\s*\(",
    "document.": r"(?<![\w$.])document\s*\.",
    "window.": r"(?<![\w$.])window\s*\.",
    "XMLHttpRequest": r"\bXMLHttpRequest\b",
    "new Worker": r"\bnew\s+Worker\b",
    "fetch(": r"(?<![\w$.])fetch\s*\(",
}
_FLAGGED = [(name, re.compile(pattern)) for name, pattern in FLAGGED.items()]
STRIP = NATIVE_WEB / "strip-unavailable.js"


def flagged(text: str) -> list[tuple[int, str]]:
    """Every (line, what) in ``text`` an upload scan could flag (see ``FLAGGED``).

    Example::

        flagged("var x = 1;\nwindow.alert(x)")       # [(2, 'window.')]
    """
    hits = []
    for name, pattern in _FLAGGED:
        for match in pattern.finditer(text):
            hits.append((text.count("\n", 0, match.start()) + 1, name))
    return sorted(hits)


# The JS ES level the bundle is lowered to: older iOS JavaScriptCore lacks class static blocks and more.
JS_TARGET = "es2020"

_TYPE_CODES = {"i": 0x7F, "p": 0x7F, "j": 0x7E, "f": 0x7D, "d": 0x7C, "e": 0x6F}
_CONVERT = ("convertJsFunctionToWasm=(func,sig)=>{var bytes=Uint8Array.of(0,97,115,109,1,0,0,0,1,"
            "...uleb128EncodeWithLen([1,96,...generateTypePack(sig.slice(1)),...generateTypePack("
            "sig[0]===\"v\"?\"\":sig[0])]),2,7,1,1,101,1,102,0,0,7,5,1,1,102,0,0);")
_TYPE_TABLE = "var wasmTypeCodes={i:127,p:127,j:126,f:125,d:124,e:111}"
_LEB = "uleb128EncodeWithLen=arr=>{const n=arr.length;return[n%128|128,n>>7,...arr]}"
_SIG = re.compile(r'\.sig="([a-z]*)"')
_TRAMPOLINE = re.compile(r'function getWasmTrampolineModule\(\)\{return new WebAssembly\.Module\('
                         r'hexStringToUTF8Array\("([0-9a-f]+)"\)\)\}')
_ERROR_MODULE = re.compile(r'[\w$]+\("(AGFzbQ[A-Za-z0-9+/=]+)"\)')


class PyodideMismatch(BuildError):
    """The pinned Pyodide does not look as ttminis's native adaptation expects."""


@dataclass(frozen=True)
class RuntimeParts:
    """What a native package takes from Pyodide.

    ``bundle``: the CommonJS runtime (main package); ``wasm_br``: pyodide.asm.wasm, brotli;
    ``modules``: {file name: bytes} of the small modules; ``error_module``/``trampoline``: their file
    names (None if absent); ``stdlib``: python_stdlib.zip; ``lock_info``: the lock file's ``info``.
    """
    bundle: Path
    wasm_br: Path
    modules: dict[str, bytes]
    error_module: str | None
    trampoline: str | None
    stdlib: Path
    lock_info: dict[str, Any]


def _leb_with_len(items: list[int]) -> list[int]:
    n = len(items)
    return [n % 128 | 128, n >> 7, *items]


def signature_module(sig: str) -> bytes:
    """The module ``convertJsFunctionToWasm(f, sig)`` builds: it imports ``e.f`` with that type and exports it.

    Example::

        signature_module("vi").hex()   # '0061736d01000000018580...'
    """
    params = _leb_with_len([_TYPE_CODES[c] for c in sig[1:]])
    results = _leb_with_len([] if sig[0] == "v" else [_TYPE_CODES[sig[0]]])
    return bytes([0, 97, 115, 109, 1, 0, 0, 0, 1, *_leb_with_len([1, 96, *params, *results]),
                  2, 7, 1, 1, 101, 1, 102, 0, 0, 7, 5, 1, 1, 102, 0, 0])


def _canonical(sig: str) -> str:
    return sig.replace("p", "i")


def small_modules(asm: str, loader: str) -> tuple[dict[str, bytes], str, str]:
    """(modules {file: bytes}, error module file, trampoline file) found in Pyodide's two JS files."""
    for what, text in (("convertJsFunctionToWasm", _CONVERT), ("wasmTypeCodes", _TYPE_TABLE),
                       ("uleb128EncodeWithLen", _LEB)):
        if text not in asm:
            raise PyodideMismatch(f"pyodide.asm.mjs: {what} is not the one ttminis knows; "
                                  "the native target supports the pinned Pyodide only")
    sigs = sorted({_canonical(s) for s in _SIG.findall(asm)})
    if len(sigs) < 50:
        raise PyodideMismatch(f"pyodide.asm.mjs: only {len(sigs)} function signatures found")
    modules = {f"sig_{s[0]}_{s[1:] or 'v'}.wasm": signature_module(s) for s in sigs}
    trampoline = _TRAMPOLINE.search(asm)
    error = _ERROR_MODULE.search(loader)
    if not trampoline or not error:
        raise PyodideMismatch("pyodide.asm.mjs/pyodide.js: the trampoline or error-conversion module moved")
    modules["trampoline.wasm"] = bytes.fromhex(trampoline.group(1))
    modules["error_conversion.wasm"] = base64.b64decode(error.group(1))
    return modules, "error_conversion.wasm", "trampoline.wasm"


def brotli(data: bytes, log: Log = print, quality: int = 11) -> bytes:
    """``data`` compressed with brotli at ``quality`` (Node's zlib; Python has no brotli of its own).

    Example::

        len(brotli(wasm_bytes))     # 9.6 MB of pyodide.asm.wasm -> ~2.7 MB
    """
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in", Path(tmp) / "out"
        src.write_bytes(data)
        script = ("const z=require('zlib'),fs=require('fs');const d=fs.readFileSync(process.argv[1]);"
                  "fs.writeFileSync(process.argv[2],z.brotliCompressSync(d,{params:{"
                  "[z.constants.BROTLI_PARAM_QUALITY]:Number(process.argv[3]),"
                  "[z.constants.BROTLI_PARAM_SIZE_HINT]:d.length}}))")
        proc = node.run(["-e", script, str(src), str(dst), str(quality)], log=log, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildError(f"brotli compression failed: {proc.stderr.strip()[-500:]}")
        return dst.read_bytes()


def _bundle(runtime_dir: Path, out: Path, log: Log) -> None:
    modules_dir = node.tools(log)
    with tempfile.TemporaryDirectory() as tmp:
        entry = Path(tmp) / "entry.mjs"
        bundled = Path(tmp) / "bundled.js"
        entry.write_text(
            f'import {{ loadPyodide }} from {json.dumps(str(runtime_dir / "pyodide.js"))};\n'
            f'import createPyodideModule from {json.dumps(str(runtime_dir / "pyodide.asm.mjs"))};\n'
            f'import {{ startPyodide }} from {json.dumps(str(NATIVE_WEB / "pyodide-native.mjs"))};\n'
            "export function start(options) {\n"
            "  return startPyodide(Object.assign({ loadPyodide, createPyodideModule }, options));\n"
            "}\n", encoding="utf-8")
        args = [str(modules_dir / "esbuild" / "bin" / "esbuild"), str(entry), "--bundle", "--format=cjs",
                "--platform=neutral", f"--target={JS_TARGET}", "--supported:dynamic-import=false",
                "--external:node:*", "--external:ws", "--minify-whitespace", "--minify-syntax",
                "--log-level=error", "--legal-comments=none", f"--outfile={bundled}"]
        args += [f"--inject:{NATIVE_WEB / shim}" for shim in SHIMS]
        args += [f"--define:{name}={value}" for name, value in DEFINES.items()]
        proc = node.run(args, log=log, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildError(f"esbuild could not bundle Pyodide for the native runtime:\n{proc.stderr[-2000:]}")
        # The browser, worker and Node branches out: stubs that throw (web/native/strip-unavailable.js).
        proc = node.run([str(STRIP), str(bundled), str(out)], log=log, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildError(f"could not take the DOM out of the bundled Pyodide:\n{proc.stderr[-2000:]}")
    hits = flagged(out.read_text(encoding="utf-8"))
    if hits:
        raise BuildError("the bundled Pyodide still holds text an upload scan flags: "
                         + ", ".join(f"line {line}: {what}" for line, what in hits[:20]))


def _inputs_key(runtime_dir: Path) -> str:
    h = hashlib.sha256()
    h.update((runtime_dir / ".complete").read_bytes())
    h.update((node.TOOLS / "package-lock.json").read_bytes())
    for path in (sorted(NATIVE_WEB.glob("*.mjs")) + sorted((NATIVE_WEB / "shims").glob("*.mjs"))
                 + sorted((WEB / "snapshot").glob("*.mjs"))):
        h.update(path.name.encode() + path.read_bytes())
    h.update(STRIP.read_bytes())
    h.update(json.dumps([DEFINES, JS_TARGET, SHIMS, FLAGGED]).encode())
    return h.hexdigest()[:16]


def prepare(runtime_dir: Path, log: Log = print) -> RuntimeParts:
    """Bundle, compress and extract what a native package needs from Pyodide; cached by its inputs.

    Example::

        prepare(runtimes.ensure(runtimes.PYODIDE)).wasm_br.name    # 'pyodide.asm.wasm.br'
    """
    folder = runtimes.cache_root() / f"native-pyodide-{_inputs_key(runtime_dir)}"
    if not (folder / ".complete").exists():
        staging = Path(tempfile.mkdtemp(prefix=".native-pyodide-", dir=runtimes.cache_root()))
        try:
            asm = (runtime_dir / "pyodide.asm.mjs").read_text(encoding="utf-8")
            loader = (runtime_dir / "pyodide.js").read_text(encoding="utf-8")
            modules, error_module, trampoline = small_modules(asm, loader)
            (staging / "wasm").mkdir()
            for name, data in modules.items():
                (staging / "wasm" / name).write_bytes(data)
            log("[ttminis] bundling Pyodide for the native runtime (esbuild) ...")
            _bundle(runtime_dir, staging / "pyodide-native.js", log)
            log("[ttminis] compressing pyodide.asm.wasm with brotli (once per Pyodide version) ...")
            wasm_br = _cached_brotli(runtime_dir / "pyodide.asm.wasm", log)
            shutil.copy2(wasm_br, staging / "pyodide.asm.wasm.br")
            lock = json.loads((runtime_dir / "pyodide-lock.json").read_text(encoding="utf-8"))
            meta = {"error_module": error_module, "trampoline": trampoline, "lock_info": lock["info"]}
            (staging / "meta.json").write_text(json.dumps(meta, indent=1))
            (staging / ".complete").write_text("ok")
            shutil.rmtree(folder, ignore_errors=True)
            staging.rename(folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    meta = json.loads((folder / "meta.json").read_text())
    modules = {p.name: p.read_bytes() for p in sorted((folder / "wasm").iterdir())}
    return RuntimeParts(bundle=folder / "pyodide-native.js", wasm_br=folder / "pyodide.asm.wasm.br",
                        modules=modules, error_module=meta["error_module"], trampoline=meta["trampoline"],
                        stdlib=runtime_dir / "python_stdlib.zip", lock_info=meta["lock_info"])


def _cached_brotli(wasm: Path, log: Log) -> Path:
    digest = runtimes._sha256(wasm)[:16]
    target = runtimes.cache_root() / "brotli" / f"{wasm.name}-{digest}.br"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(brotli(wasm.read_bytes(), log))
        tmp.rename(target)
    return target


def runtime_files(parts: RuntimeParts, root: str) -> dict[str, bytes]:
    """The runtime's wasm files as package files under ``root``: pyodide.asm.wasm.br and the small modules.

    Example::

        sorted(runtime_files(parts, "ttminis-runtime/"))[:1]   # ['ttminis-runtime/pyodide.asm.wasm.br']
    """
    files = {root + "pyodide.asm.wasm.br": parts.wasm_br.read_bytes()}
    for name, data in parts.modules.items():
        files[f"{root}wasm/{name}"] = data
    return files


def runtime_config(parts: RuntimeParts, root: str, stdlib_path: str) -> dict[str, Any]:
    """What ``startPyodide`` (web/native/pyodide-native.mjs) needs to find the files of ``runtime_files``.

    Example::

        runtime_config(parts, "ttminis-runtime/", "ttminis-stdlib/python_stdlib.zip")["wasmPath"]
    """
    return {
        "indexURL": "ttminis/",
        "wasmPath": root + "pyodide.asm.wasm.br",
        "stdlibPath": stdlib_path,
        "modules": [{"path": f"{root}wasm/{name}", "hex": data.hex()} for name, data in parts.modules.items()],
        "errorModule": parts.modules[parts.error_module].hex() if parts.error_module else None,
        "lockInfo": parts.lock_info,
    }
