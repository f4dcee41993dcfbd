"""STAND-IN BACKEND: this is where your real game server goes.

A real game asks ITS OWN server to create a trade order with TikTok's server API (token type
BEANS, amount, your order id) and gets back a ``trade_order_id``; the server grants the item when
TikTok's signed webhook (``minis.trade_order.redeem.success``) arrives. Never grant from the
client callback alone. Here, orders come from the fake SDK's stand-in backend, which exists only
in --dev builds and tests.
"""
from glue import window


def create_order(item):
    """Ask the backend for a trade order for ``item``; returns its trade_order_id."""
    fake = getattr(window, "TTMinisFake", None)
    if fake is None:
        raise RuntimeError("no backend configured: connect examples/shop/backend.py to your server")
    return fake.backend.createOrder(item["price"])
