"""The README's ttminis_native example game: count taps on a button, keep the best count."""
from ttminis import files, frames, screen, touch

ctx = screen.context()
width, height = screen.size()
BUTTON = (width / 2 - 60, height / 2 - 60, 120, 120)
taps = [0]
best = [int(files.read_text("best.txt")) if files.exists("best.txt") else 0]


def describe():
    screen.describe(f"{taps[0]} taps", buttons=[("Tap me", *BUTTON)], taps=taps[0], best=best[0])


@touch.on_end
def tapped(event):
    x, y = event["changedTouches"][0]["clientX"], event["changedTouches"][0]["clientY"]
    if BUTTON[0] <= x <= BUTTON[0] + BUTTON[2] and BUTTON[1] <= y <= BUTTON[1] + BUTTON[3]:
        taps[0] += 1
        if taps[0] > best[0]:
            best[0] = taps[0]
            files.write_text("best.txt", str(best[0]))
        describe()


@frames.start
def draw(time):
    ctx.fillStyle = "#264653"
    ctx.fillRect(0, 0, width, height)
    ctx.fillStyle = "#e9c46a"
    ctx.fillRect(*BUTTON)


describe()
