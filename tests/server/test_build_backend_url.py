"""The backend's URL reaches the game at build time; the preview's CSP lets the page call it."""
import subprocess
import sys
from pathlib import Path

import pytest

from ttminis.build import BuildError, build
from ttminis.build.serve import CSP_PYODIDE, csp_for, origin

REPO_SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop"


def test_the_backend_url_and_the_fake_order_book_are_on_the_loaders_tag(tmp_path):
    # A dev build's loader loads the fake itself (only where TikTok's SDK did not come) and hands it
    # the order book; tests/server/test_shop_in_the_browser.py shows the fake using it.
    out = build(REPO_SHOP, tmp_path / "shop", dev=True, backend_url="http://127.0.0.1:8080",
                fake_tiktok_url="http://127.0.0.1:8090", log=lambda *_: None).out
    page = (out / "index.html").read_text()
    assert 'data-backend-url="http://127.0.0.1:8080"' in page
    assert 'data-dev="1" data-order-book="http://127.0.0.1:8090"' in page
    assert '<script src="fake-ttminis.js"' not in page


def test_without_a_backend_url_the_attribute_is_empty(tmp_path):
    out = build(REPO_SHOP, tmp_path / "shop", log=lambda *_: None).out
    assert 'data-backend-url=""' in (out / "index.html").read_text()


def test_a_fake_order_book_needs_a_dev_build(tmp_path):
    with pytest.raises(BuildError, match="--dev builds only"):
        build(REPO_SHOP, tmp_path / "shop", fake_tiktok_url="http://127.0.0.1:8090", log=lambda *_: None)


def test_connect_src_allows_the_backend_and_the_fake_origins():
    policy = csp_for("pyodide", ["https://api.example.com/v1/", "http://127.0.0.1:8090", ""])
    assert "connect-src 'self' http://127.0.0.1:8090 https://api.example.com;" in policy
    assert csp_for("pyodide") == CSP_PYODIDE
    assert origin("https://api.example.com:8443/x?y") == "https://api.example.com:8443"


@pytest.mark.parametrize("url", ["api.example.com", "ftp://x", "https://", "javascript:alert(1)"])
def test_a_bad_backend_url_is_refused_naming_the_option(url):
    result = subprocess.run([sys.executable, "build.py", str(REPO_SHOP), "--backend-url", url],
                            capture_output=True, text=True, cwd=REPO_SHOP.parents[1])
    assert result.returncode == 2 and "--backend-url" in result.stderr and "http(s) URL" in result.stderr
