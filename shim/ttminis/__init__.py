"""ttminis: TikTok's mini-game SDK (``TTMinis.game``) from Python, on Pyodide, Brython and CPython.

Exports:
    game                 every TTMinis.game method; callback style (success/fail/complete)
                         or awaitable, under its JS name and a snake_case alias
    spawn(coroutine)     run a coroutine in the background, on Pyodide and Brython alike
    TTMinisError         an SDK call failed: .error_code, .error_msg, .error_extra
    TTMinisUnavailable   no TikTok SDK here, or this client lacks the method
    TTMinisTimeout       an awaited call got no answer within its timeout=
    on_late_answer(fn)   where an SDK answer goes that arrives after its call settled
                         (its timeout= passed, the SDK threw, the caller cancelled its await,
                         or its order was given up with game.release_order)
    ERROR_IN_FLIGHT, ERROR_TIMEOUT, ERROR_SDK_THREW, ERROR_UNKNOWN, ERROR_UNAVAILABLE, ERROR_RELEASED
                         ttminis's own error codes (negative; TikTok's are positive)

The game surface (both targets), imported only by games that use it: ttminis.screen, touch,
frames, images, sound, files.

Example::

    from ttminis import game, TTMinisError

    async def buy(order_id):
        try:
            await game.pay(order_id)
        except TTMinisError as e:
            print("not paid:", e)
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Any, Coroutine

from .backend import ffi as _ffi
from .calls import on_late_answer
from .errors import (ERROR_IN_FLIGHT, ERROR_RELEASED, ERROR_SDK_THREW, ERROR_TIMEOUT, ERROR_UNAVAILABLE,
                     ERROR_UNKNOWN, TTMinisError, TTMinisTimeout, TTMinisUnavailable)
from .sdk import game

__version__ = "0.1.0"
__all__ = ["game", "spawn", "TTMinisError", "TTMinisUnavailable", "TTMinisTimeout", "on_late_answer",
           "ERROR_IN_FLIGHT", "ERROR_TIMEOUT", "ERROR_SDK_THREW", "ERROR_UNKNOWN", "ERROR_UNAVAILABLE",
           "ERROR_RELEASED"]


def spawn(coroutine: Coroutine[Any, Any, Any]) -> None:
    """Run ``coroutine`` in the background (from a tap or a frame); its exception is shown as any other.

    Example::

        touch.on_end(lambda event: spawn(shop.buy(SWORD)))
    """
    _ffi.spawn(_reported(coroutine))


async def _reported(coroutine: Coroutine[Any, Any, Any]) -> None:
    try:
        await coroutine
    except Exception as e:
        _ffi.report("ttminis: exception in a spawned task:\n" + _ffi.format_exception(e))
