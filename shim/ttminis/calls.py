"""How one SDK call is made and settled, whatever the runtime (the backend is ``backend.ffi``).

Exports:
    options_call(method, args, kwargs, result)   the options/callbacks shape, both styles
    sync_call(method, args)                      the synchronous shape
    promise_call(owner, method, args, what)      a method returning a Promise (ad.show())
    watch_ad(handle, what, timeout)              show an ad; awaitable of how it ended
    Listeners(owner_getter, what)                on/off pairs with the same function each time
    release_order(trade_order_id)                give up on a pay the SDK has not answered
    on_late_answer(handler)                      where answers arriving after their call settled go
    reset()                                      forget every call, lock and listener (test fixtures)

Rules every call keeps, in one place:
* It settles exactly once: the first answer wins, later ones (success twice, success then fail,
  a thenable that also settles) are ignored. Whatever the SDK passes — extra arguments, payloads
  that cannot be converted, odd error codes — settles the call, and nothing is thrown back into
  the SDK.
* A failure is never reported as a success: fail payloads are normalised and raised (await style)
  or passed to ``fail`` (callback style); only the SDK's ``success`` produces a success.
* While a ``pay`` for a ``trade_order_id`` waits for the SDK, another ``pay`` for the same id does
  not reach the SDK: it fails at once with ``ERROR_IN_FLIGHT``. The lock lifts when the SDK answers,
  even if the first call already settled without it: it timed out, the SDK threw (after it may have
  opened the payment sheet), or the caller cancelled its await. ``release_order`` settles a waiting
  pay now and refuses its id for the rest of the session (a retried purchase uses a new
  ``trade_order_id``).
* A call that settled before the SDK answered (timed out, threw, its await cancelled, its order
  released) stays known until the SDK answers; that answer is handed to the ``on_late_answer``
  handler, or printed.
* An exception in the user's callback is reported (console and the loader's error screen) and
  never reaches the SDK's caller.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Any, Awaitable, Callable, JSValue, Payload, TypeVar

    F = TypeVar("F", bound=Callable[..., object])
    LateHandler = TypeVar("LateHandler", bound="Callable[[Payload], object] | None")

from .backend import ffi
from .errors import (ERROR_IN_FLIGHT, ERROR_RELEASED, ERROR_SDK_THREW, ERROR_UNKNOWN, SDKThrew,
                     TTMinisError, TTMinisTimeout, TTMinisUnavailable, failure_payload)
from .validation import SPECS, build_options, check_callable, check_text, check_timeout, plain

SUCCESS, FAIL, RESOLVED, REJECTED, LEGACY = 1, 2, 3, 4, 5

_pending: dict[int, _Call] = {}          # call id -> _Call, until the SDK answers (a timed-out call included)
_orders_in_flight: set[str] = set()      # trade_order_ids whose pay the SDK has not answered yet
_released_orders: set[str] = set()       # trade_order_ids the game gave up on: refused for the session
_late_answer: list[Callable[[Payload], object] | None] = [None]   # the game's handler for late answers
_registrations: list[_Registration] = []  # every listener ttminis registered
_next_id = [0]             # never reset: an old call's late answer can never match a new call


class _Call:
    __slots__ = ("method", "callbacks", "result", "field", "_future", "order", "settled", "cancel_timer",
                 "promise_based", "cleanup")

    def __init__(self, method: str, callbacks: dict[str, Callable[..., object]], result: Callable[[Payload], Any],
                 order: str | None = None, promise_based: bool = False, field: str | None = None) -> None:
        self.method = method
        self.callbacks = callbacks
        self.result = result
        self.field = field if not callbacks else None
        self._future: Any = None
        self.order = order
        self.settled = False
        self.cancel_timer: Callable[[], object] | None = None
        self.promise_based = promise_based
        self.cleanup: Callable[[], None] | None = None

    @property
    def future(self) -> Any:
        """The awaitable of an await-style call (None in callback style), made on first use: a call the
        SDK never had (it is not there) needs no event loop."""
        if self._future is None and not self.callbacks:
            self._future = ffi.future()
        return self._future


def _dispatch(call_id: int, kind: int, payload: JSValue = None, *_more: JSValue) -> None:
    """Every SDK answer arrives here (from a callback made by ``ffi.callback``).

    SDKs may pass more than one argument (``success(res, extra)``): only the first is read. Nothing
    raised here may reach the SDK, so every step is guarded and the call settles whatever happens.
    """
    try:
        call = _pending.get(call_id)
        if call is None or (kind == RESOLVED and not call.promise_based):
            return   # settled and answered already; or a thenable's resolution, which the callbacks own
        _forget(call_id, call)
        if call.settled or _cancelled(call):
            _decide(call)
            _report_late(call, kind, payload)
            return
        try:
            value, error = _read_answer(call, kind, payload)
        except Exception as e:
            value, error = None, TTMinisError(ERROR_UNKNOWN, f"{call.method}: the SDK's answer could "
                                              f"not be read ({type(e).__name__}: {e})")
        _settle(call, value, error)
    except Exception as e:
        _report_safely("ttminis: internal error while settling an SDK answer:\n", e)


ffi.install_dispatcher(_dispatch, {"success": SUCCESS, "fail": FAIL, "resolved": RESOLVED,
                                   "rejected": REJECTED, "legacy": LEGACY})


def _read_answer(call: _Call, kind: int, payload: JSValue) -> tuple[Payload | None, TTMinisError | None]:
    """(value, None) for a success, (None, TTMinisError) for a failure. An awaited call whose result is
    one field of the payload (``field``) reads only that field: converting the rest is wasted work."""
    if call.field is not None and kind == SUCCESS:
        return {call.field: ffi.to_py(ffi.get(payload, call.field))}, None
    payload = ffi.to_py(payload)
    if kind == LEGACY:
        ok = isinstance(payload, dict) and payload.get("is_success") is True
        if not ok and isinstance(payload, dict) and "error" in payload:
            payload = payload["error"]
    else:
        ok = kind == SUCCESS or kind == RESOLVED
    if ok:
        return _success_dict(payload), None
    return None, TTMinisError.from_payload(payload)


def _forget(call_id: int, call: _Call) -> None:
    del _pending[call_id]
    if call.order is not None:
        _orders_in_flight.discard(call.order)


def _success_dict(payload: object) -> Payload:
    if payload is None:
        return {}
    return payload if isinstance(payload, dict) else {"value": payload}


def _cancelled(call: _Call) -> bool:
    """Whether the caller gave up on an await-style call (``asyncio.wait_for`` cancels the future):
    read when an answer arrives, so a call costs nothing extra for it."""
    return call._future is not None and call._future.done()


def _decide(call: _Call) -> bool:
    """Mark ``call`` settled (its timer and listeners go); False if it already was."""
    if call.settled:
        return False
    call.settled = True
    if call.cancel_timer is not None:
        call.cancel_timer()
        call.cancel_timer = None
    if call.cleanup is not None:
        cleanup, call.cleanup = call.cleanup, None
        cleanup()
    return True


def _settle(call: _Call, value: Payload | None, error: TTMinisError | None, later: bool = False) -> None:
    """Settle ``call`` once. Callbacks run now, or with ``later`` one timer turn later: never inside
    the game's own call (the call is decided at once, so no answer can overtake it)."""
    if not _decide(call):
        return
    if call.future is not None:
        if call.future.done():
            return
        if error is None:
            try:
                value = call.result(value or {})
            except Exception as e:  # a malformed success payload is a failure, never a success
                error = TTMinisError(error_msg=f"{call.method}: unexpected success payload ({e})",
                                     error_extra={"payload": value})
        if error is None:
            call.future.set_result(value)
        else:
            call.future.set_exception(error)
        return
    if later:
        ffi.call_later(0, lambda: _deliver(call, value, error))
    else:
        _deliver(call, value, error)


