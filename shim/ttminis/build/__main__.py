"""``python -m ttminis.build``: fetch and verify every pinned artifact (runtimes, Node tools) now.

Example::

    python -m ttminis.build     # prints the cache folders
"""
import sys

from . import node, runtimes

try:
    for artifact in runtimes.RUNTIMES.values():
        print(runtimes.ensure(artifact))
    print(node.tools())
except runtimes.FetchError as e:
    sys.exit(f"error: {e}")
