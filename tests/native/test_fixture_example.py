"""The README's ``ttminis_native`` example, run as written: a user's own game (tap_game/) tested on
TikTok's native runtime in the strict simulator."""
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def ttminis_game_dir():
    return Path(__file__).parent / "tap_game"      # in your project: --ttminis-game mygame


def test_a_tap_counts_and_the_best_survives_a_restart(ttminis_native):
    ttminis_native.wait_for("ttminisLoader.surface.description.text === '0 taps'")
    ttminis_native.tap(*ttminis_native.button("Tap me"))
    ttminis_native.wait_for("ttminisLoader.surface.description.values.taps === 1")
    ttminis_native.restart()                       # the writable folder is kept, as on a phone
    assert ttminis_native.description()["values"] == {"taps": 0, "best": 1}


def test_the_screen_shows_the_button(ttminis_native):
    x, y = ttminis_native.button("Tap me")
    ttminis_native.run_frames(1)
    r, g, b, _ = ttminis_native.fake("Array.from(ttminisLoader.surface.context()"
                                     ".getImageData(arg[0] * 2, arg[1] * 2, 1, 1).data)", [x, y])
    assert (r, g, b) == (0xE9, 0xC4, 0x6A)


def test_hidden_it_draws_nothing(ttminis_native):
    ttminis_native.hide()
    assert ttminis_native.session.report()["pendingFrames"] == 0
    ttminis_native.show()
    ttminis_native.run_frames(2)


def test_a_forbidden_access_or_a_console_error_fails_the_test_and_keeps_the_last_frame(tmp_path):
    """A user's session: the game calls eval (forbidden on the native runtime) when tapped."""
    import subprocess
    import sys
    import textwrap
    game = tmp_path / "evil_game"
    game.mkdir()
    (game / "main.py").write_text(textwrap.dedent("""
        import js
        from ttminis import screen, touch
        ctx = screen.context()
        ctx.fillStyle = "#ff0000"
        ctx.fillRect(0, 0, 390, 844)
        touch.on_end(lambda event: js.eval("1 + 1"))
    """))
    (tmp_path / "test_user.py").write_text(textwrap.dedent("""
        def test_tapping(ttminis_native):
            ttminis_native.tap(10, 10)
    """))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--ttminis-game",
                             str(game), "--ttminis-artifacts", str(tmp_path / "artifacts"), "test_user.py"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 passed, 1 error" in result.stdout
    assert "violation: eval: eval() was called" in result.stdout
    assert "console error: ttminis: exception in your callback" in result.stdout
    (frame,) = (tmp_path / "artifacts").glob("*.png")
    assert frame.name == "test_tapping-native.png" and frame.read_bytes()[:4] == b"\x89PNG"
