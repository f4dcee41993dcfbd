"""Checking a call's arguments before anything reaches TTMinis.game.

Exports:
    build_options(method, args, kwargs) -> (options, callbacks, timeout)
        merges an options mapping, positional fields and keywords; applies defaults; checks
        every known field and that every value can cross to JavaScript; drops ``None`` values.
    check_callable(method, name, value)
    check_timeout(method, timeout) -> timeout     None, or a positive finite number of seconds
    check_text(method, field, value) -> value     a non-empty str

Errors name the method, the field and what was expected: ``TypeError`` for a wrong type,
``ValueError`` for a wrong value. Unknown fields pass through (newer SDK fields need no release),
but must still be plain data: None, bool, int, float, str, lists/tuples and str-keyed dicts.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Any, Callable

    Checker = Callable[[str, str, object], None]
    Spec = tuple[tuple[str, ...], dict[str, tuple[Checker, bool]], dict[str, object]]

INT32_MAX = 2 ** 31 - 1
_JS_SAFE_INT = 2 ** 53 - 1
CALLBACK_NAMES = ("success", "fail", "complete")
_NO_SPEC: Spec = ((), {}, {})
_INF = float("inf")


def _type_name(value: object) -> str:
    return type(value).__name__


def _int32_amount(method: str, field: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{method}: {field} must be an int, got {_type_name(value)} {value!r}")
    if not 1 <= value <= INT32_MAX:
        raise ValueError(f"{method}: {field} must be in 1..{INT32_MAX}, got {value!r}")


def _beans(method: str, field: str, value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{method}: {field} must be the str 'BEANS', got {_type_name(value)} {value!r}")
    if value != "BEANS":
        raise ValueError(f"{method}: {field} must be 'BEANS', got {value!r}")


def _non_empty_str(method: str, field: str, value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{method}: {field} must be a non-empty str, got {_type_name(value)} {value!r}")
    if not value.strip():
        raise ValueError(f"{method}: {field} must be a non-empty str, got {value!r}")


def _mapping(method: str, field: str, value: object) -> None:
    if not isinstance(value, dict):
        raise TypeError(f"{method}: {field} must be a dict, got {_type_name(value)}")


def _progress(method: str, field: str, value: object) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"{method}: {field} must be a number, got {_type_name(value)} {value!r}")
    if not 0 <= value <= 1:
        raise ValueError(f"{method}: {field} must be in 0..1, got {value!r}")


def _str(method: str, field: str, value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{method}: {field} must be a str, got {_type_name(value)} {value!r}")


# method -> (positional field names, {field: (checker, required)}, defaults)
SPECS: dict[str, Spec] = {
    "checkBalance": (("amount", "type"),
                     {"amount": (_int32_amount, True), "type": (_beans, True)}, {"type": "BEANS"}),
    "recharge": (("tier_id",), {"tier_id": (_non_empty_str, True)}, {}),
    "pay": (("trade_order_id", "log_extra"),
            {"trade_order_id": (_non_empty_str, True), "log_extra": (_mapping, False)}, {}),
    "navigateToBalance": (("type",), {"type": (_beans, True)}, {"type": "BEANS"}),
    "init": (("clientKey",), {"clientKey": (_non_empty_str, True)}, {}),
    "setLoadingProgress": (("progress",), {"progress": (_progress, True)}, {}),
    "setStorage": (("key", "data"), {"key": (_non_empty_str, True)}, {}),
    "getStorage": (("key",), {"key": (_non_empty_str, True)}, {}),
    "removeStorage": (("key",), {"key": (_non_empty_str, True)}, {}),
    "login": ((), {}, {}),
    "authorize": (("scope",), {"scope": (_str, False)}, {}),
    "request": (("url",), {"url": (_non_empty_str, True)}, {}),
    "addShortcut": ((), {}, {}),
    "getShortcutMissionReward": ((), {}, {}),
    "startEntranceMission": ((), {}, {}),
    "getEntranceMissionReward": ((), {}, {}),
    "createRewardedVideoAd": (("adUnitId",), {"adUnitId": (_non_empty_str, True)}, {}),
    "createInterstitialAd": (("adUnitId",), {"adUnitId": (_non_empty_str, True)}, {}),
}


# Derived once, so a call walks short tuples instead of dicts (dict loops are slow on Brython).
_REQUIRED = {method: tuple(name for name, (_check, required) in spec[1].items() if required)
             for method, spec in SPECS.items()}
_DEFAULTS = {method: tuple(spec[2].items()) for method, spec in SPECS.items()}


def check_callable(method: str, name: str, value: object) -> None:
    """TypeError naming ``method`` and ``name`` unless ``value`` is callable."""
    if not callable(value):
        raise TypeError(f"{method}: {name} must be callable, got {_type_name(value)}")


def check_timeout(method: str, timeout: object) -> float | None:
    """``timeout`` if it is None or a positive, finite number of seconds; else TypeError/ValueError."""
    if timeout is not None:
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool):
            raise TypeError(f"{method}: timeout must be a number of seconds, got {_type_name(timeout)}")
        if not timeout > 0 or timeout != timeout or timeout == _INF:
            raise ValueError(f"{method}: timeout must be a positive, finite number of seconds, got {timeout!r}")
    return timeout


def check_text(method: str, field: str, value: object) -> str:
    """``value`` if it is a non-empty str; else TypeError/ValueError naming ``method`` and ``field``."""
    _non_empty_str(method, field, value)
    return value     # type: ignore[return-value]   # checked just above: a str


def build_options(method: str, args: tuple[Any, ...], kwargs: dict[str, Any], null: object = None
                  ) -> tuple[dict[str, Any], dict[str, Callable[..., object]], float | None]:
    """Assemble and check one call's options.

    ``args`` may start with an options mapping; otherwise positionals fill the method's documented
    fields in order. Returns ``(options, callbacks, timeout)``: ``options`` is a fresh dict of
    plain data with ``None`` values dropped; ``callbacks`` maps success/fail/complete to callables
    (empty in await style); ``timeout`` is seconds or ``None``. The ``timeout=`` keyword is always
    ttminis's own; a ``"timeout"`` key inside an options dict is sent to the SDK (as ``request``
    wants). ``null`` is what ``None`` inside a list becomes (the backend's JS null).

    Example::

        build_options("checkBalance", (50,), {})
        # ({"amount": 50, "type": "BEANS"}, {}, None)
    """
    positional_names, fields, _defaults = SPECS.get(method) or _NO_SPEC
    if args and not kwargs and positional_names and not isinstance(args[0], dict):
        return _from_positionals(method, args, positional_names, fields, null), {}, None
    timeout = kwargs.pop("timeout", None) if kwargs else None
    merged: dict[Any, Any] = {}
    if args:
        first = args[0]
        if isinstance(first, dict) or not positional_names:
            if not isinstance(first, dict):
                raise TypeError(f"{method}: options must be a dict, got {_type_name(first)}")
            if len(args) > 1:
                raise TypeError(f"{method}: after an options dict, pass further fields as keywords")
            merged.update(first)
        else:
            if len(args) > len(positional_names):
                raise TypeError(f"{method}: takes at most {len(positional_names)} positional "
                                f"field(s) {positional_names}, got {len(args)}")
            for name, value in zip(positional_names, args):
                if name in kwargs:
                    raise TypeError(f"{method}: {name} given twice")
                merged[name] = value
    if kwargs:
        merged.update(kwargs)

    if timeout is not None:
        check_timeout(method, timeout)

    callbacks: dict[str, Callable[..., object]] = {}
    if "success" in merged or "fail" in merged or "complete" in merged:
        for name in CALLBACK_NAMES:
            value = merged.pop(name, None)
            if value is not None:
                check_callable(method, name, value)
                callbacks[name] = value

    for name, default in _DEFAULTS.get(method, ()):
        if merged.get(name) is None:
            merged[name] = default
    options: dict[str, Any] = {}
    for name, value in merged.items():
        _add_option(options, method, fields, name, value, null)
    _check_required(method, options)
    return options, callbacks, timeout


def _from_positionals(method: str, args: tuple[Any, ...], names: tuple[str, ...],
                      fields: dict[str, tuple[Checker, bool]], null: object) -> dict[str, Any]:
    """The options of the commonest call, documented fields given in order (``check_balance(50)``):
    the same checks as ``build_options``, walking tuples only (iterating a dict costs ~20 µs on Brython)."""
    if len(args) > len(names):
        raise TypeError(f"{method}: takes at most {len(names)} positional "
                        f"field(s) {names}, got {len(args)}")
    options: dict[str, Any] = {}
    for i in range(len(args)):
        _add_option(options, method, fields, names[i], args[i], null)
    for pair in _DEFAULTS.get(method, ()):
        if options.get(pair[0]) is None:
            _add_option(options, method, fields, pair[0], pair[1], null)
    _check_required(method, options)
    return options


def _add_option(options: dict[str, Any], method: str, fields: dict[str, tuple[Checker, bool]], name: object,
                value: object, null: object) -> None:
    """``options[name] = value`` checked (its field's rule, plain data); ``None`` values are dropped."""
    if value is None:
        return
    if not isinstance(name, str):
        raise TypeError(f"{method}: option names must be str, got {_type_name(name)} {name!r}")
    spec = fields.get(name)
    if spec is not None:
        spec[0](method, name, value)
    kind = type(value)
    if kind is str or kind is bool:
        options[name] = value      # the common case, without a call
    else:
        options[name] = plain(value, (method, ": ", name), null)


def _check_required(method: str, options: dict[str, Any]) -> None:
    for name in _REQUIRED.get(method, ()):
        if name not in options:
            raise TypeError(f"{method}: missing required field {name!r}")


def plain(value: object, where: str | tuple[str, ...], null: object = None) -> Any:
    """A copy of ``value`` that can cross to JavaScript as plain data, dict ``None`` values dropped.

    ``where`` names the value in error messages: a str, or a tuple of str joined only when an
    error is raised (so the common case builds no message). ``None`` inside a list becomes ``null``.

    Example::

        plain({"a": None, "b": [1, (2, 3)]}, "pay: log_extra")   # {"b": [1, [2, 3]]}
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        if value > _JS_SAFE_INT or value < -_JS_SAFE_INT:
            raise ValueError(f"{_name(where)} must fit in a JavaScript number (|n| <= 2**53-1), got {value!r}")
        return value
    if isinstance(value, float):
        if value != value or value == _INF or value == -_INF:
            raise ValueError(f"{_name(where)} must be a finite number, got {value!r}")
        return value
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{_name(where)} keys must be str, got {_type_name(key)} {key!r}")
            if item is not None:
                out[key] = plain(item, (_name(where), f"[{key!r}]"), null)
        return out
    if isinstance(value, (list, tuple)):
        return [null if item is None else plain(item, (_name(where), f"[{i}]"), null)
                for i, item in enumerate(value)]
    raise TypeError(f"{_name(where)} must be plain data (None, bool, int, float, str, list, dict), "
                    f"got {_type_name(value)}")


def _name(where: str | tuple[str, ...]) -> str:
    return where if isinstance(where, str) else "".join(where)
