"""Shared by every browser suite: one headless Chromium for the whole session."""
import os

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=os.environ.get("TTMINIS_CHROMIUM", "/usr/bin/chromium"),
                                      args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
