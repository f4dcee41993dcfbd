"""The order store: orders, players' tokens, sessions and grants; SQLite by default, PostgreSQL by URL.

Exports:
    Store(url="sqlite:///ttminis-orders.db", *, sandbox=False, grant=None, refund=None, clock=time.time)
    Grant, Refund            what the hooks receive (with ``.connection``, inside the transaction)
    Order, PlayerTokens      rows as typed records
    GRANTED, ALREADY_GRANTED, UNKNOWN_ORDER, REFUSED_SANDBOX, NOT_PAID   redeem outcomes
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
* ``refund_traceback`` is recorded once per (trade order, event time) and handed to ``refund``.

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

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import (BigInteger, Boolean, Column, Float, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, create_engine, event, func, select, text, update)
from sqlalchemy.engine import Connection, Engine, make_url

if TYPE_CHECKING:
    from .tiktok_api import Tokens

GRANTED, ALREADY_GRANTED, UNKNOWN_ORDER, REFUSED_SANDBOX, NOT_PAID = (
    "granted", "already_granted", "unknown_order", "refused_sandbox", "not_paid")
ORDER_STATUSES = ("creating", "pending", "granted", "failed", "abandoned", "refused_sandbox", "refunded")

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
    Column("granted_at", Float))
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
webhook_log = Table(
    "ttminis_webhook_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("received_at", Float, nullable=False),
    Column("event", String(80), nullable=False),
    Column("trade_order_id", String(128)),
    Column("outcome", String(32), nullable=False),
    Column("stale", Boolean, nullable=False))

V1_TABLES = [players, sessions, orders, grants, refunds, webhook_log]
# Numbered schema steps: append, never edit. Each runs once, in a transaction, in order.
def _create_v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=V1_TABLES)


MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [(1, _create_v1)]
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
    """What the ``refund`` hook gets: TikTok's clawback, the order (None if unknown), the connection."""
    connection: Connection = field(repr=False)
    trade_order_id: str
    event_time: int
    content: dict[str, Any]
    order: Order | None


