"""The pytest plugin stays out of the way of sessions that don't use its browser fixtures."""
import subprocess
import sys
import textwrap


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
