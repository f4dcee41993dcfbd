"""The CPython backend: the same FFI over plain Python objects, for fast unit tests.

There is no JavaScript here: the "SDK" is whatever ``ttminis.testing.install()`` put in place
(an in-memory fake with TikTok's rules), and until then ``sdk_root()`` is None, so every call
raises ``TTMinisUnavailable`` as it would in a browser with no SDK. Values crossing the
"boundary" are copied, so neither side can mutate the other's dicts.
"""
import asyncio
import sys
import traceback

from .errors import SDKThrew

NAME = "cpython"
NULL = None
_dispatch = None
_kinds = {}
_root = None
_support = {"game": None, "answers": {}}   # canIUse answers for the current game object
reported = []


def install_dispatcher(dispatch, kinds):
    global _dispatch, _kinds
    _dispatch, _kinds = dispatch, kinds


def send(call_id, method, options):
    """What web/ffi/ttminis-ffi.js does in a browser, over the fake: call ``game[method](options)`` with
    success/fail (or the non-game SDK's ``pay(callback, options)``), watch a returned awaitable. None once
    the SDK has the call, else ("unavailable", what) or ("threw", message)."""
    if _root is None:
        return ("unavailable", "TTMinis")
    game = get(_root, "game")
    if game is None:
        pay = get(_root, "pay") if method == "pay" else None
        if not callable(pay):
            return ("unavailable", "TTMinis.game")
        function, args = pay, [callback(call_id, _kinds["legacy"]), to_js(options)]
    else:
        function = get(game, method)
        if not callable(function) or not supports(game, method):
            return ("unavailable", f"TTMinis.game.{method}")
        options = to_js(options)
        options["success"] = callback(call_id, _kinds["success"])
        options["fail"] = callback(call_id, _kinds["fail"])
        args = [options]
    try:
        returned = function(*args)
    except Exception as e:
        return ("threw", f"{type(e).__name__}: {e}")
    try:
        watch_thenable(returned, call_id, _kinds["resolved"], _kinds["rejected"])
    except Exception:
        pass
    return None


def supports(game, method):
    """False only when ``game.canIUse(method)`` says so; asked once per method and game object."""
    if method == "canIUse":
        return True
    if _support["game"] is not game:
        _support["game"], _support["answers"] = game, {}
    answers = _support["answers"]
    if method not in answers:
        can_i_use = get(game, "canIUse")
        try:
            answers[method] = not callable(can_i_use) or can_i_use(method) is not False
        except Exception:
            answers[method] = True
    return answers[method]


def forget_support():
    _support["game"], _support["answers"] = None, {}


def install_root(root):
    """Make ``root`` the global ``TTMinis`` (None removes it). Used by ``ttminis.testing``."""
    global _root
    _root = root


def sdk_root():
    return _root


globals_ = {}   # what a test puts in the "global scope" (see ``global_value``)


def global_value(name):
    """The stand-in for a JS global: ``globals_[name]``, or None."""
    return globals_.get(name)


def get(obj, name):
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def is_function(value):
    return callable(value)


def same(a, b):
    return a is b


def invoke(obj, name, args):
    try:
        return get(obj, name)(*args)
    except Exception as e:
        raise SDKThrew(f"{type(e).__name__}: {e}") from None


def to_js(value):
    return to_py(value)


def to_py(value, _seen=None):
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


def callback(call_id, kind):
    def forward(payload=None, *_ignored):
        _dispatch(call_id, kind, payload)
    return forward


def watch_thenable(value, call_id, resolved, rejected):
    if not isinstance(value, asyncio.Future):
        return False

    def done(fut):
        if fut.cancelled() or fut.exception() is not None:
            error = None if fut.cancelled() else fut.exception()
            _dispatch(call_id, rejected, getattr(error, "payload", None if error is None else str(error)))
        else:
            _dispatch(call_id, resolved, fut.result())
    value.add_done_callback(done)
    return True


def listener(function):
    return function


def release(handle):
    pass


def future():
    return asyncio.get_running_loop().create_future()


def call_later(seconds, function):
    return asyncio.get_running_loop().call_later(seconds, function).cancel


def spawn(coroutine):
    asyncio.ensure_future(coroutine)


def bytes_to_js(data):
    return bytes(data)


def bytes_to_py(value):
    return None if value is None else bytes(value)


def report(text):
    reported.append(text)
    sys.stderr.write(text + "\n")


def format_exception(exc):
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
