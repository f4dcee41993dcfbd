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
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:      # the targets import this module: no import cycle at run time
    from ..compliance import Report
    from ..native_layout import Sizes

TARGET_NAMES = ("html", "native")


@dataclass
class BuildResult:
    out: Path
    target: str
    runtime: str
    dev: bool
    report: list[str] = field(default_factory=list)
    sizes: Sizes | None = None
    compliance: Report | None = None


def load(name: str) -> ModuleType:
    """The module building ``name`` (imported on first use: a build imports only its target)."""
    if name not in TARGET_NAMES:
        raise ValueError(f"--target must be one of {', '.join(TARGET_NAMES)}, got {name!r}")
    return importlib.import_module(f"{__name__}.{name}")
