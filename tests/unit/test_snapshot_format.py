"""A memory snapshot as package files: Pyodide's snapshot split, the fresh memory image, what a start writes."""
import struct

import pytest

from ttminis.build.snapshot_format import (PAGE, SnapshotFormatError, data_module, data_modules, memory_image, plan,
                                           split)


def pyodide_snapshot(heap: bytes, state: bytes = b'{"hiwireKeys": []}') -> bytes:
    offset = -(-(48 + len(state)) // 16) * 16
    header = struct.pack("<IIII", 0x706E7300, offset, len(state), 0) + b"\x01" * 32 + state
    return header.ljust(offset, b"\0") + heap


def written(segments, fresh):
    memory = bytearray(fresh)
    for offset, data in segments:
        memory[offset:offset + len(data)] = data
    return bytes(memory)


def test_split_gives_pyodide_s_header_and_the_heap():
    heap = bytes(range(256)) * (PAGE // 256)
    head, got = split(pyodide_snapshot(heap))
    assert got == heap
    assert len(head) % 16 == 0 and head.startswith(struct.pack("<I", 0x706E7300))


def test_split_refuses_what_is_not_a_snapshot():
    with pytest.raises(SnapshotFormatError, match="bad magic"):
        split(b"\0" * 64 + b"\0" * PAGE)
    with pytest.raises(SnapshotFormatError, match="48-byte header"):
        split(b"\0snp")


def test_a_data_module_is_read_back_as_the_memory_image_it_writes():
    module = data_module([(10, b"ab"), (PAGE + 3, b"xyz")])
    assert module.startswith(b"\0asm\x01\0\0\0")
    image = memory_image(module)
    assert image[10:12] == b"ab" and image[PAGE + 3:PAGE + 6] == b"xyz"
    assert image.count(0) == len(image) - 5


def test_offsets_past_2_gib_are_encoded_as_i32_and_read_back_unsigned():
    from ttminis.build.snapshot_format import _sleb32, read_leb128
    for offset in (0, 63, 64, 2 ** 31 - 1, 2 ** 31 + 5, 2 ** 32 - 1):
        assert read_leb128(_sleb32(offset), 0, signed=True)[0] & 0xFFFFFFFF == offset


def test_memory_image_refuses_what_is_not_wasm():
    with pytest.raises(SnapshotFormatError, match="not a WebAssembly module"):
        memory_image(b"PK\x03\x04")


def test_nothing_is_written_where_the_heap_equals_a_fresh_memory():
    image = bytes(range(200))
    heap = image.ljust(4 * PAGE, b"\0")
    assert plan(heap, image, heap) == []


def test_what_differs_from_a_fresh_memory_is_written_and_nothing_else():
    image = b"\x07" * 3000
    heap = bytearray(image.ljust(4 * PAGE, b"\0"))
    heap[100] = 1                        # changed static data
    heap[3 * PAGE + 10:3 * PAGE + 20] = b"y" * 10     # heap object far away
    fresh = image.ljust(4 * PAGE, b"\0")
    segments = plan(bytes(heap), image, fresh)
    assert written(segments, fresh) == bytes(heap)
    assert sum(len(d) for _, d in segments) <= 2 * 64
    assert {o // PAGE for o, _ in segments} == {0, 3}


def test_a_page_the_runtime_touched_before_python_is_written_whole():
    image = b"\x07" * 3000
    fresh = image.ljust(2 * PAGE, b"\0")
    before = bytearray(fresh)
    before[PAGE + 5] = 9                 # Emscripten wrote here before main(); the snapshot has it back at 0
    segments = plan(fresh, image, bytes(before))
    assert segments == [(PAGE, fresh[PAGE:PAGE + 4096])]


def test_data_modules_split_big_segments_and_keep_every_byte():
    heap = bytes((i * 7) % 251 + 1 for i in range(3 * PAGE))
    segments = plan(heap, b"", b"\0" * len(heap))
    modules = data_modules(segments, PAGE)
    assert len(modules) == 3
    memory = bytearray(len(heap))
    for module in modules:
        image = memory_image(module)
        for i, byte in enumerate(image):
            if byte:
                memory[i] = byte
    assert bytes(memory) == heap
