"""The game surface's contract (``ttminis.screen``, ``touch``, ``frames``, ``images``, ``sound``,
``files``): the same tests, run on html in Chromium on both runtimes
(``tests/browser/test_surface_html.py``) and on native in the strict simulator
(``tests/native/test_surface_native.py``).

Each test takes ``surface_game``, the harness game (``tests/browser/harness_game``) loaded on one
target and runtime, 390 x 844 CSS pixels at pixel ratio 2, behind this small driver:

    runtime                     "pyodide" or "brython"
    py(source)                  run an async function body in the game (``state`` persists); its value,
                                or ``PythonRaised``
    js(expression)              a JS expression's value (the page, or the realm)
    press(x, y) / move(x, y) / release(x, y) / cancel(x, y)     one finger (the mouse on html)
    hide() / show()             TikTok's onHide / onShow
    frames(n)                   let n animation frames pass
    restart(quota=None)         the game starts again; the writable folder is kept (``quota`` bytes of
                                storage left, None: as much as the target has)
    sound_events()              [(event, src)] of the game's sounds: play, pause, stop
    stored(name)                the text the target's store holds for the writable folder's ``name``
    take_problems()             console errors, uncaught errors and violations so far, then forgets them
"""
import pytest

W, H, RATIO = 390, 844, 2


class PythonRaised(AssertionError):
    """The Python snippet raised; ``.info`` has type, message and TTMinisError fields."""

    def __init__(self, info):
        super().__init__(f"{info.get('type')}: {info.get('message')}")
        self.info = info


def expect_raises(surface_game, source):
    with pytest.raises(PythonRaised) as caught:
        surface_game.py(source)
    return caught.value.info


def test_the_screen_is_the_window_at_the_device_pixel_ratio(surface_game):
    got = surface_game.py("""
from ttminis import screen
return [list(screen.size()), screen.pixel_ratio(), screen.canvas().width, screen.canvas().height]
""")
    assert got == [[W, H], RATIO, W * RATIO, H * RATIO]


def test_drawing_is_in_css_pixels_and_sharp(surface_game):
    surface_game.py("""
from ttminis import screen
ctx = screen.context()
ctx.fillStyle = "#00ff00"
ctx.fillRect(10, 20, 5, 5)
""")
    inside = surface_game.js("Array.from(ttminisLoader.surface.context().getImageData(22, 42, 1, 1).data)")
    outside = surface_game.js("Array.from(ttminisLoader.surface.context().getImageData(32, 42, 1, 1).data)")
    assert inside[:3] == [0, 255, 0]          # CSS (11, 21) is device (22, 42)
    assert outside[:3] != [0, 255, 0]


TOUCH_RECORDER = """
from ttminis import touch
events = state.setdefault("touches", [])
def record(kind):
    def listener(event):
        events.append([kind, event])
    return listener
state["listeners"] = {kind: record(kind) for kind in ("start", "move", "end", "cancel")}
touch.on_start(state["listeners"]["start"])
touch.on_move(state["listeners"]["move"])
touch.on_end(state["listeners"]["end"])
touch.on_cancel(state["listeners"]["cancel"])
"""
TOUCH_CLEANUP = """
from ttminis import touch
touch.off_start(); touch.off_move(); touch.off_end(); touch.off_cancel()
state["touches"] = []
"""


def touches(surface_game):
    return surface_game.py("return state['touches']")


def test_a_press_drag_and_release_arrive_in_tiktoks_touch_shape(surface_game):
    surface_game.py(TOUCH_RECORDER)
    try:
        surface_game.press(100, 200)
        surface_game.move(120, 230)
        surface_game.release(120, 230)
        surface_game.py("await until(lambda: len(state['touches']) >= 3)")
        (start, start_event), (move, move_event), (end, end_event) = touches(surface_game)
        assert [start, move, end] == ["start", "move", "end"]
        finger = start_event["changedTouches"][0]["identifier"]
        assert start_event["touches"] == start_event["changedTouches"] == [
            {"identifier": finger, "clientX": 100, "clientY": 200}]
        assert move_event["changedTouches"] == [{"identifier": finger, "clientX": 120, "clientY": 230}]
        assert end_event["touches"] == [], "the finger that left is no longer down"
        assert end_event["changedTouches"] == [{"identifier": finger, "clientX": 120, "clientY": 230}]
        assert all(isinstance(e["timeStamp"], (int, float)) for _, e in touches(surface_game))
    finally:
        surface_game.py(TOUCH_CLEANUP)


