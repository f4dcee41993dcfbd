"""The order store on SQLite and PostgreSQL: one schema, migrations, exactly-once grants, hooks."""
import threading

import pytest
from sqlalchemy import text

from ttminis.server.store import (ALREADY_GRANTED, GRANTED, REFUSED_SANDBOX, UNKNOWN_ORDER, Store)
from ttminis.server.tiktok_api import Tokens

SWORD = {"id": "sword", "name": "Sword", "price": 30}


def inventory_hook(grant):
    """A game's grant hook: its own table, written with the grant's connection."""
    grant.connection.execute(text("INSERT INTO inventory (open_id, item, trade_order_id) VALUES (:o, :i, :t)"),
                             {"o": grant.open_id, "i": grant.product_id, "t": grant.trade_order_id})


def new_store(url, **options):
    store = Store(url, **options)
    store.migrate()
    with store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS inventory (open_id VARCHAR(128), item VARCHAR(64), "
                          "trade_order_id VARCHAR(128))"))
    return store


def inventory(store):
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT open_id, item FROM inventory ORDER BY item"))]


def pending_order(store, trade_order_id="tt-1", open_id="player-1"):
    order = store.begin_order(open_id, SWORD)
    return store.order_created(order.order_id, trade_order_id)


@pytest.fixture
def store(database_url):
    store = new_store(database_url, grant=inventory_hook)
    yield store
    store.close()


def test_migrate_creates_the_schema_once_and_is_repeatable(database_url):
    first = Store(database_url)
    assert first.migrate() == 2
    assert Store(database_url).migrate() == 2
    assert first.count("ttminis_schema") == 2
    first.close()


def test_an_order_goes_from_creating_to_pending_to_granted_once(store):
    order = store.begin_order("player-1", SWORD)
    assert (order.status, order.amount, order.trade_order_id) == ("creating", 30, None)
    order = store.order_created(order.order_id, "tt-1")
    assert order.status == "pending" and store.pending_orders() == [order]
    assert store.redeem("tt-1") == GRANTED
    assert store.redeem("tt-1") == ALREADY_GRANTED
    assert store.order(order.order_id).status == "granted"
    assert inventory(store) == [("player-1", "sword")]
    assert store.pending_orders() == []


def test_a_hook_that_fails_rolls_everything_back_and_the_retry_grants(database_url):
    calls = []

    def flaky(grant):
        inventory_hook(grant)
        calls.append(grant.trade_order_id)
        if len(calls) == 1:
            raise RuntimeError("the game's database write failed")
    store = new_store(database_url, grant=flaky)
    pending_order(store)
    with pytest.raises(RuntimeError):
        store.redeem("tt-1")
    assert inventory(store) == [] and store.count("ttminis_grants") == 0
    assert store.pending_orders()[0].status == "pending"
    assert store.redeem("tt-1") == GRANTED
    assert inventory(store) == [("player-1", "sword")] and calls == ["tt-1", "tt-1"]
    store.close()


def test_the_hook_gets_the_order_and_the_idempotency_key(database_url):
    seen = []
    store = new_store(database_url, grant=seen.append)
    order = pending_order(store, "tt-9", "player-9")
    store.redeem("tt-9", source="sweeper")
    (grant,) = seen
    assert (grant.trade_order_id, grant.order_id, grant.open_id, grant.product_id, grant.amount, grant.source) == \
        ("tt-9", order.order_id, "player-9", "sword", 30, "sweeper")
    store.close()


def test_an_order_whose_trade_id_was_never_stored_is_found_by_our_order_id(store):
    order = store.begin_order("player-1", SWORD)          # crashed before order_created
    assert store.redeem("tt-7", order_id=order.order_id) == GRANTED
    assert store.order(order.order_id).trade_order_id == "tt-7"
    assert store.redeem("tt-7", order_id=order.order_id) == ALREADY_GRANTED


def test_an_unknown_order_grants_nothing(store):
    assert store.redeem("tt-unknown", order_id="ord-unknown") == UNKNOWN_ORDER
    assert inventory(store) == []


def test_sandbox_payments_are_refused_in_production_and_granted_in_sandbox_mode(database_url):
    production = new_store(database_url, grant=inventory_hook)
    order = pending_order(production)
    assert production.redeem("tt-1", is_sandbox=True) == REFUSED_SANDBOX
    assert production.order(order.order_id).status == "refused_sandbox" and inventory(production) == []
    sandbox = Store(database_url, sandbox=True, grant=inventory_hook)
    pending_order(sandbox, "tt-2", "player-2")
    assert sandbox.redeem("tt-2", is_sandbox=True) == GRANTED
    assert inventory(sandbox) == [("player-2", "sword")]
    production.close()
    sandbox.close()


