"""What every target shares: the game's files, the shim's files, requirements, and a safe output folder.

Exports:
    SHIM, WEB                   the ttminis package folder and its JavaScript (``ttminis/web``)
    BuildError                  the game folder or the build went wrong; the message is for the user
    game_files(game_dir)        (relative path, path) of the game's own Python and data files
    shim_files(runtime)         (relative path, path) of the ttminis modules that ship in a game
    requirement_files(game_dir) (relative path, bytes) from requirements.txt's pure-Python wheels
    check_game_dir(game_dir)    -> the resolved folder, or BuildError saying what is wrong
    default_out(game_dir, suffix="")  ``./dist/<game><suffix>`` in the current folder
    OutputFolder(out, game_dir, what) a context manager: build into a staging folder beside ``out``,
                                which replaces ``out`` only when the build succeeded
    make_zip(folder, zip_path)  the folder's contents as an upload zip, marked as ttminis's in its zip comment
    check_zip_path(zip_path)    ``BuildError`` unless the path is free or holds a zip ttminis made

What ships in a game is decided by one rule, not a list of files: the top-level modules of the
``ttminis`` package ship, except the host-side ones in ``HOST_ONLY`` and the other runtime's
backend; subpackages (``build``, ``web``, ``simulator``, ``server``, ...) never ship.

The output folder is never a place the build did not make: it refuses the game folder, the current
folder, any parent of either, and any non-empty folder without the marker a previous ttminis build
left (``.ttminis-build.json``). A failed build leaves ``out`` as it was. The upload zip follows the same
rule: a file at its path is replaced only if it is a zip whose comment carries ``ZIP_MARKER`` (one that
``make_zip`` wrote); anything else there fails the build before anything is written.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from types import TracebackType
from typing import Callable, Iterator, Literal

from . import runtimes

SHIM = Path(__file__).resolve().parents[1]
WEB = SHIM / "web"
MARKER = ".ttminis-build.json"
ZIP_MARKER = b"made by ttminis build"

HOST_ONLY = {"_host.py", "testing.py", "pytest_plugin.py", "__main__.py"}
OTHER_BACKEND = {"pyodide": "_brython.py", "brython": "_pyodide.py"}
# Never shipped as game files: built separately (assets, requirements, the config), or host side only
# (tests and their configuration, the game's README, build output).
_GAME_SKIP = {"__pycache__", "assets", "tests", "dist", "requirements.txt", "minigame.config.json",
              "README.md", "pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "conftest.py", "mypy.ini"}


Log = Callable[[str], object]
"""Where a build's progress lines go (``print`` by default)."""


class BuildError(RuntimeError):
    """The game folder or the build went wrong; the message is for the user."""


def check_game_dir(game_dir: str | os.PathLike[str]) -> Path:
    """The game folder, resolved; ``BuildError`` if it is missing or has no ``main.py``.

    Example::

        check_game_dir("examples/shop")   # PosixPath('/.../examples/shop')
    """
    path = Path(game_dir).resolve()
    if not path.exists():
        raise BuildError(f"{game_dir}: no such folder (give the folder that holds your game's main.py)")
    if not path.is_dir():
        raise BuildError(f"{game_dir}: not a folder (give the folder that holds your game's main.py)")
    if not (path / "main.py").is_file():
        raise BuildError(f"{game_dir}: no main.py (the game's entry point) in this folder")
    return path


def default_out(game_dir: Path, suffix: str = "") -> Path:
    """Where a build goes unless told: ``dist/<game><suffix>`` under the current folder.

    Example::

        default_out(Path("examples/shop"), "-native")   # ./dist/shop-native
    """
    return Path.cwd() / "dist" / f"{game_dir.name}{suffix}"


def game_files(game_dir: Path) -> Iterator[tuple[Path, Path]]:
    """The game's own files to ship (sources, data), as ``(relative path, path)``, sorted.

    Example::

        [rel.as_posix() for rel, _ in game_files(Path("examples/shop"))]   # ['main.py', 'shop.py']
    """
    for path in sorted(game_dir.rglob("*")):
        rel = path.relative_to(game_dir)
        if path.is_dir() or rel.parts[0] in _GAME_SKIP or "__pycache__" in rel.parts:
            continue
        if any(part.startswith(".") for part in rel.parts) or path.suffix == ".pyc":
            continue
        yield rel, path


def own_modules(game_dir: Path) -> set[str]:
    """The game's own top-level module and package names: what a build never imports (its code runs
    only in the player's game).

    Example::

        own_modules(Path("examples/shop"))     # {'main', 'shop', 'backend', ...}
    """
    return {rel.parts[0].removesuffix(".py") for rel, _ in game_files(game_dir)}


def shim_files(runtime: str) -> Iterator[tuple[Path, Path]]:
    """The ttminis modules a game on ``runtime`` needs, as ``(ttminis/<name>, path)``.

    Example::

        [rel.name for rel, _ in shim_files("pyodide")]   # ['__init__.py', '_pyodide.py', ...]
    """
    skip = HOST_ONLY | {OTHER_BACKEND[runtime]}
    for path in sorted(SHIM.iterdir()):
        if path.is_file() and path.name not in skip and path.suffix == ".py":
            yield Path("ttminis") / path.name, path


