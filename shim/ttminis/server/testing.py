"""Test helpers for the server half: a backend wired to the fake TikTok server, on a temporary database.

Exports:
    DEMO_CATALOGUE                 examples/shop's products (sword 30, shield 80, crown 250)
    RunningBackend                 ``.url``, ``.store``, ``.settings``, ``.app``
    running_backend(fake, database_url, **settings) -> context manager of RunningBackend
    temporary_postgres() -> context manager of a ``postgresql://`` URL (a throwaway server)

The pytest fixtures ``ttminis_fake_tiktok``, ``ttminis_backend`` and ``ttminis_backend_database``
(in ``ttminis.pytest_plugin``) are built from these.

Example::

    with FakeTikTokServer() as tiktok, running_backend(tiktok, "sqlite:///" + str(tmp / "t.db")) as backend:
        httpx.post(backend.url + "/login", json={"code": tiktok.issue_code()})
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from starlette.applications import Starlette

from .app import Settings, create_app
from .serving import ServerThread
from .store import Store

if TYPE_CHECKING:
    from .fake_tiktok import FakeTikTokServer

DEMO_CATALOGUE = {
    "sword": {"id": "sword", "name": "Sword", "price": 30},
    "shield": {"id": "shield", "name": "Shield", "price": 80},
    "crown": {"id": "crown", "name": "Crown", "price": 250},
}


@dataclass
class RunningBackend:
    url: str
    store: Store
    settings: Settings
    app: Starlette


@contextlib.contextmanager
def running_backend(fake: FakeTikTokServer, database_url: str = "sqlite:///ttminis-orders.db", *, port: int = 0,
                    **settings: Any) -> Iterator[RunningBackend]:
    """The reference backend on 127.0.0.1, talking to ``fake`` (a ``FakeTikTokServer``), which
    delivers its webhooks to it. ``settings`` override ``Settings`` fields (catalogue, grant, ...).

    Example::

        with running_backend(tiktok, "sqlite:///" + path, sandbox=True) as backend: ...
    """
    values = {"client_key": fake.client_key, "client_secret": fake.client_secret, "database_url": database_url,
              "tiktok_api": fake.url, "catalogue": DEMO_CATALOGUE, **settings}
    config = Settings(**values)
    app = create_app(config)
    with ServerThread(app, port) as server:
        fake.webhook_urls.append(server.url + "/webhook")
        try:
            yield RunningBackend(server.url, app.state.store, config, app)
        finally:
            if server.url + "/webhook" in fake.webhook_urls:
                fake.webhook_urls.remove(server.url + "/webhook")
            app.state.store.close()


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    return None


def postgres_available() -> bool:
    """Whether PostgreSQL's server programs (``initdb``, ``pg_ctl``) are installed here."""
    return _pg_bin("initdb") is not None and _pg_bin("pg_ctl") is not None


@contextlib.contextmanager
def temporary_postgres(durable: bool = False) -> Iterator[str]:
    """A throwaway PostgreSQL server in a temporary folder on a free 127.0.0.1 port; yields its URL.

    As root it runs as the ``postgres`` user (PostgreSQL refuses to run as root). Stopped and
    deleted on exit. ``durable=False`` (tests) runs it with ``fsync=off``; benchmarks want True.

    Example::

        with temporary_postgres() as url:      # postgresql://postgres@127.0.0.1:54123/postgres
            Store(url).migrate()
    """
    if not postgres_available():
        raise RuntimeError("PostgreSQL's server programs are not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="ttminis-pg-"))
    data = root / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    initdb, pg_ctl = str(_pg_bin("initdb")), str(_pg_bin("pg_ctl"))
    subprocess.run(as_user + [initdb, "-D", str(data), "-U", "postgres", "--auth=trust",
                              "--no-sync", "-E", "UTF8"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    options = f"-h 127.0.0.1 -p {port} -k {root} -c max_connections=200" + ("" if durable else " -c fsync=off")
    subprocess.run(as_user + [pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"),
                              "-w", "start"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_user + [pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server at ``server_url``; dropped on exit. Yields its URL."""
    import secrets

    import psycopg
    name = "ttminis_" + secrets.token_hex(6)
    admin = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    base, _, _db = admin.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
