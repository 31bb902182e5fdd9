"""Probe: no public resource has personal data behind it, stored or linked, after the demo's harvest sources ran.

A representative subset of the demo's sources (``demo_sources``) runs through the real pipeline: LAKSA's JSON API
listing (with its raw records and the raw CSV export, NIK and phone numbers in every row), LAKSA's aggregated
table, a tabular export and the stock DCAT catalogue, some of whose files are switched to hold personal data.
Then, as an anonymous visitor: search, follow every resource URL (the portal's own files through the portal,
links to the upstream through the harvesters' safe client), screen what comes back with the guard of stored
tables."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from ckanext.tangerang.harvesters import linked, pii
from ckanext.tangerang.harvesters.base import allowed_hosts
from ckanext.tangerang.harvesters.http import SafeClient
from ckanext.tangerang.logic.demo_harvest import demo_sources, fetch_listings
from tests.harvesters import conftest as pipeline
from tests.helpers import minimal_aplikasi

# The harvest pipeline's fixtures (sample upstream, real consumers, a clean database with an OPD).
upstream = pipeline.upstream
control = pipeline.control
consumers = pipeline.consumers
harvest_env = pipeline.harvest_env
create_source, run_jobs = pipeline.create_source, pipeline.run_jobs

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_index")

SOURCES = ("laksa-api-json", "laksa-pengaduan-mentah-agregat", "tangerang-live-berkas", "katalog-dcat-contoh")
# Files of the demo's DCAT page (dataset-sampel-00100 ... 00129) switched to hold personal data.
PERSONAL = ["dataset-sampel-00100", "dataset-sampel-00101", "dataset-sampel-00105"]
RAW = ("laksa-pengaduan-mentah-2025", "laksa-ekspor-pengaduan-mentah-2025")


def _run_demo_subset(env, upstream):

    for name in ("satu-data", "tangerang-live"):
        minimal_aplikasi(env["user"], env["org"]["id"], name)
    listings = fetch_listings(upstream, ["laksa", "tangerang-live"])
    wanted = [s for s in demo_sources(upstream, listings) if s["name"] in SOURCES]
    assert {s["name"] for s in wanted} == set(SOURCES)
    ids = [
        create_source(env, s["name"], s["url"], s["source_type"], json.loads(s["config"] or "{}"))["id"]
        for s in wanted
    ]
    return dict(zip([s["name"] for s in wanted], run_jobs(env, *ids, timeout=240), strict=True))


def _screen_portal_file(app, probe, url, fmt):
    response = app.get(urlsplit(url).path, status=None)
    probe.answer(response, f"GET {url}")
    if response.status_code != 200:
        return []
    tables = linked.sample_tables(url, fmt, response.headers.get("Content-Type", ""), response.data, False)
    return [f for columns, rows in tables for f in pii.screen(columns, rows)]


def test_no_public_resource_has_personal_data_behind_it(harvest_env, upstream, control, app, probe):
    control.change(pribadi=PERSONAL)
    reports = _run_demo_subset(harvest_env, upstream)
    held = " ".join(reports["laksa-api-json"]["object_errors"])
    probe.check(
        "pii", all(name in held or "tingkat_penyajian" in held for name in RAW), "LAKSA raw records held"
    )
    probe.check("pii", "pengaduan-mentah-2025.csv" in held, "the job names the raw CSV export it held")

    search = app.get("/api/3/action/package_search", query_string={"rows": 1000}, status=None)
    probe.answer(search, "anonymous package_search")
    datasets = search.json["result"]["results"]
    probe.check("pii", len(datasets) >= 30, f"the harvest published the clean datasets ({len(datasets)})")
    names = " ".join(d["name"] for d in datasets)
    for name in (*RAW, *PERSONAL):
        probe.check("pii", name not in names, f"{name} is not public")

    client = SafeClient(allowed_hosts=allowed_hosts())
    screened = 0
    try:
        for dataset in datasets:
            for resource in dataset.get("resources") or []:
                url, fmt = resource.get("url") or "", (resource.get("format") or "").lower()
                what = f"{dataset['name']}: {url}"
                if url.startswith(upstream):
                    findings = linked.screen_url(client, url, fmt, use_cache=False) or []
                elif urlsplit(url).path.startswith("/dataset/"):
                    findings = _screen_portal_file(app, probe, url, fmt)
                else:
                    probe.check("pii", False, f"{what}: a URL the probe cannot follow")
                    continue
                screened += 1
                kinds = sorted({f"{f.column}:{f.rule}" for f in findings})
                probe.check("pii", not findings, f"{what} {kinds}")
    finally:
        client.close()
    probe.check("pii", screened >= 30, f"resources followed and screened: {screened}")
