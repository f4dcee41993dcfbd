"""Extension modules of compiled requirements on the native target: wasm side modules loaded by path.

Exports:
    STUB_SECTION                the custom section naming a stub's package file (``ttminis.path``)
    SideModule                  one extension module as it ships (see the class)
    dylink_section(data, what)  the raw ``dylink.0`` section (id, size, content) that starts a side module
    js_code(data, what)         its EM_ASM/EM_JS JavaScript: {the text Emscripten would eval: function source}
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
* the JavaScript of a module's ``EM_ASM``/``EM_JS`` (which Emscripten's loader would ``eval``) is read here
  and written as functions into ``ttminis/em-code.js``; the native bundle's ``eval`` looks the text up there
  (``web/native/strip-unavailable.js``), and any text not in it throws;
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
import json
from urllib.parse import quote
from dataclasses import dataclass, field

from . import native_pyodide, runtimes
from .native_layout import MB, SLACK, SUBPACKAGE_LIMIT, Part
from .package import BuildError, Log
from .requirements import Resolved
from .snapshot_format import read_leb128, uleb128

STUB_SECTION = "ttminis.path"
MAGIC = b"\0asm\x01\0\0\0"
ROOT = "ttminis-ext-{}/"
GAME_DIR = "/home/pyodide/game/"


def _custom(name: str, payload: bytes) -> bytes:
    body = uleb128(len(name.encode())) + name.encode() + payload
    return b"\0" + uleb128(len(body)) + body


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
    size, start = read_leb128(data, 9)
    name_len, name_at = read_leb128(data, start)
    if data[name_at:name_at + name_len] != b"dylink.0":
        raise BuildError(f"{what}: not a WebAssembly side module (its first section is not dylink.0)")
    return data[8:start + size]


def stub(data: bytes, package_path: str, what: str = "side module") -> bytes:
    """The stub at the ``.so`` path: header, the module's ``dylink.0`` section, ``ttminis.path`` naming its file.

    Example::

        stub(so_bytes, "ttminis-ext-1/msgpack/_cmsgpack.wasm.br")
    """
    return MAGIC + dylink_section(data, what) + _custom(STUB_SECTION, quote(package_path, safe="/._-").encode())


def _sections(data: bytes) -> list[tuple[int, int, int]]:
    """(id, start, end) of each section's content."""
    out, at = [], 8
    while at < len(data):
        sid = data[at]
        size, start = read_leb128(data, at + 1)
        out.append((sid, start, start + size))
        at = start + size
    return out


def _const(data: bytes, at: int) -> tuple[int | None, int]:
    """A constant expression: (its value relative to the memory base, or None if not i32.const/global.get
    forms), and where it ends. ``global.get`` (of ``__memory_base``) counts as 0."""
    value = 0
    known = True
    while data[at] != 0x0B:
        op = data[at]
        at += 1
        if op == 0x41:                          # i32.const (signed LEB)
            result, at = read_leb128(data, at, signed=True)
            value += result
        elif op == 0x23:                        # global.get
            _, at = read_leb128(data, at)
        elif op == 0x6A:                        # i32.add (extended constant expressions)
            pass
        else:
            known = False
            break
    while data[at] != 0x0B:
        at += 1
    return (value if known else None), at + 1


