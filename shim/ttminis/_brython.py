"""The Brython backend: the same small FFI as ``_pyodide.py``, over ``browser.window``.

Brython turns Python functions into JS functions and dicts into plain Objects by itself, so
callbacks need no lifetime management. What it does not do, and this module does:

* Brython converts each argument of a JS call into Python before a Python function runs, and
  throws (inside the SDK's code) on a hostile one — a Proxy, a getter that throws. So SDK
  callbacks and listeners are made by the loader's ``boxArguments``: Python receives the
  arguments as one untouched JS array and reads only the first, where a failure can be caught.

* ``None`` inside lists would reach JS as Brython's own None object (``JSON.stringify`` then
  throws): validation puts ``NULL`` there instead (``None`` dict values are dropped).
* Payloads arrive as ``JSObject`` wrappers: ``to_py`` turns them into dicts and lists, recursively.
* Awaiting a JS promise rejected with a plain object loses the payload, so promises are observed
  with ``then`` callbacks, like on Pyodide, and awaited through a ``browser.aio.Future``.

Imports stay tiny on purpose: every stdlib import would be packed into the game's
``brython_modules.js`` with its whole module graph.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Any, Callable, Coroutine, Dispatcher, JSValue, Plain

import javascript
from browser import aio, window

from ._jsvalues import read_members
from .errors import SDKThrew, TTMinisUnavailable

NAME = "brython"
NULL = javascript.NULL
UNDEFINED = javascript.UNDEFINED
_SCALARS = (bool, int, float, str)
_is_array = window.Array.isArray
_array_from = getattr(window.Array, "from")
_object_keys = window.Object.keys
_reflect_get = window.Reflect.get
_bind_apply = window.Reflect.apply.bind
_map_call = window.Array.prototype.map.call
_ONE = window.Array.of(0)
_json_text = window.JSON.stringify
_json_to_python = javascript.JSON.parse
_kinds: dict[str, int] = {}
_made: dict[str, Any] = {}      # "ffi": window.ttminisFFI, installed at the first call


def _not_installed(*_answer: object) -> None:
    """Where answers go before ``calls`` installs its dispatcher (it does at import: never in practice)."""


_dispatch: Dispatcher = _not_installed


def install_dispatcher(dispatch: Dispatcher, kinds: dict[str, int]) -> None:
    global _dispatch, _kinds
    _dispatch, _kinds = dispatch, kinds


def _ffi() -> JSValue:
    helper = _made.get("ffi")
    if helper is None:
        helper = get(window, "ttminisFFI")
        if helper is None:
            raise TTMinisUnavailable("ttminis's JavaScript half of an SDK call (ttminis-ffi.js)",
                                     hint="Pages made by build.py load it.")
        helper.install(_receive, _kinds, True)     # answers arrive boxed: see _receive
        _made["ffi"] = helper
    return helper


def send(call_id: int, method: str, options: Plain) -> tuple[str, str] | None:
    """Call ``TTMinis.game[method](options)`` in one crossing (web/ffi/ttminis-ffi.js): None once the SDK
    has the call, else ("unavailable", what) or ("threw", message)."""
    status = _ffi().send(call_id, method, options)
    return None if status == 0 else (status[0], status[1])


def supports(game: JSValue, method: str) -> bool:
    return bool(_ffi().supports(game, method))


def forget_support() -> None:
    if "ffi" in _made:
        _made["ffi"].forget()


def sdk_root() -> JSValue:
    return get(window, "TTMinis")


def global_value(name: str) -> JSValue:
    """The JS global ``name``, or None when undefined or null."""
    return get(window, name)


def _nullish(value: JSValue) -> bool:
    return value is None or value is NULL or value is UNDEFINED


def get(obj: JSValue, name: str) -> JSValue:
    value = getattr(obj, name, None)
    return None if _nullish(value) else value


def is_function(value: JSValue) -> bool:
    return not _nullish(value) and callable(value)


def same(a: JSValue, b: JSValue) -> bool:
    """Whether two handles are the same JS object."""
    return a is b or a == b


def invoke(obj: JSValue, name: str, args: list[Any]) -> JSValue:
    """``obj[name](*args)``. The call runs inside ``Array.prototype.map`` and its result is read
    afterwards: Brython converts a returned value at once, and a hostile one (a Proxy, a getter
    that throws) would otherwise look like the SDK throwing. An unreadable result is None."""
    try:
        boxed = _map_call(_ONE, _bind_apply(NULL, _reflect_get(obj, name), obj, args))
    except Exception as e:
        raise SDKThrew(_js_message(e)) from None
    try:
        return boxed[0]
    except Exception:
        return None


def _js_message(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def to_js(value: Plain) -> JSValue:
    """Checked plain data -> JS. Brython turns dicts and lists into Objects and Arrays itself, and
    ``None`` inside lists is already ``NULL`` (``validation.plain`` put it there)."""
    return NULL if value is None else value


def to_py(value: JSValue, _seen: JSValue = None) -> Any:
    """A JS value -> Python: Objects become dicts, Arrays lists, null/undefined None. Never raises.

    Plain data goes through ``JSON.stringify`` and Brython's ``javascript.JSON.parse``, which
    builds the dicts in JS; so, as in JSON, ``undefined`` members are left out. What JSON refuses
    (a cycle, a BigInt, a getter that throws) is walked: unreadable members are left out and a
    cycle becomes None."""
    if value is None or value is NULL or value is UNDEFINED:
        return None
    if isinstance(value, _SCALARS):
        return value
    try:
        if isinstance(value, dict):
            return {key: to_py(item, _seen) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [to_py(item, _seen) for item in value]
        if callable(value):
            return value
        if _seen is None:
            try:     # JSON through Brython's own parser: ~10x faster than walking the object from Python
                return _json_to_python(_json_text(value))
            except Exception:
                _seen = window.Map.new()
        seen = _seen
        return read_members(value, lambda item: to_py(item, seen), seen, _is_array, _object_keys, _reflect_get)
    except Exception:
        return None


def _first(arguments: JSValue) -> JSValue:
    """The first of a call's arguments (a JS array), or None; None too if Brython cannot read it."""
    try:
        return arguments[0] if len(arguments) else None
    except Exception:
        return None


