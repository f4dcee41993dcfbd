"""docs/testing.md's ``ttminis_native`` example, run as written: the page's game (``mygame/main.py``)
tested by the page's tests (``tests/test_native.py``) on TikTok's native runtime in the strict simulator.
Both are read from the page, so the example a reader copies is the one that runs."""
import pytest

from tests.shared.docs import example_game, sample


@pytest.fixture(scope="session")
def ttminis_game_dir(tmp_path_factory):
    return example_game(tmp_path_factory)      # in your project: --ttminis-game mygame


exec(compile(sample("testing.md", "# tests/test_native.py"), "docs/testing.md:tests/test_native.py", "exec"))


def test_a_forbidden_access_or_a_console_error_fails_the_test_and_keeps_the_last_frame(tmp_path):
    """A user's session: the game calls eval (forbidden on the native runtime) when tapped, through a name the
    build's syntax-tree pass cannot see (a plain ``js.eval`` fails the build itself: tests/unit/test_build_checks.py)."""
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
        FORBIDDEN = "eval"         # a name held in a variable: the build's scan cannot see it, the simulator does
        touch.on_end(lambda event: getattr(js, FORBIDDEN)("1 + 1"))
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
