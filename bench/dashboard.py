"""Server time of the stewards' dashboard at a catalogue's size: p50 and p95 of ``/dasbor/``, ``/dasbor/terlambat``,
``/dasbor/tautan`` and the ``tangerang_overdue_list`` action, as the walidata (a sysadmin: every OPD) and as the
editor of the OPD with the most datasets, over loopback against a running portal (``--base``).

Run by ``bench/run_pages_bench.sh`` after it loaded the catalogue (bench/load_catalogue.py) into the benchmark slot,
with that slot's environment (CKAN_SQLALCHEMY_URL, ...) exported. In this process, through CKAN, it first makes
what the pages show, idempotently: the two users and their API tokens, and a stored link check for every resource
(one in 25 broken, HTTP 404; the rest ok), as the nightly checker would leave them. Overdue datasets are counted as
of ``--as-of-days`` days from today, so that the generated catalogue (all changed today) is mostly overdue.

    .venv/bin/python bench/dashboard.py --config var/ckan.ini --base http://127.0.0.1:5030 \\
        --section "## Stewards' dashboard at 10,000 datasets"
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import timed
from results import latency_table, machine, publish_table

TARGET_MS = 300  # the issue: the dashboard and the overdue list at 10,000 datasets, p95 at most 300 ms
BROKEN_EVERY = 25  # one resource in 25 has a broken link
USERS = {"walidata": "bench-walidata", "OPD editor": "bench-editor"}


def prepare() -> dict[str, Any]:
    """The users, their tokens and the link checks (inside a CKAN app context); returns the tokens and the OPD."""
    import sqlalchemy as sa
    from ckan import model
    from ckan.plugins import toolkit as tk
    from sqlalchemy.dialects.postgresql import insert

    from ckanext.tangerang.logic import link_check
    from ckanext.tangerang.logic.site_user import site_context

    biggest = (
        model.Session.query(model.Package.owner_org, sa.func.count())
        .filter(model.Package.state == "active", model.Package.type == "dataset")
        .group_by(model.Package.owner_org)
        .order_by(sa.func.count().desc())
        .first()
    )
    if biggest is None:
        raise SystemExit("the catalogue has no datasets: load it first (bench/load_catalogue.py)")
    org = model.Group.get(biggest[0])
    tokens = {}
    for role, name in USERS.items():
        if model.User.get(name) is None:
            tk.get_action("user_create")(
                site_context(),
                {"name": name, "email": f"{name}@bench.invalid", "password": "bench-dasbor-2026"},
            )
        user = model.User.get(name)
        if role == "walidata":
            user.sysadmin = True
            model.Session.commit()
        else:
            tk.get_action("organization_member_create")(
                site_context(), {"id": org.id, "username": name, "role": "editor"}
            )
        tokens[role] = tk.get_action("api_token_create")(site_context(), {"user": name, "name": "bench"})[
            "token"
        ]
    resources = (
        model.Session.query(model.Resource.id, model.Resource.package_id, model.Resource.url)
        .join(model.Package, model.Package.id == model.Resource.package_id)
        .filter(model.Resource.state == "active", model.Package.state == "active")
        .order_by(model.Resource.id)
        .all()
    )
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rows = [
        {
            "resource_id": rid,
            "package_id": pid,
            "url": url or "",
            "status": "broken" if i % BROKEN_EVERY == 0 else "ok",
            "http_status": 404 if i % BROKEN_EVERY == 0 else 200,
            "checked_at": now,
            "failures": 1 if i % BROKEN_EVERY == 0 else 0,
        }
        for i, (rid, pid, url) in enumerate(resources)
    ]
    for start in range(0, len(rows), 5000):
        model.Session.execute(
            insert(link_check.link_check_table).on_conflict_do_nothing(), rows[start : start + 5000]
        )
    model.Session.commit()
    return {"tokens": tokens, "org": org.title, "resources": len(rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--config", required=True, help="the benchmark CKAN's ini (its slot's variables exported)"
    )
    parser.add_argument("--base", required=True, help="the benchmark CKAN's address")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30, help="requests per page, role and run")
    parser.add_argument("--as-of-days", type=int, default=400)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--section", default="## Stewards' dashboard", help="the RESULTS.md heading to write under"
    )
    args = parser.parse_args()
    if "_test_" not in os.environ.get("CKAN_SQLALCHEMY_URL", ""):
        raise SystemExit(
            "CKAN_SQLALCHEMY_URL does not name a test/benchmark database: run bench/run_pages_bench.sh"
        )

    from ckan.cli import CKANConfigLoader
    from ckan.config.middleware import make_app

    app = make_app(CKANConfigLoader(args.config).get_config())
    with app._wsgi_app.test_request_context():  # type: ignore[attr-defined]
        made = prepare()
    base = args.base.rstrip("/")
    as_of = (dt.date.today() + dt.timedelta(days=args.as_of_days)).isoformat()
    paths = {
        "`/dasbor/`": f"/dasbor/?as_of={as_of}",
        "`/dasbor/terlambat`": f"/dasbor/terlambat?as_of={as_of}",
        "`/dasbor/tautan`": "/dasbor/tautan",
        "`tangerang_overdue_list` (100 rows)": f"/api/3/action/tangerang_overdue_list?as_of={as_of}",
    }
    rows = []
    seen = {}
    for role, token in made["tokens"].items():
        session = requests.Session()
        session.headers["Authorization"] = token
        seen[role] = session.get(f"{base}{paths['`tangerang_overdue_list` (100 rows)']}", timeout=60).json()
        urls = {f"{label}, {role}": base + path for label, path in paths.items()}
        rows += timed(session, urls, args.runs, args.requests)
    overdue = {role: answer["result"]["count"] for role, answer in seen.items()}
    intro = [
        f"`bench/dashboard.py`, {dt.date.today().isoformat()}, machine: {machine()}; the benchmark CKAN under "
        f"gunicorn, signed in with an API token, one request at a time over loopback; {args.runs} runs of "
        f"{args.requests} requests per page and role after 3 warm-up requests; medians of the runs' p50 and p95.",
        f"The walidata (sysadmin) sees every OPD: {overdue['walidata']} datasets overdue as of {as_of}; the OPD "
        f"editor ({made['org']}, the OPD with the most datasets) sees {overdue['OPD editor']}. Every one of the "
        f"{made['resources']} resources has a stored link check, one in {BROKEN_EVERY} broken. "
        f"Target: p95 at most {TARGET_MS} ms.",
    ]
    table = latency_table("page, role", rows, lambda _: TARGET_MS, show_target=False)
    publish_table(args.section, intro, table, write=not args.no_write)


if __name__ == "__main__":
    main()
