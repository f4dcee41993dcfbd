"""Your game's own server, from the game: sign in, create an order, wait until it is granted.

Exports:
    GameServer(url=None, *, timeout=15)
        await .login(code=None) -> None          ``game.login()``'s code -> the server's session
        await .create_order(product_id) -> dict  ``{order_id, trade_order_id, product_id, amount, status}``
        await .order(order_id) -> dict           the order as the server sees it now
        await .wait_until_granted(order_id, timeout=120, every=1) -> dict
        await .buy(product_id, pay_timeout=300, grant_timeout=120) -> dict   all three steps, with game.pay
    StandInServer(prices)   the same methods where there is no server (dev builds, the simulator,
                      CPython tests): orders from the fake SDK's stand-in order book, prices from
                      ``prices``; a paid order counts as granted. Previews and tests only.
    connect(prices, url=None) -> GameServer | StandInServer
                      your server if the build gave a URL (``--backend-url``), else the stand-in
    GameServerError   the server refused, failed or did not answer: ``.status`` (HTTP or None),
                      ``.code`` (the server's, e.g. "unknown_product"), and TTMinisError's fields
    configured_url()  the backend URL the build gave the game (``ttminis build --backend-url``), or None

It speaks to ``ttminis.server``'s reference backend (or any server with the same four routes).
The item is granted by the server, from TikTok's signed webhook: the game only asks whether it
was. The HTTP goes through ``TTMinis.game.request`` on the native target (a declared https
domain) and through ``fetch`` on html (the loader's ``ttminisLoader.request``; the page's CSP
must allow the backend's origin); on the host, through the CPython fake's ``request``, which
makes real HTTP calls to the origins a test allowed. No ``json`` import: JSON is parsed by JS.

Example::

    from ttminis.game_server import GameServer, GameServerError

    server = GameServer()                 # the URL given at build time
    await server.login()
    try:
        order = await server.buy("sword")  # order, pay, then wait for the server's grant
    except GameServerError as e:
        show(e.error_msg)
"""
from __future__ import annotations

from . import calls, target
from .backend import ffi
from .errors import ERROR_UNKNOWN, SDKThrew, TTMinisError
from .sdk import game

TERMINAL_FAILURES = ("failed", "abandoned", "refused_sandbox")
_INT32_MAX = 2 ** 31 - 1

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Any, Mapping


class GameServerError(TTMinisError):
    """The game's server refused, failed or did not answer.

    ``status`` is the HTTP status (None: no answer), ``code`` the server's error code.

    Example::

        except GameServerError as e:
            if e.code == "not_signed_in":
                await server.login()
    """

    def __init__(self, status: int | None, code: str, message: str) -> None:
        super().__init__(status if status else ERROR_UNKNOWN, message, {"status": status, "code": code})
        self.status = status
        self.code = code


def configured_url() -> str | None:
    """The backend URL the build wrote for the game (``ttminis build --backend-url URL``), or None.

    Example::

        configured_url()      # "https://api.example.com" in a game built with --backend-url
    """
    url = ffi.global_value("ttminisBackendUrl")
    return url if isinstance(url, str) and url else None


def _sleep(seconds: float) -> Any:
    done = ffi.future()
    ffi.call_later(seconds, lambda: done.done() or done.set_result(None))
    return done


def _text(name: str, value: object, limit: int = 512) -> str:
    if not isinstance(value, str):
        raise TypeError(f"GameServer: {name} must be a str, got {type(value).__name__}")
    if not value or len(value) > limit:
        raise ValueError(f"GameServer: {name} must be a non-empty str of at most {limit} characters")
    return value


class _OrderFlow:
    """What both servers share: ``buy`` is order, ``game.pay``, then wait for the grant."""

    async def create_order(self, product_id: str) -> dict[str, Any]:
        raise NotImplementedError

    async def wait_until_granted(self, order_id: str, timeout: float = 120,
                                 every: float = 1.0) -> dict[str, Any]:
        raise NotImplementedError

    async def buy(self, product_id: str, pay_timeout: float = 300, grant_timeout: float = 120) -> dict[str, Any]:
        """Order ``product_id``, pay it with ``game.pay`` and wait until the server granted it.

        A declined payment raises ``TTMinisError`` (from ``pay``); the server's problems raise
        ``GameServerError``.

        Example::

            order = await server.buy("sword")      # order["status"] == "granted"
        """
        order = await self.create_order(product_id)
        await game.pay(order["trade_order_id"], timeout=pay_timeout)
        return await self.wait_until_granted(order["order_id"], timeout=grant_timeout)


