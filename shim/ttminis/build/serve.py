"""A static file server for built bundles: 127.0.0.1 only, right MIME types, TikTok's strict CSP.

Exports:
    CSP_PYODIDE, CSP_BRYTHON    the Content-Security-Policy each runtime is served with
    csp_for(runtime, connect=())  that policy, with more origins allowed in connect-src (the
                                game's backend, a fake TikTok server)
    origin(url)                 ``scheme://host[:port]`` of a URL; ValueError if it is not http(s)
    BundleServer(folder, csp)   a context manager; ``.url`` is the page's address

``CSP_PYODIDE`` is what TikTok's rules allow (no eval of any kind); Brython cannot start without
``'unsafe-eval'`` because it compiles Python to JavaScript at run time, so its pages get the
strictest policy it accepts.

Example::

    with BundleServer("dist/shop", CSP_PYODIDE) as server:
        print(server.url)         # http://127.0.0.1:41234/
"""
from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from typing import Any, Iterable

TIKTOK_SDK_URL = "https://developers.tiktok.com/js/minis.js"
_SDK_ORIGIN = "https://developers.tiktok.com"

CSP_PYODIDE = (f"default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {_SDK_ORIGIN}; "
               "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
               "object-src 'none'; base-uri 'self'; frame-src 'none'")
CSP_BRYTHON = CSP_PYODIDE.replace("'wasm-unsafe-eval'", "'unsafe-eval'")
CSP_BY_RUNTIME = {"pyodide": CSP_PYODIDE, "brython": CSP_BRYTHON}

def origin(url: str) -> str:
    """The origin of an http(s) URL, for connect-src; ValueError naming what is wrong.

    Example::

        origin("http://127.0.0.1:8080/api")     # 'http://127.0.0.1:8080'
    """
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http(s) URL such as https://api.example.com, got {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def csp_for(runtime: str, connect: Iterable[str] = ()) -> str:
    """The runtime's policy with ``connect`` URLs' origins added to connect-src.

    Example::

        csp_for("pyodide", ["http://127.0.0.1:8080"])
    """
    extra = " ".join(sorted({origin(url) for url in connect if url}))
    policy = CSP_BY_RUNTIME[runtime]
    return policy.replace("connect-src 'self'", f"connect-src 'self' {extra}") if extra else policy


MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".zip": "application/zip",
    ".html": "text/html; charset=utf-8",
    ".py": "text/x-python; charset=utf-8",
    ".png": "image/png",
}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def __init__(self, *args: Any, csp: str, **kwargs: Any) -> None:
        self._csp = csp
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self._csp)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class BundleServer:
    """Serve ``folder`` on 127.0.0.1 (``port=0`` picks a free port) in a background thread."""

    def __init__(self, folder: str | os.PathLike[str], csp: str = CSP_PYODIDE, port: int = 0) -> None:
        handler = functools.partial(_Handler, directory=str(Path(folder)), csp=csp)
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> "BundleServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def serve_forever(self) -> None:
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()
