"""The reference backend over real HTTP, against the fake TikTok server, on both databases.

Each test is a player's or TikTok's view: log in with a code, create an order, pay at the fake
TikTok, and watch what the signed webhook does - once, late, duplicated, out of order, forged.
"""
import json
import logging
import time

import httpx
import pytest
from sqlalchemy import text

from ttminis.server.testing import running_backend
from ttminis.server.webhook import REDEEM_SUCCESS, sign_webhook


def inventory_hook(grant):
    grant.connection.execute(text("CREATE TABLE IF NOT EXISTS inventory (open_id VARCHAR(128), item VARCHAR(64))"))
    grant.connection.execute(text("INSERT INTO inventory (open_id, item) VALUES (:o, :i)"),
                             {"o": grant.open_id, "i": grant.product_id})


def granted_items(backend):
    with backend.store.engine.connect() as conn:
        try:
            return [tuple(r) for r in conn.execute(text("SELECT open_id, item FROM inventory"))]
        except Exception:
            return []


@pytest.fixture
def backend(tiktok, database_url):
    with running_backend(tiktok, database_url, grant=inventory_hook) as running:
        yield running


class Player:
    """A game talking to the backend the way ttminis.game_server does."""

    def __init__(self, backend, tiktok, open_id="player-1"):
        self.url = backend.url
        self.http = httpx.Client(base_url=backend.url, timeout=10)
        response = self.http.post("/login", json={"code": tiktok.issue_code(open_id)})
        assert response.status_code == 200, response.text
        self.session = response.json()["session"]
        self.http.headers["Authorization"] = "Bearer " + self.session

    def order(self, product_id="sword"):
        response = self.http.post("/orders", json={"product_id": product_id})
        assert response.status_code == 201, response.text
        return response.json()

    def status(self, order_id):
        return self.http.get(f"/orders/{order_id}").json()["status"]


