"""Our portal and stock CKAN 2.12 side by side, interleaved in one run: pages and package_search, ratio ours/stock.

Both serve the same catalogue (bench/run_stock_compare.sh starts them). Each round measures, for one portal and
then the other (the order alternates between rounds), ``/dataset``, ``/dataset?q=penduduk``,
``/dataset?q=ciledug`` (as many hits in both: stock finds 3 datasets for penduduk) and a dataset page
(``--requests`` requests each, one at a time, as bench/pages.py does) and then package_search with 1 and 10
clients (bench/search_api.py's clients, on a query mix both portals can answer: free text, organization and
format filters, core facets, a sort, a deep page, the applications). Anonymous, over loopback, one process. The
medians over the rounds of each portal's p50 and p95 are reported with the ratio ours/stock: on a shared machine
the absolute figures drift, the ratio within one interleaved run is what travels.

    .venv/bin/python bench/stock_compare.py --ours http://127.0.0.1:5030 --stock http://127.0.0.1:5031 --no-write
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search_api
from pages import measure
from results import machine, percentile, publish_table

# Stock CKAN's own search-page facets: fields both portals index the same way.
CORE_FACETS = json.dumps(["organization", "groups", "tags", "res_format", "license_id"])
# search_api.py's mix with its filters on our schema's fields replaced by filters on core fields.
CORE_FQ = {"sektor:2.16": "organization:dinkes", "klasifikasi:terbuka": "res_format:CSV"}
QUERIES: list[dict[str, str]] = [
    {**params, **({"facet.field": CORE_FACETS} if "facet.field" in params else {})}
    | ({"fq": CORE_FQ.get(params["fq"], params["fq"])} if "fq" in params else {})
    for params in search_api.QUERIES
]
PORTALS = ("ours", "stock")
# Stock keeps applications as datasets with the extra jenis=aplikasi (bench/run_stock_compare.sh).
STOCK_FQ = {"+dataset_type:aplikasi": "+extras_jenis:aplikasi"}


def public_dataset(base: str) -> str:
    """The first dataset by name that an anonymous visitor sees: terbuka or terbatas in ours, public in stock."""
    result = requests.get(
        f"{base}/api/3/action/package_search",
        params={"fq": "+dataset_type:dataset", "rows": 1, "sort": "name asc"},
        timeout=30,
    ).json()["result"]
    if not result["results"]:
        raise SystemExit(f"{base} has no dataset to measure")
    return result["results"][0]["name"]


def count(base: str, **params: str) -> int:
    """How many records an anonymous visitor of ``base`` finds with these package_search parameters."""
    return requests.get(
        f"{base}/api/3/action/package_search", params={"rows": 0, **params}, timeout=30
    ).json()["result"]["count"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ours", default="http://127.0.0.1:5030")
    parser.add_argument("--stock", default="http://127.0.0.1:5031")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--requests", type=int, default=20, help="requests per page, portal and round")
    parser.add_argument("--search-rounds", type=int, default=2, help="times each search client sends the mix")
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn workers of each portal (to warm them all up)"
    )
    parser.add_argument("--section", default="## Side by side with stock CKAN 2.12")
    parser.add_argument("--note", default="", help="a line to add to the write-up (how stock was prepared)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    bases = {"ours": args.ours.rstrip("/"), "stock": args.stock.rstrip("/")}
    dataset = public_dataset(bases["ours"])
    pages = {
        "`/dataset`": "/dataset",
        "`/dataset?q=penduduk`": "/dataset?q=penduduk",
        "`/dataset?q=ciledug`": "/dataset?q=ciledug",
        f"dataset `/dataset/{dataset}`": f"/dataset/{dataset}",
    }
    items = [*pages, "package_search, 1 client", "package_search, 10 clients"]
    queries = {
        "ours": QUERIES,
        "stock": [{**q, "fq": STOCK_FQ.get(q["fq"], q["fq"])} if "fq" in q else q for q in QUERIES],
    }
    sessions = {portal: requests.Session() for portal in PORTALS}
    for portal in PORTALS:  # warm-up of every worker (concurrent requests): templates compiled, caches filled
        for path in pages.values():
            for _ in range(3):
                with ThreadPoolExecutor(args.workers * 2) as pool:
                    list(
                        pool.map(
                            lambda _, url=bases[portal] + path: requests.get(url, timeout=120),
                            range(args.workers * 2),
                        )
                    )
        search_api.run(bases[portal], args.workers * 2, 1, queries[portal])
    p50s = {(portal, item): [] for portal in PORTALS for item in items}
    p95s = {key: [] for key in p50s}
    for number in range(args.rounds):
        for portal in PORTALS if number % 2 == 0 else reversed(PORTALS):
            for item in items:
                if item in pages:
                    times = measure(sessions[portal], bases[portal] + pages[item], args.requests)
                else:
                    clients = 1 if "1 client" in item else 10
                    times = search_api.run(bases[portal], clients, args.search_rounds, queries[portal])
                p50s[portal, item].append(percentile(times, 0.50))
                p95s[portal, item].append(percentile(times, 0.95))
        print(f"round {number + 1}/{args.rounds} done", flush=True)
    rows = [
        "| | ours p50 | stock p50 | p50 ours/stock | ours p95 | stock p95 | p95 ours/stock |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for item in items:
        o50, s50 = (statistics.median(p50s[portal, item]) for portal in PORTALS)
        o95, s95 = (statistics.median(p95s[portal, item]) for portal in PORTALS)
        rows.append(
            f"| {item} | {o50:.0f} | {s50:.0f} | {o50 / s50:.2f} | {o95:.0f} | {s95:.0f} | {o95 / s95:.2f} |"
        )
    seen = {
        portal: (count(bases[portal]), count(bases[portal], fq=queries[portal][-1]["fq"]))
        for portal in PORTALS
    }
    hits = {word: [count(bases[portal], q=word) for portal in PORTALS] for word in ("penduduk", "ciledug")}
    intro = [
        f"`bench/run_stock_compare.sh` (`bench/stock_compare.py`), {dt.date.today().isoformat()}, machine: "
        f"{machine()}. Ours (every plugin of config/plugins.ini) and stock CKAN 2.12 (core plugins only: "
        f"activity; CKAN's own Solr schema) under gunicorn with {args.workers} workers each, on the same "
        "PostgreSQL and Solr; anonymous, over loopback, from one client process.",
        f"{args.rounds} interleaved rounds (ours then stock, stock then ours, ...); per round and portal "
        f"{args.requests} requests per page one at a time, and the package_search mix ({len(QUERIES)} queries on "
        f"core fields and facets) sent {args.search_rounds} times by 1 and by 10 concurrent clients. Medians over "
        "the rounds of each portal's p50 and p95, in ms; the ratio ours/stock is the measure that travels.",
        f"Records seen anonymously: ours {seen['ours'][0]} ({seen['ours'][1]} applications), stock "
        f"{seen['stock'][0]} ({seen['stock'][1]}): the same catalogue (stock's database is a copy of ours, its "
        "applications datasets with the extra jenis=aplikasi, so stock's `/dataset` lists them too). Hits, ours "
        f"and stock: penduduk {hits['penduduk'][0]} and {hits['penduduk'][1]} (stock's English stemming finds "
        f"only the word itself), ciledug {hits['ciledug'][0]} and {hits['ciledug'][1]}: `/dataset?q=ciledug` is "
        "the like-for-like search page, a full page of results in both.",
    ]
    publish_table(args.section, intro + [args.note] * bool(args.note), rows, write=not args.no_write)


if __name__ == "__main__":
    main()
