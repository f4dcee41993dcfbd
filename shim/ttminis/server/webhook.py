"""TikTok's signed webhooks: verify a delivery (raw bytes first, constant time), sign one for tests.

Exports:
    verify_webhook(body, signature_header, client_secret, *, tolerance=300, now=None) -> WebhookEvent
    sign_webhook(body, client_secret, timestamp) -> the ``Tiktok-Signature`` header value
    WebhookEvent            ``.event``, ``.create_time``, ``.client_key``, ``.user_openid``,
                            ``.content`` (a dict), ``.trade_order_id``, ``.order_id``, ``.is_sandbox``
    WebhookError            the delivery is not one we can accept (bad body, bad content, ...)
    WebhookSignatureError   any problem with the signature header or the signature itself
    WebhookTimestampError   authentic (the signature matches) but signed outside the tolerance;
                            ``.event`` is the parsed, authentic event
    REDEEM_SUCCESS, REFUND_TRACEBACK, REFUND_SUCCESS, REFUND_FAIL, AUTHORIZATION_REMOVED
                            TikTok's event names, exactly as documented (``.redeem.`` in the minis ones)

TikTok signs ``t + "." + raw body`` with HMAC-SHA256 and the app's client secret and sends
``Tiktok-Signature: t=<unix seconds>,s=<hex>``. The signature is checked on the raw bytes before
anything is parsed, with a constant-time comparison; the timestamp only after the signature (so a
stale delivery is known to be authentic, and the caller can decide not to lose it: see
``WebhookTimestampError``). Modelled on Stripe's ``Webhook.construct_event``.

Example::

    try:
        event = verify_webhook(request_body, headers["Tiktok-Signature"], os.environ["TIKTOK_CLIENT_SECRET"])
    except WebhookTimestampError as e:
        confirm_with_the_query_api(e.event)       # authentic but late: never drop a payment
    except WebhookError:
        return 400
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

REDEEM_SUCCESS = "minis.trade_order.redeem.success"
REFUND_TRACEBACK = "minis.trade_order.redeem.refund_traceback"      # a partial recovery: refund_amount Beans
REFUND_SUCCESS = "minis.trade_order.redeem.refund_success"          # documented as "currently unavailable"
REFUND_FAIL = "minis.trade_order.redeem.refund_fail"                # documented as "currently unavailable"
AUTHORIZATION_REMOVED = "authorization.removed"                     # the player disconnected the app
TRADE_ORDER_EVENTS = (REDEEM_SUCCESS, REFUND_TRACEBACK, REFUND_SUCCESS, REFUND_FAIL)
SIGNATURE_HEADER = "Tiktok-Signature"
_MAX_HEADER = 512


class WebhookError(ValueError):
    """A webhook delivery that must not be acted on; the message says what was wrong."""


class WebhookSignatureError(WebhookError):
    """The ``Tiktok-Signature`` header is missing or malformed, or the signature does not match."""


class WebhookTimestampError(WebhookSignatureError):
    """The signature matches but its timestamp is outside the tolerance (late, replayed or from
    the future). ``.event`` is the authentic event, ``.age`` how old the signature is (seconds)."""

    def __init__(self, message: str, event: WebhookEvent, age: float) -> None:
        super().__init__(message)
        self.event = event
        self.age = age


@dataclass(frozen=True)
class WebhookEvent:
    """One verified delivery. ``content`` is TikTok's ``content`` string, parsed.

    Example::

        event.event == REDEEM_SUCCESS and event.trade_order_id == "7312..."
    """

    event: str
    create_time: int
    client_key: str
    user_openid: str
    content: dict[str, Any]
    signed_at: int
    raw: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def trade_order_id(self) -> str | None:
        return self.content.get("trade_order_id")

    @property
    def order_id(self) -> str | None:
        return self.content.get("order_id")

    @property
    def is_sandbox(self) -> bool:
        return self.content.get("is_sandbox") is True

    @property
    def refund_amount(self) -> int | None:
        """``refund_traceback``'s Beans recovered (None when the content does not say)."""
        amount = self.content.get("refund_amount")
        return amount if isinstance(amount, int) and not isinstance(amount, bool) else None


def sign_webhook(body: bytes, client_secret: str, timestamp: int) -> str:
    """The ``Tiktok-Signature`` header TikTok would send for ``body`` signed at ``timestamp``.

    Example::

        header = sign_webhook(b'{"event": ...}', "secret", int(time.time()))   # "t=1700000000,s=3f..."
    """
    if isinstance(body, str):
        body = body.encode("utf-8")
    return f"t={int(timestamp)},s={_digest(body, client_secret, str(int(timestamp)))}"


