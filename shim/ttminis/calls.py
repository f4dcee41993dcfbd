"""How one SDK call is made and settled, whatever the runtime (the backend is ``backend.ffi``).

Exports:
    options_call(method, args, kwargs, result)   the options/callbacks shape, both styles
    sync_call(method, args)                      the synchronous shape
    promise_call(owner, method, args, what)      a method returning a Promise (ad.show())
    Listeners(owner_getter, what)                on/off pairs with the same function each time

Rules every call keeps, in one place:
* It settles exactly once: the first answer wins, later ones (success twice, success then fail,
  a thenable that also settles) are ignored, and nothing is thrown back into the SDK.
* A failure is never reported as a success: fail payloads are normalised and raised (await style)
  or passed to ``fail`` (callback style); only the SDK's ``success`` produces a success.
* While a ``pay`` for a ``trade_order_id`` waits for the SDK, another ``pay`` for the same id does
  not reach the SDK: it fails at once with ``ERROR_IN_FLIGHT``. The order stays locked until the SDK
  answers, even if the first call already timed out.
* An exception in the user's callback is reported (console and the loader's error screen) and
  never reaches the SDK's caller.
"""
from .backend import ffi
from .errors import (ERROR_IN_FLIGHT, ERROR_SDK_THREW, SDKThrew, TTMinisError, TTMinisTimeout,
                     TTMinisUnavailable, failure_payload)
from .validation import build_options, check_callable, plain

SUCCESS, FAIL, RESOLVED, REJECTED, LEGACY = 1, 2, 3, 4, 5

_pending = {}        # call id -> _Call, until the SDK answers
_orders_in_flight = set()
_next_id = [0]


class _Call:
    __slots__ = ("method", "callbacks", "result", "future", "order", "settled", "cancel_timer",
                 "promise_based")

    def __init__(self, method, callbacks, result, order=None, promise_based=False):
        self.method = method
        self.callbacks = callbacks
        self.result = result
        self.future = None if callbacks else ffi.future()
        self.order = order
        self.settled = False
        self.cancel_timer = None
        self.promise_based = promise_based


def _dispatch(call_id, kind, payload=None):
    """Every SDK answer arrives here (from a callback made by ``ffi.callback``)."""
    call = _pending.get(call_id)
    if call is None:
        return
    if kind == RESOLVED and not call.promise_based:
        return  # the callbacks are authoritative; a thenable only adds rejections
    del _pending[call_id]
    _orders_in_flight.discard(call.order)
    payload = ffi.to_py(payload)
    if kind == LEGACY:
        ok = isinstance(payload, dict) and payload.get("is_success") is True
        if not ok and isinstance(payload, dict) and "error" in payload:
            payload = payload["error"]
    else:
        ok = kind in (SUCCESS, RESOLVED)
    if ok:
        _settle(call, _success_dict(payload), None)
    else:
        _settle(call, None, TTMinisError.from_payload(payload))


ffi.install_dispatcher(_dispatch)


def _success_dict(payload):
    if payload is None:
        return {}
    return payload if isinstance(payload, dict) else {"value": payload}


def _settle(call, value, error):
    if call.settled:
        return
    call.settled = True
    if call.cancel_timer is not None:
        call.cancel_timer()
    if call.future is not None:
        if call.future.done():
            return
        if error is None:
            try:
                value = call.result(value)
            except Exception as e:  # a malformed success payload is a failure, never a success
                error = TTMinisError(error_msg=f"{call.method}: unexpected success payload ({e})",
                                     error_extra={"payload": value})
        if error is None:
            call.future.set_result(value)
        else:
            call.future.set_exception(error)
        return
    if error is None:
        _run_user_callback(call.callbacks.get("success"), value)
    else:
        _run_user_callback(call.callbacks.get("fail"), error.payload())
    _run_user_callback(call.callbacks.get("complete"))


def _run_user_callback(function, *args):
    if function is None:
        return
    try:
        function(*args)
    except Exception as e:
        ffi.report(f"ttminis: exception in your callback {getattr(function, '__name__', function)!r}:\n"
                   + ffi.format_exception(e))


def _new_id():
    _next_id[0] += 1
    return _next_id[0]


def _game_method(method):
    """(owner, name, legacy) for ``TTMinis.game[method]``, or TTMinisUnavailable naming what lacks."""
    root = ffi.sdk_root()
    if root is None:
        raise TTMinisUnavailable(f"TikTok's SDK (the global TTMinis) needed for {method}()")
    game = ffi.get(root, "game")
    if game is None:
        if method == "pay" and ffi.is_function(ffi.get(root, "pay")):
            return root, "pay", True   # the non-game Minis SDK: TTMinis.pay(callback, options)
        raise TTMinisUnavailable(f"TTMinis.game (needed for {method}())")
    if not ffi.is_function(ffi.get(game, method)) or not _client_supports(game, method):
        raise TTMinisUnavailable(f"TTMinis.game.{method}")
    return game, method, False


_support = {"game": None, "answers": {}}   # canIUse answers for the current TTMinis.game object


def _client_supports(game, method):
    """False only when the client's own ``canIUse(method)`` says so; asked once per game object."""
    if method == "canIUse":
        return True
    if _support["game"] is None or not ffi.same(_support["game"], game):
        _support["game"], _support["answers"] = game, {}
    answers = _support["answers"]
    if method not in answers:
        try:
            answers[method] = not ffi.is_function(ffi.get(game, "canIUse")) or \
                ffi.invoke(game, "canIUse", [method]) is not False
        except SDKThrew:
            answers[method] = True
    return answers[method]


