"""ttminis.server: the server half of a purchase. Host side only, never bundled into a game.

Install with ``pip install ttminis[server]``. Modules, one concern each:
    webhook        verify_webhook / sign_webhook, WebhookEvent, WebhookError, TikTok's event names (stdlib only)
    tiktok_api     TikTokAPI: login (code -> tokens, refresh, revoke), prices (check_redeem_amounts,
                   get_tier_infos) and trade orders (create, query)
    store          Store: orders, the webhook inbox, tokens, sessions, exactly-once grants, partial refunds
                   (SQLite or PostgreSQL)
    sweeper        Sweeper: the inbox and every unsettled order settled with the query API, on a schedule
    redact         RedactingFilter: tokens never reach a log line
    app            create_app: the runnable reference backend (``python -m ttminis.server serve``)
    fake_tiktok    FakeTikTokServer: TikTok's server side over real HTTP, for tests
    serving        ServerThread: an ASGI app on 127.0.0.1 in a background thread

The names below are importable from ``ttminis.server`` directly; only ``webhook`` is imported up
front, the rest (httpx, Starlette, SQLAlchemy) on first use.

Example::

    from ttminis.server import verify_webhook, WebhookError
    event = verify_webhook(raw_body, signature_header, client_secret)
"""
import importlib
from typing import TYPE_CHECKING, Any

from .webhook import (AUTHORIZATION_REMOVED, REDEEM_SUCCESS, REFUND_FAIL, REFUND_SUCCESS, REFUND_TRACEBACK,
                      WebhookError, WebhookEvent, WebhookSignatureError,
                      WebhookTimestampError, sign_webhook, verify_webhook)

_LAZY = {
    "TikTokAPI": "tiktok_api", "Tokens": "tiktok_api", "OrderRequest": "tiktok_api", "OrderStatus": "tiktok_api",
    "TikTokAPIError": "tiktok_api", "OrderOutcomeUnknown": "tiktok_api", "TierInfo": "tiktok_api",
    "RedactingFilter": "redact", "RefundNotice": "store",
    "Store": "store", "Grant": "store", "Refund": "store",
    "Sweeper": "sweeper", "create_app": "app", "Settings": "app", "load_catalogue": "app",
    "FakeTikTokServer": "fake_tiktok", "ServerThread": "serving",
}
__all__ = ["verify_webhook", "sign_webhook", "WebhookEvent", "WebhookError", "WebhookSignatureError",
           "WebhookTimestampError", "REDEEM_SUCCESS", "REFUND_TRACEBACK", "REFUND_SUCCESS", "REFUND_FAIL",
           "AUTHORIZATION_REMOVED", *_LAZY]


if TYPE_CHECKING:      # what __getattr__ imports on first use, for type checkers
    from .app import Settings, create_app, load_catalogue
    from .fake_tiktok import FakeTikTokServer
    from .serving import ServerThread
    from .store import Grant, Refund, Store
    from .sweeper import Sweeper
    from .redact import RedactingFilter
    from .store import RefundNotice
    from .tiktok_api import (OrderOutcomeUnknown, OrderRequest, OrderStatus, TierInfo, TikTokAPI, TikTokAPIError,
                             Tokens)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'ttminis.server' has no attribute {name!r}")
