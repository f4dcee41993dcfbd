"""Hostile arguments for the purchase methods, and the rule saying which are acceptable.

``acceptable(field, value)`` is the specification the validator must meet (written here
independently of ``ttminis.validation``); ``SAMPLE`` is a fixed list of calls built from ``JUNK``
that must all be refused, run on CPython (tests/unit) and in the browser on both runtimes.
"""
JS_SAFE = 2 ** 53 - 1
INT32_MAX = 2 ** 31 - 1

# method -> (JS name, {field: kind}); every other field is "extra" (any plain data)
FIELDS = {
    "check_balance": ("checkBalance", {"amount": "int32", "type": "beans"}),
    "recharge": ("recharge", {"tier_id": "text"}),
    "pay": ("pay", {"trade_order_id": "text", "log_extra": "mapping"}),
    "navigate_to_balance": ("navigateToBalance", {"type": "beans"}),
}
VALID = {"amount": 5, "type": "BEANS", "tier_id": "tier-1", "trade_order_id": "ord-1"}
REQUIRED = {"amount", "tier_id", "trade_order_id"}


def plain(value):
    if value is None or isinstance(value, (bool, str)):
        return True
    if isinstance(value, int):
        return abs(value) <= JS_SAFE
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, (list, tuple)):
        return all(plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain(v) for k, v in value.items())
    return False


def acceptable(field, value):
    """Whether ``field=value`` must be accepted (None means "not given")."""
    kind = {k: v for _, fields in FIELDS.values() for k, v in fields.items()}.get(field, "extra")
    if value is None:
        return field not in REQUIRED
    if kind == "int32":
        return type(value) is int and 1 <= value <= INT32_MAX
    if kind == "beans":
        return value == "BEANS" and type(value) is str
    if kind == "text":
        return isinstance(value, str) and bool(value.strip())
    if kind == "mapping":
        return isinstance(value, dict) and plain(value)
    return plain(value)


JUNK = ["None", "True", "False", "0", "-1", "2**31", "2**53", "-(2**63)", "1.5", "float('nan')",
        "float('inf')", "-float('inf')", "''", "'   '", "'\\U0001F3AE' * 300", "'BEANS '", "'beans'",
        "b'BEANS'", "[]", "[1]", "{}", "{'a': float('nan')}", "{1: 'x'}", "{'a': {'b': [{1, 2}]}}", "(1, 2)",
        "object()", "{1, 2}", "print", "[[[[2**60]]]]", "{'deep': [{'x': float('-inf')}]}", "'\\x00'",
        "bytearray(b'x')", "1j", "{'k': b'v'}", "{'k': (1, object())}"]


def _sample():
    calls = []
    for method, (_js, fields) in FIELDS.items():
        for field in list(fields) + ["extra_field"]:
            for junk in JUNK:
                try:
                    value = eval(junk, {})       # test-side only: the sample is written as source
                except Exception:
                    continue
                if acceptable(field, value):
                    continue
                others = {k: v for k, v in VALID.items() if k in fields and k != field}
                args = ", ".join([f"{k}={v!r}" for k, v in others.items()] + [f"{field}={junk}"])
                calls.append((f"game.{method}({args})", method, field))
    return calls


SAMPLE = _sample()