def options_call(method, args, kwargs, result=_success_dict):
    """Call ``TTMinis.game[method]`` with an options object.

    Callback style (any of success/fail/complete given) returns None; await style returns an
    awaitable whose result is ``result(success_payload)``.

    Example::

        await options_call("pay", ("ord-1",), {})          # {} or the SDK's payload
        options_call("recharge", (), {"tier_id": "t1", "success": print})
    """
    options, callbacks, timeout = build_options(method, args, kwargs, ffi.NULL)
    owner, name, legacy = _game_method(method)
    order = options.get("trade_order_id") if method == "pay" else None
    call = _Call(method, callbacks, result, order)
    if order is not None and order in _orders_in_flight:
        call.order = None
        _settle_soon(call, TTMinisError(ERROR_IN_FLIGHT, f"pay: trade_order_id {order!r} is already "
                                        "being paid; wait for that call's outcome",
                                        {"trade_order_id": order}))
        return call.future
    call_id = _new_id()
    _pending[call_id] = call
    if order is not None:
        _orders_in_flight.add(order)
    if legacy:
        call_args = [ffi.callback(call_id, LEGACY), ffi.to_js(options)]
    else:
        options["success"] = ffi.callback(call_id, SUCCESS)
        options["fail"] = ffi.callback(call_id, FAIL)
        call_args = [ffi.to_js(options)]
    _send(owner, name, call_args, call_id, timeout)
    return call.future


def _send(owner, name, call_args, call_id, timeout):
    call = _pending[call_id]
    try:
        returned = ffi.invoke(owner, name, call_args)
    except SDKThrew as e:
        if _pending.pop(call_id, None) is call:
            _orders_in_flight.discard(call.order)
            _settle_soon(call, TTMinisError(ERROR_SDK_THREW, f"{call.method}: {e}"))
        return
    ffi.watch_thenable(returned, call_id, RESOLVED, REJECTED)
    if timeout is not None and not call.settled:
        call.cancel_timer = ffi.call_later(timeout, lambda: _time_out(call_id, timeout))


def _time_out(call_id, seconds):
    call = _pending.get(call_id)
    if call is None or call.settled:
        return
    if call.order is None:
        del _pending[call_id]   # a pay keeps its entry: its order stays locked until the SDK answers
    call.cancel_timer = None
    _settle(call, None, TTMinisTimeout(call.method, seconds))


def _settle_soon(call, error):
    if call.future is not None:
        _settle(call, None, error)      # raised when awaited
    else:
        ffi.call_later(0, lambda: _settle(call, None, error))


def sync_call(method, args):
    """Call a synchronous SDK method and return its result as Python data.

    Example::

        sync_call("canIUse", ("pay",))      # True
    """
    owner, name, _legacy = _game_method(method)
    js_args = [ffi.to_js(plain(arg, (method, ": argument ", str(i + 1)), ffi.NULL)) for i, arg in enumerate(args)]
    try:
        return ffi.to_py(ffi.invoke(owner, name, js_args))
    except SDKThrew as e:
        raise TTMinisError(ERROR_SDK_THREW, f"{method}: {e}") from None


def factory_call(method, options):
    """Call a ``create...`` factory; returns the JS object it made (a handle, not converted).

    Example::

        handle = factory_call("createRewardedVideoAd", {"adUnitId": "unit-1"})
    """
    owner, name, _legacy = _game_method(method)
    try:
        handle = ffi.invoke(owner, name, [ffi.to_js(options)])
    except SDKThrew as e:
        raise TTMinisError(ERROR_SDK_THREW, f"{method}: {e}") from None
    if handle is None:
        raise TTMinisError(error_msg=f"{method} returned no object")
    return handle


def promise_call(owner, method, args, what):
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
    if not ffi.watch_thenable(returned, call_id, RESOLVED, REJECTED):
        del _pending[call_id]
        return ffi.to_py(returned)
    return call.future


class Listeners:
    """``on``/``off`` pairs of one SDK object, each Python callable given one lasting JS function.

    Example::

        listeners = Listeners(lambda: game_handle, "TTMinis.game")
        listeners.on("onShow", on_show)      # calls TTMinis.game.onShow(<js function>)
        listeners.off("offShow", on_show)    # same JS function, then released
    """

    def __init__(self, owner_getter, what):
        self._owner_getter = owner_getter
        self._what = what
        self._handles = {}   # (event, python callable) -> JS function handle

    def _owner_method(self, name):
        owner = self._owner_getter()
        if not ffi.is_function(ffi.get(owner, name)):
            raise TTMinisUnavailable(f"{self._what}.{name}")
        return owner

    def on(self, on_name, function):
        check_callable(on_name, "listener", function)
        owner = self._owner_method(on_name)
        key = (on_name[2:], function)
        if key in self._handles:
            return function

        def deliver(payload=None, *_ignored):
            value = ffi.to_py(payload)
            _run_user_callback(function, {} if value is None else value)

        handle = ffi.listener(deliver)
        try:
            ffi.invoke(owner, on_name, [handle])
        except SDKThrew as e:
            ffi.release(handle)
            raise TTMinisError(ERROR_SDK_THREW, f"{on_name}: {e}") from None
        self._handles[key] = handle
        return function

    def off(self, off_name, function=None):
        event = off_name[3:]
        owner = self._owner_method(off_name)
        keys = [key for key in self._handles if key[0] == event and function in (None, key[1])]
        for key in keys:
            handle = self._handles.pop(key)
            try:
                ffi.invoke(owner, off_name, [handle])
            finally:
                ffi.release(handle)

    def off_all(self):
        for event in {event for event, _function in self._handles}:
            self.off("off" + event)

    def count(self):
        return len(self._handles)
