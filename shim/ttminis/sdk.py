"""``game``: TikTok's ``TTMinis.game`` as a Python object, every method in two styles.

Each method exists under its JS name and its snake_case name (``checkBalance``/``check_balance``).
Options are one dict, keywords, or (for documented fields) positionals. Giving any of
``success``/``fail``/``complete`` selects TikTok's callback style (the call returns None);
otherwise the call returns an awaitable. ``timeout=`` (seconds) bounds an awaited call.

Methods ttminis has never heard of work by the shape of their name:
``on``/``off`` + Capital -> listener pair; ``...Sync`` -> synchronous; ``create...`` -> factory
returning an ``SDKObject``; anything else -> options style.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import (Any, Awaitable, Callable, JSValue, Literal, Mapping, OnComplete, OnFail, OnSuccess, Payload,
                         Plain, TypeVar, overload)

    Listener = TypeVar("Listener", bound=Callable[[Payload], object])
else:
    def overload(function):     # typing.overload's run-time part: the last definition is the method
        return function

from . import calls
from .backend import ffi
from .errors import TTMinisUnavailable
from .validation import build_options, check_timeout

# Synchronous methods whose names do not end in "Sync".
_SYNC_METHODS = ("canIUse", "getMenuButtonBoundingClientRect")


def camel_case(name: str) -> str:
    """``check_balance`` -> ``checkBalance``; ``can_i_use`` -> ``canIUse``; camelCase is kept."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _is_listener_name(name: str) -> str | None:
    for prefix in ("on", "off"):
        if name.startswith(prefix) and name[len(prefix):len(prefix) + 1].isupper():
            return prefix
    return None


def _is_sufficient(payload: Payload) -> bool:
    value = payload.get("is_sufficient")
    if not isinstance(value, bool):
        raise ValueError(f"is_sufficient should be a bool, got {value!r}")
    return value


def _game_handle() -> JSValue:
    root = ffi.sdk_root()
    game = ffi.get(root, "game") if root is not None else None
    if game is None:
        raise TTMinisUnavailable("TTMinis.game")
    return game


class SDKObject:
    """A JS object returned by a ``create...`` factory (an ad, ...), usable from Python.

    ``obj.show()`` and other methods: a returned Promise becomes an awaitable (a rejection raises
    ``TTMinisError``); a plain return value is returned. ``obj.onClose(fn)``/``obj.offClose(fn)``
    (or ``on_close``/``off_close``) manage listeners; the payload reaches ``fn`` as a dict.

    Example::

        ad = game.create_rewarded_video_ad("unit-1")
        ad.on_close(lambda result: print(result["isEnded"]))
        await ad.show()
    """

    def __init__(self, handle: JSValue, what: str) -> None:
        self._handle = handle
        self._what = what
        self._listeners = calls.Listeners(lambda: handle, what)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        js_name = camel_case(name)
        kind = _is_listener_name(js_name)
        if kind == "on":
            return lambda function: self._listeners.on(js_name, function)
        if kind == "off":
            return lambda function=None: self._listeners.off(js_name, function)
        return lambda *args: calls.promise_call(self._handle, js_name, args, self._what)

    def release_listeners(self) -> None:
        """Remove every listener added through this object (call when done with an ad)."""
        self._listeners.off_all()


