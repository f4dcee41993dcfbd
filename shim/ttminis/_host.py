"""The CPython backend: the same FFI over plain Python objects, for fast unit tests.

There is no JavaScript here: the "SDK" is whatever ``ttminis.testing.install()`` put in place
(an in-memory fake with TikTok's rules), and until then ``sdk_root()`` is None, so every call
raises ``TTMinisUnavailable`` as it would in a browser with no SDK. Values crossing the
"boundary" are copied, so neither side can mutate the other's dicts.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Any, Callable, Coroutine, Dispatcher, JSValue, Plain

import asyncio
import sys
import traceback

from .errors import SDKThrew

NAME = "cpython"
NULL = None
_kinds: dict[str, int] = {}
_root: object = None
_support: dict[str, Any] = {"game": None, "answers": {}}   # canIUse answers for the current game object
reported: list[str] = []


def _not_installed(*_answer: object) -> None:
    """Where answers go before ``calls`` installs its dispatcher (it does at import: never in practice)."""


_dispatch: Dispatcher = _not_installed


def install_dispatcher(dispatch: Dispatcher, kinds: dict[str, int]) -> None:
    global _dispatch, _kinds
    _dispatch, _kinds = dispatch, kinds


def send(call_id: int, method: str, options: Plain) -> tuple[str, str] | None:
    """What web/ffi/ttminis-ffi.js does in a browser, over the fake: call ``game[method](options)`` with
    success/fail (or the non-game SDK's ``pay(callback, options)``), watch a returned awaitable. None once
    the SDK has the call, else ("unavailable", what), ("lookup_threw", message) (nothing was called) or
    ("threw", message) (the SDK's method threw)."""
    if _root is None:
        return ("unavailable", "TTMinis")
    args: list[Any]
    try:     # a getter on the SDK that throws fails the call like a throwing method: nothing is sent
        game = get(_root, "game")
        if game is None:
            pay = get(_root, "pay") if method == "pay" else None
            if not callable(pay):
                return ("unavailable", "TTMinis.game")
            function, args = pay, [callback(call_id, _kinds["legacy"]), to_js(options)]
        else:
            function = get(game, method)
            if not callable(function):
                return ("unavailable", f"TTMinis.game.{method}")
            if not supports(game, method):
                return ("unsupported", f"TTMinis.game.{method}")
            copied = to_js(options)
            copied["success"] = callback(call_id, _kinds["success"])
            copied["fail"] = callback(call_id, _kinds["fail"])
            args = [copied]
    except Exception as e:
        return ("lookup_threw", f"{type(e).__name__}: {e}")
    try:
        returned = function(*args)
    except Exception as e:
        return ("threw", f"{type(e).__name__}: {e}")
    try:
        watch_thenable(returned, call_id, _kinds["resolved"], _kinds["rejected"])
    except Exception:
        pass
    return None


def supports(game: JSValue, method: str) -> bool:
    """False only when ``game.canIUse(method)`` says so; asked once per method and game object."""
    if method == "canIUse":
        return True
    if _support["game"] is not game:
        _support["game"], _support["answers"] = game, {}
    answers: dict[str, bool] = _support["answers"]
    if method not in answers:
        can_i_use = get(game, "canIUse")
        try:
            answers[method] = not callable(can_i_use) or can_i_use(method) is not False
        except Exception:
            answers[method] = True
    return answers[method]


def forget_support() -> None:
    _support["game"], _support["answers"] = None, {}


def install_root(root: object) -> None:
    """Make ``root`` the global ``TTMinis`` (None removes it). Used by ``ttminis.testing``."""
    global _root
    _root = root


def sdk_root() -> JSValue:
    return _root


globals_: dict[str, Any] = {}   # what a test puts in the "global scope" (see ``global_value``)


def global_value(name: str) -> JSValue:
    """The stand-in for a JS global: ``globals_[name]``, or None."""
    return globals_.get(name)


def get(obj: JSValue, name: str) -> JSValue:
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def is_function(value: JSValue) -> bool:
    return callable(value)


def same(a: JSValue, b: JSValue) -> bool:
    return a is b


def invoke(obj: JSValue, name: str, args: list[Any]) -> JSValue:
    try:
        return get(obj, name)(*args)
    except SDKThrew:
        raise            # a stand-in's own JS-like message ("ENOSPC: ..."), as a JS Error's would be
    except Exception as e:
        raise SDKThrew(f"{type(e).__name__}: {e}") from None


def to_js(value: Plain) -> JSValue:
    return to_py(value)


def to_py(value: JSValue, _seen: JSValue = None) -> Any:
    """A copy of plain data; never raises, as a JS payload's conversion must not: a container met
    again inside itself (a cycle) becomes None, one whose items cannot be read becomes empty."""
    if not isinstance(value, (dict, list, tuple)):
        return value
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return None
    seen.add(id(value))
    try:
        if isinstance(value, dict):
            return {key: to_py(item, seen) for key, item in value.items()}
        return [to_py(item, seen) for item in value]
    except Exception:
        return {} if isinstance(value, dict) else []
    finally:
        seen.discard(id(value))


def callback(call_id: int, kind: int) -> JSValue:
    def forward(payload: JSValue = None, *_ignored: JSValue) -> None:
        _dispatch(call_id, kind, payload)
    return forward


def watch_thenable(value: JSValue, call_id: int, resolved: int, rejected: int) -> bool:
    if not isinstance(value, asyncio.Future):
        return False

    def done(fut: asyncio.Future[Any]) -> None:
        if fut.cancelled() or fut.exception() is not None:
            error = None if fut.cancelled() else fut.exception()
            _dispatch(call_id, rejected, getattr(error, "payload", None if error is None else str(error)))
        else:
            _dispatch(call_id, resolved, fut.result())
    value.add_done_callback(done)
    return True


def listener(function: Callable[..., object]) -> JSValue:
    return function


def release(handle: JSValue) -> None:
    pass


def future() -> Any:
    return asyncio.get_running_loop().create_future()


def call_later(seconds: float, function: Callable[[], object]) -> Callable[[], object]:
    return asyncio.get_running_loop().call_later(seconds, function).cancel


def spawn(coroutine: Coroutine[Any, Any, Any]) -> None:
    asyncio.ensure_future(coroutine)


def bytes_to_js(data: bytes | bytearray) -> JSValue:
    return bytes(data)


def bytes_to_py(value: JSValue) -> bytes | None:
    return None if value is None else bytes(value)


def report(text: str) -> None:
    reported.append(text)
    sys.stderr.write(text + "\n")


def format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
