"""The JS fake (web/fake/fake-ttminis.js) and the fake TikTok server share one order book.

Run in Node (no browser): the same file the browser and the native simulator load. An order the
backend created at the fake server is the order the JS fake pays; paying it makes the server
deliver the signed webhook; the backend grants. ``request`` reaches allowed origins over real HTTP.
"""
import json
import subprocess

from ttminis.build.node import node_binary
from ttminis.build.targets.html import FAKE

from test_backend import Player

SCRIPT = """
require(process.argv[2]);
const [orderBook, backend, tradeOrderId] = process.argv.slice(3);
TTMinisFake.useOrderBook(orderBook, "player-js");
TTMinisFake.allowRequests(backend);
const game = TTMinis.game;
const call = (method, options) => new Promise((resolve) =>
  game[method](Object.assign({}, options, { success: (r) => resolve({ ok: r === undefined ? "success" : r }), fail: (e) => resolve({ fail: e }) })));
(async () => {
  const login = await call("login", {});
  const paid = await call("pay", { trade_order_id: tradeOrderId });
  const again = await call("pay", { trade_order_id: tradeOrderId });
  const missing = await call("pay", { trade_order_id: "tt-nope" });
  const health = await call("request", { url: backend + "/health", method: "GET" });
  const blocked = await call("request", { url: "http://127.0.0.1:9/elsewhere" });
  let created = null;
  try { TTMinisFake.backend.createOrder(5); } catch (e) { created = e.message; }
  console.log(JSON.stringify({ login, paid, again, missing, health, blocked, created,
                               balance: TTMinisFake.wallet.balance }));
})();
"""


def test_the_js_fake_pays_the_servers_order_and_the_webhook_grants(tiktok, tmp_path):
    from ttminis.server.testing import running_backend
    with running_backend(tiktok, f"sqlite:///{tmp_path / 'orders.db'}") as backend:
        order = Player(backend, tiktok).order("sword")
        script = tmp_path / "pay.js"
        script.write_text(SCRIPT)
        result = subprocess.run([node_binary(), str(script), str(FAKE), tiktok.url, backend.url,
                                 order["trade_order_id"]], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        seen = json.loads(result.stdout)
        tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
        assert backend.store.order(order["order_id"]).status == "granted"
    assert seen["login"]["ok"]["code"].startswith("fake-code-")
    assert seen["paid"] == {"ok": "success"} and seen["balance"] == 70
    assert seen["again"]["fail"]["error"]["error_code"] == 90000001
    assert seen["missing"]["fail"]["error"]["error_code"] == 20011002
    assert seen["health"]["ok"]["statusCode"] == 200 and seen["health"]["ok"]["data"]["ok"] is True
    assert "no network" in seen["blocked"]["fail"]["error"]["error_msg"]
    assert "live at the fake TikTok server" in seen["created"]
