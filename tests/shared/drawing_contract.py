"""Drawing through ``screen.context()``: the same tests on html (Chromium, Pyodide and Brython) and on native
(the strict simulator), run by the surface suites (``tests/browser/test_surface_html.py``,
``tests/native/test_surface_native.py``) with their ``surface_game`` driver (see surface_contract.py).

On Pyodide the context records and JavaScript replays (``ttminis.drawing``); Brython draws directly. Either
way the game sees the same thing: every draw reaches the canvas in order before any read, a property read
is what the canvas says, and arguments the canvas throws on raise at the game's own line. The tests marked
"recorder" are about what only the recorder has (flushes, replay errors, one crossing per frame).
"""
import pytest

from tests.shared.surface_contract import expect_raises

RED, GREEN, BLUE = [255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255]
PIXEL = "list(ctx.getImageData({x}, {y}, 1, 1).data.to_py())"
PIXEL_JS = "Array.from(ttminisLoader.surface.context().getImageData({x}, {y}, 1, 1).data)"


def pixel(surface_game, x, y):
    """The device pixel at (x, y), read by JavaScript on the real context (after the microtask flush)."""
    return surface_game.js(PIXEL_JS.format(x=x, y=y))


def recorder_only(surface_game):
    if surface_game.runtime != "pyodide":
        pytest.skip("Brython draws directly: nothing is recorded")


CLEAR = "from ttminis import screen\nctx = screen.context()\nctx.clearRect(0, 0, 390, 844)\n"


def test_every_draw_reaches_the_canvas_in_order_before_a_read_from_python(surface_game):
    got = surface_game.py(CLEAR + """
ctx.fillStyle = "red"
ctx.fillRect(0, 0, 20, 20)
ctx.save()
ctx.translate(5, 0)
ctx.fillStyle = "#00ff00"
ctx.fillRect(0, 0, 10, 10)          # device (10..30, 0..20) is green now, over the red
ctx.restore()
ctx.beginPath()
ctx.rect(12, 12, 4, 4)
ctx.fillStyle = "blue"
ctx.fill()
data = ctx.getImageData(0, 0, 40, 40).data
data = list(data.to_py() if hasattr(data, "to_py") else data)
return [data[(y * 40 + x) * 4:(y * 40 + x) * 4 + 4] for x, y in ((2, 2), (12, 2), (26, 26), (36, 36))]
""")
    assert got == [RED, GREEN, BLUE, RED], f"red, then green over it, then the blue path, before the read: {got}"


def test_drawing_reaches_the_canvas_without_a_read_before_javascript_looks(surface_game):
    surface_game.py(CLEAR + "ctx.fillStyle = '#0000ff'\nctx.fillRect(50, 50, 5, 5)")
    assert pixel(surface_game, 102, 102) == BLUE


SPY = """(() => { const c = ttminisLoader.surface.context(); const log = globalThis.__drawLog = [];
  for (const name of ["fillRect", "clearRect", "getImageData"]) {
    const original = c[name];
    c[name] = function () { log.push(name + " " + Array.from(arguments).join(",")); return original.apply(c, arguments); };
  }
  return true; })()"""
UNSPY = """(() => { const c = ttminisLoader.surface.context();
  for (const name of ["fillRect", "clearRect", "getImageData"]) delete c[name];
  return true; })()"""


def test_every_draw_reaches_the_context_in_order_before_a_read_back_call_log(surface_game):
    surface_game.js(SPY)          # own properties over the context's methods: what the replay calls
    try:
        got = surface_game.py("""
from ttminis import screen
ctx = screen.context()
ctx.fillRect(1, 2, 3, 4)
ctx.clearRect(5, 6, 7, 8)
ctx.fillRect(9, 10, 11, 12)
seen_before = len(js.__drawLog)
ctx.getImageData(0, 0, 1, 1)
return [seen_before, list(js.__drawLog)]
""")
    finally:
        surface_game.js(UNSPY)
    waited = 0 if surface_game.runtime == "pyodide" else 3         # Brython draws directly
    assert got == [waited, ["fillRect 1,2,3,4", "clearRect 5,6,7,8", "fillRect 9,10,11,12", "getImageData 0,0,1,1"]], got


