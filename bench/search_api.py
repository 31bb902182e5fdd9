"""``package_search`` through the API: p50/p95 for one client and for 10 concurrent clients.

A mix of what the portal's users send: a plain query in Indonesian, an affixed form, an OPD acronym, facet
filters, the facet counts the dataset page asks for, a sort and a deep page. Anonymous, over loopback against a
running portal (``--base``), one ``requests.Session`` per client; each client runs the whole mix ``--rounds``
times. Medians of the runs' percentiles are reported and written under ``--section`` in bench/RESULTS.md.

    .venv/bin/python bench/search_api.py --base http://127.0.0.1:5030 --section "## package_search at 10,000 datasets"
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import latency_table, machine, median_p50_p95, publish_table

TARGETS_MS = {1: 100, 10: 400}  # the brief: p95 at 10,000 datasets
FACETS = json.dumps(["organization", "sektor", "klasifikasi", "frekuensi", "res_format", "aplikasi_sumber"])
QUERIES: list[dict[str, str]] = [
    {"q": "penduduk"},
    {"q": "kependudukan kecamatan"},
    {"q": "dinkes"},
    {"q": "Ciledug", "rows": "20"},
    {"q": "", "fq": "sektor:2.16", "facet.field": FACETS},
    {"q": "", "facet.field": FACETS, "rows": "20"},
    {"q": "data", "fq": "klasifikasi:terbuka", "sort": "metadata_modified desc"},
    {"q": "", "fq": "organization:dinkes", "start": "200", "rows": "20"},
    {"q": "kesehatan", "facet.field": FACETS},
    {"q": "", "fq": "+dataset_type:aplikasi", "rows": "24", "sort": "title_string asc"},
]


def client(
    base: str, rounds: int, out: list[float], errors: list[str], queries: list[dict[str, str]] = QUERIES
) -> None:
    session = requests.Session()
    for _ in range(rounds):
        for params in queries:
            start = time.perf_counter()
            response = session.get(f"{base}/api/3/action/package_search", params=params, timeout=60)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200 or not response.json().get("success"):
                errors.append(f"{params}: HTTP {response.status_code}")
                continue
            out.append(elapsed)


def run(base: str, clients: int, rounds: int, queries: list[dict[str, str]] = QUERIES) -> list[float]:
    times: list[float] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=client, args=(base, rounds, times, errors, queries)) for _ in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"package_search failed: {errors[:3]}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5, help="times each client sends the whole mix")
    parser.add_argument("--section", default="## package_search")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    count = requests.get(f"{base}/api/3/action/package_search", params={"rows": 0}, timeout=30).json()
    total = count["result"]["count"]
    run(base, 1, 1)  # warm-up
    rows = []
    for clients in (1, 10):
        rows.append(
            (clients, *median_p50_p95(args.runs, lambda clients=clients: run(base, clients, args.rounds)))
        )
        print(f"{clients:2} client(s): p50 {rows[-1][1]:6.1f} ms  p95 {rows[-1][2]:6.1f} ms", flush=True)
    intro = [
        f"`bench/search_api.py`, {dt.date.today().isoformat()}, machine: {machine()}; CKAN under gunicorn "
        "(3 workers), Solr on the same 2 cores, anonymous, over loopback.",
        f"{len(QUERIES)} queries (plain, affixed, acronym, place, facet filters, six facet fields, sort, deep "
        f"page, the application list) sent {args.rounds} times by each client; {args.runs} runs, medians of the "
        f"runs' p50 and p95. Catalogue: {total} records visible to an anonymous visitor.",
    ]
    publish_table(
        args.section,
        intro,
        latency_table("clients", rows, TARGETS_MS.__getitem__, show_target=True),
        write=not args.no_write,
    )


if __name__ == "__main__":
    main()
