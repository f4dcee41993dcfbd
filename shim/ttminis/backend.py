"""The one place that knows which runtime ttminis runs on.

``ffi`` is the backend module for this runtime; every backend exports the same small FFI:

    NAME                                   "pyodide", "brython" or "cpython"
    NULL                                   what None inside a list must become for JS
    install_dispatcher(dispatch, kinds)    where every answer (call_id, kind, payload) is delivered;
                                           kinds: {"success", "fail", "resolved", "rejected", "legacy"}
    send(call_id, method, options)         TTMinis.game[method](options) in one crossing, answers to the
                                           dispatcher (or the non-game SDK's pay(callback, options));
                                           None, or ("unavailable", what) / ("lookup_threw", message)
                                           (nothing called) / ("threw", message) (it may still answer)
    supports(game, method) / forget_support()   the client's canIUse, asked once per method and game
                                           object / forgotten (calls.reset)
    sdk_root()                             the global ``TTMinis`` object, or None (looked up per call)
    global_value(name)                     any other JS global, or None
    get(obj, name)                         a property, or None for undefined/null
    is_function(value) / same(a, b)     a callable? / the same JS object?
    invoke(obj, name, args)                obj[name](*args); a throw becomes ``errors.SDKThrew``
    to_js(plain) / to_py(value)            plain data across the boundary, dicts <-> Objects
    callback(call_id, kind)                a JS function forwarding its argument to the dispatcher
    watch_thenable(value, call_id, ok, ko) report a returned promise's outcome to the dispatcher
    listener(fn) / release(handle)         a lasting JS function for on/off pairs, and its release
    future() / call_later(seconds, fn)     the runtime's awaitable and timer (returns a cancel fn)
    report(text) / format_exception(exc)   console and on-screen error display
    spawn(coroutine)                       run a coroutine in the background (asyncio, or browser.aio)
    bytes_to_js(data) / bytes_to_py(value) bytes <-> a Uint8Array (a copy; null/undefined -> None)

Example::

    from ttminis.backend import ffi
    ffi.NAME          # "pyodide" inside Pyodide
"""
import sys

if sys.platform == "brython":
    from . import _brython as ffi
elif sys.platform == "emscripten":
    from . import _pyodide as ffi
else:
    from . import _host as ffi

__all__ = ["ffi"]
