"""The native target: a package for TikTok's native runtime (a JS engine with no DOM), Pyodide only.

Exports:
    build(game_dir, out, runtime, dev, client_key, log, app_id, probe) -> BuildResult
    BRYTHON_REFUSED      why ``--runtime brython`` cannot target it (one line)

The package (default ``dist/<game>-native/``)::

    game.js                      the entry: ttminis/boot.js with ttminis/config.js
    game.json                    deviceOrientation, subpackages [{name, root}]
    project.config.json          appid (--app-id; a placeholder and a warning without it)
    ttminis/boot.js, config.js   the boot (web/native/boot.js) and what this build decided
    ttminis/surface.js           the game surface (web/surface/ttminis-surface.js, shared with html)
    ttminis/ffi.js               the JavaScript half of an SDK call (web/ffi/ttminis-ffi.js, shared with html)
    ttminis/pyodide-native.js    Pyodide bundled as CommonJS (build/native_pyodide.py)
    ttminis/em-code.js           the side modules' EM_ASM/EM_JS as functions (only when one has any)
    ttminis/game-code.zip        the game's code, ttminis and the requirements (unpacked at boot)
    ttminis/snapshot-head.bin    the memory snapshot's header and JS state (build/snapshot.py)
    assets/...                   the game's assets, as long as they fit the main package
    ttminis-runtime/             subpackage: pyodide.asm.wasm.br and the small wasm modules
    ttminis-stdlib/              subpackage: python_stdlib.zip (cut to what the game imports)
    ttminis-ext-N/               subpackages: compiled requirements' side modules (.wasm/.wasm.br), loaded by
                                 path; their .so paths in game-code.zip hold stubs (build/side_modules.py)
    ttminis-snapshot-N/          subpackages: the snapshot's heap as data modules (heap-K.wasm.br)
    ttminis-code-N/, ttminis-assets-N/   subpackages made when the game does not fit beside the runtime

Every subpackage is loaded before main.py runs. Assets moved into a subpackage keep their path under its
root (``ttminis-assets-1/assets/big.png``); ``ttminisLoader.assetPath("assets/big.png")`` gives it.
``--probe`` builds the device probe instead of a game (web/native/probe/; see README).

By default the game starts from a memory snapshot taken at build time after Python, ttminis and the game's
imports were initialised (build/snapshot.py), and the standard library is cut to what they load
(``keep_stdlib`` names more, ``["all"]`` keeps it whole). ``snapshot=False`` (``--no-snapshot``) boots
Python from scratch at each start instead, with the whole standard library.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from .. import (bytecode, compliance, native_layout, native_probe, native_pyodide, node, package, requirements as
                requirement_options, runtimes, side_modules, snapshot as snapshots)
from ..native_pyodide import RuntimeParts
from ..package import WEB, BuildError, Log, OutputFolder, default_out, game_files, own_modules, shim_files
from ..native_layout import MAIN_LIMIT, SLACK, Part
from . import BuildResult

NATIVE = WEB / "native"
SURFACE = WEB / "surface" / "ttminis-surface.js"
FFI = WEB / "ffi" / "ttminis-ffi.js"
PROBE_GAME = NATIVE / "ttminis-probe"
BRYTHON_REFUSED = ("--target native needs --runtime pyodide: Brython compiles Python to JavaScript at run "
                   "time and runs it with new Function, which TikTok's native runtime forbids")
PLACEHOLDER_APP_ID = "ttminis-placeholder-appid"
ORIENTATIONS = ("portrait", "landscape")
BOOT_TIMEOUT_S = 60
RUNTIME_ROOT = "ttminis-runtime/"
STDLIB_ROOT = "ttminis-stdlib/"
RUNTIME_JS = "ttminis/pyodide-native.js"
SNAPSHOT_HEAD = "ttminis/snapshot-head.bin"
EM_CODE = "ttminis/em-code.js"
GAME_JS = ('// Made by ttminis (build.py --target native): boots Python (Pyodide) and runs main.py.\n'
           'require("./ttminis/boot.js").boot(require("./ttminis/config.js"));\n')


def build(game_dir: Path, out: str | os.PathLike[str] | None = None, runtime: str = "pyodide", dev: bool = False,
          client_key: str = "", log: Log = print, app_id: str = "", probe: bool = False, backend_url: str = "",
          fake_tiktok_url: str = "", snapshot: bool = True, keep_stdlib: Iterable[str] = (),
          requirements: requirement_options.Options | None = None) -> BuildResult:
    """Build ``game_dir`` into a native package at ``out`` (default ``./dist/<game>-native``).

    ``dev`` and ``client_key`` are html options: on native the SDK is TikTok's own, preloaded.
    ``backend_url`` (the game's server, for ``ttminis.game_server``) becomes ``ttminisBackendUrl``.
    ``snapshot`` starts the game from a build-time memory snapshot; ``keep_stdlib`` names standard-library
    modules to keep beyond what the game imports (``["all"]``: all of them). ``requirements``: how
    requirements.txt is resolved (``build/requirements.py``); compiled ones ship their extension modules in
    ``ttminis-ext-N`` subpackages, loaded by path (``build/side_modules.py``).

    Example::

        build(Path("examples/shop"), app_id="tt1234567890")
    """
    if runtime != "pyodide":
        raise BuildError(BRYTHON_REFUSED)
    if fake_tiktok_url:
        raise BuildError("--fake-tiktok-url is for --dev html builds and the native preview (--serve): a native "
                         "package holds no fake SDK (in the simulator, call TTMinisFake.useOrderBook(url))")
    node.node_binary()      # a native package is made and checked with Node's tools, every time
    out = Path(out) if out else default_out(game_dir, "-native")
    orientation = _orientation(game_dir)
    folder = OutputFolder(out, game_dir, {"target": "native", "runtime": runtime, "probe": probe})
    runtime_dir = runtimes.ensure(runtimes.PYODIDE, log=log)
    parts = native_pyodide.prepare(runtime_dir, log=log)
    resolved = requirement_options.resolve(game_dir, requirements, log)
    side = side_modules.plan(resolved, log)
    code, assets = _game_inputs(game_dir, runtime, resolved, side)
    if not app_id:
        log("[ttminis] warning: no --app-id given: project.config.json holds a placeholder appid; "
            "TikTok's upload needs your app's real one")
    snap = None
    if snapshot:
        snap = snapshots.make("native", code, own_modules(game_dir), parts, runtime_dir, keep_stdlib, log,
                              compiled=resolved.compiled_modules())
    pyc, pyc_report = bytecode.compile_own(code, own_modules(game_dir), log)
    code += pyc

    with folder as staging:
        main_files, kept, subpackages = _plan(parts, code, assets, probe, backend_url, snap, log, side)
        main_files["game.json"] = _json({"deviceOrientation": orientation,
                                         "subpackages": [{"name": p.name, "root": p.root} for p in subpackages]})
        main_files["project.config.json"] = _json({"appid": app_id or PLACEHOLDER_APP_ID,
                                                   "projectname": game_dir.name, "compileType": "game"})
        for rel, data in main_files.items():
            _write(staging / rel, data)
        for rel, path in kept:
            _write(staging / rel, path.read_bytes())
        for part in subpackages:
            for rel, data in part.files.items():
                _write(staging / rel, data)
        sizes = native_layout.measure(staging, [(p.name, p.root) for p in subpackages])
        own = [name for name in main_files if name.endswith(".js") and name != RUNTIME_JS]
        checks = compliance.scan(staging, own, compliance.UPLOAD_RULES + compliance.NATIVE_RULES, log=log)
        flagged = _flagged_text(staging)
        failures = sizes.failures + checks.failures + flagged
        if failures:
            raise BuildError("the native package breaks TikTok's rules:\n  " + "\n  ".join(failures))

    report = ["", "Sizes (as the files sit; MB = 10^6 bytes):", *sizes.lines(), ""]
    if resolved.distributions:
        report += ["Python packages from requirements.txt (for Pyodide's pyemscripten_2026_0_wasm32):",
                   *resolved.lines(), ""]
    if side.modules:
        report += ["Compiled packages' side modules (each its own file, compiled by path at start):",
                   *side.lines(), ""]
    if resolved.distributions:
        report += ["Requirements' Python code, by (sub)package:",
                   *_code_places(resolved, main_files, subpackages), ""]
    if snap:
        report += ["Memory snapshot (the game starts where the build left Python):", *snap.report(), ""]
    else:
        report += ["No memory snapshot (--no-snapshot): Python initialises at each start (seconds)", ""]
    report += ["The game's own modules:", *pyc_report, ""]
    report.append("Native runtime checks:")
    report += [f"  note  {note}" for note in checks.notes]
    report.append("  ok    CommonJS only (no import/export, no import()); our own JS uses no eval, Function() "
                  "or string timers; WebAssembly by path")
    report.append("  ok    text scan of every .js file (third-party included, comments included): no "
                  + ", ".join(native_pyodide.FLAGGED))
    if not app_id:
        report.append(f"  warn  appid is the placeholder {PLACEHOLDER_APP_ID!r}: pass --app-id before uploading")
    return BuildResult(out=folder.out, target="native", runtime=runtime, dev=dev, report=report, sizes=sizes)


def _code_places(resolved: requirement_options.Resolved, main_files: dict[str, bytes],
                 subpackages: list[Part]) -> list[str]:
    """Which code archive, in which (sub)package, holds each distribution's Python files."""
    import io
    import zipfile
    archives = [("main package", data) for name, data in main_files.items() if name.endswith("game-code.zip")]
    archives += [(part.name, data) for part in subpackages for name, data in part.files.items()
                 if name.endswith("game-code.zip")]
    lines = []
    for where, data in archives:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
        held = [d.name for d in resolved.distributions if any(rel in names for rel, _ in d.files)]
        if held:
            lines.append(f"  {where}: {', '.join(held)}")
    return lines


def _flagged_text(staging: Path) -> list[str]:
    """What a plain text scan of every JavaScript file of the package (an upload scanner's view) would flag."""
    found = []
    for path in sorted(staging.rglob("*.js")):
        rel = path.relative_to(staging).as_posix()
        for line, what in native_pyodide.flagged(path.read_text(encoding="utf-8", errors="replace")):
            found.append(f"{rel}:{line}: {what!r} (an upload scan flags this text; the native runtime has none of it)")
    return found


def _game_inputs(game_dir: Path, runtime: str, resolved: requirement_options.Resolved,
                 side: side_modules.SidePlan) -> tuple[list[tuple[str, bytes]], list[tuple[str, Path]]]:
    """(code, assets): code is [(relative path, bytes)] for the code archives (the game's files, ttminis,
    the requirements, their extension modules as stubs); assets [(relative path, Path)] under assets/."""
    code = [(rel.as_posix(), path.read_bytes()) for rel, path in game_files(game_dir)]
    code += [(rel.as_posix(), path.read_bytes()) for rel, path in shim_files(runtime)]
    code += [(rel.as_posix(), side.stubs.get(rel.as_posix(), data)) for rel, data in resolved.files()]
    return code, package.asset_files(game_dir)


def _plan(parts: RuntimeParts, code: list[tuple[str, bytes]], assets: list[tuple[str, Path]], probe: bool,
          backend_url: str, snap: snapshots.Snapshot | None, log: Log,
          side: side_modules.SidePlan) -> tuple[dict[str, bytes], list[tuple[str, Path]], list[Part]]:
    """What goes where: (main package files {path: bytes}, assets kept in it, [Part] subpackages)."""
    main_files = {"game.js": GAME_JS.encode(),
                  "ttminis/boot.js": (NATIVE / "boot.js").read_bytes(),
                  "ttminis/surface.js": SURFACE.read_bytes(),
                  "ttminis/ffi.js": FFI.read_bytes(),
                  RUNTIME_JS: parts.bundle.read_bytes()}
    runtime = Part("ttminis-runtime", RUNTIME_ROOT, native_pyodide.runtime_files(parts, RUNTIME_ROOT))
    if probe:
        main_files.update(native_probe.main_files())
        runtime.files.update(native_probe.runtime_files(log))
    stdlib = Part("ttminis-stdlib", STDLIB_ROOT)
    stdlib.files[STDLIB_ROOT + "python_stdlib.zip"] = snap.stdlib if snap else parts.stdlib.read_bytes()
    subpackages = [runtime, stdlib, *side.parts]
    snapshot_paths: list[str] = []
    if snap:
        main_files[SNAPSHOT_HEAD] = snap.head
        for i, heap_group in enumerate(native_layout.group_files(snap.modules), start=1):
            part = Part(f"ttminis-snapshot-{i}", f"ttminis-snapshot-{i}/")
            for index, data in heap_group:
                heap_path = f"{part.root}heap-{index}{snap.suffix}"
                part.files[heap_path] = data
                snapshot_paths.append(heap_path)
            subpackages.append(part)

    room = MAIN_LIMIT - SLACK - sum(len(d) for d in main_files.values())
    archives = native_layout.pack_code(code, room)
    main_files["ttminis/game-code.zip"] = archives[0]
    code_paths = ["ttminis/game-code.zip"]
    for i, archive in enumerate(archives[1:], start=1):
        part = Part(f"ttminis-code-{i}", f"ttminis-code-{i}/")
        part.files[f"{part.root}game-code.zip"] = archive
        code_paths.append(f"{part.root}game-code.zip")
        subpackages.append(part)
    kept, moved = native_layout.place_assets(assets, max(0, room - len(archives[0])))
    asset_paths: dict[str, str] = {}
    for i, group in enumerate(moved, start=1):
        part = Part(f"ttminis-assets-{i}", f"ttminis-assets-{i}/")
        for rel, path in group:
            part.files[part.root + rel] = path.read_bytes()
            asset_paths[rel] = part.root + rel
        subpackages.append(part)
    snapshot_config = snap.config(SNAPSHOT_HEAD, sorted(snapshot_paths, key=_heap_index)) if snap else None
    if side.js_code:
        main_files[EM_CODE] = side.js_file()
    main_files["ttminis/config.js"] = _config(parts, subpackages, code_paths, asset_paths, backend_url,
                                              [rel for rel, _path in assets], snapshot_config,
                                              side.entries, bool(side.js_code)).encode()
    return main_files, kept, subpackages


def _orientation(game_dir: Path) -> str:
    config = game_dir / "minigame.config.json"
    if not config.exists():
        return "portrait"
    try:
        value = json.loads(config.read_text(encoding="utf-8")).get("deviceOrientation", "portrait")
    except (ValueError, AttributeError) as e:
        raise BuildError(f"{config}: not a JSON object ({e})") from None
    if value not in ORIENTATIONS:
        raise BuildError(f"{config}: deviceOrientation must be one of {', '.join(ORIENTATIONS)}, got {value!r}")
    return str(value)


def _heap_index(path: str) -> int:
    return int(path.rpartition("heap-")[2].split(".")[0])


def _config(parts: RuntimeParts, subpackages: list[Part], code_paths: list[str], asset_paths: dict[str, str],
            backend_url: str, asset_files: list[str], snapshot_config: dict[str, Any] | None,
            extensions: list[dict[str, str]], em_code: bool) -> str:
    runtime = native_pyodide.runtime_config(parts, RUNTIME_ROOT, STDLIB_ROOT + "python_stdlib.zip")
    runtime["snapshot"] = snapshot_config
    runtime["extensions"] = extensions
    runtime["emCode"] = em_code
    config = {
        "bootTimeout": BOOT_TIMEOUT_S,
        "subpackages": [{"name": p.name, "bytes": p.size} for p in subpackages],
        "runtime": runtime,
        "code": code_paths,
        "assets": asset_paths,
        "assetFiles": asset_files,
        "backendUrl": backend_url,
    }
    return ("// Made by ttminis (build.py --target native): what this package holds and where.\n"
            "module.exports = " + json.dumps(config, indent=1, sort_keys=True) + ";\n")


def _json(value: object) -> bytes:
    return (json.dumps(value, indent=2) + "\n").encode()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
