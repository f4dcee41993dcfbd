"""An in-memory TikTok for plain CPython unit tests: same rules as ``web/fake-ttminis.js``.

Exports:
    FakeTikTok      the fake SDK: wallet, stand-in backend, scripted outcomes, recorded calls
    install(fake=None) -> FakeTikTok   make it the SDK ``ttminis.game`` talks to, on a clean shim
    uninstall()                         remove it, and clean the shim again

``await game.pay(...)`` in a CPython test then behaves as it does in the browser against the JS
fake: pay deducts the order's amount once, paying twice / an unknown order / too little balance
fail with the same codes.

With a backend: ``fake.use_order_book(url)`` makes the orders those of the fake TikTok server at
``url`` (``ttminis.server.FakeTikTokServer``): ``login`` answers a code that server issued, and
``pay`` pays the order there, which makes it deliver the signed webhook to your backend.
``fake.allow_requests(origin)`` lets ``request`` make real HTTP calls to that origin (TikTok's
declared domains), so ``ttminis.game_server`` reaches a real local backend. Answers come one event-loop turn later (like the JS fake's microtask)
when a loop is running, else at once.

Example::

    from ttminis import game, testing

    def test_buy():
        tiktok = testing.install()
        order = tiktok.create_order(30)
        tiktok.run(lambda: game.pay(order))
        assert tiktok.balance == 70
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Awaitable, Callable, TypeVar

from . import _host, calls, target
from .backend import ffi
from .errors import SDKThrew

T = TypeVar("T")
Options = dict[str, Any]
Result = tuple[bool, Any]          # (succeeded, the success payload or the failure)

CODES = {
    "INTERNAL": 50001000, "INVALID_PARAMS": 40001000, "ORDER_NOT_FOUND": 20011002,
    "TIER_INVALID": 20001003, "DUPLICATE_ORDER_ID": 20021002,
    "ORDER_ALREADY_PAID": 90000001, "INSUFFICIENT_BEANS": 90000002,     # invented by the fakes
    "AD_FAILED": 90000003, "AD_ALREADY_SHOWN": 90000004, "STORAGE_KEY_MISSING": 90000005,
}
EVENTS = ("Show", "Hide", "TouchStart", "TouchMove", "TouchEnd", "TouchCancel", "KeyDown", "KeyUp", "Error")


def _error(code: int, msg: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"error_code": code, "error_msg": msg, "error_extra": extra or {}}}


# What crossing to JS and back gives: a deep copy of plain data, tuples as lists.
_copy = _host.to_py


class FakeRejection(Exception):
    """How the fake rejects a promise; ``.payload`` is what a JS rejection would carry."""

    def __init__(self, payload: object) -> None:
        super().__init__(payload)
        self.payload = payload


class _BrokenThenable(asyncio.Future[Any]):
    """A returned "thenable" whose ``then`` throws when used (``thenable="broken"``)."""

    def add_done_callback(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("broken thenable (fake)")


class _Game:
    """The ``TTMinis.game`` object of the fake: attribute lookups resolve to fake methods."""

    def __init__(self, fake: FakeTikTok) -> None:
        self._fake = fake

    def __getattr__(self, name: str) -> Any:
        fake = self._fake
        if name.startswith("_") or name in fake.unsupported:
            raise AttributeError(name)
        if name in _LOGIC:
            return lambda options=None, *_ignored: fake._options_call(name, options or {})
        for prefix in ("on", "off"):
            event = name[len(prefix):]
            if name.startswith(prefix) and event in EVENTS:
                return lambda fn=None: fake._listen(prefix, event, fn)
        if name == "canIUse":
            return lambda schema: (str(schema).split(".")[0] not in fake.unsupported
                                   and hasattr(self, str(schema).split(".")[0]))
        if name in _SYNC:
            return lambda *args: _SYNC[name](fake, *args)
        if name in ("createRewardedVideoAd", "createInterstitialAd"):
            return lambda options=None: _Ad(fake, name, options or {})
        raise AttributeError(name)


class _Ad:
    def __init__(self, fake: FakeTikTok, kind: str, options: dict[str, Any]) -> None:
        self._fake = fake
        self._listeners: dict[str, list[Callable[..., object]]] = {"Close": [], "Error": [], "Load": []}
        self._shown = False
        self.record = {"method": kind, "options": _copy(options), "answers": ["created"]}
        fake.calls.append(self.record)
        fake.ads_created.append(self)

    def __getattr__(self, name: str) -> Any:
        for prefix in ("on", "off"):
            event = name[len(prefix):]
            if name.startswith(prefix) and event in self._listeners:
                if prefix == "on":
                    return self._listeners[event].append
                return lambda fn=None: self._listeners.__setitem__(
                    event, [] if fn is None else [f for f in self._listeners[event] if f is not fn])
        raise AttributeError(name)

    def listener_count(self, event: str) -> int:
        return len(self._listeners[event])

    def show(self) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        result = loop.create_future()
        if self._shown:
            result.set_exception(FakeRejection(_error(CODES["AD_ALREADY_SHOWN"],
                                                      "this ad was already shown; create a new one (fake)")))
            return result
        self._shown = True
        ending = self._fake._take_ad()
        self.record["answers"].append("shown:" + ending)
        if ending == "error":
            loop.call_soon(lambda: [fn({"errCode": CODES["AD_FAILED"], "errMsg": "ad failed to show (fake)"})
                                    for fn in list(self._listeners["Error"])])
            result.set_exception(FakeRejection(_error(CODES["AD_FAILED"], "ad failed to show (fake)")))
            return result
        result.set_result(None)
        if ending != "never":      # "never": shown, and never closed
            loop.call_soon(lambda: [fn({"isEnded": ending == "watch"}) for fn in list(self._listeners["Close"])])
        return result


class _StandInBackend:
    """``TTMinisFake.backend`` of the JS fake, for ``ttminis.game_server.StandInServer``."""

    def __init__(self, fake: FakeTikTok) -> None:
        self._fake = fake

    def createOrder(self, amount: int, order_id: str | None = None) -> str:   # noqa: N802 - the JS fake's name
        return self._fake.create_order(amount, order_id)

    def order(self, order_id: str) -> dict[str, Any] | None:
        order = self._fake.orders.get(order_id)
        return None if order is None else dict(order)


class FakeTikTok:
    """The in-memory TikTok, with the JS fake's rules, codes and control surface.

    ``script(method, {"outcome": ...})`` makes the NEXT call of ``method`` behave so (a queue);
    ``set_default(method, {...})`` every call until replaced. Behaviours, as in the JS fake:
    ``outcome`` "default" | "success" | "fail" | "throw" | "never" | "twice" |
    "success_then_fail" | "fail_then_success", with ``payload``, ``error``, ``raw``, ``message``;
    ``thenable`` "resolve" | "reject" | "broken" (also return a future); ``answers``
    ``[{"kind": "success" | "fail" | "complete", "args": [...], "later": bool}]``: exactly these
    callback calls in order, the ``later`` ones after ``delay`` ms (at least 1); without ``answers``,
    ``delay`` ms delays the answer itself (as in the JS fake). Each record's
    ``thrown`` lists what the game's callbacks threw into the SDK (always empty for ttminis).
    ``unsupported`` names methods the "client" lacks; ``next_ad`` is "watch" | "skip" | "error" |
    "never", for the next shown ad only (then ``default_ad``, "watch" unless set).
    ``throws: True`` in a behaviour makes the call throw (``message``) after it has started
    answering as the rest of the behaviour says: its answers still come (the SDK opened the
    payment sheet, then threw). ``outcome: "throw"`` throws and never answers.

    Example::

        tiktok = install()
        tiktok.script("pay", {"outcome": "never"})
    """

    def __init__(self, balance: int = 100, tiers: dict[str, int] | None = None) -> None:
        self.balance = balance
        self.tiers = dict(tiers or {"tier-1": 60, "tier-2": 300, "tier-3": 980})
        self.orders: dict[str, dict[str, Any]] = {}
        self.calls: list[dict[str, Any]] = []
        self.visits: list[dict[str, Any]] = []
        self.progress: list[float] = []
        self.storage: dict[str, Any] = {}
        self.listeners: dict[str, list[Callable[..., object]]] = {event: [] for event in EVENTS}
        self.unsupported: set[str] = set()
        self._next_ad: str | None = None
        self._default_ad = "watch"
        self.ads_created: list[_Ad] = []
        self.logins = 0
        self.init_options: dict[str, Any] | None = None
        self.shortcut = {"added": False, "reward_claimed": False}
        self.entrance = {"started": False, "reward_claimed": False}
        self._scripts: dict[str, list[dict[str, Any]]] = {}
        self._defaults: dict[str, dict[str, Any]] = {}
        self._order_seq = 0
        self.order_book: str | None = None     # URL of a fake TikTok server holding the orders
        self.player = "fake-player-1"      # who logs in when the order book is a server
        self.request_origins: set[str] = set()
        self.game = _Game(self)
        self.backend = _StandInBackend(self)

    def use_order_book(self, url: str | None, player: str = "fake-player-1") -> None:
        """Keep the orders at the fake TikTok server at ``url`` (None: in memory again).

        ``login`` then answers a code that server issued for ``player``; ``pay`` pays there.

        Example::

            tiktok.use_order_book(fake_server.url)
        """
        self.order_book = url.rstrip("/") if url else None
        self.player = player

    def allow_requests(self, *origins: str) -> None:
        """Let ``request`` reach these origins over real HTTP (TikTok's declared domains).

        Example::

            tiktok.allow_requests(backend.url)
        """
        self.request_origins.update(origin.rstrip("/") for origin in origins)

    # -- the stand-in backend ---------------------------------------------------------------------
    def create_order(self, amount: int, order_id: str | None = None) -> str:
        """Create a trade order (what your server does with TikTok's API); returns its id.

        Example::

            order = tiktok.create_order(30)
        """
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
            raise ValueError("create_order: amount must be a positive integer")
        self._order_seq += 1
        order_id = order_id or f"fake-order-{self._order_seq}"
        if order_id in self.orders:
            raise ValueError(f"create_order: duplicate order id {order_id}")
        self.orders[order_id] = {"amount": amount, "status": "created"}
        return order_id

    # -- the game surface (ttminis.files, screen, images, sound, touch, frames) on CPython ---------------
    @property
    def surface(self) -> HostSurface:
        """The game surface these tests run on (one per process, fresh at every ``install``)."""
        return _SURFACE

    @property
    def files_dir(self) -> Path:
        """The writable folder ``ttminis.files`` reads and writes (a temporary folder per test).

        Example::

            assert (ttminis_wallet.files_dir / "best.txt").read_text() == "12"
        """
        return _SURFACE._folder()

    @property
    def files_quota(self) -> int | None:
        """Bytes the writable folder may hold (None: no limit). A write past it raises
        ``files.StorageError`` with errno 28, as on a full phone."""
        return _SURFACE.quota

    @files_quota.setter
    def files_quota(self, value: int | None) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError(f"files_quota must be None or an int >= 0, got {value!r}")
        _SURFACE.quota = value

    @property
    def game_dir(self) -> Path:
        """Where ``images.load``/``sound.load`` paths (``assets/...``) are read from: the current folder
        at ``install``, unless set."""
        return _SURFACE.game_dir

    @game_dir.setter
    def game_dir(self, folder: str | os.PathLike[str]) -> None:
        _SURFACE.game_dir = Path(folder)

    @property
    def drawn(self) -> list[tuple[str, Any]]:
        """Everything done to the screen's 2D context, in order: ``("fillRect", (0, 0, 10, 10))`` for a
        call, ``("fillStyle", "#fff")`` for a property set; ``clear_drawn()`` empties it."""
        ops: list[tuple[str, Any]] = _SURFACE.screen.context.ops
        return ops

    def clear_drawn(self) -> None:
        _SURFACE.screen.context.ops.clear()

    def texts(self) -> list[str]:
        """The text drawn on the screen (``fillText``/``strokeText``), in order.

        Example::

            assert "Game over" in ttminis_wallet.texts()
        """
        return [str(args[0]) for name, args in self.drawn if name in ("fillText", "strokeText") and args]

    @property
    def description(self) -> dict[str, Any]:
        """What ``screen.describe`` said last: ``{text, buttons: [{label, x, y, width, height}], values}``."""
        return _SURFACE.description

    @property
    def sounds(self) -> list[dict[str, str]]:
        """What the game's sounds did, in order: ``{"event": "load" | "play" | "pause" | "stop" |
        "release", "src": path}``."""
        return _SURFACE.sounds

    @property
    def images_loaded(self) -> list[str]:
        """The paths given to ``images.load``, in order."""
        return _SURFACE.images

    def touch(self, kind: str, x: float, y: float, identifier: int = 0) -> None:
        """Deliver one touch event (``kind`` "start" | "move" | "end" | "cancel") at (x, y) in CSS
        pixels to the game's ``ttminis.touch`` listeners, in TikTok's shape.

        Example::

            ttminis_wallet.touch("start", 100, 200)
        """
        name = {"start": "Start", "move": "Move", "end": "End", "cancel": "Cancel"}.get(kind)
        if name is None:
            raise ValueError(f"touch: kind must be start, move, end or cancel, got {kind!r}")
        point = {"identifier": identifier, "clientX": x, "clientY": y}
        event = {"touches": [] if name in ("End", "Cancel") else [point], "changedTouches": [point],
                 "timeStamp": _SURFACE.time}
        for listener in list(_SURFACE.touch_listeners[name]):
            listener(_copy(event))

    def tap(self, x: float, y: float) -> None:
        """A finger down and up at (x, y): ``touch("start", ...)`` then ``touch("end", ...)``."""
        self.touch("start", x, y)
        self.touch("end", x, y)

    def run_frames(self, count: int = 1, step_ms: float = 1000 / 60) -> int:
        """Call the game's frame function (``ttminis.frames``) ``count`` times, ``step_ms`` apart; a
        hidden game with a loop that pauses when hidden gets none. Returns how many ran.

        Example::

            ttminis_wallet.run_frames(60)       # one second of the game
        """
        ran = 0
        for _ in range(count):
            function = _SURFACE.frame_function
            if function is None or (_SURFACE.hidden and _SURFACE.pause_when_hidden):
                break
            _SURFACE.time += step_ms
            ran += 1
            if function(_SURFACE.time) is False:
                _SURFACE.frame_function = None
        return ran

    # -- the control surface ----------------------------------------------------------------------
    @property
    def next_ad(self) -> str:
        """How the next shown ad ends: "watch" (to the end), "skip" (closed early), "error" (fails to
        show) or "never" (never closes). One-shot, like ``script()``: after that ad, ``default_ad``.

        Example::

            tiktok.next_ad = "skip"        # this ad is skipped; the one after is watched
        """
        return self._default_ad if self._next_ad is None else self._next_ad

    @next_ad.setter
    def next_ad(self, ending: str) -> None:
        self._next_ad = _ad_ending("next_ad", ending)

    @property
    def default_ad(self) -> str:
        """How every ad ends when ``next_ad`` was not set for it ("watch" unless changed).

        Example::

            tiktok.default_ad = "error"    # no ad fills from now on
        """
        return self._default_ad

    @default_ad.setter
    def default_ad(self, ending: str) -> None:
        self._default_ad = _ad_ending("default_ad", ending)

    def _take_ad(self) -> str:
        ending, self._next_ad = self.next_ad, None
        return ending

    def script(self, method: str, behaviour: dict[str, Any] | None = None, **fields: Any) -> None:
        """The next call of ``method`` behaves so (``behaviour`` dict and/or keyword fields).

        Example::

            tiktok.script("pay", outcome="fail", error={"error_code": 1, "error_msg": "no"})
        """
        self._scripts.setdefault(method, []).append({**(behaviour or {}), **fields})

    def set_default(self, method: str, behaviour: dict[str, Any] | None = None, **fields: Any) -> None:
        """Every call of ``method`` behaves so until replaced (``None`` clears it)."""
        if behaviour is None and not fields:
            self._defaults.pop(method, None)
        else:
            self._defaults[method] = {**(behaviour or {}), **fields}

    @staticmethod
    def run(awaitable_factory: Callable[[], Awaitable[T]]) -> T:
        """Await ``awaitable_factory()`` in a fresh event loop and return its result.

        Runs on a worker thread, so it works even where another loop is already running in this
        thread (Playwright's sync API keeps one running during a browser test session).

        Example::

            assert tiktok.run(lambda: game.check_balance(50)) is True
        """
        box: dict[str, Any] = {}

        def target() -> None:
            async def main() -> T:
                return await awaitable_factory()
            try:
                box["value"] = asyncio.run(main())
            except BaseException as e:
                box["error"] = e
        worker = threading.Thread(target=target)
        worker.start()
        worker.join()
        if "error" in box:
            raise box["error"]
        value: T = box["value"]
        return value

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """The recorded calls of ``method``: ``{"method", "options", "answers"}`` dicts."""
        return [c for c in self.calls if c["method"] == method]

    def trigger(self, event: str, payload: Any = None) -> None:
        """Fire the game's ``on<event>`` listeners, e.g. ``trigger("Hide")`` (which also pauses the
        frame loop, as TikTok hiding the game does; ``trigger("Show")`` resumes it)."""
        if event in ("Hide", "Show"):
            _SURFACE.hidden = event == "Hide"
        for fn in list(self.listeners[event]):
            fn(_copy(payload) if payload is not None else None)

    def listener_count(self, event: str) -> int:
        return len(self.listeners[event])

    # -- the SDK side ------------------------------------------------------------------------------
    def _options_call(self, method: str, options: dict[str, Any]) -> asyncio.Future[Any] | None:
        record: dict[str, Any] = {"method": method, "options": _copy({k: v for k, v in options.items() if not callable(v)}),
                  "answers": [], "thrown": []}
        self.calls.append(record)
        queue = self._scripts.get(method)
        behaviour = queue.pop(0) if queue else self._defaults.get(method, {})
        outcome = behaviour.get("outcome", "default")
        if outcome == "throw":
            raise RuntimeError(behaviour.get("message") or f"fake {method} threw")
        if behaviour.get("throws"):       # a call that throws returns nothing: no thenable either
            behaviour = {key: value for key, value in behaviour.items() if key != "thenable"}
        thenable = self._answer(method, options, behaviour, outcome, record)
        if behaviour.get("throws"):      # the answers above still come: the sheet opened, then the bridge threw
            raise RuntimeError(behaviour.get("message") or f"fake {method} threw")
        return thenable

    def _answer(self, method: str, options: dict[str, Any], behaviour: dict[str, Any], outcome: str,
                record: dict[str, Any]) -> asyncio.Future[Any] | None:

        def call_back(function: Callable[..., object], *args: Any) -> None:
            try:
                function(*args)
            except Exception as e:
                record["thrown"].append(repr(e))
                raise

        def answer(kind: str, payload: Any) -> None:
            record["answers"].append(kind)
            if callable(options.get(kind)):
                call_back(options[kind], _copy(payload))
            if callable(options.get("complete")):
                call_back(options["complete"])

        def fail_payload() -> Any:
            if "raw" in behaviour:
                return behaviour["raw"]
            return {"error": behaviour.get("error") or {"error_code": CODES["INTERNAL"],
                                                        "error_msg": "scripted failure (fake)", "error_extra": {}}}

        if "answers" in behaviour:
            def step(answer_step: dict[str, Any]) -> None:
                record["answers"].append(answer_step["kind"])
                if callable(options.get(answer_step["kind"])):
                    call_back(options[answer_step["kind"]], *answer_step.get("args", ()))
            steps = behaviour["answers"]
            for answer_step in steps:
                if not answer_step.get("later"):
                    step(answer_step)
            later = [answer_step for answer_step in steps if answer_step.get("later")]
            if later:
                def later_steps() -> None:
                    for answer_step in later:
                        step(answer_step)
                asyncio.get_running_loop().call_later(max(1, behaviour.get("delay", 0)) / 1000, later_steps)
            return self._thenable(behaviour, fail_payload)

        def run() -> None:
            if outcome == "never":
                return
            if outcome == "fail":
                return answer("fail", fail_payload())
            if outcome == "fail_then_success":
                answer("fail", fail_payload())
                return answer("success", behaviour.get("payload"))
            real = outcome in ("default", "twice", "success_then_fail")   # the wallet's rules, applied once
            ok, payload = _LOGIC[method](self, options) if real else (True, behaviour.get("payload"))
            answer("success" if ok else "fail", payload)
            if outcome == "twice":
                answer("success", payload)
            if outcome == "success_then_fail":
                answer("fail", fail_payload())

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            run()
        else:
            if behaviour.get("delay"):
                loop.call_later(behaviour["delay"] / 1000, run)
            else:
                loop.call_soon(run)
        return self._thenable(behaviour, fail_payload)

    @staticmethod
    def _thenable(behaviour: dict[str, Any], fail_payload: Callable[[], Any]) -> asyncio.Future[Any] | None:
        kind = behaviour.get("thenable")
        if kind is None:
            return None
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = _BrokenThenable(loop=loop) if kind == "broken" else asyncio.Future(loop=loop)
        if kind == "resolve":
            future.set_result(behaviour.get("payload"))
        elif kind == "reject":
            future.set_exception(FakeRejection(fail_payload()))
        return future

    def _listen(self, prefix: str, event: str, fn: Callable[..., object] | None) -> None:
        self.calls.append({"method": prefix + event, "options": None, "answers": []})
        if prefix == "on":
            if fn is not None:
                self.listeners[event].append(fn)
        else:
            self.listeners[event] = [] if fn is None else [f for f in self.listeners[event] if f is not fn]


# -- the game surface on CPython: files, screen, images, sound, touches, frames --------------------------

PHONE = {"width": 390, "height": 844, "pixelRatio": 2}     # the simulator's phone, in CSS pixels
_DEFAULT_DRAWING = {"fillStyle": "#000000", "strokeStyle": "#000000", "font": "10px sans-serif",
                    "globalAlpha": 1.0, "lineWidth": 1.0, "textAlign": "start", "textBaseline": "alphabetic"}


class TextMetrics:
    """What ``measureText`` returns: ``width`` estimated from the font's size (0.6 em per character)."""

    def __init__(self, width: float) -> None:
        self.width = width


class RecordingContext:
    """A 2D context that draws nothing and records, in order, every call (``("fillRect", (0, 0, 9, 9))``)
    and every property set (``("fillStyle", "#fff")``) in ``ops``. Properties read back what was set.

    Example::

        ctx = screen.context()          # in a ttminis_wallet test
        ctx.fillText("Score 3", 10, 20)
        assert ttminis_wallet.texts() == ["Score 3"]
    """

    def __init__(self, canvas: RecordingCanvas) -> None:
        object.__setattr__(self, "canvas", canvas)
        object.__setattr__(self, "ops", [])
        object.__setattr__(self, "_state", dict(_DEFAULT_DRAWING))

    def __getattr__(self, name: str) -> Any:
        if name in self._state:
            return self._state[name]
        if name.startswith("_"):
            raise AttributeError(name)

        def method(*args: Any) -> Any:
            self.ops.append((name, args))
            if name == "measureText":
                size = next((float(part[:-2]) for part in str(self._state["font"]).split() if part.endswith("px")), 10.0)
                return TextMetrics(0.6 * size * len(str(args[0]) if args else ""))
            return None
        return method

    def __setattr__(self, name: str, value: Any) -> None:
        self._state[name] = value
        self.ops.append((name, value))


class RecordingCanvas:
    """The screen's canvas on CPython: device-pixel ``width``/``height`` and a ``RecordingContext``."""

    def __init__(self, view: dict[str, Any]) -> None:
        self.width = round(view["width"] * view["pixelRatio"])
        self.height = round(view["height"] * view["pixelRatio"])
        self.context = RecordingContext(self)

    def getContext(self, kind: str = "2d") -> RecordingContext:    # noqa: N802 - the canvas's JS name
        return self.context


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of PNG, GIF or JPEG bytes; None if they are none of these."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2, 0xC3):
                return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
            i += 2 + length
    return None


class _ImageRecord:
    """``surface.loadImage(path)``'s record: loaded at once from the game's folder (or failed)."""

    def __init__(self, surface: HostSurface, path: str) -> None:
        self.path = path
        self.image = {"src": path}
        self.ready, self.failed, self.error, self.width, self.height = False, False, "", 0, 0
        file = surface.game_dir / path
        size = _image_size(file.read_bytes()) if file.is_file() else None
        if size is None:
            self.failed = True
            self.error = f"{path}: {'not an image (PNG, GIF or JPEG)' if file.is_file() else 'no such file'}"
        else:
            self.ready, (self.width, self.height) = True, size
        surface.images.append(path)

    def whenLoaded(self) -> asyncio.Future[Any]:    # noqa: N802 - the surface's JS name
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self.failed:
            future.set_exception(FakeRejection({"error": {"error_code": -3, "error_msg": self.error,
                                                          "error_extra": {"path": self.path}}}))
        else:
            future.set_result(None)
        return future


class _SoundRecord:
    """``surface.loadSound(...)``'s record: every action is appended to the fake's ``sounds``."""

    def __init__(self, surface: HostSurface, path: str, loop: bool, volume: float) -> None:
        self._surface, self._path = surface, path
        self.loop, self.volume, self.playing = loop, volume, False
        self._event("load")

    def _event(self, event: str) -> None:
        self._surface.sounds.append({"event": event, "src": self._path})

    def play(self) -> None:
        self._event("play")
        self.playing = True

    def pause(self) -> None:
        self._event("pause")
        self.playing = False

    def stop(self) -> None:
        self._event("stop")
        self.playing = False

    def setLoop(self, value: bool) -> None:    # noqa: N802 - the surface's JS name
        self.loop = bool(value)

    def setVolume(self, value: float) -> None:    # noqa: N802 - the surface's JS name
        self.volume = value

    def release(self) -> None:
        self._event("release")
        self.playing = False


class HostSurface:
    """The game surface (``web/surface/ttminis-surface.js``'s contract) on plain CPython, so that
    ``ttminis.files``, ``screen``, ``images``, ``sound``, ``touch`` and ``frames`` work in
    ``ttminis_wallet`` tests: files in a real temporary folder, a screen that records what is drawn,
    images read from the game's folder, sounds that record what they do, touches and frames driven by
    the test. The fake (``FakeTikTok``) exposes it; tests rarely need it directly.
    """

    target = "host"

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.game_dir = Path.cwd()
        self.quota: int | None = None
        self.reset(None)

    def reset(self, folder: Path | None) -> None:
        self.folder = folder
        self.hidden = False
        self.view = dict(PHONE)
        self.screen = RecordingCanvas(self.view)
        self.description: dict[str, Any] = {"text": "", "buttons": [], "values": {}}
        self.images: list[str] = []
        self.sounds: list[dict[str, str]] = []
        self.touch_listeners: dict[str, list[Callable[..., object]]] = {k: [] for k in ("Start", "Move", "End", "Cancel")}
        self.frame_function: Callable[[float], object] | None = None
        self.pause_when_hidden = True
        self.time = 0.0

    # the screen
    def canvas(self) -> RecordingCanvas:
        return self.screen

    def context(self) -> RecordingContext:
        return self.screen.context

    def viewport(self) -> dict[str, Any]:
        return dict(self.view)

    def describe(self, text: str, buttons: list[dict[str, Any]], values: dict[str, Any]) -> None:
        self.description = {"text": text, "buttons": _copy(buttons), "values": _copy(values)}

    # touches
    def __getattr__(self, name: str) -> Any:
        for prefix in ("onTouch", "offTouch"):
            kind = name[len(prefix):]
            if name.startswith(prefix) and kind in ("Start", "Move", "End", "Cancel"):
                listeners = self.touch_listeners[kind]
                if prefix == "onTouch":
                    return listeners.append
                return lambda fn=None: listeners.clear() if fn is None else (
                    listeners.remove(fn) if fn in listeners else None)
        raise AttributeError(name)

    # frames
    def startFrames(self, function: Callable[[float], object], pause_when_hidden: bool) -> None:    # noqa: N802
        self.frame_function, self.pause_when_hidden = function, pause_when_hidden

    def stopFrames(self) -> None:    # noqa: N802
        self.frame_function = None

    def framesRunning(self) -> bool:    # noqa: N802
        return self.frame_function is not None

    # images and sounds
    def loadImage(self, path: str) -> _ImageRecord:    # noqa: N802
        return _ImageRecord(self, path)

    def loadSound(self, path: str, loop: bool, volume: float) -> _SoundRecord:    # noqa: N802
        return _SoundRecord(self, path, loop, volume)

    # the writable folder: a real folder; a write past ``quota`` bytes fails as on a full phone
    def _folder(self) -> Path:
        if self.folder is None:
            raise SDKThrew("EIO: no writable folder: ttminis.testing is not installed")
        return self.folder

    def useFiles(self) -> str:    # noqa: N802
        return str(self._folder())

    def readFile(self, name: str) -> bytes | None:    # noqa: N802
        file = self._folder() / name
        return file.read_bytes() if file.is_file() else None

    def _check_quota(self, name: str, extra: int) -> None:
        if self.quota is None:
            return
        folder = self._folder()
        used = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and f.relative_to(folder).as_posix() != name)
        if used + extra > self.quota:
            raise SDKThrew(f"ENOSPC: the storage is full ({name or 'the folder'}, {used + extra} bytes of "
                           f"{self.quota} allowed)")

    def writeFile(self, name: str, data: bytes) -> None:    # noqa: N802
        file = self._folder() / name
        self._check_quota(name, len(data))
        file.parent.mkdir(parents=True, exist_ok=True)
        partial = file.with_name(file.name + ".ttminis-partial")
        partial.write_bytes(bytes(data))
        os.replace(partial, file)           # whole or not at all, as on the targets

    def removeFile(self, name: str) -> bool:    # noqa: N802
        file = self._folder() / name
        if not file.is_file():
            return False
        file.unlink()
        return True

    def fileNames(self) -> list[str]:    # noqa: N802
        folder = self._folder()
        return sorted(str(f.relative_to(folder).as_posix()) for f in folder.rglob("*") if f.is_file())

    def flushFiles(self, name: str | None = None) -> None:    # noqa: N802
        self._check_quota("", 0)


