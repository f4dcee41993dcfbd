"""A seeded, deterministic simulation of purchase histories against the real backend.

One process, one event loop. The real ``Store``, app (``create_app``) and ``Sweeper`` run on a real
database (SQLite or PostgreSQL) and talk to the fake TikTok server's own app through httpx's ASGI
transport; the clock is simulated (a sleep advances it at once). Concurrency is explicit: each
operation of a concurrent step is an actor, and actors take turns only at the named checkpoints
the app and sweeper await (``orders.begun``, ``orders.created_at_tiktok``, ``webhook.inbox``,
``webhook.settled``, ``refresh.leased``, ``refresh.answered``, ``sweeper.answered``, and every
sleep); the seeded generator picks who goes next. A "crash" is ``Crash`` (a ``BaseException``)
raised at a checkpoint or inside the grant hook's transaction: the open transaction rolls back,
the process is gone, and a fresh app opens the same database. "Two backend processes" are two
apps with separate engines.

Every history is a function of its seed: ``run_history(seed, url_factory)`` replays it exactly.
The invariants (``Simulation.check``) are those of issue 20: every order TikTok reports paid is
granted exactly once with every refund applied whatever the order of arrival; nothing is granted
without a payment; the final state equals the in-order one (computed from TikTok's own record);
every unsettled order has a next check within the bound or waits visibly for a token; no token in
any log line or response; no webhook answer waited on a call to TikTok.

Example::

    result = run_history(7, sqlite_urls(tmp_path))      # raises HistoryFailed naming the seed
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import itertools
import json
import logging
import random
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

import httpx
from sqlalchemy import text

from ttminis.server.app import Settings, create_app
from ttminis.server.fake_tiktok import DeliveryPlan, FakeTikTokServer
from ttminis.server.store import GRANTED_STATUSES, UNSETTLED, WAITING_FOR_LOGIN, Store, metadata
from ttminis.server.tiktok_api import TikTokAPI

CATALOGUE = {"sword": {"id": "sword", "name": "Sword", "price": 30},
             "shield": {"id": "shield", "name": "Shield", "price": 80}}
KEY, SECRET = "sim-client-key", "sim-client-secret"
TOLERANCE = 300
MAX_BACKOFF = 3600
EXPIRE_AFTER = 3 * 24 * 3600
LEASE_TTL = 30
START = 1_800_000_000.0
CHECKPOINTS = ("orders.begun", "orders.created_at_tiktok", "webhook.inbox", "webhook.settled", "refresh.leased",
               "refresh.answered", "sweeper.answered")
FAULT_KINDS = ("error_before", "error_after", "rate_limited", "connect", "timeout_after")

_actor: contextvars.ContextVar["_Actor | None"] = contextvars.ContextVar("ttminis_sim_actor", default=None)
_in_webhook: contextvars.ContextVar[bool] = contextvars.ContextVar("ttminis_sim_in_webhook", default=False)


_STEP_WEIGHTS = {"create": 4, "pay": 3, "deliver": 6, "sweep": 2, "refund": 2, "fault": 1.5, "time": 1,
                 "crash": 2, "hook": 1, "login": 1, "remove": 0.3}
_KINDS, _WEIGHTS = list(_STEP_WEIGHTS), list(_STEP_WEIGHTS.values())


class Crash(BaseException):
    """The backend process is killed here (not an ``Exception``: nothing in the app catches it)."""


class HistoryFailed(AssertionError):
    """An invariant did not hold; the message names the seed and the database, and how to replay."""


@dataclass
class Stats:
    histories: int = 0
    steps: int = 0
    crashes: int = 0
    tiktok_faults: int = 0
    deliveries: int = 0
    stale_deliveries: int = 0
    duplicate_deliveries: int = 0
    refunds: int = 0
    refunds_before_redeem: int = 0
    concurrent_steps: int = 0
    hook_failures: int = 0
    paid: int = 0
    rotations: int = 0
    by_step: dict[str, int] = field(default_factory=dict)
    fingerprint: str = ""        # the steps and the final state of one history (replays compare it)

    def add(self, other: "Stats") -> None:
        for name, value in vars(other).items():
            if name == "fingerprint":
                continue
            if isinstance(value, dict):
                for k, v in value.items():
                    self.by_step[k] = self.by_step.get(k, 0) + v
            else:
                setattr(self, name, getattr(self, name) + value)


# -- explicit interleaving ----------------------------------------------------------------------
class _Actor:
    def __init__(self, name: str) -> None:
        self.name = name
        self.resume = asyncio.Event()
        self.done = False
        self.error: BaseException | None = None
        self.result: Any = None


class Scheduler:
    """Runs actors one at a time; each runs until its next checkpoint, then the seeded generator
    picks the next one. Deterministic: no two actors ever run between checkpoints."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.changed = asyncio.Event()

    async def point(self, name: str) -> None:
        actor = _actor.get()
        if actor is None:
            return
        actor.resume.clear()
        self.changed.set()
        await actor.resume.wait()

    async def run(self, jobs: list[tuple[str, Callable[[], Awaitable[Any]]]]) -> list[_Actor]:
        actors = []
        for name, job in jobs:
            actor = _Actor(name)

            async def body(actor: _Actor = actor, job: Callable[[], Awaitable[Any]] = job) -> None:
                _actor.set(actor)
                await actor.resume.wait()
                try:
                    actor.result = await job()
                except BaseException as e:      # a Crash, or what the step raised: the caller looks
                    actor.error = e
                finally:
                    actor.done = True
                    self.changed.set()
            actor.task = asyncio.get_running_loop().create_task(body())    # type: ignore[attr-defined]
            actors.append(actor)
        await asyncio.sleep(0)
        while not all(a.done for a in actors):
            actor = self.rng.choice([a for a in actors if not a.done])
            self.changed.clear()
            actor.resume.set()
            await self.changed.wait()
        for actor in actors:
            await actor.task                                               # type: ignore[attr-defined]
        return actors


