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
    POST /webhook                   TikTok's signed webhook (see "Intake" below)
    GET  /health                    ``{ok, unchecked_prices, unsettled}``

Intake: an authentic delivery is committed to the inbox first. What can be settled locally (a
fresh ``redeem.success``, a ``refund_traceback``, ``refund_success``/``refund_fail``,
``authorization.removed``) is settled in the same request and answered 200 after its commit; a
hook that raises answers a JSON 500 so TikTok retries. What needs TikTok (a stale-but-authentic
``redeem.success``, signed outside the tolerance) is answered 200 at once and settled by the
sweeper: the 200 never waits on a call to TikTok.

Prices: TikTok requires ``check_redeem_amounts`` before a price is sold; it needs a player's
token, so the first order at a price checks it with that player's token and keeps the verdict;
an order at a price TikTok called illegal is refused naming the product. ``/health`` and the
start-up log list the catalogue's prices not checked yet.

Every request gets a JSON answer, never a plain-text 500; request bodies are limited to
``max_body`` bytes. Tokens and secrets never reach logs or responses (``redact``).

Example::

    app = create_app(Settings.from_env(database_url="sqlite:///shop.db", catalogue=load_catalogue("products.json")))
    # uvicorn.run(app, host="127.0.0.1", port=8080)
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import redact
from .store import GRANTED, UNKNOWN_ORDER, Grant, Refund, RefundNotice, Store
from .sweeper import Checkpoint, Sweeper
from .tiktok_api import (TIKTOK_API, AccessTokenInvalid, OrderOutcomeUnknown, OrderRequest, TikTokAPI,
                         TikTokAPIError)
from .webhook import SIGNATURE_HEADER, WebhookError, WebhookTimestampError, verify_webhook

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
    sweep_older_than: float = 60    # an order's first check, seconds after TikTok created it
    max_backoff: float = 3600       # an unsettled order or delivery is checked again within this
    expire_after: float = 7 * 24 * 3600    # an order still unpaid this long after it was begun expires
    grant: Callable[[Grant], object] | None = None      # the game's hooks (see ``Store``)
    refund: Callable[[Refund], object] | None = None
    refund_notice: Callable[[RefundNotice], object] | None = None

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


