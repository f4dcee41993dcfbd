"""A Pyodide memory snapshot as package files: what a start must write into memory, as wasm data segments.

Exports:
    PAGE                          the wasm page (64 KiB)
    split(snapshot) -> (head, heap)          Pyodide's snapshot: its header and JS state, then the heap
    memory_image(wasm) -> bytes              the memory a fresh instance of ``wasm`` starts with (data segments)
    plan(heap, image, before) -> [(offset, bytes)]   the ranges a start must write
    data_modules(segments, chunk) -> [bytes]          wasm modules whose active data segments write them
    uleb128(value) -> bytes, read_leb128(data, i, signed=False) -> (value, next i)   wasm's LEB128 numbers

Why this shape: TikTok's native runtime decompresses only ``.wasm.br`` files (``TTWebAssembly``), and has no
``DecompressionStream``. A module that imports the memory and holds the heap as *active data segments* is
written into that memory by the engine when it is instantiated: the platform decompresses and copies, no
JavaScript touches the bytes.

What a start writes is the heap *minus what memory already holds*: a fresh instance of pyodide.asm.wasm holds
its own data segments (``image``) and zeros; Emscripten's runtime then changes a few pages before Python would
start (``before``: captured at build time just before ``main``; the same pages each time). So a range is
written when the heap differs from ``image`` there, and every page ``before`` shows touched is written whole.

Example::

    head, heap = split(snapshot_bytes)
    segments = plan(heap, memory_image(wasm_bytes), before_python_bytes)
    modules = data_modules(segments, 4 * 2**20)
"""
from __future__ import annotations

import struct

PAGE = 65536
_MAGIC = 0x706E7300            # Pyodide's SNAPSHOT_MAGIC ("\0snp")
_BLOCK = 64                    # comparison granularity: small enough to skip most unchanged bytes
_TOUCHED = 4096                # granularity of the pages Emscripten's runtime touches before main()
_MERGE_GAP = 256               # join ranges closer than this (a segment costs ~10 bytes and one copy)


class SnapshotFormatError(ValueError):
    """The bytes are not what Pyodide's snapshot (or a wasm module) is expected to look like."""


def split(snapshot: bytes) -> tuple[bytes, bytes]:
    """(head, heap): Pyodide's header with the JSON of its JS state (``_loadSnapshot`` reads only this when
    the heap is already in memory), and the heap itself.

    Example::

        head, heap = split(snapshot)      # len(head) % 16 == 0; len(heap) == the memory's size
    """
    if len(snapshot) < 48:
        raise SnapshotFormatError("a Pyodide snapshot has a 48-byte header")
    magic, offset = struct.unpack_from("<II", snapshot, 0)
    if magic != _MAGIC:
        raise SnapshotFormatError("not a Pyodide memory snapshot (bad magic number)")
    if offset % 16 or offset > len(snapshot) or (len(snapshot) - offset) % PAGE:
        raise SnapshotFormatError(f"unexpected snapshot layout: heap at {offset} of {len(snapshot)} bytes")
    return snapshot[:offset], snapshot[offset:]


