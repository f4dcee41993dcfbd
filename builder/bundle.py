"""Turning a game folder into an offline TikTok mini-game bundle.

Exports:
    build(game_dir, out, runtime="pyodide", dev=False, client_key="", log=print) -> BuildResult
    make_zip(bundle, zip_path) -> Path
    REPO, SHIM, WEB      where the parts come from

A bundle holds index.html, the loader, the runtime's files and the game:
  pyodide: pyodide/ (the 5 core files), app.zip (the game, ttminis and the game's requirements)
  brython: brython/brython.js, brython/brython_modules.js (only what the game imports), main.py
plus assets/ and minigame.config.json. --dev builds add the fake SDK and a dev panel.
"""
from __future__ import annotations

import hashlib
import html
import importlib.util
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import runtimes

REPO = Path(__file__).resolve().parents[1]
# In a checkout the parts sit beside builder/; an installed ttminis has the shim as the ttminis
# package and web/ as builder/web.
if (REPO / "web" / "ttminis-loader.js").exists():
    SHIM, WEB = REPO / "shim" / "ttminis", REPO / "web"
else:
    SHIM = Path(importlib.util.find_spec("ttminis").origin).parent
    WEB = Path(__file__).resolve().parent / "web"

# Shim modules that never ship: the CPython backend and test helpers, and the other runtime's backend.
_SHIM_EXCLUDE = {"common": {"_host.py", "testing.py", "pytest_plugin.py"},
                 "pyodide": {"_brython.py"}, "brython": {"_pyodide.py"}}
_GAME_SKIP = {"__pycache__", "assets", "tests", "requirements.txt", "minigame.config.json"}
OWN_JS = ["ttminis-loader.js", "fake-ttminis.js", "ttminis-dev-panel.js"]

STARTER_CONFIG = {
    "deviceOrientation": "portrait",
    "showStatusBar": False,
    "networkTimeout": {"request": 10000, "connectSocket": 10000,
                       "uploadFile": 10000, "downloadFile": 10000},
}


class BuildError(RuntimeError):
    """The game folder or the build went wrong; the message is for the user."""


@dataclass
class BuildResult:
    out: Path
    runtime: str
    dev: bool


def _game_files(game_dir: Path):
    for path in sorted(game_dir.rglob("*")):
        rel = path.relative_to(game_dir)
        if path.is_dir() or rel.parts[0] in _GAME_SKIP or "__pycache__" in rel.parts:
            continue
        if any(part.startswith(".") for part in rel.parts) or path.suffix == ".pyc":
            continue
        yield rel, path


def _shim_files(runtime: str):
    skip = _SHIM_EXCLUDE["common"] | _SHIM_EXCLUDE[runtime]
    for path in sorted(SHIM.glob("*")):
        if path.is_file() and path.name not in skip and path.suffix in (".py", ".typed"):
            yield Path("ttminis") / path.name, path