class Game:
    """TikTok's ``TTMinis.game`` from Python. Use the module-level ``ttminis.game``.

    Example::

        from ttminis import game
        ok = await game.check_balance(50)
        game.pay(trade_order_id="ord-1", success=on_paid, fail=on_failed)
    """

    def __init__(self) -> None:
        self._listeners = calls.Listeners(_game_handle, "TTMinis.game")

    # -- in-app purchases ---------------------------------------------------------------------

    @overload
    def check_balance(self, amount: int, type: Literal["BEANS"] = "BEANS", *, success: OnSuccess, fail: OnFail | None = None,
            complete: OnComplete | None = None, **extra: Plain) -> None: ...
    @overload
    def check_balance(self, amount: int, type: Literal["BEANS"] = "BEANS", *, fail: OnFail, complete: OnComplete | None = None,
            **extra: Plain) -> None: ...
    @overload
    def check_balance(self, amount: int, type: Literal["BEANS"] = "BEANS", *, complete: OnComplete, **extra: Plain) -> None: ...
    @overload
    def check_balance(self, amount: int, type: Literal["BEANS"] = "BEANS", *, timeout: float | None = None,
            **extra: Plain) -> Awaitable[bool]: ...
    @overload
    def check_balance(self, options: dict[str, Any], **fields: Any) -> Any: ...
    def check_balance(self, *args: Any, **options: Any) -> Any:
        """Ask whether the player has ``amount`` Beans.

        Await style returns ``is_sufficient`` as a bool; callback style passes
        ``{"is_sufficient": bool}`` to ``success``. ``type`` defaults to ``"BEANS"``.

        Example::

            if await game.check_balance(50):
                ...
            game.checkBalance({"amount": 50, "type": "BEANS", "success": on_ok, "fail": on_fail})
        """
        return calls.options_call("checkBalance", args, options, _is_sufficient, field="is_sufficient")

    @overload
    def recharge(self, tier_id: str, *, success: OnSuccess, fail: OnFail | None = None,
            complete: OnComplete | None = None, **extra: Plain) -> None: ...
    @overload
    def recharge(self, tier_id: str, *, fail: OnFail, complete: OnComplete | None = None,
            **extra: Plain) -> None: ...
    @overload
    def recharge(self, tier_id: str, *, complete: OnComplete, **extra: Plain) -> None: ...
    @overload
    def recharge(self, tier_id: str, *, timeout: float | None = None,
            **extra: Plain) -> Awaitable[Payload]: ...
    @overload
    def recharge(self, options: dict[str, Any], **fields: Any) -> Any: ...
    def recharge(self, *args: Any, **options: Any) -> Any:
        """Open TikTok's Beans recharge sheet for the coin package ``tier_id``.

        Example::

            await game.recharge("tier-1")      # the success payload as a dict, {} if none
        """
        return calls.options_call("recharge", args, options)

    @overload
    def pay(self, trade_order_id: str, log_extra: Mapping[str, Plain] | None = None, *, success: OnSuccess, fail: OnFail | None = None,
            complete: OnComplete | None = None, **extra: Plain) -> None: ...
    @overload
    def pay(self, trade_order_id: str, log_extra: Mapping[str, Plain] | None = None, *, fail: OnFail, complete: OnComplete | None = None,
            **extra: Plain) -> None: ...
    @overload
    def pay(self, trade_order_id: str, log_extra: Mapping[str, Plain] | None = None, *, complete: OnComplete, **extra: Plain) -> None: ...
    @overload
    def pay(self, trade_order_id: str, log_extra: Mapping[str, Plain] | None = None, *, timeout: float | None = None,
            **extra: Plain) -> Awaitable[Payload]: ...
    @overload
    def pay(self, options: dict[str, Any], **fields: Any) -> Any: ...
    def pay(self, *args: Any, **options: Any) -> Any:
        """Pay the trade order ``trade_order_id`` made by your backend (optional ``log_extra`` dict).

        Settles exactly once. A second ``pay`` for an order still in flight never reaches the
        SDK: it fails with ``error_code == ERROR_IN_FLIGHT``. Grant items from your backend's
        webhook, not from this result alone.

        Example::

            try:
                await game.pay("ord-1", timeout=300)
            except TTMinisError as e:
                show(e.error_msg)
        """
        return calls.options_call("pay", args, options)

    def release_order(self, trade_order_id: str) -> bool:
        """Give up on a ``pay`` the SDK has not answered: it settles now with ``ERROR_RELEASED``,
        and this ``trade_order_id`` is refused (``ERROR_RELEASED``) for the rest of the session —
        retry the purchase under a new order from your server. A late answer from the SDK for it
        reaches ``ttminis.on_late_answer``. Returns whether a pay for it was still waiting.

        Example::

            try:
                await game.pay(order, timeout=120)
            except TTMinisTimeout:
                game.release_order(order)          # the player may retry with a new order
        """
        return calls.release_order(trade_order_id)

    @overload
    def navigate_to_balance(self, type: Literal["BEANS"] = "BEANS", *, success: OnSuccess, fail: OnFail | None = None,
            complete: OnComplete | None = None, **extra: Plain) -> None: ...
    @overload
    def navigate_to_balance(self, type: Literal["BEANS"] = "BEANS", *, fail: OnFail, complete: OnComplete | None = None,
            **extra: Plain) -> None: ...
    @overload
    def navigate_to_balance(self, type: Literal["BEANS"] = "BEANS", *, complete: OnComplete, **extra: Plain) -> None: ...
    @overload
    def navigate_to_balance(self, type: Literal["BEANS"] = "BEANS", *, timeout: float | None = None,
            **extra: Plain) -> Awaitable[Payload]: ...
    @overload
    def navigate_to_balance(self, options: dict[str, Any], **fields: Any) -> Any: ...
    def navigate_to_balance(self, *args: Any, **options: Any) -> Any:
        """Open the player's Beans balance page (``type`` defaults to ``"BEANS"``).

        Example::

            await game.navigate_to_balance()
        """
        return calls.options_call("navigateToBalance", args, options)

    # -- what every game needs for TikTok's review ---------------------------------------------

    @overload
    def init(self, clientKey: str, *, success: OnSuccess, fail: OnFail | None = None,
            complete: OnComplete | None = None, **extra: Plain) -> None: ...
    @overload
    def init(self, clientKey: str, *, fail: OnFail, complete: OnComplete | None = None,
            **extra: Plain) -> None: ...
    @overload
    def init(self, clientKey: str, *, complete: OnComplete, **extra: Plain) -> None: ...
    @overload
    def init(self, clientKey: str, *, timeout: float | None = None,
            **extra: Plain) -> Awaitable[Payload]: ...
    @overload
    def init(self, options: dict[str, Any], **fields: Any) -> Any: ...
    def init(self, *args: Any, **options: Any) -> Any:
        """``TTMinis.game.init({clientKey})`` (the loader already calls it for HTML games).

        Example::

            await game.init("your-client-key")
        """
        return calls.options_call("init", args, options)

    @overload
    def login(self, *, success: OnSuccess, fail: OnFail | None = None,
            complete: OnComplete | None = None, **extra: Plain) -> None: ...
    @overload
    def login(self, *, fail: OnFail, complete: OnComplete | None = None,
            **extra: Plain) -> None: ...
    @overload
    def login(self, *, complete: OnComplete, **extra: Plain) -> None: ...
    @overload
    def login(self, *, timeout: float | None = None,
            **extra: Plain) -> Awaitable[Payload]: ...
    @overload
    def login(self, options: dict[str, Any], **fields: Any) -> Any: ...
    def login(self, *args: Any, **options: Any) -> Any:
        """Silent login; the result carries ``code`` for your backend to exchange.

        Example::

            code = (await game.login())["code"]
        """
        return calls.options_call("login", args, options)

    @overload
    def set_loading_progress(self, progress: float, *, success: OnSuccess, fail: OnFail | None = None,
            complete: OnComplete | None = None, **extra: Plain) -> None: ...
    @overload
    def set_loading_progress(self, progress: float, *, fail: OnFail, complete: OnComplete | None = None,
            **extra: Plain) -> None: ...
    @overload
    def set_loading_progress(self, progress: float, *, complete: OnComplete, **extra: Plain) -> None: ...
    @overload
    def set_loading_progress(self, progress: float, *, timeout: float | None = None,
            **extra: Plain) -> Awaitable[Payload]: ...
    @overload
    def set_loading_progress(self, options: dict[str, Any], **fields: Any) -> Any: ...
    def set_loading_progress(self, *args: Any, **options: Any) -> Any:
        """Report loading progress (0..1) to TikTok's loading screen; it closes at 1.

        Example::

            game.set_loading_progress(0.5, complete=lambda: None)
        """
        return calls.options_call("setLoadingProgress", args, options)

    def can_i_use(self, schema: str) -> bool:
        """Whether this client supports ``schema`` (``"api.method.param.option"``); a bool.

        Example::

            if game.can_i_use("createRewardedVideoAd"):
                ...
        """
        return bool(calls.sync_call("canIUse", (schema,)))

    def watch_rewarded_ad(self, ad_unit_id: str, timeout: float | None = None) -> Awaitable[bool]:
        """Show a rewarded video ad; awaitable of True if the player watched it to the end.

        A new ad instance is made for every show (TikTok shows an instance once). Settles once, on
        the first of: the ad closing (True/False), the ad's ``onError`` or a rejected ``show()``
        (``TTMinisError``), or ``timeout`` seconds (``TTMinisTimeout``); its listeners are removed
        then. ``show()`` returning no promise is fine.

        Example::

            if await game.watch_rewarded_ad("unit-1", timeout=120):
                give_reward()
        """
        check_timeout("watch_rewarded_ad", timeout)
        handle = calls.factory_call("createRewardedVideoAd", _factory_options("createRewardedVideoAd",
                                                                              (ad_unit_id,), {}))
        return calls.watch_ad(handle, "RewardedVideoAd", timeout)

    @overload
    def add_shortcut(self, *, success: OnSuccess, fail: OnFail | None = None,
            complete: OnComplete | None = None, **extra: Plain) -> None: ...
    @overload
    def add_shortcut(self, *, fail: OnFail, complete: OnComplete | None = None,
            **extra: Plain) -> None: ...
    @overload
    def add_shortcut(self, *, complete: OnComplete, **extra: Plain) -> None: ...
    @overload
    def add_shortcut(self, *, timeout: float | None = None,
            **extra: Plain) -> Awaitable[Payload]: ...
    @overload
    def add_shortcut(self, options: dict[str, Any], **fields: Any) -> Any: ...
    def add_shortcut(self, *args: Any, **options: Any) -> Any:
        """Offer the player a home-screen shortcut (required by TikTok's review).

        Example::

            await game.add_shortcut()
        """
        return calls.options_call("addShortcut", args, options)

    @overload
    def get_shortcut_mission_reward(self, *, success: OnSuccess, fail: OnFail | None = None,
            complete: OnComplete | None = None, **extra: Plain) -> None: ...
    @overload
    def get_shortcut_mission_reward(self, *, fail: OnFail, complete: OnComplete | None = None,
            **extra: Plain) -> None: ...
    @overload
    def get_shortcut_mission_reward(self, *, complete: OnComplete, **extra: Plain) -> None: ...
    @overload
    def get_shortcut_mission_reward(self, *, timeout: float | None = None,
            **extra: Plain) -> Awaitable[Payload]: ...
    @overload
    def get_shortcut_mission_reward(self, options: dict[str, Any], **fields: Any) -> Any: ...
    def get_shortcut_mission_reward(self, *args: Any, **options: Any) -> Any:
        """Whether the player may now get the shortcut mission's reward: ``{"canReceiveReward": bool}``.

        Example::

            if (await game.get_shortcut_mission_reward())["canReceiveReward"]:
                give_reward()
        """
        return calls.options_call("getShortcutMissionReward", args, options)

    @overload
    def start_entrance_mission(self, *, success: OnSuccess, fail: OnFail | None = None,
            complete: OnComplete | None = None, **extra: Plain) -> None: ...
    @overload
    def start_entrance_mission(self, *, fail: OnFail, complete: OnComplete | None = None,
            **extra: Plain) -> None: ...
    @overload
    def start_entrance_mission(self, *, complete: OnComplete, **extra: Plain) -> None: ...
    @overload
    def start_entrance_mission(self, *, timeout: float | None = None,
            **extra: Plain) -> Awaitable[Payload]: ...
    @overload
    def start_entrance_mission(self, options: dict[str, Any], **fields: Any) -> Any: ...
    def start_entrance_mission(self, *args: Any, **options: Any) -> Any:
        """Start the profile-revisit mission (required by TikTok's review).

        Example::

            await game.start_entrance_mission()
        """
        return calls.options_call("startEntranceMission", args, options)

    @overload
    def get_entrance_mission_reward(self, *, success: OnSuccess, fail: OnFail | None = None,
            complete: OnComplete | None = None, **extra: Plain) -> None: ...
    @overload
    def get_entrance_mission_reward(self, *, fail: OnFail, complete: OnComplete | None = None,
            **extra: Plain) -> None: ...
    @overload
    def get_entrance_mission_reward(self, *, complete: OnComplete, **extra: Plain) -> None: ...
    @overload
    def get_entrance_mission_reward(self, *, timeout: float | None = None,
            **extra: Plain) -> Awaitable[Payload]: ...
    @overload
    def get_entrance_mission_reward(self, options: dict[str, Any], **fields: Any) -> Any: ...
    def get_entrance_mission_reward(self, *args: Any, **options: Any) -> Any:
        """Whether the revisit mission's reward can be given now: ``{"canReceiveReward": bool}``.

        Example::

            if (await game.get_entrance_mission_reward())["canReceiveReward"]:
                give_reward()
        """
        return calls.options_call("getEntranceMissionReward", args, options)

    @overload
    def set_storage(self, key: str, data: Plain = None, *, success: OnSuccess, fail: OnFail | None = None,
            complete: OnComplete | None = None, **extra: Plain) -> None: ...
    @overload
    def set_storage(self, key: str, data: Plain = None, *, fail: OnFail, complete: OnComplete | None = None,
            **extra: Plain) -> None: ...
    @overload
    def set_storage(self, key: str, data: Plain = None, *, complete: OnComplete, **extra: Plain) -> None: ...
    @overload
    def set_storage(self, key: str, data: Plain = None, *, timeout: float | None = None,
            **extra: Plain) -> Awaitable[Payload]: ...
    @overload
    def set_storage(self, options: dict[str, Any], **fields: Any) -> Any: ...
    def set_storage(self, *args: Any, **options: Any) -> Any:
        """Store plain data under ``key`` in TikTok's storage for this game.

        Example::

            await game.set_storage("progress", {"level": 3})
        """
        return calls.options_call("setStorage", args, options)

    @overload
    def get_storage(self, key: str, *, success: OnSuccess, fail: OnFail | None = None,
            complete: OnComplete | None = None, **extra: Plain) -> None: ...
    @overload
    def get_storage(self, key: str, *, fail: OnFail, complete: OnComplete | None = None,
            **extra: Plain) -> None: ...
    @overload
    def get_storage(self, key: str, *, complete: OnComplete, **extra: Plain) -> None: ...
    @overload
    def get_storage(self, key: str, *, timeout: float | None = None,
            **extra: Plain) -> Awaitable[Payload]: ...
    @overload
    def get_storage(self, options: dict[str, Any], **fields: Any) -> Any: ...
    def get_storage(self, *args: Any, **options: Any) -> Any:
        """Read ``key``: the payload ``{"data": ...}``; a missing key fails with ``TTMinisError``.

        Example::

            level = (await game.get_storage("progress"))["data"]["level"]
        """
        return calls.options_call("getStorage", args, options)

    def on_show(self, function: Listener) -> Listener:
        """Call ``function(payload)`` whenever the game comes back to the foreground; usable as a
        decorator. ``payload`` is a dict such as ``{"scene": ..., "query": {...}}``.

        Example::

            @game.on_show
            def resume(payload):
                unpause()
        """
        return self._listeners.on("onShow", function)

    def off_show(self, function: Callable[[Payload], object] | None = None) -> None:
        """Remove ``function`` (or every listener ttminis added) from ``onShow``.

        Example::

            game.off_show(resume)
        """
        self._listeners.off("offShow", function)

    def on_hide(self, function: Listener) -> Listener:
        """Call ``function(payload)`` whenever the game goes to the background; a decorator too.

        Example::

            @game.on_hide
            def pause(payload):
                stop_music()
        """
        return self._listeners.on("onHide", function)

    def off_hide(self, function: Callable[[Payload], object] | None = None) -> None:
        """Remove ``function`` (or every listener ttminis added) from ``onHide``.

        Example::

            game.off_hide(pause)
        """
        self._listeners.off("offHide", function)

    @overload
    def create_rewarded_video_ad(self, adUnitId: str, **extra: Plain) -> SDKObject: ...
    @overload
    def create_rewarded_video_ad(self, options: dict[str, Any], **fields: Any) -> SDKObject: ...
    def create_rewarded_video_ad(self, *args: Any, **options: Any) -> SDKObject:
        """A rewarded video ad object (``SDKObject``): ``await ad.show()``, ``ad.on_close(fn)``.

        Most games want ``watch_rewarded_ad`` instead.

        Example::

            ad = game.create_rewarded_video_ad("unit-1")
        """
        return _create("createRewardedVideoAd", args, options)

    # -- every other method, by the shape of its name -----------------------------------------

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        js_name = camel_case(name)
        kind = _is_listener_name(js_name)
        method: Callable[..., Any]
        if kind == "on":
            method = lambda function: self._listeners.on(js_name, function)   # noqa: E731
        elif kind == "off":
            method = lambda function=None: self._listeners.off(js_name, function)   # noqa: E731
        elif js_name.endswith("Sync") or js_name in _SYNC_METHODS:
            method = lambda *args: calls.sync_call(js_name, args)   # noqa: E731
        elif js_name.startswith("create") and js_name[6:7].isupper():
            method = lambda *args, **options: _create(js_name, args, options)   # noqa: E731
        else:
            method = lambda *args, **options: calls.options_call(js_name, args, options)   # noqa: E731
        method.__name__ = name
        setattr(self, name, method)
        return method

    checkBalance = check_balance
    navigateToBalance = navigate_to_balance
    setLoadingProgress = set_loading_progress
    canIUse = can_i_use
    addShortcut = add_shortcut
    getShortcutMissionReward = get_shortcut_mission_reward
    startEntranceMission = start_entrance_mission
    getEntranceMissionReward = get_entrance_mission_reward
    setStorage = set_storage
    getStorage = get_storage
    onShow = on_show
    offShow = off_show
    onHide = on_hide
    offHide = off_hide
    createRewardedVideoAd = create_rewarded_video_ad


def _factory_options(js_name: str, args: tuple[Any, ...], options: dict[str, Any]) -> dict[str, Any]:
    opts, callbacks, _timeout = build_options(js_name, args, options, ffi.NULL)
    if callbacks:
        raise TypeError(f"{js_name}: takes no success/fail/complete; use the object's listeners")
    return opts


def _create(js_name: str, args: tuple[Any, ...], options: dict[str, Any]) -> SDKObject:
    return SDKObject(calls.factory_call(js_name, _factory_options(js_name, args, options)), js_name[6:])


game = Game()
