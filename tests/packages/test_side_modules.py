"""Side modules on the native target: the stub that stands in for one, and the size rule."""
import random

import pytest

from ttminis.build import BuildError
from ttminis.build.requirements import Distribution, Resolved
from ttminis.build.side_modules import dylink_section, plan, stub

QUIET = {"log": lambda *_: None}
# dylink.0 with WASM_DYLINK_MEM_INFO: memory size 16, align 2, table size 0, align 0
DYLINK = b"\0" + bytes([15]) + b"\x08dylink.0" + bytes([1, 4, 16, 2, 0, 0])
HEADER = b"\0asm\x01\0\0\0"


def side_module(body: bytes) -> bytes:
    return HEADER + DYLINK + body


def test_a_stub_holds_the_module_s_own_dylink_section_and_the_path_it_ships_at():
    module = side_module(b"\x01\x04\x01\x60\0\0")            # a type section after dylink.0
    made = stub(module, "ttminis-ext-1/pkg/_ext.wasm.br")
    assert made.startswith(HEADER + DYLINK) and dylink_section(module, "x") == DYLINK
    assert made.endswith(b"\x0cttminis.pathttminis-ext-1/pkg/_ext.wasm.br")


def test_something_that_is_no_side_module_fails_naming_it():
    with pytest.raises(BuildError, match="pkg/_ext.so: not a WebAssembly side module"):
        dylink_section(HEADER + b"\x01\x04\x01\x60\0\0", "pkg/_ext.so")
    with pytest.raises(BuildError, match="pkg/_ext.so: not a WebAssembly module"):
        dylink_section(b"\x7fELF" + bytes(20), "pkg/_ext.so")


def test_a_side_module_larger_than_a_subpackage_fails_naming_it():
    big = side_module(random.Random(4).randbytes(4_200_000))   # incompressible (and the same each run: brotli cached)
    dist = Distribution(name="bigext", version="1.0", wheel="bigext-1.0-cp314-cp314-x.whl", pure=False,
                        wheel_bytes=1, files=[("bigext/_big.cpython-314-wasm32-emscripten.so", big)])
    with pytest.raises(BuildError) as e:
        plan(Resolved(distributions=[dist]), **QUIET)
    assert str(e.value).startswith("bigext/_big.cpython-314-wasm32-emscripten.so (bigext 1.0) is 4.20 MB, 4.2")
    assert "must fit one 4 MB subpackage" in str(e.value)


def test_side_modules_fill_subpackages_of_4_mb_and_each_ships_compressed_only_where_smaller():
    small = side_module(random.Random(1).randbytes(1000))   # random: brotli makes it larger, it ships raw
    zeros = side_module(bytes(3_000_000))                  # compresses well
    dists = [Distribution(name=f"d{i}", version="1", wheel="w", pure=False, wheel_bytes=1,
                          files=[(f"d{i}/_m.so", data)]) for i, data in enumerate([small, zeros])]
    side = plan(Resolved(distributions=dists), **QUIET)
    assert [p.name for p in side.parts] == ["ttminis-ext-1"]
    assert sorted(side.parts[0].files) == ["ttminis-ext-1/d0/_m.wasm", "ttminis-ext-1/d1/_m.wasm.br"]
    assert side.entries[0] == {"path": "ttminis-ext-1/d0/_m.wasm", "file": "/home/pyodide/game/d0/_m.so"}
