"""Benchmark game for every target: its first line records when it ran (epoch ms), then it imports ttminis."""
import js

js.globalThis.firstLineEpoch = js.Date.now()

import ttminis  # noqa: E402,F401  (a real game imports it at start)
