"""A faithful fake of TikTok's server side, over real HTTP on 127.0.0.1, for your tests and ours.

Exports:
    FakeTikTokServer(client_key, client_secret, webhook_url=None, *, sandbox=False, port=0)
        TikTok's OAuth and trade-order endpoints with TikTok's envelopes and codes, the shared
        order book the fake SDKs pay from, and signed webhook delivery with retries.
    DeliveryPlan   how the next payments' webhooks are delivered (copies, late, bad signature, ...)

TikTok's endpoints (what ``TikTokAPI`` calls), as documented: ``POST /v2/oauth/token/`` (codes
are single use; an unknown code is ``invalid_grant``; access tokens live ``access_ttl`` = 2 hours
and refresh tokens ``refresh_ttl`` = 180 days by default; a refresh **rotates** the refresh token:
the previous one stops working), ``POST /v2/oauth/revoke/`` (answers an empty body), ``POST
/v2/minis/utility/check_redeem_amounts/`` (``valid`` is false unless every amount is in
``legal_amounts``; None: every whole amount >= 1), ``POST /v2/minis/utility/get_tier_infos/``
(from ``tiers``), ``POST /v2/minis/trade_order/create/`` (an expired or unknown token is 401
``access_token_invalid``, a reused order id 20021002, bad fields 40001000) and ``POST
/v2/minis/trade_order/query/`` (``PENDING`` or ``SUCCESS`` only; an unknown order 20011002). A
payment that failed or was cancelled cannot be paid again (a new order is needed).

Events are TikTok's, with its documented names and contents: ``minis.trade_order.redeem.success``
``{trade_order_id, order_id}`` (``is_sandbox`` only in sandbox mode),
``minis.trade_order.redeem.refund_traceback`` ``{trade_order_id, order_id, is_sandbox,
refund_amount}``, ``minis.trade_order.redeem.refund_success``/``refund_fail`` (documented as
unavailable; sent only when a test asks) and ``authorization.removed`` ``{reason}``; bodies carry
``user_openid: ""`` for the minis events, as in TikTok's examples.

Where the fake differs from TikTok on purpose (test controls, never relied on by ttminis):
``fail_next`` scripts an endpoint's next answer, ``expire_access_tokens`` ends every access token
now, ``plan`` shapes deliveries (copies, late, bad signature, held), ``retry_delays`` are seconds
instead of TikTok's backoff over 72 hours, ``clock`` replaces the wall clock, and where TikTok is
silent the fake takes the harsher reading: a refresh also ends the previous access token.

The order book the fake SDKs share (CORS-enabled, so the browser's fake can reach it):
``POST /fake/login {open_id?}`` -> ``{code}`` (what ``TTMinis.game.login`` answers),
``GET /fake/orders/<trade_order_id>``, and ``POST /fake/pay {trade_order_id, balance}``, which
pays the order once and makes the server deliver ``minis.trade_order.redeem.success`` to
``webhook_url``. Answers are the SDK's ``{ok, amount}`` or ``{ok: false, error: {error_code,
error_msg, error_extra}}``.

Webhooks are signed like TikTok's (``Tiktok-Signature: t=..,s=..``, HMAC-SHA256 of ``t.body``),
delivered at least once and retried after any non-200 with ``retry_delays`` (TikTok: exponential
backoff for 72 h). ``plan(...)`` changes how the next deliveries go: duplicates, concurrent
copies, late, signed in the future, a bad signature, retries signed with a fresh or the original
timestamp, or held back and released in reverse order.

Example::

    with FakeTikTokServer("ck", "secret", webhook_url=backend.url + "/webhook") as tiktok:
        code = tiktok.issue_code("player-1")          # what the game's login() would get
        ...                                           # the backend creates an order
        tiktok.pay(trade_order_id)                    # the player pays: the webhook goes out
        tiktok.wait_for(lambda: tiktok.acknowledged(trade_order_id))
"""
from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .serving import ServerThread
from .webhook import (AUTHORIZATION_REMOVED, REDEEM_SUCCESS, REFUND_FAIL, REFUND_SUCCESS, REFUND_TRACEBACK,
                      SIGNATURE_HEADER, sign_webhook)

