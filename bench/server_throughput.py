#!/usr/bin/env python3
"""Webhook throughput of the reference backend, with 0 double grants, on SQLite and PostgreSQL.

    python bench/server_throughput.py [--orders N] [--concurrency C] [--markdown FILE]
    (PostgreSQL: the server in TTMINIS_TEST_POSTGRES_URL; `make bench` starts a throwaway one
    with fsync on: python -m ttminis.server postgres --durable -- python bench/server_throughput.py)

For each database, in the same run and on the same database:

1. bare inserts (the baseline): one ``INSERT`` of a delivery row per transaction, C threads,
   through the same connection pool - the least a durable "we got it" can cost;
2. ``Store.redeem``: N paid orders, each delivered twice (TikTok's duplicates), C threads,
   in-process - the exactly-once grant with the game's hook writing an inventory row;
3. signed webhooks over HTTP: N orders x 2 deliveries, C concurrent connections, to the reference
   backend running as its own process (``python -m ttminis.server serve``) - verification,
   the grant and the 200.

Then it checks the outcome: exactly N grants and N inventory rows (0 double grants, 0 lost).
Ratios against the baseline are what to read: absolute numbers move a lot on a shared machine.
"""
import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "shim"))

from ttminis.server.store import GRANTED, Store  # noqa: E402
from ttminis.server.testing import fresh_postgres_database  # noqa: E402
from ttminis.server.webhook import REDEEM_SUCCESS, sign_webhook  # noqa: E402

HOOK = Path(__file__).with_name("server_grant_hook.py")
KEY, SECRET = "bench-client-key", "bench-client-secret"
SWORD = {"id": "sword", "name": "Sword", "price": 30}


def prepare(url, orders, tag):
    store = Store(url, grant=_inventory)
    store.migrate()
    with store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS inventory (open_id VARCHAR(128), item VARCHAR(64))"))
        conn.execute(text("CREATE TABLE IF NOT EXISTS bench_baseline (id VARCHAR(64) PRIMARY KEY, body TEXT)"))
    trade_ids = []
    for i in range(orders):
        order = store.begin_order(f"player-{i}", SWORD)
        trade_ids.append(store.order_created(order.order_id, f"tt-{tag}-{i}").trade_order_id)
    return store, trade_ids


def _inventory(grant):
    grant.connection.execute(text("INSERT INTO inventory (open_id, item) VALUES (:o, :i)"),
                             {"o": grant.open_id, "i": grant.product_id})


def timed_threads(work, items, concurrency):
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(work, items))
    return time.perf_counter() - start, results


def baseline(store, count, concurrency, tag):
    def insert(i):
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO bench_baseline (id, body) VALUES (:i, :b)"),
                         {"i": f"{tag}-{i}", "b": '{"trade_order_id": "tt"}'})
    seconds, _ = timed_threads(insert, range(count), concurrency)
    return count / seconds


def redeem_rate(store, trade_ids, concurrency):
    deliveries = [t for t in trade_ids for _ in range(2)]
    seconds, outcomes = timed_threads(store.redeem, deliveries, concurrency)
    assert outcomes.count(GRANTED) == len(trade_ids), "a payment was not granted exactly once"
    return len(deliveries) / seconds


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_rate(url, trade_ids, concurrency):
    port = free_port()
    env = {**os.environ, "TIKTOK_CLIENT_KEY": KEY, "TIKTOK_CLIENT_SECRET": SECRET,
           "TTMINIS_TIKTOK_API": "http://127.0.0.1:9"}
    server = subprocess.Popen([sys.executable, "-m", "ttminis.server", "serve", "--port", str(port),
                               "--database", url, "--hooks", str(HOOK), "--sweep-every", "0"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the backend did not start")
            time.sleep(0.05)
        bodies = [json.dumps({"client_key": KEY, "event": REDEEM_SUCCESS, "create_time": int(time.time()),
                              "user_openid": "", "content": json.dumps({"trade_order_id": t})}).encode()
                  for t in trade_ids for _ in range(2)]
        statuses = asyncio.run(_deliver_all(base + "/webhook", bodies, concurrency))
        assert statuses["bad"] == 0, f"non-200 answers: {statuses}"
        return len(bodies) / statuses["seconds"]
    finally:
        server.terminate()
        server.wait(10)


async def _deliver_all(url, bodies, concurrency):
    queue = list(reversed(bodies))
    bad = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        async def worker():
            nonlocal bad
            while queue:
                body = queue.pop()
                response = await client.post(url, content=body, headers={
                    "Tiktok-Signature": sign_webhook(body, SECRET, int(time.time())),
                    "Content-Type": "application/json"})
                bad += response.status_code != 200
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return {"seconds": time.perf_counter() - start, "bad": bad}


def check(store, orders):
    with store.engine.connect() as conn:
        items = conn.execute(text("SELECT count(*) FROM inventory")).scalar()
    grants = store.count("ttminis_grants")
    return grants, items


def run_database(name, url, orders, concurrency):
    store, first = prepare(url, orders, "a")
    base = baseline(store, orders * 2, concurrency, "a")
    in_process = redeem_rate(store, first, concurrency)
    _store2, second = prepare(url, orders, "b")
    over_http = http_rate(url, second, concurrency)
    grants, items = check(store, orders)
    store.close()
    _store2.close()
    double = grants - 2 * orders
    assert grants == items == 2 * orders, f"{name}: {grants} grants, {items} items for {2 * orders} paid orders"
    return {"database": name, "baseline": base, "redeem": in_process, "http": over_http, "double": double,
            "grants": grants}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run_database("SQLite (WAL, synchronous=FULL)", f"sqlite:///{tmp}/bench.db",
                                    args.orders, args.concurrency))
    pg = os.environ.get("TTMINIS_TEST_POSTGRES_URL")
    if pg:
        with fresh_postgres_database(pg) as url:
            results.append(run_database("PostgreSQL 15", url, args.orders, args.concurrency))
    else:
        print("PostgreSQL skipped: set TTMINIS_TEST_POSTGRES_URL (make bench does)", file=sys.stderr)
    lines = [f"Webhook deliveries per second, {args.orders} paid orders x 2 deliveries each, "
             f"concurrency {args.concurrency} (each database: its own bare-insert baseline, same run)", "",
             "| database | bare INSERT /s (baseline) | Store.redeem /s | signed webhooks over HTTP /s "
             "| redeem / baseline | HTTP / baseline | double grants |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['database']} | {r['baseline']:.0f} | {r['redeem']:.0f} | {r['http']:.0f} | "
                     f"{r['redeem'] / r['baseline']:.2f} | {r['http'] / r['baseline']:.2f} | {r['double']} |")
    print("\n".join(lines))
    if args.markdown:
        Path(args.markdown).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
