"""Memory snapshots: a game starts from the heap the build left, instead of initialising Python (host side).

Exports:
    KEEP_ALL                     ``--keep-stdlib all``: ship the whole standard library
    Snapshot                     what a package needs to start from a snapshot (see the class)
    make(target, code, own, parts, runtime_dir, keep_stdlib=(), log=print) -> Snapshot   cached by ``key``
    key(target, code, own, keep_stdlib, parts, runtime_dir)   what the snapshot depends on, as a digest
    build_imports(code, own)     the modules imported at build time: what the game's files import
    imports_of(sources)          the absolute imports named in Python sources (top-level or not)
    trim_stdlib(zip_bytes, kept) -> bytes                the standard library zip holding only ``kept``

How a snapshot is made (once per key, then cached in ``~/.cache/ttminis/snapshots/``):

1. A package built without a snapshot is booted in the simulator (lenient realm: real random seeds; the
   clock in UTC) with ``web/snapshot/make-snapshot.js``: the same JavaScript and files as a player's start.
2. What the game imports (its ``import`` statements, found by :func:`imports_of`, minus its own modules) is
   imported one by one; an import that fails is left for the game's own start (and reported), and an import
   that keeps a JavaScript object (a snapshot can carry only JS objects reached from globals) fails the build,
   naming the module.
3. The standard library is cut to the modules now loaded from it and every module their sources import
   (at any depth: the standard library imports lazily), with ``encodings`` and ``--keep-stdlib`` names always
   kept; Python is booted again with that zip, the same imports are made, a finder is added that
   makes importing a cut module raise ``ModuleNotFoundError`` naming ``--keep-stdlib``, and Pyodide's
   ``makeMemorySnapshot`` takes the heap.
4. The heap becomes data modules (``snapshot_format``): only what differs from a fresh instance, in ~4 MiB
   modules, compressed for the target (native: brotli ``.wasm.br``, which TikTok's runtime decompresses
   itself; html: gzip, which the loader decompresses with ``DecompressionStream``).

No game code runs at build time: the game's own modules are imported at its start (while the build imports,
they cannot be imported at all, even by a library), so the snapshot holds nothing of them. Its key covers everything that goes into it — Pyodide, ttminis's files and JavaScript, the
game's requirements, the list of modules it imports, the target, ``--keep-stdlib`` — and a change to any of
them makes a new one. At each start, what must not come from the build is read live (``START`` and
``restore.mjs``): the random generator is reseeded, the time zone recomputed, file-finder caches dropped.
What stays from the build, said plainly: ``hash()``'s string seed (fixed per snapshot, like a fixed
``PYTHONHASHSEED``) and ``os.environ`` (Pyodide's fixed defaults).

Example::

    snap = make("native", code, own={"main", "shop"}, parts=parts, runtime_dir=runtime_dir)
    snap.head, len(snap.modules), snap.heap_bytes, snap.report()
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from . import native_pyodide, node, runtimes, snapshot_format
from .native_pyodide import RuntimeParts
from .package import WEB, BuildError, Log

KEEP_ALL = "all"
FORMAT = 1                       # bump when what a snapshot's files mean changes
GAME_DIR = "/home/pyodide/game"
MAKER = WEB / "snapshot" / "make-snapshot.js"
BOOT = WEB / "native" / "boot.js"
CHUNK = 4 * 2 ** 20              # raw bytes per data module
# Modules whose import does something visible (prints, opens a browser): never imported at build time.
NEVER_AT_BUILD = frozenset({"this", "antigravity", "__hello__", "__phello__", "__main__", "idlelib", "tkinter",
                            "turtle", "turtledemo"})
# Looked up by name at run time (codecs; sysconfig's data module), kept whatever the game imports.
ALWAYS_KEPT = ("encodings", "site-packages")
ALWAYS_KEPT_PREFIX = "_sysconfigdata"
_RELATIVE = re.compile(r"^[ \t]*from[ \t]+(\.+)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)", re.M)
_FROM_NAMES = re.compile(r"^[ \t]*from[ \t]+([A-Za-z_][\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)", re.M)
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([^\n#;]+))", re.M)

# Run once at build time (phase 1 and 2), in a namespace of its own: helpers the maker calls.
PREPARE = r'''
import gc, importlib, importlib.util, json, sys

STDLIB = "/lib/python%d%d.zip/" % sys.version_info[:2]


def try_import(name):
    """"" when imported, "-" when a ``?X.y`` (``from X import y``) names no module, else why it failed."""
    if name.startswith("?"):
        name = name[1:]
        try:
            if importlib.util.find_spec(name) is None:
                return "-"
        except BaseException:
            return "-"
    try:
        importlib.import_module(name)
        return ""
    except BaseException as e:
        return f"{type(e).__name__}: {e}"


def stdlib_loaded():
    return json.dumps(sorted(name for name, module in list(sys.modules.items())
                             if (getattr(getattr(module, "__spec__", None), "origin", None) or "").startswith(STDLIB)))


def asked_by_find_spec():
    """True when importlib.util.find_spec (not an import) is looking a module up."""
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        name = code.co_filename.replace("\\", "/")
        if code.co_name == "find_spec" and (name == "<frozen importlib.util>" or name.endswith("importlib/util.py")):
            return True
        frame = frame.f_back
    return False


class CutStdlib:
    """The last finder: a standard-library module this build left out raises ModuleNotFoundError, saying so."""

    def __init__(self, cut):
        self.cut = frozenset(cut)

    def find_spec(self, name, path=None, target=None):
        if name in self.cut:
            if asked_by_find_spec():      # feature detection: importlib.util.find_spec answers None
                return None
            top = name.partition(".")[0]
            raise ModuleNotFoundError(
                f"No module named {name!r}: ttminis left this standard-library module out of the game's "
                f"build, which keeps only what the game imports. Build with --keep-stdlib {top} to keep it "
                "(or --keep-stdlib all)", name=name)
        return None

    def invalidate_caches(self):
        pass


class GameModules:
    """First finder while the build imports: the game's own modules never run at build time, even when a
    library imports one of their names; nor do compiled requirements (wasm side modules), whose loaded
    state a snapshot cannot carry."""

    def __init__(self, names, compiled=()):
        self.names = frozenset(names)
        self.compiled = frozenset(compiled)

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in self.names:
            raise ImportError(f"{name} is a module of the game: it is imported at the game's start, "
                              "not at build time", name=name)
        if top in self.compiled:
            raise ImportError(f"{top} is compiled code (a WebAssembly side module): imported at the game's "
                              "start, not in the snapshot", name=name)
        return None


def block(names, compiled=()):
    sys.meta_path.insert(0, GameModules(names, compiled))


def finish(game_dir, cut):
    import linecache
    sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, GameModules)]
    if cut:
        sys.meta_path.append(CutStdlib(cut))
    sys.path_importer_cache.pop(game_dir, None)
    importlib.invalidate_caches()
    linecache.clearcache()
    gc.collect()
    random = sys.modules.get("random")
    if random is not None:      # every generator alive now, a library's own Random() too: reseeded at start
        random._ttminis_generators = [g for g in gc.get_objects() if isinstance(g, random.Random)]
'''

# Run at each start from a snapshot, in __main__ before anything else (after restore.mjs's time zone refresh).
START = r'''
def _ttminis_start():
    import sys
    import time
    random = sys.modules.get("random")
    if random is not None:                      # the generators made at build time were seeded there
        for generator in random.__dict__.pop("_ttminis_generators", [random._inst]):
            generator.seed()
    tempfile = sys.modules.get("tempfile")
    if tempfile is not None:
        tempfile._name_sequence = None          # its own generator, made on first use
    # time.timezone/altzone/daylight/tzname are computed once, when `time` is imported: at build time.
    year = (365 * 24 + 6) * 3600
    t = int(time.time()) // year * year
    jan, jul = time.localtime(t), time.localtime(t + year // 2)
    if -jan.tm_gmtoff < -jul.tm_gmtoff:         # southern hemisphere: summer time in January
        jan, jul = jul, jan
    time.timezone, time.altzone = -jan.tm_gmtoff, -jul.tm_gmtoff
    time.daylight = int(jan.tm_gmtoff != jul.tm_gmtoff)
    time.tzname = (jan.tm_zone, jul.tm_zone)


_ttminis_start()
del _ttminis_start
'''


@dataclass
class Snapshot:
    """A snapshot as a package needs it.

    ``head``: Pyodide's header and the JSON of its JS state (``_loadSnapshot``); ``modules``: the data modules,
    compressed for the target (``suffix`` ``.wasm.br`` or ``.wasm.gz``); ``heap_bytes``: the memory's size;
    ``stdlib``: the standard library zip it was made with (ship exactly this one); ``start``: the Python run at
    each start; ``facts``: what the build found (for ``report``).
    """
    key: str
    head: bytes
    modules: list[bytes]
    suffix: str
    heap_bytes: int
    stdlib: bytes
    start: str = START
    facts: dict[str, Any] = field(default_factory=dict)

    def config(self, head: str, modules: Iterable[str]) -> dict[str, Any]:
        """What the boot needs (``runtime.snapshot``), with the head and data modules at these package paths."""
        return {"head": head, "modules": list(modules), "heapBytes": self.heap_bytes, "start": self.start}

    def report(self) -> list[str]:
        f = self.facts
        packed = sum(len(m) for m in self.modules)
        lines = [f"  heap {self.heap_bytes / 1e6:.1f} MB: a start writes {f['written'] / 1e6:.1f} MB of it from "
                 f"{len(self.modules)} data module(s), {packed / 1e6:.2f} MB as shipped",
                 f"  initialised at build time: {', '.join(f['imported']) or 'nothing of the game'} "
                 f"({f['loaded']} modules with Pyodide's own)"]
        if f.get("compiled"):
            lines.append("  compiled requirements imported at the game's start, not in the snapshot (their side "
                         "modules' loaded state is not carried): " + ", ".join(f["compiled"]))
        if f["failed"]:
            lines.append("  left for the game's start (their import failed at build time): "
                         + "; ".join(f"{name} ({why})" for name, why in sorted(f["failed"].items())))
        if f["kept_all"]:
            lines.append(f"  standard library: all {f['stdlib_total']} modules kept (--keep-stdlib all)")
        else:
            lines.append(f"  standard library: kept {len(f['kept'])} of {f['stdlib_total']} modules "
                         f"({len(self.stdlib) / 1e6:.2f} MB); importing another raises ImportError naming "
                         "--keep-stdlib NAME, which keeps it")
        lines.append(f"  snapshot {self.key} (made once for these inputs, then reused)")
        return lines


def imports_of(sources: Iterable[str]) -> list[str]:
    """The absolute module names ``import``-ed in ``sources`` (texts), at any depth, sorted.

    A plain text scan (not a parser): it works for any Python version's syntax, and a name it finds in a
    string is at worst imported at build time for nothing.

    Example::

        imports_of(["import json, os.path as p\\nfrom ttminis import game\\nfrom . import x"])
        # ['json', 'os.path', 'ttminis']
    """
    names: set[str] = set()
    for text in sources:
        for match in _IMPORT.finditer(text):
            if match.group(1):
                names.add(match.group(1))
                continue
            for part in match.group(2).split(","):
                name = part.strip().split()[0] if part.strip() else ""
                if re.fullmatch(r"[A-Za-z_][\w.]*", name):
                    names.add(name)
    return sorted(names)


def _stdlib_modules(zip_bytes: bytes) -> dict[str, list[str]]:
    """{module name: [zip entry names]} of a standard library zip (a package: its whole folder's files)."""
    modules: dict[str, list[str]] = {}
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
        for name in zf.namelist():
            if name.endswith("/"):
                continue
            folder, _, base = name.rpartition("/")
            if base == "__init__.py":
                module = folder.replace("/", ".")
            elif base.endswith(".py"):
                module = (folder + "/" + base[:-3] if folder else base[:-3]).replace("/", ".")
            else:
                module = folder.replace("/", ".")       # data file: belongs to its package
            modules.setdefault(module, []).append(name)
    return modules


def _closure(names: Iterable[str], zip_bytes: bytes, modules: dict[str, list[str]]) -> set[str]:
    """``names`` and every standard-library module their sources import, at any depth (also inside
    functions: the standard library imports lazily), followed through the zip."""
    seen: set[str] = set()
    todo = [n for n in names if n in modules]
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for entry in modules[name]:
                if not entry.endswith(".py"):
                    continue
                package = name if entry.endswith("__init__.py") else name.rpartition(".")[0]
                text = zf.read(entry).decode("utf-8", "replace")
                found = set(imports_of([text]))
                for match in _RELATIVE.finditer(text):
                    dots, rest = len(match.group(1)), match.group(2)
                    base = package.split(".")[:len(package.split(".")) - dots + 1]
                    found.add(".".join(base + ([rest] if rest else [])))
                    found.update(".".join(base + ([rest] if rest else []) + [item.strip().split()[0]])
                                 for item in match.group(3).strip("()").split(",") if item.strip())
                for dep in found:
                    parts = dep.split(".")
                    for i in range(1, len(parts) + 1):
                        prefix = ".".join(parts[:i])
                        if prefix in modules and prefix not in seen:
                            todo.append(prefix)
    return seen


def _expand(names: Iterable[str], available: Iterable[str]) -> set[str]:
    """``names`` with their parent packages and, for packages, every submodule."""
    out: set[str] = set()
    for name in names:
        for module in available:
            if module == name or module.startswith(name + "."):
                out.add(module)
        parts = name.split(".")
        for i in range(1, len(parts)):
            if ".".join(parts[:i]) in available:
                out.add(".".join(parts[:i]))
    return out


def trim_stdlib(zip_bytes: bytes, kept: Iterable[str]) -> bytes:
    """The standard library zip with only the modules in ``kept`` (and their packages' data files).

    Example::

        len(trim_stdlib(full, {"json", "json.decoder", "encodings", "encodings.utf_8"}))
    """
    modules = _stdlib_modules(zip_bytes)
    entries = {entry for module in kept for entry in modules.get(module, ())}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in entries or (info.filename.endswith("/") and any(
                    e.startswith(info.filename) for e in entries)):
                target.writestr(info, source.read(info.filename), compress_type=info.compress_type)
    return out.getvalue()


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else json.dumps(part, sort_keys=True).encode()
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()[:20]


def _maker_package(folder: Path, parts: RuntimeParts, code: list[tuple[str, bytes]], stdlib: bytes) -> None:
    """A snapshot-less package for the maker: everything in the main package (it is never uploaded)."""
    folder.mkdir(parents=True)
    files = native_pyodide.runtime_files(parts, "runtime/")
    files["runtime/python_stdlib.zip"] = stdlib
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        for rel, data in code:
            zf.writestr(rel, data)
    files["ttminis/game-code.zip"] = archive.getvalue()
    files["ttminis/boot.js"] = BOOT.read_bytes()
    files["ttminis/make-snapshot.js"] = MAKER.read_bytes()
    files["ttminis/pyodide-native.js"] = parts.bundle.read_bytes()
    config = {"bootTimeout": 120, "subpackages": [], "code": ["ttminis/game-code.zip"], "assets": {},
              "backendUrl": "", "runtime": native_pyodide.runtime_config(parts, "runtime/",
                                                                         "runtime/python_stdlib.zip")}
    files["ttminis/config.js"] = ("module.exports = " + json.dumps(config) + ";\n").encode()
    files["game.js"] = b"// the snapshot maker runs ttminis/make-snapshot.js instead\n"
    files["game.json"] = b'{"deviceOrientation": "portrait", "subpackages": []}\n'
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)


