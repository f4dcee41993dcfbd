"""The Pyodide backend: the small FFI the core uses, over Pyodide's ``js`` and ``pyodide.ffi``.

Every backend module exports the same names (see ``backend.py``). Proxy lifetimes are handled here
and only here:

* One PyProxy, made once (at the first call, never at import: a build-time memory snapshot carries
  no JS object): the dispatcher. An options call is sent in one crossing by ``ttminisFFI.send``
  (web/ffi/ttminis-ffi.js, loaded by the page or package build.py makes), whose success/fail are
  native JS closures calling it; a page without it (PyScript, JupyterLite, a hand-written
  ``loadPyodide`` page) gets the same steps from Python (``_PythonHalf``), never injected JS; other callbacks are native JS functions made with
  ``Function.prototype.call.bind(dispatcher, null, call_id, kind)``. So a call creates no PyProxy,
  nothing needs destroying, and an SDK that calls back twice (or after the call settled) reaches a
  dispatcher that simply ignores it: nothing ever throws inside the SDK.
* Listeners (``onShow`` ...) must be the same JS function for ``on``/``off``: one ``create_proxy``
  per registration, destroyed by ``release`` when the listener is removed.
* Promises are observed through the raw ``Promise.prototype.then`` (Pyodide's ``JsProxy.then``
  would turn a rejection with a plain object into a page error), and failures travel as values.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Any, Callable, Coroutine, Dispatcher, JSValue, Plain

import asyncio
import traceback

import js
from pyodide.ffi import JsException, JsProxy, create_proxy, jsnull, to_js as _to_js

from ._jsvalues import read_members
from .errors import SDKThrew, TTMinisUnavailable

NAME = "pyodide"
NULL = None        # to_js turns None into undefined, which JSON and the SDK read as null


class _Handles:
    """The JS functions the FFI calls, looked up at the first use and never at import: a build-time
    memory snapshot can carry no JS object a module holds (``import ttminis`` is in the snapshot)."""

    def __init__(self) -> None:
        self.bind_call = js.Function.prototype.call.bind
        self.bind_apply = js.Reflect.apply.bind
        self.map_call = js.Array.prototype.map.call
        self.array_of = js.Array.of
        self.one = js.Array.of(0)          # a one-element Array for invoke's map
        self.reflect_get = js.Reflect.get
        self.object_keys = js.Object.keys
        self.is_array = js.Array.isArray
        self.new_map = js.Map.new
        self.object_from_entries = js.Object.fromEntries


_taken: list[_Handles] = []


def _js() -> _Handles:
    if not _taken:
        _taken.append(_Handles())
    return _taken[0]


_dispatch: list[Any] = [None, None]   # (the Python dispatcher, its kinds of answer)
_made: dict[str, Any] = {}                 # "proxy": the dispatcher's PyProxy; "ffi": ttminisFFI, installed — both at first use


def install_dispatcher(dispatch: Dispatcher, kinds: dict[str, int]) -> None:
    """Route every answer to ``dispatch(call_id, kind, payload)``; ``kinds`` names the kinds of answer
    ``send`` produces: {"success", "fail", "resolved", "rejected", "legacy"}."""
    _dispatch[0], _dispatch[1] = dispatch, kinds


def _dispatcher() -> JSValue:
    if "proxy" not in _made:
        _made["proxy"] = create_proxy(_dispatch[0])
    return _made["proxy"]


def _ffi() -> Any:
    """``ttminisFFI`` (web/ffi/ttminis-ffi.js) where the page loaded it, installed; else the same three
    functions in Python (``_PythonHalf``): a page of one's own (PyScript, JupyterLite, a hand-written
    ``loadPyodide`` page) works too, a few crossings slower per call, and no JavaScript is injected."""
    helper = _made.get("ffi")
    if helper is None:
        helper = getattr(js, "ttminisFFI", None)
        if helper is None or helper is jsnull:
            helper = _PythonHalf()
        else:
            helper.install(_dispatcher(), to_js(_dispatch[1]), False)
        _made["ffi"] = helper
    return helper


class _PythonHalf:
    """What ttminis-ffi.js does, over Pyodide's FFI from Python (each step a crossing instead of one).

    Answers reach the dispatcher through native bound functions (``callback``), as with the JS half:
    no PyProxy per call, nothing to destroy, an SDK calling back twice or late reaches a dispatcher
    that ignores it. A returned promise is observed through the raw ``then``. Getters that throw
    while the method is looked up fail the call with nothing sent (``lookup_threw``).
    """

    def __init__(self) -> None:
        self._game: JSValue = None
        self._answers: dict[str, bool] = {}

    def send(self, call_id: int, method: str, options: JSValue) -> Any:
        kinds = _dispatch[1]
        try:
            sdk = global_value("TTMinis")
            if sdk is None:
                return ["unavailable", "TTMinis"]
            game = get(sdk, "game")
            if game is None:
                if method != "pay" or not is_function(get(sdk, "pay")):
                    return ["unavailable", "TTMinis.game"]
                owner, args = sdk, [callback(call_id, kinds["legacy"]), options]
            else:
                if not is_function(get(game, method)):
                    return ["unavailable", "TTMinis.game." + method]
                if not self.supports(game, method):
                    return ["unsupported", "TTMinis.game." + method]
                options.success = callback(call_id, kinds["success"])
                options.fail = callback(call_id, kinds["fail"])
                owner, args = game, [options]
        except Exception as e:
            return ["lookup_threw", _message(e)]
        try:
            returned = invoke(owner, method, args)
        except SDKThrew as e:
            return ["threw", str(e)]
        try:
            watch_thenable(returned, call_id, kinds["resolved"], kinds["rejected"])
        except Exception:
            pass     # a thenable whose `then` breaks when used counts as none: the callbacks decide
        return 0

    def supports(self, game: JSValue, method: str) -> bool:
        if method == "canIUse":
            return True
        if self._game is None or not same(self._game, game):
            self._game, self._answers = game, {}
        if method not in self._answers:
            try:
                yes = not is_function(get(game, "canIUse")) or invoke(game, "canIUse", [method]) is not False
            except Exception:
                yes = True      # a canIUse that throws says nothing: try the method
            self._answers[method] = yes
        return self._answers[method]

    def forget(self) -> None:
        self._game, self._answers = None, {}


def _message(exc: BaseException) -> str:
    error = getattr(exc, "js_error", None)
    try:
        return str(error.message if error is not None and hasattr(error, "message") else exc)
    except Exception:
        return "an unreadable exception"


def send(call_id: int, method: str, options: Plain) -> tuple[str, str] | None:
    """Call ``TTMinis.game[method](options)`` (see web/ffi/ttminis-ffi.js), its answers going to the
    dispatcher: None once the SDK has the call, else ("unavailable", what) or ("threw", message)."""
    status = _ffi().send(call_id, method, to_js(options))
    return None if status == 0 else (str(status[0]), str(status[1]))


def supports(game: JSValue, method: str) -> bool:
    """False only when the client's own ``canIUse(method)`` says so (asked once per game object)."""
    return bool(_ffi().supports(game, method))


