"""The html target's memory snapshot in Chromium: a first visit boots as bare Pyodide and keeps the
snapshot in Cache Storage; the next start restores it (reseeded, so a player never replays the build's
random numbers); a kept snapshot that no longer restores is dropped and the game still starts; the
page's cache is named by the snapshot's bytes, so two builds of the same inputs never mix.
"""
import hashlib
import html
import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from ttminis.build import build
from ttminis.build.serve import CSP_BY_RUNTIME, BundleServer
from ttminis.build.targets.html import FAKE

pytestmark = pytest.mark.browser

GAME = '''\
import random
import js
import ttminis
js.window.startNumber = random.random()
'''


@pytest.fixture(scope="module")
def bundle():
    root = Path(tempfile.mkdtemp(prefix="ttminis-snapshot-html-"))
    (root / "game").mkdir()
    (root / "game" / "main.py").write_text(GAME)
    out = build(root / "game", root / "out", runtime="pyodide", log=lambda *_: None).out
    yield out
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def page(browser, bundle):
    with BundleServer(bundle, CSP_BY_RUNTIME["pyodide"]) as server:
        context = browser.new_context()
        context.add_init_script(path=str(FAKE))
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        page.url_to_open = server.url
        yield page
        context.close()


def start(page):
    """Navigate and wait for the game's first line; (which start it was, the random number it drew)."""
    page.goto(page.url_to_open)
    page.wait_for_function("() => typeof window.startNumber === 'number' || "
                           "(window.ttminisLoader && ttminisLoader.state === 'error')", timeout=120000)
    assert page.evaluate("() => ttminisLoader.state") != "error", page.evaluate("() => ttminisLoader.errors")
    return page.evaluate("() => ttminisLoader.timings.snapshot"), page.evaluate("() => window.startNumber")


def kept(page):
    page.wait_for_function("() => ttminisLoader.snapshotKept && ttminisLoader.snapshotKept.done", timeout=120000)
    return page.evaluate("() => ttminisLoader.snapshotKept.status")


def test_a_first_visit_keeps_the_snapshot_and_the_next_starts_restore_it_reseeded(page):
    which, first = start(page)
    assert which == "first visit"
    assert kept(page) == "kept for the next start"
    starts = [start(page) for _ in range(2)]
    assert [which for which, _ in starts] == ["restored", "restored"]
    numbers = [first] + [number for _, number in starts]
    assert len(set(numbers)) == 3, "each start draws its own random numbers"
    assert page.problems == []


def test_a_kept_snapshot_that_does_not_restore_is_dropped_and_the_game_starts(page):
    start(page)
    kept(page)
    damaged = page.evaluate("""async () => {
        const config = JSON.parse(document.querySelector('script[data-snapshot]').dataset.snapshot);
        const cache = await caches.open('ttminis-snapshot-' + config.key);
        await cache.put(config.modules[0], new Response(new Uint8Array([0, 97, 115, 109, 1]),
                                                        {headers: {'Content-Type': 'application/wasm'}}));
        return config.modules[0];
    }""")
    which, number = start(page)
    assert isinstance(number, float) and which == "first visit"
    assert page.evaluate("() => ttminisLoader.snapshotDropped"), "the loader says why it dropped the snapshot"
    assert kept(page) == "kept for the next start", f"a fresh copy replaces the damaged {damaged}"
    assert start(page)[0] == "restored"


def test_the_page_s_cache_is_named_by_the_snapshot_s_bytes(bundle):
    index = (bundle / "index.html").read_text()
    config = json.loads(html.unescape(re.search(r'data-snapshot="([^"]*)"', index).group(1)))
    shipped = b"".join((bundle / path).read_bytes() for path in [config["head"]] + config["modules"])
    assert config["key"] == hashlib.sha256(shipped).hexdigest()[:24]
