"""The native package's layout and TikTok's limits: what goes in the main package, what in subpackages.

Exports:
    MB, MAIN_LIMIT, SUBPACKAGE_LIMIT, TOTAL_LIMIT    TikTok's limits, MB read as 10^6 bytes (conservative)
    Part                 one (sub)package: ``name`` (None for the main package), ``root``, ``files``
    pack_code(files, first_room)     the game's code as zip archives: the first fits ``first_room``
    place_assets(assets, room)       asset files kept in the main package, and the rest in parts
    group_files(blobs)               files (bytes) grouped, in order, into subpackages of at most 4 MB
    measure(folder, subpackages) -> Sizes     each (sub)package as the files sit, checked against the limits

The limits are checked on the files as they sit in the package, before the upload is zipped: the main
package (everything outside subpackage roots) <= 4 MB, each subpackage <= 4 MB, the whole <= 30 MB, and no
zero-byte file. A game never arranges subpackages itself: whatever does not fit beside the runtime is moved
into subpackages of its own (``ttminis-code-N``, ``ttminis-assets-N``), all loaded before main.py runs.

Example::

    sizes = measure(Path("dist/shop-native"), [("ttminis-runtime", "ttminis-runtime/")])
    print("\\n".join(sizes.lines())); sizes.failures    # [] when it can be uploaded
"""
from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .package import MARKER, BuildError

MB = 1_000_000
MAIN_LIMIT = 4 * MB
SUBPACKAGE_LIMIT = 4 * MB
TOTAL_LIMIT = 30 * MB
# Room kept free in every part for zip bookkeeping and files written after planning (config.js).
SLACK = 64 * 1024
_ZIP_ENTRY_OVERHEAD = 30 + 46      # local header + central directory entry, plus the name twice

Assets = list[tuple[str, Path]]


@dataclass
class Part:
    """A subpackage made by the build: ``files`` maps package-relative paths (under ``root``) to bytes."""
    name: str
    root: str
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(len(data) for data in self.files.values())


def _too_big(what: str, size: int) -> BuildError:
    return BuildError(f"{what} is {size / MB:.2f} MB: a single file must fit one 4 MB (sub)package of "
                      "TikTok's native runtime (MB = 10^6 bytes); make it smaller or split it")