def _receive(call_id: int, kind: int, arguments: JSValue) -> None:
    _dispatch(call_id, kind, _first(arguments))


def _deliver_first(function: Callable[..., object], _unused: object, arguments: JSValue) -> object:
    return function(_first(arguments))     # its result goes back (a frame function's False stops the loop)


_loader = get(window, "ttminisLoader")
_box = get(_loader, "boxArguments") if _loader is not None else None


def callback(call_id: int, kind: int) -> JSValue:
    if _box is not None:
        return _box(_receive, call_id, kind)

    def forward(payload: JSValue = None, *_ignored: JSValue) -> None:    # no loader (a page of your own): Brython converts
        _dispatch(call_id, kind, payload)
    return forward


def watch_thenable(value: JSValue, call_id: int, resolved: int, rejected: int) -> bool:
    if _nullish(value) or isinstance(value, (bool, int, float, str, dict, list)):
        return False
    then = get(value, "then")
    if then is None or not callable(then):
        return False
    then.call(value, callback(call_id, resolved), callback(call_id, rejected))
    return True


def listener(function: Callable[..., object]) -> JSValue:
    return function if _box is None else _box(_deliver_first, function, NULL)


def release(handle: JSValue) -> None:
    pass


def _ignore(_error: object) -> None:
    return None


def future() -> Any:
    """An ``aio.Future``, which is a JS Promise: a failure set before anyone awaits it must not
    count as an unhandled rejection (a page error), so it gets a handler at birth."""
    fut: aio.Future[Any] = aio.Future()
    window.Promise.prototype.catch.call(fut, _ignore)
    return fut


def call_later(seconds: float, function: Callable[[], object]) -> Callable[[], object]:
    timer_id = window.setTimeout(function, int(seconds * 1000))
    return lambda: window.clearTimeout(timer_id)


def spawn(coroutine: Coroutine[Any, Any, Any]) -> None:
    aio.run(coroutine)


def bytes_to_js(data: bytes | bytearray) -> JSValue:
    return window.Uint8Array.new(list(data))


def bytes_to_py(value: JSValue) -> bytes | None:
    if _nullish(value):
        return None
    return bytes(_array_from(value))


def report(text: str) -> None:
    window.console.error(text)
    loader = get(window, "ttminisLoader")
    if loader is not None:
        loader.reportError(text)


def format_exception(exc: BaseException) -> str:
    lines = []
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        lines.append(f'  File "{code.co_filename}", line {tb.tb_lineno}, in {code.co_name}')
        tb = tb.tb_next
    return "Traceback (most recent call last):\n" + "\n".join(lines) + f"\n{type(exc).__name__}: {exc}"