_SURFACE = HostSurface()     # one object for the process, reset by every install()


Logic = Callable[["FakeTikTok", Options], Result]
AD_ENDINGS = ("watch", "skip", "error", "never")


def _ad_ending(field: str, ending: object) -> str:
    if ending not in AD_ENDINGS:
        raise ValueError(f"{field} must be one of {', '.join(AD_ENDINGS)}, got {ending!r}")
    return str(ending)


def _invalid(message: str) -> Result:
    return False, _error(CODES["INVALID_PARAMS"], message)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _init(fake: FakeTikTok, o: Options) -> Result:
    if not isinstance(o.get("clientKey"), str) or not o["clientKey"]:
        return _invalid("init: clientKey is required")
    fake.init_options = {"clientKey": o["clientKey"]}
    return True, None


def _check_balance(fake: FakeTikTok, o: Options) -> Result:
    if not _is_count(o.get("amount")) or o.get("type") != "BEANS":
        return _invalid("checkBalance: invalid amount or type")
    return True, {"is_sufficient": fake.balance >= o["amount"]}


def _http(method: str, url: str, data: Any = None, headers: dict[str, str] | None = None,
          timeout: float = 10) -> tuple[int, Any, dict[str, str]]:
    """A real HTTP call: (status, parsed JSON or text, headers); raises OSError when unanswered."""
    body = None if data is None else (data if isinstance(data, str) else json.dumps(data)).encode()
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    if body is not None and not any(k.lower() == "content-type" for k in request.headers):
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw, header = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as e:
        status, raw, header = e.code, e.read(), dict(e.headers)
    text = raw.decode("utf-8", "replace")
    try:
        return status, json.loads(text), header
    except ValueError:
        return status, text, header


