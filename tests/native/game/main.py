"""The minimal native game: draws on TTMinis.game.createCanvas() through js, buys an item, answers taps.

Its results go to ``GameGlobal.gameResult`` (JSON) for the tests to read.
"""
import importlib.metadata
import json
import sys

import js

from native_req import VALUE as REQUIREMENT     # a pure-Python requirement (requirements.txt in the tests)
from shopping import buy
from ttminis import game, target

first_line_at = js.Date.now()
canvas = js.TTMinis.game.createCanvas()
ctx = canvas.getContext("2d")
ctx.fillStyle = "#2a9d8f"
ctx.fillRect(0, 0, canvas.width, canvas.height)
ctx.fillStyle = "#ffffff"
ctx.font = "28px sans-serif"
ctx.fillText("ttminis native", 24, 64)

taps = []


def on_touch(event):
    touch = event["changedTouches"][0]
    taps.append([touch["clientX"], touch["clientY"]])
    ctx.fillStyle = "#e76f51"
    ctx.fillRect(touch["clientX"] - 10, touch["clientY"] - 10, 20, 20)
    js.GameGlobal.gameTaps = json.dumps(taps)


game.on_touch_start(on_touch)
hidden = []


@game.on_hide
def pause(payload):
    hidden.append(payload)
    js.GameGlobal.gameHidden = len(hidden)


result = {
    "target": target.NAME,
    "python": list(sys.version_info[:3]),
    "name": __name__,
    "requirement": REQUIREMENT,
    "requirement_version": importlib.metadata.version("native-req"),   # its .dist-info came along
    "bought": await buy("order-1"),           # created by the test before the game starts
    "missing": await buy("order-missing"),    # never created: the fake answers 20011002
}
js.GameGlobal.gameResult = json.dumps(result)
