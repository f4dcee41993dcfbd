"""The sweeper: settles what intake could not, and every unsettled order, each on its own schedule.

Exports:
    Sweeper(store, api, *, refresh_margin=300, batch=100, lease_ttl=30, sleep=asyncio.sleep, checkpoint=None)
        .access_token(open_id, force_refresh=False, rejected=None) -> str | None
                                      a usable access token; one refresh at a time per player
        .settle(delivery, may_ask_tiktok) -> outcome    one inbox row (intake uses it with False)
        .confirm(order) -> outcome    one unsettled order: ask TikTok, grant once, or reschedule
        .run_once(older_than=None) -> {outcome: count}
        .run_forever(interval=60)
    NO_TOKENS, LEFT_FOR_SWEEPER, EXPIRED, WAITING, ERROR    outcomes

Why a second path: a webhook can be lost to us (a crash after the inbox commit, a stale delivery
that must be confirmed, TikTok giving up), so the sweeper reaches the same exactly-once
``store.redeem``. Every round it works the inbox rows that are due, parks (or expires) in one statement the due
orders TikTok never gave an id for, then works the unsettled orders that are due (``creating``, ``pending`` and ``abandoned`` alike), each with a next-check time and a
doubling backoff capped at the store's ``max_backoff``: an order is never starved by others, it
is due again at most ``max_backoff`` seconds after its last check, and each round takes the
``batch`` longest-due. An order never created at TikTok has nothing to ask: it waits for a
delivery naming it until it expires; an order still unpaid after the store's ``expire_after``
expires (a later delivery still grants it).

Tokens: TikTok's access token lives 2 hours and its refresh token 180 days (the answers'
``expires_in``/``refresh_expires_in`` are what is stored); a refresh returns a new refresh token
and the previous one stops working. So one refresh of a player runs at a time across processes:
a lease row claimed in a short transaction (no transaction is open while TikTok is called), the
newest tokens re-read before refreshing, and the new ones saved at once. A player with no usable
token (disconnected, or the rotated token lost in a crash) has their orders wait visibly
(``detail``) for the webhook or their next login.

Example::

    sweeper = Sweeper(store, api)
    await sweeper.run_once()        # {"granted": 1, "not_paid": 3}
"""
from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any, Awaitable, Callable

from starlette.concurrency import run_in_threadpool

from .store import (ALREADY_GRANTED, GRANTED_STATUSES, NOT_PAID, UNKNOWN_ORDER, UNSETTLED, WAITING_FOR_LOGIN,
                    Delivery, Order, Store)
from .tiktok_api import AccessTokenInvalid, OAuthError, TikTokAPI
from .webhook import AUTHORIZATION_REMOVED, REDEEM_SUCCESS, REFUND_FAIL, REFUND_SUCCESS, REFUND_TRACEBACK

log = logging.getLogger("ttminis.server")
NO_TOKENS, LEFT_FOR_SWEEPER, EXPIRED, WAITING, ERROR = (
    "no_tokens", "left_for_sweeper", "expired", "waiting_for_webhook", "error")
Checkpoint = Callable[[str], Awaitable[None]]


async def _no_checkpoint(name: str) -> None:
    return None


