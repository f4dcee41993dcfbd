"""The reference backend: a small ASGI app (Starlette) a game can run as is, on SQLite by default.

Exports:
    Settings.from_env(**overrides)   configuration; secrets only from the environment
    create_app(settings, *, store=None, api=None, on_granted=None) -> Starlette app
    load_catalogue(path) -> {product_id: product}

Endpoints (JSON in and out; errors are ``{"error": {"code", "message"}}`` with a 4xx/5xx):
    POST /login {code}              the game's ``login()`` code -> ``{session, expires_in}``: the
                                    game's own session token, never TikTok's tokens
    GET  /products                  the server's catalogue (prices come only from here)
    POST /orders {product_id}       (Authorization: Bearer <session>) creates the order at TikTok
                                    -> ``{order_id, trade_order_id, product_id, amount, status}``
    GET  /orders/<order_id>         the player's own order (another player's is "not found")
    POST /webhook                   TikTok's signed webhook; 200 only after the grant committed
    GET  /health

A stale-but-authentic ``redeem.success`` (signed outside the tolerance) is not dropped: the order is
confirmed with the query API and granted once, or left ``pending`` for the sweeper. Request bodies
are limited to ``max_body`` bytes. Secrets never reach logs or responses.

Example::

    app = create_app(Settings.from_env(database_url="sqlite:///shop.db", catalogue=load_catalogue("products.json")))
    # uvicorn.run(app, host="127.0.0.1", port=8080)
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .store import GRANTED, UNKNOWN_ORDER, Grant, Refund, Store
from .sweeper import Sweeper
from .tiktok_api import TIKTOK_API, OrderOutcomeUnknown, OrderRequest, TikTokAPI, TikTokAPIError
from .webhook import (REDEEM_SUCCESS, REFUND_TRACEBACK, SIGNATURE_HEADER, WebhookError, WebhookEvent,
                      WebhookTimestampError, verify_webhook)

log = logging.getLogger("ttminis.server")


@dataclass
class Settings:
    """The backend's configuration. ``from_env`` reads the secrets from the environment:
    ``TIKTOK_CLIENT_KEY``, ``TIKTOK_CLIENT_SECRET``; and, if set, ``TTMINIS_DATABASE_URL``,
    ``TTMINIS_TIKTOK_API`` (the fake's URL in tests), ``TTMINIS_SANDBOX=1``,
    ``TTMINIS_ALLOWED_ORIGINS`` (comma-separated origins for CORS; default ``*``: the game
    authenticates with a bearer session token, never a cookie).
    """
    client_key: str
    client_secret: str = field(repr=False)
    database_url: str = "sqlite:///ttminis-orders.db"
    tiktok_api: str = TIKTOK_API
    catalogue: dict[str, dict[str, Any]] = field(default_factory=dict)
    sandbox: bool = False
    tolerance: int = 300
    max_body: int = 16 * 1024
    session_ttl: float = 30 * 24 * 3600
    allowed_origins: tuple[str, ...] = ("*",)
    sweep_every: float = 0          # seconds between sweeper rounds; 0: no background sweeper
    sweep_older_than: float = 60
    grant: Callable[[Grant], object] | None = None      # the game's hooks (see ``Store``)
    refund: Callable[[Refund], object] | None = None

    @classmethod
    def from_env(cls, **overrides: Any) -> "Settings":
        """Example::

            Settings.from_env(catalogue=load_catalogue("products.json"), sandbox=True)
        """
        env = os.environ
        key, secret = env.get("TIKTOK_CLIENT_KEY", ""), env.get("TIKTOK_CLIENT_SECRET", "")
        values: dict[str, Any] = {"client_key": key, "client_secret": secret}
        if env.get("TTMINIS_DATABASE_URL"):
            values["database_url"] = env["TTMINIS_DATABASE_URL"]
        if env.get("TTMINIS_TIKTOK_API"):
            values["tiktok_api"] = env["TTMINIS_TIKTOK_API"]
        if env.get("TTMINIS_ALLOWED_ORIGINS"):
            values["allowed_origins"] = tuple(o.strip() for o in env["TTMINIS_ALLOWED_ORIGINS"].split(",") if o.strip())
        if env.get("TTMINIS_SANDBOX"):
            values["sandbox"] = env["TTMINIS_SANDBOX"] not in ("0", "false", "")
        values.update(overrides)
        settings = cls(**values)
        if not settings.client_key or not settings.client_secret:
            raise ValueError("TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET must be set in the environment")
        return settings


def load_catalogue(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """The products a backend sells, from a JSON list of ``{"id", "name", "price"}``.

    Example::

        load_catalogue("examples/shop-server/catalogue.json")["sword"]["price"]    # 30
    """
    with open(path, encoding="utf-8") as f:
        items = json.load(f)
    catalogue: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not (isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]
                and isinstance(item.get("name"), str) and isinstance(item.get("price"), int)
                and not isinstance(item["price"], bool) and item["price"] >= 1):
            raise ValueError(f"{path}: item {i} must be {{'id': str, 'name': str, 'price': int >= 1}}, got {item!r}")
        catalogue[item["id"]] = item
    if not catalogue:
        raise ValueError(f"{path}: the catalogue must be a non-empty JSON list of products")
    return catalogue


class _Problem(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _problem(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


class _BodyLimit:
    """Refuse request bodies over ``limit`` bytes (413) before the app reads them."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await _problem(413, "body_too_large", f"request body must be at most {self.limit} bytes")(
                scope, receive, send)
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _Problem(413, "body_too_large", f"request body must be at most {self.limit} bytes")
            return message
        await self.app(scope, limited, send)