def _deliver(call: _Call, value: Payload | None, error: TTMinisError | None) -> None:
    if error is None:
        _run_user_callback(call.callbacks.get("success"), value)
    else:
        _run_user_callback(call.callbacks.get("fail"), error.payload())
    _run_user_callback(call.callbacks.get("complete"))


def _run_user_callback(function: Callable[..., object] | None, *args: object) -> None:
    if function is None:
        return
    try:
        function(*args)
    except Exception as e:
        _report_safely(f"ttminis: exception in your callback {getattr(function, '__name__', function)!r}:\n", e)


def _report_safely(prefix: str, exc: BaseException) -> None:
    try:
        ffi.report(prefix + ffi.format_exception(exc))
    except Exception:
        pass


def _report_late(call: _Call, kind: int, payload: JSValue) -> None:
    """The first answer for a call that already settled (timed out, threw, its await cancelled, its
    order released): tell the game."""
    call.field = None           # the whole payload: the game reads it, not an awaited result
    try:
        value, error = _read_answer(call, kind, payload)
    except Exception:
        value, error = None, TTMinisError(error_msg="the SDK's late answer could not be read")
    answer = {"method": call.method, "trade_order_id": call.order,
              "outcome": "success" if error is None else "fail",
              "payload": value if error is None else error.payload()}
    handler = _late_answer[0]
    if handler is None:
        print(f"ttminis: late answer from the SDK after the call settled: {answer!r}")
    else:
        _run_user_callback(handler, answer)