def test_a_cancelled_touch_and_a_removed_listener(surface_game):
    surface_game.py(TOUCH_RECORDER)
    try:
        surface_game.press(50, 60)
        surface_game.cancel(50, 60)
        surface_game.py("await until(lambda: len(state['touches']) >= 2)")
        assert [kind for kind, _ in touches(surface_game)] == ["start", "cancel"]
        surface_game.py("from ttminis import touch\ntouch.off_start(state['listeners']['start'])")
        surface_game.press(70, 80)
        surface_game.release(70, 80)
        surface_game.py("await until(lambda: len(state['touches']) >= 3)")
        assert [kind for kind, _ in touches(surface_game)] == ["start", "cancel", "end"]
    finally:
        surface_game.py(TOUCH_CLEANUP)


FRAME_COUNTER = """
from ttminis import frames
state["times"] = []
def count(time):
    state["times"].append(time)
frames.start(count, pause_when_hidden={pause})
"""


def frame_count(surface_game):
    return surface_game.py("return len(state['times'])")


def test_the_frame_loop_calls_python_with_the_frame_time_until_stopped(surface_game):
    surface_game.py(FRAME_COUNTER.format(pause=True))
    surface_game.frames(4)
    times = surface_game.py("return state['times']")
    assert len(times) >= 3
    assert all(isinstance(t, (int, float)) for t in times) and times == sorted(times)
    assert surface_game.py("from ttminis import frames\nreturn frames.running()") is True
    surface_game.py("from ttminis import frames\nframes.stop()")
    stopped_at = frame_count(surface_game)
    surface_game.frames(3)
    assert frame_count(surface_game) == stopped_at
    assert surface_game.py("from ttminis import frames\nreturn frames.running()") is False


def test_frames_pause_while_hidden_and_resume_on_show(surface_game):
    surface_game.py(FRAME_COUNTER.format(pause=True))
    try:
        surface_game.frames(2)
        surface_game.hide()
        hidden_at = frame_count(surface_game)
        surface_game.frames(4)
        assert frame_count(surface_game) == hidden_at, "no frame runs while hidden"
        assert surface_game.py("from ttminis import frames\nreturn frames.running()") is True
        surface_game.show()
        surface_game.frames(3)
        assert frame_count(surface_game) > hidden_at
    finally:
        surface_game.show()
        surface_game.py("from ttminis import frames\nframes.stop()")


def test_frames_keep_running_while_hidden_when_the_game_says_so(surface_game):
    surface_game.py(FRAME_COUNTER.format(pause=False))
    try:
        surface_game.hide()
        hidden_at = frame_count(surface_game)
        surface_game.frames(3)
        assert frame_count(surface_game) > hidden_at
    finally:
        surface_game.show()
        surface_game.py("from ttminis import frames\nframes.stop()")


def test_a_frame_that_raises_shows_the_error_screen_once_and_stops_the_loop(surface_game):
    before = len(surface_game.js("ttminisLoader.errors"))
    surface_game.py("""
from ttminis import frames
state["calls"] = 0
def broken(time):
    state["calls"] += 1
    if state["calls"] == 2:
        raise ValueError("the second frame broke")
frames.start(broken)
""")
    surface_game.frames(6)
    assert surface_game.py("return state['calls']") == 2
    assert surface_game.py("from ttminis import frames\nreturn frames.running()") is False
    errors = surface_game.js("ttminisLoader.errors")[before:]
    assert len(errors) == 1
    assert "exception in your frame function 'broken'" in errors[0]
    assert "ValueError: the second frame broke" in errors[0]
    # The error screen leads with the exception and the game's own frame; ttminis's frames come after.
    shown = errors[0]
    assert shown.index("ValueError: the second frame broke") < shown.index("In your code") \
        < shown.index("in broken") < shown.index("Traceback (most recent call last)")
    assert "frames.py" not in shown[:shown.index("Traceback (most recent call last)")]
    problems = surface_game.take_problems()        # logged (once by ttminis, once by the error screen)
    assert problems and all("the second frame broke" in p for p in problems), problems


def test_an_image_from_assets_loads_and_draws(surface_game):
    got = surface_game.py("""
from ttminis import images, screen
dot = images.load("assets/dot.png")
await dot.loaded()
screen.context().clearRect(0, 0, 100, 100)
return [dot.ready, dot.failed, dot.width, dot.height, dot.draw(0, 0, 40, 40)]
""")
    assert got == [True, False, 8, 8, True]
    red = surface_game.js("Array.from(ttminisLoader.surface.context().getImageData(40, 40, 1, 1).data)")
    assert red[:3] == [255, 0, 0]


def test_a_missing_image_fails_clearly(surface_game):
    info = expect_raises(surface_game, """
from ttminis import images
missing = images.load("assets/missing.png")
state["missing"] = missing
await missing.loaded()
""")
    assert info["type"] in ("OSError", "IOError") and "assets/missing.png" in info["message"]
    assert surface_game.py("m = state['missing']\nreturn [m.ready, m.failed, m.draw(0, 0)]") == [False, True, False]
    problems = surface_game.take_problems()        # logged (and the browser logs its 404)
    assert any("image assets/missing.png could not be loaded" in p for p in problems), problems
    assert all("missing.png" in p or "404" in p for p in problems), problems
    info = expect_raises(surface_game, "from ttminis import images\nimages.load('dot.png')")
    assert info["type"] == "ValueError" and "assets/" in info["message"]