# -- TikTok's side, with faults -------------------------------------------------------------------
class _Transport(httpx.AsyncBaseTransport):
    """The fake TikTok's app in-process; injects TikTok's faults, and notes any call made while a
    webhook is being answered (a violation)."""

    def __init__(self, sim: "Simulation") -> None:
        self.sim = sim
        self.inner = httpx.ASGITransport(app=sim.tiktok.app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sim = self.sim
        path = request.url.path
        if _in_webhook.get():
            sim.violations.append(f"a webhook's answer waited on TikTok ({path})")
        sim.calls.append(path)
        fault = sim.tiktok_faults.pop(0) if sim.tiktok_faults else None
        if fault:
            sim.stats.tiktok_faults += 1
        if fault == "connect":
            raise httpx.ConnectError("simulated: connection refused", request=request)
        if fault in ("error_before", "rate_limited"):
            return _error(path, fault)
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if "/oauth/token/" in path and response.status_code == 200:
            sim.stats.rotations += 1
        if fault == "timeout_after":
            raise httpx.ReadTimeout("simulated: no answer", request=request)
        if fault == "error_after":
            return _error(path, fault)
        return response


def _error(path: str, fault: str) -> httpx.Response:
    status = 429 if fault == "rate_limited" else 500
    if "/oauth/" in path:
        body: dict[str, Any] = {"error": "rate_limit_exceeded" if status == 429 else "internal_error",
                                "error_description": "simulated", "log_id": "sim"}
    else:
        code: Any = "rate_limit_exceeded" if status == 429 else 50001000
        body = {"data": {}, "error": {"code": code, "message": "simulated", "log_id": "sim"}}
    return httpx.Response(status, json=body)


# -- a backend process ----------------------------------------------------------------------------
class Process:
    """One backend process: its own engine, TikTok client and app, on the shared database."""

    def __init__(self, sim: "Simulation", name: str) -> None:
        self.sim, self.name = sim, name
        self.store = Store(sim.url, clock=sim.now, grant=self._grant, refund=self._refund, ids=sim.order_id,
                           first_check=60, max_backoff=MAX_BACKOFF, expire_after=EXPIRE_AFTER, pool_size=2)
        self.api = TikTokAPI(KEY, SECRET, base_url="http://tiktok", transport=_Transport(sim), backoff=0, retries=2)
        settings = Settings(client_key=KEY, client_secret=SECRET, database_url=sim.url, catalogue=CATALOGUE,
                            tolerance=TOLERANCE, sweep_older_than=60, max_backoff=MAX_BACKOFF,
                            expire_after=EXPIRE_AFTER)
        self.app = create_app(settings, store=self.store, api=self.api, checkpoint=self._checkpoint,
                              sleep=sim.sleep)
        self.app.state.sweeper.lease_ttl = LEASE_TTL
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://backend")
        self.crash_at: str | None = None
        self.hook_fault: str | None = None
        self.dead = False

    async def _checkpoint(self, name: str) -> None:
        if self.dead:                   # the process was killed while this request was in it
            raise Crash(f"{self.name} was killed")
        if self.crash_at == name:
            self.crash_at, self.dead = None, True
            raise Crash(f"{self.name} killed at {name}")
        await self.sim.scheduler.point(name)
        if self.dead:
            raise Crash(f"{self.name} was killed")

    def _grant(self, grant: Any) -> None:
        fault, self.hook_fault = self.hook_fault, None
        if fault == "crash":
            self.dead = True
            raise Crash(f"{self.name} killed inside the grant transaction")
        if fault == "fail":
            self.sim.stats.hook_failures += 1
            raise RuntimeError("the game's grant hook failed (simulated)")
        grant.connection.execute(text("INSERT INTO sim_inventory (trade_order_id, open_id, item) VALUES (:t, :o, :i)"),
                                 {"t": grant.trade_order_id, "o": grant.open_id, "i": grant.product_id})

    def _refund(self, refund: Any) -> None:
        if refund.take_back:
            refund.connection.execute(text("INSERT INTO sim_takebacks (trade_order_id) VALUES (:t)"),
                                      {"t": refund.trade_order_id})

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = await self.http.request(method, path, **kwargs)
        self.sim.responses.append(response.text)
        if not response.headers.get("content-type", "").startswith("application/json"):
            self.sim.violations.append(f"{method} {path} answered {response.status_code} without JSON")
        return response

    async def close(self) -> None:
        await self.http.aclose()
        await self.api.aclose()
        self.store.close()


@dataclass
class _Outgoing:
    body: bytes
    event: str
    trade_order_id: str
    first_signed_at: int | None = None
    acknowledged: bool = False


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


# -- one history ----------------------------------------------------------------------------------
class Simulation:
    """One seeded history on one database (see the module docstring)."""

    def __init__(self, seed: int, url: str, *, processes: int = 2) -> None:
        self.seed, self.url = seed, url
        self.rng = random.Random(seed)
        self.clock = START
        self.scheduler = Scheduler(self.rng)
        self.stats = Stats(histories=1)
        self.violations: list[str] = []
        self.responses: list[str] = []
        self.calls: list[str] = []
        self.tiktok_faults: list[str] = []
        self.trace: list[str] = []
        ids = itertools.count(1)
        self._order_ids = itertools.count(1)
        self.tiktok = FakeTikTokServer(KEY, SECRET, clock=self.now, ids=lambda prefix: f"{prefix}{next(ids)}")
        self.tiktok.default_plan = DeliveryPlan(hold=True, uses=10**9)
        self.outbox: list[_Outgoing] = []
        self.players = ["p1", "p2"][: self.rng.choice((1, 2))]
        self.seen_orders: list[dict[str, Any]] = []        # what the backend answered to POST /orders
        self.refunds_sent: dict[str, list[int]] = {}
        self.processes = [Process(self, f"backend-{i}") for i in range(processes)]
        self.sessions: dict[str, str] = {}
        # TikTok does not say whether a retry is re-signed: half the histories keep the first ``t``
        self.retries_resigned = self.rng.random() < 0.5

    def now(self) -> float:
        return self.clock

    def order_id(self) -> str:
        return f"ord-{next(self._order_ids):04d}"

    async def sleep(self, seconds: float) -> None:
        self.clock += max(seconds, 5.0)                     # simulated time: a wait passes at once
        await self.scheduler.point("sleep")

    def advance(self, seconds: float) -> None:
        self.clock += seconds

    # -- steps --------------------------------------------------------------------------------
    def _collect(self) -> None:
        for delivery in self.tiktok.take_held():
            self.outbox.append(_Outgoing(delivery.body, delivery.event, delivery.trade_order_id))

    async def login(self, proc: Process, open_id: str) -> None:
        response = await proc.request("POST", "/login", json={"code": self.tiktok.issue_code(open_id)})
        if response.status_code == 200:
            self.sessions[open_id] = response.json()["session"]

    async def create(self, proc: Process, open_id: str, product: str) -> None:
        session = self.sessions.get(open_id)
        if session is None:
            return
        response = await proc.request("POST", "/orders", json={"product_id": product},
                                      headers={"Authorization": "Bearer " + session})
        if response.status_code == 201:
            self.seen_orders.append(response.json())

    async def deliver(self, proc: Process, item: _Outgoing, stale: bool, fresh_timestamp: bool) -> None:
        if item.first_signed_at is None or fresh_timestamp:
            signed_at = int(self.clock)
        else:
            signed_at = item.first_signed_at
        if stale:
            signed_at = int(self.clock) - TOLERANCE - self.rng.randint(1, 7200)
            self.stats.stale_deliveries += 1
        item.first_signed_at = item.first_signed_at or signed_at
        from ttminis.server.webhook import sign_webhook
        headers = {"Tiktok-Signature": sign_webhook(item.body, SECRET, signed_at), "Content-Type": "application/json"}
        token = _in_webhook.set(True)
        try:
            self.stats.deliveries += 1
            response = await proc.request("POST", "/webhook", content=item.body, headers=headers)
        finally:
            _in_webhook.reset(token)
        if response.status_code == 200:
            if item.acknowledged:
                self.stats.duplicate_deliveries += 1
            item.acknowledged = True

    async def sweep(self, proc: Process) -> None:
        await proc.app.state.sweeper.run_once()

    # -- the generated history ------------------------------------------------------------------
    def _step(self) -> tuple[str, Process, Callable[[], Awaitable[Any]]]:
        """One generated step: (label, process, job)."""
        rng = self.rng
        proc = rng.choice(self.processes)
        kind = rng.choices(_KINDS, _WEIGHTS)[0]
        if kind == "create":
            open_id, product = rng.choice(self.players), rng.choice(sorted(CATALOGUE))
            return f"create {open_id} {product}", proc, lambda: self.create(proc, open_id, product)
        if kind == "pay":
            known = [o for o in self.tiktok.orders if self.tiktok.orders[o]["status"] == "PENDING"]
            seen = [o["trade_order_id"] for o in self.seen_orders if o["trade_order_id"] in known]
            pool = seen if seen and rng.random() < 0.9 else known      # rarely: an order the client never saw
            if not pool:
                return "nothing to pay", proc, _nothing
            tid = rng.choice(pool)
            how = rng.choice(("pay", "pay", "pay", "fail", "cancel"))

            async def pay() -> None:
                if how == "pay":
                    try:
                        self.tiktok.pay(tid)
                        self.stats.paid += 1
                    except ValueError:        # paid or closed meanwhile: the SDK says so, nothing is paid
                        pass
                else:
                    self.tiktok.fail_payment(tid, cancelled=how == "cancel")
                self._collect()
            return f"{how} {tid}", proc, pay
        if kind == "deliver":
            waiting = [d for d in self.outbox if not d.acknowledged] or self.outbox
            if not waiting:
                return "nothing to deliver", proc, _nothing
            item = rng.choice(waiting)                                 # any order: held, reordered
            stale, fresh = rng.random() < 0.2, rng.random() < 0.5
            return f"deliver {item.event.rsplit('.', 1)[-1]} {item.trade_order_id}{' stale' if stale else ''}", proc, \
                lambda: self.deliver(proc, item, stale, fresh)
        if kind == "sweep":
            self.advance(rng.choice((0, 61, 600, MAX_BACKOFF)))
            return "sweep", proc, lambda: self.sweep(proc)
        if kind == "refund":
            paid = [t for t, o in self.tiktok.orders.items() if o["status"] == "SUCCESS"]
            if not paid:
                return "nothing to refund", proc, _nothing
            tid = rng.choice(paid)
            left = self.tiktok.orders[tid]["amount"] - sum(self.refunds_sent.get(tid, []))
            if left <= 0:                      # TikTok never recovers more than was paid
                return "nothing left to refund", proc, _nothing
            part = rng.choice((left, left, max(1, left // 3), max(1, left // 2)))
            self.refunds_sent.setdefault(tid, []).append(part)

            async def refund() -> None:
                # TikTok's body has no event id: two refunds of one order for the same amount in the
                # same second would be indistinguishable from a retried delivery (counted once, as
                # the server documents). TikTok's clock moves on between two refunds here.
                self.advance(1)
                if not any(d.event.endswith("redeem.success") and d.trade_order_id == tid and d.acknowledged
                           for d in self.outbox):
                    self.stats.refunds_before_redeem += 1
                self.tiktok.refund(tid, part)
                self.stats.refunds += 1
                self._collect()
            return f"refund {tid} {part}", proc, refund
        if kind == "fault":
            faults = [rng.choice(FAULT_KINDS) for _ in range(rng.randint(1, 4))]
            self.tiktok_faults.extend(faults)
            return f"tiktok faults {faults}", proc, _nothing
        if kind == "time":
            seconds = rng.choice((1, 60, 2 * 3600 + 1, 6 * 3600))       # past the access token's 2 hours
            self.advance(seconds)
            return f"time +{seconds}", proc, _nothing
        if kind == "crash":
            proc.crash_at = rng.choice(CHECKPOINTS)
            return f"{proc.name} will crash at {proc.crash_at}", proc, _nothing
        if kind == "hook":
            proc.hook_fault = rng.choice(("crash", "fail"))
            return f"{proc.name} grant hook will {proc.hook_fault}", proc, _nothing
        if kind == "login":
            open_id = rng.choice(self.players)
            return f"login {open_id}", proc, lambda: self.login(proc, open_id)
        open_id = rng.choice(self.players)

        async def remove() -> None:
            self.tiktok.remove_authorization(open_id)
            self._collect()
        return f"authorization removed {open_id}", proc, remove

    async def _run_jobs(self, jobs: list[tuple[str, Process, Callable[[], Awaitable[Any]]]]) -> None:
        actors = await self.scheduler.run([(label, job) for label, _proc, job in jobs])
        crashed: list[Process] = []
        for (label, proc, _job), actor in zip(jobs, actors):
            if isinstance(actor.error, Crash):
                self.trace.append(f"  crash: {actor.error}")
                if proc not in crashed:
                    crashed.append(proc)
            elif actor.error is not None:
                raise actor.error
        for proc in crashed:                # a killed process comes back as a fresh one, same database
            self.stats.crashes += 1
            await self._restart(proc)
        self._collect()

    async def _restart(self, proc: Process) -> None:
        index = self.processes.index(proc)
        await proc.close()
        fresh = Process(self, proc.name)
        self.processes[index] = fresh

    async def run(self, steps: int) -> None:
        await asyncio.to_thread(self.processes[0].store.migrate)
        await asyncio.to_thread(_sim_tables, self.processes[0].store)
        for open_id in self.players:
            await self.login(self.processes[0], open_id)
        for _ in range(steps):
            self.stats.steps += 1
            jobs = [self._step()]
            if self.rng.random() < 0.25:
                jobs.append(self._step())
                if jobs[1][1] is jobs[0][1] and len(self.processes) > 1:
                    pass                  # the same process serving two requests at once is fine too
                self.stats.concurrent_steps += 1
            for label, _p, _j in jobs:
                kind = label.split(" ")[0] if not label.startswith("backend") else " ".join(label.split(" ")[1:4])
                self.stats.by_step[kind] = self.stats.by_step.get(kind, 0) + 1
            self.trace.append(" | ".join(f"{p.name}: {label}" for label, p, _j in jobs))
            await self._run_jobs(jobs)
            self.advance(self.rng.choice((1, 2, 5)))
            await asyncio.to_thread(self._check_schedules)
        await self.finish()

    async def finish(self) -> None:
        """TikTok keeps delivering until each delivery is answered 200; players log in again; the
        sweeper runs with time passing: the history comes to rest, then the invariants are checked."""
        self.tiktok_faults.clear()
        for proc in self.processes:
            proc.crash_at, proc.hook_fault = None, None
        self.trace.append("-- finish: every delivery until 200, logins, sweeps")
        for _ in range(5):
            for item in [d for d in self.outbox if not d.acknowledged]:
                await self._run_jobs([("deliver", self.processes[0], lambda item=item: self.deliver(
                    self.processes[0], item, False, self.retries_resigned))])
            if all(d.acknowledged for d in self.outbox):
                break
        for open_id in self.players:
            await self.login(self.processes[-1], open_id)
        for _ in range(4):
            self.advance(MAX_BACKOFF + 1)
            await self._run_jobs([("sweep", self.processes[0], lambda: self.sweep(self.processes[0]))])
        self._collect()
        if any(not d.acknowledged for d in self.outbox):
            self.violations.append("a delivery was never answered 200: "
                                   + ", ".join(d.event for d in self.outbox if not d.acknowledged))

    # -- invariants -----------------------------------------------------------------------------
    def _check_schedules(self) -> None:
        """Every unsettled order and delivery has a next check within the bound, or waits visibly."""
        now = self.clock
        with self.processes[0].store.engine.connect() as conn:
            for row in conn.execute(text(
                    "SELECT order_id, trade_order_id, status, next_check_at, created_at, detail FROM ttminis_orders "
                    "WHERE status IN ('creating', 'pending', 'abandoned')")):
                if row.next_check_at is None:
                    self.violations.append(f"unsettled order {row.order_id} ({row.status}) has no next check")
                elif row.trade_order_id is None:
                    if row.next_check_at > row.created_at + EXPIRE_AFTER + 1:
                        self.violations.append(f"order {row.order_id} without a trade id is checked after it expires")
                elif row.next_check_at > now + MAX_BACKOFF + 1 and row.detail != WAITING_FOR_LOGIN:
                    self.violations.append(f"order {row.order_id} is next checked beyond the bound")
            for row in conn.execute(text("SELECT id, next_check_at FROM ttminis_inbox WHERE settled_at IS NULL")):
                if row.next_check_at is None or row.next_check_at > now + MAX_BACKOFF + 1:
                    self.violations.append(f"unsettled delivery {row.id} has no next check within the bound")

    def check(self, log_lines: list[str]) -> None:
        problems = list(self.violations)
        store = self.processes[0].store
        with store.engine.connect() as conn:
            ours = {r.order_id: r for r in conn.execute(text("SELECT * FROM ttminis_orders"))}
            grants: dict[str, int] = {}
            for r in conn.execute(text("SELECT trade_order_id FROM ttminis_grants")):
                grants[r.trade_order_id] = grants.get(r.trade_order_id, 0) + 1
            items: dict[str, int] = {}
            for r in conn.execute(text("SELECT trade_order_id FROM sim_inventory")):
                items[r.trade_order_id] = items.get(r.trade_order_id, 0) + 1
            takebacks: dict[str, int] = {}
            for r in conn.execute(text("SELECT trade_order_id FROM sim_takebacks")):
                takebacks[r.trade_order_id] = takebacks.get(r.trade_order_id, 0) + 1
        paid = {tid: o for tid, o in self.tiktok.orders.items() if o["status"] == "SUCCESS"}
        for tid, at_tiktok in paid.items():
            order = ours.get(at_tiktok["order_id"])
            if order is None:
                problems.append(f"TikTok has paid order {tid} the backend does not know")
                continue
            if order.status not in GRANTED_STATUSES or order.trade_order_id != tid:
                problems.append(f"paid order {order.order_id} ({tid}) ended {order.status}, not granted")
            if grants.get(tid, 0) != 1 or items.get(tid, 0) != 1:
                problems.append(f"paid order {tid} granted {grants.get(tid, 0)} times, {items.get(tid, 0)} items")
            recovered = sum(self.refunds_sent.get(tid, []))
            expected = "granted" if recovered == 0 else "refunded" if recovered >= order.amount else \
                "partially_refunded"
            if order.status != expected or (order.refunded or 0) != recovered:
                problems.append(f"order {tid}: {order.status} with {order.refunded} Beans recovered; in order, "
                                f"TikTok's deliveries give {expected} with {recovered}")
            if takebacks.get(tid, 0) != (1 if recovered >= order.amount else 0):
                problems.append(f"order {tid}: item taken back {takebacks.get(tid, 0)} times (recovered {recovered})")
        for tid in set(grants) | set(items):
            if tid not in paid:
                problems.append(f"{tid} granted without a payment at TikTok")
        for order in ours.values():
            if order.status in GRANTED_STATUSES and order.trade_order_id not in paid:
                problems.append(f"order {order.order_id} is {order.status} but TikTok never reported it paid")
        tokens = self.tiktok.issued_tokens
        seen = "\n".join(log_lines + self.responses)
        leaked = [t for t in tokens if t in seen]
        if leaked:
            problems.append(f"{len(leaked)} token(s) reached a log line or a response")
        if problems:
            raise HistoryFailed(self._report(problems))
        final = sorted((o.order_id, o.trade_order_id, o.status, o.refunded) for o in ours.values())
        import hashlib
        self.stats.fingerprint = hashlib.sha256(repr((self.trace, final, sorted(grants.items()))).encode()).hexdigest()

    def _report(self, problems: list[str]) -> str:
        steps = "\n".join(self.trace[-60:])
        return (f"history seed={self.seed} on {self.url.split('://')[0]} violated:\n  - " + "\n  - ".join(problems)
                + f"\nreplay: TTMINIS_SIM_SEED={self.seed} pytest tests/server/test_simulation.py -k replay\n"
                + f"steps:\n{steps}")

    async def close(self) -> None:
        for proc in self.processes:
            await proc.close()


async def _nothing() -> None:
    return None


def _sim_tables(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS sim_inventory (trade_order_id VARCHAR(128), "
                          "open_id VARCHAR(128), item VARCHAR(64))"))
        conn.execute(text("CREATE TABLE IF NOT EXISTS sim_takebacks (trade_order_id VARCHAR(128))"))


def reset_postgres(url: str) -> None:
    """Empty every table of a PostgreSQL database the simulation used (the schema stays)."""
    from sqlalchemy import create_engine
    from ttminis.server.store import normalise_url
    engine = _RESET_ENGINES.get(url)
    if engine is None:
        engine = _RESET_ENGINES[url] = create_engine(normalise_url(url), hide_parameters=True, pool_size=1)
    names = [t.name for t in metadata.sorted_tables if t.name != "ttminis_schema"]
    with engine.begin() as conn:
        have = {r[0] for r in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))}
        wipe = [n for n in names + ["sim_inventory", "sim_takebacks"] if n in have]
        for name in wipe:                   # DELETE: far cheaper than TRUNCATE for a few rows
            conn.execute(text(f"DELETE FROM {name}"))


def dispose_reset_engines() -> None:
    while _RESET_ENGINES:
        _RESET_ENGINES.popitem()[1].dispose()


_RESET_ENGINES: dict[str, Any] = {}


def _run_in_own_loop(make: Callable[[], Any]) -> Stats:
    """``asyncio.run`` of ``make()``, in a thread of its own when this thread already runs an event loop
    (in a whole test session, Playwright's sync API keeps one running in the main thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="ttminis-sim") as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def run_history(seed: int, url: str, *, steps: int | None = None) -> Stats:
    """Run history ``seed`` on the (empty) database at ``url``; raises ``HistoryFailed`` naming the
    seed when an invariant does not hold. Returns what the history exercised."""
    capture = _Capture()
    root = logging.getLogger()
    root.addHandler(capture)
    old_level = root.level
    root.setLevel(logging.INFO)

    async def go() -> Stats:
        sim = Simulation(seed, url)
        try:
            await sim.run(steps if steps is not None else sim.rng.randint(8, 24))
            await asyncio.to_thread(sim.check, capture.lines)
            return sim.stats
        finally:
            await sim.close()
    try:
        return _run_in_own_loop(go)
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)
