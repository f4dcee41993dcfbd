"""ttminis.game_server on the host: game code against a real backend over HTTP, through the
CPython fake's ``request`` (``ttminis_wallet``), with the fake TikTok server's shared order book."""
import pytest

from ttminis import TTMinisError, game
from ttminis.game_server import GameServer, GameServerError


@pytest.fixture
def server(ttminis_wallet, ttminis_fake_tiktok, ttminis_backend):
    ttminis_wallet.use_order_book(ttminis_fake_tiktok.url, player="player-1")
    ttminis_wallet.allow_requests(ttminis_backend.url)
    return GameServer(ttminis_backend.url, timeout=5)


def test_buy_orders_pays_and_waits_until_the_server_granted(ttminis_wallet, ttminis_fake_tiktok, server):
    async def scenario():
        await server.login()
        return await server.buy("sword")
    order = ttminis_wallet.run(scenario)
    assert order["status"] == "granted" and order["product_id"] == "sword"
    assert ttminis_wallet.balance == 70
    ttminis_fake_tiktok.wait_for(lambda: ttminis_fake_tiktok.acknowledged(order["trade_order_id"]))
    (request,) = [c for c in ttminis_wallet.calls_of("request") if c["options"]["url"].endswith("/orders")]
    assert request["options"]["data"] == {"product_id": "sword"}      # the price is not the game's to say


def test_the_steps_one_by_one(ttminis_wallet, ttminis_fake_tiktok, server):
    async def scenario():
        await server.login()
        order = await server.create_order("shield")
        before = await server.order(order["order_id"])
        await game.pay(order["trade_order_id"])
        after = await server.wait_until_granted(order["order_id"], every=0.05)
        return order, before, after
    order, before, after = ttminis_wallet.run(scenario)
    assert (order["amount"], before["status"], after["status"]) == (80, "pending", "granted")


def test_not_signed_in_is_a_clear_error(ttminis_wallet, server):
    with pytest.raises(GameServerError) as caught:
        ttminis_wallet.run(lambda: server.create_order("sword"))
    assert (caught.value.status, caught.value.code) == (401, "not_signed_in")
    assert "sign in first" in caught.value.error_msg and isinstance(caught.value, TTMinisError)


def test_an_unknown_product_is_the_servers_clear_error(ttminis_wallet, server):
    async def scenario():
        await server.login()
        await server.create_order("dragon")
    with pytest.raises(GameServerError, match="product_id") as caught:
        ttminis_wallet.run(scenario)
    assert caught.value.code == "unknown_product"


def test_a_declined_payment_raises_and_nothing_is_granted(ttminis_wallet, server):
    ttminis_wallet.balance = 10

    async def scenario():
        await server.login()
        await server.buy("sword")
    with pytest.raises(TTMinisError, match="not enough Beans"):
        ttminis_wallet.run(scenario)


def test_waiting_gives_up_clearly_when_the_webhook_has_not_come(ttminis_wallet, ttminis_fake_tiktok, server):
    ttminis_fake_tiktok.webhook_urls.clear()          # TikTok's webhook does not reach the backend

    async def scenario():
        await server.login()
        order = await server.create_order("sword")
        await game.pay(order["trade_order_id"])
        await server.wait_until_granted(order["order_id"], timeout=0.2, every=0.1)
    with pytest.raises(GameServerError) as caught:
        ttminis_wallet.run(scenario)
    assert caught.value.code == "not_granted_yet"


def test_a_server_that_does_not_answer_is_unreachable(ttminis_wallet):
    ttminis_wallet.allow_requests("http://127.0.0.1:9")
    server = GameServer("http://127.0.0.1:9", timeout=1)
    with pytest.raises(GameServerError) as caught:
        ttminis_wallet.run(lambda: server.login("code"))
    assert caught.value.status is None and caught.value.code == "unreachable"


@pytest.mark.parametrize("url", [None, "", "ftp://x", 5])
def test_a_missing_or_bad_url_is_refused_at_once(url):
    with pytest.raises(ValueError, match="--backend-url"):
        GameServer(url)


@pytest.mark.parametrize("product_id, error", [(5, TypeError), ("", ValueError), ("x" * 65, ValueError)])
def test_bad_input_is_refused_before_anything_is_sent(ttminis_wallet, product_id, error):
    server = GameServer("http://127.0.0.1:9")
    with pytest.raises(error, match="product_id"):
        ttminis_wallet.run(lambda: server.create_order(product_id))
    assert ttminis_wallet.calls_of("request") == []


def test_an_order_book_that_does_not_answer_fails_the_fakes_calls_clearly(ttminis_wallet):
    ttminis_wallet.use_order_book("http://127.0.0.1:9")
    with pytest.raises(TTMinisError, match="order book did not answer"):
        ttminis_wallet.run(game.login)
    with pytest.raises(TTMinisError, match="order book did not answer"):
        ttminis_wallet.run(lambda: game.pay("tt-1"))
    assert ttminis_wallet.balance == 100