def _run_maker(folder: Path, request: dict[str, Any],
               log: Log) -> tuple[dict[str, Any], bytes | None, bytes | None]:
    """Boot the maker package in the simulator; (report, snapshot bytes, memory before Python)."""
    from ..simulator import Session, SimulatorError
    try:
        with Session(folder, strict=False, start=False, env={"TZ": "UTC"}) as session:
            request = dict(request, out="ttfile://user")
            try:
                report = session.eval(f"require('ttminis/make-snapshot.js')({json.dumps(request)})", timeout=300)
            except SimulatorError as e:
                raise BuildError(f"the memory snapshot could not be made: {e}") from None
            if request.get("measureOnly") or report.get("holdsJs"):
                return report, None, None
            snapshot = (session.user_data / "snapshot.bin").read_bytes()
            before = (session.user_data / "before-python.bin").read_bytes()
    except SimulatorError as e:
        raise BuildError(f"the memory snapshot could not be made: {e}") from None
    return report, snapshot, before


def brotli_quality() -> int:
    """Brotli's quality for the native data modules: 11 (smallest: what players download), or
    ``$TTMINIS_SNAPSHOT_BROTLI`` (1..11; ttminis's own test suite uses 5 to build quickly: same format,
    ~15 % more bytes)."""
    value = os.environ.get("TTMINIS_SNAPSHOT_BROTLI", "11")
    if not value.isdigit() or not 1 <= int(value) <= 11:
        raise BuildError(f"TTMINIS_SNAPSHOT_BROTLI must be a brotli quality 1..11, got {value!r}")
    return int(value)


