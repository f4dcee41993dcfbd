"""A game's code as a user writes it, calling every public function of ttminis — both styles where a
method has two — with the annotations a user writes: ``mypy --strict`` must accept all of it, and see
what each call returns (``assert_type``). Type-checked by tests/typing/test_mypy.py, never run."""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from typing_extensions import assert_type

from ttminis import (ERROR_IN_FLIGHT, ERROR_RELEASED, ERROR_SDK_THREW, ERROR_TIMEOUT, ERROR_UNAVAILABLE,
                     ERROR_UNKNOWN, TTMinisError, TTMinisTimeout, TTMinisUnavailable, game, on_late_answer, spawn)
from ttminis import files, frames, images, screen, sound, touch
from ttminis.game_server import GameServer, GameServerError, StandInServer, configured_url, connect
from ttminis.sdk import SDKObject
from ttminis.touch import TouchEvent


def on_ok(payload: dict[str, Any]) -> None: ...
def on_fail(failure: dict[str, Any]) -> None: ...
def on_done() -> None: ...


async def await_style() -> None:
    assert_type(await game.check_balance(50), bool)
    assert_type(await game.check_balance(amount=50, type="BEANS", timeout=30), bool)
    assert_type(await game.checkBalance(50), bool)
    assert_type(await game.recharge("tier-1"), dict[str, Any])
    assert_type(await game.pay("ord-1"), dict[str, Any])
    assert_type(await game.pay("ord-2", log_extra={"source": "shop"}, timeout=300), dict[str, Any])
    assert_type(await game.navigate_to_balance(), dict[str, Any])
    assert_type(await game.init("client-key"), dict[str, Any])
    code: str = (await game.login())["code"]
    assert_type(await game.set_loading_progress(0.5), dict[str, Any])
    assert_type(await game.add_shortcut(), dict[str, Any])
    reward: bool = (await game.get_shortcut_mission_reward())["canReceiveReward"]
    assert_type(await game.start_entrance_mission(), dict[str, Any])
    assert_type(await game.get_entrance_mission_reward(), dict[str, Any])
    assert_type(await game.set_storage("progress", {"level": 3}), dict[str, Any])
    level: int = (await game.get_storage("progress"))["data"]["level"]
    assert_type(await game.watch_rewarded_ad("unit-1", timeout=60), bool)
    ad = game.create_rewarded_video_ad("unit-1")
    assert_type(ad, SDKObject)
    ad.on_close(on_ok)
    await ad.show()
    ad.off_close(on_ok)
    ad.release_listeners()
    assert_type(game.release_order("ord-1"), bool)
    assert_type(game.can_i_use("createRewardedVideoAd"), bool)
    info = game.get_system_info_sync()          # any other SDK method, by the shape of its name
    print(code, reward, level, info, await game.some_new_method({"field": 1}))


def callback_style() -> None:
    assert_type(game.check_balance(50, success=on_ok, fail=on_fail, complete=on_done), None)
    assert_type(game.checkBalance({"amount": 50, "type": "BEANS", "success": on_ok}), Any)
    assert_type(game.recharge("tier-1", success=on_ok), None)
    assert_type(game.pay("ord-1", success=on_ok, fail=on_fail), None)
    assert_type(game.pay(trade_order_id="ord-1", fail=on_fail), None)
    assert_type(game.pay("ord-1", complete=on_done), None)
    assert_type(game.navigate_to_balance(success=on_ok), None)
    assert_type(game.init(clientKey="key", success=on_ok), None)
    assert_type(game.login(success=on_ok), None)
    assert_type(game.set_loading_progress(1, complete=on_done), None)
    assert_type(game.add_shortcut(success=on_ok), None)
    assert_type(game.get_shortcut_mission_reward(success=on_ok), None)
    assert_type(game.start_entrance_mission(fail=on_fail), None)
    assert_type(game.get_entrance_mission_reward(success=on_ok), None)
    assert_type(game.set_storage("k", [1, 2, None], success=on_ok), None)
    assert_type(game.get_storage("k", success=on_ok, fail=on_fail), None)


