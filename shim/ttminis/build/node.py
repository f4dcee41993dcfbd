"""Node.js on the developer's machine: the one place that finds it and installs the pinned tools.

Exports:
    NodeMissing            Node.js (or npm) is not installed; the message says what to install
    node_binary()          -> path of ``node``, or NodeMissing
    tools(log=print)       -> the ``node_modules`` folder holding the pinned host tools
    run(args, ...)         run ``node`` with the tools on ``NODE_PATH``; a CompletedProcess

The host tools (``node-tools/package.json`` and its lock file, integrity hashes included) are
what the build and the simulator run on the developer's machine — esbuild, acorn, @napi-rs/canvas
— never shipped in a game. ``npm ci`` installs exactly the locked versions, checking every
package's hash, into ``$TTMINIS_CACHE/node-tools-<hash of the lock>``, once.

Example::

    modules = tools()                  # ~/.cache/ttminis/node-tools-1a2b3c4d5e6f/node_modules
    run(["-e", "console.log(require('acorn').version)"]).stdout   # '8.19.0\\n'
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Callable

from . import runtimes

Log = Callable[[str], object]

TOOLS = Path(__file__).resolve().parent / "node-tools"
MIN_NODE_MAJOR = 18
_INSTALL_HINT = ("install Node.js 18 or newer with npm (Debian/Ubuntu: apt-get install nodejs npm; "
                 "macOS: brew install node)")


class NodeMissing(runtimes.FetchError):
    """Node.js is needed (native builds, the simulator, checks) and is not installed."""


def node_binary() -> str:
    """The ``node`` executable (``$TTMINIS_NODE`` overrides), or ``NodeMissing`` saying what to do.

    Example::

        node_binary()     # '/usr/bin/node'
    """
    found = os.environ.get("TTMINIS_NODE") or shutil.which("node")
    if not found:
        raise NodeMissing(f"Node.js was not found: {_INSTALL_HINT}")
    version = subprocess.run([found, "--version"], capture_output=True, text=True).stdout.strip()
    major = int(version.lstrip("v").split(".")[0] or 0) if version[:1] == "v" else 0
    if major < MIN_NODE_MAJOR:
        raise NodeMissing(f"Node.js {version or '?'} at {found} is too old: {_INSTALL_HINT}")
    return found


def tools(log: Log = print) -> Path:
    """The ``node_modules`` folder with the pinned host tools, installed with ``npm ci`` if needed.

    Example::

        (tools() / "esbuild").is_dir()    # True
    """
    lock = (TOOLS / "package-lock.json").read_bytes()
    folder = runtimes.cache_root() / f"node-tools-{hashlib.sha256(lock).hexdigest()[:12]}"
    if (folder / ".complete").exists():
        return folder / "node_modules"
    node_binary()
    npm = shutil.which("npm")
    if not npm:
        raise NodeMissing(f"npm was not found: {_INSTALL_HINT}")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".node-tools-", dir=folder.parent))
    try:
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(TOOLS / name, staging / name)
        cmd = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel", "error"]
        runtimes.run_with_progress(cmd, staging, "ttminis's Node tools via npm", log, cwd=staging)
        (staging / ".complete").write_text("ok")
        try:
            staging.rename(folder)
        except OSError:       # another process finished first: use its copy
            if not (folder / ".complete").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder / "node_modules"


def run(args: list[str], *, log: Log = print, **kwargs: Any) -> subprocess.CompletedProcess[Any]:
    """``node *args`` with the host tools on ``NODE_PATH``; keyword arguments go to subprocess.run.

    Example::

        run(["simulator.js", "dist/shop-native"], capture_output=True, text=True)
    """
    env = dict(kwargs.pop("env", None) or os.environ)
    env["NODE_PATH"] = str(tools(log))
    return subprocess.run([node_binary(), *args], env=env, **kwargs)
