"""The harvest demo: one harvest source per sample application and source type, run through the real queue.

The sources are data (``demo_sources.yaml``); ``demo_sources`` completes them from the sample upstream's own
listings (``/apps/<slug>/datasets``), so each table keeps the metadata its application declares. The SQL source
reads the SIMPUS database through the URL in the environment variable :data:`SIMPUS_DSN_ENV` of the harvest
workers (the local stack sets it).

``register_sources`` creates the sources that are missing (idempotent, by name); ``run_sources`` creates a job per
source on the Redis gather queue, where the stack's ``ckan tangerang gather-consumer`` and ``fetch-consumer``
do the work, and waits (bounded, with progress) until every job is finished. The application registry is
registered and runs first, because the other sources' datasets point at its ``aplikasi`` records
(``aplikasi_sumber``), which a DCAT source's config must name when it is saved.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from typing import Any

import ckan.plugins.toolkit as tk
import requests
import sqlalchemy as sa
import yaml

from ckanext.tangerang.logic.site_user import site_context

log = logging.getLogger(__name__)

SIMPUS_DSN_ENV = "TANGERANG_DEMO_SIMPUS_DSN"
LEVELS = {"kota", "kecamatan", "kelurahan"}


@cache
def _definition() -> dict[str, Any]:
    """``demo_sources.yaml``, read once (callers copy what they change)."""
    return yaml.safe_load(resources.files(__package__).joinpath("demo_sources.yaml").read_text("utf-8"))


REGISTRY_SOURCE = next(
    s["name"] for s in _definition()["sources"] if s["source_type"] == "tangerang_app_registry"
)
# Organizations the datasets of the seven applications belong to (demo_sources.yaml says why).
APP_OPDS: list[str] = list(_definition()["app_opds"])

Progress = Callable[[str], None]


# --- the sources (pure, given the upstream's listings) ---------------------------------------------------


def listing_fields(record: dict[str, Any]) -> dict[str, Any]:
    """A dataset of an application's listing → the schema fields a source puts on its table's dataset."""
    fields: dict[str, Any] = {
        "name": record["id"],
        "title": record["judul"],
        "notes": record["deskripsi"],
        "tags": list(record.get("kata_kunci") or []),
    }
    for key in ("klasifikasi", "sektor", "frekuensi", "satuan", "ukuran"):
        if record.get(key):
            fields[key] = record[key]
    if record.get("cakupan_wilayah"):
        fields["cakupan_wilayah"] = list(record["cakupan_wilayah"])
    if record.get("tingkat_penyajian") in LEVELS:
        fields["tingkat_penyajian"] = record["tingkat_penyajian"]
    if isinstance(record.get("tahun"), int):
        fields["tahun_awal"] = fields["tahun_akhir"] = str(record["tahun"])
    return fields


def tabular_tables(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Table specs of the tabular harvester for the CSV/XLSX distributions of a listing."""
    tables = []
    for record in records:
        first = (record.get("distribusi") or [{}])[0]
        kind = str(first.get("format") or "").lower()
        if kind not in ("csv", "xlsx"):
            continue
        table: dict[str, Any] = {"id": record["id"], "url": first["url"], "format": kind}
        if first.get("encoding"):
            table["encoding"] = first["encoding"]
        if first.get("delimiter"):
            table["delimiter"] = first["delimiter"]
        if first.get("lembar"):
            table["sheet"] = first["lembar"]
        table["dataset"] = listing_fields(record)
        tables.append(table)
    return tables


