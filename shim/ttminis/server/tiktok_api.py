"""TikTok's server APIs for mini games: login (OAuth tokens) and trade orders. Async, over httpx.

Exports:
    TikTokAPI(client_key, client_secret, *, base_url=TIKTOK_API, timeout=10, retries=2, transport=None)
        .exchange_code(code) -> Tokens           .refresh(refresh_token) -> Tokens
        .revoke(access_token) -> None                (TikTok's answer is empty: ``{}`` or no body)
        .check_redeem_amounts(access_token, amounts) -> bool    are these prices (Beans) legal?
        .get_tier_infos(access_token, tier_ids) -> {tier_id: TierInfo}
        .create_order(access_token, order: OrderRequest) -> trade_order_id (str)
        .query_order(access_token, trade_order_id) -> OrderStatus
    Tokens, OrderRequest, OrderStatus, TierInfo  typed results / arguments
    TikTokAPIError (.code, .message, .log_id, .http_status) and its subclasses:
        InternalError 50001000 · InvalidParameters 40001000 · OrderNotFound 20011002 ·
        DuplicateOrderId 20021002 · TierInvalid 20001003 · AccessTokenInvalid (401) ·
        RateLimited (429) · OAuthError (the token endpoint's flat errors) ·
        TikTokUnreachable (no answer: connection failed or timed out) ·
        OrderOutcomeUnknown (create may or may not have happened: never assume either)

Retries, only where safe: a request that never reached TikTok (connection refused), a 429 and
TikTok's "internal error, retry" are retried with backoff, up to ``retries`` times. ``create_order``
is never retried blindly: after a timeout or a dropped connection TikTok may have created the
order, so it raises ``OrderOutcomeUnknown``; a retry after ``50001000`` that meets "order id
already exists" raises ``OrderOutcomeUnknown`` too. The caller then abandons that order id (the
player never saw a ``trade_order_id``, so nothing can be paid) and creates a new one.
Secrets and tokens are never part of an exception message or a log line.

Example::

    api = TikTokAPI(os.environ["TIKTOK_CLIENT_KEY"], os.environ["TIKTOK_CLIENT_SECRET"])
    tokens = await api.exchange_code(code_from_the_game)
    trade_order_id = await api.create_order(tokens.access_token, OrderRequest(
        order_id="ord-1", amount=30, product_id="sword", product_name="Sword"))
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, TypeVar

import httpx

TIKTOK_API = "https://open.tiktokapis.com"
TOKEN_PATH = "/v2/oauth/token/"
REVOKE_PATH = "/v2/oauth/revoke/"
CREATE_PATH = "/v2/minis/trade_order/create/"
QUERY_PATH = "/v2/minis/trade_order/query/"
CHECK_AMOUNTS_PATH = "/v2/minis/utility/check_redeem_amounts/"
TIER_INFOS_PATH = "/v2/minis/utility/get_tier_infos/"
T = TypeVar("T")


class TikTokAPIError(Exception):
    """TikTok answered with an error (or did not answer). ``code`` is TikTok's (int or str)."""

    retry_safe = False

    def __init__(self, message: str, code: int | str | None = None, log_id: str = "",
                 http_status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.log_id = log_id
        self.http_status = http_status

    def __str__(self) -> str:
        tail = f" (log_id {self.log_id})" if self.log_id else ""
        return f"[{self.code}] {self.message}{tail}" if self.code is not None else self.message + tail


class InternalError(TikTokAPIError):
    """50001000: TikTok's internal error; TikTok says to retry."""
    retry_safe = True


class InvalidParameters(TikTokAPIError):
    """40001000: a field of the request was rejected."""


class OrderNotFound(TikTokAPIError):
    """20011002: no such trade order."""


class DuplicateOrderId(TikTokAPIError):
    """20021002: this order id (yours) was already used for a trade order."""


class TierInvalid(TikTokAPIError):
    """20001003: the tier is not valid."""


class AccessTokenInvalid(TikTokAPIError):
    """401 ``access_token_invalid``: expired or revoked; refresh it and try again."""


class RateLimited(TikTokAPIError):
    """429 ``rate_limit_exceeded``."""
    retry_safe = True


class OAuthError(TikTokAPIError):
    """The OAuth endpoint's flat error (``invalid_grant``: a used or expired code, ...)."""


class TikTokUnreachable(TikTokAPIError):
    """No answer from TikTok: the connection failed or the request timed out."""


class OrderOutcomeUnknown(TikTokAPIError):
    """``create_order`` may or may not have created the order; abandon that order id."""


_BY_CODE = {50001000: InternalError, 40001000: InvalidParameters, 20011002: OrderNotFound,
            20021002: DuplicateOrderId, 20001003: TierInvalid,
            "access_token_invalid": AccessTokenInvalid, "rate_limit_exceeded": RateLimited}


@dataclass(frozen=True)
class Tokens:
    """A player's tokens from the OAuth endpoint; ``*_expires_in`` in seconds from issue."""

    open_id: str
    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int
    scope: str = ""

    def __repr__(self) -> str:        # tokens never reach a log through repr()
        return f"Tokens(open_id={self.open_id!r}, expires_in={self.expires_in}, access_token=***, refresh_token=***)"


@dataclass(frozen=True)
class OrderRequest:
    """What ``create_order`` sends. ``amount`` is in Beans, ``order_id`` is yours (unique)."""

    order_id: str
    amount: int
    product_id: str
    product_name: str
    quantity: int = 1
    quantity_unit: str = "item"
    order_url: str = ""
    image_url: str = ""

    def check(self) -> None:
        for name in ("order_id", "product_id", "product_name"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"OrderRequest.{name} must be a non-empty string, got {value!r}")
        for name in ("amount", "quantity"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 2**31 - 1:
                raise ValueError(f"OrderRequest.{name} must be an int in 1..2**31-1, got {value!r}")


@dataclass(frozen=True)
class OrderStatus:
    """``query_order``'s answer: ``status`` is ``"PENDING"`` or ``"SUCCESS"``."""

    trade_order_id: str
    status: str
    data: dict[str, Any]

    @property
    def paid(self) -> bool:
        return self.status == "SUCCESS"


@dataclass(frozen=True)
class TierInfo:
    """One recharge tier (``get_tier_infos``): ``price`` is a decimal string in ``currency`` (ISO 4217)."""

    tier_id: str
    tier_name: str
    token_type: str
    token_amount: int
    price: str
    currency: str
    symbol: str


class TikTokAPI:
    """An async client for TikTok's login and trade-order APIs (one ``httpx.AsyncClient``).

    ``base_url`` points it at the fake TikTok server in tests. ``transport`` is httpx's (tests).
    Use as ``async with TikTokAPI(...) as api:`` or call ``await api.aclose()``.

    Example::

        async with TikTokAPI(key, secret, base_url=fake.url) as api:
            status = await api.query_order(access_token, "tt-1")
    """

    def __init__(self, client_key: str, client_secret: str, *, base_url: str = TIKTOK_API,
                 timeout: float = 10.0, retries: int = 2, backoff: float = 0.5,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        if not client_key or not client_secret:
            raise ValueError("TikTokAPI: client_key and client_secret are required (from the environment)")
        self.client_key = client_key
        self._secret = client_secret
        self.retries = retries
        self.backoff = backoff
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout, transport=transport,
                                       headers={"User-Agent": "ttminis-server"})

    def __repr__(self) -> str:
        return f"TikTokAPI(client_key={self.client_key!r}, base_url={str(self._http.base_url)!r})"

    async def __aenter__(self) -> TikTokAPI:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- login ------------------------------------------------------------------------------------
    async def exchange_code(self, code: str) -> Tokens:
        """The game's ``login()`` code -> the player's ``Tokens`` (``open_id`` and tokens).

        Example::

            tokens = await api.exchange_code("code-from-game.login")
        """
        _need_text("code", code)
        return _tokens(await self._oauth(TOKEN_PATH, {"code": code, "grant_type": "authorization_code"},
                                         retry=False))

    async def refresh(self, refresh_token: str) -> Tokens:
        """A new access token (and refresh token) from a refresh token.

        Example::

            tokens = await api.refresh(stored.refresh_token)
        """
        _need_text("refresh_token", refresh_token)
        return _tokens(await self._oauth(TOKEN_PATH, {"refresh_token": refresh_token,
                                                      "grant_type": "refresh_token"}, retry=True))

    async def revoke(self, access_token: str) -> None:
        """Revoke a player's access (e.g. when they delete their account).

        Example::

            await api.revoke(tokens.access_token)
        """
        _need_text("access_token", access_token)
        await self._oauth(REVOKE_PATH, {"token": access_token}, retry=True, empty_ok=True)

    # -- prices -----------------------------------------------------------------------------------
    async def check_redeem_amounts(self, access_token: str, amounts: list[int]) -> bool:
        """Whether every price in ``amounts`` (whole Beans) is legal; TikTok requires this check
        before a product is sold at a price. Safe to retry.

        Example::

            if not await api.check_redeem_amounts(token, [30, 80]):
                ...                  # one of them is not allowed: check them one by one
        """
        _need_text("access_token", access_token)
        if not isinstance(amounts, (list, tuple)) or not amounts or not all(
                isinstance(a, int) and not isinstance(a, bool) and a >= 1 for a in amounts):
            raise ValueError(f"check_redeem_amounts: amounts must be a non-empty list of ints >= 1, got {amounts!r}")
        data = await self._retrying(lambda: self._order_call(CHECK_AMOUNTS_PATH, access_token, {
            "token_type": "BEANS", "token_amounts": list(amounts)}))
        valid = data.get("valid")
        if not isinstance(valid, bool):
            raise TikTokAPIError(f"check_redeem_amounts: TikTok's answer has no boolean 'valid' (got {valid!r})")
        return valid

    async def get_tier_infos(self, access_token: str, tier_ids: list[str]) -> dict[str, TierInfo]:
        """The recharge tiers ``tier_ids`` (what a player pays in money for Beans). Safe to retry.

        Example::

            tiers = await api.get_tier_infos(token, ["tier-1"])
            tiers["tier-1"].price, tiers["tier-1"].currency        # "0.99", "USD"
        """
        _need_text("access_token", access_token)
        if not isinstance(tier_ids, (list, tuple)) or not tier_ids or not all(
                isinstance(t, str) and t for t in tier_ids):
            raise ValueError(f"get_tier_infos: tier_ids must be a non-empty list of strings, got {tier_ids!r}")
        data = await self._retrying(lambda: self._order_call(TIER_INFOS_PATH, access_token, {
            "token_type": "BEANS", "tier_ids": list(tier_ids)}))
        infos = data.get("tier_infos")
        if not isinstance(infos, dict):
            raise TikTokAPIError("get_tier_infos: TikTok's answer has no 'tier_infos' object")
        tiers: dict[str, TierInfo] = {}
        for key, info in infos.items():
            try:
                tiers[str(key)] = TierInfo(
                    tier_id=str(info["tier_id"]), tier_name=str(info.get("tier_name", "")),
                    token_type=str(info.get("token_type", "BEANS")), token_amount=int(info["token_amount"]),
                    price=str(info["price"]), currency=str(info["currency"]), symbol=str(info.get("symbol", "")))
            except (KeyError, TypeError, ValueError) as e:
                raise TikTokAPIError(f"get_tier_infos: tier {key!r} lacks a field ({type(e).__name__}: {e})") from None
        return tiers

    # -- trade orders -----------------------------------------------------------------------------
    async def create_order(self, access_token: str, order: OrderRequest) -> str:
        """Create a trade order paid in Beans; returns TikTok's ``trade_order_id``.

        Never retried blindly (see the module's docstring): ``OrderOutcomeUnknown`` when TikTok may
        have created it.

        Example::

            tid = await api.create_order(token, OrderRequest("ord-1", 30, "sword", "Sword"))
        """
        _need_text("access_token", access_token)
        order.check()
        body = {"token_type": "BEANS", "token_amount": order.amount, "order_info": {
            "order_id": order.order_id, "product_name": order.product_name, "product_id": order.product_id,
            "quantity": order.quantity, "quantity_unit": order.quantity_unit,
            "order_url": order.order_url, "image_url": order.image_url}}
        retried = False
        for attempt in range(self.retries + 1):
            try:
                data = await self._order_call(CREATE_PATH, access_token, body, ambiguous_is_unknown=True)
            except DuplicateOrderId as e:
                if retried:
                    raise OrderOutcomeUnknown(
                        f"create_order({order.order_id!r}): a retry found the order id already used, so the "
                        "first attempt may have created it; abandon this order id", e.code, e.log_id) from None
                raise
            except TikTokAPIError as e:
                if not e.retry_safe or attempt == self.retries:
                    raise
                retried = True
                await asyncio.sleep(self.backoff * 2 ** attempt)
                continue
            trade_order_id = data.get("trade_order_id") if isinstance(data, dict) else None
            if not isinstance(trade_order_id, str) or not trade_order_id:
                raise OrderOutcomeUnknown("create_order: TikTok's answer has no trade_order_id")
            return trade_order_id
        raise AssertionError("unreachable")

    async def query_order(self, access_token: str, trade_order_id: str) -> OrderStatus:
        """The order's status at TikTok (``PENDING`` or ``SUCCESS``); safe to retry.

        Example::

            if (await api.query_order(token, "tt-1")).paid:
                grant()
        """
        _need_text("access_token", access_token)
        _need_text("trade_order_id", trade_order_id)
        data = await self._retrying(lambda: self._order_call(QUERY_PATH, access_token,
                                                             {"trade_order_id": trade_order_id}))
        status = data.get("trade_order_status") if isinstance(data, dict) else None
        if status not in ("PENDING", "SUCCESS"):
            raise TikTokAPIError(f"query_order: unexpected trade_order_status {status!r}")
        return OrderStatus(trade_order_id=trade_order_id, status=status, data=data)

    # -- plumbing ---------------------------------------------------------------------------------
    async def _retrying(self, call: Callable[[], Awaitable[T]]) -> T:
        for attempt in range(self.retries + 1):
            try:
                return await call()
            except TikTokAPIError as e:
                if not e.retry_safe or attempt == self.retries:
                    raise
                await asyncio.sleep(self.backoff * 2 ** attempt)
        raise AssertionError("unreachable")

    async def _send(self, method_path: str, ambiguous_is_unknown: bool = False, **request: Any) -> httpx.Response:
        try:
            return await self._http.post(method_path, **request)
        except httpx.ConnectError as e:      # never reached TikTok: safe to retry
            error = TikTokUnreachable(f"{method_path}: could not connect to TikTok ({type(e).__name__})")
            error.retry_safe = True
            raise error from None
        except httpx.HTTPError as e:         # sent, but no complete answer: it may have happened
            kind = OrderOutcomeUnknown if ambiguous_is_unknown else TikTokUnreachable
            unanswered: TikTokAPIError = kind(f"{method_path}: no answer from TikTok ({type(e).__name__}: {e})")
            unanswered.retry_safe = not ambiguous_is_unknown
            raise unanswered from None

    async def _oauth(self, path: str, fields: dict[str, str], retry: bool, empty_ok: bool = False) -> dict[str, Any]:
        form = {"client_key": self.client_key, "client_secret": self._secret, **fields}

        async def call() -> dict[str, Any]:
            response = await self._send(path, data=form)
            if empty_ok and response.status_code == 200 and not response.content.strip():
                return {}          # revoke: "the response will be empty"
            data = _json(response)
            if response.status_code >= 400 or "error" in data and data.get("error"):
                code = data.get("error") or response.status_code
                kind = RateLimited if response.status_code == 429 else \
                    InternalError if response.status_code >= 500 else OAuthError
                raise kind(str(data.get("error_description") or "OAuth request failed"), code,
                           str(data.get("log_id") or ""), response.status_code)
            return data
        return await (self._retrying(call) if retry else call())

    async def _order_call(self, path: str, access_token: str, body: dict[str, Any],
                          ambiguous_is_unknown: bool = False) -> dict[str, Any]:
        response = await self._send(path, ambiguous_is_unknown, json=body,
                                    headers={"Authorization": f"Bearer {access_token}"})
        data = _json(response)
        found = data.get("error")
        error: dict[str, Any] = found if isinstance(found, dict) else {}
        code = error.get("code")
        if response.status_code == 200 and code == "ok":
            answer = data.get("data")
            return answer if isinstance(answer, dict) else {}
        if code is None or code == "ok":
            code = {401: "access_token_invalid", 429: "rate_limit_exceeded"}.get(response.status_code,
                                                                                   response.status_code)
        kind = _BY_CODE.get(code) or _BY_CODE.get(_int_or_none(code)) or (
            InternalError if response.status_code >= 500 else TikTokAPIError)
        raise kind(str(error.get("message") or f"HTTP {response.status_code}"), code,
                   str(error.get("log_id") or ""), response.status_code)


def _int_or_none(value: object) -> int | None:
    try:
        return int(str(value))     # a code TikTok sent: an int, or a str of digits
    except (TypeError, ValueError):
        return None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        raise TikTokAPIError(f"TikTok answered HTTP {response.status_code} with a body that is not JSON",
                             http_status=response.status_code,
                             ) from None
    if not isinstance(data, dict):
        raise TikTokAPIError("TikTok answered with JSON that is not an object", http_status=response.status_code)
    return data


def _need_text(name: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string, got {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{name} must be text that encodes as UTF-8 (it holds a lone surrogate)") from None


def _tokens(data: dict[str, Any]) -> Tokens:
    try:
        return Tokens(open_id=str(data["open_id"]), access_token=str(data["access_token"]),
                      expires_in=int(data["expires_in"]), refresh_token=str(data["refresh_token"]),
                      refresh_expires_in=int(data["refresh_expires_in"]), scope=str(data.get("scope", "")))
    except (KeyError, TypeError, ValueError) as e:
        raise TikTokAPIError(f"the token endpoint's answer lacks a field ({e})") from None