def on_late_answer(handler: LateHandler) -> LateHandler:
    """Make ``handler(answer)`` receive SDK answers that arrive after their call settled.

    A call settles before the SDK has answered it in four cases: its ``timeout=`` passes
    (``TTMinisTimeout``; an ad's ``show()`` stops listening instead, so it has no late answer); the
    SDK's method threw after it had the call (``ERROR_SDK_THREW``: for ``pay``, its sheet may be
    open all the same); the caller cancelled its await (``asyncio.wait_for``, a cancelled task); or
    its ``pay`` order was given up with ``release_order``. The first answer the SDK gives afterwards
    comes here as ``answer`` = ``{"method", "trade_order_id" (None unless pay), "outcome":
    "success" | "fail", "payload"}``; any later one is ignored. (A method that could not even be
    looked up was never sent: it has no late answer.) Without a handler the answer is printed.
    ``None`` removes the handler. Returns ``handler``, so it works as a decorator.

    Example::

        @ttminis.on_late_answer
        def late(answer):
            if answer["outcome"] == "success":
                refresh_inventory_from_server()
    """
    if handler is not None:
        check_callable("on_late_answer", "handler", handler)
    _late_answer[0] = handler
    return handler


def release_order(trade_order_id: str) -> bool:
    """Give up on ``trade_order_id``: a ``pay`` still waiting for the SDK settles now with
    ``ERROR_RELEASED``, and any later ``pay`` for this id in this session fails with
    ``ERROR_RELEASED`` without reaching the SDK — TikTok's rule is that a retried purchase uses a
    new ``trade_order_id``. If the SDK answers the abandoned pay later, ``on_late_answer`` hears it.
    Returns whether a pay for the id was still waiting for the SDK.

    Example::

        game.release_order("ord-1")      # then create a new order on your server to retry
    """
    check_text("release_order", "trade_order_id", trade_order_id)
    _released_orders.add(trade_order_id)
    waiting = [call for call in _pending.values() if call.order == trade_order_id]
    for call in waiting:
        _settle(call, None, _released(trade_order_id))
    return bool(waiting)


def _released(order: str) -> TTMinisError:
    return TTMinisError(ERROR_RELEASED, f"pay: trade_order_id {order!r} was released by the game; "
                        "pay again under a new trade_order_id", {"trade_order_id": order})


def reset() -> None:
    """Forget every pending call, order lock, released order, listener and cached canIUse answer.

    For test fixtures (``ttminis_wallet``, the browser harness): each test starts from a clean
    shim, as after a fresh page load. Listeners are removed from their SDK objects where possible.
    Call ids keep counting, so an old call's late answer can never settle a new one.

    Example::

        ttminis.calls.reset()
    """
    for call in _pending.values():
        if call.cancel_timer is not None:
            try:
                call.cancel_timer()
            except Exception:
                pass
    _pending.clear()
    _orders_in_flight.clear()
    _released_orders.clear()
    _late_answer[0] = None
    ffi.forget_support()
    for registration in list(_registrations):
        try:
            registration.remove()
        except Exception:
            pass     # the SDK may still call it: leave its handle alive
    _registrations.clear()


