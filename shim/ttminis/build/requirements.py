"""The game's ``requirements.txt``, resolved with pip for Pyodide's platform (host side).

Exports:
    PLATFORM, PYTHON_VERSION    what the wheels are for: ``pyemscripten_2026_0_wasm32`` (Pyodide 314), Python 3.14
    Options                     ``--find-links DIR`` (repeatable), ``--index-url URL``, ``--accept-older``
    Distribution                one packed distribution: name, version, pure or compiled, sizes, files
    Resolved                    every distribution packed: ``files()``, ``extension_modules()``, ``lines()``
    resolve(game_dir, options=None, log=print) -> Resolved      cached per requirements and options

How a requirement is resolved: ``pip download --only-binary=:all: --platform pyemscripten_2026_0_wasm32
--python-version 3.14`` — binary wheels only, for Pyodide's platform; pure-Python wheels (``py3-none-any``)
count too. ``--find-links`` and ``--index-url`` go to pip as given, so a folder of Pyodide's own wheels
(numpy, pygame-ce, ... which the package index does not carry) works.

What is never silent:

* a requirement with no wheel for the platform fails, saying what to do: ``numpy: no
  pyemscripten_2026_0_wasm32 wheel on the package index; give Pyodide's own wheels with --find-links DIR``;
* a distribution packed older than the newest release the index has (pip settled on it because the newest
  has no Pyodide wheel, or needs one that has none) fails naming both versions and why, unless
  ``requirements.txt`` pins it or ``--accept-older`` accepts it (then the report says so);
* the build's report lists every distribution packed: name, version, pure or compiled, size.

Example::

    resolved = resolve(Path("mygame"), Options(find_links=("pyodide-wheels",)))
    print("\\n".join(resolved.lines()))
    # msgpack 1.2.4   compiled  54 kB wheel  0.18 MB unpacked ...
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import runtimes
from .package import BuildError, Log

PLATFORM = "pyemscripten_2026_0_wasm32"
PYTHON_VERSION = "3.14"
FORMAT = 1                      # bump when what the cache folder holds changes
EXTENSION = ".so"               # an extension module: a WebAssembly side module
_WHEEL = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-\d[^-]*)?-(?P<py>[^-]+)-(?P<abi>[^-]+)-(?P<plat>[^-]+)\.whl$")
_NOT_FOUND = re.compile(r"No matching distribution found for ([A-Za-z0-9][A-Za-z0-9._-]*)")
_PINNED = re.compile(r"(==|<|~=|===)")


@dataclass(frozen=True)
class Options:
    """How requirements are fetched: ``find_links`` folders or URLs (pip's ``--find-links``), ``index_url``
    (pip's ``--index-url``; empty: pip's own configuration), ``accept_older``: pack a distribution older than
    the newest release when the newest cannot be used (said in the report instead of failing).

    Example::

        Options(find_links=("/home/me/pyodide-wheels",), accept_older=True)
    """
    find_links: tuple[str, ...] = ()
    index_url: str = ""
    accept_older: bool = False

    def pip_args(self) -> list[str]:
        args: list[str] = []
        for link in self.find_links:
            path = Path(link).expanduser()
            args += ["--find-links", str(path.resolve()) if path.exists() else link]
        if self.index_url:
            args += ["--index-url", self.index_url]
        return args

    def check(self) -> None:
        for link in self.find_links:
            if "://" not in link and not Path(link).expanduser().is_dir():
                raise BuildError(f"--find-links {link}: no such folder (give a folder of wheels, such as "
                                 "Pyodide's own)")


def canonical(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503).

    Example::

        canonical("Pydantic_Core")     # 'pydantic-core'
    """
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Distribution:
    """One packed distribution: ``wheel`` its file name, ``pure`` True for a ``py3-none-any`` wheel,
    ``wheel_bytes``/``unpacked_bytes`` its sizes, ``files`` [(path as installed, bytes)]."""
    name: str
    version: str
    wheel: str
    pure: bool
    wheel_bytes: int
    files: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def unpacked_bytes(self) -> int:
        return sum(len(data) for _, data in self.files)

    @property
    def extensions(self) -> list[str]:
        """Paths (as installed) of its extension modules: WebAssembly side modules."""
        return [rel for rel, _ in self.files if rel.endswith(EXTENSION)]

    @property
    def top_level(self) -> set[str]:
        """The top-level names it installs (packages and modules), as ``import`` sees them."""
        names = set()
        for rel, _ in self.files:
            top = rel.split("/")[0]
            if top.endswith((".dist-info", ".data")):
                continue
            names.add(top.split(".")[0] if "/" not in rel else top)
        return names


@dataclass
class Resolved:
    """Every distribution packed for the game, and what the build accepted about their versions."""
    distributions: list[Distribution] = field(default_factory=list)
    older: list[str] = field(default_factory=list)        # accepted with --accept-older, said in the report

    def files(self) -> list[tuple[Path, bytes]]:
        """Every file, as Python would install it (``.dist-info`` included, so ``importlib.metadata`` works)."""
        return [(Path(rel), data) for d in self.distributions for rel, data in d.files]

    def extension_modules(self) -> list[str]:
        """The installed paths of every extension module (``.so``, a wasm side module)."""
        return [rel for d in self.distributions for rel in d.extensions]

    def compiled(self) -> list[Distribution]:
        return [d for d in self.distributions if not d.pure]

    def compiled_modules(self) -> set[str]:
        """Top-level import names of the distributions with compiled code."""
        return {name for d in self.compiled() for name in d.top_level}

    def lines(self) -> list[str]:
        """The report's distribution list: name, version, pure or compiled, sizes."""
        if not self.distributions:
            return ["  (requirements.txt names none)"]
        width = max(len(d.name) for d in self.distributions)
        vwidth = max(len(d.version) for d in self.distributions)
        out = []
        for d in self.distributions:
            kind = "pure" if d.pure else f"compiled ({len(d.extensions)} extension module"
            kind += "" if d.pure else ("s)" if len(d.extensions) != 1 else ")")
            out.append(f"  {d.name.ljust(width)}  {d.version.ljust(vwidth)}  {kind:<31}  "
                       f"{d.wheel_bytes / 1e6:>6.2f} MB wheel  {d.unpacked_bytes / 1e6:>6.2f} MB unpacked")
        out += [f"  warn  {note}" for note in self.older]
        return out


def requirement_lines(game_dir: Path) -> list[str]:
    req = game_dir / "requirements.txt"
    if not req.exists():
        return []
    return [ln.strip() for ln in req.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.lstrip().startswith("#")]


def _links_state(options: Options) -> list[object]:
    """What the --find-links folders hold (names and sizes): a new wheel there is a new resolution."""
    state: list[object] = []
    for link in options.find_links:
        path = Path(link).expanduser()
        if path.is_dir():
            state.append(sorted((p.name, p.stat().st_size) for p in path.iterdir() if p.is_file()))
        else:
            state.append(link)
    return state


def _key(lines: list[str], options: Options) -> str:
    data = json.dumps([FORMAT, PLATFORM, PYTHON_VERSION, lines, options.pip_args(), _links_state(options)])
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def _pip(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", *args, "--disable-pip-version-check"],
                          capture_output=True, text=True)


def _target() -> list[str]:
    return ["--only-binary=:all:", "--platform", PLATFORM, "--python-version", PYTHON_VERSION]


def _missing(name: str, options: Options, lines: list[str]) -> BuildError:
    """The error for a distribution pip found no usable wheel of: no wheel for the platform, or no such name."""
    listed = _pip(["index", "versions", name, "--python-version", PYTHON_VERSION, *options.pip_args()])
    asked = {canonical(re.split(r"[\s<>=!~;\[]", ln, maxsplit=1)[0]) for ln in lines}
    needed = "" if canonical(name) in asked else " (a requirement of what requirements.txt names)"
    if listed.returncode != 0 and "No matching distribution" in listed.stderr:
        return BuildError(f"{name}: no such package on the package index{needed}; check its name in "
                          "requirements.txt")
    where = "the package index" if not options.find_links else "the package index or --find-links"
    return BuildError(f"{name}: no {PLATFORM} wheel on {where}{needed}; give Pyodide's own wheels with "
                      "--find-links DIR")


def _newest(name: str, options: Options) -> str | None:
    listed = _pip(["index", "versions", name, "--python-version", PYTHON_VERSION, *options.pip_args()])
    match = re.search(rf"^{re.escape(name)}\s+\(([^)]+)\)", listed.stdout, re.M | re.I)
    return match.group(1) if match else None


def _why_not_newest(name: str, newest: str, options: Options) -> str:
    with tempfile.TemporaryDirectory(prefix="ttminis-newest-") as tmp:
        proc = _pip(["download", "--no-deps", *_target(), *options.pip_args(), "--progress-bar", "off",
                     "-d", tmp, f"{name}=={newest}"])
    if proc.returncode != 0:
        return f"{name} {newest} has no {PLATFORM} wheel (nor a pure-Python one)"
    return f"{name} {newest} needs a distribution that has no {PLATFORM} wheel"


def _older_than_newest(dists: list[Distribution], lines: list[str], options: Options) -> list[str]:
    """Why each packed distribution older than the newest release was packed (pinned ones excepted)."""
    pinned = set()
    for ln in lines:
        name = re.split(r"[\s<>=!~;\[]", ln, maxsplit=1)[0]
        if _PINNED.search(ln[len(name):]):
            pinned.add(canonical(name))
        if "/" in ln or ln.endswith(".whl"):            # a wheel file or URL: exactly that one was asked for
            match = _WHEEL.match(ln.rsplit("/", 1)[-1])
            if match:
                pinned.add(canonical(match["name"]))
    from pip._vendor.packaging.version import InvalidVersion, Version   # pip is how requirements are fetched

    def check(d: Distribution) -> str | None:
        if canonical(d.name) in pinned:
            return None
        newest = _newest(d.name, options)
        try:
            if newest is None or Version(newest) <= Version(d.version):
                return None
        except InvalidVersion:
            return None
        return (f"{d.name}: packed {d.version}, not the newest {newest}: {_why_not_newest(d.name, newest, options)} "
                f"(pin {d.name}=={d.version} in requirements.txt to ask for it)")

    with ThreadPoolExecutor(max_workers=4) as pool:
        return [why for why in pool.map(check, dists) if why]


def _read(wheels: Path) -> list[Distribution]:
    dists = []
    for wheel in sorted(wheels.glob("*.whl")):
        match = _WHEEL.match(wheel.name)
        if not match:
            raise BuildError(f"{wheel.name}: not a wheel file name pip would write")
        with zipfile.ZipFile(wheel) as zf:
            files = [(name, zf.read(name)) for name in zf.namelist()
                     if not name.endswith("/") and not name.endswith(".dist-info/RECORD")]
        pure = match["plat"] == "any" and not any(rel.endswith(EXTENSION) for rel, _ in files)
        dists.append(Distribution(name=match["name"].replace("_", "-"), version=match["version"], wheel=wheel.name,
                                  pure=pure, wheel_bytes=wheel.stat().st_size, files=files))
    return dists


def resolve(game_dir: Path, options: Options | None = None, log: Log = print) -> Resolved:
    """Resolve ``requirements.txt`` for Pyodide's platform with pip; cached per requirements and options.

    Raises ``BuildError`` saying what to do for a requirement without a Pyodide wheel, and for a
    distribution pip settled on an older version of (unless pinned or ``options.accept_older``).

    Example::

        resolve(Path("mygame")).lines()
        # ['  msgpack  1.2.4  compiled (1 extension module)   0.05 MB wheel  0.17 MB unpacked']
    """
    options = options or Options()
    lines = requirement_lines(game_dir)
    if not lines:
        return Resolved()
    options.check()
    folder = runtimes.cache_root() / "wheels" / f"pyodide-{_key(lines, options)}"
    if not (folder / ".complete").exists():
        staging = Path(tempfile.mkdtemp(prefix=".wheels-", dir=runtimes.cache_root()))
        try:
            req = game_dir / "requirements.txt"      # as written: nested -r files resolve beside it
            cmd = [sys.executable, "-m", "pip", "download", *_target(), *options.pip_args(),
                   "--disable-pip-version-check", "--progress-bar", "off", "-d", str(staging / "wheels"),
                   "-r", str(req)]
            (staging / "wheels").mkdir()
            try:
                runtimes.run_with_progress(cmd, staging / "wheels", f"{PLATFORM} wheels for requirements.txt "
                                           "via pip", log)
            except runtimes.FetchError as e:
                found = _NOT_FOUND.search(str(e))
                if found:
                    raise _missing(re.split(r"[<>=!~;\[]", found.group(1))[0], options, lines) from None
                raise BuildError(f"requirements.txt: pip could not fetch {PLATFORM} wheels: "
                                 f"{str(e).rsplit(': ', 1)[-1]}") from None
            older = _older_than_newest(_read(staging / "wheels"), lines, options)
            (staging / "older.json").write_text(json.dumps(older))
            (staging / ".complete").write_text("ok")
            folder.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(folder, ignore_errors=True)
            staging.rename(folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    older = json.loads((folder / "older.json").read_text())
    if older and not options.accept_older:
        raise BuildError("a requirement would be packed older than its newest release:\n  " + "\n  ".join(older)
                         + "\n  pin the version you want in requirements.txt, or build with --accept-older to "
                         "pack these versions")
    return Resolved(distributions=_read(folder / "wheels"), older=older)