def _pay_at_order_book(fake: FakeTikTok, trade_order_id: str) -> Result:
    try:
        _status, answer, _header = _http("POST", f"{fake.order_book}/fake/pay",
                                         {"trade_order_id": trade_order_id, "balance": fake.balance})
    except OSError as e:
        return False, _error(CODES["INTERNAL"], f"the fake order book did not answer: {e} (fake)")
    if not isinstance(answer, dict) or not answer.get("ok"):
        if not isinstance(answer, dict) or not isinstance(answer.get("error"), dict):
            return False, _error(CODES["INTERNAL"], f"the fake order book answered {answer!r} (fake)")
        return False, {"error": answer["error"]}
    fake.balance -= answer["amount"]
    fake.orders[trade_order_id] = {"amount": answer["amount"], "status": "paid"}
    return True, None


def _pay(fake: FakeTikTok, o: Options) -> Result:
    if not isinstance(o.get("trade_order_id"), str) or not o["trade_order_id"]:
        return _invalid("pay: trade_order_id is required")
    if fake.order_book:
        return _pay_at_order_book(fake, o["trade_order_id"])
    order = fake.orders.get(o["trade_order_id"])
    if order is None:
        return False, _error(CODES["ORDER_NOT_FOUND"], "order does not exist")
    if order["status"] == "paid":
        return False, _error(CODES["ORDER_ALREADY_PAID"], "order already paid (fake)")
    if fake.balance < order["amount"]:
        return False, _error(CODES["INSUFFICIENT_BEANS"], "not enough Beans (fake)",
                             {"balance": fake.balance, "amount": order["amount"]})
    fake.balance -= order["amount"]
    order["status"] = "paid"
    return True, None