def sql_tables(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Table specs of the SQL harvester for SIMPUS: the city-wide view, and one named query per kecamatan."""
    tables = []
    for record in records:
        sql = record.get("sql") or {}
        if not sql.get("tabel"):
            continue
        table: dict[str, Any] = {"id": record["id"], "dataset": listing_fields(record)}
        codes = [c for c in record.get("cakupan_wilayah") or [] if c.count(".") == 2]
        if "WHERE" in str(sql.get("kueri", "")).upper() and codes:
            # The named query of the SQL source in demo_sources.yaml.
            table.update(query="kunjungan_puskesmas", params={"kecamatan": codes[0]})
        else:
            table.update(table=sql["tabel"], order_by=["bulan", "kecamatan_kode", "layanan"])
        table["kolom"] = {"jumlah_kunjungan": {"deskripsi": "Jumlah kunjungan", "satuan": "kunjungan"}}
        tables.append(table)
    return tables


# What ``tables: <kind>`` in demo_sources.yaml builds from an application's listing.
TABLES: dict[str, Callable[[Iterable[dict[str, Any]]], list[dict[str, Any]]]] = {
    "tabular": tabular_tables,
    "sql": sql_tables,
}


def json_api_config(aplikasi: str) -> dict[str, Any]:
    """Every dataset an application lists becomes a dataset (its metadata, with links to its APIs)."""
    return {"aplikasi_sumber": aplikasi, **copy.deepcopy(_definition()["listing_config"])}


def demo_sources(upstream: str, listings: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every demo source of ``demo_sources.yaml`` as a ``harvest_source_create`` payload; ``listings`` maps
    application slug → the datasets of its ``/apps/<slug>/datasets``. Pure."""
    up = upstream.rstrip("/")
    sources = []
    for entry in copy.deepcopy(_definition()["sources"]):
        config = entry.pop("config")
        tables = entry.pop("tables", None)
        if tables:
            config["tables"] = TABLES[tables](listings.get(config["aplikasi_sumber"], []))
            if not config["tables"]:
                continue
        if entry["source_type"] == "tangerang_sql":
            config["dsn_env"] = SIMPUS_DSN_ENV
        entry["url"] = entry["url"].format(upstream=up)
        entry["config"] = json.dumps(config, ensure_ascii=False, sort_keys=True)
        sources.append(entry)
    return sources


# --- registering and running -----------------------------------------------------------------------------


def fetch_listings(upstream: str, slugs: Iterable[str], timeout: float = 30) -> dict[str, list[dict]]:
    """Application slug → the datasets its ``/apps/<slug>/datasets`` lists on the sample upstream."""
    out = {}
    for slug in slugs:
        response = requests.get(f"{upstream.rstrip('/')}/apps/{slug}/datasets", timeout=timeout)
        response.raise_for_status()
        out[slug] = response.json()["data"]
    return out


def register_sources(sources: list[dict[str, Any]], progress: Progress = log.info) -> dict[str, int]:
    """Create the sources that are missing; report those whose URL, config, owner or frequency differ."""
    counts = {"created": 0, "differs": 0, "unchanged": 0, "refused": 0}
    for wanted in sources:
        context = site_context()
        try:
            existing = tk.get_action("harvest_source_show")(dict(context), {"id": wanted["name"]})
        except tk.ObjectNotFound:
            existing = None
        if existing is None:
            try:
                tk.get_action("harvest_source_create")(dict(context), dict(wanted))
            except tk.ValidationError as error:
                counts["refused"] += 1
                progress(f"  x {wanted['name']}: ditolak / refused: {error.error_summary}")
                continue
            counts["created"] += 1
            progress(f"  + {wanted['name']} ({wanted['source_type']})")
            continue
        from ckanext.harvest.model import HarvestSource

        org = tk.get_action("organization_show")(dict(context), {"id": wanted["owner_org"]})
        stored = HarvestSource.get(existing["id"])
        same = (
            stored is not None
            and stored.url == wanted["url"]
            and (stored.config or "") == wanted["config"]
            and stored.frequency == wanted["frequency"]
            and stored.type == wanted["source_type"]
            and stored.active
            and existing.get("owner_org") == org["id"]
            and existing.get("title") == wanted["title"]
            and existing.get("state") == "active"
        )
        if same:
            counts["unchanged"] += 1
            continue
        # Not updated here: harvest_source_update from the CLI fails half-way under CKAN 2.12 with
        # ckanext-harvest 1.6.3 ("This transaction is closed"), leaving the source half changed.
        counts["differs"] += 1
        progress(
            f"  ! {wanted['name']}: differs from the demo's definition (URL, config, owner or frequency); "
            "left as it is. Edit it in /harvest or delete it to have the demo recreate it."
        )
    return counts


def start_job(source_id: str) -> str:
    """A job for the source on the gather queue; the running one if there is one already."""
    from ckanext.harvest.logic import HarvestJobExists

    context = site_context()
    try:
        return tk.get_action("harvest_job_create")(dict(context), {"source_id": source_id, "run": True})["id"]
    except HarvestJobExists:
        jobs = tk.get_action("harvest_job_list")(dict(context), {"source_id": source_id})
        waiting = [j for j in jobs if j["status"] in ("New", "Running")]
        if not waiting:
            raise
        if waiting[0]["status"] == "New":
            tk.get_action("harvest_send_job_to_gather_queue")(dict(context), {"id": waiting[0]["id"]})
        return waiting[0]["id"]


def wait_for_jobs(
    jobs: dict[str, str], timeout: float, progress: Progress = log.info, interval: float = 2.0
) -> dict[str, str]:
    """Wait until every job (source name → job id) is finished; close jobs whose objects are all done with
    ``harvest_jobs_run``. Returns source name → final status ("Finished", or the status at the deadline)."""
    from ckan import model
    from ckanext.harvest.model import HarvestJob, HarvestObject

    deadline = time.monotonic() + timeout
    started = time.monotonic()
    last = ""
    status: dict[str, str] = {}
    while True:
        model.Session.remove()
        done_objects = total_objects = 0
        for name, job_id in jobs.items():
            job = HarvestJob.get(job_id)
            status[name] = job.status
            objects = dict(
                model.Session.query(HarvestObject.state, sa.func.count(HarvestObject.id))
                .filter(HarvestObject.harvest_job_id == job_id)
                .group_by(HarvestObject.state)
                .all()
            )
            total = sum(objects.values())
            done = objects.get("COMPLETE", 0) + objects.get("ERROR", 0)
            total_objects += total
            done_objects += done
            # Closing a job while its gather is still queueing objects re-queues them (ckanext-harvest), so
            # only a job whose gather finished and whose objects are all done is closed.
            if job.status != "Finished" and job.gather_finished and done == total:
                tk.get_action("harvest_jobs_run")(site_context(), {"source_id": job.source_id})
        model.Session.remove()
        finished = sum(1 for n in jobs if HarvestJob.get(jobs[n]).status == "Finished")
        line = f"  {finished}/{len(jobs)} jobs finished, {done_objects}/{total_objects} records processed"
        if line != last:
            progress(f"{line} ({time.monotonic() - started:.0f} s)")
            last = line
        if finished == len(jobs):
            return {n: "Finished" for n in jobs}
        if time.monotonic() > deadline:
            for name, job_id in jobs.items():
                status[name] = HarvestJob.get(job_id).status
            return status
        time.sleep(interval)


def run_sources(names: list[str], timeout: float, progress: Progress = log.info) -> dict[str, str]:
    context = site_context()
    jobs = {}
    unregistered = {}
    for name in names:
        try:
            source = tk.get_action("harvest_source_show")(dict(context), {"id": name})
        except tk.ObjectNotFound:
            unregistered[name] = "tidak terdaftar / not registered"
            continue
        jobs[name] = start_job(source["id"])
    return {**wait_for_jobs(jobs, timeout, progress), **unregistered}


def demo_harvest(upstream: str, timeout: float = 900, progress: Progress = log.info) -> dict[str, Any]:
    """Register and harvest the registry, then register and harvest everything else; return what the portal
    shows. (The registry goes first: the other sources name its ``aplikasi`` records, and a DCAT source's
    ``aplikasi_sumber`` must exist when the source is saved.)"""
    # The applications whose listing gives a source its tables.
    slugs = [s["config"]["aplikasi_sumber"] for s in _definition()["sources"] if s.get("tables")]
    sources = demo_sources(upstream, fetch_listings(upstream, slugs))
    registry = [s for s in sources if s["name"] == REGISTRY_SOURCE]
    rest = [s for s in sources if s["name"] != REGISTRY_SOURCE]
    started = time.monotonic()
    progress("Registri aplikasi / application registry:")
    counts = register_sources(registry, progress)
    first = run_sources([REGISTRY_SOURCE], timeout, progress)
    progress(f"Sumber lain / other sources ({len(rest)}):")
    more = register_sources(rest, progress)
    counts = {key: counts[key] + more[key] for key in counts}
    progress(
        f"  sumber panen / harvest sources: {counts['created']} dibuat/created, {counts['differs']} "
        f"berbeda/differ, {counts['unchanged']} tetap/unchanged, {counts['refused']} ditolak/refused"
    )
    remaining = max(30.0, timeout - (time.monotonic() - started))
    statuses = {**first, **run_sources([s["name"] for s in rest], remaining, progress)}
    return {"statuses": statuses, "totals": portal_totals(), "seconds": time.monotonic() - started}


def portal_totals() -> dict[str, int]:
    """What the portal shows: applications (and their split), harvested datasets, and those of them that are
    linked to an application."""
    from ckan import model
    from ckanext.harvest.model import HarvestObject

    context = site_context()

    def count(fq: str) -> int:
        found = tk.get_action("package_search")(dict(context), {"fq": fq, "rows": 0, "include_private": True})
        return found["count"]

    model.Session.remove()
    harvested = (
        model.Session.query(model.Package.id)
        .join(HarvestObject, HarvestObject.package_id == model.Package.id)
        .filter(HarvestObject.current.is_(True))
        .filter(model.Package.state == "active")
        .filter(model.Package.type == "dataset")
        .distinct()
    )
    ids = [row[0] for row in harvested]
    linked = 0
    for start in range(0, len(ids), 200):
        chunk = " OR ".join(ids[start : start + 200])
        linked += count(f"dataset_type:dataset AND aplikasi_sumber:[* TO *] AND id:({chunk})")
    return {
        "aplikasi": count("dataset_type:aplikasi"),
        "e-government": count("dataset_type:aplikasi AND kelompok:e-government"),
        "layanan-publik": count("dataset_type:aplikasi AND kelompok:layanan-publik"),
        "dataset_panen": len(ids),
        "dataset_tertaut": linked,
    }
