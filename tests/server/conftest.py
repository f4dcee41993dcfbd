"""The server half's suites run on both databases.

``database_url`` is parametrized: a temporary SQLite file, and a fresh database on the PostgreSQL
server named by ``TTMINIS_TEST_POSTGRES_URL`` (``make test`` starts a throwaway one and sets it).
Without that variable the PostgreSQL cases are skipped with a reason, unless
``TTMINIS_REQUIRE_POSTGRES=1`` (set by ``make test``, so CI never skips them silently), which
turns the missing server into a failure.
"""
import os

import pytest

from ttminis.server.fake_tiktok import FakeTikTokServer
from ttminis.server.testing import fresh_postgres_database

POSTGRES_ENV = "TTMINIS_TEST_POSTGRES_URL"


def postgres_server_url():
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    if os.environ.get("TTMINIS_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{POSTGRES_ENV} is not set but TTMINIS_REQUIRE_POSTGRES=1: run the tests with "
                    "`make test` (it installs and starts PostgreSQL) or set the variable", pytrace=False)
    pytest.skip(f"PostgreSQL cases need {POSTGRES_ENV} (make test sets it)")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty database of each kind, as a URL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'orders.db'}"
        return
    with fresh_postgres_database(postgres_server_url()) as url:
        yield url


@pytest.fixture
def tiktok():
    """A fake TikTok server whose retries never wait long."""
    with FakeTikTokServer(retry_delays=(0.05, 0.1, 0.2, 0.4)) as server:
        yield server
