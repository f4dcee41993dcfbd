"""A game module imported by main.py: the purchase, through ttminis."""
from ttminis import TTMinisError, game


async def buy(order_id):
    try:
        await game.pay(order_id)
        return "bought"
    except TTMinisError as e:
        return f"not bought: {e.error_code}"