def _digest(body: bytes, client_secret: str, timestamp_text: str) -> str:
    message = timestamp_text.encode("ascii") + b"." + body
    return hmac.new(client_secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _parse_header(signature_header: object) -> tuple[str, str]:
    if not isinstance(signature_header, str) or not signature_header.strip():
        raise WebhookSignatureError(f"missing {SIGNATURE_HEADER} header")
    if len(signature_header) > _MAX_HEADER:
        raise WebhookSignatureError(f"{SIGNATURE_HEADER} header is too long")
    fields: dict[str, str] = {}
    for part in signature_header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep or key not in ("t", "s"):
            raise WebhookSignatureError(
                f"malformed {SIGNATURE_HEADER} header: expected 't=<unix seconds>,s=<hex>', got {part.strip()!r}")
        if key in fields:
            raise WebhookSignatureError(f"malformed {SIGNATURE_HEADER} header: '{key}' given more than once")
        fields[key] = value.strip()
    timestamp, signature = fields.get("t", ""), fields.get("s", "")
    if not timestamp.isascii() or not timestamp.isdigit():
        raise WebhookSignatureError(f"malformed {SIGNATURE_HEADER} header: t must be unix seconds")
    if len(signature) != 64 or any(c not in "0123456789abcdefABCDEF" for c in signature):
        raise WebhookSignatureError(f"malformed {SIGNATURE_HEADER} header: s must be 64 hex digits")
    return timestamp, signature.lower()


def verify_webhook(body: bytes, signature_header: str | None, client_secret: str, *, tolerance: int = 300,
                   now: float | None = None) -> WebhookEvent:
    """Check a delivery's signature on the raw ``body``, then parse it; returns the event.

    Raises ``WebhookSignatureError`` for a missing/malformed header or a wrong signature,
    ``WebhookTimestampError`` (a ``WebhookSignatureError``) for an authentic delivery signed more
    than ``tolerance`` seconds before or after ``now``, and ``WebhookError`` for a body that is not
    TikTok's JSON or a ``content`` that does not parse.

    Example::

        event = verify_webhook(await request.body(), request.headers.get("Tiktok-Signature"), secret)
    """
    if not isinstance(body, (bytes, bytearray)):
        raise TypeError(f"verify_webhook: body must be the raw request bytes, got {type(body).__name__}")
    if not isinstance(client_secret, str) or not client_secret:
        raise ValueError("verify_webhook: client_secret must be your app's non-empty client secret")
    timestamp, signature = _parse_header(signature_header)
    expected = _digest(bytes(body), client_secret, timestamp)
    if not hmac.compare_digest(expected, signature):
        raise WebhookSignatureError("signature does not match: wrong client secret, or the body was changed")
    event = _parse_body(bytes(body), int(timestamp))
    age = (time.time() if now is None else now) - int(timestamp)
    if abs(age) > tolerance:
        when = "old" if age > 0 else "in the future"
        raise WebhookTimestampError(f"signature timestamp is {abs(age):.0f} s {when} "
                                    f"(tolerance {tolerance} s)", event, age)
    return event


def _parse_body(body: bytes, signed_at: int) -> WebhookEvent:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise WebhookError(f"body is not JSON ({type(e).__name__})") from None
    if not isinstance(data, dict):
        raise WebhookError("body must be a JSON object")
    for name in ("client_key", "event", "content"):
        if not isinstance(data.get(name), str) or not data[name]:
            raise WebhookError(f"body field {name!r} must be a non-empty string")
    create_time = data.get("create_time")
    if not isinstance(create_time, int) or isinstance(create_time, bool):
        raise WebhookError("body field 'create_time' must be an integer (unix seconds)")
    openid = data.get("user_openid")
    if openid is not None and not isinstance(openid, str):
        raise WebhookError("body field 'user_openid' must be a string when present")
    try:
        content = json.loads(data["content"])
    except (ValueError, RecursionError) as e:
        raise WebhookError(f"body field 'content' is not a JSON string ({type(e).__name__})") from None
    if not isinstance(content, dict):
        raise WebhookError("body field 'content' must hold a JSON object")
    for name in ("trade_order_id", "order_id"):
        if name in content and not isinstance(content[name], str):
            raise WebhookError(f"content field {name!r} must be a string")
    if data["event"] in TRADE_ORDER_EVENTS and not content.get("trade_order_id"):
        raise WebhookError(f"content of {data['event']} has no trade_order_id")
    if "is_sandbox" in content and not isinstance(content["is_sandbox"], bool):
        raise WebhookError("content field 'is_sandbox' must be a boolean")
    amount = content.get("refund_amount")
    if "refund_amount" in content and (not isinstance(amount, int) or isinstance(amount, bool) or amount < 0):
        raise WebhookError("content field 'refund_amount' must be a whole number of Beans >= 0")
    for name in ("client_key", "event", "user_openid"):
        if len(data.get(name) or "") > 256:
            raise WebhookError(f"body field {name!r} must be at most 256 characters")
    return WebhookEvent(event=data["event"], create_time=create_time, client_key=data["client_key"],
                        user_openid=openid or "", content=content, signed_at=signed_at, raw=data)
