"""Calls with a wrong argument type, each marked with the error mypy must report on its line
(``# E: code``): the typed API catches them before a game runs. Type-checked by test_mypy.py, never run."""
from __future__ import annotations

from ttminis import files, frames, game, images, screen, sound, touch
from ttminis.game_server import GameServer, StandInServer


def on_ok(payload: dict[str, object]) -> None: ...


async def wrong() -> None:
    await game.check_balance("50")                          # E: call-overload
    await game.check_balance(50, type="COINS")              # E: call-overload
    await game.pay(12345)                                   # E: call-overload
    await game.pay("ord-1", timeout="soon")                 # E: call-overload
    game.pay("ord-1", success=on_ok, fail=42)               # E: call-overload
    await game.set_loading_progress("half")                 # E: call-overload
    await game.get_storage(["key"])                         # E: call-overload
    ended: str = await game.watch_rewarded_ad("unit-1")     # E: assignment
    await game.watch_rewarded_ad(42)                        # E: arg-type
    game.on_show(42)                                        # E: type-var
    game.release_order(7)                                   # E: arg-type
    sufficient: bool = game.check_balance(50, success=on_ok)  # E: assignment
    screen.describe(3)                                      # E: arg-type
    files.write_text("save.txt", b"bytes")                  # E: arg-type
    sound.load("assets/x.wav", volume="loud")               # E: arg-type
    images.load(3)                                          # E: arg-type
    frames.start(42)                                        # E: type-var
    touch.off_start("pressed")                              # E: arg-type
    StandInServer(["gems"])                                 # E: arg-type
    await GameServer("https://x").buy(3)                    # E: arg-type
