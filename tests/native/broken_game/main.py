"""A game whose main.py raises: the boot must show the error on the screen canvas."""
import js

canvas = js.TTMinis.game.createCanvas()      # the game took the screen first: the error must reuse it
canvas.getContext("2d").fillRect(0, 0, 10, 10)


def explode():
    raise RuntimeError("the native test game broke on purpose")


explode()
