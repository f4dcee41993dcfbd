"""The device probe's own files (``build.py --target native --probe``); see web/native/probe.js.

Exports:
    main_files() -> {package path: bytes}       probe.js, its game.js and its ES2022 check
    runtime_files(log) -> {package path: bytes} tiny wasm modules for the runtime subpackage (.wasm, .wasm.br),
                                                 among them a memory snapshot's kind of data module

Example::

    sorted(runtime_files())   # ['ttminis-runtime/probe/add.wasm', 'ttminis-runtime/probe/add.wasm.br', ...]
"""
from __future__ import annotations

from .native_pyodide import NATIVE_WEB, brotli
from .package import Log
from .snapshot_format import data_module

# (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
ADD_WASM = bytes.fromhex("0061736d0100000001070160027f7f017f030201000707010361646400000a09010700200020016a0b")
# (module (global (export "g") (mut i32) (i32.const 42)))
GLOBAL_WASM = bytes.fromhex("0061736d010000000606017f01412a0b07050101670300")
# What a memory snapshot ships: a module importing memory e.m whose active data segment writes "ttminis" at 16.
DATA_WASM = data_module([(16, b"ttminis")])


def main_files() -> dict[str, bytes]:
    return {"game.js": (NATIVE_WEB / "probe-game.js").read_bytes(),
            "ttminis/probe.js": (NATIVE_WEB / "probe.js").read_bytes(),
            "ttminis/probe-es2022.js": (NATIVE_WEB / "probe-es2022.js").read_bytes()}


def runtime_files(log: Log = print) -> dict[str, bytes]:
    return {"ttminis-runtime/probe/add.wasm": ADD_WASM,
            "ttminis-runtime/probe/add.wasm.br": brotli(ADD_WASM, log),
            "ttminis-runtime/probe/global.wasm": GLOBAL_WASM,
            "ttminis-runtime/probe/data.wasm.br": brotli(DATA_WASM, log)}
