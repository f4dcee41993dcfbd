"""A side module's EM_ASM on the native target: Emscripten's loader would eval its JavaScript; the build writes
it as a function into ttminis/em-code.js and the bundle's eval only looks text up there. The side module is
made here: WebAssembly text assembled with wabt (from the npm registry), with a dylink.0 section added."""
import json
import subprocess

import pytest

from ttminis.build import BuildError, build, node, runtimes
from ttminis.build.requirements import PLATFORM, Options
from ttminis.simulator import Session

from tests.packages.conftest import make_wheel

WABT = "1.0.39"
BODY = "GameGlobal.emAsmSeen = $0 * 2; return $0 + 1;"
WAT = """(module
  (import "env" "memory" (memory 0))
  (import "env" "__memory_base" (global $base i32))
  (import "env" "emscripten_asm_const_int" (func $asm (param i32 i32 i32) (result i32)))
  (data (global.get $base) "{code}\\00i\\00\\00\\00\\00\\00\\00\\00")
  (global $start i32 (i32.const 0))
  (global $stop i32 (i32.const {stop}))
  (export "__start_em_asm" (global $start))
  (export "__stop_em_asm" (global $stop))
  (func (export "run") (param $x i32) (result i32)
    (i32.store (i32.add (global.get $base) (i32.const {args})) (local.get $x))
    (call $asm (global.get $base) (i32.add (global.get $base) (i32.const {sig}))
               (i32.add (global.get $base) (i32.const {args})))))
"""
GAME = """import ctypes, json, os
import js
import ttemasm
lib = ctypes.CDLL(os.path.join(os.path.dirname(ttemasm.__file__), "_emasm.so"))
js.GameGlobal.emAsmResult = json.dumps([lib.run(20), js.GameGlobal.emAsmSeen])
"""


def wat2wasm():
    folder = runtimes.cache_root() / f"wabt-{WABT}"
    tool = folder / "node_modules" / "wabt" / "bin" / "wat2wasm"
    if not tool.exists():
        folder.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(folder), f"wabt@{WABT}"],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-1000:]
    return tool


def leb(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def side_module(tmp_path, body):
    code = body.encode()
    stop = len(code) + 1
    sig = stop
    args = (sig + 2 + 3) // 4 * 4
    wat = tmp_path / "emasm.wat"
    wat.write_text(WAT.format(code=body.replace('"', '\\"'), stop=stop, sig=sig, args=args))
    out = tmp_path / "emasm.wasm"
    proc = node.run([str(wat2wasm()), str(wat), "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    mem_info = bytes([1]) + leb(len(leb(args + 8)) + 3) + leb(args + 8) + bytes([2, 0, 0])
    content = leb(8) + b"dylink.0" + mem_info
    wasm = out.read_bytes()
    return wasm[:8] + b"\0" + leb(len(content)) + content + wasm[8:]


def requirement(tmp_path, body):
    links = tmp_path / "wheels"
    links.mkdir(exist_ok=True)
    make_wheel(links, "ttemasm", "1.0", f"cp314-cp314-{PLATFORM}",
               {"ttemasm/__init__.py": b"", "ttemasm/_emasm.so": side_module(tmp_path, body)})
    game = tmp_path / "game"
    game.mkdir(exist_ok=True)
    (game / "main.py").write_text(GAME)
    (game / "requirements.txt").write_text("ttemasm\n")
    return game, Options(find_links=(str(links),))


def test_em_asm_runs_from_the_build_time_table_never_from_eval(tmp_path):
    game, options = requirement(tmp_path, BODY)
    out = build(game, tmp_path / "out", target="native", snapshot=False, requirements=options,
                log=lambda *_: None).out
    table = (out / "ttminis" / "em-code.js").read_text()
    assert f'{json.dumps("($0) => { " + BODY + " };")}: ($0) => {{ {BODY} }},' in table
    with Session(out) as session:
        session.wait_for("typeof GameGlobal.emAsmResult === 'string' || ttminisLoader.state === 'error'",
                         timeout=120)
        assert session.eval("ttminisLoader.errors") == []
        assert json.loads(session.eval("GameGlobal.emAsmResult")) == [21, 40]
        assert session.violations == [] and session.errors == []


def test_em_asm_javascript_that_generates_code_fails_the_native_build(tmp_path):
    game, options = requirement(tmp_path, "return eval('1');")
    with pytest.raises(BuildError) as e:
        build(game, tmp_path / "out", target="native", snapshot=False, requirements=options, log=lambda *_: None)
    assert "ttminis/em-code.js" in str(e.value) and "eval" in str(e.value)
