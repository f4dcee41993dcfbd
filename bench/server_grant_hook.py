"""The grant hook of the backend process in bench/server_throughput.py: the game's inventory row."""
from sqlalchemy import text


def grant(g):
    g.connection.execute(text("INSERT INTO inventory (open_id, item) VALUES (:o, :i)"),
                         {"o": g.open_id, "i": g.product_id})
