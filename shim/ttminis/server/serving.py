"""Run an ASGI app with uvicorn on 127.0.0.1 in a background thread (tests, the demo, the fake).

Exports:
    ServerThread(app, port=0)   a context manager; ``.url`` is known before it starts, ``.loop``
                                is the server's event loop once started

The listening socket is bound (and listening) before the thread starts, so ``.url`` is right at
once and nothing races the start; ``start()`` returns when the app's startup has run.

Example::

    with ServerThread(app) as server:
        httpx.get(server.url + "/health")
"""
from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any, Coroutine, TypeVar

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

T = TypeVar("T")


class ServerThread:
    def __init__(self, app: ASGIApp, port: int = 0, host: str = "127.0.0.1") -> None:
        self.app = app
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self._sock.listen(512)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        config = uvicorn.Config(self._wrapped, interface="asgi3", log_level="warning", lifespan="on", access_log=False,
                                timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name=f"server-{self.port}", daemon=True)
        self._error: BaseException | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The server's event loop (once started)."""
        if self._loop is None:
            raise RuntimeError(f"the server on {self.url} has not started")
        return self._loop

    async def _wrapped(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" and self._loop is None:
            self._loop = asyncio.get_running_loop()
        await self.app(scope, receive, send)

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as e:     # reported by start()
            self._error = e
        finally:
            self._ready.set()       # the thread is done: start() stops waiting

    def start(self, timeout: float = 30) -> "ServerThread":
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:      # uvicorn offers a flag, not an event: wait on it
            if self._ready.wait(0.005) or time.monotonic() > deadline:
                raise RuntimeError(f"the server on {self.url} did not start: {self._error!r}")
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        """Run ``coroutine`` on the server's loop from another thread; returns its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
