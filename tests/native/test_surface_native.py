"""The game surface on TikTok's native runtime: the shared contract (tests/shared/surface_contract.py) in
the strict simulator, plus what only native has (TikTok's touch listeners, the error screen sharing
the game's canvas, USER_DATA_PATH, the first createCanvas()).

The browser suites' harness game is built for ``--target native`` and run in one simulator session
per engine (a 390 x 844 phone at pixel ratio 2); ``restart`` starts a new one on the same user-data
folder. Any violation, uncaught error or console error a test does not expect fails it. Every test runs on
the three engines (node, jsc, jsc-nojit); those that read pixels run on node only (jsc keeps none).
"""
import ast
import shutil
import tempfile
from pathlib import Path

import pytest

from ttminis.build import build
from ttminis.simulator import ENGINES, READY, Session

from tests.shared import surface_soak
from tests.shared.surface_contract import *  # noqa: F401,F403  (the contract's tests run here)
from tests.shared.drawing_contract import *  # noqa: F401,F403  (drawing's contract runs here too)
from tests.shared.surface_contract import PythonRaised

HARNESS = Path(__file__).resolve().parents[1] / "browser" / "harness_game"


class NativeSurface:
    """The harness game in the strict simulator, behind the contract's driver (see surface_contract.py)."""

    runtime = "pyodide"

    def __init__(self, package, engine="node"):
        self.package = package
        self.engine = engine
        self.user_data = Path(tempfile.mkdtemp(prefix="ttminis-surface-"))
        self.session = None
        self.seen = 0
        self.restart()

    def restart(self, quota=None):
        if self.session is not None:
            self.session.close()
        self.session = Session(self.package, user_data=self.user_data, user_data_quota=quota, engine=self.engine)
        self.session.wait_for(READY)
        self.session.wait_for("typeof ttminisHarness !== 'undefined'")
        self.seen = 0

    def py(self, source):
        text = self.session.eval(f"new Promise((resolve) => ttminisHarness.run({source!r}, resolve))")
        result = ast.literal_eval(text)
        if not result["ok"]:
            raise PythonRaised(result)
        return result["value"]

    def js(self, expression):
        return self.session.eval(expression)

    def press(self, x, y):
        self.session.touch("start", [(x, y)])

    def move(self, x, y):
        self.session.touch("move", [(x, y)])

    def release(self, x, y):
        self.session.touch("end", [(x, y)])

    def cancel(self, x, y):
        self.session.touch("cancel", [(x, y)])

    def hide(self):
        self.session.hide()

    def show(self):
        self.session.show()

    def frames(self, n):
        self.session.run_frames(n)

    def sound_events(self):
        return [(s["event"], s["src"]) for s in self.session.report()["sounds"]]

    def stored(self, name):
        path = self.user_data / name
        return path.read_text() if path.is_file() else None

    def take_problems(self):
        report = self.session.report()
        found = ([f"violation: {v['kind']}: {v['detail']}" for v in report["violations"]]
                 + [f"uncaught error ({e['where']}): {e['error']}" for e in report["errors"]]
                 + [f"console error: {c['text']}" for c in report["console"] if c["level"] == "error"])
        fresh, self.seen = found[self.seen:], len(found)
        return fresh

    def close(self):
        self.session.close()
        shutil.rmtree(self.user_data, ignore_errors=True)


# The contract's tests that read pixels back from the canvas: node only.
READS_PIXELS = {"test_drawing_is_in_css_pixels_and_sharp", "test_an_image_from_assets_loads_and_draws"}
# Drawing's tests that need a real canvas (pixels, colours as the canvas says them, a call it refuses): node
# only. On jsc the order of what reaches the context is checked with a call log (the *_call_log test).
READS_PIXELS |= {
    "test_every_draw_reaches_the_canvas_in_order_before_a_read_from_python",
    "test_drawing_reaches_the_canvas_without_a_read_before_javascript_looks",
    "test_a_property_read_is_what_the_canvas_says",
    "test_measure_text_and_is_point_in_path_see_what_was_set_before",
    "test_nothing_is_drawn_that_the_canvas_would_not_draw", "test_a_gradient_made_from_python_fills",
    "test_setting_the_canvas_width_clears_it_after_what_was_drawn_before",
    "test_an_image_drawn_with_image_draw_and_draw_image_in_order", "test_text_is_drawn",
    "test_recorder_many_sprites_in_one_batch_call",
    "test_recorder_a_call_the_canvas_refuses_when_replayed_raises_at_the_next_flush",
    "test_recorder_a_refused_call_in_a_frame_stops_the_loop_naming_the_call",
    "test_recorder_arguments_it_cannot_encode_go_directly_as_javascript_would_take_them",
}


