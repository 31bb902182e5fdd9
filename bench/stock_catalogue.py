"""Index the stock CKAN 2.12 copy of the benchmark catalogue with stock CKAN's own indexer, for
bench/run_stock_compare.sh.

The script makes the stock database a copy of the slot's (``CREATE DATABASE ckan_bench_stock TEMPLATE
ckan_test_pages``): the same organizations, datasets, applications, resources, tags and privacy, row for row, and
our schema's own fields as what ckanext-scheming stores them as, package extras, which stock CKAN shows and
indexes as extras. Creating 10,000 datasets again through package_create took 1.5 datasets/s on the shared
machine (over an hour); the copy takes seconds and is the same catalogue by construction. What stock CKAN must
build itself, its Solr index, this script builds with stock's config (core plugins only, CKAN's own schema):

    .venv/bin/python bench/stock_catalogue.py --config var/bench-stock/ckan.ini --shard 0/3

Idempotent: each process indexes the active datasets of its shard (K-th of N, by id) that the stock core does
not hold yet, committing once at the end (``defer_commit``), as ``ckan search-index rebuild --only-missing``
does in one process; the script runs the shards side by side.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def index(shard: int, shards: int) -> None:
    import ckan.plugins.toolkit as tk
    import requests
    from ckan import model
    from ckan.lib.search import commit, rebuild

    ids = sorted(
        package_id
        for (package_id,) in model.Session.query(model.Package.id).filter(model.Package.state == "active")
    )[shard::shards]
    indexed = requests.get(
        f"{tk.config['solr_url']}/select",
        params={"q": "*:*", "fl": "id", "rows": 1_000_000, "wt": "json"},
        timeout=120,
    ).json()["response"]["docs"]
    missing = sorted(set(ids) - {doc["id"] for doc in indexed})
    start = time.perf_counter()
    if missing:
        rebuild(package_ids=missing, defer_commit=True, quiet=True)
        commit()
    print(
        f"stock shard {shard}/{shards}: {len(ids)} datasets and applications, {len(missing)} indexed in "
        f"{time.perf_counter() - start:.0f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="the stock ckan.ini")
    parser.add_argument("--shard", default="0/1", help="K/N: the K-th of N interleaved parts")
    args = parser.parse_args()
    if "bench_stock" not in _ini_value(args.config, "sqlalchemy.url"):
        raise SystemExit("the config's database is not a bench_stock one; refusing to index it.")

    from ckan.cli import CKANConfigLoader
    from ckan.config.middleware import make_app

    app = make_app(CKANConfigLoader(args.config).get_config())
    shard, shards = (int(part) for part in args.shard.split("/"))
    with app._wsgi_app.test_request_context():  # type: ignore[attr-defined]
        index(shard, shards)


def _ini_value(ini: str, key: str) -> str:
    for line in Path(ini).read_text().splitlines():
        name, _, value = line.partition("=")
        if name.strip() == key:
            return value.strip()
    return ""


if __name__ == "__main__":
    sys.exit(main())
