"""The desktop preview of native packages (``build.py --target native --serve``; ``make demo``).

examples/shop's native package runs in the strict simulator behind ``ttminis.simulator.preview``; the
tests speak to it over real HTTP on 127.0.0.1 as the preview page does, and load the page itself in
Chromium. Nothing sleeps: every wait is on a condition.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ttminis.simulator.preview import Preview

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shop_package(_ttminis_native_packages):
    return _ttminis_native_packages.package(REPO / "examples" / "shop")


def get(url):
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.status, answer.headers.get("Content-Type"), answer.read()


def post(url, body, content_type="application/json"):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def state(preview):
    return json.loads(get(preview.url + "state")[2])


def until(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)          # polling a condition over HTTP, not waiting for time to pass
    raise AssertionError("the condition never held")


def button(preview, label):
    buttons = state(preview)["description"]["buttons"]
    (found,) = [b for b in buttons if b["label"] == label]
    return found["x"] + found["width"] / 2, found["y"] + found["height"] / 2


def tap(preview, x, y):
    assert post(preview.url + "touch", {"type": "start", "x": x, "y": y}) == (200, {"ok": True})
    assert post(preview.url + "touch", {"type": "end", "x": x, "y": y}) == (200, {"ok": True})


@pytest.fixture
def preview(shop_package):
    with Preview(shop_package, port=0) as running:
        running.wait_until_ready()
        yield running
        found = state(running)
        assert found["violations"] == [] and found["uncaught"] == [], found


def test_the_page_and_live_frames(preview):
    status, content_type, page = get(preview.url)
    assert status == 200 and content_type.startswith("text/html") and b'<canvas id="screen"' in page
    until(lambda: state(preview)["description"])
    status, content_type, first = get(preview.url + "frame")
    assert status == 200 and content_type == "image/jpeg" and first[:2] == b"\xff\xd8"
    frames_then = state(preview)["frames"]
    until(lambda: state(preview)["frames"] > frames_then + 5)
    assert get(preview.url + "frame")[2] != first, "the coin moved: the frame is live"


def test_a_click_is_a_touch_and_the_dev_panel_drives_the_fake(preview):
    until(lambda: (state(preview)["description"] or {}).get("text") == "Signed in. Tap the coin!")
    tap(preview, *button(preview, "Coin"))
    until(lambda: state(preview)["description"]["values"]["coins"] == 1)
    assert post(preview.url + "action", {"name": "balance", "value": 500}) == (200, {"ok": True})
    assert state(preview)["balance"] == 500
    assert post(preview.url + "action", {"name": "hide"})[0] == 200
    until(lambda: state(preview)["description"]["text"] == "Paused")
    assert post(preview.url + "action", {"name": "show"})[0] == 200
    until(lambda: state(preview)["description"]["text"] == "Welcome back!")
    assert post(preview.url + "action", {"name": "restart"})[0] == 200
    until(lambda: (state(preview)["description"] or {}).get("values", {}).get("coins") == 1), \
        "the writable folder survives the restart"


def test_bad_requests_are_refused_naming_what_is_wrong(preview):
    assert post(preview.url + "action", {"name": "hide"}, content_type="text/plain")[0] == 415
    assert post(preview.url + "action", {"name": "pay", "value": "maybe"}) == \
        (400, {"error": "pay: value must be one of fail, never, twice, got 'maybe'"})
    assert post(preview.url + "action", {"name": "balance", "value": -1})[0] == 400
    assert post(preview.url + "touch", {"type": "poke", "x": 1, "y": 2}) == \
        (400, {"error": "touch: type must be one of start, move, end, cancel, got 'poke'"})
    assert post(preview.url + "touch", {"type": "start", "x": "1", "y": 2})[0] == 400


def test_a_purchase_goes_through_the_backend_as_in_make_demo(shop_package, tmp_path, ttminis_backend,
                                                             ttminis_fake_tiktok):
    setup = f"globalThis.ttminisBackendUrl = {ttminis_backend.url!r};"   # what --backend-url bakes in
    with Preview(shop_package, port=0, order_book=ttminis_fake_tiktok.url, allow=[ttminis_backend.url],
                 setup=setup) as running:
        until(lambda: (state(running)["description"] or {}).get("text") == "Signed in. Tap the coin!")
        until(lambda: "(need more)" not in json.dumps(state(running)["description"]) and
              state(running)["description"]["buttons"])
        tap(running, *button(running, "Buy Sword"))
        until(lambda: state(running)["description"]["text"] == "Bought Sword!")
        assert ttminis_backend.store.count("ttminis_grants") == 1
        found = state(running)
        assert found["violations"] == [] and found["uncaught"] == []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_build_py_serve_with_the_native_target_starts_the_preview(tmp_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), str(REPO / "examples" / "shop"),
                                "--target", "native", "--out", str(tmp_path / "shop-native"), "--serve",
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    try:
        for line in process.stdout:
            if line.startswith("Previewing "):
                break
        else:
            raise AssertionError("build.py ended without starting the preview")
        assert f"http://127.0.0.1:{port}/" in line
        status, _type, page = get(f"http://127.0.0.1:{port}/")
        assert status == 200 and b"Native preview" in page
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
        process.stdout.close()


@pytest.mark.browser
def test_the_page_shows_the_game_and_a_click_on_it_is_a_tap(browser, preview):
    until(lambda: (state(preview)["description"] or {}).get("text") == "Signed in. Tap the coin!")
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    try:
        page = context.new_page()
        problems = []
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(preview.url)
        page.wait_for_function("() => document.getElementById('description').textContent === 'Signed in. Tap the coin!'")
        colours = """() => { const c = document.getElementById('screen');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; const seen = new Set();
            for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] >> 4 << 8 | d[i + 1] >> 4 << 4 | d[i + 2] >> 4);
            return seen.size; }"""
        page.wait_for_function(f"() => ({colours})() >= 4")       # the shop, not a blank canvas
        x, y = button(preview, "Coin")
        box = page.locator("#screen").bounding_box()
        page.mouse.click(box["x"] + x * box["width"] / 390, box["y"] + y * box["height"] / 844)
        until(lambda: state(preview)["description"]["values"]["coins"] == 1)
        page.click("text=hide")
        page.wait_for_function("() => document.getElementById('description').textContent === 'Paused'")
        page.click("text=show")
        page.screenshot(path=str(REPO / "test-artifacts" / "native-preview.png"))
        assert problems == []
    finally:
        context.close()


def test_the_dev_panel_creates_an_order_the_game_can_pay(preview):
    made = {"name": "order", "value": {"id": "ord-1", "amount": 30}}
    assert post(preview.url + "action", made) == (200, {"ok": True})
    assert preview.session.eval("TTMinisFake.wallet.orders['ord-1']") == {"amount": 30, "status": "created"}
    assert post(preview.url + "action", made) == (400, {"error": "order: 'ord-1' exists already"})
    assert post(preview.url + "action", {"name": "order", "value": {"id": "", "amount": 30}})[0] == 400
    assert post(preview.url + "action", {"name": "order", "value": {"id": "ord-2", "amount": 0}}) == \
        (400, {"error": "order: amount must be an int of Beans in 1..2**31-1, got 0"})
    assert preview.session.eval("Object.keys(TTMinisFake.wallet.orders)") == ["ord-1"]