def test_a_refund_is_recorded_once_and_handed_to_the_hook(database_url):
    refunds = []
    store = new_store(database_url, grant=inventory_hook, refund=refunds.append)
    order = pending_order(store)
    store.redeem("tt-1")
    assert store.refund("tt-1", 1700000000, '{"trade_order_id": "tt-1"}', {"trade_order_id": "tt-1"}) is True
    assert store.refund("tt-1", 1700000000, '{"trade_order_id": "tt-1"}', {"trade_order_id": "tt-1"}) is False
    assert store.order(order.order_id).status == "refunded"
    (refund,) = refunds
    assert refund.order.order_id == order.order_id and refund.content == {"trade_order_id": "tt-1"}
    assert store.redeem("tt-1") == ALREADY_GRANTED
    store.close()


def test_tokens_and_sessions(store):
    store.save_tokens(Tokens("player-1", "act.1", 86400, "rft.1", 365 * 86400))
    store.save_tokens(Tokens("player-1", "act.2", 86400, "rft.2", 365 * 86400))
    tokens = store.player_tokens("player-1")
    assert (tokens.access_token, tokens.refresh_token) == ("act.2", "rft.2")
    assert "act.2" not in repr(tokens) and "rft.2" not in repr(tokens)
    session = store.new_session("player-1", ttl=60)
    assert store.session_player(session) == "player-1"
    assert store.session_player(session + "x") is None and store.session_player("") is None
    assert store.count("ttminis_sessions", token_hash=session) == 0      # only its hash is stored


def test_an_expired_session_is_refused(database_url):
    now = [1000.0]
    store = Store(database_url, clock=lambda: now[0])
    store.migrate()
    session = store.new_session("player-1", ttl=60)
    now[0] += 61
    assert store.session_player(session) is None
    store.close()


def test_50_concurrent_redeems_of_the_same_payment_grant_once(database_url):
    stores = [new_store(database_url, grant=inventory_hook) for _ in range(2)]    # two pools: two "processes"
    pending_order(stores[0])
    outcomes, start = [], threading.Barrier(50)

    def deliver(i):
        start.wait()
        outcomes.append(stores[i % 2].redeem("tt-1"))
    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count(GRANTED) == 1 and outcomes.count(ALREADY_GRANTED) == 49
    assert inventory(stores[0]) == [("player-1", "sword")]
    assert stores[0].count("ttminis_grants") == 1
    for store in stores:
        store.close()


def test_a_bad_database_url_is_refused_with_what_is_expected():
    with pytest.raises(ValueError, match="sqlite:///FILE or postgresql://"):
        Store("mysql://localhost/shop")


def test_a_version_1_database_is_upgraded_in_place(database_url):
    """Orders and refunds kept by version 1 survive: unsettled orders get a schedule, recorded
    refunds count as applied, and the inbox, leases and prices tables appear."""
    from sqlalchemy import (BigInteger, Boolean, Column, Float, Integer, MetaData, String, Table, Text,
                            UniqueConstraint, create_engine)
    from ttminis.server import store as store_module
    v1 = MetaData()
    for table in (store_module.players, store_module.sessions, store_module.grants, store_module.webhook_log,
                  store_module.schema_table):
        table.to_metadata(v1)
    Table("ttminis_orders", v1, *(Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
                                  for c in store_module.orders.columns
                                  if c.name not in ("next_check_at", "checks", "refunded")))
    Table("ttminis_refunds", v1, Column("id", Integer, primary_key=True, autoincrement=True),
          Column("trade_order_id", String(128), nullable=False), Column("event_time", BigInteger, nullable=False),
          Column("content", Text, nullable=False), Column("recorded_at", Float, nullable=False),
          UniqueConstraint("trade_order_id", "event_time"))
    engine = create_engine(store_module.normalise_url(database_url))
    with engine.begin() as conn:
        v1.create_all(conn)
        conn.execute(v1.tables["ttminis_schema"].insert().values(version=1, applied_at=0))
        base = {"open_id": "p", "product_id": "sword", "product_name": "Sword", "amount": 30, "quantity": 1,
                "is_sandbox": None, "detail": "", "created_at": 100.0, "updated_at": 100.0, "granted_at": None}
        conn.execute(v1.tables["ttminis_orders"].insert(), [
            dict(base, order_id="ord-1", trade_order_id="tt-1", status="pending"),
            dict(base, order_id="ord-2", trade_order_id="tt-2", status="refunded", granted_at=101.0)])
        conn.execute(v1.tables["ttminis_refunds"].insert().values(trade_order_id="tt-2", event_time=5,
                                                                 content='{"trade_order_id": "tt-2"}', recorded_at=102.0))
    engine.dispose()
    store = Store(database_url)
    assert store.migrate() == 2
    assert store.order("ord-1").next_check_at == 100.0 and store.order("ord-1").checks == 0
    assert store.order("ord-2").next_check_at is None and store.order("ord-2").status == "refunded"
    assert store.count("ttminis_recoveries", trade_order_id="tt-2", applied=True) == 1
    assert [o.order_id for o in store.due_orders()] == ["ord-1"]
    assert store.count("ttminis_inbox") == 0 and store.price_verdicts() == {}
    store.close()
