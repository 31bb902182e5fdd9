"""``package_search`` p95 while downloads are being counted: one searching client alone, then beside ``--downloaders``
clients downloading as people (every download counted: one UPSERT each), then beside the same clients downloading
as a robot (the same requests, not counted), against a running portal (``--base``).

The downloads are the public resources' download URLs (an upload, or the redirect to its link, not followed) and,
for resources in the DataStore, CKAN's CSV dump of their first 100 rows (counted as the portal's own CSV is); they are found through ``package_search``
as an anonymous visitor. The searcher sends bench/search_api.py's mix. The difference between the last two rows is
the cost of counting; between the first and the others, the cost of the downloads themselves. Written under
``--section`` in bench/RESULTS.md (not at 10,000 datasets on a helper's stack: that is the benchmark slot's).

    .venv/bin/python bench/downloads.py --base http://127.0.0.1:5030 \\
        --section "## package_search while downloads are counted, 10,000 datasets"
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import latency_table, machine, median_p50_p95, publish_table
from search_api import QUERIES, TARGETS_MS
from search_api import client as search_client

PERSON = "Mozilla/5.0 (X11; Linux x86_64) bench-downloads"
TABLE_ROWS = 100  # a DataStore download's rows: the bench measures counting, not the writing of large tables
ROBOT = "Mozilla/5.0 (compatible; bench-downloads-bot/1.0)"  # logic/downloads.py CRAWLER: not counted


def download_urls(base: str, limit: int) -> list[str]:
    """Up to ``limit`` download URLs of the resources an anonymous visitor may download."""
    found = requests.get(
        f"{base}/api/3/action/package_search",
        params={"fq": "+dataset_type:dataset +klasifikasi:terbuka", "rows": min(limit, 1000)},
        timeout=60,
    ).json()["result"]["results"]
    urls = []
    for dataset in found:
        for resource in dataset.get("resources") or []:
            prefix = f"{base}/dataset/{dataset['id']}/resource/{resource['id']}"
            urls.append(f"{prefix}/download")
            if resource.get("datastore_active"):
                urls.append(f"{base}/datastore/dump/{resource['id']}?limit={TABLE_ROWS}")
    if not urls:
        raise SystemExit("the portal has no public resource to download: load a catalogue first")
    return urls[:limit]


def downloader(
    urls: list[str], agent: str, stop: threading.Event, done: list[int], errors: list[str]
) -> None:
    session = requests.Session()
    session.headers["User-Agent"] = agent
    n = 0
    while not stop.is_set():
        url = urls[n % len(urls)]
        response = session.get(url, allow_redirects=False, timeout=60, stream=True)
        response.close()
        if response.status_code not in (200, 302):
            errors.append(f"{url}: HTTP {response.status_code}")
        n += 1
    done.append(n)


def searched_beside(base: str, urls: list[str], agent: str | None, clients: int, rounds: int) -> list[float]:
    """One searcher's times while ``clients`` download with ``agent`` (none: the searcher alone)."""
    stop = threading.Event()
    done: list[int] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=downloader, args=(urls, agent, stop, done, errors))
        for _ in range(clients if agent else 0)
    ]
    for t in threads:
        t.start()
    time.sleep(0.5 if threads else 0)  # the downloaders under way before the first search
    times: list[float] = []
    failed: list[str] = []
    started = time.perf_counter()
    search_client(base, rounds, times, failed)
    elapsed = time.perf_counter() - started
    stop.set()
    for t in threads:
        t.join()
    if failed or errors:
        raise SystemExit(f"requests failed: {(failed + errors)[:3]}")
    if threads:
        print(f"   {sum(done)} downloads in {elapsed:.1f} s ({sum(done) / elapsed:.0f}/s)", flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--downloaders", type=int, default=10)
    parser.add_argument(
        "--urls", type=int, default=200, help="distinct download URLs the clients cycle through"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--rounds", type=int, default=5, help="times the searcher sends the whole mix per run"
    )
    parser.add_argument("--section", default="## package_search while downloads are counted")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    urls = download_urls(base, args.urls)
    total = requests.get(f"{base}/api/3/action/package_search", params={"rows": 0}, timeout=30).json()
    search_client(base, 1, [], [])  # warm-up
    scenarios = {
        "search alone": None,
        f"beside {args.downloaders} downloaders, counted": PERSON,
        f"beside {args.downloaders} downloaders, not counted (robot)": ROBOT,
    }
    rows = []
    for label, agent in scenarios.items():
        print(label, flush=True)
        measure = lambda agent=agent: searched_beside(base, urls, agent, args.downloaders, args.rounds)  # noqa: E731
        rows.append((label, *median_p50_p95(args.runs, measure)))
        print(f"   p50 {rows[-1][1]:6.1f} ms  p95 {rows[-1][2]:6.1f} ms", flush=True)
    intro = [
        f"`bench/downloads.py`, {dt.date.today().isoformat()}, machine: {machine()}; anonymous, over loopback.",
        f"One client sends bench/search_api.py's {len(QUERIES)} queries {args.rounds} times per run while "
        f"{args.downloaders} clients download {len(urls)} public resources in turn (download URL, redirects not "
        f"followed; the first {TABLE_ROWS} rows of the DataStore dump where there is a table), as a person "
        f"(counted) or as a robot (the same requests, not counted); {args.runs} runs, medians of the runs' p50 "
        "and p95. Catalogue: "
        f"{total['result']['count']} records visible to an anonymous visitor.",
    ]
    publish_table(
        args.section,
        intro,
        latency_table("package_search", rows, lambda _: TARGETS_MS[10], show_target=True),
        write=not args.no_write,
    )


if __name__ == "__main__":
    main()