def forget_support() -> None:
    if "ffi" in _made:
        _made["ffi"].forget()


def sdk_root() -> JSValue:
    return global_value("TTMinis")


def global_value(name: str) -> JSValue:
    """The JS global ``name``, or None when undefined or null."""
    value = getattr(js, name, None)
    return None if value is jsnull else value


def get(obj: JSValue, name: str) -> JSValue:
    value = getattr(obj, name, None)
    return None if value is jsnull else value


def is_function(value: JSValue) -> bool:
    return isinstance(value, JsProxy) and callable(value)   # callable() asks no JS: typeof is a flag


def same(a: JSValue, b: JSValue) -> bool:
    """Whether two handles are the same JS object (``===``)."""
    return bool(a == b)


def invoke(obj: JSValue, name: str, args: list[Any]) -> JSValue:
    """``obj[name](*args)``; a returned Promise comes back as a plain ``JsProxy``.

    Pyodide turns a Promise *returned by a call* into a PyodideFuture, and one rejected with a
    plain object (as TikTok's ads do) then becomes a page error. So the call runs inside
    ``Array.prototype.map`` over a one-element array, and its result is read back by indexing,
    which converts nothing.
    """
    try:
        handles = _js()
        apply = handles.bind_apply(None, getattr(obj, name), obj, handles.array_of(*args))
        return handles.map_call(handles.one, apply)[0]
    except JsException as e:
        raise SDKThrew(str(e.js_error.message if hasattr(e, "js_error") else e)) from None


