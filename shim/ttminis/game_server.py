"""Your game's own server, from the game: sign in, create an order, wait until it is granted.

Exports:
    GameServer(url=None, *, timeout=15)
        await .login(code=None) -> None          ``game.login()``'s code -> the server's session
        await .create_order(product_id) -> dict  ``{order_id, trade_order_id, product_id, amount, status}``
        await .order(order_id) -> dict           the order as the server sees it now
        await .wait_until_granted(order_id, timeout=120, every=1) -> dict
        await .buy(product_id, pay_timeout=300, grant_timeout=120) -> dict   all three steps, with game.pay
    GameServerError   the server refused, failed or did not answer: ``.status`` (HTTP or None),
                      ``.code`` (the server's, e.g. "unknown_product"), and TTMinisError's fields
    configured_url()  the backend URL the build gave the game (``build.py --backend-url``), or None

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
from . import calls, target
from .backend import ffi
from .errors import ERROR_UNKNOWN, TTMinisError
from .sdk import game

TERMINAL_FAILURES = ("failed", "abandoned", "refused_sandbox")


class GameServerError(TTMinisError):
    """The game's server refused, failed or did not answer.

    ``status`` is the HTTP status (None: no answer), ``code`` the server's error code.

    Example::

        except GameServerError as e:
            if e.code == "not_signed_in":
                await server.login()
    """

    def __init__(self, status, code, message):
        super().__init__(status if status else ERROR_UNKNOWN, message, {"status": status, "code": code})
        self.status = status
        self.code = code


def configured_url():
    """The backend URL the build wrote for the game (``build.py --backend-url URL``), or None.

    Example::

        configured_url()      # "https://api.example.com" in a game built with --backend-url
    """
    url = ffi.global_value("ttminisBackendUrl")
    return url if isinstance(url, str) and url else None


def _sleep(seconds):
    done = ffi.future()
    ffi.call_later(seconds, lambda: done.done() or done.set_result(None))
    return done


def _text(name, value, limit=512):
    if not isinstance(value, str):
        raise TypeError(f"GameServer: {name} must be a str, got {type(value).__name__}")
    if not value or len(value) > limit:
        raise ValueError(f"GameServer: {name} must be a non-empty str of at most {limit} characters")
    return value


class GameServer:
    """The game's client for its server (see the module docstring).

    Example::

        server = GameServer("https://api.example.com")
        await server.login()
        order = await server.create_order("sword")
    """

    def __init__(self, url=None, *, timeout=15):
        url = url if url is not None else configured_url()
        if not isinstance(url, str) or not (url.startswith("https://") or url.startswith("http://")):
            raise ValueError("GameServer: url must be your backend's http(s) address (build the game with "
                             f"--backend-url URL, or pass it), got {url!r}")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise ValueError(f"GameServer: timeout must be a positive number of seconds, got {timeout!r}")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.session = None

    async def _call(self, method, path, data=None):
        header = {"Accept": "application/json"}
        if self.session:
            header["Authorization"] = "Bearer " + self.session
        options = {"url": self.url + path, "method": method, "header": header, "dataType": "json",
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

    async def login(self, code=None):
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

    async def create_order(self, product_id):
        """Ask the server for an order of ``product_id`` (the price is the server's); returns it.

        Example::

            order = await server.create_order("sword")
            await game.pay(order["trade_order_id"])
        """
        return await self._call("POST", "/orders", {"product_id": _text("product_id", product_id, 64)})

    async def order(self, order_id):
        """The order as the server sees it now (``status``: pending, granted, failed, ...)."""
        return await self._call("GET", "/orders/" + _text("order_id", order_id, 64))

    async def wait_until_granted(self, order_id, timeout=120, every=1.0):
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

    async def buy(self, product_id, pay_timeout=300, grant_timeout=120):
        """Order ``product_id``, pay it with ``game.pay`` and wait until the server granted it.

        A declined payment raises ``TTMinisError`` (from ``pay``); the server's problems raise
        ``GameServerError``.

        Example::

            order = await server.buy("sword")      # order["status"] == "granted"
        """
        order = await self.create_order(product_id)
        await game.pay(order["trade_order_id"], timeout=pay_timeout)
        return await self.wait_until_granted(order["order_id"], timeout=grant_timeout)
