# The page's own Python: ttminis importable, and a small runner for the tests' snippets (the body of
# an async function, with game, ttminis, js, state, until and tick in scope; its value repr'd).
import asyncio
import sys

sys.path.insert(0, "/home/pyodide/lib")

import js  # noqa: E402

import ttminis  # noqa: E402
from ttminis import game  # noqa: E402

state = {}


async def tick():
    await asyncio.sleep(0)


async def until(predicate, limit=100000):
    for _ in range(limit):
        if predicate():
            return True
        await tick()
    raise AssertionError("condition never became true")


async def harness_run(source):
    namespace = {"game": game, "ttminis": ttminis, "js": js, "state": state, "until": until, "tick": tick,
                 "asyncio": asyncio}
    body = "\n".join("    " + line for line in source.splitlines()) or "    pass"
    try:
        exec("async def __bare_test__():\n" + body + "\n", namespace)
        result = {"ok": True, "value": await namespace["__bare_test__"]()}
    except BaseException as exc:
        result = {"ok": False, "type": type(exc).__name__, "message": str(exc),
                  "error_code": getattr(exc, "error_code", None)}
    return repr(result)
