"""Server time of the one-call catalogue actions at a catalogue's size: p50 and p95 of ``tangerang_stats``,
``tangerang_aplikasi_list`` (the first page, a filtered page, the largest page) and ``tangerang_aplikasi_show``
(the application with the most datasets), anonymous, over loopback against a running portal (``--base``).

Run by ``bench/run_pages_bench.sh`` after it loaded the catalogue (bench/load_catalogue.py) into the benchmark slot:

    .venv/bin/python bench/catalog_actions.py --base http://127.0.0.1:5030 \\
        --section "## Catalogue actions at 10,000 datasets"
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import timed
from results import latency_table, machine, publish_table

TARGET_MS = 300  # the pages' target: an action is no slower than the page that could show it
COUNT = 20  # requests per URL and run


def busiest_application(session: requests.Session, api: str) -> str:
    """The application that the most datasets visible to an anonymous caller name as their source."""
    facets = session.get(
        f"{api}/package_search",
        params={"rows": 0, "fq": "+dataset_type:dataset", "facet.field": json.dumps(["aplikasi_sumber"])},
        timeout=60,
    ).json()["result"]["facets"]["aplikasi_sumber"]
    return max(facets, key=facets.get)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--section", default="## Catalogue actions")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    api = args.base.rstrip("/") + "/api/3/action"
    session = requests.Session()
    app = busiest_application(session, api)
    urls = {
        "tangerang_stats": f"{api}/tangerang_stats",
        "tangerang_aplikasi_list (first 20)": f"{api}/tangerang_aplikasi_list",
        "tangerang_aplikasi_list (layanan-publik, by title)": (
            f"{api}/tangerang_aplikasi_list?kelompok=layanan-publik&sort=title_string%20asc"
        ),
        "tangerang_aplikasi_list (100)": f"{api}/tangerang_aplikasi_list?limit=100",
        f"tangerang_aplikasi_show ({app})": f"{api}/tangerang_aplikasi_show?id={app}",
    }
    rows = timed(session, urls, args.runs, COUNT)
    total = session.get(f"{api}/package_search", params={"rows": 0}, timeout=60).json()["result"]["count"]
    intro = [
        f"`bench/catalog_actions.py`, {dt.date.today().isoformat()}, machine: {machine()}; CKAN under gunicorn, "
        "Solr on the same cores, anonymous, over loopback.",
        f"{args.runs} runs of {COUNT} requests per URL after 3 warm-up requests; medians of the runs' p50 "
        f"and p95. Catalogue: {total} records visible to an anonymous visitor; the application shown is the one "
        "with the most datasets.",
    ]
    table = latency_table("action", rows, lambda _: TARGET_MS, show_target=True)
    publish_table(args.section, intro, table, write=not args.no_write)


if __name__ == "__main__":
    main()
