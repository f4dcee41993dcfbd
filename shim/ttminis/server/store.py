"""The order store: orders, players' tokens, sessions and grants; SQLite by default, PostgreSQL by URL.

Exports:
    Store(url="sqlite:///ttminis-orders.db", *, sandbox=False, grant=None, refund=None, refund_notice=None,
          clock=time.time, first_check=60, max_backoff=3600, expire_after=7 days)
    Grant, Refund, RefundNotice   what the hooks receive (with ``.connection``, inside the transaction)
    Order, PlayerTokens, Delivery rows as typed records (Delivery: an inbox row, one webhook delivery)
    GRANTED, ALREADY_GRANTED, UNKNOWN_ORDER, REFUSED_SANDBOX, NOT_PAID   redeem outcomes
    UNSETTLED                statuses the sweeper still works on (``creating``, ``pending``, ``abandoned``)
    normalise_url(url)       ``postgresql://`` -> SQLAlchemy's psycopg 3 URL

One schema for both databases (SQLAlchemy Core tables), created and upgraded by ``migrate()``
(numbered steps recorded in ``ttminis_schema``; two processes migrating at once wait for each
other). The guarantees, in ``redeem``:

* An item is granted exactly once: the grant is a row in ``ttminis_grants`` whose primary key is
  the ``trade_order_id``, inserted (``ON CONFLICT DO NOTHING``) in the same transaction as the
  order's status change and the game's ``grant`` hook. Concurrent deliveries of the same event -
  threads or processes - meet at that key: one inserts, the others find it and grant nothing.
* The ``grant`` hook runs inside that transaction with its connection (``grant.connection``), so
  the game's own writes commit or roll back with the grant; if it raises, nothing is granted and
  the caller answers TikTok with an error, so TikTok retries. A hook that reaches another system
  gets ``grant.trade_order_id`` as its idempotency key.
* A sandbox payment (``is_sandbox``) is granted only by a store in sandbox mode; otherwise it is
  recorded (``refused_sandbox``) and refused.
* ``refund_traceback`` (a partial recovery of ``refund_amount`` Beans) is recorded once per (trade
  order, event time). It is applied to a granted order at once, or - if it came first - in the
  redeem's own transaction, so the final state never depends on the order of arrival. The order
  is ``partially_refunded`` until the recovered Beans reach its amount, then ``refunded``; the
  ``refund`` hook gets each refund once with ``take_back=True`` exactly once, when they do.
* Every authentic delivery is first an inbox row (``ttminis_inbox``, one per event, subject and
  ``create_time``), committed before anything else; settling it marks the row in the settling
  transaction. Unsettled rows and unsettled orders carry ``next_check_at`` (backoff, capped at
  ``max_backoff``) for the sweeper.

On SQLite every write transaction is ``BEGIN IMMEDIATE`` (one writer at a time, WAL journal, a
busy timeout); on PostgreSQL the order row is locked ``FOR UPDATE``. Tokens are kept for the
sweeper's queries and never logged (records hide them in ``repr``).

Example::

    def grant(g):
        g.connection.execute(text("INSERT INTO inventory (player, item) VALUES (:p, :i)"),
                             {"p": g.open_id, "i": g.product_id})

    store = Store("sqlite:///shop.db", grant=grant)
    store.migrate()
    store.redeem("tt-123")        # GRANTED once, ALREADY_GRANTED after
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import (BigInteger, Boolean, Column, Float, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, create_engine, event, func, select, text, update)
from sqlalchemy.engine import Connection, Engine, make_url

if TYPE_CHECKING:
    from .tiktok_api import Tokens
    from .webhook import WebhookEvent

GRANTED, ALREADY_GRANTED, UNKNOWN_ORDER, REFUSED_SANDBOX, NOT_PAID = (
    "granted", "already_granted", "unknown_order", "refused_sandbox", "not_paid")
ORDER_STATUSES = ("creating", "pending", "abandoned", "granted", "partially_refunded", "refunded", "failed",
                  "refused_sandbox", "expired")
UNSETTLED = ("creating", "pending", "abandoned")
GRANTED_STATUSES = ("granted", "partially_refunded", "refunded")
WAITING_FOR_LOGIN = "waiting for the player's next login or the webhook (no TikTok tokens)"

metadata = MetaData()
schema_table = Table("ttminis_schema", metadata, Column("version", Integer, primary_key=True),
                     Column("applied_at", Float, nullable=False))
players = Table(
    "ttminis_players", metadata,
    Column("open_id", String(128), primary_key=True),
    Column("access_token", Text, nullable=False),
    Column("access_expires_at", Float, nullable=False),
    Column("refresh_token", Text, nullable=False),
    Column("refresh_expires_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False))
sessions = Table(
    "ttminis_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("open_id", String(128), nullable=False, index=True),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False))
orders = Table(
    "ttminis_orders", metadata,
    Column("order_id", String(64), primary_key=True),
    Column("trade_order_id", String(128), unique=True),
    Column("open_id", String(128), nullable=False, index=True),
    Column("product_id", String(64), nullable=False),
    Column("product_name", String(200), nullable=False),
    Column("amount", Integer, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("status", String(24), nullable=False, index=True),
    Column("is_sandbox", Boolean),
    Column("detail", Text, nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("granted_at", Float),
    Column("next_check_at", Float, index=True),       # None: settled, nothing left to check
    Column("checks", Integer, nullable=False, server_default=text("0")),
    Column("refunded", Integer, nullable=False, server_default=text("0")))
grants = Table(
    "ttminis_grants", metadata,
    Column("trade_order_id", String(128), primary_key=True),
    Column("order_id", String(64), nullable=False),
    Column("open_id", String(128), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("source", String(16), nullable=False),
    Column("granted_at", Float, nullable=False))
refunds = Table(
    "ttminis_refunds", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("trade_order_id", String(128), nullable=False),
    Column("event_time", BigInteger, nullable=False),
    Column("content", Text, nullable=False),
    Column("recorded_at", Float, nullable=False),
    UniqueConstraint("trade_order_id", "event_time", name="ttminis_refunds_once"))
# v2: one row per refund_traceback, keyed by what TikTok repeats on a retry (order, time, content),
# so two partial refunds in the same second are two rows and a delivery twice is one
recoveries = Table(
    "ttminis_recoveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("trade_order_id", String(128), nullable=False),
    Column("event_time", BigInteger, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("content", Text, nullable=False),
    Column("amount", Integer),                          # None: the content named no amount (the whole order)
    Column("applied", Boolean, nullable=False),
    Column("recorded_at", Float, nullable=False),
    UniqueConstraint("trade_order_id", "event_time", "content_hash", name="ttminis_recoveries_once"))
webhook_log = Table(
    "ttminis_webhook_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("received_at", Float, nullable=False),
    Column("event", String(80), nullable=False),
    Column("trade_order_id", String(128)),
    Column("outcome", String(32), nullable=False),
    Column("stale", Boolean, nullable=False))

inbox = Table(
    "ttminis_inbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event", String(80), nullable=False),
    Column("subject", String(256), nullable=False),     # the trade_order_id, else the user_openid, else ""
    Column("create_time", BigInteger, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("trade_order_id", String(128)),
    Column("order_id", String(64)),
    Column("user_openid", String(256), nullable=False),
    Column("content", Text, nullable=False),
    Column("stale", Boolean, nullable=False),
    Column("is_sandbox", Boolean, nullable=False),
    Column("received_at", Float, nullable=False),
    Column("settled_at", Float),
    Column("outcome", String(40)),
    Column("next_check_at", Float, index=True),
    Column("checks", Integer, nullable=False, server_default=text("0")),
    UniqueConstraint("event", "subject", "create_time", "content_hash", name="ttminis_inbox_once"))
leases = Table(
    "ttminis_leases", metadata,
    Column("name", String(200), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("expires_at", Float, nullable=False))
prices = Table(
    "ttminis_prices", metadata,
    Column("amount", Integer, primary_key=True),
    Column("legal", Boolean, nullable=False),
    Column("checked_at", Float, nullable=False))

V1_TABLES = [players, sessions, orders, grants, refunds, webhook_log]


# Numbered schema steps: append, never edit. Each runs once, in a transaction, in order.
def _create_v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=V1_TABLES)


def _v2_inbox_schedules_partial_refunds(conn: Connection) -> None:
    """The inbox, leases and price verdicts; orders' schedules and recovered Beans; refunds' amounts."""
    from sqlalchemy import inspect
    metadata.create_all(conn, tables=[inbox, leases, prices, recoveries])
    for table, names in ((orders, ("next_check_at", "checks", "refunded")),):
        have = {c["name"] for c in inspect(conn).get_columns(table.name)}
        for name in names:
            if name in have:
                continue
            column = table.c[name]
            server_default: Any = column.server_default
            default = f" DEFAULT {server_default.arg.text}" if server_default is not None else ""
            null = "" if column.nullable else " NOT NULL"
            conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {name} "
                              f"{column.type.compile(dialect=conn.dialect)}{default}{null}"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_ttminis_orders_next_check_at ON ttminis_orders (next_check_at)"))
    conn.execute(update(orders).where(orders.c.status.in_(UNSETTLED), orders.c.next_check_at.is_(None))
                 .values(next_check_at=orders.c.created_at))
    for row in conn.execute(select(refunds)).mappings().all():      # v1 applied every refund it recorded
        conn.execute(recoveries.insert().values(trade_order_id=row["trade_order_id"], event_time=row["event_time"],
                                                content_hash=_hash(row["content"]), content=row["content"],
                                                amount=None, applied=True, recorded_at=row["recorded_at"]))


MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [(1, _create_v1), (2, _v2_inbox_schedules_partial_refunds)]
_MIGRATION_LOCK = 7_250_311_014


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` -> ``postgresql+psycopg://`` (psycopg 3); others as given.

    Example::

        normalise_url("postgresql://u@127.0.0.1/shop")   # 'postgresql+psycopg://u@127.0.0.1/shop'
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class Order:
    order_id: str
    trade_order_id: str | None
    open_id: str
    product_id: str
    product_name: str
    amount: int
    quantity: int
    status: str
    is_sandbox: bool | None
    detail: str
    created_at: float
    updated_at: float
    granted_at: float | None
    next_check_at: float | None = None
    checks: int = 0
    refunded: int = 0

    def public(self) -> dict[str, Any]:
        """What the player may see of their order."""
        return {"order_id": self.order_id, "trade_order_id": self.trade_order_id, "product_id": self.product_id,
                "amount": self.amount, "quantity": self.quantity, "status": self.status}


@dataclass(frozen=True)
class PlayerTokens:
    open_id: str
    access_token: str = field(repr=False)
    access_expires_at: float
    refresh_token: str = field(repr=False)
    refresh_expires_at: float


@dataclass(frozen=True)
class Delivery:
    """One authentic webhook delivery as kept in the inbox (``outcome`` None: not settled yet)."""
    id: int
    event: str
    trade_order_id: str | None
    order_id: str | None
    create_time: int
    user_openid: str
    content_text: str = field(repr=False)
    stale: bool
    is_sandbox: bool
    outcome: str | None
    checks: int = 0

    @property
    def content(self) -> dict[str, Any]:
        value = json.loads(self.content_text)
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Grant:
    """What the ``grant`` hook gets: the paid order, and the open transaction's ``connection``.

    Use ``trade_order_id`` as the idempotency key for anything outside this database.
    """
    connection: Connection = field(repr=False)
    trade_order_id: str
    order_id: str
    open_id: str
    product_id: str
    amount: int
    quantity: int
    is_sandbox: bool
    source: str


@dataclass(frozen=True)
class Refund:
    """What the ``refund`` hook gets, once per recorded ``refund_traceback``, when it is applied to a
    granted order: ``amount`` Beans recovered by this one, ``recovered`` in all so far, and
    ``take_back`` - True exactly once, when ``recovered`` first reaches the order's amount (the
    reference backend's default: take the item back then). ``order`` is the order after this refund."""
    connection: Connection = field(repr=False)
    trade_order_id: str
    event_time: int
    content: dict[str, Any]
    order: Order | None
    amount: int = 0
    recovered: int = 0
    take_back: bool = False


