"""An in-memory TikTok for plain CPython unit tests: same rules as ``web/fake-ttminis.js``.

Exports:
    FakeTikTok      the fake SDK: wallet, stand-in backend, scripted outcomes, recorded calls
    install(fake=None) -> FakeTikTok   make it the SDK ``ttminis.game`` talks to
    uninstall()

``await game.pay(...)`` in a CPython test then behaves as it does in the browser against the JS
fake: pay deducts the order's amount once, paying twice / an unknown order / too little balance
fail with the same codes. Answers come one event-loop turn later (like the JS fake's microtask)
when a loop is running, else at once.

Example::

    from ttminis import game, testing

    def test_buy():
        tiktok = testing.install()
        order = tiktok.create_order(30)
        tiktok.run(lambda: game.pay(order))
        assert tiktok.balance == 70
"""
import asyncio
import threading

from . import _host
from .backend import ffi

CODES = {
    "INTERNAL": 50001000, "INVALID_PARAMS": 40001000, "ORDER_NOT_FOUND": 20011002,
    "TIER_INVALID": 20001003, "DUPLICATE_ORDER_ID": 20021002,
    "ORDER_ALREADY_PAID": 90000001, "INSUFFICIENT_BEANS": 90000002,     # invented by the fakes
    "AD_FAILED": 90000003, "AD_ALREADY_SHOWN": 90000004, "STORAGE_KEY_MISSING": 90000005,
}
EVENTS = ("Show", "Hide", "TouchStart", "TouchMove", "TouchEnd", "TouchCancel", "KeyDown", "KeyUp", "Error")


def _error(code, msg, extra=None):
    return {"error": {"error_code": code, "error_msg": msg, "error_extra": extra or {}}}


class _Game:
    """The ``TTMinis.game`` object of the fake: attribute lookups resolve to fake methods."""

    def __init__(self, fake):
        self._fake = fake

    def __getattr__(self, name):
        fake = self._fake
        if name in fake.unsupported:
            raise AttributeError(name)
        if name in _LOGIC:
            return lambda options=None: fake._options_call(name, options or {})
        for prefix in ("on", "off"):
            event = name[len(prefix):]
            if name.startswith(prefix) and event in EVENTS:
                return lambda fn=None: fake._listen(prefix, event, fn)
        if name == "canIUse":
            return lambda schema: str(schema).split(".")[0] not in fake.unsupported and (
                str(schema).split(".")[0] in _LOGIC)
        if name in ("getStorageSync", "setStorageSync"):
            return getattr(fake, "_" + name)
        if name == "getSystemInfoSync":
            return lambda: {"platform": "devtools", "screenWidth": 390, "screenHeight": 844,
                            "pixelRatio": 2, "SDKVersion": "fake"}
        if name in ("createRewardedVideoAd", "createInterstitialAd"):
            return lambda options=None: _Ad(fake, name, options or {})
        raise AttributeError(name)


class _Ad:
    def __init__(self, fake, kind, options):
        self._fake = fake
        self._listeners = {"Close": [], "Error": []}
        self._shown = False
        fake.calls.append({"method": kind, "options": dict(options)})

    def __getattr__(self, name):
        for prefix in ("on", "off"):
            event = name[len(prefix):]
            if name.startswith(prefix) and event in self._listeners:
                if prefix == "on":
                    return self._listeners[event].append
                return lambda fn=None: self._listeners.__setitem__(
                    event, [] if fn is None else [f for f in self._listeners[event] if f is not fn])
        raise AttributeError(name)

    def show(self):
        loop = asyncio.get_running_loop()
        result = loop.create_future()
        if self._shown:
            result.set_exception(RuntimeError("this ad was already shown; create a new one (fake)"))
            return result
        self._shown = True
        ending = self._fake.next_ad
        if ending == "error":
            result.set_exception(RuntimeError("ad failed to show (fake)"))
            return result
        result.set_result(None)
        loop.call_soon(lambda: [fn({"isEnded": ending == "watch"}) for fn in list(self._listeners["Close"])])
        return result