def _requirement_files(game_dir: Path, log):
    """Pure-Python wheels for requirements.txt, fetched with pip (cached), as (relpath, bytes)."""
    req = game_dir / "requirements.txt"
    lines = [ln for ln in req.read_text().splitlines() if ln.strip() and not ln.startswith("#")] \
        if req.exists() else []
    if not lines:
        return []
    key = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    wheels = runtimes.cache_root() / "wheels" / key
    if not (wheels / ".complete").exists():
        wheels.mkdir(parents=True, exist_ok=True)
        log(f"[ttminis] fetching pure-Python wheels for {req} with pip ...")
        cmd = [sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--platform", "any",
               "--python-version", "3.14", "--implementation", "py", "--disable-pip-version-check",
               "-d", str(wheels), "-r", str(req)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()
            raise BuildError("requirements.txt: pip could not fetch pure-Python wheels "
                             f"(offline, or a package with compiled code?): {tail[-1] if tail else ''}")
        (wheels / ".complete").write_text("ok")
    files = []
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as zf:
            for name in zf.namelist():
                if not name.endswith("/") and ".dist-info/" not in name:
                    files.append((Path(name), zf.read(name)))
    return files


def build(game_dir, out=None, runtime="pyodide", dev=False, client_key="", log=print) -> BuildResult:
    """Build ``game_dir`` into ``out`` (default ``dist/<game>``); returns where it went.

    Example::

        build("examples/shop", runtime="brython", dev=True)
    """
    game_dir = Path(game_dir).resolve()
    if not (game_dir / "main.py").is_file():
        raise BuildError(f"{game_dir}: no main.py (the game's entry point)")
    if runtime not in runtimes.RUNTIMES:
        raise BuildError(f"--runtime must be one of {', '.join(runtimes.RUNTIMES)}, got {runtime!r}")
    out = Path(out) if out else REPO / "dist" / game_dir.name
    runtime_dir = runtimes.ensure(runtimes.RUNTIMES[runtime], log=log)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    dev_scripts = ""
    for name in ("ttminis-loader.js", "ttminis-loader.css"):
        shutil.copy2(WEB / name, out / name)
    if dev:
        for name in ("fake-ttminis.js", "ttminis-dev-panel.js"):
            shutil.copy2(WEB / name, out / name)
        dev_scripts = ('<script src="fake-ttminis.js"></script>\n'
                       '<script src="ttminis-dev-panel.js"></script>\n')
    template = (WEB / "index.html").read_text(encoding="utf-8")
    (out / "index.html").write_text(template.format(
        title=html.escape(game_dir.name), dev_scripts=dev_scripts, runtime=runtime,
        client_key=html.escape(client_key, quote=True)), encoding="utf-8")

    config = game_dir / "minigame.config.json"
    if config.exists():
        json.loads(config.read_text(encoding="utf-8"))
        shutil.copy2(config, out / "minigame.config.json")
    else:
        (out / "minigame.config.json").write_text(json.dumps(STARTER_CONFIG, indent=2) + "\n")
    if (game_dir / "assets").is_dir():
        shutil.copytree(game_dir / "assets", out / "assets",
                        ignore=shutil.ignore_patterns(".*", "__pycache__"))

    sources = list(_game_files(game_dir)) + list(_shim_files(runtime))
    requirements = _requirement_files(game_dir, log)
    if runtime == "pyodide":
        _pack_pyodide(out, runtime_dir, sources, requirements)
    else:
        _pack_brython(out, runtime_dir, sources, requirements, game_dir, log)
    return BuildResult(out=out, runtime=runtime, dev=dev)


def _pack_pyodide(out, runtime_dir, sources, requirements):
    target = out / "pyodide"
    target.mkdir()
    for name in runtimes.PYODIDE.members.values():
        shutil.copy2(runtime_dir / name, target / name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, path in sources:
            zf.write(path, rel.as_posix())
        for rel, data in requirements:
            zf.writestr(rel.as_posix(), data)
    (out / "app.zip").write_bytes(buffer.getvalue())


def _pack_brython(out, runtime_dir, sources, requirements, game_dir, log):
    target = out / "brython"
    target.mkdir()
    shutil.copy2(runtime_dir / "brython.js", target / "brython.js")
    shutil.copy2(game_dir / "main.py", out / "main.py")
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        shutil.copy2(runtime_dir / "brython_stdlib.js", staging / "brython_stdlib.js")
        for rel, path in sources:
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, staging / rel)
        for rel, data in requirements:
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            (staging / rel).write_bytes(data)
        env_path = str(runtime_dir / "tool")
        proc = subprocess.run([sys.executable, "-m", "brython", "make_modules", "-o",
                               str(target / "brython_modules.js")],
                              cwd=staging, capture_output=True, text=True,
                              env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"})
        if proc.returncode != 0:
            raise BuildError("Brython's make_modules failed:\n" + (proc.stderr or proc.stdout)[-2000:])


def make_zip(bundle: Path, zip_path: Path) -> Path:
    """Zip the bundle's contents (not the folder itself), as TikTok's upload expects."""
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
            zf.write(path, path.relative_to(bundle).as_posix())
    return zip_path