def listeners() -> None:
    @game.on_show
    def resume(payload: dict[str, Any]) -> None: ...

    @game.on_hide
    def pause(payload: dict[str, Any]) -> None: ...

    handed_back: Callable[[dict[str, Any]], None] = resume      # the decorator hands the function back
    game.off_show(resume)
    game.off_hide()
    game.onShow(resume)
    game.on_key_down(print)            # by the shape of its name

    @on_late_answer
    def late(answer: dict[str, Any]) -> None: ...
    on_late_answer(None)


def errors(e: TTMinisError) -> tuple[int, str, dict[str, Any]]:
    codes = (ERROR_IN_FLIGHT, ERROR_RELEASED, ERROR_SDK_THREW, ERROR_TIMEOUT, ERROR_UNAVAILABLE, ERROR_UNKNOWN)
    assert_type(codes[0], int)
    if isinstance(e, (TTMinisTimeout, TTMinisUnavailable)):
        pass
    assert_type(e.payload(), dict[str, Any])
    return e.error_code, e.error_msg, e.error_extra


def surface() -> None:
    ctx = screen.context()
    ctx.fillRect(0, 0, 10, 10)
    width, height = screen.size()
    assert_type(width, float)
    assert_type(screen.pixel_ratio(), float)
    print(screen.canvas().width)
    screen.describe("Tap", buttons=[("Tap", 0, 0, width, height)], taps=1, best=2.5, names=["a"])

    @touch.on_start
    def pressed(event: TouchEvent) -> None:
        finger = event["changedTouches"][0]
        assert_type(finger["clientX"], float)

    touch.on_move(pressed)
    touch.on_end(pressed)
    touch.on_cancel(pressed)
    touch.off_start(pressed)
    touch.off_move()
    touch.off_end()
    touch.off_cancel()

    @frames.start
    def draw(time: float) -> None: ...
    frames.start(draw, pause_when_hidden=False)
    assert_type(frames.running(), bool)
    frames.stop()

    coin = images.load("assets/coin.png")
    assert_type(coin.draw(1, 2, 3, 4), bool)
    print(coin.ready, coin.failed, coin.error, coin.width, coin.height, coin.handle)
    music = sound.load("assets/music.mp3", loop=True, volume=0.5)
    music.play(); music.pause(); music.stop(); music.release()
    music.loop = False
    music.volume = 0.2
    assert_type(music.playing, bool)

    files.write_text("best.txt", "1")
    files.write_bytes("slots/1.bin", b"\x01")
    assert_type(files.read_text("best.txt"), str)
    assert_type(files.read_bytes("slots/1.bin"), bytes)
    assert_type(files.exists("best.txt"), bool)
    assert_type(files.remove("best.txt"), bool)
    assert_type(files.names(), list[str])
    assert_type(files.path("x"), str)
    files.flush()
    try:
        files.write_text("a", "b")
    except files.StorageError as e:
        print(e.errno == files.ENOSPC, e.strerror)


async def loading() -> None:
    coin = await images.load("assets/coin.png").loaded()
    assert_type(coin, images.Image)
    spawn(loading())


async def servers() -> None:
    url: str | None = configured_url()
    server = GameServer(url or "https://api.example.com", timeout=10)
    await server.login()
    order = await server.create_order("sword")
    await game.pay(order["trade_order_id"])
    assert_type(await server.order(order["order_id"]), dict[str, Any])
    assert_type(await server.wait_until_granted(order["order_id"], timeout=60, every=0.5), dict[str, Any])
    assert_type(await server.buy("sword", pay_timeout=120, grant_timeout=60), dict[str, Any])
    stand_in = StandInServer({"gems": 30})
    await stand_in.login("code")
    assert_type(await stand_in.buy("gems"), dict[str, Any])
    either = connect({"gems": 30})
    await either.buy("gems")
    try:
        await server.buy("shield")
    except GameServerError as e:
        print(e.status, e.code, e.error_msg)


def awaitable_is_an_awaitable() -> Awaitable[bool]:
    return game.check_balance(5)
