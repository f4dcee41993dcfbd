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
