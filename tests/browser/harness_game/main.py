"""The browser test harness, shipped as a game: tests send Python source, get back its repr'd result.

``window.ttminisHarness.run(source, resolve)`` runs ``source`` as the body of an async function
(``await`` allowed) with ``game``, ``ttminis``, ``js``, ``Recorder``, ``new_future``, ``tick``,
``until`` and ``state`` (a dict kept between runs) in scope, and calls
``resolve(repr({"ok": ..., ...}))``. The same file runs on Pyodide and Brython, and is also built
for the native target (``tests/native/test_surface_native.py``). Its ``assets/`` and ``data/`` files are
read by the game surface's tests.
"""
import sys

import ttminis
from ttminis import files, frames, game, images, screen, sound, touch  # noqa: F401  (Brython bundles only what is imported)

if sys.platform == "brython":
    from browser import aio, window as js

    def new_future():
        return aio.Future()

    async def tick():
        await aio.sleep(0)

    def start(coroutine):
        aio.run(coroutine)
else:
    import asyncio

    import js
    from pyodide.ffi import create_proxy

    def new_future():
        return asyncio.get_event_loop().create_future()

    async def tick():
        await asyncio.sleep(0)

    def start(coroutine):
        asyncio.ensure_future(coroutine)


class Recorder:
    """Callbacks for callback-style calls that remember every invocation in order."""

    def __init__(self):
        self.events = []
        self.done = new_future()

    def success(self, payload):
        self.events.append(["success", payload])

    def fail(self, payload):
        self.events.append(["fail", payload])

    def complete(self, *args):
        self.events.append(["complete", list(args)])
        if not self.done.done():
            self.done.set_result(True)

    def callbacks(self):
        return {"success": self.success, "fail": self.fail, "complete": self.complete}


async def until(predicate, limit=100000):
    """Yield to the event loop until ``predicate()`` holds (a condition, never a fixed sleep)."""
    for _ in range(limit):
        if predicate():
            return True
        await tick()
    raise AssertionError("condition never became true")


def _error_info(exc):
    info = {"ok": False, "type": type(exc).__name__, "message": str(exc),
            "mro": [cls.__name__ for cls in type(exc).__mro__]}
    for attr in ("error_code", "error_msg", "error_extra"):
        if hasattr(exc, attr):
            info[attr] = getattr(exc, attr)
    return info


_STATE = {}


async def _job(source, resolve):
    namespace = {"game": game, "ttminis": ttminis, "js": js, "Recorder": Recorder,
                 "new_future": new_future, "tick": tick, "until": until, "state": _STATE}
    body = "\n".join("    " + line for line in source.splitlines()) or "    pass"
    try:
        exec("async def __harness_test__():\n" + body + "\n", namespace)
        value = await namespace["__harness_test__"]()
        result = {"ok": True, "value": value}
    except BaseException as exc:
        result = _error_info(exc)
    try:
        text = repr(result)
    except BaseException as exc:
        text = repr(_error_info(exc))
    resolve(text)


def run(source, resolve):
    start(_job(source, resolve))


if sys.platform == "brython":
    js.ttminisHarness = {"run": run, "runtime": "brython"}
else:
    js.ttminisHarness = js.Object.fromEntries([["run", create_proxy(run)], ["runtime", "pyodide"]])