ACCESS_TTL = 2 * 3600                # TikTok: access tokens live 2 hours (page updated November 2026)
REFRESH_TTL = 180 * 24 * 3600        # and refresh tokens 180 days
ORDER_NOT_FOUND, INVALID_PARAMS, DUPLICATE_ORDER_ID, INTERNAL = 20011002, 40001000, 20021002, 50001000
ORDER_ALREADY_PAID, INSUFFICIENT_BEANS, ORDER_CLOSED = 90000001, 90000002, 90000003   # the fake SDKs' invented codes


@dataclass
class DeliveryPlan:
    """How the webhooks of the next payments go out (``FakeTikTokServer.plan``).

    copies          deliveries of the same event, sent concurrently (TikTok's duplicates)
    late_by         seconds the signature's timestamp lies in the past (negative: in the future)
    timestamp       "original": retries carry the first signature's timestamp; "fresh": re-signed
    bad_signature   signed with a wrong secret (every attempt)
    hold            keep the deliveries until ``release()`` (to send them out of order)
    uses            how many payments this plan is for (then the default plan applies again)
    """
    copies: int = 1
    late_by: float = 0
    timestamp: str = "original"
    bad_signature: bool = False
    hold: bool = False
    uses: int = 1


@dataclass(eq=False)
class _Delivery:
    body: bytes
    trade_order_id: str
    event: str
    plan: DeliveryPlan
    first_signed_at: int | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    acknowledged: bool = False
    gave_up: bool = False


