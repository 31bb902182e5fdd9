"""Time the quality score refresh (``ckan tangerang quality refresh``) over a loaded benchmark catalogue.

Four timings on the catalogue of a benchmark slot (never the demo database): one dataset's score as the index hook
computes it (its DCAT graph and the MQA, the cost every change pays), a full refresh (every score computed afresh:
the first run, or after the scoring itself changed), the daily run on a day when nothing changed (freshness
measured again from the stored parts), and the daily run a year later (every dataset late: freshness re-measured
and every score reindexed). It then measures again on today, leaving the scores as it found them. Writes the
section "## Quality score refresh at N datasets" of bench/RESULTS.md (``--no-write`` to only print).

Load the slot first (bench/run_pages_bench.sh loads 10,000 datasets into the slot "pages"), then:

    . bench/slot.sh pages && .venv/bin/python bench/quality_refresh.py --config var/ckan.ini
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

from results import machine, percentile, publish_table

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = 200  # datasets whose one-by-one score is timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(ROOT / "var" / "ckan.ini"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if "_test_" not in os.environ.get("CKAN_SQLALCHEMY_URL", ""):
        sys.exit(
            "quality_refresh: CKAN_SQLALCHEMY_URL must name a benchmark slot's database (. bench/slot.sh pages)."
        )

    from ckan.cli import CKANConfigLoader
    from ckan.config.middleware import make_app

    app = make_app(CKANConfigLoader(args.config).get_config())
    with app._wsgi_app.test_request_context():  # type: ignore[attr-defined]
        intro, table = measure()
    publish_table(intro.pop(0), intro, table, write=not args.no_write)


def _one_by_one() -> list[float]:
    """Milliseconds per dataset of what the index hook adds: gather, build the DCAT graph, score, store."""
    from ckanext.tangerang.logic import quality, release

    docs = next(quality.indexed_pages(None), [])[:SAMPLE]  # the datasets a refresh reads, first page
    fields = quality.recommended()
    times = []
    for doc in docs:
        dataset = json.loads(doc["validated_data_dict"])
        started = time.perf_counter()
        links = quality.link_statuses([dataset["id"]])[dataset["id"]]
        quality.store([(dataset["id"], quality.compute(dataset, links, release.today(), fields))])
        times.append((time.perf_counter() - started) * 1000)
    return times


def measure() -> tuple[list[str], list[str]]:
    from ckan import model

    from ckanext.tangerang.logic import quality, release

    today = release.today()
    hook = _one_by_one()
    model.Session.commit()
    runs = [
        ("full (every score afresh)", quality.refresh(as_of=today, full=True)),
        ("daily, nothing changed", quality.refresh(as_of=today)),
        ("daily, a year later (all late)", quality.refresh(as_of=today + dt.timedelta(days=400))),
        ("daily, back to today", quality.refresh(as_of=today)),
    ]
    size = runs[0][1]["datasets"]
    intro = [
        f"## Quality score refresh at {size:,} datasets",
        f"`bench/quality_refresh.py`, {dt.date.today().isoformat()}, machine: {machine()}. One dataset's score as "
        f"the index hook computes it on every change (gather, DCAT graph, MQA, store; {len(hook)} datasets): "
        f"median {statistics.median(hook):.1f} ms, p95 {percentile(hook, 0.95):.1f} ms. Target for a refresh: "
        "under a minute.",
    ]
    table = ["| run | datasets | computed afresh | reindexed | seconds |", "|---|---:|---:|---:|---:|"] + [
        f"| {name} | {r['datasets']:,} | {r['computed']:,} | {r['changed']:,} | {r['seconds']:.1f} |"
        for name, r in runs
    ]
    return intro, table


if __name__ == "__main__":
    main()
