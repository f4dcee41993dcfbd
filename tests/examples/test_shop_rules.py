"""The shop's rules (examples/shop/shop.py) on plain CPython, with the ``ttminis_wallet`` fixture.

No browser: ``ttminis_wallet`` installs an in-memory TikTok with the same wallet rules as the
browser's fake, so these run in milliseconds.
"""
import asyncio

from backend import PreviewCheckout, ServerCheckout
from shop import AD_BONUS, ITEMS, Shop

SWORD, SHIELD, CROWN = ITEMS


def new_shop(wallet):
    return Shop(PreviewCheckout(create_order=wallet.create_order))


def test_start_signs_in_silently_and_checks_what_the_player_can_afford(ttminis_wallet):
    shop = new_shop(ttminis_wallet)
    ttminis_wallet.run(shop.start)
    assert shop.player == "fake-login-code-1"
    assert shop.message == "Signed in. Tap the coin!"
    assert shop.affordable == {"sword": True, "shield": True, "crown": False}


def test_a_failed_login_lets_the_player_play_as_guest(ttminis_wallet):
    ttminis_wallet.script("login", outcome="fail", error={"error_code": 1, "error_msg": "no network"})
    shop = new_shop(ttminis_wallet)
    ttminis_wallet.run(shop.start)
    assert shop.player is None
    assert shop.message == "Playing as guest (no network)"


def test_buying_pays_once_and_gives_the_item(ttminis_wallet):
    shop = new_shop(ttminis_wallet)
    ttminis_wallet.run(lambda: shop.buy(SWORD))
    assert shop.owned == ["Sword"] and shop.message == "Bought Sword!"
    assert ttminis_wallet.balance == 70
    assert len(ttminis_wallet.calls_of("pay")) == 1
    assert shop.affordable["shield"] is False


def test_a_failed_payment_gives_nothing_and_says_why(ttminis_wallet):
    shop = new_shop(ttminis_wallet)
    ttminis_wallet.run(lambda: shop.buy(CROWN))
    assert shop.owned == []
    assert shop.message == "Crown not bought: not enough Beans (fake)"
    assert ttminis_wallet.balance == 100


def test_a_second_tap_while_paying_does_not_pay_twice(ttminis_wallet):
    shop = new_shop(ttminis_wallet)

    async def double_tap():     # two taps: two tasks, as the game's spawn() makes them
        await asyncio.gather(shop.buy(SWORD), shop.buy(SWORD))
    ttminis_wallet.run(double_tap)
    assert shop.owned == ["Sword"]
    assert len(ttminis_wallet.calls_of("pay")) == 1


def test_recharge_then_the_crown_is_affordable(ttminis_wallet):
    shop = new_shop(ttminis_wallet)
    ttminis_wallet.run(lambda: shop.recharge("tier-2"))
    assert shop.message == "Recharged!" and ttminis_wallet.balance == 400
    assert shop.affordable["crown"] is True


def test_rewarded_ad_gives_the_bonus_only_when_watched_to_the_end(ttminis_wallet):
    shop = new_shop(ttminis_wallet)
    ttminis_wallet.run(shop.watch_ad)
    assert shop.coins == AD_BONUS
    ttminis_wallet.next_ad = "skip"
    ttminis_wallet.run(shop.watch_ad)
    assert shop.coins == AD_BONUS and shop.message == "Watch the whole ad to get the bonus"
    ttminis_wallet.next_ad = "error"
    ttminis_wallet.run(shop.watch_ad)
    assert shop.message.startswith("No ad right now")


def test_hide_pauses_and_show_resumes(ttminis_wallet):
    shop = new_shop(ttminis_wallet)
    shop.listen()
    ttminis_wallet.trigger("Hide")
    assert shop.paused and shop.message == "Paused"
    shop.collect_coin()
    assert shop.coins == 0
    ttminis_wallet.trigger("Show", {"scene": "1001", "query": {}})
    assert not shop.paused and shop.message == "Welcome back!"


def shop_with_a_server(wallet, fake_tiktok, backend, **options):
    """The shop as shipped: its checkout talks to a real backend over HTTP (the wallet's request)."""
    wallet.use_order_book(fake_tiktok.url)
    wallet.allow_requests(backend.url)
    return Shop(ServerCheckout(backend.url, **options))


def test_with_a_server_the_item_is_granted_by_the_servers_webhook(ttminis_wallet, ttminis_fake_tiktok,
                                                                   ttminis_backend):
    shop = shop_with_a_server(ttminis_wallet, ttminis_fake_tiktok, ttminis_backend)
    ttminis_wallet.run(shop.start)
    assert shop.message == "Signed in. Tap the coin!"
    ttminis_wallet.run(lambda: shop.buy(SWORD))
    assert shop.owned == ["Sword"] and shop.message == "Bought Sword!"
    assert ttminis_wallet.balance == 70
    assert ttminis_backend.store.count("ttminis_grants") == 1


def test_with_a_server_a_payment_not_yet_confirmed_is_not_shown_as_owned(ttminis_wallet, ttminis_fake_tiktok,
                                                                         ttminis_backend):
    ttminis_fake_tiktok.webhook_urls.clear()           # TikTok's webhook is late
    shop = shop_with_a_server(ttminis_wallet, ttminis_fake_tiktok, ttminis_backend, grant_timeout=0.5)
    ttminis_wallet.run(shop.start)
    ttminis_wallet.run(lambda: shop.buy(SWORD))
    assert shop.owned == [] and shop.message == "Paid for Sword: it arrives when TikTok confirms"
    assert ttminis_backend.store.count("ttminis_grants") == 0


def test_with_a_server_that_is_down_the_player_plays_as_guest(ttminis_wallet):
    ttminis_wallet.allow_requests("http://127.0.0.1:9")
    shop = Shop(ServerCheckout("http://127.0.0.1:9"))
    ttminis_wallet.run(shop.start)
    assert shop.message.startswith("Playing as guest (POST /login: the game server did not answer")
