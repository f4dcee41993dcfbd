"""The rules on plain CPython with the ``ttminis_wallet`` fixture: an in-memory TikTok with the same
wallet, order and ad rules as the fake SDK in the browser and the simulator. Milliseconds a test.

Run: ``python -m pytest`` in the game folder.
"""
from rules import AD_REWARD, GEMS_PER_PACK, MISSION_REWARD, Play
from ttminis.testing import FakeTikTok


def started(wallet: FakeTikTok) -> Play:
    play = Play()
    wallet.run(play.start)
    return play


def test_start_logs_in_silently(ttminis_wallet: FakeTikTok) -> None:
    play = started(ttminis_wallet)
    assert ttminis_wallet.logins == 1
    assert play.signed_in and play.message == "Tap the circle!"


def test_a_failed_login_lets_the_player_play_as_a_guest(ttminis_wallet: FakeTikTok) -> None:
    ttminis_wallet.script("login", outcome="fail", error={"error_code": 1, "error_msg": "offline"})
    play = started(ttminis_wallet)
    assert not play.signed_in and play.message == "Playing as guest (offline)"


def test_buying_gems_pays_once_and_adds_them(ttminis_wallet: FakeTikTok) -> None:
    play = started(ttminis_wallet)
    ttminis_wallet.run(play.buy_gems)
    assert play.gems == GEMS_PER_PACK and play.message == f"+{GEMS_PER_PACK} gems!"
    assert ttminis_wallet.balance == 70                      # 100 Beans to start, 30 a pack
    assert len(ttminis_wallet.calls_of("pay")) == 1


def test_a_declined_payment_gives_nothing_and_says_why(ttminis_wallet: FakeTikTok) -> None:
    play = started(ttminis_wallet)
    ttminis_wallet.script("pay", outcome="fail",
                          error={"error_code": 20021002, "error_msg": "cancelled", "error_extra": {}})
    ttminis_wallet.run(play.buy_gems)
    assert play.gems == 0 and play.message == "Not bought: cancelled"
    assert ttminis_wallet.balance == 100


def test_not_enough_beans_gives_nothing(ttminis_wallet: FakeTikTok) -> None:
    ttminis_wallet.balance = 10
    play = started(ttminis_wallet)
    ttminis_wallet.run(play.buy_gems)
    assert play.gems == 0 and play.message == "Not bought: not enough Beans (fake)"


def test_the_ad_rewards_only_a_full_watch(ttminis_wallet: FakeTikTok) -> None:
    play = started(ttminis_wallet)
    ttminis_wallet.run(play.watch_ad)
    assert play.taps == AD_REWARD
    ttminis_wallet.next_ad = "skip"
    ttminis_wallet.run(play.watch_ad)
    assert play.taps == AD_REWARD and play.message == "Watch the whole ad to get the reward"


def test_the_shortcut_mission_rewards_once(ttminis_wallet: FakeTikTok) -> None:
    play = started(ttminis_wallet)
    ttminis_wallet.run(play.add_shortcut)
    assert play.gems == MISSION_REWARD and ttminis_wallet.shortcut["added"]
    ttminis_wallet.run(play.add_shortcut)
    assert play.gems == MISSION_REWARD


def test_the_revisit_mission_rewards_on_return(ttminis_wallet: FakeTikTok) -> None:
    play = started(ttminis_wallet)
    ttminis_wallet.run(play.start_entrance_mission)
    play.pause()
    ttminis_wallet.run(play.resume)
    assert play.gems == MISSION_REWARD and not play.paused


def test_taps_do_not_count_while_paused(ttminis_wallet: FakeTikTok) -> None:
    play = started(ttminis_wallet)
    play.tap()
    play.pause()
    play.tap()
    assert play.taps == 1