def test_a_property_read_is_what_the_canvas_says(surface_game):
    got = surface_game.py("""
from ttminis import screen
ctx = screen.context()
ctx.fillStyle = "red"
first = ctx.fillStyle
ctx.fillStyle = "not a colour"         # the canvas ignores it: still red
ctx.lineWidth = 3
ctx.lineWidth = -1                     # ignored too
ctx.globalAlpha = float("nan")         # ignored
ctx.font = "20px sans-serif"
got = [first, ctx.fillStyle, ctx.lineWidth, ctx.globalAlpha, ctx.font]
ctx.lineWidth = 1
return got
""")
    assert got[:4] == ["#ff0000", "#ff0000", 3, 1]
    assert "20px" in got[4]


def test_measure_text_and_is_point_in_path_see_what_was_set_before(surface_game):
    got = surface_game.py("""
from ttminis import screen
ctx = screen.context()
ctx.font = "10px sans-serif"
small = ctx.measureText("MMMM").width
ctx.font = "40px sans-serif"
big = ctx.measureText("MMMM").width
ctx.beginPath()
ctx.rect(10, 10, 20, 20)
inside = ctx.isPointInPath(40, 40)      # device pixels: the transform scales the path by 2
outside = ctx.isPointInPath(100, 100)
return [small > 0, round(big / small), inside, outside]
""")
    assert got == [True, 4, True, False]


def test_arguments_the_canvas_throws_on_raise_at_the_games_line(surface_game):
    info = expect_raises(surface_game, "from ttminis import screen\nscreen.context().arc(10, 10, -1, 0, 3)")
    assert info["type"] in ("ValueError", "IndexSizeError", "JavascriptError", "JsException"), info
    assert "radius" in info["message"] or "IndexSize" in info["message"], info
    info = expect_raises(surface_game, "from ttminis import screen\nscreen.context().drawImage(5, 0, 0)")
    assert info["type"] in ("TypeError", "JavascriptError", "JsException"), info
    if surface_game.runtime == "brython":
        return                      # a direct call: it raises where it is made
    where = surface_game.py("""
import traceback
from ttminis import screen
def my_draw():
    screen.context().ellipse(0, 0, 5, -2, 0, 0, 1)
try:
    my_draw()
except Exception as e:
    return [type(e).__name__, str(e), [frame.name for frame in traceback.extract_tb(e.__traceback__)]]
""")
    assert where[:2] == ["ValueError", "ctx.ellipse: radiusY must be >= 0 (the canvas throws IndexSizeError), got -2"]
    assert "my_draw" in where[2], "the game's own line is in the traceback"


def test_nothing_is_drawn_that_the_canvas_would_not_draw(surface_game):
    surface_game.py(CLEAR + """
ctx.fillStyle = "#ff0000"
ctx.fillRect(float("nan"), 0, 50, 50)       # the canvas skips it
ctx.fillRect(0, 0, float("inf"), 50)
""")
    assert pixel(surface_game, 4, 4)[3] == 0


def test_a_gradient_made_from_python_fills(surface_game):
    surface_game.py(CLEAR + """
sky = ctx.createLinearGradient(0, 0, 100, 0)
sky.addColorStop(0, "#00ff00")
sky.addColorStop(1, "#00ff00")
ctx.fillStyle = sky
ctx.fillRect(0, 0, 100, 10)
ctx.fillStyle = "#000000"
""")
    assert pixel(surface_game, 100, 4) == GREEN


def test_setting_the_canvas_width_clears_it_after_what_was_drawn_before(surface_game):
    # Brython: `canvas.width = canvas.width` through its DOM wrapper left the context as it was (seen in
    # Chromium, not investigated); the recorder's part is what this checks.
    recorder_only(surface_game)
    got = surface_game.py(CLEAR + """
canvas = screen.canvas()
ctx.fillStyle = "#ff0000"
ctx.fillRect(0, 0, 10, 10)
canvas.width = canvas.width         # clears the canvas and resets the context: after the red square
after = [ctx.fillStyle, ctx.getTransform().a]
ctx.setTransform(2, 0, 0, 2, 0, 0)  # the surface draws in CSS pixels: put its scale back
return after
""")
    assert got == ["#000000", 1], got
    assert pixel(surface_game, 4, 4)[3] == 0


