"""Pinned runtime artifacts: fetched through the registries' own clients, hash-checked, cached.

Exports:
    PYODIDE, BRYTHON      the two pinned artifacts
    ensure(artifact)      -> Path of a cache folder holding the artifact's files
    FetchError            raised with a one-line, human message (offline, bad hash, ...)

The cache lives in ``$TTMINIS_CACHE`` or ``~/.cache/ttminis``. Nothing here names a registry
host: ``npm pack`` and ``pip download`` know where their registries are.

Example::

    folder = ensure(PYODIDE)          # ~/.cache/ttminis/pyodide-314.0.7
    (folder / "pyodide.asm.wasm").stat().st_size
"""
from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


class FetchError(RuntimeError):
    """A runtime artifact could not be fetched or verified; the message is one readable line."""


@dataclass(frozen=True)
class Artifact:
    name: str
    version: str
    client: str            # "npm" or "pip"
    package_file: str      # the file the client writes
    sha256: str            # of package_file
    members: dict[str, str]  # member path inside the archive -> file name in the cache folder

    @property
    def folder_name(self) -> str:
        return f"{self.name}-{self.version}"


PYODIDE = Artifact(
    name="pyodide",
    version="314.0.7",
    client="npm",
    package_file="pyodide-314.0.7.tgz",
    # Same bytes as the registry's published integrity
    # sha512-0YvXxEhfEdpLfb/XkM2BFAeMROq0iMUX2bzzH9pOttyMcWkwq+HbE5uyuGD82LN7y2q+SNvi/6V5JEsOlD2R1A==
    sha256="66b7949e5a0cba2250b586d7e368bf12fb482800748d182c4618254b685ffaa0",
    members={
        "package/pyodide.js": "pyodide.js",
        "package/pyodide.asm.mjs": "pyodide.asm.mjs",
        "package/pyodide.asm.wasm": "pyodide.asm.wasm",
        "package/python_stdlib.zip": "python_stdlib.zip",
        "package/pyodide-lock.json": "pyodide-lock.json",
    },
)
PYODIDE_INTEGRITY = ("sha512-0YvXxEhfEdpLfb/XkM2BFAeMROq0iMUX2bzzH9pOttyMcWkwq+HbE5uyuGD82LN7y2q+"
                     "SNvi/6V5JEsOlD2R1A==")

BRYTHON = Artifact(
    name="brython",
    version="3.15.0",
    client="pip",
    package_file="brython-3.15.0-py2.py3-none-any.whl",
    sha256="b967735b80a4215e47d4cbbc7f86ffff1753e694d9adfb2140e7db91c979e510",
    members={
        "brython/data/brython.js": "brython.js",
        "brython/data/brython_stdlib.js": "brython_stdlib.js",
        # Brython's own tool, run at build time to make brython_modules.js.
        "brython/__init__.py": "tool/brython/__init__.py",
        "brython/__main__.py": "tool/brython/__main__.py",
        "brython/list_modules.py": "tool/brython/list_modules.py",
        "brython/python_minifier.py": "tool/brython/python_minifier.py",
    },
)

RUNTIMES = {"pyodide": PYODIDE, "brython": BRYTHON}


def cache_root() -> Path:
    return Path(os.environ.get("TTMINIS_CACHE") or Path.home() / ".cache" / "ttminis")


def ensure(artifact: Artifact, log: Callable[[str], object] = print) -> Path:
    """Return the cache folder of ``artifact``, fetching and verifying it first if needed."""
    folder = cache_root() / artifact.folder_name
    if (folder / ".complete").exists():
        return folder
    downloads = cache_root() / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    package = downloads / artifact.package_file
    if not (package.exists() and _sha256(package) == artifact.sha256):
        _download(artifact, downloads, log)
    digest = _sha256(package)
    if digest != artifact.sha256:
        package.unlink(missing_ok=True)
        raise FetchError(f"{artifact.package_file}: sha256 {digest} does not match the pinned "
                         f"{artifact.sha256}; refusing to use it")
    if artifact is PYODIDE:
        _check_npm_integrity(package)
    _extract(artifact, package, folder)
    log(f"[ttminis] {artifact.folder_name} verified and cached in {folder}")
    return folder


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check_npm_integrity(package: Path) -> None:
    algo, _, expected = PYODIDE_INTEGRITY.partition("-")
    actual = base64.b64encode(hashlib.new(algo, package.read_bytes()).digest()).decode()
    if actual != expected:
        raise FetchError(f"{package.name}: npm integrity mismatch")


def _download(artifact: Artifact, downloads: Path, log: Callable[[str], object]) -> None:
    with tempfile.TemporaryDirectory(dir=downloads) as tmp:
        if artifact.client == "npm":
            cmd = ["npm", "pack", "--silent", f"{artifact.name}@{artifact.version}",
                   "--pack-destination", tmp]
        else:
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--disable-pip-version-check", "--progress-bar", "off",
                   "-d", tmp, f"{artifact.name}=={artifact.version}"]
        label = f"{artifact.name} {artifact.version} via {artifact.client}"
        run_with_progress(cmd, Path(tmp), label, log)
        produced = Path(tmp) / artifact.package_file
        if not produced.exists():
            raise FetchError(f"{label}: the client did not produce {artifact.package_file}")
        shutil.move(str(produced), downloads / artifact.package_file)


def run_with_progress(cmd: list[str], watch: Path, label: str, log: Callable[[str], object],
                      cwd: Path | None = None) -> None:
    """Run a registry client, drawing a one-line progress display (bytes and seconds) meanwhile.

    Example::

        run_with_progress(["npm", "ci"], folder, "Node tools", print, cwd=folder)
    """
    start = time.monotonic()
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    except FileNotFoundError:
        raise FetchError(f"cannot fetch {label}: '{cmd[0]}' is not installed") from None
    done = threading.Event()

    def draw() -> None:
        spinner = "|/-\\"
        i = 0
        if not sys.stderr.isatty():
            sys.stderr.write(f"[ttminis] fetching {label} ...\n")
            return
        while not done.wait(0.2):
            size = sum(p.stat().st_size for p in watch.rglob("*") if p.is_file())
            sys.stderr.write(f"\r[ttminis] fetching {label} {spinner[i % 4]} "
                             f"{size / 1e6:5.1f} MB  {time.monotonic() - start:4.1f}s ")
            sys.stderr.flush()
            i += 1

    t = threading.Thread(target=draw, daemon=True)
    t.start()
    out, err = proc.communicate()
    done.set()
    t.join()
    sys.stderr.write(f"\r[ttminis] fetched {label} in {time.monotonic() - start:.1f}s" + " " * 20 + "\n")
    if proc.returncode != 0:
        last = (err or out).strip().splitlines()
        reason = last[-1] if last else f"exit code {proc.returncode}"
        raise FetchError(f"cannot fetch {label} (offline and not cached?): {reason}")


def _extract(artifact: Artifact, package: Path, folder: Path) -> None:
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".staging-"))
    try:
        if package.name.endswith(".tgz"):
            with tarfile.open(package) as tar:
                for member, target in artifact.members.items():
                    extracted = tar.extractfile(member)
                    if extracted is None:
                        raise FetchError(f"{package.name}: {member} is not a file")
                    _write(staging / target, extracted.read())
        else:
            with zipfile.ZipFile(package) as zf:
                for member, target in artifact.members.items():
                    _write(staging / target, zf.read(member))
        (staging / ".complete").write_text(artifact.sha256)
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