def _new_id() -> int:
    _next_id[0] += 1
    return _next_id[0]


def _unavailable(what: str, method: str) -> TTMinisUnavailable:
    """TTMinisUnavailable naming what lacks: the SDK, TTMinis.game, or the method (``what`` is
    "TTMinis.game.<method>" when it is absent, "unsupported" when the client's canIUse denies it)."""
    if what == "TTMinis":
        return TTMinisUnavailable(f"TikTok's SDK (the global TTMinis) needed for {method}()")
    if what == "TTMinis.game":
        return TTMinisUnavailable(f"TTMinis.game (needed for {method}())")
    if what == "unsupported":
        return TTMinisUnavailable(f"TTMinis.game.{method}", hint="This TikTok client does not support it "
                                  "(its canIUse says so): check canIUse before offering the feature.")
    close = close_name(method)
    return TTMinisUnavailable(f"TTMinis.game.{method}", hint=(
        f"Did you mean game.{snake_case(close)} (TTMinis.game.{close})? " if close else "")
        + "This TikTok client's TTMinis.game has no such method.")


def _game_method(method: str) -> JSValue:
    """``TTMinis.game`` when it has ``method`` (and its canIUse does not deny it), else TTMinisUnavailable."""
    root = ffi.sdk_root()
    if root is None:
        raise _unavailable("TTMinis", method)
    game = ffi.get(root, "game")
    if game is None:
        raise _unavailable("TTMinis.game", method)
    if not ffi.is_function(ffi.get(game, method)):
        raise _unavailable(f"TTMinis.game.{method}", method)
    if not ffi.supports(game, method):
        raise _unavailable("unsupported", method)
    return game


# Methods of TikTok's TTMinis.game besides the options-shaped ones in validation.SPECS: what a name the
# SDK lacks is compared with, to suggest the one that was meant.
_KNOWN_METHODS = tuple(SPECS) + (
    "canIUse", "getSystemInfoSync", "getStorageSync", "setStorageSync", "removeStorageSync",
    "getLaunchOptionsSync", "getEnterOptionsSync", "getMenuButtonBoundingClientRect", "onShow", "offShow",
    "onHide", "offHide", "createCanvas", "createImage", "createInnerAudioContext", "getFileSystemManager",
    "loadSubpackage", "onTouchStart", "onTouchMove", "onTouchEnd", "onTouchCancel")


