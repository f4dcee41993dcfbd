"""Reading a JS object the backend's plain conversion refused, for ``_pyodide`` and ``_brython``.

A payload may hold a cycle, a getter that throws, or be a Proxy whose traps throw: conversion
then fails as a whole. ``read_members`` reads what can be read, one member at a time.

Example::

    read_members(obj, to_py, js.Map.new(), js.Array.isArray, js.Object.keys, js.Reflect.get)
"""


def read_members(value, read, seen, is_array, keys, get):
    """``value``'s items (a list) or members (a dict), each passed through ``read``; members that
    throw are left out, and ``value`` met again inside itself (``seen``, a JS Map) is None."""
    if seen.has(value):
        return None
    seen.set(value, True)
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