def create_app(settings: Settings, *, store: Store | None = None, api: TikTokAPI | None = None,
               on_granted: Callable[[str], object] | None = None) -> Starlette:
    """The reference backend as a Starlette app (see the module docstring).

    ``on_granted(trade_order_id)`` runs after a grant committed and before TikTok gets its 200
    (notifications; never the grant itself).

    Example::

        app = create_app(Settings.from_env(catalogue={"sword": {"id": "sword", "name": "Sword", "price": 30}}))
    """
    store = store or Store(settings.database_url, sandbox=settings.sandbox, grant=settings.grant,
                           refund=settings.refund)
    api = api or TikTokAPI(settings.client_key, settings.client_secret, base_url=settings.tiktok_api)
    sweeper = Sweeper(store, api)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(store.migrate)
        task = asyncio.create_task(sweeper.run_forever(settings.sweep_every, settings.sweep_older_than)) \
            if settings.sweep_every else None
        yield
        if task:
            task.cancel()
        await api.aclose()

    async def json_body(request: Request, *fields: str) -> dict[str, Any]:
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise _Problem(400, "invalid_json", "the body must be a JSON object") from None
        if not isinstance(body, dict):
            raise _Problem(400, "invalid_json", "the body must be a JSON object")
        for name in fields:
            value = body.get(name)
            if not isinstance(value, str) or not value or len(value) > 512:
                raise _Problem(400, "invalid_field", f"'{name}' must be a non-empty string of at most 512 characters")
        return body

    async def player(request: Request) -> str:
        header = request.headers.get("authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        open_id: str | None = await run_in_threadpool(store.session_player, token) if token else None
        if open_id is None:
            raise _Problem(401, "not_signed_in", "sign in first: POST /login with the code from game.login()")
        return open_id

    async def login(request: Request) -> JSONResponse:
        code = (await json_body(request, "code"))["code"]
        try:
            tokens = await api.exchange_code(code)
        except TikTokAPIError as e:
            log.info("login refused by TikTok: %s", e)
            raise _Problem(401 if e.http_status and e.http_status < 500 else 502, "login_failed",
                           f"TikTok did not accept the login code: {e.message}") from None
        await run_in_threadpool(store.save_tokens, tokens)
        session = await run_in_threadpool(store.new_session, tokens.open_id, settings.session_ttl)
        return JSONResponse({"session": session, "expires_in": int(settings.session_ttl)})

    async def products(request: Request) -> JSONResponse:
        return JSONResponse({"products": list(settings.catalogue.values())})

    async def create_order(request: Request) -> JSONResponse:
        open_id = await player(request)
        product_id = (await json_body(request, "product_id"))["product_id"]
        product = settings.catalogue.get(product_id)
        if product is None:
            raise _Problem(400, "unknown_product", f"'product_id' must be one of {sorted(settings.catalogue)}")
        order = await run_in_threadpool(store.begin_order, open_id, product)
        try:
            token = await sweeper.access_token(open_id)
            if token is None:
                await run_in_threadpool(store.order_not_created, order.order_id, "failed", "no TikTok tokens")
                raise _Problem(401, "not_signed_in", "sign in again: POST /login with a new code from game.login()")
            trade_order_id = await api.create_order(token, OrderRequest(
                order_id=order.order_id, amount=order.amount, product_id=order.product_id,
                product_name=order.product_name, quantity=order.quantity))
        except OrderOutcomeUnknown as e:
            await run_in_threadpool(store.order_not_created, order.order_id, "abandoned", str(e))
            raise _Problem(502, "order_unknown", "TikTok did not confirm the order; try again") from None
        except TikTokAPIError as e:
            await run_in_threadpool(store.order_not_created, order.order_id, "failed", str(e))
            raise _Problem(502, "order_failed", f"TikTok refused the order: {e.message}") from None
        order = await run_in_threadpool(store.order_created, order.order_id, trade_order_id)
        return JSONResponse(order.public(), status_code=201)

    async def get_order(request: Request) -> JSONResponse:
        open_id = await player(request)
        order = await run_in_threadpool(store.order, request.path_params["order_id"][:64])
        if order is None or order.open_id != open_id:
            raise _Problem(404, "not_found", "no such order")
        return JSONResponse(order.public())

    async def webhook(request: Request) -> JSONResponse:
        body = await request.body()
        stale = False
        try:
            event = verify_webhook(body, request.headers.get(SIGNATURE_HEADER), settings.client_secret,
                                   tolerance=settings.tolerance)
        except WebhookTimestampError as e:
            event, stale = e.event, True
        except WebhookError as e:
            log.warning("webhook refused: %s", e)
            raise _Problem(400, "bad_webhook", str(e)) from None
        if event.client_key != settings.client_key:
            raise _Problem(400, "bad_webhook", "client_key is not this app's")
        trade_order_id = event.trade_order_id or ""      # an event without one matches no order
        if event.event == REDEEM_SUCCESS:
            try:
                outcome = await (_confirm_stale(event) if stale else run_in_threadpool(
                    store.redeem, trade_order_id, order_id=event.order_id, is_sandbox=event.is_sandbox))
            except Exception as e:     # rolled back: no 200, so TikTok delivers it again
                log.error("grant of %s failed and was rolled back (TikTok will retry): %s: %s",
                          event.trade_order_id, type(e).__name__, e)
                raise _Problem(500, "grant_failed", "the grant failed and was rolled back; retry") from None
        elif event.event == REFUND_TRACEBACK:
            first = await run_in_threadpool(store.refund, trade_order_id, event.create_time,
                                            event.raw["content"], event.content)
            outcome = "refund_recorded" if first else "refund_duplicate"
        else:
            outcome = "ignored"
        await run_in_threadpool(store.log_webhook, event.event, event.trade_order_id, outcome, stale)
        if outcome == UNKNOWN_ORDER:
            log.warning("webhook for an order this backend does not know: %s", event.trade_order_id)
        if outcome == GRANTED and on_granted is not None:
            on_granted(trade_order_id)
        return JSONResponse({"ok": True, "outcome": outcome})

    async def _confirm_stale(event: WebhookEvent) -> str:
        """Authentic but late (or replayed): grant only what TikTok's query confirms."""
        order = await run_in_threadpool(store.order_for_trade, event.trade_order_id or "")
        if order is None and event.order_id:      # created at TikTok, but we crashed before keeping its id
            order = await run_in_threadpool(store.order, event.order_id)
            if order is not None and order.trade_order_id is None and order.status in ("creating", "abandoned"):
                order = dataclasses.replace(order, trade_order_id=event.trade_order_id, status="pending")
        if order is None or order.status != "pending" or order.trade_order_id != event.trade_order_id:
            return "stale_" + ("unknown_order" if order is None else order.status)
        try:
            return "stale_" + await sweeper.confirm(order)
        except TikTokAPIError as e:
            log.warning("stale webhook for %s left to the sweeper: %s", order.order_id, e)
            return "stale_left_for_sweeper"

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    async def problems(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, _Problem)
        return _problem(exc.status, exc.code, exc.message)

    routes = [Route("/login", login, methods=["POST"]), Route("/products", products, methods=["GET"]),
              Route("/orders", create_order, methods=["POST"]),
              Route("/orders/{order_id}", get_order, methods=["GET"]),
              Route("/webhook", webhook, methods=["POST"]), Route("/health", health, methods=["GET"])]
    middleware = [Middleware(_BodyLimit, limit=settings.max_body),
                  Middleware(CORSMiddleware, allow_origins=list(settings.allowed_origins),
                             allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"])]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={_Problem: problems})
    app.state.store, app.state.api, app.state.sweeper = store, api, sweeper
    return app
