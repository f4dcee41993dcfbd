"""Pinned runtime artifacts: fetched through the registries' own clients, hash-checked, cached.

Exports:
    PYODIDE, BRYTHON      the two pinned artifacts
    ensure(artifact)      -> Path of a cache folder holding the artifact's files
    FetchError            raised with a one-line, human message (offline, bad hash, ...)
    run_with_progress(cmd, watch, label, log, cwd=None, total=None)
                          run a registry client; its download's progress (what, bytes, total) on stderr
    progress_output       where progress lines go (stderr; the pytest plugin points it past pytest's capture,
                          so a first test session that downloads is never silent)

Every download shows what it fetches, the bytes so far and the total where it is known (the pinned
runtimes' sizes; npm's and pip's own downloads of tools and requirements have none in advance): a line
redrawn in place on a terminal, else a line every few seconds and one when done.

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
    size: int = 0          # bytes of package_file, for the progress display

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
    size=6_488_647,
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
    size=1_731_062,
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
        run_with_progress(cmd, Path(tmp), label, log, total=artifact.size or None)
        produced = Path(tmp) / artifact.package_file
        if not produced.exists():
            raise FetchError(f"{label}: the client did not produce {artifact.package_file}")
        shutil.move(str(produced), downloads / artifact.package_file)


def _stderr(text: str) -> None:
    # Under pytest, the ttminis plugin writes past pytest's output capture, so a first session that
    # downloads is not silent. Looked up, never imported: a build outside pytest never loads pytest.
    plugin = sys.modules.get("ttminis.pytest_plugin")
    write = getattr(plugin, "write_past_capture", None)
    if write is not None and write(text):
        return
    sys.stderr.write(text)
    sys.stderr.flush()


progress_output: Callable[[str], None] = _stderr
"""Where download progress goes (text with its own ``\\r``/``\\n``); replaceable, e.g. by the pytest plugin."""
_PROGRESS_EVERY = 3.0      # seconds between progress lines when stderr is not a terminal


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def run_with_progress(cmd: list[str], watch: Path, label: str, log: Callable[[str], object],
                      cwd: Path | None = None, total: int | None = None) -> None:
    """Run a registry client, showing its download's progress on stderr: what, bytes so far, the total
    when known, seconds. The bytes are what the client has written under ``watch``.

    Example::

        run_with_progress(["npm", "ci"], folder, "Node tools", print, cwd=folder)
        # [ttminis] downloading Node tools: 12.3 MB so far (4 s)
    """
    start = time.monotonic()
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    except FileNotFoundError:
        raise FetchError(f"cannot fetch {label}: '{cmd[0]}' is not installed") from None
    done = threading.Event()
    terminal = progress_output is _stderr and sys.stderr.isatty()
    of_total = f" of {_mb(total)}" if total else " so far"

    def written() -> int:
        try:
            return sum(p.stat().st_size for p in watch.rglob("*") if p.is_file())
        except OSError:       # a file the client renamed while we looked
            return 0

    def line() -> str:
        return f"[ttminis] downloading {label}: {_mb(written())}{of_total} ({time.monotonic() - start:.0f} s)"

    def draw() -> None:
        progress_output(f"[ttminis] downloading {label}: 0.0 MB{of_total}" + ("" if terminal else "\n"))
        while not done.wait(0.2 if terminal else _PROGRESS_EVERY):
            progress_output(f"\r{line()}   " if terminal else f"{line()}\n")

    t = threading.Thread(target=draw, daemon=True)
    t.start()
    out, err = proc.communicate()
    size = written()
    done.set()
    t.join()
    progress_output(("\r" if terminal else "") + f"[ttminis] downloaded {label}: {_mb(size)} in "
                    f"{time.monotonic() - start:.1f} s" + (" " * 20 if terminal else "") + "\n")
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