def _recharge(fake: FakeTikTok, o: Options) -> Result:
    beans = fake.tiers.get(str(o.get("tier_id")))
    if beans is None:
        return False, _error(CODES["TIER_INVALID"], "tier id invalid")
    fake.balance += beans
    return True, None


def _navigate_to_balance(fake: FakeTikTok, o: Options) -> Result:
    if o.get("type") != "BEANS":
        return _invalid("navigateToBalance: type must be BEANS")
    fake.visits.append({"type": o["type"]})
    return True, None


def _set_loading_progress(fake: FakeTikTok, o: Options) -> Result:
    progress = o.get("progress")
    if isinstance(progress, bool) or not isinstance(progress, (int, float)) or not 0 <= progress <= 1:
        return _invalid("progress must be in 0..1")
    fake.progress.append(progress)
    return True, None


def _login(fake: FakeTikTok, o: Options) -> Result:
    fake.logins += 1
    if fake.order_book:
        try:
            _status, answer, _header = _http("POST", f"{fake.order_book}/fake/login", {"open_id": fake.player})
            return True, {"code": answer["code"], "isLogin": True}
        except (OSError, KeyError, TypeError) as e:
            return False, _error(CODES["INTERNAL"], f"the fake order book did not answer: {e} (fake)")
    return True, {"code": f"fake-login-code-{fake.logins}", "isLogin": True}


