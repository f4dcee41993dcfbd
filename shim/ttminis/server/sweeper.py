"""The sweeper: orders left ``pending`` are confirmed with TikTok's query API and granted once.

Exports:
    Sweeper(store, api, *, refresh_margin=300)
        .access_token(open_id) -> str     the player's token, refreshed first when (nearly) expired
        .confirm(order) -> outcome        query TikTok; ``SUCCESS`` -> ``store.redeem`` (once)
        .run_once(older_than=60) -> {outcome: count}
        .run_forever(interval=60)

A webhook can be lost to us (a crash before the commit after TikTok gave up, a stale delivery, a
bug); the sweeper is the second path to the same exactly-once ``store.redeem``. The query needs
the player's access token, which lives 24 h: the store keeps each player's refresh token (365 days)
and the sweeper refreshes before use, and once more if TikTok answers ``access_token_invalid``.

Example::

    sweeper = Sweeper(store, api)
    await sweeper.run_once()        # {"granted": 1, "not_paid": 3}
"""
from __future__ import annotations

import asyncio
import logging

from starlette.concurrency import run_in_threadpool

from .store import NOT_PAID, Order, Store
from .tiktok_api import AccessTokenInvalid, TikTokAPI

log = logging.getLogger("ttminis.server")
NO_TOKENS = "no_tokens"


class Sweeper:
    """Orders left pending are queried at TikTok and granted once; players' tokens refreshed first.

    Example::

        await Sweeper(store, api).run_once(older_than=60)     # {"granted": 1, "not_paid": 2}
    """

    def __init__(self, store: Store, api: TikTokAPI, *, refresh_margin: float = 300) -> None:
        self.store = store
        self.api = api
        self.refresh_margin = refresh_margin

    async def access_token(self, open_id: str, force_refresh: bool = False) -> str | None:
        """A usable access token for ``open_id``, refreshed (and stored) when it is about to expire."""
        tokens = await run_in_threadpool(self.store.player_tokens, open_id)
        if tokens is None:
            return None
        if not force_refresh and tokens.access_expires_at - self.refresh_margin > self.store.clock():
            return tokens.access_token
        fresh = await self.api.refresh(tokens.refresh_token)
        await run_in_threadpool(self.store.save_tokens, fresh)
        return fresh.access_token

    async def confirm(self, order: Order) -> str:
        """Ask TikTok about one order; grant it (exactly once) if TikTok reports it paid.

        Example::

            await sweeper.confirm(store.order("ord-1"))      # "granted" / "already_granted" / "not_paid"
        """
        trade_order_id = order.trade_order_id
        if not trade_order_id:       # never created at TikTok: nothing can have been paid
            return NOT_PAID
        token = await self.access_token(order.open_id)
        if token is None:
            return NO_TOKENS
        try:
            status = await self.api.query_order(token, trade_order_id)
        except AccessTokenInvalid:
            token = await self.access_token(order.open_id, force_refresh=True)
            if token is None:
                return NO_TOKENS
            status = await self.api.query_order(token, trade_order_id)
        if not status.paid:
            return NOT_PAID
        outcome: str = await run_in_threadpool(self.store.redeem, trade_order_id, order_id=order.order_id,
                                               source="sweeper")
        return outcome

    async def run_once(self, older_than: float = 60) -> dict[str, int]:
        """Confirm every order pending for at least ``older_than`` seconds; returns outcome counts."""
        counts: dict[str, int] = {}
        for order in await run_in_threadpool(self.store.pending_orders, older_than):
            try:
                outcome = await self.confirm(order)
            except Exception as e:     # TikTok's error or the grant hook's: the next round tries again
                log.warning("sweeper: order %s not confirmed: %s: %s", order.order_id, type(e).__name__, e)
                outcome = "error"
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    async def run_forever(self, interval: float = 60, older_than: float = 60) -> None:
        while True:
            try:
                counts = await self.run_once(older_than)
                if counts:
                    log.info("sweeper: %s", counts)
            except Exception:          # the sweeper must outlive a bad round (logged, not raised)
                log.exception("sweeper round failed")
            await asyncio.sleep(interval)
