"""The build targets, picked in one place.

Exports:
    TARGET_NAMES     ("html", "native"), the first the default
    load(name)       the target's module; each has ``build(game_dir, out, ...) -> BuildResult``
    BuildResult      what a build made: ``out``, ``target``, ``runtime``, ``dev``, ``compliance``
                     (the ``compliance.Report`` of the package, scanned before it was published);
                     a target may add ``report`` (lines for the CLI to print) and ``sizes``

Example::

    from ttminis.build import targets
    targets.load("html").build(game_dir, runtime="pyodide")
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

TARGET_NAMES = ("html", "native")


@dataclass
class BuildResult:
    out: Path
    target: str
    runtime: str
    dev: bool
    report: list = field(default_factory=list)
    sizes: object = None
    compliance: object = None


def load(name: str):
    """The module building ``name`` (imported on first use: a build imports only its target)."""
    if name not in TARGET_NAMES:
        raise ValueError(f"--target must be one of {', '.join(TARGET_NAMES)}, got {name!r}")
    return importlib.import_module(f"{__name__}.{name}")