def requirement_files(game_dir: Path, log: Log = print) -> list[tuple[Path, bytes]]:
    """Pure-Python wheels for ``requirements.txt`` (fetched with pip, cached), as (relpath, bytes).

    Wheels are unpacked as Python would install them, ``.dist-info`` included, so
    ``importlib.metadata`` works for them inside the game.

    Example::

        requirement_files(Path("mygame"))   # [(PosixPath('toolz/__init__.py'), b'...'), ...]
    """
    req = game_dir / "requirements.txt"
    lines = [ln.strip() for ln in req.read_text().splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")] if req.exists() else []
    if not lines:
        return []
    key = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    wheels = runtimes.cache_root() / "wheels" / key
    if not (wheels / ".complete").exists():
        wheels.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--platform", "any",
               "--python-version", "3.14", "--implementation", "py", "--disable-pip-version-check",
               "--progress-bar", "off", "-d", str(wheels), "-r", str(req)]
        try:
            runtimes.run_with_progress(cmd, wheels, f"pure-Python wheels for {req} via pip", log)
        except runtimes.FetchError as e:
            raise BuildError("requirements.txt: pip could not fetch pure-Python wheels "
                             f"(offline, or a package with compiled code?): {str(e).rsplit(': ', 1)[-1]}") from None
        (wheels / ".complete").write_text("ok")
    files: list[tuple[Path, bytes]] = []
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as zf:
            for name in zf.namelist():
                if not name.endswith("/") and not name.endswith(".dist-info/RECORD"):
                    files.append((Path(name), zf.read(name)))
    return files


class OutputFolder:
    """Build into a staging folder beside ``out``; on success it replaces ``out``, else vanishes.

    Refuses, before anything is written, an ``out`` that is the game folder, the current folder,
    a parent of either, or a non-empty folder that no ttminis build made.

    Example::

        with OutputFolder(Path("dist/shop"), game_dir, {"target": "html"}) as staging:
            (staging / "index.html").write_text("...")
    """

    def __init__(self, out: str | os.PathLike[str], game_dir: Path, describe: dict[str, object]) -> None:
        self.out = Path(out).resolve()
        self.describe = describe
        self.staging: Path | None = None
        protected = {"the game folder": game_dir.resolve(), "the current folder": Path.cwd().resolve()}
        for name, folder in protected.items():
            if self.out == folder or self.out in folder.parents:
                raise BuildError(f"--out {out}: refusing to build into {name} or a folder that "
                                 f"holds it ({folder}); pick a new folder such as dist/{game_dir.name}")
        if self.out.exists():
            if not self.out.is_dir():
                raise BuildError(f"--out {out}: exists and is not a folder")
            if any(self.out.iterdir()) and not (self.out / MARKER).is_file():
                raise BuildError(f"--out {out}: the folder is not empty and was not made by a "
                                 "ttminis build; refusing to replace it (pick an empty or new folder)")

    def __enter__(self) -> Path:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.building-", dir=self.out.parent))
        self.staging = staging
        return staging

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> Literal[False]:
        staging = self.staging
        assert staging is not None, "OutputFolder.__exit__ without __enter__"
        if exc_type is not None:
            shutil.rmtree(staging, ignore_errors=True)
            return False
        (staging / MARKER).write_text(json.dumps(self.describe, sort_keys=True) + "\n")
        old = None
        if self.out.exists():
            old = self.out.with_name(f".{self.out.name}.old-{os.getpid()}")
            self.out.rename(old)
        staging.rename(self.out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return False


def check_zip_path(zip_path: Path) -> None:
    """Refuse, before a build writes anything, a ``--zip`` path that holds something ttminis did not make.

    Example::

        check_zip_path(Path("dist/shop-native.zip"))   # BuildError if it is the user's own file
    """
    if not zip_path.exists() and not zip_path.is_symlink():
        return
    refuse = (f"{zip_path}: a file that no ttminis build made is already there; refusing to replace it with "
              "the upload zip (move it away, or give --out another folder)")
    if not zip_path.is_file() or zip_path.is_symlink():
        raise BuildError(refuse)
    try:
        with zipfile.ZipFile(zip_path) as zf:
            ours = zf.comment.startswith(ZIP_MARKER)
    except (zipfile.BadZipFile, OSError):
        ours = False
    if not ours:
        raise BuildError(refuse)


def make_zip(folder: Path, zip_path: Path) -> Path:
    """Zip the folder's contents (not the folder itself), as TikTok's upload expects; the zip comment marks
    it as ttminis's (``check_zip_path`` lets a later build replace it). Written beside and renamed into
    place, so a failed write leaves nothing, and only over a zip ttminis made.

    Example::

        make_zip(Path("dist/shop-native"), Path("dist/shop-native.zip"))
    """
    check_zip_path(zip_path)
    fd, temporary = tempfile.mkstemp(prefix=f".{zip_path.name}.", dir=zip_path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                if path.name != MARKER:
                    zf.write(path, path.relative_to(folder).as_posix())
            zf.comment = ZIP_MARKER + f" ({folder.name})".encode()
        os.replace(temporary, zip_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return zip_path
