"""Prices: TikTok requires check_redeem_amounts before a price is sold; the backend checks each
catalogue price once (with the first buyer's token), keeps the verdict and refuses illegal ones."""
import httpx
import pytest

from ttminis.server.fake_tiktok import FakeTikTokServer
from ttminis.server.testing import running_backend

from test_backend import Player, inventory_hook


@pytest.fixture
def strict_tiktok():
    with FakeTikTokServer(retry_delays=(0.05,), legal_amounts=[30, 250]) as server:     # 80 is not allowed
        yield server


def test_an_order_at_a_price_tiktok_calls_illegal_is_refused_naming_the_product(strict_tiktok, database_url):
    """Finding 5: prices were never checked; an illegal one failed only in production, at creation."""
    tiktok = strict_tiktok
    with running_backend(tiktok, database_url, grant=inventory_hook) as backend:
        player = Player(backend, tiktok)
        response = player.http.post("/orders", json={"product_id": "shield"})
        assert response.status_code == 400 and response.json()["error"]["code"] == "price_not_allowed"
        assert "'shield'" in response.json()["error"]["message"] and "80 Beans" in response.json()["error"]["message"]
        assert not any(call[0] == "create" for call in tiktok.calls)
        assert backend.store.count("ttminis_orders") == 0


def test_each_price_is_checked_once_and_health_lists_the_unchecked(strict_tiktok, database_url):
    tiktok = strict_tiktok
    with running_backend(tiktok, database_url, grant=inventory_hook) as backend:
        assert httpx.get(backend.url + "/health").json()["unchecked_prices"] == {"sword": 30, "shield": 80,
                                                                                 "crown": 250}
        player = Player(backend, tiktok)
        player.order("sword")
        player.order("sword")
        assert [c for c in tiktok.calls if c[0] == "check_redeem_amounts"] == [("check_redeem_amounts", "player-1")]
        assert httpx.get(backend.url + "/health").json()["unchecked_prices"] == {"shield": 80, "crown": 250}
        assert backend.store.price_verdicts() == {30: True}


def test_the_startup_log_lists_the_unchecked_prices(strict_tiktok, database_url, caplog):
    with running_backend(strict_tiktok, database_url):
        pass
    assert "prices not checked with TikTok yet" in caplog.text and "'crown': 250" in caplog.text


def test_a_price_tiktok_could_not_check_sells_nothing_yet(strict_tiktok, database_url):
    tiktok = strict_tiktok
    with running_backend(tiktok, database_url) as backend:
        player = Player(backend, tiktok)
        for _ in range(3):
            tiktok.fail_next("check_redeem_amounts", 50001000, 500)
        response = player.http.post("/orders", json={"product_id": "sword"})
        assert response.status_code == 502 and response.json()["error"]["code"] == "price_unchecked"
        assert backend.store.price_verdicts() == {} and backend.store.count("ttminis_orders") == 0
        assert player.http.post("/orders", json={"product_id": "sword"}).status_code == 201
