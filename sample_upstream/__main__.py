"""``python -m sample_upstream``: run the sample upstream in the foreground (or write its SQL database and
exit)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from .data import DEFAULT_SEED, SAMPLE_NOTICE
from .server import DEFAULT_PORT, make_server
from .sqldb import build_sqlite, load_sql


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "ya", "on")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m sample_upstream", description=f"Sample upstream. {SAMPLE_NOTICE}"
    )
    p.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("TANGERANG_UPSTREAM_PORT", DEFAULT_PORT)),
        help="port on 127.0.0.1 (env TANGERANG_UPSTREAM_PORT; default %(default)s)",
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="data seed (default %(default)s)")
    p.add_argument("--pidfile", type=Path, help="write the process id here; removed on exit")
    p.add_argument(
        "--allow-control",
        action="store_true",
        default=_truthy(os.environ.get("TANGERANG_UPSTREAM_CONTROL")),
        help="enable /_control/* (fault and change switches); env TANGERANG_UPSTREAM_CONTROL=1",
    )
    p.add_argument(
        "--ckan-datasets",
        type=int,
        metavar="N",
        help="serve N datasets from /ckan and /dcat (default: the application datasets)",
    )
    p.add_argument(
        "--clock",
        choices=("real", "fixed"),
        default="real",
        help="timestamps of changes made through /_control/changes (default %(default)s)",
    )
    p.add_argument(
        "--write-sqlite", type=Path, metavar="PATH", help="write the SIMPUS SQLite database and exit"
    )
    p.add_argument("--load-sql", metavar="URL", help="load the SIMPUS tables into a SQLAlchemy URL and exit")
    p.add_argument("--verbose", action="store_true", help="log every request")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    if args.write_sqlite:
        print(build_sqlite(args.write_sqlite, args.seed))
        return 0
    if args.load_sql:
        print(load_sql(args.load_sql, args.seed))
        return 0

    srv = make_server(
        args.port,
        args.seed,
        allow_control=args.allow_control,
        ckan_datasets=args.ckan_datasets,
        clock=args.clock,
        verbose=args.verbose,
    )
    if args.pidfile:
        args.pidfile.write_text(f"{os.getpid()}\n")

    def stop(signum: int, frame: object) -> None:
        # shutdown() blocks until serve_forever returns, so it must not run on the serving thread.
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(
        f"sample upstream on {srv.base_url} (seed {args.seed}, "
        f"control {'on' if args.allow_control else 'off'}) - {SAMPLE_NOTICE}",
        flush=True,
    )
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()
        if args.pidfile:
            args.pidfile.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