def _gzip(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)      # wbits 31: a gzip stream, no timestamp
    return packer.compress(data) + packer.flush()


def _compress(target: str, modules: list[bytes], log: Log) -> list[bytes]:
    if target == "html":
        return [_gzip(m) for m in modules]       # gzip: DecompressionStream("gzip")
    quality = brotli_quality()
    log(f"[ttminis]   compressing {len(modules)} data module(s) with brotli (quality {quality}"
        + ("; ~10 s per module" if quality > 9 else "") + ") ...")
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda m: native_pyodide.brotli(m, log=log, quality=quality), modules))


def build_imports(code: list[tuple[str, bytes]], own: set[str]) -> list[str]:
    """What the build imports before the snapshot: the modules the game's own files import, except its own
    modules (the game's code never runs at build time) and those whose import does something visible.

    Example::

        build_imports([("main.py", b"import json\nimport shop")], {"main", "shop"})     # ['json']
    """
    sources = [data.decode("utf-8", "replace") for rel, data in code
               if rel.endswith(".py") and rel.split("/")[0].removesuffix(".py") in own]
    plain = imports_of(sources)
    names = plain + [name for name in _names_from_packages(sources) if name[1:] not in plain]
    return sorted(name for name in names if name.lstrip("?").split(".")[0] not in own | NEVER_AT_BUILD)


