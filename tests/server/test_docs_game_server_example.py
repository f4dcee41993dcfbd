"""docs/game-server.md's test of game code against a real backend, read from the page and run as
written: the fake TikTok server, the reference backend, and a grant from the signed webhook."""
from tests.shared.docs import sample

exec(compile(sample("game-server.md", "from ttminis.game_server import GameServer"),
             "docs/game-server.md:test_buying_through_the_backend", "exec"))
