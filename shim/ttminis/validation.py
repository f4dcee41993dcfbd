"""Checking a call's arguments before anything reaches TTMinis.game.

Exports:
    build_options(method, args, kwargs) -> (options, callbacks, timeout)
        merges an options mapping, positional fields and keywords; applies defaults; checks
        every known field and that every value can cross to JavaScript; drops ``None`` values.
    check_callable(method, name, value)

Errors name the method, the field and what was expected: ``TypeError`` for a wrong type,
``ValueError`` for a wrong value. Unknown fields pass through (newer SDK fields need no release),
but must still be plain data: None, bool, int, float, str, lists/tuples and str-keyed dicts.
"""

INT32_MAX = 2 ** 31 - 1
_JS_SAFE_INT = 2 ** 53 - 1
CALLBACK_NAMES = ("success", "fail", "complete")
_MISSING = object()


def _type_name(value):
    return type(value).__name__


def _int32_amount(method, field, value):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{method}: {field} must be an int, got {_type_name(value)} {value!r}")
    if not 1 <= value <= INT32_MAX:
        raise ValueError(f"{method}: {field} must be in 1..{INT32_MAX}, got {value!r}")


def _beans(method, field, value):
    if not isinstance(value, str):
        raise TypeError(f"{method}: {field} must be the str 'BEANS', got {_type_name(value)} {value!r}")
    if value != "BEANS":
        raise ValueError(f"{method}: {field} must be 'BEANS', got {value!r}")


def _non_empty_str(method, field, value):
    if not isinstance(value, str):
        raise TypeError(f"{method}: {field} must be a non-empty str, got {_type_name(value)} {value!r}")
    if not value.strip():
        raise ValueError(f"{method}: {field} must be a non-empty str, got {value!r}")


def _mapping(method, field, value):
    if not isinstance(value, dict):
        raise TypeError(f"{method}: {field} must be a dict, got {_type_name(value)}")


def _progress(method, field, value):
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"{method}: {field} must be a number, got {_type_name(value)} {value!r}")
    if not 0 <= value <= 1:
        raise ValueError(f"{method}: {field} must be in 0..1, got {value!r}")


def _str(method, field, value):
    if not isinstance(value, str):
        raise TypeError(f"{method}: {field} must be a str, got {_type_name(value)} {value!r}")


# method -> (positional field names, {field: (checker, required)}, defaults)
SPECS = {
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


def check_callable(method, name, value):
    if not callable(value):
        raise TypeError(f"{method}: {name} must be callable, got {_type_name(value)}")


def build_options(method, args, kwargs):
    """Assemble and check one call's options.

    ``args`` may start with an options mapping; otherwise positionals fill the method's documented
    fields in order. Returns ``(options, callbacks, timeout)``: ``options`` is a fresh dict of
    plain data with ``None`` values dropped; ``callbacks`` maps success/fail/complete to callables
    (empty in await style); ``timeout`` is seconds or ``None``. The ``timeout=`` keyword is always
    ttminis's own; a ``"timeout"`` key inside an options dict is sent to the SDK (as ``request``
    wants).

    Example::

        build_options("checkBalance", (50,), {})
        # ({"amount": 50, "type": "BEANS"}, {}, None)
    """
    positional_names, fields, defaults = SPECS.get(method, ((), {}, {}))
    timeout = kwargs.pop("timeout", None)
    merged = {}
    if args and (isinstance(args[0], dict) or not positional_names):
        first, args = args[0], args[1:]
        if not isinstance(first, dict):
            raise TypeError(f"{method}: options must be a dict, got {_type_name(first)}")
        merged.update(first)
        if args:
            raise TypeError(f"{method}: after an options dict, pass further fields as keywords")
    if len(args) > len(positional_names):
        raise TypeError(f"{method}: takes at most {len(positional_names)} positional "
                        f"field(s) {positional_names}, got {len(args)}")
    for name, value in zip(positional_names, args):
        if name in kwargs or name in merged:
            raise TypeError(f"{method}: {name} given twice")
        merged[name] = value
    for name, value in kwargs.items():
        merged[name] = value

    if timeout is not None:
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool):
            raise TypeError(f"{method}: timeout must be a number of seconds, got {_type_name(timeout)}")
        if not timeout > 0 or timeout != timeout or timeout == float("inf"):
            raise ValueError(f"{method}: timeout must be a positive, finite number of seconds, got {timeout!r}")

    callbacks = {}
    for name in CALLBACK_NAMES:
        value = merged.pop(name, None)
        if value is not None:
            check_callable(method, name, value)
            callbacks[name] = value

    for name, value in defaults.items():
        if merged.get(name) is None:
            merged[name] = value
    options = {}
    for name, value in merged.items():
        if not isinstance(name, str):
            raise TypeError(f"{method}: option names must be str, got {_type_name(name)} {name!r}")
        if value is None:
            continue
        spec = fields.get(name)
        if spec:
            spec[0](method, name, value)
        options[name] = plain(value, f"{method}: {name}")
    for name, (_check, required) in fields.items():
        if required and name not in options:
            raise TypeError(f"{method}: missing required field {name!r}")
    return options, callbacks, timeout


def plain(value, where):
    """A copy of ``value`` that can cross to JavaScript as plain data, dict ``None`` values dropped.

    Example::

        plain({"a": None, "b": [1, (2, 3)]}, "pay: log_extra")   # {"b": [1, [2, 3]]}
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        if abs(value) > _JS_SAFE_INT:
            raise ValueError(f"{where} must fit in a JavaScript number (|n| <= 2**53-1), got {value!r}")
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{where} must be a finite number, got {value!r}")
        return value
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} keys must be str, got {_type_name(key)} {key!r}")
            if item is not None:
                out[key] = plain(item, f"{where}[{key!r}]")
        return out
    if isinstance(value, (list, tuple)):
        return [plain(item, f"{where}[{i}]") for i, item in enumerate(value)]
    raise TypeError(f"{where} must be plain data (None, bool, int, float, str, list, dict), "
                    f"got {_type_name(value)}")