def _set_storage(fake: FakeTikTok, o: Options) -> Result:
    fake.storage[str(o.get("key"))] = _copy(o.get("data"))
    return True, None


def _get_storage(fake: FakeTikTok, o: Options) -> Result:
    if str(o.get("key")) not in fake.storage:
        return False, _error(CODES["STORAGE_KEY_MISSING"], "no data for key (fake)", {"key": o.get("key")})
    return True, {"data": _copy(fake.storage[str(o["key"])])}


def _remove_storage(fake: FakeTikTok, o: Options) -> Result:
    fake.storage.pop(str(o.get("key")), None)
    return True, None


def _set_flag(state_key: str, flag: str) -> Logic:
    def set_flag(fake: FakeTikTok, o: Options) -> Result:
        getattr(fake, state_key)[flag] = True
        return True, None
    return set_flag


def _mission_reward(state_key: str, flag: str) -> Logic:
    def reward(fake: FakeTikTok, o: Options) -> Result:
        state = getattr(fake, state_key)
        can = state[flag] and not state["reward_claimed"]
        state["reward_claimed"] = state["reward_claimed"] or can
        return True, {"canReceiveReward": can}
    return reward


def _request(fake: FakeTikTok, o: Options) -> Result:
    """TikTok's ``request`` (WeChat's shape): success ``{data, statusCode, header}`` for any HTTP
    status; ``fail`` only when nothing answered. Real HTTP, only to ``allow_requests`` origins."""
    url = o.get("url")
    if not isinstance(url, str) or not any(url == origin or url.startswith(origin + "/")
                                           for origin in fake.request_origins):
        return False, _error(CODES["INTERNAL"], f"the fake has no network: request({url}) (fake)")
    data = o.get("data")
    method = str(o.get("method") or "GET").upper()
    given = o.get("timeout")
    timeout = given / 1000 if isinstance(given, (int, float)) else 10
    try:
        status, body, header = _http(method, url, None if method == "GET" else data, o.get("header"), timeout)
    except OSError as e:
        return False, _error(CODES["INTERNAL"], f"request:fail {e}")
    if o.get("dataType") == "text" and not isinstance(body, str):
        body = json.dumps(body)
    return True, {"data": body, "statusCode": status, "header": header}


