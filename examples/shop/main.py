"""Coin Shop: tap the coin to collect it; buy items with TikTok Beans. A ttminis example.

Shows: silent login at start, a shop that shows what the player can afford (check_balance),
buying through the game's server (backend.py: order, pay, wait for the server's grant), recharge, the balance
page, a rewarded ad for bonus coins, pausing on onHide and resuming on onShow, and every error
shown to the player in the game's own UI. The rules live in ``shop.py``; this file draws them.
"""
import backend
from glue import every_frame, on, spawn, window
from shop import AD_BONUS, ITEMS, Shop

canvas = window.document.getElementById("game")
ctx = canvas.getContext("2d")
status_line = window.document.createElement("div")
status_line.id = "status"
status_line.setAttribute("aria-live", "polite")
status_line.className = "visually-hidden"
window.document.body.appendChild(status_line)

shop = Shop(backend.connect())
coin = [120.0, 200.0, 2.2, 1.7]   # x, y, dx, dy
buttons = []   # (x, y, w, h, action)


def layout():
    w, h = window.innerWidth, window.innerHeight
    canvas.width, canvas.height = w, h
    return w, h


def add_button(x, y, w, h, label, action, enabled=True):
    buttons.append((x, y, w, h, action))
    ctx.fillStyle = "#fe2c55" if enabled else "#555"
    ctx.fillRect(x, y, w, h)
    ctx.fillStyle = "#fff"
    ctx.font = "bold 16px sans-serif"
    ctx.fillText(label, x + 12, y + h / 2 + 6)


def draw(_timestamp=None):
    w, h = layout()
    buttons.clear()
    ctx.fillStyle = "#161823"
    ctx.fillRect(0, 0, w, h)
    ctx.fillStyle = "#fff"
    ctx.font = "bold 20px sans-serif"
    ctx.fillText("Coins: %d" % shop.coins, 16, 36)
    ctx.font = "14px sans-serif"
    ctx.fillText(shop.message[:60], 16, 62)
    if shop.owned:
        ctx.fillText("Owned: " + ", ".join(shop.owned), 16, 84)
    if not shop.paused:
        coin[0] += coin[2]
        coin[1] += coin[3]
        if not 24 < coin[0] < w - 24:
            coin[2] = -coin[2]
        if not 110 < coin[1] < h * 0.5:
            coin[3] = -coin[3]
    ctx.fillStyle = "#ffd700"
    ctx.beginPath()
    ctx.arc(coin[0], coin[1], 24, 0, 6.2832)
    ctx.fill()
    buttons.append((coin[0] - 30, coin[1] - 30, 60, 60, shop.collect_coin))
    top = h * 0.55
    for i, item in enumerate(ITEMS):
        y = top + i * 56
        affordable = shop.affordable.get(item["id"])
        ctx.fillStyle = "#fff"
        ctx.font = "16px sans-serif"
        ctx.fillText("%s  %d Beans%s" % (item["name"], item["price"],
                     "" if affordable is None else ("" if affordable else "  (need more)")), 16, y + 30)
        add_button(w - 120, y, 104, 48, "Buy", lambda item=item: spawn(shop.buy(item)),
                   enabled=bool(affordable) and not shop.busy)
    y = top + len(ITEMS) * 56 + 8
    third = (w - 48) / 3
    add_button(16, y, third, 48, "Recharge", lambda: spawn(shop.recharge()))
    add_button(24 + third, y, third, 48, "Balance", lambda: spawn(shop.open_balance()))
    add_button(32 + 2 * third, y, third, 48, "Ad +%d" % AD_BONUS, lambda: spawn(shop.watch_ad()))
    if shop.paused:
        ctx.fillStyle = "rgba(0,0,0,.6)"
        ctx.fillRect(0, 0, w, h)
        ctx.fillStyle = "#fff"
        ctx.fillText("Paused", w / 2 - 30, h / 2)
    if status_line.textContent != shop.message:
        status_line.textContent = shop.message     # what screen readers (and tests) read
    window.shopButtons = [[b[0], b[1], b[2], b[3]] for b in buttons]
    window.shopCoins = shop.coins


def on_tap(event):
    x, y = event.clientX, event.clientY
    for bx, by, bw, bh, action in reversed(buttons):
        if bx <= x <= bx + bw and by <= y <= by + bh:
            action()
            return


shop.listen()
on(canvas, "pointerdown", on_tap)
every_frame(draw)
spawn(shop.start())
