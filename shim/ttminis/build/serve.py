"""A static file server for built bundles: 127.0.0.1 only, right MIME types, TikTok's strict CSP.

Exports:
    CSP_PYODIDE, CSP_BRYTHON    the Content-Security-Policy each runtime is served with
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
import threading
from pathlib import Path

TIKTOK_SDK_URL = "https://developers.tiktok.com/js/minis.js"
_SDK_ORIGIN = "https://developers.tiktok.com"

CSP_PYODIDE = (f"default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {_SDK_ORIGIN}; "
               "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
               "object-src 'none'; base-uri 'self'; frame-src 'none'")
CSP_BRYTHON = CSP_PYODIDE.replace("'wasm-unsafe-eval'", "'unsafe-eval'")
CSP_BY_RUNTIME = {"pyodide": CSP_PYODIDE, "brython": CSP_BRYTHON}

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

    def __init__(self, *args, csp: str, **kwargs):
        self._csp = csp
        super().__init__(*args, **kwargs)

    def end_headers(self):
        self.send_header("Content-Security-Policy", self._csp)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args):
        pass


class BundleServer:
    """Serve ``folder`` on 127.0.0.1 (``port=0`` picks a free port) in a background thread."""

    def __init__(self, folder, csp: str = CSP_PYODIDE, port: int = 0):
        handler = functools.partial(_Handler, directory=str(Path(folder)), csp=csp)
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> "BundleServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def serve_forever(self) -> None:
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()