def _names_from_packages(sources: Iterable[str]) -> list[str]:
    """``from X import y`` -> ``?X.y``: y may be a submodule (``from ttminis import screen``), imported at build
    time only if it is one."""
    names: set[str] = set()
    for text in sources:
        for match in _FROM_NAMES.finditer(text):
            for part in match.group(2).strip("()").replace("\\\n", " ").split(","):
                name = part.split("#")[0].strip().split(" ")[0] if part.strip() else ""
                if re.fullmatch(r"[A-Za-z_]\w*", name):
                    names.add(f"?{match.group(1)}.{name}")
    return sorted(names)


def key(target: str, code: list[tuple[str, bytes]], own: set[str], keep_stdlib: Iterable[str], parts: RuntimeParts,
        runtime_dir: Path, compiled: Iterable[str] = ()) -> str:
    """The snapshot's cache key: everything that can change what it holds. The game's own files count only
    through what they import (they never run at build time); ttminis and the requirements count whole, and
    so does the code that makes it (the maker, the boot, the runtime's configuration, the simulator it runs in).

    Example::

        key("native", code, {"main"}, (), parts, runtime_dir)        # 'c0ffee...' (20 hex digits)
    """
    libraries = sorted((rel, hashlib.sha256(data).hexdigest()) for rel, data in code
                       if rel.split("/")[0].removesuffix(".py") not in own)
    quality = brotli_quality() if target == "native" else None
    return _digest(FORMAT, target, quality, sorted(own), sorted(compiled), build_imports(code, own), libraries,
                   sorted(set(keep_stdlib)),
                   parts.bundle.read_bytes(), hashlib.sha256(parts.wasm_br.read_bytes()).digest(),
                   hashlib.sha256((runtime_dir / "python_stdlib.zip").read_bytes()).digest(),
                   MAKER.read_bytes(), BOOT.read_bytes(), Path(__file__).read_bytes(),
                   Path(snapshot_format.__file__).read_bytes(), Path(native_pyodide.__file__).read_bytes(),
                   *(path.read_bytes() for path in sorted((WEB / "simulator").glob("*.js"))))


