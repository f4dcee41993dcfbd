"""How the Coin Shop buys: through its server when it has one, else the preview's stand-in.

``connect()`` picks, from the backend URL the build gave the game (``build.py --backend-url URL``):

* ``ServerCheckout``: the real flow. The server (e.g. ttminis's reference backend,
  ``python -m ttminis.server serve``) creates the order at TikTok at its own price, the game pays
  it with ``game.pay``, and the item is the player's only once the SERVER reports it granted -
  which it does from TikTok's signed webhook, never from the game's word.
* ``PreviewCheckout``: no server (a plain ``--dev`` preview, the browser tests). Orders come from
  the fake SDK's in-memory stand-in and a successful ``pay`` is taken as the grant. Never ship this.
"""
from ttminis.game_server import GameServer, configured_url


class ServerCheckout:
    """Orders from the game's server, granted by the server.

    Example::

        checkout = ServerCheckout("http://127.0.0.1:8080")
        await checkout.sign_in(code)
        order = await checkout.create_order({"id": "sword"})
    """

    def __init__(self, url=None, grant_timeout=120):
        self.server = GameServer(url)
        self.grant_timeout = grant_timeout

    async def sign_in(self, code):
        await self.server.login(code)

    async def create_order(self, item):
        return await self.server.create_order(item["id"])

    async def until_granted(self, order):
        await self.server.wait_until_granted(order["order_id"], timeout=self.grant_timeout, every=0.5)


class PreviewCheckout:
    """No server: the fake SDK's stand-in orders (``create_order(price) -> trade_order_id``)."""

    def __init__(self, create_order=None):
        self._create = create_order or _fake_sdk_order

    async def sign_in(self, code):
        pass

    async def create_order(self, item):
        return {"trade_order_id": self._create(item["price"])}

    async def until_granted(self, order):
        pass


def _fake_sdk_order(price):
    from ttminis.backend import ffi      # the fake SDK's stand-in backend, where a page has one
    fake = ffi.global_value("TTMinisFake")
    if fake is None:
        raise RuntimeError("no backend configured: build with --backend-url URL (see examples/shop/backend.py)")
    return ffi.invoke(ffi.get(fake, "backend"), "createOrder", [price])


def connect():
    """The checkout for this build: ``ServerCheckout`` with a backend URL, else ``PreviewCheckout``."""
    url = configured_url()
    return ServerCheckout(url) if url else PreviewCheckout()
