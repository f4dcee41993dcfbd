"""Players' TikTok tokens: rotated on refresh, refreshed once at a time, forgotten when the player
disconnects the app, and never in a log line, an exception message or a response."""
import asyncio
import json
import logging
import time

import httpx
import pytest
from sqlalchemy import text

from ttminis.server.store import Store
from ttminis.server.sweeper import Sweeper
from ttminis.server.testing import running_backend
from ttminis.server.tiktok_api import TikTokAPI, Tokens
from ttminis.server.webhook import sign_webhook
from ttminis.testing import FakeTikTok

from test_backend import Player, inventory_hook


@pytest.fixture
def backend(tiktok, database_url):
    with running_backend(tiktok, database_url, grant=inventory_hook) as running:
        yield running


def issued(tiktok):
    """Every token the fake TikTok ever issued."""
    return [token for token in tiktok.issued_tokens]


def fail_token_writes(store):
    """From now on every write of a player's tokens fails in the database itself."""
    with store.engine.begin() as conn:
        if store.dialect == "sqlite":
            for when in ("INSERT", "UPDATE"):
                conn.execute(text(f"CREATE TRIGGER fail_{when.lower()} BEFORE {when} ON ttminis_players "
                                  "BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END"))
        else:
            conn.execute(text("CREATE FUNCTION fail_tokens() RETURNS trigger AS $$ BEGIN "
                              "RAISE EXCEPTION 'disk full (test)'; END $$ LANGUAGE plpgsql"))
            conn.execute(text("CREATE TRIGGER fail_tokens BEFORE INSERT OR UPDATE ON ttminis_players "
                              "FOR EACH ROW EXECUTE FUNCTION fail_tokens()"))


def test_tokens_never_reach_a_log_an_exception_or_a_response_when_saving_them_fails(backend, tiktok, caplog):
    """Finding 4: a database error while saving tokens carried them into logs and 500s."""
    caplog.set_level(logging.DEBUG)
    player = Player(backend, tiktok)
    order = player.order()
    with backend.store.engine.begin() as conn:
        conn.execute(text("UPDATE ttminis_players SET access_expires_at = 0"))
    fail_token_writes(backend.store)
    answers = [httpx.post(backend.url + "/login", json={"code": tiktok.issue_code("player-2")}, timeout=10),
               player.http.post("/orders", json={"product_id": "sword"})]
    assert [a.status_code for a in answers] == [500, 500]
    assert all(a.headers["content-type"] == "application/json" for a in answers)
    tiktok.pay(order["trade_order_id"])
    with pytest.raises(Exception) as caught:
        backend.store.save_tokens(Tokens("player-3", "act.secret-access-3", 7200, "rft.secret-refresh-3", 86400))

    async def sweep():
        async with TikTokAPI(tiktok.client_key, tiktok.client_secret, base_url=tiktok.url) as api:
            return await Sweeper(backend.store, api).run_once(older_than=0)
    FakeTikTok.run(sweep)
    seen = "\n".join([caplog.text, str(caplog.records), str(caught.value), *(a.text for a in answers)])
    seen += "\n".join(str(r.exc_info) + str(getattr(r, "exc_text", "")) for r in caplog.records)
    tokens = issued(tiktok) + ["act.secret-access-3", "rft.secret-refresh-3"]
    assert len(tokens) >= 4
    assert [t for t in tokens if t in seen or t.split(".", 1)[1] in seen] == []
    assert "disk full (test)" in seen          # the error itself is reported


def test_a_refresh_rotates_the_refresh_token_and_the_newest_one_is_kept(backend, tiktok):
    """Finding 6: TikTok's refresh tokens rotate; the previous one stops working."""
    Player(backend, tiktok)
    first = backend.store.player_tokens("player-1").refresh_token

    async def refresh_twice():
        async with TikTokAPI(tiktok.client_key, tiktok.client_secret, base_url=tiktok.url) as api:
            fresh = await api.refresh(first)
            try:
                await api.refresh(first)
            except Exception as e:
                return fresh, e
            return fresh, None
    fresh, error = FakeTikTok.run(refresh_twice)
    assert fresh.refresh_token != first and error is not None and error.code == "invalid_grant"


def test_concurrent_refreshes_of_one_player_both_get_a_working_token(backend, tiktok):
    """Finding 6: the sweeper and POST /orders refreshing at once: one used to fail with invalid_grant."""
    player = Player(backend, tiktok)
    with backend.store.engine.begin() as conn:
        conn.execute(text("UPDATE ttminis_players SET access_expires_at = 0"))

    async def both():
        async with TikTokAPI(tiktok.client_key, tiktok.client_secret, base_url=tiktok.url) as a, \
                TikTokAPI(tiktok.client_key, tiktok.client_secret, base_url=tiktok.url) as b:
            one, two = Sweeper(backend.store, a), Sweeper(Store(backend.store.url), b)
            return await asyncio.gather(*(s.access_token("player-1") for s in (one, two, one, two)))
    tokens = FakeTikTok.run(both)
    assert len(set(tokens)) == 1 and tokens[0] is not None
    assert [c for c in tiktok.calls if c[0] == "token:refresh_token"] == [("token:refresh_token", "player-1")]
    assert backend.store.player_tokens("player-1").access_token == tokens[0]
    assert player.http.post("/orders", json={"product_id": "sword"}).status_code == 201


def test_an_order_refreshes_once_when_tiktok_says_the_access_token_is_invalid(backend, tiktok):
    """Finding 6: POST /orders did not refresh on access_token_invalid (the sweeper did)."""
    player = Player(backend, tiktok)
    tiktok.expire_access_tokens()
    response = player.http.post("/orders", json={"product_id": "sword"})
    assert response.status_code == 201, response.text
    assert ("token:refresh_token", "player-1") in tiktok.calls


def test_authorization_removed_forgets_the_players_tokens(backend, tiktok):
    """Finding 8: the player disconnected the app; their tokens used to be kept."""
    Player(backend, tiktok)
    now = int(time.time())
    body = json.dumps({"client_key": tiktok.client_key, "event": "authorization.removed", "create_time": now,
                       "user_openid": "player-1", "content": json.dumps({"reason": 1})}).encode()
    response = httpx.post(backend.url + "/webhook", content=body,
                          headers={"Tiktok-Signature": sign_webhook(body, tiktok.client_secret, now)})
    assert response.status_code == 200
    assert backend.store.player_tokens("player-1") is None
