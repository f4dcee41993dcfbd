"""The game's files: ``open()`` reads them, and one writable folder survives a restart.

Reading: ``open("levels/1.txt")`` and ``open("assets/level1.json")`` work on both targets. The
current folder is the game's: its own files are there, and ``assets/`` is copied in before
``main.py`` runs (so count assets twice in memory on Pyodide). On Brython, ``open()`` reads the
bundle's files over HTTP.

Writing: one folder per game that survives a restart, kept by the target:

* native: under ``TTMinis.game.env.USER_DATA_PATH`` (TikTok's only writable place);
* html: the browser's ``localStorage`` for the page's site, one entry per file under a prefix with
  the game's name (about 5 MB per site in Chromium).

On Pyodide the folder is also a real folder of Python's file system (``path()``, ``/data``), filled
from the store at start. What ``write_bytes``/``write_text`` write is saved at once (flushed), and
everything in the folder is saved again when TikTok hides the game (``onHide``) and on ``flush()``;
so files written with plain ``open(files.path(...), "w")`` are kept once flushed. A file is saved
whole or not at all: native writes a temporary file and renames it; localStorage replaces one entry.

Storage full: the write raises ``StorageError`` (an ``OSError``) with ``errno`` 28 (ENOSPC)
naming the file; the stored copy keeps its previous content (on Pyodide the folder in memory holds
the new one until a later ``flush()`` succeeds). Other storage errors raise it with errno 5 (EIO).
A flush on ``onHide`` that fails is logged as an error.

Exports:
    read_text(name, encoding="utf-8") / read_bytes(name)     FileNotFoundError if there is none
    write_text(name, text, encoding="utf-8") / write_bytes(name, data)
    exists(name), remove(name) -> bool, names() -> [name, ...], flush()
    path(name="")       the file's path in Python's file system (Pyodide only; Brython has none)
    StorageError        the folder could not be saved (``errno`` ENOSPC = 28 when full, else EIO = 5)

Names are relative ``/``-separated paths (``"save.txt"``, ``"slots/1.txt"``).

Example::

    from ttminis import files

    with open("assets/level1.txt") as f:        # the game's own files
        level = f.read()
    best = int(files.read_text("best.txt")) if files.exists("best.txt") else 0
    files.write_text("best.txt", str(max(best, score)))
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Any, JSValue

from . import target
from .backend import ffi
from .surface_checks import game_path

ENOSPC, EIO = 28, 5


class StorageError(OSError):
    """The writable folder could not be saved: ``errno`` is 28 (ENOSPC) when the storage is full,
    else 5 (EIO); ``strerror`` says which file and why. The same on every runtime.

    Example::

        try:
            files.write_text("save.txt", data)
        except files.StorageError as e:
            if e.errno == files.ENOSPC:
                show("Your device is full: progress not saved")
    """

    def __init__(self, errno: int, strerror: str) -> None:
        super().__init__(errno, strerror)
        self.errno = errno          # Brython's OSError keeps neither
        self.strerror = strerror

    def __str__(self) -> str:
        return f"[Errno {self.errno}] {self.strerror}"


def _checked(method: str, name: object) -> str:
    return game_path(f"files.{method}", "name", name)


def _saving(method: str, *args: Any) -> JSValue:
    try:
        return target.call(method, *args)
    except RuntimeError as e:         # "ttminis surface writeFile: ENOSPC: the ... storage is full (name, n bytes): ..."
        detail = str(e).split(": ", 1)[-1]
        full = detail.startswith("ENOSPC: ")
        raise StorageError(ENOSPC if full else EIO, detail.split(": ", 1)[-1] if full or detail.startswith("EIO: ")
                           else detail) from None


def path(name: str = "") -> str:
    """The path of ``name`` in the writable folder (the folder itself for ``""``), for plain ``open()``.

    Pyodide only: Brython has no file system (use ``read_text``/``write_text``). Call ``flush()``
    after writing with ``open()`` to save at once (it is also saved when the game is hidden).

    Example::

        with open(files.path("replay.bin"), "wb") as f:
            f.write(data)
        files.flush()
    """
    folder: str | None = ffi.to_py(target.call("useFiles"))
    if folder is None:
        raise NotImplementedError("files.path: this runtime (Brython) has no file system; use "
                                  "files.write_text / files.read_text")
    return folder if name == "" else folder + "/" + _checked("path", name)


def read_bytes(name: str) -> bytes:
    """The bytes of ``name`` in the writable folder; FileNotFoundError if there is no such file.

    Example::

        data = files.read_bytes("slots/1.bin")
    """
    data = ffi.bytes_to_py(target.call("readFile", _checked("read_bytes", name)))
    if data is None:
        raise FileNotFoundError(f"files.read_bytes: no file {name!r} in the writable folder")
    return data


def read_text(name: str, encoding: str = "utf-8") -> str:
    """The text of ``name`` in the writable folder; FileNotFoundError if there is no such file.

    Example::

        coins = int(files.read_text("coins.txt"))
    """
    return read_bytes(name).decode(encoding)


def write_bytes(name: str, data: bytes | bytearray) -> None:
    """Write ``data`` (bytes) to ``name`` in the writable folder and save it at once.

    ``StorageError`` (errno 28) when the storage is full; the previously saved copy stays.

    Example::

        files.write_bytes("slots/1.bin", bytes([1, 2, 3]))
    """
    _checked("write_bytes", name)
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"files.write_bytes: data must be bytes, got {type(data).__name__}")
    _saving("writeFile", name, ffi.bytes_to_js(data))


def write_text(name: str, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``name`` in the writable folder and save it at once.

    Example::

        files.write_text("save.txt", "coins=12")
    """
    _checked("write_text", name)
    if not isinstance(text, str):
        raise TypeError(f"files.write_text: text must be a str, got {type(text).__name__}")
    write_bytes(name, text.encode(encoding))


def exists(name: str) -> bool:
    """Whether ``name`` is a file in the writable folder.

    Example::

        if files.exists("save.txt"): ...
    """
    return ffi.bytes_to_py(target.call("readFile", _checked("exists", name))) is not None


def remove(name: str) -> bool:
    """Delete ``name`` from the writable folder (and the store); False if there was no such file.

    Example::

        files.remove("save.txt")
    """
    return bool(ffi.to_py(_saving("removeFile", _checked("remove", name))))


def names() -> list[str]:
    """Every file in the writable folder, as relative names, sorted.

    Example::

        files.names()       # ['best.txt', 'slots/1.bin']
    """
    return sorted(ffi.to_py(target.call("fileNames")) or [])


def flush() -> None:
    """Save everything in the writable folder now (files written with plain ``open()`` included).

    ``StorageError`` (errno 28) when the storage is full.

    Example::

        files.flush()
    """
    _saving("flushFiles")