def test_a_sound_plays_stops_and_is_muted_while_hidden(surface_game):
    surface_game.py("""
from ttminis import sound
state["music"] = sound.load("assets/beep.wav", loop=True, volume=0.5)
state["beep"] = sound.load("assets/beep.wav")
state["music"].play()
""")
    try:
        assert surface_game.py("return [state['music'].playing, state['music'].loop, state['music'].volume]") \
            == [True, True, 0.5]
        surface_game.hide()
        surface_game.py("state['beep'].play()")        # played while hidden: dropped
        assert surface_game.py("return [state['music'].playing, state['beep'].playing]") == [True, False]
        surface_game.show()
        surface_game.py("state['music'].stop()")
        assert surface_game.py("return state['music'].playing") is False
        events = [("pause" if event == "stop" else event)          # an html <audio> stops by pausing
                  for event, src in surface_game.sound_events() if src.endswith("assets/beep.wav")]
        assert events == ["play", "pause", "play", "pause"], \
            "music paused on hide, resumed on show, then stopped; the beep played while hidden never sounded"
    finally:
        surface_game.show()
        surface_game.py("state['music'].release()\nstate['beep'].release()")


def test_open_reads_the_games_files_and_its_assets(surface_game):
    got = surface_game.py("""
with open("assets/level.txt") as f:
    level = f.read()
with open("data/notes.txt") as f:
    notes = f.read()
return [level, notes]
""")
    assert got == ["level one\n", "notes of the game\n"]


def test_the_writable_folder_survives_a_restart(surface_game):
    surface_game.py("""
from ttminis import files
files.write_text("slots/1.txt", "level 3")
files.write_bytes("raw.bin", bytes([0, 1, 254, 255]))
""")
    surface_game.restart()
    got = surface_game.py("""
from ttminis import files
return [files.names(), files.read_text("slots/1.txt"), list(files.read_bytes("raw.bin")), files.exists("nope.txt")]
""")
    assert got == [["raw.bin", "slots/1.txt"], "level 3", [0, 1, 254, 255], False]
    assert surface_game.py("""
from ttminis import files
gone = [files.remove("raw.bin"), files.remove("raw.bin")]
files.remove("slots/1.txt")
return gone + [files.names()]
""") == [True, False, []]
    info = expect_raises(surface_game, "from ttminis import files\nfiles.read_text('raw.bin')")
    assert info["type"] == "FileNotFoundError" and "raw.bin" in info["message"]
    info = expect_raises(surface_game, "from ttminis import files\nfiles.write_text('../escape.txt', 'x')")
    assert info["type"] == "ValueError" and "'..'" in info["message"]


def test_files_written_with_open_are_saved_on_hide(surface_game):
    if surface_game.runtime == "brython":      # no file system: the write_* functions only
        info = expect_raises(surface_game, "from ttminis import files\nfiles.path('replay.txt')")
        assert info["type"] == "NotImplementedError" and "Brython" in info["message"]
        return
    assert surface_game.py("""
from ttminis import files
with open(files.path("replay.txt"), "w") as f:
    f.write("left, right, jump")
return files.path()
""") == "/data"
    assert surface_game.stored("replay.txt") is None, "plain open() writes stay in memory until a flush"
    surface_game.hide()
    surface_game.show()
    try:
        assert surface_game.stored("replay.txt") == "left, right, jump"
    finally:
        surface_game.py("from ttminis import files\nfiles.remove('replay.txt')")


def test_when_storage_is_full_a_write_raises_enospc_and_the_saved_copy_stays(surface_game):
    surface_game.py("from ttminis import files\nfiles.write_text('save.txt', 'v1')")
    surface_game.restart(quota=4096)
    try:
        info = expect_raises(surface_game, "from ttminis import files\nfiles.write_text('save.txt', 'v2' * 5000)")
        assert info["type"] == "StorageError" and "OSError" in info["mro"], info
        assert info["message"].startswith("[Errno 28] ") and "storage" in info["message"], info
        assert "is full (save.txt, 10000 bytes)" in info["message"], info
        assert surface_game.py("""
from ttminis import files
try:
    files.write_text('save.txt', 'v3' * 5000)
except OSError as e:
    return [e.errno, e.errno == files.ENOSPC]
""") == [28, True]
        assert surface_game.stored("save.txt") == "v1", "the saved copy is whole and unchanged"
    finally:
        surface_game.restart()
        surface_game.py("from ttminis import files\nfiles.remove('save.txt')")
