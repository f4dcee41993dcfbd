"""The proof: seeded, deterministic purchase histories against the real backend on both databases.

``simulation.py`` generates each history from its seed (orders, payments succeeding, failing and
cancelled, deliveries duplicated, reordered, stale, held and retried, refunds before and after the
redeem and partial, TikTok's 50001000/429/timeouts, expiring and rotating tokens under concurrent
refreshes, a backend process killed at each checkpoint of intake, order creation and refresh or
inside the grant transaction, two backend processes on one database) and checks issue 20's
invariants after each. A failing history names its seed; ``TTMINIS_SIM_SEED=<seed>`` replays it
(``-k replay``). CI runs a fixed ``HISTORIES`` per database (``TTMINIS_SIM_HISTORIES`` overrides);
``bench/server_simulation.py`` runs many more.
"""
import os

import pytest

from ttminis.server.store import Store

from conftest import postgres_server_url
from simulation import HistoryFailed, Stats, dispose_reset_engines, reset_postgres, run_history

# CI's fixed seeds per database, sized to CI's time budget for this issue (about 3 minutes in all):
# PostgreSQL's histories cost about twice SQLite's. TTMINIS_SIM_HISTORIES=N sets both.
HISTORIES = {"sqlite": 1000, "postgresql": 300}
if os.environ.get("TTMINIS_SIM_HISTORIES"):
    HISTORIES = dict.fromkeys(HISTORIES, int(os.environ["TTMINIS_SIM_HISTORIES"]))


def sqlite_url(tmp_path, seed):
    """A fresh SQLite file per history, on tmpfs when there is one (the histories' writes are many)."""
    folder = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else str(tmp_path)
    path = os.path.join(folder, f"ttminis-sim-{os.getpid()}-{seed}.db")
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return "sqlite:///" + path


def cleanup_sqlite(url):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(url[len("sqlite:///"):] + suffix):
            os.remove(url[len("sqlite:///"):] + suffix)


@pytest.fixture(params=["sqlite", "postgresql"])
def history_database(request, tmp_path):
    """Yields ``url_for(seed)``: an empty database for one history."""
    request.node.histories = HISTORIES[request.param]
    if request.param == "sqlite":
        made = []

        def url_for(seed):
            made.append(sqlite_url(tmp_path, seed))
            return made[-1]
        yield url_for
        for url in made:
            cleanup_sqlite(url)
        return
    from ttminis.server.testing import fresh_postgres_database
    with fresh_postgres_database(postgres_server_url()) as url:
        def url_for(seed):
            reset_postgres(url)
            return url
        yield url_for
        dispose_reset_engines()


def run_many(url_for, seeds, stop_after=3):
    total, failures = Stats(histories=0), []
    for seed in seeds:
        url = url_for(seed)
        try:
            total.add(run_history(seed, url))
        except HistoryFailed as e:
            failures.append(str(e))
            if len(failures) >= stop_after:
                break
        finally:
            if url.startswith("sqlite:///"):
                cleanup_sqlite(url)
    return total, failures


def test_seeded_histories_keep_every_invariant(history_database, request):
    count = request.node.histories
    total, failures = run_many(history_database, range(count))
    assert not failures, "\n\n".join(failures)
    print(f"\n{total}")
    # the histories exercised what they claim to (so a quiet generator cannot pass by doing nothing)
    assert total.histories == count
    if count >= 200:
        assert min(total.crashes, total.stale_deliveries, total.duplicate_deliveries, total.refunds_before_redeem,
                   total.concurrent_steps, total.tiktok_faults, total.hook_failures, total.rotations) > 0, total


def test_a_history_replays_exactly(tmp_path):
    first = run_history(11, sqlite_url(tmp_path, "a"))
    second = run_history(11, sqlite_url(tmp_path, "b"))
    assert first.fingerprint == second.fingerprint and first == second
    assert run_history(12, sqlite_url(tmp_path, "c")).fingerprint != first.fingerprint


def test_the_simulation_finds_a_refund_that_came_before_its_redeem_being_ignored(tmp_path, monkeypatch):
    """The simulation can fail: with finding 2 put back (the redeem ignores earlier refunds) some
    history in the first hundred reports it, naming its seed."""
    import threading
    apply_refunds, redeem, inside = Store._apply_refunds, Store._redeem, threading.local()

    def redeem_ignoring_refunds(self, *args):
        inside.redeem = True
        try:
            return redeem(self, *args)
        finally:
            inside.redeem = False

    def apply_unless_redeeming(self, conn, order_id):
        return None if getattr(inside, "redeem", False) else apply_refunds(self, conn, order_id)
    monkeypatch.setattr(Store, "_redeem", redeem_ignoring_refunds)
    monkeypatch.setattr(Store, "_apply_refunds", apply_unless_redeeming)
    _total, failures = run_many(lambda seed: sqlite_url(tmp_path, seed), range(100), stop_after=1)
    assert failures and "history seed=" in failures[0] and "in order, TikTok's deliveries give refunded" in failures[0]
    assert "replay: TTMINIS_SIM_SEED=" in failures[0]



def test_a_history_runs_the_same_inside_a_session_that_already_runs_an_event_loop(tmp_path):
    """In the whole suite Playwright's sync API keeps an event loop running in the main thread (so this test
    makes its running loop in a thread of its own)."""
    import asyncio
    import concurrent.futures

    async def inside_a_running_loop():
        return run_history(11, sqlite_url(tmp_path, "inside"))

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        inside = pool.submit(lambda: asyncio.run(inside_a_running_loop())).result()
    assert inside.fingerprint == run_history(11, sqlite_url(tmp_path, "d")).fingerprint

@pytest.mark.skipif(not os.environ.get("TTMINIS_SIM_SEED"), reason="set TTMINIS_SIM_SEED=<seed> to replay one history")
def test_replay_one_history(history_database):
    seed = int(os.environ["TTMINIS_SIM_SEED"])
    print(run_history(seed, history_database(seed)))