def test_a_purchase_login_order_pay_webhook_granted(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order("shield")
    assert (order["status"], order["amount"], order["product_id"]) == ("pending", 80, "shield")
    assert tiktok.orders[order["trade_order_id"]]["amount"] == 80          # the price is the server's
    tiktok.pay(order["trade_order_id"])
    tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
    assert player.status(order["order_id"]) == "granted"
    assert granted_items(backend) == [("player-1", "shield")]


def test_the_game_never_sees_tiktoks_tokens(backend, tiktok):
    response = httpx.post(backend.url + "/login", json={"code": tiktok.issue_code()})
    body = response.text
    assert "act." not in body and "rft." not in body and set(response.json()) == {"session", "expires_in"}


def test_a_duplicate_delivery_grants_once(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order()
    tiktok.plan(copies=2)
    tiktok.pay(order["trade_order_id"])
    tiktok.wait_for(tiktok.settled)
    assert [a["status"] for a in tiktok.attempts()] == [200, 200]
    assert granted_items(backend) == [("player-1", "sword")]


def test_50_concurrent_deliveries_of_the_same_event_grant_once(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order()
    tiktok.plan(copies=50)
    tiktok.pay(order["trade_order_id"])
    tiktok.wait_for(tiktok.settled, timeout=60)
    assert len(tiktok.attempts()) >= 50 and all(d.acknowledged for d in tiktok.deliveries)
    assert granted_items(backend) == [("player-1", "sword")]
    assert backend.store.count("ttminis_grants") == 1


def test_a_forged_signature_grants_nothing(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order()
    tiktok.plan(bad_signature=True)
    tiktok.pay(order["trade_order_id"])
    tiktok.wait_for(tiktok.settled)
    assert {a["status"] for a in tiktok.attempts()} == {400}
    assert player.status(order["order_id"]) == "pending" and granted_items(backend) == []


def test_a_retry_after_a_failed_grant_grants_once(database_url, tiktok):
    failures = []

    def fails_once(grant):
        if not failures:
            failures.append(grant.trade_order_id)
            raise RuntimeError("the game's inventory service is down")
        inventory_hook(grant)
    with running_backend(tiktok, database_url, grant=fails_once) as backend:
        player = Player(backend, tiktok)
        order = player.order()
        tiktok.pay(order["trade_order_id"])
        tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
        assert [a["status"] for a in tiktok.attempts()] == [500, 200]
        assert granted_items(backend) == [("player-1", "sword")]


@pytest.mark.parametrize("timestamp", ["original", "fresh"])
def test_retries_signed_with_the_original_or_a_fresh_timestamp_both_grant_once(database_url, timestamp):
    from ttminis.server.fake_tiktok import FakeTikTokServer
    calls = []

    def fails_first(grant):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("down")
        inventory_hook(grant)
    with FakeTikTokServer(retry_delays=(1.5, 1.5)) as tiktok, \
            running_backend(tiktok, database_url, grant=fails_first, tolerance=1) as backend:
        player = Player(backend, tiktok)
        order = player.order()
        tiktok.plan(timestamp=timestamp)
        tiktok.pay(order["trade_order_id"])
        tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
        first, retry = tiktok.attempts()
        assert first["status"] == 500 and retry["status"] == 200
        assert player.status(order["order_id"]) == "granted"
        assert granted_items(backend) == [("player-1", "sword")]
        # with the original timestamp the retry is 1.5 s late for a 1 s tolerance, but the first attempt
        # came in time and is in the inbox: the retry settles that authentic, timely receipt
        assert log_lines(backend) == [("granted",)]


def log_lines(backend):
    with backend.store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT outcome FROM ttminis_webhook_log ORDER BY id"))]


def sweep(backend, tiktok):
    from test_intake import sweep as sweep_rounds
    return sweep_rounds(backend, tiktok)[0]


def test_a_late_delivery_is_not_lost_it_is_confirmed_with_tiktok(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order()
    tiktok.plan(late_by=3600)
    tiktok.pay(order["trade_order_id"])
    tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
    assert log_lines(backend) == [("left_for_sweeper",)]      # answered at once, before asking TikTok
    assert ("query", "player-1") not in tiktok.calls
    assert sweep(backend, tiktok) == {"stale_granted": 1}
    assert player.status(order["order_id"]) == "granted"
    assert ("query", "player-1") in tiktok.calls


def test_a_replayed_old_delivery_grants_nothing_more(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order()
    tiktok.pay(order["trade_order_id"])
    tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
    (delivery,) = tiktok.deliveries
    old = sign_webhook(delivery.body, tiktok.client_secret, int(time.time()) - 86400)
    replay = httpx.post(backend.url + "/webhook", content=delivery.body, headers={"Tiktok-Signature": old})
    assert replay.status_code == 200 and replay.json()["outcome"] == "duplicate"      # the inbox has it
    assert granted_items(backend) == [("player-1", "sword")]


def test_a_late_delivery_for_an_unpaid_order_grants_nothing(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order()
    body = json.dumps({"client_key": tiktok.client_key, "event": REDEEM_SUCCESS, "create_time": 1,
                       "user_openid": "", "content": json.dumps({"trade_order_id": order["trade_order_id"]})}).encode()
    response = httpx.post(backend.url + "/webhook", content=body,
                          headers={"Tiktok-Signature": sign_webhook(body, tiktok.client_secret, 1)})
    assert response.json()["outcome"] == "left_for_sweeper"
    assert sweep(backend, tiktok) == {"stale_not_paid": 1, "not_paid": 1}
    assert player.status(order["order_id"]) == "pending"


def test_sandbox_payments_are_refused_by_a_production_backend(tiktok, database_url):
    tiktok.sandbox = True
    with running_backend(tiktok, database_url, grant=inventory_hook) as backend:
        player = Player(backend, tiktok)
        order = player.order()
        tiktok.pay(order["trade_order_id"])
        tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
        assert player.status(order["order_id"]) == "refused_sandbox" and granted_items(backend) == []


def test_sandbox_payments_are_granted_by_a_sandbox_backend(tiktok, database_url):
    tiktok.sandbox = True
    with running_backend(tiktok, database_url, grant=inventory_hook, sandbox=True) as backend:
        player = Player(backend, tiktok)
        order = player.order()
        tiktok.pay(order["trade_order_id"])
        tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
        assert player.status(order["order_id"]) == "granted"


def test_out_of_order_deliveries_grant_each_order_once(backend, tiktok):
    player = Player(backend, tiktok)
    first, second = player.order("sword"), player.order("shield")
    tiktok.plan(hold=True, uses=2)
    tiktok.pay(first["trade_order_id"])
    tiktok.pay(second["trade_order_id"])
    tiktok.release(reverse=True)
    tiktok.wait_for(tiktok.settled)
    assert [a["trade_order_id"] for a in tiktok.attempts()] == [second["trade_order_id"], first["trade_order_id"]]
    assert sorted(granted_items(backend)) == [("player-1", "shield"), ("player-1", "sword")]


def test_a_refund_is_recorded_once_and_handed_to_the_refund_hook(tiktok, database_url):
    refunds = []
    with running_backend(tiktok, database_url, grant=inventory_hook, refund=refunds.append) as backend:
        player = Player(backend, tiktok)
        order = player.order()
        tiktok.pay(order["trade_order_id"])
        tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
        tiktok.plan(copies=2)
        tiktok.refund(order["trade_order_id"])
        tiktok.wait_for(tiktok.settled)
        assert len(refunds) == 1 and refunds[0].content["refund_amount"] == 30
        assert player.status(order["order_id"]) == "refunded"


def test_a_player_cannot_see_another_players_order(backend, tiktok):
    alice, bob = Player(backend, tiktok, "alice"), Player(backend, tiktok, "bob")
    order = alice.order()
    response = bob.http.get(f"/orders/{order['order_id']}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("request_args, status, code", [
    ({"json": {"product_id": "dragon"}}, 400, "unknown_product"),
    ({"json": {"product_id": ""}}, 400, "invalid_field"),
    ({"json": {"product_id": 5}}, 400, "invalid_field"),
    ({"json": ["sword"]}, 400, "invalid_json"),
    ({"content": b"{nope"}, 400, "invalid_json"),
    ({"content": b'{"product_id": "' + b"x" * 20000 + b'"}'}, 413, "body_too_large"),
    ({"json": {"product_id": "sword", "price": 1}, "headers": {"Authorization": "Bearer wrong"}}, 401, "not_signed_in"),
])
def test_bad_orders_get_a_clear_4xx_and_change_nothing(backend, tiktok, request_args, status, code):
    player = Player(backend, tiktok)
    response = player.http.post("/orders", **request_args)
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert backend.store.count("ttminis_orders") == 0 and tiktok.orders == {}


def test_a_chunked_body_over_the_limit_is_refused(backend, tiktok):
    player = Player(backend, tiktok)
    response = player.http.post("/orders", content=iter([b'{"product_id": "', b"x" * 20000, b'"}']))
    assert response.status_code == 413 and backend.store.count("ttminis_orders") == 0


def test_a_login_code_tiktok_refuses_is_a_401(backend, tiktok):
    response = httpx.post(backend.url + "/login", json={"code": "made-up"})
    assert response.status_code == 401 and "TikTok did not accept" in response.json()["error"]["message"]
    assert backend.store.count("ttminis_sessions") == 0


def test_an_order_tiktok_refuses_is_failed_and_never_payable(backend, tiktok):
    player = Player(backend, tiktok)
    tiktok.fail_next("create", 40001000, 400)
    response = player.http.post("/orders", json={"product_id": "sword"})
    assert response.status_code == 502 and response.json()["error"]["code"] == "order_failed"
    assert backend.store.pending_orders() == [] and backend.store.count("ttminis_orders", status="failed") == 1


def test_an_expired_access_token_is_refreshed_before_creating_the_order(backend, tiktok):
    player = Player(backend, tiktok)
    with backend.store.engine.begin() as conn:      # the stored token expires
        conn.execute(text("UPDATE ttminis_players SET access_expires_at = 0"))
    order = player.order()
    assert order["status"] == "pending" and ("token:refresh_token", "player-1") in tiktok.calls


def test_secrets_and_tokens_never_reach_the_logs(backend, tiktok, caplog):
    caplog.set_level(logging.DEBUG)
    player = Player(backend, tiktok)
    order = player.order()
    httpx.post(backend.url + "/webhook", content=b"{}", headers={"Tiktok-Signature": "t=1,s=" + "0" * 64})
    tiktok.pay(order["trade_order_id"])
    tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
    tokens = backend.store.player_tokens("player-1")
    for secret in (tiktok.client_secret, tokens.access_token, tokens.refresh_token, player.session):
        assert secret not in caplog.text
    assert "webhook refused" in caplog.text


def test_a_late_delivery_for_an_order_whose_trade_id_we_never_kept_is_confirmed_and_granted(backend, tiktok):
    player = Player(backend, tiktok)
    order = player.order()
    with backend.store.engine.begin() as conn:      # as if we crashed between TikTok's create and our record
        conn.execute(text("UPDATE ttminis_orders SET trade_order_id = NULL, status = 'creating'"))
    tiktok.plan(late_by=3600)
    tiktok.pay(order["trade_order_id"])
    tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
    assert log_lines(backend) == [("left_for_sweeper",)]
    assert backend.store.order(order["order_id"]).trade_order_id == order["trade_order_id"]    # kept at intake
    assert sweep(backend, tiktok) == {"stale_granted": 1}
    assert granted_items(backend) == [("player-1", "sword")]