class _JSONErrors:
    """The outermost guard: whatever escapes the app is logged (redacted) and answered as a JSON 500,
    never Starlette's plain-text one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)
        try:
            await self.app(scope, receive, tracking)
        except Exception as e:
            log.error("%s %s failed: %s: %s", scope.get("method"), scope.get("path"), type(e).__name__,
                      redact.redact(str(e))[:500])
            if not started:
                await _problem(500, "internal_error", "the server failed; nothing was committed for this "
                               "request, try again")(scope, receive, send)


def create_app(settings: Settings, *, store: Store | None = None, api: TikTokAPI | None = None,
               on_granted: Callable[[str], object] | None = None, checkpoint: Checkpoint | None = None,
               sleep: Callable[[float], Any] | None = None) -> Starlette:
    """The reference backend as a Starlette app (see the module docstring).

    ``on_granted(trade_order_id)`` runs after a grant committed and before TikTok gets its 200
    (notifications; never the grant itself). ``checkpoint(name)`` is awaited at named points of
    intake and order creation (tests interleave requests and inject crashes there).

    Example::

        app = create_app(Settings.from_env(catalogue={"sword": {"id": "sword", "name": "Sword", "price": 30}}))
    """
    redact.install()
    store = store or Store(settings.database_url, sandbox=settings.sandbox, grant=settings.grant,
                           refund=settings.refund, refund_notice=settings.refund_notice,
                           first_check=settings.sweep_older_than, max_backoff=settings.max_backoff,
                           expire_after=settings.expire_after)
    api = api or TikTokAPI(settings.client_key, settings.client_secret, base_url=settings.tiktok_api)
    point: Checkpoint = checkpoint or _nothing
    sweeper = Sweeper(store, api, checkpoint=point, sleep=sleep or asyncio.sleep)

    def unchecked_prices(verdicts: dict[int, bool]) -> dict[str, int]:
        return {pid: p["price"] for pid, p in settings.catalogue.items() if p["price"] not in verdicts}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(store.migrate)
        unchecked = unchecked_prices(await run_in_threadpool(store.price_verdicts))
        if unchecked:
            log.warning("prices not checked with TikTok yet (checked before the first order at each): %s", unchecked)
        task = asyncio.create_task(sweeper.run_forever(settings.sweep_every)) if settings.sweep_every else None
        yield
        if task:
            task.cancel()
        await api.aclose()

    async def json_body(request: Request, *fields: str) -> dict[str, Any]:
        try:
            body = json.loads(await request.body())
        except (ValueError, RecursionError):
            raise _Problem(400, "invalid_json", "the body must be a JSON object") from None
        if not isinstance(body, dict):
            raise _Problem(400, "invalid_json", "the body must be a JSON object")
        for name in fields:
            value = body.get(name)
            if not isinstance(value, str) or not value or len(value) > 512 or not _utf8(value):
                raise _Problem(400, "invalid_field", f"'{name}' must be a non-empty string of at most 512 "
                               "characters (UTF-8 text, no lone surrogates)")
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

    async def token_for(open_id: str) -> str:
        token = await sweeper.access_token(open_id)
        if token is None:
            raise _Problem(401, "not_signed_in", "sign in again: POST /login with a new code from game.login()")
        return token

    async def check_price(open_id: str, product: dict[str, Any]) -> None:
        """TikTok: "You must first check if the price ... is legal" - once per price, then kept."""
        verdict = (await run_in_threadpool(store.price_verdicts)).get(product["price"])
        if verdict is None:
            token = await token_for(open_id)
            try:
                try:
                    verdict = await api.check_redeem_amounts(token, [product["price"]])
                except AccessTokenInvalid:
                    token = await sweeper.access_token(open_id, force_refresh=True, rejected=token) or token
                    verdict = await api.check_redeem_amounts(token, [product["price"]])
            except TikTokAPIError as e:
                raise _Problem(502, "price_unchecked", f"TikTok could not check the price of '{product['id']}' "
                               f"({product['price']} Beans) yet: {e.message}; try again") from None
            await run_in_threadpool(store.save_price_verdict, product["price"], verdict)
        if not verdict:
            raise _Problem(400, "price_not_allowed", f"TikTok does not allow the price of product '{product['id']}' "
                           f"({product['price']} Beans): change it in the catalogue")

    async def create_order(request: Request) -> JSONResponse:
        open_id = await player(request)
        product_id = (await json_body(request, "product_id"))["product_id"]
        product = settings.catalogue.get(product_id)
        if product is None:
            raise _Problem(400, "unknown_product", f"'product_id' must be one of {sorted(settings.catalogue)}")
        await check_price(open_id, product)
        order = await run_in_threadpool(store.begin_order, open_id, product)
        await point("orders.begun")
        request_body = OrderRequest(order_id=order.order_id, amount=order.amount, product_id=order.product_id,
                                    product_name=order.product_name, quantity=order.quantity)
        try:
            token = await sweeper.access_token(open_id)
            if token is None:
                await run_in_threadpool(store.order_not_created, order.order_id, "failed", "no TikTok tokens")
                raise _Problem(401, "not_signed_in", "sign in again: POST /login with a new code from game.login()")
            try:
                trade_order_id = await api.create_order(token, request_body)
            except AccessTokenInvalid:       # 401: nothing was created; refresh once and try again
                token = await sweeper.access_token(open_id, force_refresh=True, rejected=token)
                if token is None:
                    await run_in_threadpool(store.order_not_created, order.order_id, "failed", "no TikTok tokens")
                    raise _Problem(401, "not_signed_in", "sign in again: POST /login with a new code") from None
                trade_order_id = await api.create_order(token, request_body)
        except OrderOutcomeUnknown as e:
            await run_in_threadpool(store.order_not_created, order.order_id, "abandoned", str(e))
            raise _Problem(502, "order_unknown", "TikTok did not confirm the order; try again") from None
        except TikTokAPIError as e:
            await run_in_threadpool(store.order_not_created, order.order_id, "failed", str(e))
            raise _Problem(502, "order_failed", f"TikTok refused the order: {e.message}") from None
        await point("orders.created_at_tiktok")
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
                                   tolerance=settings.tolerance, now=store.clock())
        except WebhookTimestampError as e:
            event, stale = e.event, True
        except WebhookError as e:
            log.warning("webhook refused: %s", e)
            raise _Problem(400, "bad_webhook", str(e)) from None
        if event.client_key != settings.client_key:
            raise _Problem(400, "bad_webhook", "client_key is not this app's")
        delivery = await run_in_threadpool(store.intake, event, stale)      # committed before anything else
        await point("webhook.inbox")
        if delivery.outcome is not None:
            outcome = "duplicate"
        else:
            try:
                outcome = await sweeper.settle(delivery, may_ask_tiktok=False)
            except Exception as e:     # rolled back: no 200, so TikTok delivers it again
                log.error("settling %s for %s failed and was rolled back (TikTok will retry): %s: %s",
                          event.event, event.trade_order_id, type(e).__name__, redact.redact(str(e))[:500])
                await run_in_threadpool(store.check_delivery_later, delivery.id)
                raise _Problem(500, "settle_failed", "settling this delivery failed and was rolled back; "
                               "retry") from None
        await point("webhook.settled")
        await run_in_threadpool(store.log_webhook, event.event, event.trade_order_id, outcome, stale)
        if outcome == UNKNOWN_ORDER:
            log.warning("webhook for an order this backend does not know: %s", event.trade_order_id)
        if outcome == GRANTED and on_granted is not None:
            on_granted(event.trade_order_id or "")
        return JSONResponse({"ok": True, "outcome": outcome})

    async def health(request: Request) -> JSONResponse:
        unchecked = unchecked_prices(await run_in_threadpool(store.price_verdicts))
        return JSONResponse({"ok": True, "unchecked_prices": unchecked,
                             "unsettled": await run_in_threadpool(store.unsettled_counts)})

    async def problems(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, _Problem)
        return _problem(exc.status, exc.code, exc.message)

    async def http_errors(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _problem(exc.status_code, code, str(exc.detail))

    routes = [Route("/login", login, methods=["POST"]), Route("/products", products, methods=["GET"]),
              Route("/orders", create_order, methods=["POST"]),
              Route("/orders/{order_id}", get_order, methods=["GET"]),
              Route("/webhook", webhook, methods=["POST"]), Route("/health", health, methods=["GET"])]
    middleware = [Middleware(_JSONErrors), Middleware(_BodyLimit, limit=settings.max_body),
                  Middleware(CORSMiddleware, allow_origins=list(settings.allowed_origins),
                             allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"])]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={_Problem: problems, HTTPException: http_errors})
    app.state.store, app.state.api, app.state.sweeper = store, api, sweeper
    return app


async def _nothing(name: str) -> None:
    return None


def _utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
