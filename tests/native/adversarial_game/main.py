"""One game carrying every attempt a game's Python can make at reaching past the runtime; it runs those picked.

The test sets ``GameGlobal.ttminisAttempt`` (one name, or names joined by ``|``) before game.js starts; each
attempt's line ends with an ``attempt`` comment naming it, so the test knows which line the violation must
name. Every attempt is caught here: it must be recorded all the same. ``none`` is the clean control: feature
detection and ordinary use.
"""
import json

import js
import pyodide.code

from ttminis import game  # noqa: F401  (the game's usual import: ttminis is set up as in any game)

chosen = str(js.GameGlobal.ttminisAttempt)
CODE = "return typeof process"
canvas = js.TTMinis.game.createCanvas()
ctx = canvas.getContext("2d")
fs = js.TTMinis.game.getFileSystemManager()
user = js.TTMinis.game.env.USER_DATA_PATH
fs.writeFileSync(user + "/a.txt", "x", "utf8")
outcome = "not run"


def attempt(name):
    if name == "eval":
        return js.eval("1 + 1")  # attempt: eval
    if name == "Function":
        return js.Function(CODE)  # attempt: Function
    if name == "a built-in's constructor":
        return js.Math.max.constructor(CODE)  # attempt: a built-in's constructor
    if name == "the global object":
        return js.globalThis.constructor.constructor(CODE)()  # attempt: the global object
    if name == "the canvas":
        return canvas.constructor.constructor(CODE)  # attempt: the canvas
    if name == "the 2D context":
        return ctx.constructor.constructor(CODE)  # attempt: the 2D context
    if name == "readdirSync's array":
        return fs.readdirSync(user).constructor.constructor(CODE)  # attempt: readdirSync's array
    if name == "a string timer":
        return js.setTimeout("1 + 1", 0)  # attempt: a string timer
    if name == "fetch":
        return js.fetch("https://example.invalid/")  # attempt: fetch
    if name == "fetch by a computed name":
        return getattr(js, "fe" + "tch")("https://example.invalid/")  # attempt: fetch by a computed name
    if name == "document":
        return js.document.createElement("canvas")  # attempt: document
    if name == "process":
        return js.process.version  # attempt: process
    if name == "toBuffer":
        return canvas.toBuffer("image/png")  # attempt: toBuffer
    if name == "require":
        return js.require("child_process")  # attempt: require
    if name == "WebAssembly":
        return js.WebAssembly.validate(js.Uint8Array.new([0, 97, 115, 109, 1, 0, 0, 0]))  # attempt: WebAssembly
    if name == "run_js":
        return pyodide.code.run_js("1 + 1")  # attempt: run_js
    if name == "none":
        detected = [hasattr(js, "document"), getattr(js, "fetch", None), getattr(canvas, "toBuffer", None)]
        guarded = js.fetch("https://example.invalid/") if getattr(js, "fetch", None) is not None else None
        ctx.fillStyle = "#2a9d8f"
        ctx.fillRect(0, 0, 10, 10)
        return repr([bool(detected[0]) and False, detected[1], detected[2], guarded, list(fs.readdirSync(user))])
    raise ValueError(f"no attempt named {name}")


outcomes = {}
for name in chosen.split("|"):
    try:
        outcomes[name] = repr(attempt(name))
    except Exception as error:  # the game catches it: the simulator must have recorded it anyway
        outcomes[name] = f"caught {type(error).__name__}"
js.GameGlobal.attemptOutcomes = json.dumps(outcomes)
js.GameGlobal.attemptOutcome = outcomes[chosen] if chosen in outcomes else "several"
