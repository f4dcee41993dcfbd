"""The exceptions ttminis raises, and the one place SDK failure payloads are normalised.

Exports:
    TTMinisError          an SDK call failed: ``.error_code``, ``.error_msg``, ``.error_extra``
    TTMinisUnavailable    the SDK (or the method) is not there; subclass of TTMinisError
    TTMinisTimeout        an awaited call passed its ``timeout=``; subclass of TTMinisError
    failure_payload(raw)  -> ``{"error": {"error_code": int, "error_msg": str, "error_extra": dict}}``
    ERROR_*               ttminis's own error codes (negative, so they never collide with TikTok's)

TikTok's SDK fails with ``{error: {error_code, error_msg, error_extra}}``; integrations also meet
WeChat's ``{errMsg, errNo}``, a bare string, or nothing at all. Whatever arrives, Python sees the
one documented shape.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Any, Failure

ERROR_TIMEOUT = -1       # the SDK did not answer within the call's timeout=
ERROR_SDK_THREW = -2     # the SDK threw instead of calling back
ERROR_UNKNOWN = -3       # the SDK failed without a usable error code
ERROR_IN_FLIGHT = -4     # a pay() for this trade_order_id is still waiting for the SDK
ERROR_UNAVAILABLE = -5   # no SDK, or no such method
ERROR_RELEASED = -6      # the game gave this trade_order_id up with game.release_order()

_NO_DETAILS = "the SDK reported a failure without details"
_UNREADABLE = "the SDK reported a failure that could not be read"
_UNAVAILABLE_HINT = ("Outside TikTok, run the game with the fake SDK: a `ttminis build --dev` web build, the "
                     "simulator (`ttminis build --target native --serve`, `ttminis simulate`, the ttminis_native "
                     "fixture), or the ttminis_wallet fixture (ttminis.testing.install()) in CPython tests.")


class TTMinisError(Exception):
    """A TTMinis.game call failed.

    Example::

        try:
            await game.pay("ord-1")
        except TTMinisError as e:
            show(f"payment failed ({e.error_code}): {e.error_msg}")
    """

    def __init__(self, error_code: int = ERROR_UNKNOWN, error_msg: str = "",
                 error_extra: dict[str, Any] | None = None) -> None:
        super().__init__(error_code, error_msg)
        self.error_code = error_code
        self.error_msg = error_msg
        self.error_extra = error_extra if error_extra is not None else {}

    def __str__(self) -> str:
        return f"[{self.error_code}] {self.error_msg}"

    def payload(self) -> Failure:
        """The failure as the ``fail`` callback receives it.

        Example::

            TTMinisError(1, "no").payload()   # {"error": {"error_code": 1, "error_msg": "no", "error_extra": {}}}
        """
        return {"error": {"error_code": self.error_code, "error_msg": self.error_msg,
                          "error_extra": self.error_extra}}

    @classmethod
    def from_payload(cls, payload: object) -> TTMinisError:
        """The error for whatever the SDK passed to ``fail`` (normalised by ``failure_payload``).

        Example::

            TTMinisError.from_payload({"errMsg": "pay:fail", "errNo": 21}).error_code   # 21
        """
        error = failure_payload(payload)["error"]
        return cls(error["error_code"], error["error_msg"], error["error_extra"])


class TTMinisUnavailable(TTMinisError):
    """TikTok's SDK, or the method asked for, is not present in this client.

    Example::

        try:
            game.login(success=on_login)
        except TTMinisUnavailable as e:
            print(e)   # says what is missing and how to get the fake SDK
    """

    def __init__(self, what: str, hint: str = _UNAVAILABLE_HINT) -> None:
        super().__init__(ERROR_UNAVAILABLE, f"{what} is not available here. {hint}")


class TTMinisTimeout(TTMinisError):
    """An awaited call got no answer from the SDK within its ``timeout=`` seconds.

    Example::

        try:
            await game.pay("ord-1", timeout=120)
        except TTMinisTimeout:
            show("still waiting for TikTok; check your orders later")
    """

    def __init__(self, method: str, seconds: float) -> None:
        super().__init__(ERROR_TIMEOUT, f"{method}: no answer from the SDK within {seconds} s",
                         {"timeout": seconds})


def failure_payload(raw: object) -> Failure:
    """Normalise whatever the SDK passed to ``fail`` into TikTok's documented shape; never raises.

    Example::

        failure_payload({"errMsg": "pay:fail cancel", "errNo": 21})
        # {"error": {"error_code": 21, "error_msg": "pay:fail cancel", "error_extra": {}}}
    """
    try:
        return _normalise(raw)
    except Exception:   # an object whose str() or items() raises: still one documented failure
        return {"error": {"error_code": ERROR_UNKNOWN, "error_msg": _UNREADABLE, "error_extra": {}}}


def _normalise(raw: object) -> Failure:
    error = raw.get("error") if isinstance(raw, dict) else None
    code: object
    msg: object
    extra: object
    if isinstance(error, dict):
        code, msg, extra = error.get("error_code"), error.get("error_msg"), error.get("error_extra")
    elif isinstance(raw, dict) and ("errMsg" in raw or "errNo" in raw or "errCode" in raw):
        code = raw.get("errNo", raw.get("errCode"))
        msg, extra = raw.get("errMsg"), {k: v for k, v in raw.items()
                                         if k not in ("errMsg", "errNo", "errCode")}
    elif isinstance(raw, dict) and ("error_code" in raw or "error_msg" in raw):
        code, msg, extra = raw.get("error_code"), raw.get("error_msg"), raw.get("error_extra")
    else:
        code, extra = None, (raw if isinstance(raw, dict) and raw else None)
        msg = raw if isinstance(raw, str) else error if isinstance(error, str) else None
    return {"error": {"error_code": _as_code(code),
                      "error_msg": str(msg) if msg not in (None, "") else _NO_DETAILS,
                      "error_extra": extra if isinstance(extra, dict) else
                      ({} if extra is None else {"value": extra})}}


_DIGITS = frozenset("0123456789")


def _as_code(code: object) -> int:
    """An int error code: ints, integral floats and short ASCII decimal strings ("-12"); else
    ERROR_UNKNOWN (``"--5"``, ``"²"``, ``"1e3"``, NaN, booleans, and anything else)."""
    if isinstance(code, bool):
        return ERROR_UNKNOWN
    if isinstance(code, int):
        return code
    if isinstance(code, float) and code == code and code.is_integer():
        return int(code)
    if isinstance(code, str):
        text = code.strip()
        digits = text[1:] if text[:1] == "-" else text
        if 0 < len(digits) <= 30 and _DIGITS.issuperset(digits):
            return int(text)
    return ERROR_UNKNOWN


class SDKThrew(Exception):
    """Internal: a backend's JS call threw; the core turns it into an ``ERROR_SDK_THREW`` failure."""
