"""``python -m ttminis``: the ``ttminis`` command (new, build, simulate). Host side: never in a game.

Example::

    python -m ttminis new mygame
"""
import sys

from .build.cli import command

sys.exit(command())