class _Archive:
    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.zip = zipfile.ZipFile(self.buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
        self.names: list[str] = []

    def estimate_with(self, name: str, compressed: int) -> int:
        names = sum(len(n.encode()) for n in self.names) + len(name.encode())
        return self.buffer.tell() + compressed + _ZIP_ENTRY_OVERHEAD * (len(self.names) + 1) + 2 * names + 22

    def add(self, name: str, data: bytes) -> None:
        self.zip.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data,
                          compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        self.names.append(name)

    def close(self) -> bytes:
        self.zip.close()
        return self.buffer.getvalue()


def pack_code(files: list[tuple[str, bytes]], first_room: int) -> list[bytes]:
    """Zip the game's code ``[(relative path, bytes)]`` into archives; the first fits ``first_room`` bytes,
    the others a subpackage each. Returns the archives' bytes, in order (main.py is in the first).

    Example::

        archives = pack_code([("main.py", b"print(1)")], 2 * MB)    # [b'PK...']
    """
    ordered = sorted(files, key=lambda f: (f[0] != "main.py", f[0]))
    archives: list[bytes] = []
    current, room = _Archive(), first_room
    for rel, data in ordered:
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        compressed = len(deflate.compress(data) + deflate.flush())
        if compressed + 512 > SUBPACKAGE_LIMIT - SLACK:
            raise _too_big(f"{rel} (compressed)", compressed)
        if current.names and current.estimate_with(rel, compressed) > room:
            archives.append(current.close())
            current, room = _Archive(), SUBPACKAGE_LIMIT - SLACK
        current.add(rel, data)
    archives.append(current.close())
    return archives


def place_assets(assets: list[tuple[str, Path]], room: int) -> tuple[Assets, list[Assets]]:
    """Split ``[(relative path, Path)]`` assets: (kept in the main package, [[...], ...] one list per part).

    Assets keep their paths in the main package while they fit in ``room``; the rest go, in order, into
    parts of at most 4 MB each. Zero-byte files and files over 4 MB fail, naming the file.

    Example::

        kept, parts = place_assets([("assets/a.png", Path("game/assets/a.png"))], 1 * MB)
    """
    kept: Assets = []
    parts: list[Assets] = []
    current: Assets = []
    current_size = 0
    for rel, path in assets:
        size = path.stat().st_size
        if size == 0:
            raise BuildError(f"{rel}: zero-byte file (TikTok rejects packages holding one); remove it or give "
                             "it content")
        if size > SUBPACKAGE_LIMIT - SLACK:
            raise _too_big(rel, size)
        if not parts and not current and size <= room:
            kept.append((rel, path))
            room -= size
            continue
        if current_size + size > SUBPACKAGE_LIMIT - SLACK:
            parts.append(current)
            current, current_size = [], 0
        current.append((rel, path))
        current_size += size
    if current:
        parts.append(current)
    return kept, parts


def group_files(blobs: list[bytes]) -> list[list[tuple[int, bytes]]]:
    """``blobs`` (bytes) grouped, in order, so that each group fits one subpackage: [[(index, bytes)], ...].
    A file that fits no subpackage fails the build.

    Example::

        group_files([b"x" * 3 * MB, b"y" * 2 * MB])     # [[(0, ...)], [(1, ...)]]
    """
    groups: list[list[tuple[int, bytes]]] = []
    current: list[tuple[int, bytes]] = []
    size = 0
    for index, data in enumerate(blobs):
        if len(data) > SUBPACKAGE_LIMIT - SLACK:
            raise _too_big(f"snapshot data module {index}", len(data))
        if current and size + len(data) > SUBPACKAGE_LIMIT - SLACK:
            groups.append(current)
            current, size = [], 0
        current.append((index, data))
        size += len(data)
    if current:
        groups.append(current)
    return groups


@dataclass
class Sizes:
    """Measured (sub)packages: ``rows`` of (name, bytes, limit, files); ``total``; ``failures`` (strings)."""
    rows: list[tuple[str, int, int, int]]
    total: int
    failures: list[str]

    def lines(self) -> list[str]:
        width = max(len(r[0]) for r in [*self.rows, ("total", 0, 0, 0)])
        out = [f"  {'(sub)package'.ljust(width)}  {'files':>5}  {'size':>9}  {'limit':>7}  used"]
        for name, size, limit, count in self.rows:
            out.append(f"  {name.ljust(width)}  {count:>5}  {size / MB:>6.2f} MB  {limit / MB:>4.0f} MB  "
                       f"{size / limit:>4.0%}")
        out.append(f"  {'total'.ljust(width)}  {sum(r[3] for r in self.rows):>5}  {self.total / MB:>6.2f} MB  "
                   f"{TOTAL_LIMIT / MB:>4.0f} MB  {self.total / TOTAL_LIMIT:>4.0%}")
        return out


def measure(folder: Path, subpackages: Iterable[tuple[str, str]]) -> Sizes:
    """Measure ``folder`` as TikTok counts it; ``subpackages`` is [(name, root)] as game.json lists them.

    Example::

        measure(Path("dist/shop-native"), [("ttminis-stdlib", "ttminis-stdlib/")]).failures
    """
    roots = [(name, root.strip("/") + "/") for name, root in subpackages]
    sizes = {name: [0, 0] for name, _ in roots}
    main = [0, 0]
    failures = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel == MARKER:
            continue
        size = path.stat().st_size
        if size == 0:
            failures.append(f"{rel}: zero-byte file (TikTok rejects them)")
        owner = next((name for name, root in roots if rel.startswith(root)), None)
        counter = main if owner is None else sizes[owner]
        counter[0] += size
        counter[1] += 1
    rows = [("main package", main[0], MAIN_LIMIT, main[1])]
    rows += [(name, sizes[name][0], SUBPACKAGE_LIMIT, sizes[name][1]) for name, _ in roots]
    for name, size, limit, _count in rows:
        if size > limit:
            failures.append(f"{name} is {size / MB:.2f} MB, over TikTok's {limit / MB:.0f} MB limit")
    total = sum(r[1] for r in rows)
    if total > TOTAL_LIMIT:
        failures.append(f"the package is {total / MB:.2f} MB, over TikTok's {TOTAL_LIMIT / MB:.0f} MB total")
    return Sizes(rows=rows, total=total, failures=failures)
