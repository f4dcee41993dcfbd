"""Extension modules of compiled requirements on the native target: wasm side modules loaded by path.

Exports:
    STUB_SECTION                the custom section naming a stub's package file (``ttminis.path``)
    SideModule                  one extension module as it ships (see the class)
    dylink_section(data, what)  the raw ``dylink.0`` section (id, size, content) that starts a side module
    stub(data, package_path)    what Python's file system holds at the ``.so`` path instead of the module
    plan(resolved, log) -> SidePlan    stubs for the code archive, subpackages, config entries, report lines

A compiled requirement's extension module (``pkg/_ext.cpython-314-wasm32-emscripten.so``) is a WebAssembly
side module. TikTok's runtime compiles WebAssembly only from package files, by path (``TTWebAssembly``), so:

* each module ships as a file of its own in a subpackage ``ttminis-ext-N/`` (4 MB each), as ``.wasm.br``
  wherever brotli makes it smaller and always when it is over 4 MB raw (pydantic-core's is 4.7 MB); a module
  that does not fit one subpackage even compressed fails the build, naming it;
* at the ``.so`` path in the game's file system sits a *stub*: the wasm header, the module's own ``dylink.0``
  section (read here, at build time: Emscripten's loader reads the module's memory and table sizes, needed
  libraries and symbol flags from it) and a ``ttminis.path`` section naming the package file;
* at start the modules are compiled by path (``TTWebAssembly.compile``) beside Pyodide's own; when Python
  imports the extension, Emscripten's dynamic loader reads the stub, and the ``WebAssembly`` Pyodide sees
  (``web/native/shims/webassembly.mjs``) answers "compile these bytes" with the module compiled by path.
  No WebAssembly is ever compiled from bytes.

Example::

    side = plan(requirements.resolve(game_dir), log)
    side.stubs["msgpack/_cmsgpack.cpython-314-wasm32-emscripten.so"][:4]    # b'\\x00asm'
"""
from __future__ import annotations

import hashlib
from urllib.parse import quote
from dataclasses import dataclass, field

from . import native_pyodide, runtimes
from .native_layout import MB, SLACK, SUBPACKAGE_LIMIT, Part
from .package import BuildError, Log
from .requirements import Resolved

STUB_SECTION = "ttminis.path"
MAGIC = b"\0asm\x01\0\0\0"
ROOT = "ttminis-ext-{}/"
GAME_DIR = "/home/pyodide/game/"


