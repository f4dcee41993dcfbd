"""The server half's pytest fixtures, from a user's own session (the plugin is registered by
installing ttminis): usable as documented, and imported only when used."""
from tests.unit.test_pytest_plugin import run_pytest


def test_a_session_without_server_fixtures_imports_none_of_the_server_half(tmp_path):
    result = run_pytest(tmp_path, """
        import sys

        def test_nothing_heavy_was_imported(ttminis_wallet):
            heavy = [m for m in ("ttminis.server", "httpx", "starlette", "sqlalchemy", "uvicorn") if m in sys.modules]
            assert heavy == []
    """)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_server_fixtures_are_listed(tmp_path):
    result = run_pytest(tmp_path, "def test_x():\n    pass\n", "--fixtures")
    for fixture in ("ttminis_fake_tiktok", "ttminis_backend", "ttminis_backend_database", "ttminis_backend_settings"):
        assert fixture in result.stdout


def test_a_users_game_code_buys_through_the_backend_fixture(tmp_path):
    result = run_pytest(tmp_path, """
        import pytest
        from sqlalchemy import text
        from ttminis.game_server import GameServer

        @pytest.fixture
        def ttminis_backend_settings():
            def grant(g):
                g.connection.execute(text("CREATE TABLE IF NOT EXISTS owned (player TEXT, item TEXT)"))
                g.connection.execute(text("INSERT INTO owned VALUES (:p, :i)"), {"p": g.open_id, "i": g.product_id})
            return {"grant": grant,
                    "catalogue": {"gem": {"id": "gem", "name": "Gem", "price": 7}}}

        def test_buy_a_gem(ttminis_wallet, ttminis_fake_tiktok, ttminis_backend):
            ttminis_wallet.use_order_book(ttminis_fake_tiktok.url, player="me")
            ttminis_wallet.allow_requests(ttminis_backend.url)
            server = GameServer(ttminis_backend.url)

            async def buy():
                await server.login()
                return await server.buy("gem")
            assert ttminis_wallet.run(buy)["status"] == "granted"
            assert ttminis_wallet.balance == 93
            with ttminis_backend.store.engine.connect() as conn:
                assert conn.execute(text("SELECT player, item FROM owned")).all() == [("me", "gem")]
    """)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
