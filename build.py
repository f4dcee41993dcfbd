#!/usr/bin/env python3
"""Build a Python game folder into an offline TikTok mini-game package: a thin wrapper over
``ttminis.build.cli`` (the same code as the ``ttminis build`` command).

    python build.py [GAME_DIR] [--target native|html] [--out DIR] [--runtime pyodide|brython] [--dev]
                    [--zip] [--serve [--port N]] [--client-key KEY] [--app-id ID]

The target is TikTok's native runtime unless ``--target html`` (or ``--runtime brython``, which implies it).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "shim"))

from ttminis.build.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