@dataclass(frozen=True)
class RefundNotice:
    """What the ``refund_notice`` hook gets for ``refund_success``/``refund_fail`` (documented by
    TikTok as "currently unavailable"; kept in the inbox and handed over when they come)."""
    connection: Connection = field(repr=False)
    event: str
    trade_order_id: str
    content: dict[str, Any]
    order: Order | None


class Store:
    """Orders, tokens, sessions and exactly-once grants over SQLAlchemy (see the module docstring).

    ``grant(g: Grant)``, ``refund(r: Refund)`` and ``refund_notice(n: RefundNotice)`` are the game's
    hooks; each runs inside the transaction. ``sandbox=True`` grants sandbox payments. ``clock``
    gives unix seconds (tests). An unsettled order is checked first ``first_check`` seconds after
    its creation at TikTok, then with a doubling backoff capped at ``max_backoff``; one TikTok
    still reports unpaid (or that was never created there) expires ``expire_after`` seconds after
    it was begun. ``ids`` makes order ids (default: random).

    Example::

        store = Store("postgresql://shop@127.0.0.1/shop", grant=give_item)
        store.migrate()
    """

    def __init__(self, url: str = "sqlite:///ttminis-orders.db", *, sandbox: bool = False,
                 grant: Callable[[Grant], object] | None = None, refund: Callable[[Refund], object] | None = None,
                 refund_notice: Callable[[RefundNotice], object] | None = None,
                 clock: Callable[[], float] = time.time, pool_size: int = 10, first_check: float = 60,
                 max_backoff: float = 3600, expire_after: float = 7 * 24 * 3600,
                 ids: Callable[[], str] | None = None) -> None:
        self.url = normalise_url(url)
        self.sandbox = sandbox
        self.grant_hook = grant
        self.refund_hook = refund
        self.refund_notice_hook = refund_notice
        self.clock = clock
        self.first_check, self.max_backoff, self.expire_after = first_check, max_backoff, expire_after
        self._ids = ids or (lambda: "ord-" + secrets.token_hex(12))
        dialect = make_url(self.url).get_backend_name()
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"Store: the database URL must be sqlite:///FILE or postgresql://..., got {dialect}://")
        self.dialect = dialect
        # hide_parameters: a failed statement's message never carries its values (players' tokens)
        if dialect == "sqlite":
            self.engine = create_engine(self.url, connect_args={"timeout": 60, "check_same_thread": False},
                                        pool_size=pool_size, max_overflow=2 * pool_size, hide_parameters=True)
            _sqlite_transactions(self.engine)
        else:
            self.engine = create_engine(self.url, pool_size=pool_size, max_overflow=2 * pool_size,
                                        pool_pre_ping=True, hide_parameters=True)
        from sqlalchemy.dialects import postgresql, sqlite
        self._insert = (sqlite if dialect == "sqlite" else postgresql).insert

    def __repr__(self) -> str:
        return f"Store({make_url(self.url).render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        self.engine.dispose()

    def backoff(self, checks: int) -> float:
        """Seconds until the next check of something checked ``checks`` times already."""
        return float(min(self.first_check * 2 ** min(checks, 30), self.max_backoff))

    # -- schema -----------------------------------------------------------------------------------
    def migrate(self) -> int:
        """Create or upgrade the schema; returns the version now in place. Safe to run concurrently.

        Example::

            Store("sqlite:///shop.db").migrate()     # 2
        """
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            metadata.create_all(conn, tables=[schema_table])
            current: int = conn.execute(select(func.max(schema_table.c.version))).scalar() or 0
            for version, step in MIGRATIONS:
                if version > current:
                    step(conn)
                    conn.execute(schema_table.insert().values(version=version, applied_at=self.clock()))
                    current = version
        return current

    def _read(self) -> Connection:
        return self.engine.connect().execution_options(ttminis_read_only=True)

    # -- players and sessions ---------------------------------------------------------------------
    def save_tokens(self, tokens: Tokens) -> None:
        """Keep a player's tokens (from ``TikTokAPI.exchange_code``/``refresh``); the player's orders
        that waited for a token are due for a check at once.

        Example::

            store.save_tokens(await api.exchange_code(code))
        """
        now = self.clock()
        values = {"access_token": tokens.access_token, "access_expires_at": now + tokens.expires_in,
                  "refresh_token": tokens.refresh_token, "refresh_expires_at": now + tokens.refresh_expires_in,
                  "updated_at": now}
        stmt = self._insert(players).values(open_id=tokens.open_id, **values)
        with self.engine.begin() as conn:
            conn.execute(stmt.on_conflict_do_update(index_elements=["open_id"], set_=values))
            conn.execute(update(orders).where(orders.c.open_id == tokens.open_id, orders.c.status.in_(UNSETTLED),
                                              orders.c.detail == WAITING_FOR_LOGIN)
                         .values(next_check_at=now, detail="", updated_at=now))

    def player_tokens(self, open_id: str) -> PlayerTokens | None:
        with self._read() as conn:
            row = conn.execute(select(players).where(players.c.open_id == open_id)).mappings().first()
        return None if row is None else PlayerTokens(**{k: row[k] for k in (
            "open_id", "access_token", "access_expires_at", "refresh_token", "refresh_expires_at")})

    def forget_tokens(self, open_id: str, *, refresh_token: str | None = None) -> bool:
        """Delete a player's tokens (only if the stored refresh token is still ``refresh_token``,
        when given). True if they were deleted."""
        with self.engine.begin() as conn:
            return self._forget(conn, open_id, refresh_token)

    def _forget(self, conn: Connection, open_id: str, refresh_token: str | None = None) -> bool:
        query = players.delete().where(players.c.open_id == open_id)
        if refresh_token is not None:
            query = query.where(players.c.refresh_token == refresh_token)
        return bool(conn.execute(query).rowcount)

    def new_session(self, open_id: str, ttl: float = 30 * 24 * 3600) -> str:
        """A new session token for the game (only its hash is stored); returns the token.

        Example::

            token = store.new_session(tokens.open_id)
        """
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(sessions.insert().values(token_hash=_hash(token), open_id=open_id, created_at=now,
                                                  expires_at=now + ttl))
        return token

    def session_player(self, token: str) -> str | None:
        """The open_id behind a session token, or None if unknown or expired."""
        if not isinstance(token, str) or not token or len(token) > 200:
            return None
        with self._read() as conn:
            row = conn.execute(select(sessions.c.open_id, sessions.c.expires_at)
                               .where(sessions.c.token_hash == _hash(token))).first()
        return row.open_id if row is not None and row.expires_at > self.clock() else None

    # -- leases (one refresh of a player's tokens at a time, across processes) ---------------------
    def claim_lease(self, name: str, holder: str, ttl: float) -> bool:
        """Take the lease ``name`` for ``ttl`` seconds unless someone else holds an unexpired one.
        One short transaction; never held while anyone calls TikTok."""
        now = self.clock()
        stmt = self._insert(leases).values(name=name, holder=holder, expires_at=now + ttl).on_conflict_do_update(
            index_elements=["name"], set_={"holder": holder, "expires_at": now + ttl},
            where=leases.c.expires_at <= now).returning(leases.c.name)
        with self.engine.begin() as conn:
            return conn.execute(stmt).first() is not None

    def release_lease(self, name: str, holder: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(leases.delete().where(leases.c.name == name, leases.c.holder == holder))

    # -- prices -----------------------------------------------------------------------------------
    def price_verdicts(self) -> dict[int, bool]:
        """TikTok's answers to ``check_redeem_amounts`` so far: ``{amount: legal}``."""
        with self._read() as conn:
            return {int(r.amount): bool(r.legal) for r in conn.execute(select(prices.c.amount, prices.c.legal))}

    def save_price_verdict(self, amount: int, legal: bool) -> None:
        values = {"legal": legal, "checked_at": self.clock()}
        with self.engine.begin() as conn:
            conn.execute(self._insert(prices).values(amount=amount, **values)
                         .on_conflict_do_update(index_elements=["amount"], set_=values))

    # -- orders -----------------------------------------------------------------------------------
    def begin_order(self, open_id: str, product: dict[str, Any]) -> Order:
        """Record a new order (status ``creating``) before asking TikTok to create it.

        ``product`` is from the server's own catalogue: ``{"id", "name", "price", "quantity"?}``.

        Example::

            order = store.begin_order("open-1", {"id": "sword", "name": "Sword", "price": 30})
        """
        now = self.clock()
        # no trade_order_id yet: nothing to ask TikTok; a delivery may name it, else it expires
        row = {"order_id": self._ids(), "trade_order_id": None, "open_id": open_id,
               "product_id": product["id"], "product_name": product["name"], "amount": product["price"],
               "quantity": product.get("quantity", 1), "status": "creating", "is_sandbox": None, "detail": "",
               "created_at": now, "updated_at": now, "granted_at": None, "next_check_at": now + self.expire_after,
               "checks": 0, "refunded": 0}
        with self.engine.begin() as conn:
            conn.execute(orders.insert().values(**row))
        return Order(**row)

    def order_created(self, order_id: str, trade_order_id: str) -> Order:
        """TikTok created the order: keep its ``trade_order_id``; the order is now ``pending``."""
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(update(orders).where(orders.c.order_id == order_id, orders.c.status == "creating",
                                              orders.c.trade_order_id.is_(None))
                         .values(trade_order_id=trade_order_id, status="pending", updated_at=now,
                                 next_check_at=now + self.first_check, checks=0))
        order = self.order(order_id)
        if order is None:
            raise LookupError(f"order {order_id} vanished while being created")
        return order

    def order_not_created(self, order_id: str, status: str, detail: str) -> None:
        """TikTok refused (``failed``: settled) or may have created it (``abandoned``: a delivery
        may still name it until it expires)."""
        if status not in ("failed", "abandoned"):
            raise ValueError(f"order_not_created: status must be 'failed' or 'abandoned', got {status!r}")
        values: dict[str, Any] = {"status": status, "detail": detail[:500], "updated_at": self.clock()}
        if status == "failed":
            values["next_check_at"] = None
        with self.engine.begin() as conn:
            conn.execute(update(orders).where(orders.c.order_id == order_id, orders.c.status == "creating",
                                              orders.c.trade_order_id.is_(None)).values(**values))

    def attach_trade_order(self, order_id: str, trade_order_id: str) -> Order | None:
        """An authentic delivery names ``trade_order_id`` for our ``order_id`` whose id we never
        kept (a crash after TikTok's create): keep it, and make the order due for a check now."""
        with self.engine.begin() as conn:
            self._attach(conn, order_id, trade_order_id)
        return self.order(order_id)

    def _attach(self, conn: Connection, order_id: str, trade_order_id: str) -> None:
        now = self.clock()
        conn.execute(update(orders).where(orders.c.order_id == order_id, orders.c.trade_order_id.is_(None),
                                          orders.c.status.in_(UNSETTLED + ("expired", "failed")))
                     .values(trade_order_id=trade_order_id, status="pending", next_check_at=now, updated_at=now))

    def order(self, order_id: str) -> Order | None:
        with self._read() as conn:
            row = conn.execute(select(orders).where(orders.c.order_id == order_id)).mappings().first()
        return None if row is None else Order(**row)

    def order_for_trade(self, trade_order_id: str) -> Order | None:
        """The order TikTok knows as ``trade_order_id``, or None."""
        with self._read() as conn:
            row = conn.execute(select(orders).where(orders.c.trade_order_id == trade_order_id)).mappings().first()
        return None if row is None else Order(**row)

    def pending_orders(self, older_than: float = 0.0, limit: int = 100) -> list[Order]:
        """Orders created at TikTok and not yet granted, created at least ``older_than`` s ago."""
        with self._read() as conn:
            rows = conn.execute(select(orders).where(orders.c.status == "pending",
                                                     orders.c.created_at <= self.clock() - older_than)
                                .order_by(orders.c.created_at).limit(limit)).mappings().all()
        return [Order(**row) for row in rows]

    def due_orders(self, limit: int = 100) -> list[Order]:
        """Unsettled orders (any of ``UNSETTLED``) whose next check is due, the longest-due first."""
        with self._read() as conn:
            rows = conn.execute(select(orders).where(orders.c.status.in_(UNSETTLED),
                                                     orders.c.next_check_at <= self.clock())
                                .order_by(orders.c.next_check_at, orders.c.order_id).limit(limit)).mappings().all()
        return [Order(**row) for row in rows]

    def check_order_later(self, order_id: str, detail: str = "", *, delay: float | None = None) -> None:
        """The order stays unsettled: its next check after the backoff (or ``delay`` seconds)."""
        now = self.clock()
        with self.engine.begin() as conn:
            row = conn.execute(select(orders.c.checks).where(orders.c.order_id == order_id,
                                                             orders.c.status.in_(UNSETTLED))).first()
            if row is None:
                return
            wait = self.backoff(row.checks) if delay is None else delay
            conn.execute(update(orders).where(orders.c.order_id == order_id, orders.c.status.in_(UNSETTLED))
                         .values(checks=row.checks + 1, next_check_at=now + wait, detail=detail[:500],
                                 updated_at=now))

    def park_unaskable(self) -> int:
        """Due unsettled orders TikTok never gave us an id for have nothing to ask: in one statement
        each, expire those past ``expire_after`` and make the others due at their expiry. Returns
        how many expired. (So such orders never take a place in the sweeper's batch.)"""
        now = self.clock()
        due = (orders.c.status.in_(UNSETTLED), orders.c.trade_order_id.is_(None), orders.c.next_check_at <= now)
        with self.engine.begin() as conn:
            expired = conn.execute(update(orders).where(*due, orders.c.created_at <= now - self.expire_after).values(
                status="expired", next_check_at=None, detail="never created at TikTok", updated_at=now)).rowcount
            conn.execute(update(orders).where(*due).values(next_check_at=orders.c.created_at + self.expire_after))
        return int(expired or 0)

    def expire_order(self, order_id: str, detail: str) -> bool:
        """An unsettled order too old to be paid any more: ``expired`` (a later delivery still grants)."""
        with self.engine.begin() as conn:
            return bool(conn.execute(update(orders).where(orders.c.order_id == order_id,
                                                          orders.c.status.in_(UNSETTLED))
                                     .values(status="expired", next_check_at=None, detail=detail[:500],
                                             updated_at=self.clock())).rowcount)

    def unsettled_counts(self) -> dict[str, int]:
        """How many orders and inbox deliveries are not settled yet (for ``/health``)."""
        with self._read() as conn:
            waiting = conn.execute(select(func.count()).select_from(orders).where(
                orders.c.status.in_(UNSETTLED), orders.c.detail == WAITING_FOR_LOGIN)).scalar() or 0
            count_orders = conn.execute(select(func.count()).select_from(orders).where(
                orders.c.status.in_(UNSETTLED))).scalar() or 0
            count_inbox = conn.execute(select(func.count()).select_from(inbox).where(
                inbox.c.settled_at.is_(None))).scalar() or 0
        return {"orders": int(count_orders), "waiting_for_login": int(waiting), "deliveries": int(count_inbox)}

    # -- the inbox --------------------------------------------------------------------------------
    def intake(self, event: WebhookEvent, stale: bool) -> Delivery:
        """Commit an authentic delivery to the inbox first (once per event, subject and
        ``create_time``); returns its row - already settled if this is a repeat.

        Example::

            delivery = store.intake(verify_webhook(body, header, secret), stale=False)
        """
        now = self.clock()
        subject = event.trade_order_id or event.user_openid or ""
        content_text = str(event.raw.get("content", "{}"))
        row = {"event": event.event[:80], "subject": subject[:256], "create_time": event.create_time,
               "content_hash": _hash(content_text),
               "trade_order_id": (event.trade_order_id or None) and event.trade_order_id[:128],
               "order_id": (event.order_id or None) and event.order_id[:64],
               "user_openid": event.user_openid[:256], "content": content_text, "stale": stale,
               "is_sandbox": event.is_sandbox, "received_at": now, "next_check_at": now + self.first_check,
               "checks": 0}
        with self.engine.begin() as conn:
            conn.execute(self._insert(inbox).values(**row).on_conflict_do_nothing(
                index_elements=["event", "subject", "create_time", "content_hash"]))
            found = conn.execute(select(inbox).where(inbox.c.event == row["event"], inbox.c.subject == row["subject"],
                                                     inbox.c.create_time == event.create_time,
                                                     inbox.c.content_hash == row["content_hash"])).mappings().one()
        return _delivery(found)

    def due_deliveries(self, limit: int = 100) -> list[Delivery]:
        """Inbox rows not settled yet whose next check is due, the longest-due first."""
        with self._read() as conn:
            rows = conn.execute(select(inbox).where(inbox.c.settled_at.is_(None), inbox.c.next_check_at <= self.clock())
                                .order_by(inbox.c.next_check_at, inbox.c.id).limit(limit)).mappings().all()
        return [_delivery(row) for row in rows]

    def check_delivery_later(self, delivery_id: int, *, delay: float | None = None) -> None:
        now = self.clock()
        with self.engine.begin() as conn:
            row = conn.execute(select(inbox.c.checks).where(inbox.c.id == delivery_id)).first()
            if row is None:
                return
            wait = self.backoff(row.checks) if delay is None else delay
            conn.execute(update(inbox).where(inbox.c.id == delivery_id, inbox.c.settled_at.is_(None))
                         .values(checks=row.checks + 1, next_check_at=now + wait))

    def settle_delivery(self, delivery_id: int, outcome: str) -> None:
        """Mark an inbox row settled with ``outcome`` (for deliveries settled without a write)."""
        with self.engine.begin() as conn:
            self._settle(conn, delivery_id, outcome)

    def _settle(self, conn: Connection, delivery_id: int | None, outcome: str) -> None:
        if delivery_id is not None:
            conn.execute(update(inbox).where(inbox.c.id == delivery_id, inbox.c.settled_at.is_(None))
                         .values(settled_at=self.clock(), outcome=outcome[:40], next_check_at=None))

    def delivery(self, delivery_id: int) -> Delivery | None:
        with self._read() as conn:
            row = conn.execute(select(inbox).where(inbox.c.id == delivery_id)).mappings().first()
        return None if row is None else _delivery(row)

    # -- the payment ------------------------------------------------------------------------------
    def redeem(self, trade_order_id: str, *, order_id: str | None = None, is_sandbox: bool = False,
               source: str = "webhook", delivery_id: int | None = None) -> str:
        """TikTok says ``trade_order_id`` is paid: grant it, exactly once. Returns the outcome.

        ``order_id`` (yours, from the webhook's content) finds an order whose ``trade_order_id``
        was never stored (a crash between TikTok's create and our record). Refunds recorded
        before this redeem are applied in the same transaction. ``delivery_id`` (an inbox row) is
        marked settled in it too. Raises whatever a hook raises, after rolling everything back.

        Example::

            store.redeem("tt-1", order_id="ord-1", is_sandbox=event.is_sandbox)   # "granted"
        """
        with self.engine.begin() as conn:
            outcome = self._redeem(conn, trade_order_id, order_id, is_sandbox, source)
            self._settle(conn, delivery_id, outcome)
        return outcome

    def _redeem(self, conn: Connection, trade_order_id: str, order_id: str | None, is_sandbox: bool,
                source: str) -> str:
        order = self._locked_order(conn, trade_order_id, order_id)
        if order is None:
            return UNKNOWN_ORDER
        if order.status in GRANTED_STATUSES:
            return ALREADY_GRANTED
        now = self.clock()
        if is_sandbox and not self.sandbox:
            conn.execute(update(orders).where(orders.c.order_id == order.order_id).values(
                status="refused_sandbox", is_sandbox=True, trade_order_id=trade_order_id, next_check_at=None,
                detail="a sandbox payment reached a production backend", updated_at=now))
            return REFUSED_SANDBOX
        inserted = conn.execute(self._insert(grants).values(
            trade_order_id=trade_order_id, order_id=order.order_id, open_id=order.open_id,
            product_id=order.product_id, source=source, granted_at=now,
        ).on_conflict_do_nothing(index_elements=["trade_order_id"]).returning(grants.c.trade_order_id)).first()
        if inserted is None:
            return ALREADY_GRANTED
        conn.execute(update(orders).where(orders.c.order_id == order.order_id).values(
            status="granted", trade_order_id=trade_order_id, is_sandbox=is_sandbox, granted_at=now,
            next_check_at=None, detail="", updated_at=now))
        if self.grant_hook is not None:
            self.grant_hook(Grant(connection=conn, trade_order_id=trade_order_id, order_id=order.order_id,
                                  open_id=order.open_id, product_id=order.product_id, amount=order.amount,
                                  quantity=order.quantity, is_sandbox=is_sandbox, source=source))
        self._apply_refunds(conn, order.order_id)
        return GRANTED

    def _locked_order(self, conn: Connection, trade_order_id: str, order_id: str | None) -> Order | None:
        for where in (orders.c.trade_order_id == trade_order_id,
                      (orders.c.order_id == order_id) & orders.c.trade_order_id.is_(None) if order_id else None):
            if where is None:
                continue
            row = conn.execute(select(orders).where(where).with_for_update()).mappings().first()
            if row is not None:
                return Order(**row)
        return None

    def _apply_refunds(self, conn: Connection, order_id: str) -> None:
        """Apply every recorded, not yet applied refund of a granted order (in event-time order)."""
        row = conn.execute(select(orders).where(orders.c.order_id == order_id)).mappings().first()
        if row is None or row["status"] not in GRANTED_STATUSES or not row["trade_order_id"]:
            return
        order = Order(**row)
        pending = conn.execute(select(recoveries).where(recoveries.c.trade_order_id == order.trade_order_id,
                                                        recoveries.c.applied.is_(False))
                               .order_by(recoveries.c.event_time, recoveries.c.content_hash)).mappings().all()
        recovered = order.refunded
        for refund in pending:
            amount = order.amount if refund["amount"] is None else int(refund["amount"])
            before, recovered = recovered, recovered + amount
            status = "refunded" if recovered >= order.amount else "partially_refunded"
            now = self.clock()
            conn.execute(update(recoveries).where(recoveries.c.id == refund["id"]).values(applied=True))
            conn.execute(update(orders).where(orders.c.order_id == order.order_id)
                         .values(status=status, refunded=recovered, updated_at=now))
            after = dataclasses.replace(order, status=status, refunded=recovered)
            if self.refund_hook is not None:
                self.refund_hook(Refund(connection=conn, trade_order_id=order.trade_order_id or "",
                                        event_time=int(refund["event_time"]), content=_loads(refund["content"]),
                                        order=after, amount=amount, recovered=recovered,
                                        take_back=before < order.amount <= recovered))

    def refund(self, trade_order_id: str, event_time: int, content_text: str, content: dict[str, Any], *,
               order_id: str | None = None, delivery_id: int | None = None) -> bool:
        """Record TikTok's ``refund_traceback`` once (per trade order, event time and content) and apply it
        if the order is granted (else when its redeem comes); False if seen before.

        Example::

            store.refund(event.trade_order_id, event.create_time, event.raw["content"], event.content)
        """
        amount = content.get("refund_amount")
        amount = amount if isinstance(amount, int) and not isinstance(amount, bool) and amount >= 0 else None
        with self.engine.begin() as conn:
            order = self._locked_order(conn, trade_order_id, order_id)      # serialises with the redeem
            if order is not None and order.trade_order_id is None:     # named by an authentic delivery
                self._attach(conn, order.order_id, trade_order_id)
            inserted = conn.execute(self._insert(recoveries).values(
                trade_order_id=trade_order_id, event_time=event_time, content_hash=_hash(content_text),
                content=content_text, recorded_at=self.clock(), amount=amount, applied=False).on_conflict_do_nothing(
                index_elements=["trade_order_id", "event_time", "content_hash"]).returning(recoveries.c.id)).first()
            if inserted is not None and order is not None:
                self._apply_refunds(conn, order.order_id)
            self._settle(conn, delivery_id, "refund_recorded" if inserted is not None else "refund_duplicate")
        return inserted is not None

    def refund_notice(self, delivery: Delivery) -> str:
        """``refund_success``/``refund_fail``: handed to the ``refund_notice`` hook once (the inbox
        row is its record)."""
        with self.engine.begin() as conn:
            row = conn.execute(select(inbox.c.settled_at).where(inbox.c.id == delivery.id).with_for_update()).first()
            if row is not None and row.settled_at is not None:
                return "notice_duplicate"
            order = self._locked_order(conn, delivery.trade_order_id or "", delivery.order_id)
            if self.refund_notice_hook is not None:
                self.refund_notice_hook(RefundNotice(connection=conn, event=delivery.event,
                                                     trade_order_id=delivery.trade_order_id or "",
                                                     content=delivery.content, order=order))
            self._settle(conn, delivery.id, "notice_recorded")
        return "notice_recorded"

    def forget_player(self, open_id: str, delivery_id: int | None = None) -> str:
        """``authorization.removed``: the player disconnected the app; their tokens are deleted
        (their unsettled orders wait for the webhook or a new login)."""
        with self.engine.begin() as conn:
            forgotten = self._forget(conn, open_id) if open_id else False
            outcome = "tokens_deleted" if forgotten else "no_tokens"
            self._settle(conn, delivery_id, outcome)
        return outcome

    def log_webhook(self, event: str, trade_order_id: str | None, outcome: str, stale: bool = False) -> None:
        """Keep a line per delivery (what came, what we did) for audits and tests."""
        with self.engine.begin() as conn:
            conn.execute(webhook_log.insert().values(received_at=self.clock(), event=event[:80],
                                                     trade_order_id=trade_order_id and trade_order_id[:128],
                                                     outcome=outcome[:32], stale=stale))

    def count(self, table_name: str, **where: object) -> int:
        """Rows of one of the store's tables matching ``where`` (for health pages and tests).

        Example::

            store.count("ttminis_grants", trade_order_id="tt-1")     # 1
        """
        table = metadata.tables[table_name]
        query = select(func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        with self._read() as conn:
            return int(conn.execute(query).scalar() or 0)


def _delivery(row: Any) -> Delivery:
    return Delivery(id=row["id"], event=row["event"], trade_order_id=row["trade_order_id"], order_id=row["order_id"],
                    create_time=int(row["create_time"]), user_openid=row["user_openid"], content_text=row["content"],
                    stale=bool(row["stale"]), is_sandbox=bool(row["is_sandbox"]), outcome=row["outcome"],
                    checks=int(row["checks"] or 0))


def _loads(text_value: str) -> dict[str, Any]:
    try:
        value = json.loads(text_value)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _sqlite_transactions(engine: Engine) -> None:
    """SQLite: WAL, a busy timeout, and BEGIN IMMEDIATE for writes (deferred BEGIN for reads)."""

    @event.listens_for(engine, "connect")
    def connect(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.isolation_level = None       # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get("ttminis_read_only")
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