def test_an_image_drawn_with_image_draw_and_draw_image_in_order(surface_game):
    surface_game.py(CLEAR + """
from ttminis import images
dot = images.load("assets/dot.png")
await dot.loaded()
dot.draw(0, 0, 20, 20)
ctx.fillStyle = "#00ff00"
ctx.fillRect(10, 0, 10, 20)
ctx.drawImage(dot.handle, 15, 0, 5, 5)
""")
    assert pixel(surface_game, 4, 4)[:3] == [255, 0, 0]
    assert pixel(surface_game, 24, 30) == GREEN
    assert pixel(surface_game, 32, 4)[:3] == [255, 0, 0]


def test_text_is_drawn(surface_game):
    surface_game.py(CLEAR + """
ctx.fillStyle = "#0000ff"
ctx.font = "40px sans-serif"
ctx.fillText("MMMM", 0, 40)
""")
    row = surface_game.js("Array.from(ttminisLoader.surface.context().getImageData(0, 20, 200, 60).data)")
    assert any(row[i + 2] > 200 and row[i + 3] > 200 for i in range(0, len(row), 4)), "blue text pixels"


# ---- what only the recorder has ---------------------------------------------------------------------------

def test_recorder_many_sprites_in_one_batch_call(surface_game):
    recorder_only(surface_game)
    surface_game.py(CLEAR + """
from array import array
ctx.fillStyle = "#00ff00"
ctx.fillRects(array("f", [0, 20, 40]), array("d", [0, 0, 0]), 5, 5)
ctx.fillStyle = "#0000ff"
ctx.fillRects([60], memoryview(array("d", [0])), 5, 5)
from ttminis import images
dot = images.load("assets/dot.png")
await dot.loaded()
ctx.drawImages(dot, [0, 20], [30, 30], 5, 5)
ctx.drawImages(dot, array("f", [40]), array("f", [30]))
""")
    assert [pixel(surface_game, x, 2) for x in (2, 42, 82)] == [GREEN] * 3
    assert pixel(surface_game, 122, 2) == BLUE
    assert [pixel(surface_game, x, 62)[:3] for x in (2, 42, 82)] == [[255, 0, 0]] * 3
    info = expect_raises(surface_game, "from ttminis import screen\nscreen.context().fillRects([1, 2], [1], 5, 5)")
    assert info["type"] == "ValueError" and "same length" in info["message"]
    info = expect_raises(surface_game, "from ttminis import screen\nscreen.context().fillRects('ab', [1, 2], 5, 5)")
    assert info["type"] == "TypeError" and "xs must be numbers" in info["message"]


def test_recorder_draws_wait_for_the_flush_and_cross_in_one_call(surface_game):
    recorder_only(surface_game)
    got = surface_game.py(CLEAR + """
from ttminis import drawing
screen.flush()
before = js.ttminisLoader.surface.drawingStats.replays
for i in range(100):
    ctx.fillRect(i, 0, 1, 1)
waiting = drawing.recorded()
seen_before = list(js.ttminisLoader.surface.context().getImageData(20, 0, 1, 1).data.to_py())
screen.flush()
return [waiting, seen_before[3], js.ttminisLoader.surface.drawingStats.replays - before, drawing.recorded()]
""")
    assert got == [500, 0, 1, 0], "100 fillRects wait as 500 numbers, then cross in one replay"


def test_recorder_a_frame_of_draws_crosses_once(surface_game):
    recorder_only(surface_game)
    surface_game.py("""
from ttminis import frames, screen
ctx = screen.context()
state["frames"] = 0
state["replays"] = []
def draw(time):
    state["replays"].append(js.ttminisLoader.surface.drawingStats.replays)
    state["frames"] += 1
    for i in range(50):
        ctx.fillRect(i, 0, 1, 1)
frames.start(draw)
""")
    try:
        surface_game.frames(5)
        replays = surface_game.py("from ttminis import frames\nframes.stop()\nreturn state['replays']")
    finally:
        surface_game.py("from ttminis import frames\nframes.stop()")
    steps = [b - a for a, b in zip(replays, replays[1:])]
    assert len(steps) >= 3 and all(step == 1 for step in steps), replays


