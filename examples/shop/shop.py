"""Coin Shop's rules, with no DOM in sight: login, buying, recharging, the balance page, the
rewarded ad and pausing. ``main.py`` draws this state and forwards taps to it.

Because it only talks to ``ttminis``, this module runs unchanged on Pyodide, on Brython and on
plain CPython, where ``tests/examples/test_shop_rules.py`` tests it with the ``ttminis_wallet``
fixture.

Buying goes through a checkout (``backend.py``): the game's server creates the order, the game
pays it, and the item is the player's once the server reports it granted (from TikTok's signed
webhook) - or, in a preview without a server, the fake SDK's stand-in.

Example::

    shop = Shop(backend.connect())
    shop.listen()                 # pause on onHide, resume on onShow
    await shop.start()            # silent login, then what the player can afford
    await shop.buy(ITEMS[0])
"""
from ttminis import TTMinisError, game
from ttminis.game_server import GameServerError

ITEMS = [
    {"id": "sword", "name": "Sword", "price": 30},
    {"id": "shield", "name": "Shield", "price": 80},
    {"id": "crown", "name": "Crown", "price": 250},
]
AD_UNIT = "coin-shop-bonus"
AD_BONUS = 5


class Shop:
    """The game's state and every action a player can take."""

    def __init__(self, checkout):
        self.checkout = checkout              # backend.ServerCheckout (your server) or PreviewCheckout
        self.coins = 0
        self.owned = []
        self.affordable = {}
        self.message = "Welcome!"
        self.paused = False
        self.busy = False
        self.player = None

    def listen(self):
        """Pause when TikTok hides the game, resume when it comes back."""
        game.on_hide(self.pause)
        game.on_show(self.resume)

    def pause(self, _payload=None):
        self.paused = True
        self.message = "Paused"

    def resume(self, _payload=None):
        self.paused = False
        self.message = "Welcome back!"

    async def start(self):
        """Silent login (TikTok's review requires it), then check what the player can afford."""
        try:
            self.player = (await game.login())["code"]
            await self.checkout.sign_in(self.player)
            self.message = "Signed in. Tap the coin!"
        except TTMinisError as e:
            self.message = "Playing as guest (%s)" % e.error_msg
        await self.refresh_affordability()

    async def refresh_affordability(self):
        try:
            for item in ITEMS:
                self.affordable[item["id"]] = await game.check_balance(item["price"])
        except TTMinisError as e:
            self.message = "Could not check your Beans: %s" % e.error_msg

    async def buy(self, item):
        """Order ``item``, pay once, then own it when the server says it was granted.

        A second tap while buying does nothing."""
        if self.busy:
            return
        self.busy = True
        self.message = "Buying %s..." % item["name"]
        try:
            order = await self.checkout.create_order(item)
            await game.pay(order["trade_order_id"], timeout=300)
            self.message = "Paid. Waiting for the shop to deliver %s..." % item["name"]
            await self.checkout.until_granted(order)
            self.owned.append(item["name"])
            self.message = "Bought %s!" % item["name"]
        except GameServerError as e:
            if e.code == "not_granted_yet":
                self.message = "Paid for %s: it arrives when TikTok confirms" % item["name"]
            else:
                self.message = "%s not bought: %s" % (item["name"], e.error_msg)
        except TTMinisError as e:
            self.message = "%s not bought: %s" % (item["name"], e.error_msg)
        except RuntimeError as e:
            self.message = str(e)
        finally:
            self.busy = False
        await self.refresh_affordability()

    async def recharge(self, tier_id="tier-1"):
        try:
            await game.recharge(tier_id)
            self.message = "Recharged!"
        except TTMinisError as e:
            self.message = "Recharge failed: %s" % e.error_msg
        await self.refresh_affordability()

    async def open_balance(self):
        try:
            await game.navigate_to_balance()
        except TTMinisError as e:
            self.message = "Could not open your balance: %s" % e.error_msg

    async def watch_ad(self):
        """A rewarded ad: the bonus only for watching to the end."""
        try:
            if await game.watch_rewarded_ad(AD_UNIT):
                self.coins += AD_BONUS
                self.message = "Thanks for watching: +%d coins" % AD_BONUS
            else:
                self.message = "Watch the whole ad to get the bonus"
        except TTMinisError as e:
            self.message = "No ad right now: %s" % e.error_msg

    def collect_coin(self):
        if not self.paused:
            self.coins += 1
