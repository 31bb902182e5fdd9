"""Server time of the portal's main pages: p50 and p95 over several runs, medians reported.

Pages: the home page, ``/dataset``, ``/aplikasi``, an application page and a dataset page, fetched anonymously
from the running portal (``TANGERANG_LIVE_URL``, default http://127.0.0.1:5000) over loopback, one request at a
time, so the time to the last byte is the server's time plus a loopback round trip. The application and dataset
pages are the first of each type in the catalogue (or ``--aplikasi`` / ``--dataset``).

    .venv/bin/python bench/pages.py                 # prints the table, replaces its section in RESULTS.md
    .venv/bin/python bench/pages.py --no-write      # prints only
    .venv/bin/python bench/pages.py --runs 5 --requests 40
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import latency_table, machine, median_p50_p95, publish_table

SECTION = "## Page server time"
TARGET_MS = 300  # the brief: home, dataset and app catalogue pages p95 at most 300 ms server time


def first_of(base: str, dataset_type: str) -> str:
    result = requests.get(
        f"{base}/api/3/action/package_search",
        params={"fq": f"+dataset_type:{dataset_type}", "rows": 1, "sort": "name asc"},
        timeout=30,
    ).json()["result"]
    if not result["results"]:
        raise SystemExit(f"the portal has no {dataset_type} to measure")
    return result["results"][0]["name"]


def measure(session: requests.Session, url: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        response = session.get(url, timeout=60)
        response.raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
    return times


def timed(
    session: requests.Session, urls: dict[str, str], runs: int, count: int
) -> list[tuple[str, float, float]]:
    """(label, p50, p95) of each URL after 3 warm-up requests: the medians over ``runs`` runs of ``count``
    requests, printed as they come."""
    rows = []
    for label, url in urls.items():
        measure(session, url, 3)  # warm-up: templates compiled, caches filled
        rows.append((label, *median_p50_p95(runs, lambda url=url: measure(session, url, count))))
        print(f"{label:55} p50 {rows[-1][1]:7.1f} ms   p95 {rows[-1][2]:7.1f} ms")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default=os.environ.get("TANGERANG_LIVE_URL", "http://127.0.0.1:5000"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30, help="requests per page and run")
    parser.add_argument("--aplikasi")
    parser.add_argument("--dataset")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--section", default=SECTION, help="the RESULTS.md heading to write under")
    parser.add_argument(
        "--catalogue", default="the demo size at the time of measurement", help="how the catalogue was made"
    )
    args = parser.parse_args()
    base = args.base.rstrip("/")
    aplikasi = args.aplikasi or first_of(base, "aplikasi")
    dataset = args.dataset or first_of(base, "dataset")
    pages = {
        "home `/`": "/",
        "`/dataset`": "/dataset",
        "`/aplikasi`": "/aplikasi",
        f"application `/aplikasi/{aplikasi}`": f"/aplikasi/{aplikasi}",
        f"dataset `/dataset/{dataset}`": f"/dataset/{dataset}",
    }
    count = requests.get(
        f"{base}/api/3/action/package_search",
        params={"rows": 0, "facet.field": '["dataset_type"]'},
        timeout=30,
    ).json()["result"]["facets"]["dataset_type"]
    rows = timed(
        requests.Session(), {label: base + path for label, path in pages.items()}, args.runs, args.requests
    )
    today = dt.date.today().isoformat()
    intro = [
        f"`bench/pages.py`, {today}, machine: {machine()}; CKAN under gunicorn (local stack), anonymous visitor,",
        f"one request at a time over loopback; {args.runs} runs of {args.requests} requests per page after 3 warm-up "
        "requests; the medians of the runs' p50 and p95 are reported.",
        f"Catalogue size seen by an anonymous visitor: {count.get('dataset', 0)} datasets, "
        f"{count.get('aplikasi', 0)} applications ({args.catalogue}). Target: p95 at most {TARGET_MS} ms.",
    ]
    publish_table(
        args.section,
        intro,
        latency_table("page", rows, lambda _: TARGET_MS, show_target=False),
        write=not args.no_write,
    )


if __name__ == "__main__":
    main()
