"""The html target: a web bundle (index.html, the loader, the runtime, the game) for previews,
TikTok's DevTool browser mode and other webviews. Pyodide or Brython.

Exports:
    build(game_dir, out, runtime, dev, client_key, log, backend_url, fake_tiktok_url, expose_interpreter)
        -> BuildResult

A bundle holds index.html, the loader, the runtime's files and the game:
  pyodide: pyodide/ (the 5 core files), app.zip (the game, ttminis and the game's requirements),
           ttminis-assets.json (the files under assets/, which the loader copies next to the game for open()),
           and the memory snapshot the game starts from once the browser has it cached: snapshot/head.bin,
           snapshot/heap-N.wasm.gz, ttminis-snapshot.mjs (build/snapshot.py; ``snapshot=False`` leaves it out)
  brython: brython/brython.js, brython/brython_modules.js (only what the game imports), main.py and
           the game's other data files (Brython's open() reads them from the bundle)
plus ttminis-surface.js (the game surface), assets/ and minigame.config.json. --dev builds add the
fake SDK and the dev banner and panel, which the loader uses only where TikTok's own SDK is not
present. The package is scanned (``compliance.scan``) before it is published.

A first visit boots Python from the core files, as bare Pyodide does (downloading the snapshot as well would
cost more time than it saves at phone speeds), then fetches the snapshot for the next start; a start that
finds it in the browser's cache restores it instead of initialising Python. The standard library is not cut
on html: the first visit boots from the same whole zip the snapshot was made with.
``backend_url`` (the game's server, for ``ttminis.game_server``) goes on the loader's tag;
``fake_tiktok_url`` (--dev only) points the fake SDK's order book at a fake TikTok server.
"""
from __future__ import annotations

import ast
import hashlib
import html
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from typing import Any, Iterable
from pathlib import Path

from .. import bytecode, compliance, requirements as requirement_options, runtimes, snapshot as snapshots
from ..package import (WEB, BuildError, Log, OutputFolder, asset_files, default_out, game_files, own_modules,
                       shim_files)
from . import BuildResult

Files = list[tuple[Path, Path]]

HTML = WEB / "html"
SNAPSHOT_HEAD = "snapshot/head.bin"
FAKE = WEB / "fake" / "fake-ttminis.js"
SURFACE = WEB / "surface" / "ttminis-surface.js"
FFI = WEB / "ffi" / "ttminis-ffi.js"
ASSET_LIST = "ttminis-assets.json"
# Our own JavaScript in a bundle (bundle-relative), held to TikTok's rules by the compliance scan.
OWN_JS = ["ttminis-loader.js", "ttminis-surface.js", "ttminis-ffi.js", "ttminis-snapshot.mjs", "fake-ttminis.js",
          "ttminis-dev-panel.js"]

STARTER_CONFIG = {
    "deviceOrientation": "portrait",
    "showStatusBar": False,
    "networkTimeout": {"request": 10000, "connectSocket": 10000,
                       "uploadFile": 10000, "downloadFile": 10000},
}