class FakeTikTok:
    """The in-memory TikTok. ``script(method, outcome=..., payload=..., error=...)`` makes the next
    call of ``method`` behave so: "success", "fail", "throw", "never", "twice", "success_then_fail".

    Example::

        tiktok = install()
        tiktok.script("pay", outcome="never")
    """

    def __init__(self, balance=100, tiers=None):
        self.balance = balance
        self.tiers = dict(tiers or {"tier-1": 60, "tier-2": 300, "tier-3": 980})
        self.orders = {}
        self.calls = []
        self.visits = []
        self.progress = []
        self.storage = {}
        self.listeners = {event: [] for event in EVENTS}
        self.unsupported = set()
        self.next_ad = "watch"
        self.logins = 0
        self.shortcut = {"added": False, "reward_claimed": False}
        self.entrance = {"started": False, "reward_claimed": False}
        self._scripts = {}
        self._order_seq = 0
        self.game = _Game(self)

    # -- the stand-in backend ---------------------------------------------------------------------
    def create_order(self, amount, order_id=None):
        """Create a trade order (what your server does with TikTok's API); returns its id."""
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
            raise ValueError("create_order: amount must be a positive integer")
        self._order_seq += 1
        order_id = order_id or f"fake-order-{self._order_seq}"
        if order_id in self.orders:
            raise ValueError(f"create_order: duplicate order id {order_id}")
        self.orders[order_id] = {"amount": amount, "status": "created"}
        return order_id

    def script(self, method, outcome="success", payload=None, error=None, raw=None):
        self._scripts.setdefault(method, []).append(
            {"outcome": outcome, "payload": payload, "error": error, "raw": raw})

    @staticmethod
    def run(awaitable_factory):
        """Await ``awaitable_factory()`` in a fresh event loop and return its result.

        Runs on a worker thread, so it works even where another loop is already running in this
        thread (Playwright's sync API keeps one running during a browser test session).

        Example::

            assert tiktok.run(lambda: game.check_balance(50)) is True
        """
        box = {}

        def target():
            async def main():
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
        return box["value"]

    def calls_of(self, method):
        return [c for c in self.calls if c["method"] == method]

    def trigger(self, event, payload=None):
        for fn in list(self.listeners[event]):
            fn(payload if payload is not None else {})

    # -- the SDK side ------------------------------------------------------------------------------
    def _options_call(self, method, options):
        record = {"method": method, "options": {k: v for k, v in options.items() if not callable(v)},
                  "answers": []}
        self.calls.append(record)
        queue = self._scripts.get(method)
        behaviour = queue.pop(0) if queue else {"outcome": "default"}
        outcome = behaviour["outcome"]
        if outcome == "throw":
            raise RuntimeError(f"fake {method} threw")

        def answer(kind, payload):
            record["answers"].append(kind)
            if callable(options.get(kind)):
                options[kind](payload)

        def fail_payload():
            if behaviour.get("raw") is not None:
                return behaviour["raw"]
            return {"error": behaviour.get("error") or {"error_code": CODES["INTERNAL"],
                                                        "error_msg": "scripted failure (fake)", "error_extra": {}}}

        def run():
            if outcome == "never":
                return
            if outcome == "fail":
                return answer("fail", fail_payload())
            ok, payload = _LOGIC[method](self, options) if outcome == "default" else (True, behaviour["payload"])
            answer("success" if ok else "fail", payload)
            if outcome == "twice":
                answer("success", payload)
            if outcome == "success_then_fail":
                answer("fail", fail_payload())

        try:
            asyncio.get_running_loop().call_soon(run)
        except RuntimeError:
            run()

    def _listen(self, prefix, event, fn):
        if prefix == "on":
            self.listeners[event].append(fn)
        else:
            self.listeners[event] = [] if fn is None else [f for f in self.listeners[event] if f is not fn]

    def _getStorageSync(self, key):
        return self.storage.get(key, "")

    def _setStorageSync(self, key, data):
        self.storage[key] = data


def _pay(fake, o):
    order = fake.orders.get(o.get("trade_order_id"))
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


def _recharge(fake, o):
    beans = fake.tiers.get(o.get("tier_id"))
    if beans is None:
        return False, _error(CODES["TIER_INVALID"], "tier id invalid")
    fake.balance += beans
    return True, None


def _login(fake, o):
    fake.logins += 1
    return True, {"code": f"fake-login-code-{fake.logins}", "isLogin": True}


def _get_storage(fake, o):
    if o.get("key") not in fake.storage:
        return False, _error(CODES["STORAGE_KEY_MISSING"], "no data for key (fake)", {"key": o.get("key")})
    return True, {"data": fake.storage[o["key"]]}


def _mission_reward(state_key, flag):
    def reward(fake, o):
        state = getattr(fake, state_key)
        can = state[flag] and not state["reward_claimed"]
        state["reward_claimed"] = state["reward_claimed"] or can
        return True, {"canReceiveReward": can}
    return reward


_LOGIC = {
    "init": lambda f, o: (True, None),
    "login": _login,
    "checkBalance": lambda f, o: (True, {"is_sufficient": f.balance >= o["amount"]}),
    "recharge": _recharge,
    "pay": _pay,
    "navigateToBalance": lambda f, o: (f.visits.append({"type": o["type"]}), (True, None))[1],
    "setLoadingProgress": lambda f, o: (f.progress.append(o["progress"]), (True, None))[1],
    "setStorage": lambda f, o: (f.storage.__setitem__(o["key"], o.get("data")), (True, None))[1],
    "getStorage": _get_storage,
    "removeStorage": lambda f, o: (f.storage.pop(o["key"], None), (True, None))[1],
    "addShortcut": lambda f, o: (f.shortcut.__setitem__("added", True), (True, None))[1],
    "getShortcutMissionReward": _mission_reward("shortcut", "added"),
    "startEntranceMission": lambda f, o: (f.entrance.__setitem__("started", True), (True, None))[1],
    "getEntranceMissionReward": _mission_reward("entrance", "started"),
}


def install(fake=None):
    """Make ``fake`` (default: a new ``FakeTikTok()``) the SDK of this CPython process."""
    if ffi is not _host:
        raise RuntimeError("ttminis.testing replaces the SDK only on CPython; in the browser "
                           "load web/fake-ttminis.js (build with --dev)")
    fake = fake or FakeTikTok()
    _host.install_root(fake)
    return fake


def uninstall():
    """Remove the fake: calls raise TTMinisUnavailable again."""
    _host.install_root(None)
