# Names for type checkers only: a stub with no module behind it, so a game never loads `typing`
# (Brython would bundle typing's whole import graph, ~3 MB). ttminis's modules import from here
# under `if TYPE_CHECKING:`.
from collections.abc import Awaitable as Awaitable, Callable as Callable, Coroutine as Coroutine, \
    Iterable as Iterable, Iterator as Iterator, Mapping as Mapping, Sequence as Sequence
from typing import Any as Any, Literal as Literal, NoReturn as NoReturn, Protocol as Protocol, \
    TypedDict as TypedDict, TypeVar as TypeVar, overload as overload

JSValue = Any
"""A JavaScript value as the runtime hands it to Python (a JsProxy, a Brython JSObject, plain data on CPython)."""

Payload = dict[str, Any]
"""What an SDK call succeeds with, or a listener receives: plain data, as a dict."""

Failure = dict[str, Any]
"""What ``fail`` receives: ``{"error": {"error_code": int, "error_msg": str, "error_extra": dict}}``."""

Plain = None | bool | int | float | str | list[Any] | tuple[Any, ...] | dict[str, Any]
"""Plain data that can cross to JavaScript: None, bool, int, float, str, lists and str-keyed dicts of them."""

OnSuccess = Callable[[Payload], object]
"""A ``success`` callback: gets the SDK's payload as a dict (``{}`` if it passed nothing)."""

OnFail = Callable[[Failure], object]
"""A ``fail`` callback: gets ``{"error": {"error_code", "error_msg", "error_extra"}}``."""

OnComplete = Callable[[], object]
"""A ``complete`` callback: runs after ``success`` or ``fail``, with nothing."""

Dispatcher = Callable[..., None]
"""``calls._dispatch(call_id, kind, payload=None, *more)``: where every SDK answer is delivered."""