def js_code(data: bytes, what: str) -> dict[str, str]:
    """The JavaScript a side module's EM_ASM and EM_JS would have Emscripten ``eval`` when it loads, as
    {the exact text Emscripten builds: that text as a function}: the build-time table that replaces ``eval``.

    Example::

        js_code(so_bytes, "pkg/_ext.so")    # {'($0) => { return $0 + 1; };': '($0) => { return $0 + 1; }'}
    """
    sections = _sections(data)
    imported_globals = 0
    globals_init: list[int | None] = []
    exports: dict[str, int] = {}
    memory = bytearray()
    for sid, start, end in sections:
        at = start
        if sid == 2:                                          # imports: count the globals
            count, at = read_leb128(data, at)
            for _ in range(count):
                for _name in range(2):
                    length, at = read_leb128(data, at)
                    at += length
                kind = data[at]
                at += 1
                if kind == 0:
                    _, at = read_leb128(data, at)
                elif kind == 1:
                    at += 1
                    flags, at = read_leb128(data, at)
                    _, at = read_leb128(data, at)
                    if flags & 1:
                        _, at = read_leb128(data, at)
                elif kind == 2:
                    flags, at = read_leb128(data, at)
                    _, at = read_leb128(data, at)
                    if flags & 1:
                        _, at = read_leb128(data, at)
                elif kind == 3:
                    at += 2
                    imported_globals += 1
                else:
                    _, at = read_leb128(data, at)
        elif sid == 6:                                        # globals: their initial values
            count, at = read_leb128(data, at)
            for _ in range(count):
                at += 2
                value, at = _const(data, at)
                globals_init.append(value)
        elif sid == 7:                                        # exports: the globals named like EM_ASM/EM_JS's
            count, at = read_leb128(data, at)
            for _ in range(count):
                length, at = read_leb128(data, at)
                name = data[at:at + length].decode("utf-8", "replace")
                at += length
                kind = data[at]
                index, at = read_leb128(data, at + 1)
                if kind == 3:
                    exports[name] = index
        elif sid == 11:                                       # data: the memory image, relative to its base
            count, at = read_leb128(data, at)
            for _ in range(count):
                flags, at = read_leb128(data, at)
                offset: int | None = None
                if flags == 0:
                    offset, at = _const(data, at)
                elif flags == 2:
                    _, at = read_leb128(data, at)
                    offset, at = _const(data, at)
                length, at = read_leb128(data, at)
                if offset is not None and offset >= 0:
                    if len(memory) < offset + length:
                        memory.extend(bytes(offset + length - len(memory)))
                    memory[offset:offset + length] = data[at:at + length]
                at += length

    def address(name: str) -> int:
        index = exports[name] - imported_globals
        value = globals_init[index] if 0 <= index < len(globals_init) else None
        if value is None:
            raise BuildError(f"{what}: cannot read {name} at build time (its JavaScript would need eval at run "
                             "time, which TikTok's native runtime forbids)")
        return value

    def c_string(at: int) -> str:
        end = memory.index(0, at) if 0 in memory[at:] else len(memory)
        return memory[at:end].decode("utf-8")

    table: dict[str, str] = {}
    if "__start_em_asm" in exports and "__stop_em_asm" in exports:
        at, stop = address("__start_em_asm"), address("__stop_em_asm")
        while at < stop:
            body = c_string(at)
            args: list[str] = []
            while f"${len(args)}" in body:
                args.append(f"${len(args)}")
            func = f"({','.join(args)}) => {{ {body} }}"
            table[func + ";"] = func
            at += len(body.encode()) + 1
    for name in sorted(exports):
        if name.startswith("__em_js__"):
            signature, _, body = c_string(address(name)).partition("<::>")
            c_sig = signature[1:-1]
            js_args = [] if c_sig == "void" else [arg.split(" ")[-1].replace("*", "") for arg in c_sig.split(",")]
            func = f"({','.join(js_args)}) => {body}"
            table[func + ";"] = func
    return table


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
    ``entries`` what startPyodide compiles ({path}); ``modules`` every SideModule; ``js_code`` the EM_ASM/EM_JS
    table ({text Emscripten would eval: function source}) and ``js_file()`` it as a CommonJS file."""
    stubs: dict[str, bytes] = field(default_factory=dict)
    js_code: dict[str, str] = field(default_factory=dict)
    parts: list[Part] = field(default_factory=list)
    entries: list[dict[str, str]] = field(default_factory=list)
    modules: list[SideModule] = field(default_factory=list)

    def js_file(self) -> bytes:
        """``ttminis/em-code.js``: the side modules' EM_ASM/EM_JS as functions, keyed by the exact text Emscripten
        would hand ``eval`` (the native bundle looks it up there instead; text it cannot find throws)."""
        entries = "".join(f"  {json.dumps(text)}: {func},\n" for text, func in sorted(self.js_code.items()))
        return ("// Made by ttminis (build.py --target native): the JavaScript of the side modules' EM_ASM and "
                "EM_JS,\n// as functions made at build time (the native runtime runs no code from strings).\n"
                "module.exports = {\n" + entries + "};\n").encode()

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
            result.js_code.update(js_code(data, rel))
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
