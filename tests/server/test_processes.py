"""Backend processes, crashed and shared: what TikTok's at-least-once delivery meets in production.

Each backend here is ``python -m ttminis.server serve`` in its own process on 127.0.0.1, talking to
the fake TikTok server; the grant hook (``process_hooks.py``) writes the game's inventory row.
"""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from ttminis.server.fake_tiktok import FakeTikTokServer
from ttminis.server.store import Store

HOOKS = Path(__file__).with_name("process_hooks.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BackendProcess:
    def __init__(self, tiktok, database_url, port, tmp_path, crash="", sweep_every="0"):
        self.url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "TIKTOK_CLIENT_KEY": tiktok.client_key, "TIKTOK_CLIENT_SECRET": tiktok.client_secret,
               "TTMINIS_TIKTOK_API": tiktok.url, "CRASH": crash}
        self.log = open(tmp_path / f"backend-{port}-{time.monotonic_ns()}.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ttminis.server", "serve", "--port", str(port), "--database", database_url,
             "--hooks", str(HOOKS), "--sweep-every", sweep_every], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:        # ready when /health answers (a condition, bounded)
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert self.process.poll() is None, Path(self.log.name).read_text()
            assert time.monotonic() < deadline, "the backend process did not start"
            time.sleep(0.05)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(10)
        self.log.close()


@pytest.fixture
def processes(tmp_path):
    started = []

    def start(*args, **kwargs):
        backend = BackendProcess(*args, tmp_path=tmp_path, **kwargs)
        started.append(backend)
        return backend
    yield start
    for backend in started:
        backend.stop()


def buy(tiktok, backend_url, open_id="player-1"):
    """Log in and create an order through a backend; returns the order."""
    http = httpx.Client(base_url=backend_url, timeout=10)
    session = http.post("/login", json={"code": tiktok.issue_code(open_id)}).json()["session"]
    response = http.post("/orders", json={"product_id": "sword"}, headers={"Authorization": f"Bearer {session}"})
    assert response.status_code == 201, response.text
    return response.json()


def inventory(database_url):
    store = Store(database_url)
    try:
        with store.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text("SELECT open_id, item FROM inventory"))]
    except Exception:
        return []
    finally:
        store.close()


def grants(database_url):
    store = Store(database_url)
    try:
        return store.count("ttminis_grants")
    finally:
        store.close()


@pytest.fixture
def slow_retrying_tiktok():
    """TikTok retries only when told to (``retry_now``): the test restarts the backend first."""
    with FakeTikTokServer(retry_delays=(3600,)) as tiktok:
        yield tiktok


@pytest.mark.parametrize("crash", ["after_commit", "before_commit"])
def test_a_crash_around_the_commit_then_tiktoks_retry_grants_exactly_once(
        processes, slow_retrying_tiktok, database_url, crash):
    tiktok = slow_retrying_tiktok
    port = free_port()
    tiktok.webhook_urls.append(f"http://127.0.0.1:{port}/webhook")
    doomed = processes(tiktok, database_url, port, crash=crash)
    order = buy(tiktok, doomed.url)
    tiktok.pay(order["trade_order_id"])
    assert doomed.process.wait(30) == 17                          # died inside the delivery
    tiktok.wait_for(lambda: len(tiktok.attempts()) == 1)
    assert tiktok.attempts()[0]["status"] is None                 # TikTok got no answer
    assert inventory(database_url) == ([("player-1", "sword")] if crash == "after_commit" else [])
    processes(tiktok, database_url, port)                         # the backend comes back
    tiktok.retry_now()
    tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
    assert inventory(database_url) == [("player-1", "sword")]
    assert grants(database_url) == 1


def test_50_concurrent_deliveries_across_two_processes_sharing_postgresql_grant_once(processes, tiktok, tmp_path):
    from tests.server.conftest import postgres_server_url
    from ttminis.server.testing import fresh_postgres_database
    with fresh_postgres_database(postgres_server_url()) as database_url:
        first, second = (processes(tiktok, database_url, free_port()) for _ in range(2))
        tiktok.webhook_urls.extend([first.url + "/webhook", second.url + "/webhook"])
        order = buy(tiktok, first.url)
        tiktok.plan(copies=50)
        tiktok.pay(order["trade_order_id"])
        tiktok.wait_for(tiktok.settled, timeout=60)
        assert all(d.acknowledged for d in tiktok.deliveries)
        assert {a["status"] for a in tiktok.attempts()} == {200}
        assert {a["url"] for a in tiktok.attempts()} == {first.url + "/webhook", second.url + "/webhook"}
        assert inventory(database_url) == [("player-1", "sword")] and grants(database_url) == 1
        for backend in (first, second):
            backend.stop()


def test_stopping_the_postgres_runner_stops_its_server():
    from ttminis.server.testing import postgres_available
    if not postgres_available():
        pytest.skip("PostgreSQL's server programs are not installed")
    runner = subprocess.Popen([sys.executable, "-m", "ttminis.server", "postgres", "--", sys.executable, "-c",
                               "import sys; sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    line = runner.stdout.readline()           # printed once the server accepts connections
    assert line.startswith("[ttminis] throwaway PostgreSQL at postgresql://"), line
    port = int(line.rsplit(":", 1)[1].split("/")[0])
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
    runner.terminate()
    assert runner.wait(timeout=60) == 128 + 15
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
