"""Seeded histories with real backend processes killed by SIGKILL at random moments of intake.

Each history runs two ``python -m ttminis.server serve`` processes on one database (SQLite or
PostgreSQL) behind the fake TikTok server over real HTTP; orders are bought through either, paid,
some refunded (partly or fully); a process is killed with SIGKILL right after a payment or refund
(its delivery in flight: before, during or after the inbox commit or the grant) and started
again on a new port, where TikTok's next attempts go. TikTok's retries do the rest. Then: every
paid order granted exactly once, every refund applied, the item taken back once exactly when the
recovered Beans reach the price.
"""
import os
import random
import signal

import httpx
import pytest
from sqlalchemy import text

from ttminis.server.fake_tiktok import FakeTikTokServer
from ttminis.server.store import Store

from test_processes import free_port, processes  # noqa: F401  (the fixture)

# Each history starts three or more real processes: 3 per database in CI's time budget;
# TTMINIS_SIGKILL_HISTORIES=10 runs the full 20 (10 per database).
HISTORIES = range(int(os.environ.get("TTMINIS_SIGKILL_HISTORIES", "3")))


def start(processes, tiktok, database_url):  # noqa: F811
    """A backend on a free port; another port if someone else took that one meanwhile (shared machine)."""
    for _attempt in range(5):
        port = free_port()
        try:
            return processes(tiktok, database_url, port), port
        except AssertionError as e:
            if "address already in use" not in str(e):
                raise
    raise AssertionError("no free port for a backend after 5 attempts")


def rows(database_url, query):
    store = Store(database_url)
    try:
        with store.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(query))]
    except Exception:          # the hook's table is made on the first grant
        return []
    finally:
        store.close()


@pytest.mark.parametrize("seed", HISTORIES)
def test_a_history_with_processes_killed_by_sigkill_keeps_every_invariant(processes, database_url, seed):  # noqa: F811
    rng = random.Random(seed)
    with FakeTikTokServer(retry_delays=(0.05, 0.1, 0.2, 0.4, 0.8, 1, 2, 2, 4, 4, 8, 8)) as tiktok:
        started = [start(processes, tiktok, database_url) for _ in range(2)]
        backends, ports = [b for b, _p in started], [p for _b, p in started]
        tiktok.webhook_urls.extend(f"http://127.0.0.1:{p}/webhook" for p in ports)
        sessions = {}
        for open_id in ("p1", "p2"):
            answer = httpx.post(backends[0].url + "/login", json={"code": tiktok.issue_code(open_id)}, timeout=10)
            sessions[open_id] = answer.json()["session"]
        paid, refunded = [], {}
        kills = 0
        for _step in range(rng.randint(4, 7)):
            i = rng.randrange(2)
            open_id = rng.choice(("p1", "p2"))
            answer = httpx.post(backends[i].url + "/orders", json={"product_id": rng.choice(("sword", "shield"))},
                                headers={"Authorization": "Bearer " + sessions[open_id]}, timeout=10)
            assert answer.status_code == 201, answer.text
            order = answer.json()
            if rng.random() < 0.15:
                continue                                         # never paid
            tiktok.pay(order["trade_order_id"])
            paid.append(order)
            if rng.random() < 0.4:
                part = rng.choice((order["amount"], order["amount"] // 2))
                tiktok.refund(order["trade_order_id"], part)
                refunded[order["trade_order_id"]] = refunded.get(order["trade_order_id"], 0) + part
            if rng.random() < 0.6:                               # kill one with its deliveries in flight
                victim = rng.randrange(2)
                os.kill(backends[victim].process.pid, signal.SIGKILL)
                backends[victim].stop()
                kills += 1
                # back on a new port: on a shared machine the old one may be taken meanwhile
                backends[victim], ports[victim] = start(processes, tiktok, database_url)
                tiktok.webhook_urls[victim] = f"http://127.0.0.1:{ports[victim]}/webhook"
                tiktok.retry_now()
        tiktok.retry_now()
        tiktok.wait_for(tiktok.settled, timeout=90)
        assert all(d.acknowledged for d in tiktok.deliveries), [
            (d.event, [(a["status"], a["url"]) for a in d.attempts]) for d in tiktok.deliveries]
        granted = rows(database_url, "SELECT trade_order_id FROM inventory")
        assert sorted(t for (t,) in granted) == sorted(o["trade_order_id"] for o in paid)       # each exactly once
        statuses = dict(rows(database_url, "SELECT trade_order_id, status FROM ttminis_orders "
                                           "WHERE trade_order_id IS NOT NULL"))
        takebacks = [t for (t,) in rows(database_url, "SELECT trade_order_id FROM takebacks")]
        for order in paid:
            recovered = refunded.get(order["trade_order_id"], 0)
            expected = "granted" if not recovered else "refunded" if recovered >= order["amount"] \
                else "partially_refunded"
            assert statuses[order["trade_order_id"]] == expected, (seed, order, recovered)
            assert takebacks.count(order["trade_order_id"]) == (1 if recovered >= order["amount"] else 0)