def test_recorder_a_call_the_canvas_refuses_when_replayed_raises_at_the_next_flush(surface_game):
    recorder_only(surface_game)
    got = surface_game.py(CLEAR + """
ctx.putImageData(js.Object.new(), 0, 0)     # a JS object, but no ImageData: only the canvas can tell
ctx.fillStyle = "#00ff00"
ctx.fillRect(0, 0, 5, 5)                    # later draws still reach the canvas
try:
    screen.flush()
except RuntimeError as e:
    message = str(e)
screen.flush()                              # raised once
return message
""")
    assert got.startswith("ctx.putImageData: the canvas refused it when it was drawn"), got
    assert "TypeError" in got or "IndexSizeError" in got, got      # the canvas's own error, whichever it is
    assert pixel(surface_game, 2, 2) == GREEN


def test_recorder_a_refused_call_in_a_frame_stops_the_loop_naming_the_call(surface_game):
    recorder_only(surface_game)
    before = len(surface_game.js("ttminisLoader.errors"))
    surface_game.py("""
from ttminis import frames, screen
ctx = screen.context()
def broken(time):
    ctx.putImageData(js.Object.new(), 0, 0)
frames.start(broken)
""")
    try:
        surface_game.frames(3)
        assert surface_game.py("from ttminis import frames\nreturn frames.running()") is False
        errors = surface_game.js("ttminisLoader.errors")[before:]
        assert len(errors) == 1 and "ctx.putImageData" in errors[0], errors
        problems = surface_game.take_problems()
        assert problems and all("putImageData" in p for p in problems), problems
    finally:
        surface_game.restart()         # the error screen covers the game (html: touches would not reach it)


def test_recorder_arguments_it_cannot_encode_go_directly_as_javascript_would_take_them(surface_game):
    recorder_only(surface_game)
    surface_game.py(CLEAR + """
ctx.fillStyle = "#00ff00"
ctx.fillRect("0", "0", "5", "5")      # JavaScript turns the strings into numbers
ctx.fillRect("x", 0, 50, 50)           # ...and this one into NaN: skipped
""")
    assert pixel(surface_game, 4, 4) == GREEN
    assert pixel(surface_game, 40, 40)[3] == 0


def test_recorder_reads_the_buffer_where_it_lies_and_every_number_arrives_exact(surface_game):
    recorder_only(surface_game)
    got = surface_game.py("""
from ttminis import drawing, screen
ctx = screen.context()
fast = drawing._js()["fast"]         # CPython's layout checked: JavaScript reads the list in the wasm memory
ctx.save()
ctx.setTransform(True, False, 0, 1, 2 ** 40, -(2 ** 31))
first = ctx.getTransform()
ctx.setTransform(0.5, -2.5, 40000, 7, 2 ** 100, -1)  # 2 ** 100: an int JavaScript does not decode: packed
second = ctx.getTransform()
ctx.restore()
return [fast, [first.a, first.b, first.e, first.f], [second.a, second.b, second.c, second.d, second.e, second.f]]
""")
    assert got == [True, [1, 0, 2 ** 40, -(2 ** 31)], [0.5, -2.5, 40000, 7, 2.0 ** 100, -1]], got


def test_recorder_an_offscreen_canvas_records_into_the_same_buffer_in_order(surface_game):
    recorder_only(surface_game)
    if not hasattr(surface_game, "page"):
        # Native: the game's first createCanvas() is the screen (the next test's), and the simulator's canvas
        # (@napi-rs/canvas) draws a canvas source lazily: the same calls made directly in JavaScript show the
        # offscreen canvas's later red at both places. Only a real canvas can tell.
        pytest.skip("checked on Chromium's real canvas")
    got = surface_game.py(CLEAR + """
from ttminis import drawing
off = drawing.Canvas(js.document.createElement("canvas"))
off.width, off.height = 20, 20
octx = off.getContext("2d")
octx.fillStyle = "#00ff00"
octx.fillRect(0, 0, 20, 20)
ctx.drawImage(off, 0, 0)                 # the screen gets the green square...
octx.fillStyle = "#ff0000"
octx.fillRect(0, 0, 20, 20)              # ...before the offscreen canvas turns red
ctx.drawImage(off, 20, 0)
return [octx is off.getContext("2d"), octx.slot > 0, drawing.recorded() > 0]
""")
    assert got == [True, True, True]
    seen = [pixel(surface_game, 10, 10), pixel(surface_game, 50, 10)]
    assert seen == [GREEN, RED], seen
