"""``python -m ttminis.server``: the reference backend, the fake TikTok server, a throwaway PostgreSQL.

    serve        the reference backend (secrets from TIKTOK_CLIENT_KEY / TIKTOK_CLIENT_SECRET)
    fake-tiktok  the fake TikTok server (for previews and tests)
    demo         the fake TikTok server and the reference backend together (what `make demo` runs)
    postgres     run a command with a throwaway PostgreSQL; its URL in TTMINIS_TEST_POSTGRES_URL

Example::

    TIKTOK_CLIENT_KEY=... TIKTOK_CLIENT_SECRET=... python -m ttminis.server serve \\
        --catalogue products.json --database sqlite:///shop.db --port 8080
"""
from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .app import Settings


def _load_hooks(spec: str | None) -> dict[str, Callable[..., Any]]:
    """``grant``/``refund``/``granted`` functions from a .py file or an importable module."""
    if not spec:
        return {}
    if spec.endswith(".py"):
        module_spec = importlib.util.spec_from_file_location("ttminis_backend_hooks", spec)
        if module_spec is None or module_spec.loader is None:
            raise ValueError(f"--hooks {spec}: cannot load this file")
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
    else:
        module = importlib.import_module(spec)
    return {name: getattr(module, name) for name in ("grant", "refund", "refund_notice", "granted") if hasattr(module, name)}


def _add_backend_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--database", default=os.environ.get("TTMINIS_DATABASE_URL", "sqlite:///ttminis-orders.db"),
                        help="sqlite:///FILE (default sqlite:///ttminis-orders.db) or postgresql://...")
    parser.add_argument("--catalogue", help="JSON list of products: [{id, name, price}, ...]")
    parser.add_argument("--hooks", help="a .py file or module defining grant(g), refund(r), refund_notice(n), "
                        "granted(trade_order_id)")
    parser.add_argument("--sandbox", action="store_true", help="grant TikTok sandbox payments (is_sandbox)")
    parser.add_argument("--sweep-every", type=float, default=60.0,
                        help="seconds between sweeper rounds (0: no sweeper); default 60")
    parser.add_argument("--tolerance", type=int, default=300, help="webhook signature tolerance, seconds")


def _settings(args: argparse.Namespace, **overrides: Any) -> tuple[Settings, Callable[..., Any] | None]:
    from .app import Settings, load_catalogue
    from .testing import DEMO_CATALOGUE
    hooks = _load_hooks(args.hooks)
    values = {"database_url": args.database, "sandbox": args.sandbox, "sweep_every": args.sweep_every,
              "tolerance": args.tolerance, "grant": hooks.get("grant"), "refund": hooks.get("refund"),
              "refund_notice": hooks.get("refund_notice"),
              "catalogue": load_catalogue(args.catalogue) if args.catalogue else DEMO_CATALOGUE, **overrides}
    return Settings.from_env(**values), hooks.get("granted")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app
    settings, granted = _settings(args)
    app = create_app(settings, on_granted=granted)
    print(f"ttminis backend on http://{args.host}:{args.port} ({settings.database_url.split('://')[0]}"
          f"{', sandbox' if settings.sandbox else ''}; TikTok API {settings.tiktok_api})", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def _wait_for_interrupt() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass


def _fake(args: argparse.Namespace) -> int:
    from .fake_tiktok import FakeTikTokServer
    with FakeTikTokServer(webhook_url=args.webhook, sandbox=args.sandbox, port=args.port) as tiktok:
        print(f"fake TikTok on {tiktok.url} (client_key {tiktok.client_key}); webhooks to {args.webhook}", flush=True)
        _wait_for_interrupt()
    return 0


def _demo(args: argparse.Namespace) -> int:
    """The fake TikTok and the reference backend side by side, on fixed ports, until interrupted."""
    from .fake_tiktok import FakeTikTokServer
    from .testing import running_backend
    with FakeTikTokServer(port=args.fake_port, sandbox=True) as tiktok:
        settings, _granted = _settings(args, client_key=tiktok.client_key, client_secret=tiktok.client_secret,
                                       tiktok_api=tiktok.url, sandbox=True)
        from dataclasses import asdict
        values = {k: v for k, v in asdict(settings).items() if k not in ("client_key", "client_secret", "tiktok_api")}
        with running_backend(tiktok, port=args.port, **values) as backend:
            print(f"fake TikTok on {tiktok.url}; reference backend on {backend.url} "
                  f"({settings.database_url})", flush=True)
            _wait_for_interrupt()
    return 0


def _postgres(args: argparse.Namespace) -> int:
    from .testing import temporary_postgres
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        print("give the command to run after --", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))   # stopped: the server goes too
    with temporary_postgres(durable=args.durable) as url:
        print(f"[ttminis] throwaway PostgreSQL at {url}", flush=True)
        return subprocess.call(command, env={**os.environ, "TTMINIS_TEST_POSTGRES_URL": url})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ttminis.server", description=(__doc__ or "").split("\n\n")[0])
    commands = parser.add_subparsers(dest="command_name", required=True)
    serve = commands.add_parser("serve", help="run the reference backend")
    _add_backend_options(serve)
    fake = commands.add_parser("fake-tiktok", help="run the fake TikTok server")
    fake.add_argument("--port", type=int, default=8090)
    fake.add_argument("--webhook", help="where to deliver webhooks, e.g. http://127.0.0.1:8080/webhook")
    fake.add_argument("--sandbox", action="store_true")
    demo = commands.add_parser("demo", help="the fake TikTok server and the reference backend together")
    _add_backend_options(demo)
    demo.add_argument("--fake-port", type=int, default=8090)
    pg = commands.add_parser("postgres", help="run a command with a throwaway PostgreSQL")
    pg.add_argument("--durable", action="store_true", help="fsync on (benchmarks); tests run with fsync off")
    pg.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        run: dict[str, Callable[[argparse.Namespace], int]] = {
            "serve": _serve, "fake-tiktok": _fake, "demo": _demo, "postgres": _postgres}
        return run[args.command_name](args)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
