"""Benchmark game for bench/drawing.py: times one frame of a Python game every way it can draw, in its own start.

The frame (issue 22): ``update`` moves 1,000 positions; ``draw`` sets a fill style, makes N ``fillRect``
calls and reads one pixel back. Variants, interleaved in ROUNDS rounds of at least REPEAT frames and at least
SPAN ms each (jsc's clock ticks in whole ms), ms per frame:

    update        update alone
    recorded N    update + draw through ``screen.context()`` (recorded, replayed once, before the read)
    batch N       update + the same N sprites through one ``ctx.fillRects`` call
    direct N      update + draw through the JS context itself: one Python->JS crossing per call
    js N          the same frame in pure JavaScript (``GameGlobal.benchPureFrame``, set up by the bench)
    python loop   a pure-Python loop (10,000 additions), for the engine's own speed

All of it runs in main.py, before the game is ready: the boot's watchdog gives it 60 s (keep ROUNDS x REPEAT
modest without JIT).

and a profile of one recorded frame of 1,000 draws (record, pack, flush), plus AWAITS awaited ``game.pay``
calls (ttminis) against the same through a hand-written FFI call. The results go to
``GameGlobal.drawingResult`` as JSON; ``GameGlobal.benchConfig`` ({rounds, repeat, awaits}) may set the sizes.
"""
import js

js.globalThis.firstLineEpoch = js.Date.now()

import json  # noqa: E402
import statistics  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402

from ttminis import drawing, game, screen  # noqa: E402

config = js.globalThis.benchConfig
ROUNDS = int(config.rounds) if config else 5
REPEAT = int(config.repeat) if config else 5
SPAN = 0.05
AWAITS = int(config.awaits) if config else 200
N = 1000
clock = time.perf_counter
xs = [float(i % 360) for i in range(N)]
ys = [float(i * 7 % 700) for i in range(N)]
ctx = screen.context()
raw = ctx.handle


def update():
    for i in range(1000):
        xs[i] = (xs[i] + 1.5) % 360


def recorded(n):
    update()
    ctx.fillStyle = "#123456"
    for i in range(n):
        ctx.fillRect(xs[i], ys[i], 8, 8)
    ctx.getImageData(0, 0, 1, 1)


def batch(n):
    update()
    ctx.fillStyle = "#123456"
    ctx.fillRects(xs if n == N else xs[:n], ys if n == N else ys[:n], 8, 8)
    ctx.getImageData(0, 0, 1, 1)


def direct(n):
    update()
    raw.fillStyle = "#123456"
    for i in range(n):
        raw.fillRect(xs[i], ys[i], 8, 8)
    raw.getImageData(0, 0, 1, 1)


def pure_js(n):
    js.globalThis.benchPureFrame(raw, n)


def python_loop():
    total = 0.0
    for i in range(10000):
        total += i * 0.5
    return total


VARIANTS = {"update": update, "python loop": python_loop}
for n in (100, 1000):
    VARIANTS.update({f"recorded {n}": (lambda n=n: recorded(n)), f"batch {n}": (lambda n=n: batch(n)),
                     f"direct {n}": (lambda n=n: direct(n)),
                     f"js {n}": (lambda n=n: pure_js(n))})
if not js.globalThis.benchPureFrame:
    for n in (100, 1000):
        del VARIANTS[f"js {n}"]

samples = {name: [] for name in VARIANTS}
for _ in range(ROUNDS):
    for name, frame in VARIANTS.items():
        frame()                     # warm: the same code path once before the clock
        count, started = 0, clock()
        while count < REPEAT or clock() - started < SPAN:
            frame()
            count += 1
        samples[name].append((clock() - started) * 1000 / count)
result = {"frames": {name: statistics.median(values) for name, values in samples.items()},
          "samples": samples}

# ---- where a recorded frame of 1,000 draws goes ------------------------------------------------------------
def profiled():
    """One recorded frame of 1,000 draws, step by step (in a function: module-level code runs slower)."""
    times = {}
    started = clock()
    update()
    times["update"] = clock() - started
    started = clock()
    ctx.fillStyle = "#123456"
    for i in range(N):
        ctx.fillRect(xs[i], ys[i], 8, 8)
    times["record"] = clock() - started
    started = clock()
    struct.pack("%dd" % len(drawing._ops), *drawing._ops)
    times["pack"] = clock() - started
    started = clock()
    screen.flush()
    times["flush"] = clock() - started
    started = clock()
    ctx.getImageData(0, 0, 1, 1)
    times["read"] = clock() - started
    return times


profile = {"record": [], "pack": [], "flush": [], "read": [], "update": []}
for _ in range(max(ROUNDS * REPEAT, 40)):
    for step, took in profiled().items():
        profile[step].append(took)
result["profile"] = {step: statistics.fmean(values) * 1000 for step, values in profile.items()}

# ---- the awaited purchase call: ttminis against a hand-written FFI call -------------------------------------
if AWAITS:
    import asyncio

    from pyodide.ffi import create_proxy, to_js

    pending = {}

    def answer(i, ok, payload=None):
        future = pending.pop(i)
        if ok:
            future.set_result(None)
        else:
            future.set_exception(RuntimeError("fail"))

    dispatcher = create_proxy(answer)
    bind = js.Object.getPrototypeOf(js.Math.max).call.bind      # Function.prototype.call.bind: no code generated
    from_entries = js.Object.fromEntries
    loop = asyncio.get_event_loop()
    orders = [str(order) for order in js.globalThis.benchOrders]
    calls = {"ttminis pay": [], "hand FFI pay": []}
    per_round = AWAITS // ROUNDS
    used = 0
    for _ in range(ROUNDS):
        started = clock()
        for i in range(per_round):
            await game.pay(orders[used])
            used += 1
        calls["ttminis pay"].append((clock() - started) * 1e6 / per_round)
        started = clock()
        for i in range(per_round):
            future = loop.create_future()
            pending[used] = future
            options = to_js({"trade_order_id": orders[used]}, dict_converter=from_entries)
            options.success = bind(dispatcher, None, used, True)
            options.fail = bind(dispatcher, None, used, False)
            js.TTMinis.game.pay(options)
            await future
            used += 1
        calls["hand FFI pay"].append((clock() - started) * 1e6 / per_round)
    dispatcher.destroy()
    result["awaits"] = {name: statistics.median(values) for name, values in calls.items()}

js.globalThis.drawingResult = json.dumps(result)
