"""The Brython backend: the same small FFI as ``_pyodide.py``, over ``browser.window``.

Brython turns Python functions into JS functions and dicts into plain Objects by itself, so
callbacks need no lifetime management. What it does not do, and this module does:

* ``None`` inside lists would reach JS as Brython's own None object (``JSON.stringify`` then
  throws): validation puts ``NULL`` there instead (``None`` dict values are dropped).
* Payloads arrive as ``JSObject`` wrappers: ``to_py`` turns them into dicts and lists, recursively.
* Awaiting a JS promise rejected with a plain object loses the payload, so promises are observed
  with ``then`` callbacks, like on Pyodide, and awaited through a ``browser.aio.Future``.

Imports stay tiny on purpose: every stdlib import would be packed into the game's
``brython_modules.js`` with its whole module graph.
"""
import javascript
from browser import aio, window

from .errors import SDKThrew

NAME = "brython"
NULL = javascript.NULL
UNDEFINED = javascript.UNDEFINED
_SCALARS = (bool, int, float, str)
_is_array = window.Array.isArray
_array_from = getattr(window.Array, "from")
_object_keys = window.Object.keys
_reflect_get = window.Reflect.get
_json_text = window.JSON.stringify
_json_to_python = javascript.JSON.parse
_dispatch = None


def install_dispatcher(dispatch):
    global _dispatch
    _dispatch = dispatch


def sdk_root():
    return get(window, "TTMinis")


def global_value(name):
    """The JS global ``name``, or None when undefined or null."""
    return get(window, name)


def _nullish(value):
    return value is None or value is NULL or value is UNDEFINED


def get(obj, name):
    value = getattr(obj, name, None)
    return None if _nullish(value) else value


def is_function(value):
    return not _nullish(value) and callable(value)


def same(a, b):
    """Whether two handles are the same JS object."""
    return a is b or a == b


def invoke(obj, name, args):
    try:
        return getattr(obj, name)(*args)
    except Exception as e:
        raise SDKThrew(_js_message(e)) from None


def _js_message(exc):
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def to_js(value):
    """Checked plain data -> JS. Brython turns dicts and lists into Objects and Arrays itself, and
    ``None`` inside lists is already ``NULL`` (``validation.plain`` put it there)."""
    return NULL if value is None else value


def to_py(value):
    """A JS value -> Python: Objects become dicts, Arrays lists, null/undefined None.

    Plain data goes through ``JSON.stringify`` and Brython's ``javascript.JSON.parse``, which
    builds the dicts in JS; so, as in JSON, ``undefined`` members are left out."""
    if value is None or value is NULL or value is UNDEFINED:
        return None
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, dict):
        return {key: to_py(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_py(item) for item in value]
    if callable(value):
        return value
    try:     # JSON through Brython's own parser: ~10x faster than walking the object from Python
        return _json_to_python(_json_text(value))
    except Exception:   # not JSON-able (a cycle, a BigInt...): walk it
        pass
    if _is_array(value):
        return [to_py(value[i]) for i in range(value.length)]
    return {key: to_py(_reflect_get(value, key)) for key in _object_keys(value)}


def callback(call_id, kind):
    def forward(payload=None, *_ignored):
        _dispatch(call_id, kind, payload)
    return forward


def watch_thenable(value, call_id, resolved, rejected):
    if _nullish(value) or isinstance(value, (bool, int, float, str, dict, list)):
        return False
    then = get(value, "then")
    if then is None or not callable(then):
        return False
    then.call(value, callback(call_id, resolved), callback(call_id, rejected))
    return True


def listener(function):
    return function


def release(handle):
    pass


def _ignore(_error):
    return None


def future():
    """An ``aio.Future``, which is a JS Promise: a failure set before anyone awaits it must not
    count as an unhandled rejection (a page error), so it gets a handler at birth."""
    fut = aio.Future()
    window.Promise.prototype.catch.call(fut, _ignore)
    return fut


def call_later(seconds, function):
    timer_id = window.setTimeout(function, int(seconds * 1000))
    return lambda: window.clearTimeout(timer_id)


def spawn(coroutine):
    aio.run(coroutine)


def bytes_to_js(data):
    return window.Uint8Array.new(list(data))


def bytes_to_py(value):
    if _nullish(value):
        return None
    return bytes(_array_from(value))


def report(text):
    window.console.error(text)
    loader = get(window, "ttminisLoader")
    if loader is not None:
        loader.reportError(text)


def format_exception(exc):
    lines = []
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        lines.append(f'  File "{code.co_filename}", line {tb.tb_lineno}, in {code.co_name}')
        tb = tb.tb_next
    return "Traceback (most recent call last):\n" + "\n".join(lines) + f"\n{type(exc).__name__}: {exc}"
