#!/usr/bin/env python3
"""Many seeded purchase histories against the real backend: issue 20's invariants, at volume.

    python bench/server_simulation.py [--sqlite N] [--postgresql M] [--first SEED] [--markdown FILE]
    (PostgreSQL: the server in TTMINIS_TEST_POSTGRES_URL, else a throwaway one started here)

The histories are those of ``tests/server/test_simulation.py`` (``tests/server/simulation.py``:
one process, one event loop, explicit interleaving at named checkpoints, a simulated clock, crashes
injected at checkpoints and inside the grant transaction, two backend processes on one database),
with seeds continuing past the ones CI runs. It prints what the histories exercised (steps, crashes,
TikTok faults, stale, duplicate and reordered deliveries, refunds before the redeem, ...) and every
violation with its seed; it exits 1 if there was any. Time per history is printed for information
only (this is a correctness run, not a speed one).
"""
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "server"))

from simulation import HistoryFailed, Stats, dispose_reset_engines, reset_postgres, run_history  # noqa: E402


def sqlite_url(seed: int) -> str:
    folder = "/dev/shm" if os.access("/dev/shm", os.W_OK) else "/tmp"
    return f"sqlite:///{folder}/ttminis-bench-sim-{os.getpid()}-{seed}.db"


def remove(url: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = url[len("sqlite:///"):] + suffix
        if os.path.exists(path):
            os.remove(path)


def run(database: str, count: int, first: int, pg_url: str | None,
        minutes: float | None = None) -> tuple[Stats, list[str], float]:
    total, failures = Stats(histories=0), []
    started = time.monotonic()
    for seed in range(first, first + count):
        if minutes is not None and time.monotonic() - started > minutes * 60:
            print(f"{database}: stopped after {minutes} minutes (--minutes)", flush=True)
            break
        url = sqlite_url(seed) if database == "sqlite" else pg_url
        assert url
        if database == "postgresql":
            reset_postgres(url)
        try:
            total.add(run_history(seed, url))
        except HistoryFailed as e:
            failures.append(str(e))
            print(str(e), file=sys.stderr, flush=True)
        finally:
            if database == "sqlite":
                remove(url)
        done = seed - first + 1
        if done % 500 == 0:
            print(f"{database}: {done}/{count} histories, {len(failures)} violations, "
                  f"{(time.monotonic() - started) / done * 1000:.0f} ms each", flush=True)
    return total, failures, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", type=int, default=20_000, help="histories on SQLite (default 20000)")
    parser.add_argument("--postgresql", type=int, default=2_000, help="histories on PostgreSQL (default 2000)")
    parser.add_argument("--first", type=int, default=100_000, help="first seed (CI runs 0..999)")
    parser.add_argument("--markdown", help="append the results table to this file")
    parser.add_argument("--minutes", type=float, help="start no history after this many minutes per database")
    args = parser.parse_args()
    results = []
    if args.sqlite:
        results.append(("SQLite (WAL)", *run("sqlite", args.sqlite, args.first, None, args.minutes)))
    if args.postgresql:
        url = os.environ.get("TTMINIS_TEST_POSTGRES_URL")
        if url:
            results.append(("PostgreSQL", *run("postgresql", args.postgresql, args.first, url, args.minutes)))
        else:
            from ttminis.server.testing import temporary_postgres
            with temporary_postgres() as url:
                results.append(("PostgreSQL", *run("postgresql", args.postgresql, args.first, url, args.minutes)))
        dispose_reset_engines()
    lines = ["| database | histories (seeds) | steps | concurrent steps | crashes | TikTok faults | deliveries "
             "(stale / duplicate) | refunds (before the redeem) | grant hook failures | token grants (rotations) "
             "| paid | violations | ms per history |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, total, failures, seconds in results:
        lines.append(
            f"| {name} | {total.histories + len(failures)} ({args.first}..{args.first + total.histories + len(failures) - 1}) "
            f"| {total.steps} | {total.concurrent_steps} | {total.crashes} | {total.tiktok_faults} "
            f"| {total.deliveries} ({total.stale_deliveries} / {total.duplicate_deliveries}) "
            f"| {total.refunds} ({total.refunds_before_redeem}) | {total.hook_failures} | {total.rotations} "
            f"| {total.paid} | {len(failures)} | {seconds / max(1, total.histories + len(failures)) * 1000:.0f} |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        with open(args.markdown, "a", encoding="utf-8") as f:
            f.write(table + "\n")
    return 1 if any(failures for _n, _t, failures, _s in results) else 0


if __name__ == "__main__":
    sys.exit(main())