def build(game_dir: Path, out: str | os.PathLike[str] | None = None, runtime: str = "pyodide", dev: bool = False,
          client_key: str = "", log: Log = print, backend_url: str = "", fake_tiktok_url: str = "",
          expose_interpreter: bool = False, snapshot: bool = True,
          requirements: requirement_options.Options | None = None) -> BuildResult:
    """Build ``game_dir`` into an html bundle at ``out`` (default ``./dist/<game>``).

    ``expose_interpreter`` (tests only) publishes the live Pyodide as ``ttminisLoader.pyodide``,
    as dev builds do; production builds never do: whoever holds it can run any Python.
    ``snapshot`` (Pyodide only) adds the build-time memory snapshot a cached start restores.
    ``requirements``: how requirements.txt is resolved (``build/requirements.py``); on Pyodide its compiled
    distributions' extension modules are loaded (``loadDynlib``) before main.py runs; Brython cannot run
    compiled code, so a compiled requirement fails the build, naming it.

    Example::

        build(Path("examples/shop"), runtime="brython", dev=True)
    """
    if runtime not in runtimes.RUNTIMES:
        raise BuildError(f"--runtime must be one of {', '.join(runtimes.RUNTIMES)}, got {runtime!r}")
    if fake_tiktok_url and not dev:
        raise BuildError("--fake-tiktok-url is for --dev builds only (the fake SDK is not in other builds)")
    out = Path(out) if out else default_out(game_dir)
    folder = OutputFolder(out, game_dir, {"target": "html", "runtime": runtime, "dev": dev})
    runtime_dir = runtimes.ensure(runtimes.RUNTIMES[runtime], log=log)
    resolved = requirement_options.resolve(game_dir, requirements, log)
    if runtime == "brython" and resolved.compiled():
        raise BuildError("--runtime brython cannot run compiled code (it compiles Python to JavaScript): "
                         + ", ".join(f"{d.name} {d.version}" for d in resolved.compiled())
                         + " in requirements.txt " + ("has" if len(resolved.compiled()) == 1 else "have")
                         + " extension modules; build with --runtime pyodide")
    requirements_files = resolved.files()
    sources = list(game_files(game_dir)) + list(shim_files(runtime))
    snap = None
    if runtime == "pyodide" and snapshot:
        code = [(rel.as_posix(), path.read_bytes()) for rel, path in sources]
        code += [(rel.as_posix(), data) for rel, data in requirements_files]
        snap = snapshots.make("html", code, own_modules(game_dir), None, runtime_dir, [snapshots.KEEP_ALL], log,
                              compiled=resolved.compiled_modules())
    compiled: list[tuple[str, bytes]] = []
    if runtime == "pyodide":      # the game's own modules as bytecode (build/bytecode.py): not compiled at start
        own = [(rel.as_posix(), path.read_bytes()) for rel, path in game_files(game_dir)]
        compiled = bytecode.compile_own(own, own_modules(game_dir), log)[0]
    with folder as staging:
        _write_page(staging, game_dir, runtime_dir, runtime, dev, client_key, backend_url, fake_tiktok_url,
                    expose_interpreter, snap, resolved.extension_modules())
        if runtime == "pyodide":
            _pack_pyodide(staging, runtime_dir, sources, requirements_files, snap, compiled)
        else:
            _pack_brython(staging, runtime_dir, sources, requirements_files, game_dir)
        report = compliance.scan(staging, OWN_JS, log=log)     # before the package is published
    lines = ["", "Python packages from requirements.txt (for Pyodide's pyemscripten_2026_0_wasm32):",
             *resolved.lines()] if resolved.distributions else []
    return BuildResult(out=folder.out, target="html", runtime=runtime, dev=dev, compliance=report, report=lines)


def _write_page(out: Path, game_dir: Path, runtime_dir: Path, runtime: str, dev: bool, client_key: str,
                backend_url: str = "", fake_tiktok_url: str = "", expose_interpreter: bool = False,
                snap: snapshots.Snapshot | None = None, dynlibs: list[str] | None = None) -> None:
    for name in ("ttminis-loader.js", "ttminis-loader.css"):
        shutil.copy2(HTML / name, out / name)
    shutil.copy2(SURFACE, out / SURFACE.name)
    shutil.copy2(FFI, out / FFI.name)
    options = {}
    if dev:    # loaded by the loader, and only where TikTok's SDK did not come
        shutil.copy2(FAKE, out / "fake-ttminis.js")
        shutil.copy2(HTML / "ttminis-dev-panel.js", out / "ttminis-dev-panel.js")
        options["dev"] = "1"
        if fake_tiktok_url:
            options["order-book"] = fake_tiktok_url
    if expose_interpreter:
        options["expose-interpreter"] = "1"
    if runtime == "pyodide":
        lock = json.loads((runtime_dir / "pyodide-lock.json").read_text(encoding="utf-8"))
        options["lock"] = json.dumps(lock["info"], sort_keys=True)
    if dynlibs:         # extension modules, loaded (compiled asynchronously) before main.py runs
        options["dynlibs"] = json.dumps(dynlibs)
    if snap:
        # The page's cache is named by the snapshot's bytes, not its inputs' key: the same inputs built
        # elsewhere give other bytes (the hash seed), and a returning player must never mix the two.
        content = hashlib.sha256(snap.head + b"".join(snap.modules)).hexdigest()[:24]
        options["snapshot"] = json.dumps(dict(snapshot_config(snap), key=content))
    loader_options = "".join(f' data-{name}="{html.escape(value, quote=True)}"' for name, value in options.items())
    template = (HTML / "index.html").read_text(encoding="utf-8")
    (out / "index.html").write_text(template.format(
        title=html.escape(game_dir.name), loader_options=loader_options, runtime=runtime,
        client_key=html.escape(client_key, quote=True), backend_url=html.escape(backend_url, quote=True),
        game=html.escape(game_dir.name, quote=True)), encoding="utf-8")
    config = game_dir / "minigame.config.json"
    if config.exists():
        try:
            json.loads(config.read_text(encoding="utf-8"))
        except ValueError as e:
            raise BuildError(f"{config}: not valid JSON ({e})") from None
        shutil.copy2(config, out / "minigame.config.json")
    else:
        (out / "minigame.config.json").write_text(json.dumps(STARTER_CONFIG, indent=2) + "\n")
    assets = asset_files(game_dir)
    for rel, path in assets:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, out / rel)
    (out / ASSET_LIST).write_text(json.dumps([rel for rel, _ in assets]) + "\n", encoding="utf-8")