_LOGIC: dict[str, Logic] = {
    "init": _init,
    "login": _login,
    "authorize": lambda fake, o: (True, {}),
    "checkBalance": _check_balance,
    "recharge": _recharge,
    "pay": _pay,
    "navigateToBalance": _navigate_to_balance,
    "setLoadingProgress": _set_loading_progress,
    "setStorage": _set_storage,
    "getStorage": _get_storage,
    "removeStorage": _remove_storage,
    "addShortcut": _set_flag("shortcut", "added"),
    "getShortcutMissionReward": _mission_reward("shortcut", "added"),
    "startEntranceMission": _set_flag("entrance", "started"),
    "getEntranceMissionReward": _mission_reward("entrance", "started"),
    "request": _request,
}


def _set_storage_sync(fake: FakeTikTok, key: object, data: Any = None) -> None:
    fake.calls.append({"method": "setStorageSync", "options": None, "answers": []})
    if not isinstance(key, str) or not key:
        raise ValueError("setStorageSync: key must be a non-empty string")
    fake.storage[key] = _copy(data)


def _get_storage_sync(fake: FakeTikTok, key: object) -> Any:
    fake.calls.append({"method": "getStorageSync", "options": None, "answers": []})
    return _copy(fake.storage[str(key)]) if str(key) in fake.storage else ""


