"""Benchmark game for every target: its first line records when it ran (epoch ms), then it imports ttminis
and times CALLS awaited SDK calls (checkBalance against the fake), in µs per call."""
import js

js.globalThis.firstLineEpoch = js.Date.now()

from ttminis import game  # noqa: E402  (a real game imports it at start)

CALLS = 300
await game.check_balance(1)    # warm-up
started = js.Date.now()
for _ in range(CALLS):
    await game.check_balance(1)
js.globalThis.awaitMicros = (js.Date.now() - started) * 1000 / CALLS
