"""Shared by every browser suite: the one headless Chromium of the session.

It is the ttminis plugin's own ``ttminis_browser``, so our suites and the plugin's fixtures never
run two browsers at once.
"""
import pytest


@pytest.fixture(scope="session")
def browser(ttminis_browser):
    return ttminis_browser