@pytest.fixture(scope="module")
def _harness_package(native_dist):
    return build(HARNESS, native_dist / "harness-native", target="native", log=lambda *_: None).out


@pytest.fixture(scope="module", params=ENGINES)
def _native_surface(_harness_package, request):
    game = NativeSurface(_harness_package, request.param)
    yield game
    game.close()


@pytest.fixture
def surface_game(_native_surface, request):
    if _native_surface.engine != "node" and request.node.originalname in READS_PIXELS:
        pytest.skip(f"{_native_surface.engine} keeps no pixels (checked on node)")
    _native_surface.take_problems()
    yield _native_surface
    problems = _native_surface.take_problems()
    assert not problems, "\n".join(problems)


# ---- what only native has -------------------------------------------------------------------------------

def test_touches_come_from_tiktoks_listeners(surface_game):
    surface_game.py("from ttminis import touch\nstate['ends'] = []\n"
                    "touch.on_end(lambda e: state['ends'].append(e['changedTouches'][0]['identifier']))")
    try:
        counts = surface_game.js("['Start', 'Move', 'End', 'Cancel'].map((k) => TTMinisFake.listenerCount('Touch' + k))")
        assert counts == [1, 1, 1, 1], "ttminis listens to each of TikTok's four once, for all its listeners"
        surface_game.session.touch("start", [(10, 10, 7)])
        surface_game.session.touch("end", [(10, 10, 7)])
        assert surface_game.py("await until(lambda: state['ends'])\nreturn state['ends']") == [7]
    finally:
        surface_game.py("from ttminis import touch\ntouch.off_end()")


def test_the_screen_is_the_first_create_canvas_and_the_game_s_own_call_gets_it_too(surface_game):
    assert surface_game.py("""
from ttminis import screen
screen.context()
mine = js.TTMinis.game.createCanvas()
return [mine.width, mine.height, screen.canvas() == mine]
""") == [780, 1688, True]
    assert surface_game.session.report()["canvases"] == 1, "no second on-screen canvas"


def test_the_writable_folder_is_under_user_data_path(surface_game):
    surface_game.py("from ttminis import files\nfiles.write_text('nested/best.txt', '42')")
    try:
        assert (surface_game.user_data / "nested" / "best.txt").read_text() == "42"
        assert not list(surface_game.user_data.rglob("*.ttminis-partial")), "the temporary file was renamed"
        assert surface_game.py("from ttminis import files\nreturn files.path('nested/best.txt')") \
            == "/data/nested/best.txt"
    finally:
        surface_game.py("from ttminis import files\nfiles.remove('nested/best.txt')")
    assert not (surface_game.user_data / "nested" / "best.txt").exists()


# TikTok's touch events as the realm's fake delivers them, many per round trip to the simulator.
TOUCH_BURST = """(() => { for (let i = 0; i < COUNT; i++) {
  const point = {identifier: 3, clientX: 10 + i % 50, clientY: 20};
  TTMinisFake.trigger(['TouchStart', 'TouchMove', 'TouchEnd'][i % 3],
                      {touches: i % 3 === 2 ? [] : [point], changedTouches: [point], timeStamp: i});
} return COUNT; })()"""


def test_ten_thousand_frames_and_touches_leave_no_proxy(surface_game):
    if surface_game.engine == "jsc-nojit":
        pytest.skip("the soak runs on node and jsc (interpreted, 10,000 frames take 25 s: not for every CI run)")
    surface_game.py(surface_soak.SETUP)
    for _ in range(10):
        surface_game.frames(surface_soak.FRAMES // 10)
        surface_game.js(TOUCH_BURST.replace("COUNT", str(surface_soak.TOUCHES // 10)))
    surface_soak.check(surface_game.py(surface_soak.MEASURE), "native")