class GameServer(_OrderFlow):
    """The game's client for its server (see the module docstring).

    Example::

        server = GameServer("https://api.example.com")
        await server.login()
        order = await server.create_order("sword")
    """

    def __init__(self, url: str | None = None, *, timeout: float = 15) -> None:
        url = url if url is not None else configured_url()
        if not isinstance(url, str) or not (url.startswith("https://") or url.startswith("http://")):
            raise ValueError("GameServer: url must be your backend's http(s) address (build the game with "
                             f"--backend-url URL, or pass it), got {url!r}")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise ValueError(f"GameServer: timeout must be a positive number of seconds, got {timeout!r}")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.session: str | None = None

    async def _call(self, method: str, path: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        header = {"Accept": "application/json"}
        if self.session:
            header["Authorization"] = "Bearer " + self.session
        options: dict[str, Any] = {"url": self.url + path, "method": method, "header": header, "dataType": "json",
                   "timeout": int(self.timeout * 1000)}
        if data is not None:
            header["Content-Type"] = "application/json"
            options["data"] = data
        try:
            if target.NAME == "html":
                answer = await calls.promise_call(ffi.global_value("ttminisLoader"), "request", (options,),
                                                  "ttminisLoader")
            else:
                answer = await game.request(options, timeout=self.timeout + 1)
        except TTMinisError as e:
            raise GameServerError(None, "unreachable",
                                  f"{method} {path}: the game server did not answer ({e.error_msg})") from None
        status = answer.get("statusCode") if isinstance(answer, dict) else None
        body = answer.get("data") if isinstance(answer, dict) else None
        if isinstance(status, int) and 200 <= status < 300 and isinstance(body, dict):
            return body
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            raise GameServerError(status, error.get("code") or "error", str(error.get("message") or status))
        raise GameServerError(status, "bad_answer", f"{method} {path}: unexpected answer (HTTP {status})")

    async def login(self, code: str | None = None) -> None:
        """Sign in to the server with ``game.login()``'s code (called for you when not given).

        Example::

            await server.login()
        """
        if code is None:
            code = (await game.login())["code"]
        answer = await self._call("POST", "/login", {"code": _text("code", code)})
        if not isinstance(answer.get("session"), str):
            raise GameServerError(200, "bad_answer", "POST /login: no session in the answer")
        self.session = answer["session"]

    async def create_order(self, product_id: str) -> dict[str, Any]:
        """Ask the server for an order of ``product_id`` (the price is the server's); returns it.

        Example::

            order = await server.create_order("sword")
            await game.pay(order["trade_order_id"])
        """
        return await self._call("POST", "/orders", {"product_id": _text("product_id", product_id, 64)})

    async def order(self, order_id: str) -> dict[str, Any]:
        """The order as the server sees it now (``status``: pending, granted, failed, ...).

        Example::

            (await server.order(order["order_id"]))["status"]      # "pending", then "granted"
        """
        return await self._call("GET", "/orders/" + _text("order_id", order_id, 64))

    async def wait_until_granted(self, order_id: str, timeout: float = 120,
                                 every: float = 1.0) -> dict[str, Any]:
        """Poll the order until the server granted it; raises ``GameServerError`` if the server
        gave up on it (``failed``, ``abandoned``, ``refused_sandbox``) or after ``timeout`` seconds
        (``code == "not_granted_yet"``: the server may still grant it when TikTok confirms).

        Example::

            await server.wait_until_granted(order["order_id"])
        """
        waited = 0.0
        while True:
            order = await self.order(order_id)
            status = order.get("status")
            if status in ("granted", "refunded"):
                return order
            if status in TERMINAL_FAILURES:
                raise GameServerError(200, status, f"order {order_id} was not granted ({status})")
            if waited >= timeout:
                raise GameServerError(None, "not_granted_yet",
                                      f"order {order_id} is not granted yet after {timeout} s; "
                                      "it will be once TikTok confirms the payment")
            await _sleep(every)
            waited += every


def _stand_in_order_book() -> Any:
    book = ffi.global_value("ttminisStandInOrders")     # set by the fake SDK while it is the SDK
    if book is None:
        raise GameServerError(None, "no_server", "no game server for purchases: build with --backend-url URL "
                              "(your server, e.g. python -m ttminis.server serve), or preview with a --dev "
                              "build, the simulator or ttminis_wallet (the fake SDK's stand-in orders)")
    return book


class StandInServer(_OrderFlow):
    """``GameServer``'s methods where there is no server: for previews and tests only.

    Orders come from the fake SDK's stand-in order book (``ttminisStandInOrders``, the fake's
    ``TTMinisFake.backend``: in ``--dev`` html builds, the native simulator and the desktop preview,
    and the ``ttminis_wallet`` fake on CPython; never in a release build, never beside TikTok's SDK) at
    the price in ``prices`` (product id -> Beans), and an order the fake SDK reports paid counts as
    granted. A real game grants from its server's webhook (``GameServer``). Where there is no fake
    either (a release build without ``--backend-url``), ordering raises ``GameServerError`` with
    ``code == "no_server"``, saying how to build.

    Example::

        server = StandInServer({"gems": 30})
        await server.login()
        order = await server.buy("gems")          # {"status": "granted", "amount": 30, ...}
    """

    def __init__(self, prices: Mapping[str, int]) -> None:
        if not isinstance(prices, dict):
            raise TypeError(f"StandInServer: prices must be a dict of product id -> Beans, got {type(prices).__name__}")
        for product_id, price in prices.items():
            _text("product id", product_id, 64)
            if isinstance(price, bool) or not isinstance(price, int) or not 1 <= price <= _INT32_MAX:
                raise ValueError(f"StandInServer: the price of {product_id!r} must be an int of Beans "
                                 f"in 1..{_INT32_MAX}, got {price!r}")
        self.prices = dict(prices)
        self.session: str | None = None
        self._orders: dict[str, dict[str, Any]] = {}

    async def login(self, code: str | None = None) -> None:
        """Silent login (``game.login()``), as ``GameServer.login`` does; there is no server to tell.

        Example::

            await server.login()
        """
        if code is None:
            code = (await game.login())["code"]
        self.session = _text("code", code)

    async def create_order(self, product_id: str) -> dict[str, Any]:
        """A stand-in order for ``product_id`` at its price in ``prices``.

        Example::

            order = await server.create_order("gems")
            await game.pay(order["trade_order_id"])
        """
        price = self.prices.get(_text("product_id", product_id, 64))
        if price is None:
            raise GameServerError(404, "unknown_product", f"no product {product_id!r} (the stand-in knows "
                                  f"{', '.join(sorted(self.prices)) or 'none'})")
        try:
            trade_order_id = ffi.invoke(_stand_in_order_book(), "createOrder", [price])
        except SDKThrew as e:
            raise GameServerError(None, "stand_in_refused", f"the fake SDK's order book refused: {e}") from None
        order = {"order_id": trade_order_id, "trade_order_id": trade_order_id, "product_id": product_id,
                 "amount": price, "status": "pending"}
        self._orders[trade_order_id] = order
        return dict(order)

    async def order(self, order_id: str) -> dict[str, Any]:
        """The order now: ``granted`` once the fake SDK reports it paid.

        Example::

            (await server.order(order["order_id"]))["status"]
        """
        order = self._orders.get(_text("order_id", order_id, 64))
        if order is None:
            raise GameServerError(404, "not_found", f"no order {order_id!r}")
        if order["status"] == "pending":
            paid = ffi.to_py(ffi.invoke(_stand_in_order_book(), "order", [order_id]))
            if isinstance(paid, dict) and paid.get("status") == "paid":
                order["status"] = "granted"
        return dict(order)

    async def wait_until_granted(self, order_id: str, timeout: float = 120,
                                 every: float = 1.0) -> dict[str, Any]:
        """The order if it was paid (the stand-in's grant); ``GameServerError`` with
        ``code == "not_granted_yet"`` if not. Nothing to wait for: the fake answers at once.

        Example::

            await server.wait_until_granted(order["order_id"])
        """
        order = await self.order(order_id)
        if order["status"] != "granted":
            raise GameServerError(None, "not_granted_yet", f"order {order_id} is not paid")
        return order


def connect(prices: Mapping[str, int], url: str | None = None) -> GameServer | StandInServer:
    """Your game's server if the build gave it one (``--backend-url``; or ``url``), else the stand-in
    for previews and tests (``StandInServer(prices)``). Both have ``login``, ``create_order``,
    ``order``, ``wait_until_granted`` and ``buy``.

    Example::

        server = connect({"gems": 30})
        await server.login()
        await server.buy("gems")
    """
    url = url if url is not None else configured_url()
    return GameServer(url) if url else StandInServer(prices)
