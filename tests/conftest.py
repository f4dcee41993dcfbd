"""Shared by every suite: the one headless Chromium of the session, and how fast snapshots are packed.

The browser is the ttminis plugin's own ``ttminis_browser``, so our suites and the plugin's fixtures never
run two browsers at once. Native packages built by the tests pack their memory snapshot with brotli quality
5 instead of 11 (same format and start, ~15 % more bytes, ~20 s less per snapshot made on a fresh machine).
"""
import os

import pytest

os.environ.setdefault("TTMINIS_SNAPSHOT_BROTLI", "5")


@pytest.fixture(scope="session")
def browser(ttminis_browser):
    return ttminis_browser
