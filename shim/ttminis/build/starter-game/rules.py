"""The game's rules: taps, gems, the purchase, the rewarded ad and TikTok's two missions.

No drawing here: this module talks only to ``ttminis``, so it runs unchanged on TikTok's native
runtime, in a web page, and on plain CPython, where ``tests/test_rules.py`` tests it in milliseconds
with the ``ttminis_wallet`` fixture. ``main.py`` draws this state and turns taps into these actions.

Buying goes through ``ttminis.game_server.connect``: your server when the game is built with
``--backend-url URL`` (it creates the order, TikTok's signed webhook makes it grant the gems), else
the fake SDK's stand-in orders (``--dev`` builds, the simulator, tests), where a paid order counts
as granted.
"""
from __future__ import annotations

from ttminis import TTMinisError, game
from ttminis.game_server import GameServerError, connect

PRODUCTS = {"gems": 30}        # product id -> price in Beans (your server's catalogue decides for real)
GEMS_PER_PACK = 100
AD_UNIT = "your-rewarded-ad-unit-id"
AD_REWARD = 10                 # taps for watching the whole ad
MISSION_REWARD = 50            # gems for the shortcut and the profile-revisit missions


class Play:
    """Everything the player has and can do. Every action says what happened in ``message``."""

    def __init__(self) -> None:
        self.server = connect(PRODUCTS)
        self.taps = 0
        self.gems = 0
        self.message = "Welcome!"
        self.signed_in = False
        self.busy = False
        self.paused = False

    async def start(self) -> None:
        """Silent login (TikTok's review requires it), then any mission reward already earned."""
        try:
            await self.server.login()
            self.signed_in = True
            self.message = "Tap the circle!"
        except (TTMinisError, GameServerError) as e:
            self.message = f"Playing as guest ({e.error_msg})"
        await self.collect_mission_rewards()

    def tap(self) -> None:
        if not self.paused:
            self.taps += 1

    async def buy_gems(self) -> None:
        """Order a gem pack, pay it once, then add the gems when the server says it was granted."""
        if self.busy:
            return
        self.busy = True
        self.message = "Buying gems..."
        try:
            await self.server.buy("gems")
            self.gems += GEMS_PER_PACK
            self.message = f"+{GEMS_PER_PACK} gems!"
        except GameServerError as e:
            self.message = ("Paid: the gems arrive when TikTok confirms" if e.code == "not_granted_yet"
                            else f"Not bought: {e.error_msg}")
        except TTMinisError as e:
            self.message = f"Not bought: {e.error_msg}"
        finally:
            self.busy = False

    async def watch_ad(self) -> None:
        """A rewarded video ad: the reward only for watching it to the end."""
        try:
            if await game.watch_rewarded_ad(AD_UNIT):
                self.taps += AD_REWARD
                self.message = f"Thanks for watching: +{AD_REWARD} taps"
            else:
                self.message = "Watch the whole ad to get the reward"
        except TTMinisError as e:
            self.message = f"No ad right now ({e.error_msg})"

    async def add_shortcut(self) -> None:
        """TikTok's home-screen shortcut mission: offer the shortcut, then claim its reward."""
        try:
            await game.add_shortcut()
        except TTMinisError as e:
            self.message = f"No shortcut ({e.error_msg})"
            return
        await self.collect_mission_rewards()

    async def start_entrance_mission(self) -> None:
        """TikTok's profile-revisit mission: the reward comes when the player returns from the profile."""
        try:
            await game.start_entrance_mission()
            self.message = "Come back from your profile for a reward"
        except TTMinisError as e:
            self.message = f"No mission ({e.error_msg})"

    async def collect_mission_rewards(self) -> None:
        """Give each mission's reward once TikTok says it can be received."""
        for name, check in (("shortcut", game.get_shortcut_mission_reward),
                            ("revisit", game.get_entrance_mission_reward)):
            try:
                if (await check())["canReceiveReward"]:
                    self.gems += MISSION_REWARD
                    self.message = f"{name.capitalize()} reward: +{MISSION_REWARD} gems"
            except TTMinisError:
                pass       # a client without the mission: nothing to give

    def pause(self, _payload: object = None) -> None:
        self.paused = True
        self.message = "Paused"

    async def resume(self) -> None:
        self.paused = False
        self.message = "Welcome back!"
        await self.collect_mission_rewards()
