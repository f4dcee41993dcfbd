"""The example game's own tests, written the way a game developer writes them with ttminis's
pytest fixtures (``ttminis_wallet``, ``ttminis_page``, ``ttminis_driver``). The game under test
is ``examples/shop`` (``ttminis_game`` in pyproject.toml)."""
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHOP = REPO / "examples" / "shop"
sys.path.insert(0, str(SHOP))     # shop.py, the game's rules, is plain Python
