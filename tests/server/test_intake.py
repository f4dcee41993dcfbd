"""Intake: an authentic delivery is committed first, settled at once when it can be, and otherwise
answered 200 at once and settled by the sweeper. Refunds apply in any order, partially, once.

Each test is TikTok's view over real HTTP against the fake TikTok server, on both databases.
"""
import pytest
from sqlalchemy import text

from ttminis.server.sweeper import Sweeper
from ttminis.server.testing import running_backend
from ttminis.server.tiktok_api import TikTokAPI
from ttminis.testing import FakeTikTok

from test_backend import Player, granted_items, inventory_hook


def sweep(backend, tiktok, rounds=1):
    """``rounds`` sweeper rounds with no waiting between checks (the backoff is the test's clock)."""
    async def go():
        async with TikTokAPI(tiktok.client_key, tiktok.client_secret, base_url=tiktok.url, backoff=0) as api:
            sweeper = Sweeper(backend.store, api)
            return [await sweeper.run_once(older_than=0) for _ in range(rounds)]
    return FakeTikTok.run(go)


def make_due(backend):
    """Time passes: every scheduled check is due now."""
    with backend.store.engine.begin() as conn:
        for table in ("ttminis_orders", "ttminis_inbox"):
            try:
                conn.execute(text(f"UPDATE {table} SET next_check_at = 0 WHERE next_check_at IS NOT NULL"))
            except Exception:       # the table or column does not exist (before the fix)
                pass


@pytest.fixture
def refunds():
    return []


@pytest.fixture
def backend(tiktok, database_url, refunds):
    with running_backend(tiktok, database_url, grant=inventory_hook, refund=refunds.append) as running:
        yield running


def test_a_refund_before_its_redeem_is_applied_when_the_redeem_arrives(backend, tiktok, refunds):
    """Finding 2: the refund first, then the held redeem: the item must not stay with the player."""
    player = Player(backend, tiktok)
    order = player.order("sword")
    tiktok.plan(hold=True)
    tiktok.pay(order["trade_order_id"])
    tiktok.refund(order["trade_order_id"])
    tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"], tiktok_refund_event()))
    tiktok.release()
    tiktok.wait_for(tiktok.settled)
    assert player.status(order["order_id"]) == "refunded"
    assert len(refunds) == 1 and refunds[0].take_back and refunds[0].amount == 30


def tiktok_refund_event():
    from ttminis.server import webhook
    return webhook.REFUND_TRACEBACK


def test_a_partial_refund_is_recorded_and_the_item_taken_back_once_fully_recovered(backend, tiktok, refunds):
    player = Player(backend, tiktok)
    order = player.order("shield")                   # 80 Beans
    tiktok.pay(order["trade_order_id"])
    tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
    tiktok.refund(order["trade_order_id"], 50)
    tiktok.wait_for(tiktok.settled)
    assert player.status(order["order_id"]) == "partially_refunded"
    assert [(r.amount, r.recovered, r.take_back) for r in refunds] == [(50, 50, False)]
    tiktok.refund(order["trade_order_id"], 30)
    tiktok.wait_for(tiktok.settled)
    assert player.status(order["order_id"]) == "refunded"
    assert [(r.amount, r.recovered, r.take_back) for r in refunds] == [(50, 50, False), (30, 80, True)]


def test_a_refund_delivered_twice_is_counted_once(backend, tiktok, refunds):
    player = Player(backend, tiktok)
    order = player.order("shield")
    tiktok.pay(order["trade_order_id"])
    tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
    tiktok.plan(copies=2)
    tiktok.refund(order["trade_order_id"], 50)
    tiktok.wait_for(tiktok.settled)
    assert player.status(order["order_id"]) == "partially_refunded"
    assert len(refunds) == 1


def test_a_stale_delivery_is_answered_without_waiting_on_tiktok(backend, tiktok):
    """Finding 9: the 200 never waits on a call to TikTok; the sweeper confirms it afterwards."""
    player = Player(backend, tiktok)
    order = player.order()
    tiktok.plan(late_by=3600)
    calls_before = len(tiktok.calls)
    tiktok.pay(order["trade_order_id"])
    tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
    assert tiktok.calls[calls_before:] == []              # no query while the delivery waited
    assert player.status(order["order_id"]) == "pending"
    make_due(backend)
    sweep(backend, tiktok)
    assert player.status(order["order_id"]) == "granted"
    assert granted_items(backend) == [("player-1", "sword")]


def test_a_paid_order_whose_trade_id_was_never_kept_is_granted_though_the_query_fails_at_first(backend, tiktok):
    """Finding 3: crash before the trade_order_id was stored, a stale webhook, TikTok's query failing
    briefly: the order used to stay ``creating`` for ever (the sweeper read only ``pending``)."""
    player = Player(backend, tiktok)
    order = player.order()
    with backend.store.engine.begin() as conn:
        conn.execute(text("UPDATE ttminis_orders SET trade_order_id = NULL, status = 'creating'"))
    for _ in range(3):
        tiktok.fail_next("query", 50001000, 500)
    tiktok.plan(late_by=3600)
    tiktok.pay(order["trade_order_id"])
    tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
    for _ in range(4):
        make_due(backend)
        sweep(backend, tiktok)
    assert player.status(order["order_id"]) == "granted"
    assert granted_items(backend) == [("player-1", "sword")]


def test_refund_success_and_fail_are_stored_and_handed_to_their_hook(tiktok, database_url):
    notices = []
    with running_backend(tiktok, database_url, grant=inventory_hook, refund_notice=notices.append) as backend:
        player = Player(backend, tiktok)
        order = player.order()
        tiktok.pay(order["trade_order_id"])
        tiktok.refund_notice(order["trade_order_id"], succeeded=True)
        tiktok.refund_notice(order["trade_order_id"], succeeded=False)
        tiktok.wait_for(tiktok.settled)
        assert sorted(n.event.rsplit(".", 1)[1] for n in notices) == ["refund_fail", "refund_success"]
        assert all(n.order.order_id == order["order_id"] for n in notices)
        assert backend.store.count("ttminis_inbox", outcome="notice_recorded") == 2


def test_authorization_removed_from_tiktok_forgets_the_tokens_and_orders_wait_visibly(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order()
    tiktok.remove_authorization("player-1")
    tiktok.wait_for(tiktok.settled)
    assert backend.store.player_tokens("player-1") is None
    assert sweep(backend, tiktok) == [{"no_tokens": 1}]
    assert player.http.post("/orders", json={"product_id": "sword"}).json()["error"]["code"] == "not_signed_in"
    assert player.status(order["order_id"]) == "pending"


def test_a_raising_grant_hook_leaves_the_delivery_in_the_inbox_for_the_sweeper(tiktok, database_url):
    calls = []

    def grant(g):
        calls.append(g)
        if len(calls) == 1:
            raise RuntimeError("the game's grant hook failed")
        inventory_hook(g)
    tiktok.retry_delays = ()                 # TikTok gives up after the first attempt
    with running_backend(tiktok, database_url, grant=grant) as backend:
        player = Player(backend, tiktok)
        order = player.order()
        tiktok.pay(order["trade_order_id"])
        tiktok.wait_for(tiktok.settled)
        assert [a["status"] for a in tiktok.attempts()] == [500]
        make_due(backend)
        tiktok.webhook_urls.clear()
        assert sweep(backend, tiktok) == [{"granted": 1}]
        assert granted_items(backend) == [("player-1", "sword")]