def close_name(method: str, known: tuple[str, ...] = _KNOWN_METHODS) -> str | None:
    """The known method ``method`` most likely meant (a typo, or a known name with a suffix), or None.

    Example::

        close_name("payTypo")        # "pay"
        close_name("checkBalanse")   # "checkBalance"
    """
    lowered = method.lower()
    best, best_score = None, 0
    for candidate in known:
        name = candidate.lower()
        score = _edit_distance(lowered, name)
        shorter = min(len(name), len(lowered))
        if shorter >= 3 and (lowered.startswith(name) or name.startswith(lowered)):
            score = min(score, 1)
        if score <= max(1, len(name) // 4) and (best is None or score < best_score):
            best, best_score = candidate, score
    return None if best == method else best


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        previous = current
    return previous[-1]


def snake_case(name: str) -> str:
    """``checkBalance`` -> ``check_balance``; ``canIUse`` -> ``can_i_use`` (the alias ``game`` has too).

    Example::

        snake_case("getShortcutMissionReward")     # "get_shortcut_mission_reward"
    """
    return "".join("_" + char.lower() if char.isupper() else char for char in name)


def options_call(method: str, args: tuple[Any, ...], kwargs: dict[str, Any],
                 result: Callable[[Payload], Any] = _success_dict, field: str | None = None) -> Any:
    """Call ``TTMinis.game[method]`` with an options object.

    Callback style (any of success/fail/complete given) returns None; await style returns an
    awaitable whose result is ``result(success_payload)`` — with ``field``, ``result({field: value})``:
    only that field of the payload is read.

    Example::

        await options_call("pay", ("ord-1",), {})          # {} or the SDK's payload
        options_call("recharge", (), {"tier_id": "t1", "success": print})
    """
    if method not in SPECS:
        _game_method(method)     # first: a name the SDK lacks says so, whatever the options
    try:
        options, callbacks, timeout = build_options(method, args, kwargs, ffi.NULL)
    except (TypeError, ValueError):
        _game_method(method)     # a method this client lacks says so before its options' faults do
        raise
    order = options.get("trade_order_id") if method == "pay" else None
    call = _Call(method, callbacks, result, order, field=field)
    if order is not None and (order in _released_orders or order in _orders_in_flight):
        call.order = None
        _settle_soon(call, _released(order) if order in _released_orders else TTMinisError(
            ERROR_IN_FLIGHT, f"pay: trade_order_id {order!r} is already being paid; wait for that "
            "call's outcome, or give it up with game.release_order()", {"trade_order_id": order}))
        return call.future
    call_id = _new_id()
    _pending[call_id] = call
    if order is not None:
        _orders_in_flight.add(order)
    try:
        status = ffi.send(call_id, method, options)  # the SDK's answers reach _dispatch
    except BaseException:
        if _pending.get(call_id) is call:            # nothing reached the SDK: no lock, no pending call
            _forget(call_id, call)
        raise
    if status is not None:
        what, detail = status
        if _pending.get(call_id) is call:            # (it may have answered before throwing)
            if what != "threw":                      # nothing was called: no lock, no pending call
                _forget(call_id, call)
                if what == "lookup_threw":
                    _settle(call, None, TTMinisError(ERROR_SDK_THREW, f"{method}: {detail}"), later=True)
                    return call.future
                raise _unavailable(detail if what == "unavailable" else what, method)
            # The SDK had the call and may still answer (a pay's sheet may be open): the call fails
            # now and stays known, its order locked, until the SDK answers or the order is released.
            _settle(call, None, _threw(method, detail, order), later=True)
        return call.future
    if timeout is not None and not call.settled:
        call.cancel_timer = ffi.call_later(timeout, lambda: _time_out(call_id, timeout))
    return call.future


def _watch(returned: JSValue, call_id: int) -> bool:
    """Whether ``returned`` is a thenable now reporting to the dispatcher; a thenable whose
    ``then`` breaks when used counts as none (the callbacks, or the caller, decide)."""
    try:
        return bool(ffi.watch_thenable(returned, call_id, RESOLVED, REJECTED))
    except Exception:
        return False


def _time_out(call_id: int, seconds: float) -> None:
    call = _pending.get(call_id)
    if call is None or call.settled:
        return
    call.cancel_timer = None
    if call.cleanup is not None:
        _forget(call_id, call)   # its listeners go with it: nothing can answer it any more
    # Otherwise it stays pending: a pay's order stays locked, and a late answer is still reported.
    _settle(call, None, TTMinisTimeout(call.method, seconds))


def _settle_soon(call: _Call, error: TTMinisError) -> None:
    _settle(call, None, error, later=True)      # awaited: raised when awaited


def _threw(method: str, detail: str, order: str | None) -> TTMinisError:
    if order is None:
        return TTMinisError(ERROR_SDK_THREW, f"{method}: {detail}")
    return TTMinisError(ERROR_SDK_THREW, f"pay: {detail}. The SDK may still answer (its payment sheet may be "
                        f"open): trade_order_id {order!r} stays locked until it does, or until "
                        "game.release_order() gives it up", {"trade_order_id": order})


def sync_call(method: str, args: tuple[Any, ...]) -> Any:
    """Call a synchronous SDK method and return its result as Python data.

    Example::

        sync_call("canIUse", ("pay",))      # True
    """
    game = _game_method(method)
    js_args = [ffi.to_js(plain(arg, (method, ": argument ", str(i + 1)), ffi.NULL)) for i, arg in enumerate(args)]
    try:
        return ffi.to_py(ffi.invoke(game, method, js_args))
    except SDKThrew as e:
        raise TTMinisError(ERROR_SDK_THREW, f"{method}: {e}") from None


def factory_call(method: str, options: dict[str, Any]) -> JSValue:
    """Call a ``create...`` factory; returns the JS object it made (a handle, not converted).

    Example::

        handle = factory_call("createRewardedVideoAd", {"adUnitId": "unit-1"})
    """
    game = _game_method(method)
    try:
        handle = ffi.invoke(game, method, [ffi.to_js(options)])
    except SDKThrew as e:
        raise TTMinisError(ERROR_SDK_THREW, f"{method}: {e}") from None
    if handle is None:
        raise TTMinisError(error_msg=f"{method} returned no object")
    return handle


def promise_call(owner: JSValue, method: str, args: tuple[Any, ...], what: str) -> Any:
    """Call ``owner[method](*args)``: an awaitable of a returned promise's outcome, else the value.

    A rejection (with anything, plain objects included) raises ``TTMinisError``.

    Example::

        await promise_call(ad_handle, "show", (), "RewardedVideoAd")
    """
    if not ffi.is_function(ffi.get(owner, method)):
        raise TTMinisUnavailable(f"{what}.{method}")
    js_args = [ffi.to_js(plain(arg, (what, ".", method, ": argument ", str(i + 1)), ffi.NULL))
               for i, arg in enumerate(args)]
    call = _Call(f"{what}.{method}", {}, _success_dict, promise_based=True)
    call_id = _new_id()
    _pending[call_id] = call
    try:
        returned = ffi.invoke(owner, method, js_args)
    except SDKThrew as e:
        del _pending[call_id]
        raise TTMinisError(ERROR_SDK_THREW, f"{what}.{method}: {e}") from None
    if not _watch(returned, call_id):
        del _pending[call_id]
        return ffi.to_py(returned)
    return call.future


def _ended(payload: Payload) -> bool:
    return bool(payload.get("isEnded"))


def watch_ad(handle: JSValue, what: str, timeout: float | None = None) -> Awaitable[bool]:
    """Show the ad ``handle`` once; an awaitable of True (watched to the end) or False (closed early).

    Settles once, on the first of: ``onClose`` (``{isEnded}``), ``onError``, a rejected ``show()``
    promise, ``show()`` throwing (``ERROR_SDK_THREW``), or ``timeout`` seconds (``TTMinisTimeout``).
    ``show()`` may return a promise or nothing. The listeners are removed when it settles.

    Example::

        ended = await watch_ad(factory_call("createRewardedVideoAd", {"adUnitId": "u"}),
                               "RewardedVideoAd", timeout=60)
    """
    for required in ("onClose", "show"):
        if not ffi.is_function(ffi.get(handle, required)):
            raise TTMinisUnavailable(f"{what}.{required}")
    check_timeout(f"{what}.show", timeout)
    call = _Call(f"{what}.show", {}, _ended)
    future: Awaitable[bool] = call.future
    call_id = _new_id()
    _pending[call_id] = call
    registered: list[tuple[str, JSValue]] = []

    def cleanup() -> None:
        for off_name, function in registered:
            try:
                if ffi.is_function(ffi.get(handle, off_name)):
                    ffi.invoke(handle, off_name, [function])
            except SDKThrew:
                pass     # a bound callback: if the SDK calls it anyway, the dispatcher ignores it
    call.cleanup = cleanup
    try:
        for event, kind in (("Close", SUCCESS), ("Error", FAIL)):
            if ffi.is_function(ffi.get(handle, "on" + event)):
                function = ffi.callback(call_id, kind)
                ffi.invoke(handle, "on" + event, [function])
                registered.append(("off" + event, function))
        returned = ffi.invoke(handle, "show", [])
    except SDKThrew as e:
        if _pending.get(call_id) is call:
            _forget(call_id, call)
        _settle(call, None, TTMinisError(ERROR_SDK_THREW, f"{call.method}: {e}"))
        return future
    _watch(returned, call_id)
    if timeout is not None and not call.settled:
        call.cancel_timer = ffi.call_later(timeout, lambda: _time_out(call_id, timeout))
    return future


class _Registration:
    """One listener ttminis registered: ``owner.on<event>(handle)`` for the user's ``function``."""
    __slots__ = ("group", "owner", "event", "function", "handle")

    def __init__(self, group: Listeners, owner: JSValue, event: str, function: Callable[..., object],
                 handle: JSValue) -> None:
        self.group, self.owner, self.event, self.function, self.handle = group, owner, event, function, handle

    def remove(self) -> None:
        """``owner.off<event>(handle)``, then release the handle; SDKThrew leaves it registered."""
        off_name = "off" + self.event
        if not ffi.is_function(ffi.get(self.owner, off_name)):
            raise SDKThrew(f"{off_name} is missing on the object the listener was registered on")
        ffi.invoke(self.owner, off_name, [self.handle])
        _registrations.remove(self)
        ffi.release(self.handle)


class Listeners:
    """``on``/``off`` pairs of one SDK object, each Python callable given one lasting JS function.

    A callable is registered once per event and per SDK object (a replaced ``TTMinis.game`` gets
    its own registration). ``off`` removes from the object the listener was registered on.

    Example::

        listeners = Listeners(lambda: game_handle, "TTMinis.game")
        listeners.on("onShow", on_show)      # calls TTMinis.game.onShow(<js function>)
        listeners.off("offShow", on_show)    # same JS function, then released
    """

    def __init__(self, owner_getter: Callable[[], JSValue], what: str) -> None:
        self._owner_getter = owner_getter
        self._what = what

    def _owner_method(self, name: str) -> JSValue:
        owner = self._owner_getter()
        if not ffi.is_function(ffi.get(owner, name)):
            raise TTMinisUnavailable(f"{self._what}.{name}")
        return owner

    def _mine(self, event: str | None = None, function: object = None) -> list[_Registration]:
        return [r for r in _registrations if r.group is self and (event is None or r.event == event)
                and (function is None or r.function == function)]

    def on(self, on_name: str, function: F) -> F:
        check_callable(on_name, "listener", function)
        owner = self._owner_method(on_name)
        event = on_name[2:]
        if any(ffi.same(r.owner, owner) for r in self._mine(event, function)):
            return function

        def deliver(payload: JSValue = None, *_more: JSValue) -> None:
            value = ffi.to_py(payload)
            _run_user_callback(function, {} if value is None else value)

        handle = ffi.listener(deliver)
        try:
            ffi.invoke(owner, on_name, [handle])
        except SDKThrew as e:
            ffi.release(handle)
            raise TTMinisError(ERROR_SDK_THREW, f"{on_name}: {e}") from None
        _registrations.append(_Registration(self, owner, event, function, handle))
        return function

    def off(self, off_name: str, function: object = None) -> None:
        """Remove ``function`` (or every listener of this event); all are tried. A listener the SDK
        refuses to remove stays registered (its JS function alive) and ``TTMinisError`` says so."""
        mine = self._mine(off_name[3:], function)
        if not mine:
            self._owner_method(off_name)
            return
        self._remove(off_name, mine)

    def off_all(self) -> None:
        """Remove every listener added through this object; all are tried, as in ``off``."""
        self._remove("off<every event>", self._mine())

    def _remove(self, what: str, registrations: list[_Registration]) -> None:
        failures: list[str] = []
        for registration in registrations:
            try:
                registration.remove()
            except Exception as e:   # SDKThrew, or a getter that throws: still registered
                failures.append(f"off{registration.event}: {e}")
        if failures:
            raise TTMinisError(ERROR_SDK_THREW, f"{self._what}.{what}: {len(failures)} listener(s) "
                               f"could not be removed and stay registered ({'; '.join(failures)})")

    def count(self) -> int:
        return len(self._mine())
