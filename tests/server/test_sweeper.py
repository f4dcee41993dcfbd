"""The sweeper: a payment whose webhook never arrived is found with the query API and granted once."""
import pytest
from sqlalchemy import text

from ttminis.server.sweeper import Sweeper
from ttminis.server.testing import running_backend
from ttminis.server.tiktok_api import TikTokAPI
from ttminis.testing import FakeTikTok

from test_backend import Player, granted_items, inventory_hook


@pytest.fixture
def backend(tiktok, database_url):
    with running_backend(tiktok, database_url, grant=inventory_hook) as running:
        tiktok.webhook_urls.clear()          # TikTok's webhooks never reach this backend
        yield running


def sweep(backend, tiktok):
    async def once():
        async with TikTokAPI(tiktok.client_key, tiktok.client_secret, base_url=tiktok.url) as api:
            return await Sweeper(backend.store, api).run_once(older_than=0)
    return FakeTikTok.run(once)      # a worker thread's loop: a browser session keeps one in this thread


def test_a_paid_order_without_its_webhook_is_granted_once(backend, tiktok):
    player = Player(backend, tiktok)
    paid, unpaid = player.order("sword"), player.order("shield")
    tiktok.pay(paid["trade_order_id"])
    assert sweep(backend, tiktok) == {"granted": 1, "not_paid": 1}
    assert player.status(paid["order_id"]) == "granted" and player.status(unpaid["order_id"]) == "pending"
    assert sweep(backend, tiktok) == {"not_paid": 1}
    assert granted_items(backend) == [("player-1", "sword")]


def test_an_expired_access_token_is_refreshed_before_the_query(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order()
    tiktok.pay(order["trade_order_id"])
    with backend.store.engine.begin() as conn:
        conn.execute(text("UPDATE ttminis_players SET access_expires_at = 0"))
    assert sweep(backend, tiktok) == {"granted": 1}
    assert ("token:refresh_token", "player-1") in tiktok.calls
    assert backend.store.player_tokens("player-1").access_expires_at > 0


def test_a_token_tiktok_no_longer_accepts_is_refreshed_and_the_query_retried(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order()
    tiktok.pay(order["trade_order_id"])
    tiktok.expire_access_tokens()            # TikTok says 401 although our record says it is valid
    assert sweep(backend, tiktok) == {"granted": 1}
    assert ("token:refresh_token", "player-1") in tiktok.calls


def test_a_late_webhook_after_the_sweeper_grants_nothing_more(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order()
    tiktok.plan(hold=True)
    tiktok.pay(order["trade_order_id"])
    assert sweep(backend, tiktok) == {"granted": 1}
    tiktok.webhook_urls.append(backend.url + "/webhook")
    tiktok.release()
    tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
    assert granted_items(backend) == [("player-1", "sword")]


def test_query_errors_leave_the_order_for_the_next_round(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order()
    tiktok.pay(order["trade_order_id"])
    tiktok.fail_next("query", 40001000, 400)
    assert sweep(backend, tiktok) == {"error": 1}
    assert player.status(order["order_id"]) == "pending"
    assert sweep(backend, tiktok) == {"granted": 1}


def sweeper_at(backend, tiktok, api, ahead=120, **options):
    """A sweeper whose clock is ``ahead`` seconds in the future (time has passed), on the same database."""
    import time as _time
    from ttminis.server.store import Store
    then = _time.time() + ahead                 # a fixed moment: the test's rounds all happen "then"
    later = Store(backend.store.url, clock=lambda: then, grant=inventory_hook)
    return Sweeper(later, api, **options), later


def test_a_thousand_abandoned_orders_ahead_do_not_starve_a_paid_one(backend, tiktok):
    """The sweeper read only the 100 oldest pending orders: a pile of abandoned ones starved a paid one."""
    import time as _time
    from ttminis.server.store import orders
    from ttminis.server.tiktok_api import OrderRequest
    player = Player(backend, tiktok)
    access = backend.store.player_tokens("player-1").access_token
    paid = player.order("sword")
    tiktok.pay(paid["trade_order_id"])
    long_ago = _time.time() - 3600

    import httpx

    def in_process():         # the fake's own app over httpx's ASGI transport: 2,000 calls without sockets
        return TikTokAPI(tiktok.client_key, tiktok.client_secret, base_url="http://tiktok",
                         transport=httpx.ASGITransport(app=tiktok.app))

    async def abandoned_at_tiktok():
        async with in_process() as api:
            return [await api.create_order(access, OrderRequest(f"ord-old-{i:04}", 30, "sword", "Sword"))
                    for i in range(1000)]
    trade_ids = FakeTikTok.run(abandoned_at_tiktok)
    row = {"open_id": "player-1", "product_id": "sword", "product_name": "Sword", "amount": 30, "quantity": 1,
           "is_sandbox": None, "detail": "", "created_at": long_ago, "updated_at": long_ago, "granted_at": None,
           "next_check_at": long_ago, "checks": 0, "refunded": 0}
    with backend.store.engine.begin() as conn:
        conn.execute(orders.insert(), [dict(row, order_id=f"ord-old-{i:04}", trade_order_id=tid, status="pending")
                                       for i, tid in enumerate(trade_ids)])
        conn.execute(orders.insert(), [dict(row, order_id=f"ord-new-{i:04}", trade_order_id=None, status="creating")
                                       for i in range(1000)])       # never created at TikTok: nothing to ask

    async def rounds():
        async with in_process() as api:
            sweeper, store = sweeper_at(backend, tiktok, api, batch=100)
            for n in range(1, 20):
                counts = await sweeper.run_once()
                if counts.get("granted"):
                    return n, counts
            return None, counts
    n, counts = FakeTikTok.run(rounds)
    assert n is not None and n <= 11, counts          # 1,001 due orders, 100 a round: reached by round 11
    assert player.status(paid["order_id"]) == "granted"
    assert backend.store.order("ord-new-0000").status == "creating"     # not due before it expires


def test_an_order_of_a_player_without_tokens_waits_visibly_and_a_login_wakes_it(backend, tiktok):
    from ttminis.server.store import WAITING_FOR_LOGIN
    player = Player(backend, tiktok)
    order = player.order()
    tiktok.pay(order["trade_order_id"])
    backend.store.forget_tokens("player-1")
    assert sweep(backend, tiktok) == {"no_tokens": 1}
    assert backend.store.order(order["order_id"]).detail == WAITING_FOR_LOGIN
    assert backend.store.unsettled_counts()["waiting_for_login"] == 1
    Player(backend, tiktok)                                  # the player logs in again
    assert backend.store.order(order["order_id"]).next_check_at <= backend.store.clock()

    async def once():
        async with TikTokAPI(tiktok.client_key, tiktok.client_secret, base_url=tiktok.url) as api:
            return await Sweeper(backend.store, api).run_once()
    assert FakeTikTok.run(once) == {"granted": 1}


def test_an_unpaid_order_expires_after_the_configured_age(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order()

    async def later():
        async with TikTokAPI(tiktok.client_key, tiktok.client_secret, base_url=tiktok.url) as api:
            sweeper, store = sweeper_at(backend, tiktok, api, ahead=8 * 24 * 3600)
            return await sweeper.run_once()
    assert FakeTikTok.run(later) == {"expired": 1}
    assert player.status(order["order_id"]) == "expired"
    tiktok.webhook_urls.append(backend.url + "/webhook")     # paid after all: TikTok's word still grants
    tiktok.pay(order["trade_order_id"])
    tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
    assert player.status(order["order_id"]) == "granted"
