"""The harvest demo: one harvest source per sample application and source type, run through the real queue.

``register_sources`` creates or updates the sources (idempotent, by name); ``run_sources`` creates a job per
source on the Redis gather queue, where the stack's ``ckan tangerang gather-consumer`` and ``fetch-consumer``
do the work, and waits (bounded, with progress) until every job is finished. The application registry is
registered and runs first, because the other sources' datasets point at its ``aplikasi`` records
(``aplikasi_sumber``), which a DCAT source's config must name when it is saved.

The sources are built from the sample upstream's own listings (``/apps/<slug>/datasets``), so each table keeps
the metadata its application declares. The SQL source reads the SIMPUS database through the URL in the
environment variable :data:`SIMPUS_DSN_ENV` of the harvest workers (the local stack sets it).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import ckan.plugins.toolkit as tk
import requests
import sqlalchemy as sa

from ckanext.tangerang.logic.site_user import site_context

log = logging.getLogger(__name__)

SIMPUS_DSN_ENV = "TANGERANG_DEMO_SIMPUS_DSN"
LEVELS = {"kota", "kecamatan", "kelurahan"}
REGISTRY_SOURCE = "registri-aplikasi-kota"
# Organizations the datasets of the seven applications belong to: the stock CKAN harvester takes the other
# (generated) records of the sample CKAN, so that no dataset is harvested twice.
APP_OPDS = ["diskominfo", "disdukcapil", "dishub", "disperindagkop-ukm", "disnaker", "dinkes"]

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


SIMPUS_QUERY = (
    "SELECT kecamatan_kode, puskesmas_kode, puskesmas_nama, bulan, layanan, jumlah_kunjungan "
    "FROM v_kunjungan_puskesmas WHERE kecamatan_kode = :kecamatan "
    "ORDER BY puskesmas_kode, bulan, layanan"
)


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
            table.update(query="kunjungan_puskesmas", params={"kecamatan": codes[0]})
        else:
            table.update(table=sql["tabel"], order_by=["bulan", "kecamatan_kode", "layanan"])
        table["kolom"] = {"jumlah_kunjungan": {"deskripsi": "Jumlah kunjungan", "satuan": "kunjungan"}}
        tables.append(table)
    return tables


def json_api_config(aplikasi: str) -> dict[str, Any]:
    """Every dataset an application lists becomes a dataset (its metadata, with links to its APIs)."""
    return {
        "aplikasi_sumber": aplikasi,
        "records_path": "data",
        "pagination": {"type": "none", "total_path": "total"},
        "fields": {
            "name": "id",
            "title": "judul",
            "notes": "deskripsi",
            "tags": "kata_kunci",
            "klasifikasi": "klasifikasi",
            "sektor": "sektor",
            "frekuensi": "frekuensi",
            "cakupan_wilayah": "cakupan_wilayah",
            "tingkat_penyajian": "tingkat_penyajian",
            "satuan": "satuan",
            "ukuran": "ukuran",
            "tahun_awal": "tahun",
            "tahun_akhir": "tahun",
        },
        "resources_path": "distribusi",
        "resource_fields": {"url": "url", "name": "judul", "format": "format"},
    }


def demo_sources(upstream: str, listings: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every demo source as a ``harvest_source_create`` payload; ``listings`` maps application slug → the
    datasets of its ``/apps/<slug>/datasets``. Pure."""
    up = upstream.rstrip("/")

    def source(name, title, kind, url, org, frequency, config):
        return {
            "name": name,
            "title": title,
            "source_type": kind,
            "url": url,
            "owner_org": org,
            "frequency": frequency,
            "config": json.dumps(config, ensure_ascii=False, sort_keys=True) if config is not None else "",
        }

    sources = [
        source(
            REGISTRY_SOURCE,
            "Registri Aplikasi Kota Tangerang (Tangerang LIVE)",
            "tangerang_app_registry",
            f"{up}/registry/api/v1/aplikasi",
            "diskominfo",
            "WEEKLY",
            {"per_page": 100},
        )
    ]
    for slug, org, title, frequency in (
        ("laksa", "diskominfo", "LAKSA: daftar dataset (API JSON)", "DAILY"),
        ("tangerang-ayo", "dishub", "Tangerang Ayo (e-KIR): daftar dataset (API JSON)", "WEEKLY"),
        ("tangerang-cakap-kerja", "disnaker", "Tangerang Cakap Kerja: daftar dataset (API JSON)", "MONTHLY"),
    ):
        sources.append(
            source(
                f"{slug}-api-json",
                title,
                "tangerang_json_api",
                f"{up}/apps/{slug}/datasets",
                org,
                frequency,
                json_api_config(slug),
            )
        )
    sources.append(
        source(
            "laksa-pengaduan-mentah-agregat",
            "LAKSA: pengaduan 2025 diagregasi (API JSON, tabel)",
            "tangerang_json_api",
            f"{up}/apps/laksa/api/pengaduan-mentah",
            "diskominfo",
            "DAILY",
            {
                "mode": "table",
                "aplikasi_sumber": "laksa",
                "params": {"tahun": 2025},
                "pagination": {"type": "page", "size": 500, "total_path": "total"},
                "data_pribadi": "aggregate",
                "agregasi": ["kecamatan_kode", "kategori", "status"],
                "defaults": {
                    "klasifikasi": "terbuka",
                    "sektor": "2.16",
                    "frekuensi": "harian",
                    "cakupan_wilayah": ["36.71"],
                    "tingkat_penyajian": "kecamatan",
                    "tahun_awal": "2025",
                    "tahun_akhir": "2025",
                },
                "table": {
                    "id": "laksa-pengaduan-2025-agregat",
                    "dataset": {
                        "title": "Jumlah Pengaduan LAKSA 2025 per Kecamatan, Kategori dan Status",
                        "notes": "Pengaduan warga 2025 dari LAKSA, dihitung per kecamatan, kategori dan status. "
                        "Data pribadi pelapor (NIK, telepon, nama, alamat, surel) tidak diterbitkan. "
                        "Data contoh (sample data), bukan data resmi Pemkot Tangerang.",
                        "tags": ["pengaduan", "laksa"],
                    },
                },
            },
        )
    )
    for slug, org, title, frequency in (
        ("sobatdukcapil", "disdukcapil", "SobatDukcapil: ekspor CSV/XLSX", "MONTHLY"),
        ("info-harga-pangan", "disperindagkop-ukm", "Info Harga Pangan: ekspor XLSX/CSV", "WEEKLY"),
        ("tangerang-live", "diskominfo", "Tangerang LIVE: ekspor pemakaian aplikasi", "MONTHLY"),
    ):
        tables = tabular_tables(listings.get(slug, []))
        if tables:
            sources.append(
                source(
                    f"{slug}-berkas",
                    title,
                    "tangerang_tabular",
                    f"{up}/apps/{slug}/export/",
                    org,
                    frequency,
                    {"aplikasi_sumber": slug, "tables": tables},
                )
            )
    tables = sql_tables(listings.get("simpus", []))
    if tables:
        sources.append(
            source(
                "simpus-sql",
                "SIMPUS: basis data kunjungan puskesmas (SQL)",
                "tangerang_sql",
                f"{up}/apps/simpus/datasets",
                "dinkes",
                "MONTHLY",
                {
                    "aplikasi_sumber": "simpus",
                    "dsn_env": SIMPUS_DSN_ENV,
                    "statement_timeout": 30,
                    "queries": {"kunjungan_puskesmas": SIMPUS_QUERY},
                    "tables": tables,
                },
            )
        )
    sources.append(
        source(
            "katalog-ckan-contoh",
            "Katalog CKAN contoh (harvester CKAN bawaan)",
            "ckan",
            f"{up}/ckan/n/100",
            "diskominfo",
            "WEEKLY",
            {"organizations_filter_exclude": APP_OPDS, "default_extras": {"harvest_catatan": "ckan"}},
        )
    )
    sources.append(
        source(
            "katalog-dcat-contoh",
            "Katalog DCAT contoh (harvester DCAT RDF bawaan)",
            "dcat_rdf",
            f"{up}/dcat/n/130/catalog.ttl?page=3&per_page=50",
            "diskominfo",
            "WEEKLY",
            # The sample catalogue is the city's Satu Data portal: every dataset page it serves is one of its
            # own generated records, produced by the "satu-data" application of the registry.
            {"rdf_format": "text/turtle", "aplikasi_sumber": "satu-data"},
        )
    )
    return sources


# --- registering and running -----------------------------------------------------------------------------


def fetch_listings(upstream: str, slugs: Iterable[str], timeout: float = 30) -> dict[str, list[dict]]:
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
    slugs = ["laksa", "sobatdukcapil", "info-harga-pangan", "tangerang-live", "simpus"]
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
