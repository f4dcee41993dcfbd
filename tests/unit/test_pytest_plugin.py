"""The pytest plugin stays out of the way of sessions that don't use its browser fixtures."""
import subprocess
import sys
import textwrap
from pathlib import Path


def run_pytest(tmp_path, source, *args):
    (tmp_path / "test_user.py").write_text(textwrap.dedent(source))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args,
                           str(tmp_path / "test_user.py")], cwd=tmp_path, capture_output=True, text=True)


def test_a_session_without_browser_fixtures_imports_no_browser_tooling(tmp_path):
    result = run_pytest(tmp_path, """
        import sys

        def test_plain():
            assert 1 + 1 == 2

        def test_nothing_heavy_was_imported():
            heavy = [m for m in ("playwright", "selenium", "ttminis.build", "ttminis.simulator") if m in sys.modules]
            assert heavy == []
    """)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_the_plugin_is_registered_and_its_fixtures_are_listed(tmp_path):
    result = run_pytest(tmp_path, "def test_x():\n    pass\n", "--fixtures")
    assert result.returncode == 0, result.stderr
    for fixture in ("ttminis_wallet", "ttminis_page", "ttminis_driver", "ttminis_native", "ttminis_native_setup",
                    "ttminis_game_dir", "ttminis_runtime"):
        assert fixture in result.stdout


def test_wallet_fixture_works_in_a_users_session(tmp_path):
    result = run_pytest(tmp_path, """
        from ttminis import game

        def test_pay(ttminis_wallet):
            order = ttminis_wallet.create_order(30)
            assert ttminis_wallet.run(lambda: game.pay(order)) == {}
            assert ttminis_wallet.balance == 70
    """)
    assert result.returncode == 0, result.stdout + result.stderr


def test_test_order_is_unchanged_when_no_test_uses_the_driver(tmp_path):
    result = run_pytest(tmp_path, """
        def test_b(): pass
        def test_a(): pass
        def test_c(): pass
    """, "-vv")
    order = [line.split("::")[1].split()[0] for line in result.stdout.splitlines() if "::test_" in line]
    assert order == ["test_b", "test_a", "test_c"]


def test_each_wallet_test_starts_from_a_clean_shim(tmp_path):
    result = run_pytest(tmp_path, """
        import asyncio
        from ttminis import game

        def test_a_pay_left_unanswered(ttminis_wallet):
            order = ttminis_wallet.create_order(10)         # fake-order-1
            ttminis_wallet.script("pay", outcome="never")
            game.on_hide(lambda payload: None)

            async def start_and_leave():
                game.pay(order)
                await asyncio.sleep(0)
            ttminis_wallet.run(start_and_leave)

        def test_the_next_test_pays_the_same_order_id(ttminis_wallet):
            order = ttminis_wallet.create_order(10)         # fake-order-1 again
            assert ttminis_wallet.run(lambda: game.pay(order)) == {}
            game.on_hide(lambda payload: None)
            assert ttminis_wallet.listener_count("Hide") == 1
    """)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_a_prebuilt_bundle_refuses_a_runtime_it_was_not_built_for(tmp_path):
    from ttminis.build import build
    bundle = build(Path(__file__).parents[1] / "browser" / "harness_game", tmp_path / "bundle",
                   runtime="brython", log=lambda *_: None).out
    result = run_pytest(tmp_path, """
        import pytest

        @pytest.mark.parametrize("ttminis_runtime", ["pyodide"])
        def test_on_pyodide(ttminis_page):
            pass

        def test_runtime_defaults_to_the_bundles(ttminis_runtime):
            assert ttminis_runtime == "brython"
    """, "--ttminis-game", str(bundle), "-rE")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 passed, 1 error" in result.stdout
    assert "ttminis_runtime is 'pyodide', but" in result.stdout and "built for 'brython'" in result.stdout
    assert "chromium" not in result.stdout.lower(), "refused before any browser started"
