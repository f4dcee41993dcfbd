"""Benchmark game: its first line records when it ran (navigation start = 0), then it imports ttminis."""
import sys

if sys.platform == "brython":
    from browser import window
else:
    import js as window
window.firstLine = window.performance.now()

import ttminis  # noqa: E402,F401  (a real game imports it at start)
