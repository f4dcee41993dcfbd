"""The desktop preview of a native package: the strict simulator, live in a desktop browser.

``build.py GAME --target native --serve`` runs the package exactly as the tests do — in the strict
simulator (a Node realm with TikTok's globals only, ``web/simulator/``) — and serves a page that shows
its on-screen canvas as it changes, turns clicks and drags into TikTok's touch events, and offers the
dev panel's controls (the fake wallet's Beans, the next payment's or ad's outcome, hide/show,
restart). What you see is the simulator's canvas, so anything the strict simulator refuses shows up
here as a violation in the panel, not only later in a test.

The game starts when the first viewer connects (the page's first request for a frame or the state, or a
touch or an action), not when the preview starts, so its first seconds are seen; restart starts it afresh
(keeping the writable folder). Stopped with Ctrl+C or SIGTERM, the preview stops the simulator and
removes its temporary folder (``ttminis-preview-*``).

Exports:
    Preview(package, port=8000, order_book=None, allow=(), setup="")   ``.url``, ``serve_forever()``, ``close()``

Routes (127.0.0.1 only; POSTs take JSON only, so no other site can drive them from a browser):
    GET  /               the preview page (``web/preview/``)
    GET  /frame          the current frame, JPEG
    GET  /state          {state, progress, errors, balance, description, frames, violations, uncaught, console}
    POST /touch          {"type": "start" | "move" | "end" | "cancel", "x": css px, "y": css px}
    POST /action         {"name": "balance", "value": int} | {"name": "pay", "value": "fail" | "never" | "twice"}
                         | {"name": "order", "value": {"id": str, "amount": int}} (a stand-in order to pay)
                         | {"name": "ad", "value": "watch" | "skip" | "error"} | {"name": "hide" | "show" | "restart"}

Example::

    with Preview("dist/shop-native", port=0) as preview:
        print(preview.url)
        preview.serve_forever()
"""
from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterable

from ..build.package import WEB
from . import READY, Session, SimulatorError

PAGE = WEB / "preview"
FILES = {"/": ("index.html", "text/html; charset=utf-8"),
         "/preview.js": ("preview.js", "text/javascript"),
         "/preview.css": ("preview.css", "text/css")}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
STATE = """(() => {
  const loader = typeof ttminisLoader === 'undefined' ? null : ttminisLoader;
  return {state: loader ? loader.state : 'starting', progress: loader ? loader.progress : 0,
          errors: loader ? loader.errors : [], balance: TTMinisFake.wallet.balance,
          description: loader && loader.surface ? loader.surface.description : null};
})()"""
OUTCOMES = {"pay": ("fail", "never", "twice"), "ad": ("watch", "skip", "error")}
TOUCHES = ("start", "move", "end", "cancel")