def make(target: str, code: list[tuple[str, bytes]], own: set[str], parts: RuntimeParts | None, runtime_dir: Path,
         keep_stdlib: Iterable[str] = (), log: Log = print, compiled: Iterable[str] = ()) -> Snapshot:
    """The snapshot for a game: ``code`` is [(path in the game folder, bytes)] as it will be unpacked (the
    game's files, ttminis, the requirements); ``own`` the game's own top-level module names (never imported
    at build time); ``parts`` from ``native_pyodide.prepare`` (made here if None); ``compiled`` the top-level
    names of the requirements with compiled code: never imported at build time (nor what imports them), so
    the game imports them at its start. Cached by :func:`key`.

    Raises BuildError, naming the module, when an import keeps JavaScript objects a snapshot cannot carry.

    Example::

        snap = make("native", code, {"main"}, native_pyodide.prepare(runtime_dir), runtime_dir)
    """
    try:
        parts = parts or native_pyodide.prepare(runtime_dir, log=log)
        compiled = sorted(set(compiled))
        folder = runtimes.cache_root() / "snapshots" / key(target, code, own, keep_stdlib, parts, runtime_dir,
                                                           compiled)
        if not (folder / ".complete").exists():
            _make(folder, target, code, own, build_imports(code, own), sorted(set(keep_stdlib)), parts,
                  runtime_dir, log, compiled)
    except node.NodeMissing as e:
        raise node.NodeMissing(f"{e} (the memory snapshot is made with Node; --no-snapshot builds "
                               "without one)") from None
    meta = json.loads((folder / "meta.json").read_text())
    modules = [(folder / name).read_bytes() for name in meta["modules"]]
    return Snapshot(key=folder.name, head=(folder / "head.bin").read_bytes(), modules=modules,
                    suffix=meta["suffix"], heap_bytes=meta["heap_bytes"],
                    stdlib=(folder / "python_stdlib.zip").read_bytes(), facts=meta["facts"])