def _pack_pyodide(out: Path, runtime_dir: Path, sources: Files, requirements: list[tuple[Path, bytes]],
                  snap: snapshots.Snapshot | None, compiled: Iterable[tuple[str, bytes]] = ()) -> None:
    target = out / "pyodide"
    target.mkdir()
    for name in runtimes.PYODIDE.members.values():
        shutil.copy2(runtime_dir / name, target / name)
    if snap:
        (out / "snapshot").mkdir()
        (out / SNAPSHOT_HEAD).write_bytes(snap.head)
        for heap_path, data in zip(_heap_paths(snap), snap.modules):
            (out / heap_path).write_bytes(data)
        shutil.copy2(WEB / "snapshot" / "restore.mjs", out / "ttminis-snapshot.mjs")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, path in sources:
            zf.write(path, rel.as_posix())
        for rel, data in requirements:
            zf.writestr(rel.as_posix(), data)
        for name, data in compiled:
            zf.writestr(name, data)
    (out / "app.zip").write_bytes(buffer.getvalue())


def _pack_brython(out: Path, runtime_dir: Path, sources: Files, requirements: list[tuple[Path, bytes]],
                  game_dir: Path) -> None:
    target = out / "brython"
    target.mkdir()
    shutil.copy2(runtime_dir / "brython.js", target / "brython.js")
    shutil.copy2(game_dir / "main.py", out / "main.py")
    for rel, path in sources:          # the game's data files, for Brython's open() (it reads over HTTP)
        if path.suffix != ".py" and rel.parts[0] != "ttminis":
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, out / rel)
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        shutil.copy2(runtime_dir / "brython_stdlib.js", staging / "brython_stdlib.js")
        reachable = _reachable_shim(sources, requirements)
        for rel, path in sources:
            if rel.parts[0] == "ttminis" and rel.stem not in reachable:
                continue
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, staging / rel)
        for rel, data in requirements:
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            (staging / rel).write_bytes(data)
        proc = subprocess.run([sys.executable, "-m", "brython", "make_modules", "-o",
                               str((target / "brython_modules.js").resolve())],
                              cwd=staging, capture_output=True, text=True,
                              env={"PYTHONPATH": str(runtime_dir / "tool"), "PATH": "/usr/bin:/bin"})
        if proc.returncode != 0:
            raise BuildError("Brython's make_modules failed:\n" + (proc.stderr or proc.stdout)[-2000:])


def _reachable_shim(sources: Files, requirements: list[tuple[Path, bytes]]) -> set[str]:
    """The names of the ttminis modules the game's code can import, directly or through ttminis.

    make_modules bundles every module that ANY staged file imports, used or not; staging only these
    keeps what a game does not use (the game surface, game_server) out of its brython_modules.js.
    """
    shim = {rel.stem: path for rel, path in sources if rel.parts[0] == "ttminis" and rel.suffix == ".py"}
    texts = [path.read_text(encoding="utf-8") for rel, path in sources
             if rel.suffix == ".py" and rel.parts[0] != "ttminis"]
    texts += [data.decode("utf-8", "replace") for rel, data in requirements if rel.suffix == ".py"]
    wanted = set()
    for text in texts:
        wanted |= _ttminis_imports(text, inside_ttminis=False)
    if wanted:
        wanted |= {"__init__"}
    todo = list(wanted)
    while todo:
        name = todo.pop()
        if name in shim:
            for found in _ttminis_imports(shim[name].read_text(encoding="utf-8"), inside_ttminis=True) - wanted:
                wanted.add(found)
                todo.append(found)
    return wanted & set(shim)


def _ttminis_imports(text: str, inside_ttminis: bool) -> set[str]:
    """ttminis module names (``"screen"``, ``"__init__"`` ...) imported by the Python source ``text``."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "ttminis":
                    found.add(parts[1] if len(parts) > 1 else "__init__")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 1 and inside_ttminis:
                base = module.split(".") if module else []
            elif node.level == 0 and module.split(".")[0] == "ttminis":
                base = module.split(".")[1:]
            else:
                continue
            found.add(base[0] if base else "__init__")
            if not base:                 # from ttminis import screen: screen may be a module
                found |= {alias.name for alias in node.names}
    return found


def _heap_paths(snap: snapshots.Snapshot) -> list[str]:
    return [f"snapshot/heap-{i}{snap.suffix}" for i in range(len(snap.modules))]


def snapshot_config(snap: snapshots.Snapshot) -> dict[str, Any]:
    """What the loader needs to start from ``snap`` (bundle-relative URLs)."""
    return snap.config(SNAPSHOT_HEAD, _heap_paths(snap))
