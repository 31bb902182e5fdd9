"""Fill a benchmark database with a catalogue of a given size: the OPDs, the 172 sample applications and N
generated datasets, built by the same mapping the harvesters use (``harvesters.app_registry.aplikasi_dataset``
and ``harvesters.json_api.record_dataset`` over the sample upstream's records), then created with
``package_create`` in this process. Used by ``bench/run_pages_bench.sh``; never points at the demo database.

SAMPLE DATA: the records come from ``sample_upstream`` (data contoh), not from the city's applications.

Run with the benchmark slot's environment (CKAN_SQLALCHEMY_URL, CKAN_SOLR_URL, ...) exported:

    .venv/bin/python bench/load_catalogue.py --config var/ckan.ini --size 10000

Idempotent: it counts what is there and creates only the missing datasets. Solr commits once per 500 datasets
instead of once per dataset (``ckan.search.solr_commit = false`` for this process), which is what makes loading
10,000 datasets take minutes rather than an hour; what is indexed is the same.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20261128
ACCESS_MIX = (("terbuka", 0.80), ("terbatas", 0.15), ("tertutup", 0.05))


def klasifikasi_for(i: int) -> str:
    point = random.Random(f"{SEED}:klasifikasi:{i}").random()
    total = 0.0
    for value, share in ACCESS_MIX:
        total += share
        if point < total:
            return value
    return ACCESS_MIX[0][0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=str(ROOT / "var" / "ckan.ini"))
    parser.add_argument("--size", type=int, required=True, help="datasets (applications not counted)")
    args = parser.parse_args()
    for name in ("CKAN_SQLALCHEMY_URL", "CKAN_SOLR_URL"):
        if not os.environ.get(name):
            raise SystemExit(
                f"{name} is not set: run through bench/run_pages_bench.sh (it prepares the slot)."
            )
    if "_test_" not in os.environ["CKAN_SQLALCHEMY_URL"]:
        raise SystemExit(
            "CKAN_SQLALCHEMY_URL does not name a test/benchmark database; refusing to load into it."
        )

    from ckan.cli import CKANConfigLoader
    from ckan.config.middleware import make_app

    app = make_app(CKANConfigLoader(args.config).get_config())
    with app._wsgi_app.test_request_context():  # type: ignore[attr-defined]
        load(args.size)


def load(size: int) -> None:
    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckan.lib.search import commit

    from ckanext.tangerang.harvesters.app_registry import aplikasi_dataset, organization_id
    from ckanext.tangerang.harvesters.json_api import record_dataset
    from ckanext.tangerang.logic.demo_harvest import json_api_config
    from ckanext.tangerang.logic.seed import seed_organizations
    from ckanext.tangerang.logic.site_user import site_context as context
    from sample_upstream import catalogue
    from sample_upstream.data import SampleData

    tk.config["ckan.search.solr_commit"] = False
    seed_organizations()
    data = SampleData()
    existing = {
        name for (name,) in model.Session.query(model.Package.name).filter(model.Package.state == "active")
    }
    apps = data.applications
    created = 0
    for record in apps:
        dataset = aplikasi_dataset(record)
        if dataset["name"] in existing:
            continue
        owner = organization_id(str(record.get("opd") or ""))
        if not owner:
            raise SystemExit(f"application {dataset['name']}: its OPD {record.get('opd')!r} is not seeded")
        tk.get_action("package_create")(context(), {**dataset, "owner_org": owner})
        created += 1
    commit()
    print(f"applications: {len(apps)} ({created} created)", flush=True)

    slugs = sorted(aplikasi_dataset(a)["name"] for a in apps)
    start = time.perf_counter()
    made = 0
    for i in range(1, size + 1):
        name = catalogue.bench_name(i)
        if name in existing:
            continue
        aplikasi = random.Random(f"{SEED}:aplikasi:{i}").choice(slugs)
        record = catalogue.render_dataset(
            catalogue._generated_record(SEED, name, f"pages:{i}", aplikasi=aplikasi),
            "https://contoh-upstream.tangerangkota.invalid",
        )
        record["klasifikasi"] = klasifikasi_for(i)
        dataset = record_dataset(record, json_api_config(aplikasi))
        owner = organization_id(record["opd"])
        dataset.update(
            owner_org=owner, aplikasi_sumber=aplikasi, walidata_email="satudata@tangerangkota.go.id"
        )
        tk.get_action("package_create")(context(), dataset)
        made += 1
        if made % 500 == 0:
            commit()
            rate = made / (time.perf_counter() - start)
            print(f"datasets: {i}/{size} ({made} created, {rate:.1f}/s)", flush=True)
    commit()
    print(f"datasets: {size} ({made} created in {time.perf_counter() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