class Sweeper:
    """Inbox rows and unsettled orders settled with TikTok's query API (see the module docstring).

    ``checkpoint(name)`` is awaited at named points (tests interleave and inject faults there).

    Example::

        await Sweeper(store, api).run_once()     # {"granted": 1, "not_paid": 2}
    """

    def __init__(self, store: Store, api: TikTokAPI, *, refresh_margin: float = 300, batch: int = 100,
                 lease_ttl: float = 30, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 checkpoint: Checkpoint | None = None) -> None:
        self.store = store
        self.api = api
        self.refresh_margin = refresh_margin
        self.batch = batch
        self.lease_ttl = lease_ttl
        self.sleep = sleep
        self.checkpoint = checkpoint or _no_checkpoint

    # -- tokens -----------------------------------------------------------------------------------
    async def access_token(self, open_id: str, force_refresh: bool = False, rejected: str | None = None) -> str | None:
        """A usable access token for ``open_id``, refreshed (and stored) when about to expire, or
        when TikTok ``rejected`` the one we had (``force_refresh``). None: the player has no usable
        tokens (their orders wait for the webhook or the next login).

        Example::

            token = await sweeper.access_token("player-1")
        """
        holder = secrets.token_hex(8)
        lease = "refresh:" + open_id
        deadline = self.store.clock() + 2 * self.lease_ttl
        while True:
            tokens = await run_in_threadpool(self.store.player_tokens, open_id)
            if tokens is None:
                return None
            now = self.store.clock()
            if force_refresh and rejected is not None and tokens.access_token != rejected:
                return tokens.access_token              # someone else refreshed since
            if not force_refresh and tokens.access_expires_at - self.refresh_margin > now:
                return tokens.access_token
            if tokens.refresh_expires_at <= now:
                await run_in_threadpool(self.store.forget_tokens, open_id, refresh_token=tokens.refresh_token)
                return None
            if not await run_in_threadpool(self.store.claim_lease, lease, holder, self.lease_ttl):
                if self.store.clock() > deadline:
                    raise TimeoutError(f"the refresh of {open_id}'s tokens is held by another process")
                await self.sleep(0.05)                  # another refresh of this player is under way
                continue
            try:
                latest = await run_in_threadpool(self.store.player_tokens, open_id)
                if latest is None or latest.refresh_token != tokens.refresh_token:
                    continue                            # refreshed (or forgotten) meanwhile: look again
                await self.checkpoint("refresh.leased")
                try:
                    fresh = await self.api.refresh(tokens.refresh_token)
                except OAuthError as e:
                    if e.code != "invalid_grant":
                        raise
                    # our newest refresh token no longer works (rotated by a refresh whose answer
                    # was lost, or revoked): nothing can restore it but the player's next login
                    log.warning("refresh of %s's tokens refused (%s): waiting for their next login", open_id, e.code)
                    await run_in_threadpool(self.store.forget_tokens, open_id, refresh_token=tokens.refresh_token)
                    return None
                await self.checkpoint("refresh.answered")
                await run_in_threadpool(self.store.save_tokens, fresh)
                return fresh.access_token
            finally:
                await run_in_threadpool(self.store.release_lease, lease, holder)

    # -- one order --------------------------------------------------------------------------------
    async def _paid(self, order: Order) -> bool | None:
        """TikTok's answer for an order (True: SUCCESS), or None when the player has no tokens."""
        token = await self.access_token(order.open_id)
        if token is None:
            return None
        try:
            status = await self.api.query_order(token, order.trade_order_id or "")
        except AccessTokenInvalid:
            token = await self.access_token(order.open_id, force_refresh=True, rejected=token)
            if token is None:
                return None
            status = await self.api.query_order(token, order.trade_order_id or "")
        return status.paid

    async def confirm(self, order: Order, *, delivery_id: int | None = None) -> str:
        """Ask TikTok about one unsettled order; grant it (exactly once) if TikTok reports it paid,
        else schedule its next check (or expire it when too old).

        Example::

            await sweeper.confirm(store.order("ord-1"))      # "granted" / "already_granted" / "not_paid"
        """
        store = self.store
        age = store.clock() - order.created_at
        if not order.trade_order_id:        # never created at TikTok as far as we know: nothing to ask
            if age >= store.expire_after:
                await run_in_threadpool(store.expire_order, order.order_id, "never created at TikTok")
                return EXPIRED
            await run_in_threadpool(store.check_order_later, order.order_id, order.detail,
                                    delay=order.created_at + store.expire_after - store.clock())
            return WAITING
        paid = await self._paid(order)
        if paid is None:
            await run_in_threadpool(store.check_order_later, order.order_id, WAITING_FOR_LOGIN,
                                    delay=store.max_backoff)
            return NO_TOKENS
        await self.checkpoint("sweeper.answered")
        if paid:
            outcome: str = await run_in_threadpool(store.redeem, order.trade_order_id, order_id=order.order_id,
                                                   source="sweeper", delivery_id=delivery_id)
            return outcome
        if age >= store.expire_after:
            await run_in_threadpool(store.expire_order, order.order_id, "not paid at TikTok before it expired")
            return EXPIRED
        await run_in_threadpool(store.check_order_later, order.order_id, "")
        return NOT_PAID

    # -- one delivery -----------------------------------------------------------------------------
    async def settle(self, delivery: Delivery, may_ask_tiktok: bool) -> str:
        """Settle one inbox row. Without ``may_ask_tiktok`` (intake: the 200 must not wait on
        TikTok) a delivery that needs TikTok is left for the sweeper: ``left_for_sweeper``.
        Raises what a hook raises (nothing committed; the row stays due)."""
        store = self.store
        tid = delivery.trade_order_id or ""
        if delivery.event == REDEEM_SUCCESS:
            if not delivery.stale:
                return await run_in_threadpool(store.redeem, tid, order_id=delivery.order_id,
                                               is_sandbox=delivery.is_sandbox, delivery_id=delivery.id)
            # authentic but signed outside the tolerance (late, or replayed): grant only what TikTok confirms
            order = await run_in_threadpool(store.order_for_trade, tid)
            if order is None and delivery.order_id:
                order = await run_in_threadpool(store.attach_trade_order, delivery.order_id, tid)
                order = order if order is not None and order.trade_order_id == tid else None
            if order is None or order.status in GRANTED_STATUSES or order.status not in UNSETTLED + ("expired",):
                outcome = UNKNOWN_ORDER if order is None else \
                    ALREADY_GRANTED if order.status in GRANTED_STATUSES else order.status
                await run_in_threadpool(store.settle_delivery, delivery.id, "stale_" + outcome)
                return "stale_" + outcome
            if not may_ask_tiktok:
                return LEFT_FOR_SWEEPER
            paid = await self._paid(order)
            if paid is None:
                await run_in_threadpool(store.check_delivery_later, delivery.id, delay=store.max_backoff)
                return NO_TOKENS
            await self.checkpoint("sweeper.answered")
            if paid:
                outcome = await run_in_threadpool(store.redeem, tid, order_id=order.order_id, source="sweeper",
                                                  is_sandbox=delivery.is_sandbox, delivery_id=delivery.id)
                return "stale_" + outcome
            await run_in_threadpool(store.settle_delivery, delivery.id, "stale_not_paid")
            return "stale_not_paid"
        if delivery.event == REFUND_TRACEBACK:
            first = await run_in_threadpool(store.refund, tid, delivery.create_time, delivery.content_text,
                                            delivery.content, order_id=delivery.order_id, delivery_id=delivery.id)
            return "refund_recorded" if first else "refund_duplicate"
        if delivery.event in (REFUND_SUCCESS, REFUND_FAIL):
            return await run_in_threadpool(store.refund_notice, delivery)
        if delivery.event == AUTHORIZATION_REMOVED:
            return await run_in_threadpool(store.forget_player, delivery.user_openid, delivery.id)
        await run_in_threadpool(store.settle_delivery, delivery.id, "ignored")
        return "ignored"

    # -- rounds -----------------------------------------------------------------------------------
    async def run_once(self, older_than: float | None = None) -> dict[str, int]:
        """One round: the due inbox rows, then the due unsettled orders (``batch`` of each, the
        longest-due first). ``older_than=0`` makes every unsettled order due now (tests, tools).
        Returns outcome counts."""
        counts: dict[str, int] = {}
        if older_than == 0:
            await run_in_threadpool(self._all_due_now)
        for delivery in await run_in_threadpool(self.store.due_deliveries, self.batch):
            try:
                outcome = await self.settle(delivery, may_ask_tiktok=True)
            except Exception as e:     # TikTok's error or a hook's: due again after the backoff
                log.warning("sweeper: delivery %s not settled: %s: %s", delivery.id, type(e).__name__, e)
                await run_in_threadpool(self.store.check_delivery_later, delivery.id)
                outcome = ERROR
            counts[outcome] = counts.get(outcome, 0) + 1
        expired = await run_in_threadpool(self.store.park_unaskable)
        if expired:
            counts[EXPIRED] = expired
        for order in await run_in_threadpool(self.store.due_orders, self.batch):
            try:
                outcome = await self.confirm(order)
            except Exception as e:
                log.warning("sweeper: order %s not confirmed: %s: %s", order.order_id, type(e).__name__, e)
                await run_in_threadpool(self.store.check_order_later, order.order_id, f"error: {type(e).__name__}")
                outcome = ERROR
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    def _all_due_now(self) -> None:
        from sqlalchemy import update

        from .store import inbox, orders
        with self.store.engine.begin() as conn:
            now = self.store.clock()
            conn.execute(update(orders).where(orders.c.status.in_(UNSETTLED), orders.c.trade_order_id.is_not(None))
                         .values(next_check_at=now))
            conn.execute(update(inbox).where(inbox.c.settled_at.is_(None)).values(next_check_at=now))

    async def run_forever(self, interval: float = 60, older_than: float | None = None) -> None:
        while True:
            try:
                counts = await self.run_once()
                if counts:
                    log.info("sweeper: %s", counts)
            except Exception:          # the sweeper must outlive a bad round (logged, not raised)
                log.exception("sweeper round failed")
            await self.sleep(interval)