def to_js(value: Plain) -> JSValue:
    """Plain Python data (already checked) -> plain JS Objects and Arrays."""
    if isinstance(value, (dict, list)):
        return _to_js(value, dict_converter=_js().object_from_entries, create_pyproxies=False)
    return value


def to_py(value: JSValue) -> Any:
    """A JS value -> Python: Objects become dicts, Arrays lists, null/undefined None. Never raises:
    a payload Pyodide cannot convert (a getter that throws, a cycle, a Proxy) is read leniently."""
    if isinstance(value, JsProxy):
        try:
            return _nulls_to_none(value.to_py())
        except Exception:
            return _read_leniently(value, _js().new_map())
    return None if value is jsnull else value


def _read_leniently(value: JSValue, seen: JSValue) -> Any:
    """What can be read of ``value``: unreadable members are left out, a cycle becomes None."""
    if value is jsnull:
        return None
    if not isinstance(value, JsProxy) or callable(value):
        return value
    try:
        handles = _js()
        return read_members(value, lambda item: _read_leniently(item, seen), seen, handles.is_array,
                            handles.object_keys, handles.reflect_get)
    except Exception:
        return None


def _nulls_to_none(value: Any) -> Any:
    if value is jsnull:
        return None
    if isinstance(value, dict):
        return {key: _nulls_to_none(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nulls_to_none(item) for item in value]
    return value


def callback(call_id: int, kind: int) -> JSValue:
    return _js().bind_call(_dispatcher(), None, call_id, kind)


def watch_thenable(value: JSValue, call_id: int, resolved: int, rejected: int) -> bool:
    """If ``value`` is a thenable, report its outcome to the dispatcher; returns whether it was."""
    if not isinstance(value, JsProxy):
        return False
    then = _js().reflect_get(value, "then")
    if not is_function(then):
        return False
    then.call(value, callback(call_id, resolved), callback(call_id, rejected))
    return True


def listener(function: Callable[..., object]) -> JSValue:
    return create_proxy(function)


def release(handle: JSValue) -> None:
    handle.destroy()


def future() -> Any:
    return asyncio.get_event_loop().create_future()


def call_later(seconds: float, function: Callable[[], object]) -> Callable[[], object]:
    return asyncio.get_event_loop().call_later(seconds, function).cancel


def spawn(coroutine: Coroutine[Any, Any, Any]) -> None:
    asyncio.ensure_future(coroutine)


def bytes_to_js(data: bytes | bytearray) -> JSValue:
    """``bytes`` -> a new Uint8Array (never a PyProxy: a bytes argument would otherwise become one)."""
    return _to_js(bytes(data))


def bytes_to_py(value: JSValue) -> bytes | None:
    if value is None or value is jsnull:
        return None
    data: bytes = value.to_bytes()
    return data


def report(text: str) -> None:
    js.console.error(text)
    loader = getattr(js, "ttminisLoader", None)
    if loader is not None and loader is not jsnull:
        loader.reportError(text)


def format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
