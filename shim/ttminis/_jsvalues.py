"""Reading a JS object the backend's plain conversion refused, for ``_pyodide`` and ``_brython``.

A payload may hold a cycle, a getter that throws, or be a Proxy whose traps throw: conversion
then fails as a whole. ``read_members`` reads what can be read, one member at a time.

Example::

    read_members(obj, to_py, js.Map.new(), js.Array.isArray, js.Object.keys, js.Reflect.get)
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Any, Callable, JSValue


def read_members(value: JSValue, read: Callable[[JSValue], Any], seen: JSValue, is_array: Callable[[JSValue], bool],
                 keys: Callable[[JSValue], JSValue], get: Callable[[JSValue, Any], JSValue]) -> Any:
    """``value``'s items (a list) or members (a dict), each passed through ``read``; members that
    throw are left out, and ``value`` met again inside itself (``seen``, a JS Map) is None."""
    if seen.has(value):
        return None
    seen.set(value, True)
    out: Any
    if is_array(value):
        out = [read(get(value, i)) for i in range(int(get(value, "length")))]
    else:
        out = {}
        for key in keys(value):
            try:
                out[key] = read(get(value, key))
            except Exception:
                continue
    seen.delete(value)     # the same object met again elsewhere (not inside itself) is read again
    return out
