"""Grant hooks for the backend processes started by test_processes.py (``--hooks`` file).

``CRASH=before_commit`` kills the process inside the grant's transaction; ``CRASH=after_commit``
kills it after the commit and before TikTok gets its 200. Each kill is ``os._exit``: no cleanup,
no rollback by us, no answer, as when a machine loses power or the process is OOM-killed.
"""
import os

from sqlalchemy import text

CRASH = os.environ.get("CRASH", "")


def grant(g):
    g.connection.execute(text("CREATE TABLE IF NOT EXISTS inventory (open_id VARCHAR(128), item VARCHAR(64), "
                              "pid INTEGER, trade_order_id VARCHAR(128))"))
    g.connection.execute(text("INSERT INTO inventory (open_id, item, pid, trade_order_id) VALUES (:o, :i, :p, :t)"),
                         {"o": g.open_id, "i": g.product_id, "p": os.getpid(), "t": g.trade_order_id})
    if CRASH == "before_commit":
        os._exit(17)


def granted(trade_order_id):
    if CRASH == "after_commit":
        os._exit(17)


def refund(r):
    """The reference default: the item is taken back once the recovered Beans reach the price."""
    r.connection.execute(text("CREATE TABLE IF NOT EXISTS takebacks (trade_order_id VARCHAR(128))"))
    if r.take_back:
        r.connection.execute(text("INSERT INTO takebacks (trade_order_id) VALUES (:t)"), {"t": r.trade_order_id})