class FakeTikTokServer:
    """TikTok's server side for tests: see the module docstring. A context manager (start/stop).

    ``retry_delays`` are the seconds between attempts after a non-200 (default: quick ones).
    ``sandbox=True`` marks payments ``is_sandbox`` as TikTok's sandbox does.
    """

    def __init__(self, client_key: str = "fake-client-key", client_secret: str = "fake-client-secret",
                 webhook_url: str | Iterable[str] | None = None, *, sandbox: bool = False, port: int = 0,
                 retry_delays: Iterable[float] = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2),
                 access_ttl: int = ACCESS_TTL, refresh_ttl: int = REFRESH_TTL,
                 legal_amounts: Iterable[int] | None = None, tiers: dict[str, dict[str, Any]] | None = None,
                 clock: Callable[[], float] = time.time, ids: Callable[[str], str] | None = None) -> None:
        self.client_key = client_key
        self.access_ttl, self.refresh_ttl = access_ttl, refresh_ttl
        self.legal_amounts = None if legal_amounts is None else set(legal_amounts)
        self.tiers = dict(tiers or {})
        self.clock = clock
        self._new_id = ids or (lambda prefix: prefix + secrets.token_hex(16))
        self.issued_tokens: list[str] = []                       # every access and refresh token issued
        self.client_secret = client_secret
        self.webhook_urls = [webhook_url] if isinstance(webhook_url, str) else list(webhook_url or [])
        self.sandbox = sandbox
        self.retry_delays = tuple(retry_delays)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._codes: dict[str, tuple[str, float]] = {}          # code -> (open_id, expires)
        self._access: dict[str, tuple[str, float]] = {}         # token -> (open_id, expires)
        self._refresh: dict[str, tuple[str, float]] = {}       # refresh token -> (open_id, expires)
        self.orders: dict[str, dict[str, Any]] = {}              # trade_order_id -> the order
        self._order_ids: dict[str, str] = {}                     # your order_id -> trade_order_id
        self._failures: dict[str, list[tuple[Any, int, bool, str]]] = {}   # endpoint -> scripted answers
        self._plans: list[DeliveryPlan] = []
        self.default_plan = DeliveryPlan()
        self.deliveries: list[_Delivery] = []
        self._held: list[_Delivery] = []
        self._seq = itertools.count(1)
        self._wake: asyncio.Event | None = None
        self.calls: list[tuple[str, str | None]] = []          # (endpoint, open_id or None)
        self.app = self._app()
        self._server = ServerThread(self.app, port)
        self.url = self._server.url

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> "FakeTikTokServer":
        self._server.start()
        self._server.call(self._on_loop_start())
        return self

    async def _on_loop_start(self) -> None:
        self._wake = asyncio.Event()
        self._http = httpx.AsyncClient(timeout=10)

    def stop(self) -> None:
        if self._server.loop is not None:
            self._server.call(self._http.aclose())
        self._server.stop()

    def __enter__(self) -> FakeTikTokServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what a test drives -----------------------------------------------------------------------
    def issue_code(self, open_id: str = "fake-player-1") -> str:
        """A one-time login code for ``open_id`` (what ``TTMinis.game.login`` gives the game).

        Example::

            code = tiktok.issue_code("player-2")
        """
        code = self._new_id("fake-code-")
        with self._lock:
            self._codes[code] = (open_id, self.clock() + 300)
        return code

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is now expired (401 ``access_token_invalid``)."""
        with self._lock:
            for token in self._access:
                self._access[token] = (self._access[token][0], 0)

    def fail_next(self, endpoint: str, code: int | str = INTERNAL, http_status: int = 500, *,
                  after_create: bool = False, message: str = "scripted failure (fake)") -> None:
        """The next call of ``endpoint`` ("token", "create", "query", "revoke") fails with TikTok's
        ``code``. ``after_create=True`` (create only): the order IS created, then the error answers.

        Example::

            tiktok.fail_next("query", "rate_limit_exceeded", 429)
        """
        with self._lock:
            self._failures.setdefault(endpoint, []).append((code, http_status, after_create, message))

    def plan(self, **fields: Any) -> DeliveryPlan:
        """How the next payment's webhook(s) go out; see ``DeliveryPlan``.

        Example::

            tiktok.plan(copies=2, timestamp="fresh")
        """
        plan = DeliveryPlan(**fields)
        with self._lock:
            self._plans.append(plan)
        return plan

    def pay(self, trade_order_id: str, balance: int | None = None) -> int:
        """The player pays (what the fake SDK's ``pay`` does): returns the amount; delivers the webhook.

        Raises ``ValueError`` with the SDK's error dict as ``args[1]`` if the order does not exist,
        is already paid, or costs more than ``balance``.
        """
        outcome = self._pay(trade_order_id, balance)
        if not outcome["ok"]:
            raise ValueError(outcome["error"]["error_msg"], outcome["error"])
        return int(outcome["amount"])

    def refund(self, trade_order_id: str, amount: int | None = None) -> None:
        """TikTok recovers ``amount`` Beans of a paid order (default: all): delivers
        ``minis.trade_order.redeem.refund_traceback`` with TikTok's documented content."""
        with self._lock:
            order = self.orders[trade_order_id]
        content = {"trade_order_id": trade_order_id, "order_id": order["order_id"], "is_sandbox": self.sandbox,
                   "refund_amount": order["amount"] if amount is None else amount}
        self._send_event(REFUND_TRACEBACK, order, content)

    def refund_notice(self, trade_order_id: str, succeeded: bool = True) -> None:
        """``minis.trade_order.redeem.refund_success``/``refund_fail`` (documented by TikTok as
        "currently unavailable": sent only when a test asks)."""
        with self._lock:
            order = self.orders[trade_order_id]
        self._send_event(REFUND_SUCCESS if succeeded else REFUND_FAIL, order,
                         {"trade_order_id": trade_order_id, "order_id": order["order_id"]})

    def remove_authorization(self, open_id: str, reason: int = 1) -> None:
        """The player disconnects the app: their tokens stop working and ``authorization.removed``
        ``{"reason": n}`` is delivered with their ``user_openid``."""
        with self._lock:
            for table in (self._access, self._refresh):
                for token in [t for t, entry in table.items() if entry[0] == open_id]:
                    del table[token]
        self._send_event(AUTHORIZATION_REMOVED, {"open_id": open_id}, {"reason": reason}, user_openid=open_id)

    def fail_payment(self, trade_order_id: str, cancelled: bool = False) -> None:
        """The player's payment of this order failed (or was cancelled): it can never be paid
        again ("a new trade_order_id should be recreated"); the query still says ``PENDING``."""
        with self._lock:
            order = self.orders[trade_order_id]
            if order["status"] == "PENDING":
                order["status"] = "CANCELLED" if cancelled else "FAILED"

    def release(self, reverse: bool = True) -> None:
        """Send the held deliveries now, one after the other (in reverse order by default)."""
        with self._lock:
            held, self._held = self._held, []
        asyncio.run_coroutine_threadsafe(self._deliver_in_turn(held[::-1] if reverse else held), self._server.loop)

    async def _deliver_in_turn(self, deliveries: list[_Delivery]) -> None:
        for delivery in deliveries:
            await self._deliver(delivery)

    def retry_now(self) -> None:
        """Wake every delivery waiting for its next retry (instead of waiting out the backoff)."""
        self._server.loop.call_soon_threadsafe(self._wake_retries)

    def acknowledged(self, trade_order_id: str, event: str = REDEEM_SUCCESS) -> bool:
        """Whether some delivery of that event for that order was answered 200."""
        with self._lock:
            return any(d.acknowledged for d in self.deliveries
                       if d.trade_order_id == trade_order_id and d.event == event)

    def attempts(self, trade_order_id: str | None = None) -> list[dict[str, Any]]:
        """Every delivery attempt in the order made: ``{trade_order_id, event, status, signed_at, at, url}``
        (status None: no answer)."""
        with self._lock:
            found = [dict(a, trade_order_id=d.trade_order_id, event=d.event) for d in self.deliveries
                     for a in d.attempts if trade_order_id in (None, d.trade_order_id)]
        return sorted(found, key=lambda a: a["at"])

    def settled(self) -> bool:
        """No delivery is still in progress (each was acknowledged or gave up), none held."""
        with self._lock:
            return not self._held and all(d.acknowledged or d.gave_up for d in self.deliveries)

    def wait_for(self, condition: Callable[[], object], timeout: float = 20) -> Any:
        """Wait until ``condition()`` holds (re-checked whenever the server's state changes)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"fake TikTok: condition not met within {timeout} s")
                self._changed.wait(min(left, 0.05))

    # -- order book and webhooks ------------------------------------------------------------------
    def _pay(self, trade_order_id: object, balance: int | None) -> dict[str, Any]:
        with self._lock:
            order = self.orders.get(trade_order_id) if isinstance(trade_order_id, str) else None
            if order is None:
                return _sdk_error(ORDER_NOT_FOUND, "order does not exist")
            if order["status"] == "SUCCESS":
                return _sdk_error(ORDER_ALREADY_PAID, "order already paid (fake)")
            if order["status"] in ("FAILED", "CANCELLED"):
                return _sdk_error(ORDER_CLOSED, "this order's payment failed or was cancelled: create a new "
                                  "order (fake)", {"status": order["status"]})
            if balance is not None and balance < order["amount"]:
                return _sdk_error(INSUFFICIENT_BEANS, "not enough Beans (fake)",
                                  {"balance": balance, "amount": order["amount"]})
            order["status"] = "SUCCESS"
            order["paid_at"] = self.clock()
        content: dict[str, Any] = {"trade_order_id": trade_order_id, "order_id": order["order_id"]}
        if self.sandbox:
            content["is_sandbox"] = True
        self._send_event(REDEEM_SUCCESS, order, content)
        return {"ok": True, "amount": order["amount"], "trade_order_id": trade_order_id}

    def _send_event(self, event: str, order: dict[str, Any], content: dict[str, Any], user_openid: str = "") -> None:
        body = json.dumps({"client_key": self.client_key, "event": event, "create_time": int(self.clock()),
                           "user_openid": user_openid, "content": json.dumps(content)},
                          separators=(",", ":")).encode()
        with self._lock:
            plan = self._plans[0] if self._plans else self.default_plan
            if self._plans:
                plan.uses -= 1
                if plan.uses <= 0:
                    self._plans.pop(0)
            subject = content.get("trade_order_id") or user_openid
            copies = [_Delivery(body, subject, event, plan) for _ in range(plan.copies)]
            self.deliveries.extend(copies)
            if plan.hold:
                self._held.extend(copies)
                return
        for delivery in copies:
            self._server.loop.call_soon_threadsafe(self._start_delivery, delivery)

    def _start_delivery(self, delivery: _Delivery) -> None:
        asyncio.get_running_loop().create_task(self._deliver(delivery))

    def _wake_retries(self) -> None:
        if self._wake is not None:
            self._wake.set()
        self._wake = asyncio.Event()

    async def _deliver(self, delivery: _Delivery) -> None:
        urls = self.webhook_urls
        for attempt, delay in enumerate((0,) + self.retry_delays):
            if delay:
                wake = self._wake
                try:
                    if wake is not None:
                        await asyncio.wait_for(wake.wait(), delay)
                except asyncio.TimeoutError:
                    pass
            if not urls:
                status, url = None, None
            else:
                now = int(self.clock() - delivery.plan.late_by)
                if delivery.first_signed_at is None or delivery.plan.timestamp == "fresh":
                    signed_at = now
                else:
                    signed_at = delivery.first_signed_at
                delivery.first_signed_at = delivery.first_signed_at or signed_at
                secret = "not-the-secret" if delivery.plan.bad_signature else self.client_secret
                url = urls[(self.deliveries.index(delivery) + attempt) % len(urls)]
                try:
                    response = await self._http.post(url, content=delivery.body, headers={
                        SIGNATURE_HEADER: sign_webhook(delivery.body, secret, signed_at),
                        "Content-Type": "application/json"})
                    status = response.status_code
                except httpx.HTTPError:
                    status = None
            with self._changed:
                delivery.attempts.append({"status": status, "signed_at": delivery.first_signed_at,
                                          "at": self.clock(), "url": url})
                delivery.acknowledged = status == 200
                delivery.gave_up = not delivery.acknowledged and attempt == len(self.retry_delays)
                self._changed.notify_all()
            if status == 200:
                return

    # -- the HTTP app -----------------------------------------------------------------------------
    def _app(self) -> Starlette:
        routes = [Route("/v2/oauth/token/", self._token, methods=["POST"]),
                  Route("/v2/oauth/revoke/", self._revoke, methods=["POST"]),
                  Route("/v2/minis/trade_order/create/", self._create, methods=["POST"]),
                  Route("/v2/minis/trade_order/query/", self._query, methods=["POST"]),
                  Route("/v2/minis/utility/check_redeem_amounts/", self._check_amounts, methods=["POST"]),
                  Route("/v2/minis/utility/get_tier_infos/", self._tier_infos, methods=["POST"]),
                  Route("/fake/login", self._fake_login, methods=["POST"]),
                  Route("/fake/orders/{trade_order_id}", self._fake_order, methods=["GET"]),
                  Route("/fake/pay", self._fake_pay, methods=["POST"])]
        cors = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                          allow_headers=["Content-Type"])
        return Starlette(routes=routes, middleware=[cors])

    def _scripted(self, endpoint: str) -> tuple[Any, int, bool, str] | None:
        with self._lock:
            queue = self._failures.get(endpoint)
            return queue.pop(0) if queue else None

    async def _token(self, request: Request) -> JSONResponse:
        form = await _form(request)
        failure = self._scripted("token")
        if failure:
            return _oauth_error(str(failure[0]), failure[3], failure[1])
        if form.get("client_key") != self.client_key or form.get("client_secret") != self.client_secret:
            return _oauth_error("invalid_client", "client_key or client_secret is wrong", 401)
        grant_type = form.get("grant_type")
        with self._lock:
            if grant_type == "authorization_code":
                entry = self._codes.pop(form.get("code") or "", None)
                if entry is None or entry[1] < self.clock():
                    return _oauth_error("invalid_grant", "Authorization code is expired or was already used.")
                open_id = entry[0]
            elif grant_type == "refresh_token":
                known = self._refresh.pop(form.get("refresh_token") or "", None)     # rotation: used up
                if known is None or known[1] <= self.clock():
                    return _oauth_error("invalid_grant", "Refresh token is invalid or expired.")
                open_id = known[0]
                for token in [t for t, entry in self._access.items() if entry[0] == open_id]:
                    del self._access[token]          # silent in the docs: the harsher reading
            else:
                return _oauth_error("invalid_request", "grant_type must be authorization_code or refresh_token")
            access, refresh = self._new_id("act."), self._new_id("rft.")
            self._access[access] = (open_id, self.clock() + self.access_ttl)
            self._refresh[refresh] = (open_id, self.clock() + self.refresh_ttl)
            self.issued_tokens += [access, refresh]
            self.calls.append(("token:" + grant_type, open_id))
        return JSONResponse({"open_id": open_id, "access_token": access, "expires_in": self.access_ttl,
                             "refresh_token": refresh, "refresh_expires_in": self.refresh_ttl,
                             "scope": "user.info.basic", "token_type": "Bearer"})

    async def _revoke(self, request: Request) -> Response:
        form = await _form(request)
        if form.get("client_key") != self.client_key or form.get("client_secret") != self.client_secret:
            return _oauth_error("invalid_client", "client_key or client_secret is wrong", 401)
        with self._lock:
            entry = self._access.pop(form.get("token") or "", None)
            if entry is not None:
                for token in [t for t, e in self._refresh.items() if e[0] == entry[0]]:
                    del self._refresh[token]
        return Response(b"", status_code=200)      # "the response will be empty"

    def _bearer(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        with self._lock:
            entry = self._access.get(token)
        return entry[0] if entry and entry[1] > self.clock() else None

    async def _order_endpoint(self, request: Request, endpoint: str) -> tuple[str, dict[str, Any]] | JSONResponse:
        open_id = self._bearer(request)
        if open_id is None:
            return _envelope(error=("access_token_invalid", "The access token is invalid or expired."),
                                   status=401)
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _envelope(error=(INVALID_PARAMS, "body is not JSON"), status=400)
        self.calls.append((endpoint, open_id))
        if not isinstance(body, dict):
            return _envelope(error=(INVALID_PARAMS, "body must be an object"), status=400)
        return open_id, body

    async def _create(self, request: Request) -> JSONResponse:
        parsed = await self._order_endpoint(request, "create")
        if isinstance(parsed, JSONResponse):
            return parsed
        open_id, body = parsed
        failure = self._scripted("create")
        if failure and not failure[2]:
            return _envelope(error=(failure[0], failure[3]), status=failure[1])
        info = body.get("order_info")
        amount = body.get("token_amount")
        if body.get("token_type") != "BEANS" or not isinstance(amount, int) or isinstance(amount, bool) \
                or amount < 1 or not isinstance(info, dict) or not all(
                    isinstance(info.get(k), str) and info[k] for k in ("order_id", "product_name", "product_id")):
            return _envelope(error=(INVALID_PARAMS, "invalid parameters: token_type BEANS, token_amount > 0 and "
                                    "order_info {order_id, product_name, product_id} are required"), status=400)
        with self._lock:
            if info["order_id"] in self._order_ids:
                return _envelope(error=(DUPLICATE_ORDER_ID, "order id already exists"), status=400)
            trade_order_id = self._new_id(f"tt-{next(self._seq)}-")[:40]
            self._order_ids[info["order_id"]] = trade_order_id
            self.orders[trade_order_id] = {"order_id": info["order_id"], "open_id": open_id, "amount": amount,
                                           "product_id": info["product_id"], "status": "PENDING"}
        if failure:
            return _envelope(error=(failure[0], failure[3]), status=failure[1])
        return _envelope({"trade_order_id": trade_order_id})

    async def _query(self, request: Request) -> JSONResponse:
        parsed = await self._order_endpoint(request, "query")
        if isinstance(parsed, JSONResponse):
            return parsed
        open_id, body = parsed
        failure = self._scripted("query")
        if failure:
            return _envelope(error=(failure[0], failure[3]), status=failure[1])
        with self._lock:
            order = self.orders.get(str(body.get("trade_order_id")))
            if order is None or order["open_id"] != open_id:
                return _envelope(error=(ORDER_NOT_FOUND, "order does not exist"), status=400)
            status = "SUCCESS" if order["status"] == "SUCCESS" else "PENDING"     # the only documented two
            return _envelope({"trade_order_id": body["trade_order_id"], "trade_order_status": status})

    async def _check_amounts(self, request: Request) -> JSONResponse:
        parsed = await self._order_endpoint(request, "check_redeem_amounts")
        if isinstance(parsed, JSONResponse):
            return parsed
        _open_id, body = parsed
        failure = self._scripted("check_redeem_amounts")
        if failure:
            return _envelope(error=(failure[0], failure[3]), status=failure[1])
        amounts = body.get("token_amounts")
        if body.get("token_type") != "BEANS" or not isinstance(amounts, list) or not amounts or not all(
                isinstance(a, int) and not isinstance(a, bool) for a in amounts):
            return _envelope(error=(INVALID_PARAMS, "invalid parameters: token_type BEANS and token_amounts "
                                    "(a list of integers) are required"), status=400)
        valid = all(a >= 1 and (self.legal_amounts is None or a in self.legal_amounts) for a in amounts)
        return _envelope({"valid": valid})

    async def _tier_infos(self, request: Request) -> JSONResponse:
        parsed = await self._order_endpoint(request, "get_tier_infos")
        if isinstance(parsed, JSONResponse):
            return parsed
        _open_id, body = parsed
        ids = body.get("tier_ids")
        if body.get("token_type") != "BEANS" or not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return _envelope(error=(INVALID_PARAMS, "invalid parameters: token_type BEANS and tier_ids "
                                    "(a list of strings) are required"), status=400)
        unknown = [i for i in ids if i not in self.tiers]
        if unknown:
            return _envelope(error=(20001003, f"tier id invalid: {unknown[0]}"), status=400)
        return _envelope({"tier_infos": {i: {"tier_id": i, **self.tiers[i]} for i in ids}})

    def take_held(self) -> list[_Delivery]:
        """The held deliveries, removed from the queue (a test sends them itself: ``signed``)."""
        with self._lock:
            held, self._held = self._held, []
        return held

    def signed(self, delivery: _Delivery, signed_at: int | None = None) -> dict[str, str]:
        """The headers TikTok would send with ``delivery`` signed at ``signed_at`` (default: now
        minus the plan's ``late_by``; a bad-signature plan signs with a wrong secret)."""
        at = int(self.clock() - delivery.plan.late_by) if signed_at is None else signed_at
        secret = "not-the-secret" if delivery.plan.bad_signature else self.client_secret
        return {SIGNATURE_HEADER: sign_webhook(delivery.body, secret, at), "Content-Type": "application/json"}

    async def _fake_login(self, request: Request) -> JSONResponse:
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            body = {}
        open_id = body.get("open_id") if isinstance(body, dict) and isinstance(body.get("open_id"), str) else None
        return JSONResponse({"code": self.issue_code(open_id or "fake-player-1")})

    async def _fake_order(self, request: Request) -> JSONResponse:
        with self._lock:
            order = self.orders.get(request.path_params["trade_order_id"])
            order = dict(order) if order else None
        if order is None:
            return JSONResponse(_sdk_error(ORDER_NOT_FOUND, "order does not exist"), status_code=404)
        return JSONResponse(order)

    async def _fake_pay(self, request: Request) -> JSONResponse:
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return JSONResponse(_sdk_error(INVALID_PARAMS, "pay: body must be {trade_order_id, balance}"))
        balance = body.get("balance")
        return JSONResponse(self._pay(body.get("trade_order_id"), balance if isinstance(balance, int) else None))


async def _form(request: Request) -> dict[str, str]:
    """The form-encoded body as a dict of first values (no multipart dependency)."""
    from urllib.parse import parse_qs
    fields = parse_qs((await request.body()).decode("utf-8", "replace"))
    return {key: values[0] for key, values in fields.items()}


def _sdk_error(code: int, message: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"ok": False, "error": {"error_code": code, "error_msg": message, "error_extra": extra or {}}}


def _log_id() -> str:
    return time.strftime("%Y%m%d%H%M%S") + secrets.token_hex(6).upper()


def _envelope(data: dict[str, Any] | None = None, error: tuple[Any, str] | None = None,
              status: int = 200) -> JSONResponse:
    code, message = error if error else ("ok", "")
    return JSONResponse({"data": data or {}, "error": {"code": code, "message": message, "log_id": _log_id()}},
                        status_code=status)


def _oauth_error(error: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description, "log_id": _log_id()},
                        status_code=status)