class Store:
    """Orders, tokens, sessions and exactly-once grants over SQLAlchemy (see the module docstring).

    ``grant(g: Grant)`` and ``refund(r: Refund)`` are the game's hooks; both run inside the
    transaction. ``sandbox=True`` grants sandbox payments. ``clock`` gives unix seconds (tests).

    Example::

        store = Store("postgresql://shop@127.0.0.1/shop", grant=give_item)
        store.migrate()
    """

    def __init__(self, url: str = "sqlite:///ttminis-orders.db", *, sandbox: bool = False,
                 grant: Callable[[Grant], object] | None = None, refund: Callable[[Refund], object] | None = None,
                 clock: Callable[[], float] = time.time, pool_size: int = 10) -> None:
        self.url = normalise_url(url)
        self.sandbox = sandbox
        self.grant_hook = grant
        self.refund_hook = refund
        self.clock = clock
        dialect = make_url(self.url).get_backend_name()
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"Store: the database URL must be sqlite:///FILE or postgresql://..., got {dialect}://")
        self.dialect = dialect
        if dialect == "sqlite":
            self.engine = create_engine(self.url, connect_args={"timeout": 60, "check_same_thread": False},
                                        pool_size=pool_size, max_overflow=2 * pool_size)
            _sqlite_transactions(self.engine)
        else:
            self.engine = create_engine(self.url, pool_size=pool_size, max_overflow=2 * pool_size,
                                        pool_pre_ping=True)
        from sqlalchemy.dialects import postgresql, sqlite
        self._insert = (sqlite if dialect == "sqlite" else postgresql).insert

    def __repr__(self) -> str:
        return f"Store({make_url(self.url).render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        self.engine.dispose()

    # -- schema -----------------------------------------------------------------------------------
    def migrate(self) -> int:
        """Create or upgrade the schema; returns the version now in place. Safe to run concurrently.

        Example::

            Store("sqlite:///shop.db").migrate()     # 1
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
        """Keep a player's tokens (from ``TikTokAPI.exchange_code``/``refresh``).

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

    def player_tokens(self, open_id: str) -> PlayerTokens | None:
        with self._read() as conn:
            row = conn.execute(select(players).where(players.c.open_id == open_id)).mappings().first()
        return None if row is None else PlayerTokens(**{k: row[k] for k in (
            "open_id", "access_token", "access_expires_at", "refresh_token", "refresh_expires_at")})

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

    # -- orders -----------------------------------------------------------------------------------
    def begin_order(self, open_id: str, product: dict[str, Any]) -> Order:
        """Record a new order (status ``creating``) before asking TikTok to create it.

        ``product`` is from the server's own catalogue: ``{"id", "name", "price", "quantity"?}``.

        Example::

            order = store.begin_order("open-1", {"id": "sword", "name": "Sword", "price": 30})
        """
        now = self.clock()
        row = {"order_id": "ord-" + secrets.token_hex(12), "trade_order_id": None, "open_id": open_id,
               "product_id": product["id"], "product_name": product["name"], "amount": product["price"],
               "quantity": product.get("quantity", 1), "status": "creating", "is_sandbox": None, "detail": "",
               "created_at": now, "updated_at": now, "granted_at": None}
        with self.engine.begin() as conn:
            conn.execute(orders.insert().values(**row))
        return Order(**row)

    def order_created(self, order_id: str, trade_order_id: str) -> Order:
        """TikTok created the order: keep its ``trade_order_id``; the order is now ``pending``."""
        with self.engine.begin() as conn:
            conn.execute(update(orders).where(orders.c.order_id == order_id, orders.c.status == "creating")
                         .values(trade_order_id=trade_order_id, status="pending", updated_at=self.clock()))
        order = self.order(order_id)
        if order is None:
            raise LookupError(f"order {order_id} vanished while being created")
        return order

    def order_not_created(self, order_id: str, status: str, detail: str) -> None:
        """TikTok refused (``failed``) or may have created it (``abandoned``): never to be paid."""
        if status not in ("failed", "abandoned"):
            raise ValueError(f"order_not_created: status must be 'failed' or 'abandoned', got {status!r}")
        with self.engine.begin() as conn:
            conn.execute(update(orders).where(orders.c.order_id == order_id, orders.c.status == "creating")
                         .values(status=status, detail=detail[:500], updated_at=self.clock()))

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

    # -- the payment ------------------------------------------------------------------------------
    def redeem(self, trade_order_id: str, *, order_id: str | None = None, is_sandbox: bool = False,
               source: str = "webhook") -> str:
        """TikTok says ``trade_order_id`` is paid: grant it, exactly once. Returns the outcome.

        ``order_id`` (yours, from the webhook's content) finds an order whose ``trade_order_id``
        was never stored (a crash between TikTok's create and our record). Raises whatever the
        ``grant`` hook raises, after rolling everything back.

        Example::

            store.redeem("tt-1", order_id="ord-1", is_sandbox=event.is_sandbox)   # "granted"
        """
        with self.engine.begin() as conn:
            order = self._locked_order(conn, trade_order_id, order_id)
            if order is None:
                return UNKNOWN_ORDER
            if order.status in ("granted", "refunded"):
                return ALREADY_GRANTED
            if is_sandbox and not self.sandbox:
                conn.execute(update(orders).where(orders.c.order_id == order.order_id).values(
                    status="refused_sandbox", is_sandbox=True, trade_order_id=trade_order_id,
                    detail="a sandbox payment reached a production backend", updated_at=self.clock()))
                return REFUSED_SANDBOX
            now = self.clock()
            inserted = conn.execute(self._insert(grants).values(
                trade_order_id=trade_order_id, order_id=order.order_id, open_id=order.open_id,
                product_id=order.product_id, source=source, granted_at=now,
            ).on_conflict_do_nothing(index_elements=["trade_order_id"]).returning(grants.c.trade_order_id)).first()
            if inserted is None:
                return ALREADY_GRANTED
            conn.execute(update(orders).where(orders.c.order_id == order.order_id).values(
                status="granted", trade_order_id=trade_order_id, is_sandbox=is_sandbox, granted_at=now,
                updated_at=now))
            if self.grant_hook is not None:
                self.grant_hook(Grant(connection=conn, trade_order_id=trade_order_id, order_id=order.order_id,
                                      open_id=order.open_id, product_id=order.product_id, amount=order.amount,
                                      quantity=order.quantity, is_sandbox=is_sandbox, source=source))
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

    def refund(self, trade_order_id: str, event_time: int, content_text: str, content: dict[str, Any]) -> bool:
        """Record TikTok's refund clawback once and hand it to the ``refund`` hook; False if seen before.

        Example::

            store.refund(event.trade_order_id, event.create_time, event.raw["content"], event.content)
        """
        with self.engine.begin() as conn:
            inserted = conn.execute(self._insert(refunds).values(
                trade_order_id=trade_order_id, event_time=event_time, content=content_text,
                recorded_at=self.clock()).on_conflict_do_nothing(
                index_elements=["trade_order_id", "event_time"]).returning(refunds.c.id)).first()
            if inserted is None:
                return False
            row = conn.execute(select(orders).where(orders.c.trade_order_id == trade_order_id)
                               .with_for_update()).mappings().first()
            order = None if row is None else Order(**row)
            if order is not None and order.status == "granted":
                conn.execute(update(orders).where(orders.c.order_id == order.order_id)
                             .values(status="refunded", updated_at=self.clock()))
            if self.refund_hook is not None:
                self.refund_hook(Refund(connection=conn, trade_order_id=trade_order_id, event_time=event_time,
                                        content=content, order=order))
        return True

    def log_webhook(self, event: str, trade_order_id: str | None, outcome: str, stale: bool = False) -> None:
        """Keep a line per delivery (what came, what we did) for audits and tests."""
        with self.engine.begin() as conn:
            conn.execute(webhook_log.insert().values(received_at=self.clock(), event=event[:80],
                                                     trade_order_id=trade_order_id, outcome=outcome, stale=stale))

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