def _make(folder: Path, target: str, code: list[tuple[str, bytes]], own: set[str], candidates: list[str],
          keep: list[str], parts: RuntimeParts, runtime_dir: Path, log: Log, compiled: list[str]) -> None:
    full_stdlib = (runtime_dir / "python_stdlib.zip").read_bytes()
    log(f"[ttminis] making the memory snapshot the game starts from (once for these imports, ttminis and "
        f"Pyodide; ~30 s) ...")
    stdlib_modules = _stdlib_modules(full_stdlib)
    request = {"target": target, "prepare": PREPARE, "candidates": candidates, "gameDir": GAME_DIR, "cut": [],
               "own": sorted(own), "compiled": compiled}
    with tempfile.TemporaryDirectory(prefix="ttminis-snapshot-") as tmp_name:
        tmp = Path(tmp_name)
        if KEEP_ALL in keep:
            stdlib, kept = full_stdlib, sorted(stdlib_modules)
        else:
            log("[ttminis]   1/3 booting Python to see what the game's imports load ...")
            _maker_package(tmp / "find", parts, code, full_stdlib)
            found, _, _ = _run_maker(tmp / "find", dict(request, measureOnly=True), log)
            _refuse_js(found)
            wanted = _expand(set(found["stdlibLoaded"]) | set(ALWAYS_KEPT) | set(keep)
                             | _not_imported_at_build(code, own, compiled, stdlib_modules), stdlib_modules)
            wanted |= {name for name in stdlib_modules if name.startswith(ALWAYS_KEPT_PREFIX)}
            kept = sorted(_closure(wanted, full_stdlib, stdlib_modules))
            stdlib = trim_stdlib(full_stdlib, kept)
        cut = sorted(set(stdlib_modules) - set(kept))
        log("[ttminis]   2/3 booting Python with that standard library and taking the snapshot ...")
        _maker_package(tmp / "make", parts, code, stdlib)
        made, snapshot, before = _run_maker(tmp / "make", dict(request, cut=cut), log)
        _refuse_js(made)
        assert snapshot is not None and before is not None, "a maker run that is not measureOnly writes both"
        if KEEP_ALL not in keep and made["failed"] != found["failed"]:
            raise BuildError("the trimmed standard library changed what the game's imports do: "
                             f"{sorted(set(made['failed'].items()) ^ set(found['failed'].items()))}; "
                             "build with --keep-stdlib all and report this")
        head, heap = snapshot_format.split(snapshot)
        wasm = (runtime_dir / "pyodide.asm.wasm").read_bytes()
        segments = snapshot_format.plan(heap, snapshot_format.memory_image(wasm), before)
        raw = snapshot_format.data_modules(segments, CHUNK)
        log("[ttminis]   3/3 writing the heap as data modules ...")
        packed = _compress(target, raw, log)
        suffix = ".wasm.gz" if target == "html" else ".wasm.br"
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=folder.parent))
        try:
            names = [f"heap-{i}{suffix}" for i in range(len(packed))]
            for name, data in zip(names, packed):
                (staging / name).write_bytes(data)
            (staging / "head.bin").write_bytes(head)
            (staging / "python_stdlib.zip").write_bytes(stdlib)
            facts = {"imported": sorted(made["imported"]), "compiled": compiled,
                     "failed": made["failed"], "loaded": made["loaded"],
                     "written": sum(len(d) for _, d in segments), "kept": kept, "kept_all": KEEP_ALL in keep,
                     "stdlib_total": len(stdlib_modules)}
            (staging / "meta.json").write_text(json.dumps({"modules": names, "suffix": suffix,
                                                           "heap_bytes": len(heap), "facts": facts}, indent=1))
            (staging / ".complete").write_text("ok")
            shutil.rmtree(folder, ignore_errors=True)
            staging.rename(folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _not_imported_at_build(code: list[tuple[str, bytes]], own: set[str], compiled: list[str],
                           stdlib_modules: dict[str, list[str]]) -> set[str]:
    """The standard-library modules the requirements' sources name, when some requirement is compiled: those
    (and what imports them) are imported at the game's start, so what they load was never seen at build time."""
    if not compiled:
        return set()
    sources = [data.decode("utf-8", "replace") for rel, data in code if rel.endswith(".py")
               and rel.split("/")[0].removesuffix(".py") not in own and not rel.startswith("ttminis/")]
    names: set[str] = set()
    for name in imports_of(sources):
        parts = name.split(".")
        names.update(".".join(parts[:i]) for i in range(1, len(parts) + 1) if ".".join(parts[:i]) in stdlib_modules)
    return names


def _refuse_js(report: dict[str, Any]) -> None:
    if report.get("holdsJs"):
        name, why = report["holdsJs"]
        raise BuildError(
            f"`import {name}` keeps a JavaScript object made at import time ({why}); a memory snapshot can "
            "carry only JavaScript objects reached from globals (js.X.y). If the module is yours, look the "
            "object up when it is first used instead of at import; otherwise build with --no-snapshot "
            "(a slower start)")