_SYNC: dict[str, Callable[..., Any]] = {
    "getStorageSync": _get_storage_sync,
    "setStorageSync": _set_storage_sync,
    "removeStorageSync": lambda fake, key: fake.storage.pop(str(key), None) and None,
    "getSystemInfoSync": lambda fake: {"platform": "devtools", "screenWidth": 390, "screenHeight": 844,
                                       "pixelRatio": 2, "SDKVersion": "fake"},
    "getLaunchOptionsSync": lambda fake: {"scene": "fake", "query": {}},
    "getEnterOptionsSync": lambda fake: {"scene": "fake", "query": {}},
    "getMenuButtonBoundingClientRect": lambda fake: {"left": 300, "top": 48, "width": 80, "height": 32,
                                                     "right": 380, "bottom": 80},
}


_made_folders: list[Path] = []     # writable folders install() made (removed by uninstall)


def install(fake: FakeTikTok | None = None, files_dir: str | os.PathLike[str] | None = None) -> FakeTikTok:
    """Make ``fake`` (default: a new ``FakeTikTok()``) the SDK of this CPython process, with the game
    surface (``ttminis.files``, ``screen``, ``images``, ``sound``, ``touch``, ``frames``) on a fresh
    ``HostSurface``: the writable folder is ``files_dir`` (made if missing), or a new temporary folder
    that ``uninstall`` removes.

    Example::

        tiktok = install(files_dir=tmp_path / "files")
    """
    if ffi is not _host:
        raise RuntimeError("ttminis.testing replaces the SDK only on CPython; in the browser "
                           "load web/fake-ttminis.js (build with --dev)")
    fake = fake or FakeTikTok()
    calls.reset()
    _host.reported.clear()
    _host.install_root(fake)
    _host.globals_["ttminisStandInOrders"] = fake.backend    # as the JS fake sets it while installed
    if files_dir is None:
        folder = Path(tempfile.mkdtemp(prefix="ttminis-files-"))
        _made_folders.append(folder)
    else:
        folder = Path(files_dir)
        folder.mkdir(parents=True, exist_ok=True)
    _SURFACE.reset(folder)
    _SURFACE.quota = None
    _SURFACE.game_dir = Path.cwd()
    _host.globals_["ttminisLoader"] = {"surface": _SURFACE}
    target._surface.clear()      # found again at the next use: this install's, not an earlier one
    return fake


def uninstall() -> None:
    """Remove the fake (calls raise TTMinisUnavailable again) and clean the shim's state."""
    _host.install_root(None)
    _host.globals_.pop("ttminisStandInOrders", None)
    _host.globals_.pop("ttminisLoader", None)
    _SURFACE.reset(None)
    target._surface.clear()      # no surface again, as on a CPython without the fake
    while _made_folders:
        shutil.rmtree(_made_folders.pop(), ignore_errors=True)
    calls.reset()