def uleb128(value: int) -> bytes:
    """``value`` as an unsigned LEB128 number (how wasm writes sizes and indexes)."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _sleb32(value: int) -> bytes:
    if value >= 2 ** 31:
        value -= 2 ** 32
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def read_leb128(data: bytes, i: int, signed: bool = False) -> tuple[int, int]:
    """(value, next index) of the LEB128 number at ``data[i]``."""
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if signed and byte & 0x40:
                result -= 1 << shift
            return result, i


def memory_image(wasm: bytes) -> bytes:
    """The start of a fresh instance's memory: ``wasm``'s active data segments for memory 0, laid out (the
    rest of memory is zeros). Only ``i32.const`` offsets are supported (what Emscripten emits).

    Example::

        image = memory_image(Path("pyodide.asm.wasm").read_bytes())    # ~3.8 MB for Pyodide 314
    """
    if wasm[:8] != b"\0asm\x01\0\0\0":
        raise SnapshotFormatError("not a WebAssembly module")
    i = 8
    segments = []
    while i < len(wasm):
        section = wasm[i]
        size, i = read_leb128(wasm, i + 1)
        if section == 11:
            body = wasm[i:i + size]
            count, j = read_leb128(body, 0)
            for _ in range(count):
                flag, j = read_leb128(body, j)
                if flag == 1:                       # passive: written only by memory.init
                    length, j = read_leb128(body, j)
                    j += length
                    continue
                if flag == 2:
                    memory, j = read_leb128(body, j)
                    if memory != 0:
                        raise SnapshotFormatError("data segments for a second memory are not supported")
                elif flag != 0:
                    raise SnapshotFormatError(f"unsupported data segment kind {flag}")
                if body[j] != 0x41:
                    raise SnapshotFormatError("a data segment's offset is not an i32.const")
                offset, j = read_leb128(body, j + 1, signed=True)
                offset &= 0xFFFFFFFF                # an i32 offset is unsigned
                if body[j] != 0x0B:
                    raise SnapshotFormatError("a data segment's offset expression is longer than one i32.const")
                length, j = read_leb128(body, j + 1)
                segments.append((offset, body[j:j + length]))
                j += length
        i += size
    image = bytearray(max((o + len(d) for o, d in segments), default=0))
    for offset, data in segments:
        image[offset:offset + len(data)] = data
    return bytes(image)


def plan(heap: bytes, image: bytes, before: bytes) -> list[tuple[int, bytes]]:
    """The ranges ``[(offset, bytes)]`` a start must write so that memory equals ``heap``.

    Memory at that moment holds ``image`` (then zeros) except where Emscripten's runtime wrote before Python
    would start; ``before`` is that memory as the build saw it: every 4 KiB page where it differs from the
    image is written whole.

    Example::

        plan(b"\\0" * 65536, b"", b"\\0" * 65536)       # [] (nothing to write)
    """
    if len(before) > len(heap):
        raise SnapshotFormatError("the heap is smaller than the memory before Python started")
    size = len(heap)
    fresh = image[:size].ljust(size, b"\0")
    touched = bytearray(size // _TOUCHED + 1)
    for page in range(0, len(before), _TOUCHED):
        if before[page:page + _TOUCHED] != fresh[page:page + _TOUCHED]:
            touched[page // _TOUCHED] = 1
    ranges = []
    start = end = -1
    for at in range(0, size, _BLOCK):
        if touched[at // _TOUCHED] or heap[at:at + _BLOCK] != fresh[at:at + _BLOCK]:
            if at - end <= _MERGE_GAP and end >= 0:
                end = at + _BLOCK
            else:
                if end >= 0:
                    ranges.append((start, end))
                start, end = at, at + _BLOCK
    if end >= 0:
        ranges.append((start, end))
    return [(start, heap[start:end]) for start, end in ranges]


def data_module(segments: list[tuple[int, bytes]]) -> bytes:
    """A module importing memory ``e.m`` whose active data segments write ``segments`` when instantiated.

    Example::

        data_module([(1024, b"hi")])          # instantiate with {e: {m: memory}}: memory[1024:1026] = b"hi"
    """
    top = max((o + len(d) for o, d in segments), default=0)
    pages = (top + PAGE - 1) // PAGE
    imports = uleb128(1) + b"\x01e\x01m\x02\x00" + uleb128(pages)
    body = bytearray(uleb128(len(segments)))
    for offset, data in segments:
        body += b"\x00\x41" + _sleb32(offset) + b"\x0b" + uleb128(len(data)) + data
    return (b"\0asm\x01\0\0\0" + b"\x02" + uleb128(len(imports)) + imports
            + b"\x0b" + uleb128(len(body)) + bytes(body))


def data_modules(segments: list[tuple[int, bytes]], chunk: int) -> list[bytes]:
    """``segments`` as data modules of about ``chunk`` bytes each (a segment larger than ``chunk`` is split).

    Example::

        data_modules(plan(heap, image, before), 4 * 2**20)     # [b'\\0asm...', ...]
    """
    modules: list[bytes] = []
    current: list[tuple[int, bytes]] = []
    current_size = 0
    for offset, data in segments:
        while data:
            room = chunk - current_size
            if room <= 0:
                modules.append(data_module(current))
                current, current_size = [], 0
                room = chunk
            piece = data[:room]
            current.append((offset, piece))
            current_size += len(piece)
            offset += len(piece)
            data = data[len(piece):]
    if current:
        modules.append(data_module(current))
    return modules
