"""Coin Shop: tap the coin to collect it; buy items with TikTok Beans. A ttminis example.

One source for TikTok's native runtime and for a web page, on Pyodide and on Brython: it draws
through ``ttminis.screen``, hears taps through ``ttminis.touch``, animates with ``ttminis.frames``,
loads its coin picture and sound from ``assets/`` (``ttminis.images``, ``ttminis.sound``), reads a
tip with plain ``open()`` and keeps the player's coins in the game's writable folder
(``ttminis.files``), so they survive a restart. No ``js``, no DOM, no ``browser`` module.

Shows: silent login at start, a shop that shows what the player can afford (check_balance),
buying through the game's server (backend.py: order, pay, wait for the server's grant), recharge,
the balance page, a rewarded ad for bonus coins, pausing on onHide and resuming on onShow, and
every error shown to the player in the game's own UI. The rules live in ``shop.py``; this file
draws them and says what the screen shows (``screen.describe``: screen readers and tests read it).
"""
import backend
from shop import AD_BONUS, ITEMS, Shop
from ttminis import files, frames, game, images, screen, sound, spawn, touch

SAVE = "coins.txt"

ctx = screen.context()
coin_image = images.load("assets/coin.png")
coin_sound = sound.load("assets/coin.wav")
with open("assets/tips.txt") as tips:
    tip = tips.readline().strip()

shop = Shop(backend.connect())
if files.exists(SAVE):
    shop.coins = int(files.read_text(SAVE))
saved = [shop.coins]
coin = [120.0, 200.0, 2.2, 1.7]   # x, y, dx, dy
buttons = []                      # (x, y, w, h, label, action)
described = [None]


def collect():
    if not shop.paused:
        shop.collect_coin()
        coin_sound.play()


def add_button(x, y, w, h, label, action, enabled=True, caption=None):
    buttons.append((x, y, w, h, label, action))
    ctx.fillStyle = "#fe2c55" if enabled else "#555"
    ctx.fillRect(x, y, w, h)
    ctx.fillStyle = "#fff"
    ctx.font = "bold 16px sans-serif"
    ctx.fillText(caption or label, x + 12, y + h / 2 + 6)


def render():
    """Paint the whole screen from the shop's state, then say what it shows."""
    w, h = screen.size()
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
    if not coin_image.draw(coin[0] - 24, coin[1] - 24, 48, 48):
        ctx.fillStyle = "#ffd700"                      # until the picture has loaded
        ctx.fillRect(coin[0] - 24, coin[1] - 24, 48, 48)
    buttons.append((coin[0] - 30, coin[1] - 30, 60, 60, "Coin", collect))
    top = h * 0.55
    for i, item in enumerate(ITEMS):
        y = top + i * 56
        affordable = shop.affordable.get(item["id"])
        ctx.fillStyle = "#fff"
        ctx.font = "16px sans-serif"
        ctx.fillText("%s  %d Beans%s" % (item["name"], item["price"],
                     "" if affordable is None else ("" if affordable else "  (need more)")), 16, y + 30)
        add_button(w - 120, y, 104, 48, "Buy " + item["name"], lambda item=item: spawn(shop.buy(item)),
                   enabled=bool(affordable) and not shop.busy, caption="Buy")
    y = top + len(ITEMS) * 56 + 8
    third = (w - 48) / 3
    add_button(16, y, third, 48, "Recharge", lambda: spawn(shop.recharge()))
    add_button(24 + third, y, third, 48, "Balance", lambda: spawn(shop.open_balance()))
    add_button(32 + 2 * third, y, third, 48, "Ad +%d" % AD_BONUS, lambda: spawn(shop.watch_ad()))
    ctx.fillStyle = "#8a8b91"
    ctx.font = "13px sans-serif"
    ctx.fillText(tip, 16, y + 80)
    if shop.paused:
        ctx.fillStyle = "rgba(0,0,0,.6)"
        ctx.fillRect(0, 0, w, h)
        ctx.fillStyle = "#fff"
        ctx.font = "bold 20px sans-serif"
        ctx.fillText("Paused", w / 2 - 34, h / 2)
    describe()


def describe():
    state = (shop.message, shop.coins, tuple(shop.owned), shop.paused,
             tuple((b[4], round(b[0]), round(b[1])) for b in buttons))
    if state != described[0]:
        described[0] = state
        screen.describe(shop.message, buttons=[(b[4], b[0], b[1], b[2], b[3]) for b in buttons],
                        coins=shop.coins, owned=list(shop.owned), paused=shop.paused)


def frame(_time):
    if not shop.paused:
        w, h = screen.size()
        coin[0] += coin[2]
        coin[1] += coin[3]
        if not 24 < coin[0] < w - 24:
            coin[2] = -coin[2]
        if not 110 < coin[1] < h * 0.5:
            coin[3] = -coin[3]
    render()
    if shop.coins != saved[0]:         # kept in the writable folder: the coins survive a restart
        saved[0] = shop.coins
        files.write_text(SAVE, str(shop.coins))


@touch.on_start
def on_tap(event):
    point = event["changedTouches"][0]
    x, y = point["clientX"], point["clientY"]
    for bx, by, bw, bh, _label, action in reversed(buttons):
        if bx <= x <= bx + bw and by <= y <= by + bh:
            action()
            return


shop.listen()
game.on_hide(lambda _payload: render())   # the frame loop pauses while hidden: show "Paused" now
frames.start(frame)
spawn(shop.start())