def _leb(data: bytes, offset: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, offset


def _leb_bytes(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _custom(name: str, payload: bytes) -> bytes:
    body = _leb_bytes(len(name.encode())) + name.encode() + payload
    return b"\0" + _leb_bytes(len(body)) + body


def dylink_section(data: bytes, what: str) -> bytes:
    """The ``dylink.0`` custom section (raw: id, size, content) a side module starts with.

    Example::

        dylink_section(so_bytes, "msgpack/_cmsgpack...so")[:1]      # b'\\x00' (a custom section)
    """
    if data[:8] != MAGIC:
        raise BuildError(f"{what}: not a WebAssembly module (a requirement's extension module must be a wasm "
                         "side module built for Pyodide)")
    if len(data) < 10 or data[8] != 0:
        raise BuildError(f"{what}: not a WebAssembly side module (no dylink.0 section first)")
    size, start = _leb(data, 9)
    name_len, name_at = _leb(data, start)
    if data[name_at:name_at + name_len] != b"dylink.0":
        raise BuildError(f"{what}: not a WebAssembly side module (its first section is not dylink.0)")
    return data[8:start + size]


def stub(data: bytes, package_path: str, what: str = "side module") -> bytes:
    """The stub at the ``.so`` path: header, the module's ``dylink.0`` section, ``ttminis.path`` naming its file.

    Example::

        stub(so_bytes, "ttminis-ext-1/msgpack/_cmsgpack.wasm.br")
    """
    return MAGIC + dylink_section(data, what) + _custom(STUB_SECTION, quote(package_path, safe="/._-").encode())


@dataclass
class SideModule:
    """``installed``: its path in the game folder (``pkg/_ext....so``); ``distribution`` the one it comes from;
    ``raw``/``shipped`` sizes; ``package_path`` where it ships; ``data`` the shipped bytes."""
    installed: str
    distribution: str
    raw: int
    package_path: str = ""
    data: bytes = b""

    @property
    def shipped(self) -> int:
        return len(self.data)


@dataclass
class SidePlan:
    """``stubs`` {installed path: stub bytes} replace the modules in the code archive; ``parts`` the subpackages;
    ``entries`` what startPyodide compiles ({path}); ``modules`` every SideModule."""
    stubs: dict[str, bytes] = field(default_factory=dict)
    parts: list[Part] = field(default_factory=list)
    entries: list[dict[str, str]] = field(default_factory=list)
    modules: list[SideModule] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Which compiled packages went into which subpackage, each module's size raw and as shipped."""
        out = []
        for part in self.parts:
            names = sorted({m.distribution for m in self.modules if m.package_path.startswith(part.root)})
            out.append(f"  {part.name}: {', '.join(names)}")
            for m in self.modules:
                if m.package_path.startswith(part.root):
                    out.append(f"    {m.package_path.removeprefix(part.root)}  {m.raw / MB:.2f} MB raw, "
                               f"{m.shipped / MB:.2f} MB shipped")
        return out


def _compressed(data: bytes, log: Log) -> bytes:
    digest = hashlib.sha256(data).hexdigest()[:24]
    cached = runtimes.cache_root() / "brotli" / f"side-{digest}.br"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".tmp-{digest}")
        tmp.write_bytes(native_pyodide.brotli(data, log))
        tmp.rename(cached)
    return cached.read_bytes()


def _shipped_name(installed: str, compressed: bool) -> str:
    return installed.removesuffix(".so") + (".wasm.br" if compressed else ".wasm")


def plan(resolved: Resolved, log: Log = print) -> SidePlan:
    """Where each extension module of ``resolved`` ships, and the stubs that stand in for them.

    Raises ``BuildError`` naming a module that does not fit one subpackage even compressed.

    Example::

        plan(resolved).lines()    # ['  ttminis-ext-1: jiter, msgpack, pydantic-core, simplejson', ...]
    """
    result = SidePlan()
    room = SUBPACKAGE_LIMIT - SLACK
    for dist in resolved.compiled():
        for rel, data in dist.files:
            if not rel.endswith(".so"):
                continue
            dylink_section(data, rel)        # a side module, or the build says what it is not
            if len(data) > 4 * MB:
                log(f"[ttminis] compressing {rel} with brotli ({len(data) / MB:.1f} MB; once per module) ...")
            packed = _compressed(data, log)
            compressed = len(packed) < len(data) or len(data) > room
            shipped = packed if compressed else data
            if len(shipped) > room:
                raise BuildError(f"{rel} ({dist.name} {dist.version}) is {len(data) / MB:.2f} MB, "
                                 f"{len(packed) / MB:.2f} MB with brotli: a side module must fit one 4 MB "
                                 "subpackage of TikTok's native runtime (MB = 10^6 bytes); it cannot ship there")
            result.modules.append(SideModule(installed=rel, distribution=dist.name, raw=len(data), data=shipped,
                                             package_path=_shipped_name(rel, compressed)))
    # fill subpackages in order, largest first so that small modules fill what is left
    for module in sorted(result.modules, key=lambda m: -m.shipped):
        part = next((p for p in result.parts if p.size + module.shipped <= room), None)
        if part is None:
            index = len(result.parts) + 1
            part = Part(f"ttminis-ext-{index}", ROOT.format(index))
            result.parts.append(part)
        module.package_path = part.root + module.package_path
        part.files[module.package_path] = module.data
    for module in result.modules:
        result.stubs[module.installed] = stub(_original(resolved, module.installed), module.package_path,
                                              module.installed)
        result.entries.append({"path": module.package_path, "file": GAME_DIR + module.installed})
    return result


def _original(resolved: Resolved, installed: str) -> bytes:
    for dist in resolved.distributions:
        for rel, data in dist.files:
            if rel == installed:
                return data
    raise KeyError(installed)