class Preview:
    """A native package in the strict simulator, served with a live view on 127.0.0.1.

    ``order_book`` (a fake TikTok server's URL) and ``allow`` (origins ``request`` may reach, e.g.
    the game's backend) configure the simulator's fake SDK, as ``make demo`` does; ``setup`` is more JS
    run before the game starts (``TTMinisFake`` in scope).

    Example::

        Preview("dist/shop-native", order_book="http://127.0.0.1:8090",
                allow=["http://127.0.0.1:8080"]).serve_forever()
    """

    def __init__(self, package: str | os.PathLike[str], port: int = 8000, order_book: str | None = None,
                 allow: Iterable[str] = (), setup: str = "") -> None:
        self.package = Path(package)
        self._setup = "".join([f"TTMinisFake.useOrderBook({json.dumps(order_book)});" if order_book else "",
                               *(f"TTMinisFake.allowRequests({json.dumps(origin)});" for origin in allow if origin),
                               setup])
        self.user_data = Path(tempfile.mkdtemp(prefix="ttminis-preview-"))
        self._lock = threading.Lock()
        try:
            self.session = self._new_session(start=False)      # the game starts for its first viewer
        except BaseException:
            shutil.rmtree(self.user_data, ignore_errors=True)
            raise
        self.started = False
        handler = type("Handler", (_Handler,), {"preview": self})
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    def _new_session(self, start: bool = True) -> Session:
        session = Session(self.package, start=False, user_data=self.user_data)
        if self._setup:
            session.eval(f"(function () {{ {self._setup}\n}})()")
        if start:
            session.start()
        return session

    def _start(self) -> None:
        self.session.close()
        self.session = self._new_session()
        self.started = True

    def _viewer(self) -> None:
        """Someone is watching: start the game if it has not started (call with the lock held)."""
        if not self.started:
            self.started = True
            self.session.start()

    # ---- what the routes do (one request at a time reaches the simulator) ----------------------------
    def frame(self) -> bytes | None:
        with self._lock:
            self._viewer()
            return self.session.frame_image("jpeg", quality=85)

    def state(self) -> dict[str, Any]:
        with self._lock:
            self._viewer()
            state: dict[str, Any] = self.session.eval(STATE)
            report = self.session.report()
        state.update(frames=report["frames"], violations=report["violations"], uncaught=report["errors"],
                     console=report["console"][-40:])
        return state

    def touch(self, kind: object, x: object, y: object) -> None:
        if kind not in TOUCHES:
            raise ValueError(f"touch: type must be one of {', '.join(TOUCHES)}, got {kind!r}")
        point = []
        for name, value in (("x", x), ("y", y)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"touch: {name} must be a number, got {value!r}")
            point.append(float(value))
        with self._lock:
            self._viewer()
            self.session.touch(str(kind), [(*point, 1)])

    def action(self, name: object, value: object = None) -> None:
        with self._lock:
            if name != "restart":
                self._viewer()
            if name == "balance":
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2 ** 31 - 1:
                    raise ValueError(f"balance: value must be an int in 0..2**31-1, got {value!r}")
                self.session.eval(f"TTMinisFake.wallet.balance = {value}")
            elif name in OUTCOMES:
                if value not in OUTCOMES[name]:
                    raise ValueError(f"{name}: value must be one of {', '.join(OUTCOMES[name])}, got {value!r}")
                self.session.eval(f"TTMinisFake.script('pay', {{outcome: {json.dumps(value)}}})" if name == "pay"
                                  else f"TTMinisFake.ads.next = {json.dumps(value)}")
            elif name == "order":
                self._create_order(value)
            elif name == "hide":
                self.session.hide()
            elif name == "show":
                self.session.show({"from": "preview"})
            elif name == "restart":
                self._start()
            else:
                raise ValueError(f"action: name must be balance, pay, ad, order, hide, show or restart, got {name!r}")

    def _create_order(self, value: object) -> str:
        """The fake's stand-in order ``value["id"]`` of ``value["amount"]`` Beans, for ``game.pay`` to pay."""
        if not isinstance(value, dict) or set(value) != {"id", "amount"}:
            raise ValueError(f"order: value must be {{\"id\": str, \"amount\": int}}, got {value!r}")
        order_id, amount = value["id"], value["amount"]
        if not isinstance(order_id, str) or not order_id.strip() or len(order_id) > 64:
            raise ValueError(f"order: id must be a non-empty str of at most 64 characters, got {order_id!r}")
        if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= 2 ** 31 - 1:
            raise ValueError(f"order: amount must be an int of Beans in 1..2**31-1, got {amount!r}")
        if self.session.eval(f"{json.dumps(order_id)} in TTMinisFake.wallet.orders"):
            raise ValueError(f"order: {order_id!r} exists already")
        return str(self.session.eval(f"TTMinisFake.backend.createOrder({amount}, {json.dumps(order_id)})"))

    # ---- serving --------------------------------------------------------------------------------------
    def wait_until_ready(self, timeout: float = 60) -> None:
        """Block until the game's boot is over (ready or failed); starts it if no viewer has yet."""
        with self._lock:
            self._viewer()
            self.session.wait_for(READY, timeout=timeout)

    def serve_forever(self, ready: Callable[[], object] | None = None) -> None:
        """Serve until interrupted (Ctrl+C, or SIGTERM, taken as Ctrl+C); then stop the simulator and remove
        the temporary folder. ``ready`` is called once SIGTERM is taken, before serving: announce the URL there,
        and a SIGTERM sent on seeing it cleans up too.

        Example::

            preview.serve_forever(ready=lambda: print("serving at", preview.url, flush=True))
        """
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, _interrupted)
        try:
            if ready is not None:
                ready()
            self._httpd.serve_forever()
        finally:
            self.close()
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    def start_in_background(self) -> "Preview":
        """Serve from a background thread (tests); ``close()`` stops it."""
        self._thread: threading.Thread | None = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and stop the simulator (its user-data folder is removed)."""
        if getattr(self, "_thread", None) is not None:
            self._httpd.shutdown()
            self._thread = None
        self._httpd.server_close()
        with self._lock:
            self.session.close()       # closing twice is harmless
        shutil.rmtree(self.user_data, ignore_errors=True)

    def __enter__(self) -> "Preview":
        return self.start_in_background()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


class _Handler(http.server.BaseHTTPRequestHandler):
    preview: Preview

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass       # the page went away mid-answer (a reload, a closed tab)

    def _json(self, status: int, value: object) -> None:
        self._send(status, json.dumps(value).encode(), "application/json")

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        try:
            if path in FILES:
                name, content_type = FILES[path]
                self._send(200, (PAGE / name).read_bytes(), content_type)
            elif path == "/frame":
                image = self.preview.frame()
                if image is None:
                    self._send(204, b"", "image/jpeg")
                else:
                    self._send(200, image, "image/jpeg")
            elif path == "/state":
                self._json(200, self.preview.state())
            else:
                self._json(404, {"error": f"no such page: {path}"})
        except SimulatorError as e:
            self._json(503, {"error": str(e)})

    def do_POST(self) -> None:
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            return self._json(415, {"error": "send JSON (Content-Type: application/json)"})
        try:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(min(length, 4096)) or b"{}")
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            if self.path == "/touch":
                self.preview.touch(body.get("type"), body.get("x"), body.get("y"))
            elif self.path == "/action":
                self.preview.action(body.get("name"), body.get("value"))
            else:
                return self._json(404, {"error": f"no such route: {self.path}"})
        except ValueError as e:
            return self._json(400, {"error": str(e)})
        except SimulatorError as e:
            return self._json(503, {"error": str(e)})
        self._json(200, {"ok": True})
