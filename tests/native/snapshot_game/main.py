"""Reads, at its start, what a memory snapshot must not carry over from the build; results in
``GameGlobal.snapshotResult`` (JSON)."""
import importlib
import importlib.util
import json
import random
import sys
import time

import js

own_module_preloaded = "helper" in sys.modules      # the game's own modules never run at build time
import helper  # noqa: E402


def import_error(name):
    try:
        importlib.import_module(name)
        return None
    except ImportError as e:
        return f"{type(e).__name__}: {e}"


js.GameGlobal.snapshotResult = json.dumps({
    "random": [random.random(), random.randrange(10 ** 9)],
    "timezone": time.timezone, "altzone": time.altzone, "daylight": time.daylight, "tzname": list(time.tzname),
    "now": time.time() * 1000, "jsNow": js.Date.now(),
    "ownModulePreloaded": own_module_preloaded,
    "helperRanAt": helper.RAN_AT,
    "cut": import_error("tomllib"),          # not imported by the game: left out of its standard library
    "cutSpec": repr(importlib.util.find_spec("tomllib")),     # feature detection: None, no exception
    "kept": import_error("colorsys"),        # not imported either, but the build was told --keep-stdlib colorsys
    "sdk": getattr(js.TTMinis.game, "clientMarker", None),   # set on this client's TTMinis.game by a test
})
