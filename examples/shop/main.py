"""Coin Shop: tap the coin to collect it; buy items with TikTok Beans. A ttminis example.

Shows: silent login at start, a shop that shows what the player can afford (check_balance),
buying with pay (orders from backend.py, the stand-in for your server), recharge, the balance
page, a rewarded ad for bonus coins, pausing on onHide and resuming on onShow, and every error
shown to the player in the game's own UI.
"""
import backend
from glue import every_frame, on, spawn, window
from ttminis import TTMinisError, game

canvas = window.document.getElementById("game")
ctx = canvas.getContext("2d")
status_line = window.document.createElement("div")
status_line.id = "status"
status_line.setAttribute("aria-live", "polite")
status_line.className = "visually-hidden"
window.document.body.appendChild(status_line)

state = {"coins": 0, "owned": [], "affordable": {}, "message": "Welcome!", "paused": False,
         "busy": False, "coin": [120.0, 200.0, 2.2, 1.7], "player": None}
buttons = []   # (x, y, w, h, action)


def say(text):
    state["message"] = text
    status_line.textContent = text


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
    ctx.fillText("Coins: %d" % state["coins"], 16, 36)
    ctx.font = "14px sans-serif"
    ctx.fillText(state["message"][:60], 16, 62)
    if state["owned"]:
        ctx.fillText("Owned: " + ", ".join(state["owned"]), 16, 84)
    coin = state["coin"]
    if not state["paused"]:
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
    buttons.append((coin[0] - 30, coin[1] - 30, 60, 60, collect_coin))
    top = h * 0.55
    for i, item in enumerate(backend.ITEMS):
        y = top + i * 56
        affordable = state["affordable"].get(item["id"])
        ctx.fillStyle = "#fff"
        ctx.font = "16px sans-serif"
        ctx.fillText("%s  %d Beans%s" % (item["name"], item["price"],
                     "" if affordable is None else ("" if affordable else "  (need more)")), 16, y + 30)
        add_button(w - 120, y, 104, 48, "Buy", lambda item=item: spawn(buy(item)),
                   enabled=bool(affordable) and not state["busy"])
    y = top + len(backend.ITEMS) * 56 + 8
    third = (w - 48) / 3
    add_button(16, y, third, 48, "Recharge", lambda: spawn(recharge()))
    add_button(24 + third, y, third, 48, "Balance", lambda: spawn(open_balance()))
    add_button(32 + 2 * third, y, third, 48, "Ad +5", lambda: spawn(watch_ad()))
    if state["paused"]:
        ctx.fillStyle = "rgba(0,0,0,.6)"
        ctx.fillRect(0, 0, w, h)
        ctx.fillStyle = "#fff"
        ctx.fillText("Paused", w / 2 - 30, h / 2)
    window.shopButtons = [[b[0], b[1], b[2], b[3]] for b in buttons]


def collect_coin():
    state["coins"] += 1


def on_tap(event):
    x, y = event.clientX, event.clientY
    for bx, by, bw, bh, action in reversed(buttons):
        if bx <= x <= bx + bw and by <= y <= by + bh:
            action()
            return


async def refresh_affordability():
    try:
        for item in backend.ITEMS:
            state["affordable"][item["id"]] = await game.check_balance(item["price"])
    except TTMinisError as e:
        say("Could not check your Beans: %s" % e.error_msg)


async def buy(item):
    if state["busy"]:
        return
    state["busy"] = True
    say("Buying %s..." % item["name"])
    try:
        order_id = backend.create_order(item)
        await game.pay(order_id, timeout=300)
        state["owned"].append(item["name"])
        say("Bought %s!" % item["name"])
    except TTMinisError as e:
        say("%s not bought: %s" % (item["name"], e.error_msg))
    except RuntimeError as e:
        say(str(e))
    finally:
        state["busy"] = False
    await refresh_affordability()


async def recharge():
    try:
        await game.recharge("tier-1")
        say("Recharged!")
    except TTMinisError as e:
        say("Recharge failed: %s" % e.error_msg)
    await refresh_affordability()


async def open_balance():
    try:
        await game.navigate_to_balance()
    except TTMinisError as e:
        say("Could not open your balance: %s" % e.error_msg)


async def watch_ad():
    try:
        if await game.watch_rewarded_ad("coin-shop-bonus"):
            state["coins"] += 5
            say("Thanks for watching: +5 coins")
        else:
            say("Watch the whole ad to get the bonus")
    except TTMinisError as e:
        say("No ad right now: %s" % e.error_msg)


def on_hide(_payload):
    state["paused"] = True
    say("Paused")


def on_show(_payload):
    state["paused"] = False
    say("Welcome back!")


async def start():
    try:
        state["player"] = (await game.login())["code"]
        say("Signed in. Tap the coin!")
    except TTMinisError as e:
        say("Playing as guest (%s)" % e.error_msg)
    await refresh_affordability()


game.on_hide(on_hide)
game.on_show(on_show)
on(canvas, "pointerdown", on_tap)
every_frame(draw)
spawn(start())
