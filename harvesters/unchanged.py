"""Unchanged records, recognised in the gather stage in bulk: no queue message, no harvest object and no
``package_show`` for a record the portal already holds as it is.

A record is *self-contained* when its dataset is built from the listing's record alone (no fetch payload: the
JSON API in datasets mode, the application registry). Its **record hash** is the sha256 of the canonical JSON of
the record, the source's identity (URL, OPD, name, title), its config (without the steward's one-off
``konfirmasi_penghapusan``) and the harvesters' code version (the sha256 of ``harvesters/*.py`` and the schemas),
so that a new mapping or schema re-imports everything once. The hash travels on the harvest object
(``record_hash`` extra) and stays on the source's *current* object once imported.

At the next gather, one query reads the current objects' hashes for the source (only datasets still active: a
held draft or a withdrawn dataset goes through the full path again). A record whose hash is the same is skipped,
unless the files its resources link to are due for a new personal-data screen: a public dataset's linked files
are screened again once their last clean screen is older than ``ckanext.tangerang.harvest.linked_rescreen_hours``
(0 by default: on every harvest), in the gather, concurrently, with conditional requests
(``If-None-Match``/``If-Modified-Since``).
A file that changed and is still clean keeps the record skipped; a file that holds personal data or cannot be read
sends the record through the import stage, which holds it (or drops the link under ``drop``/``aggregate``).

Records that are not self-contained (tables of the file, SQL and JSON table sources) always go through the fetch
stage; their datasets are still left untouched when their content hash has not changed.

The ``harvest_object`` table stays bounded: objects that are no longer current are kept for the source's last
:data:`KEEP_JOBS` jobs (their reports) and deleted with their extras and errors before a new gather.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.plugins import toolkit as tk

from . import linked
from .http import HarvestHttpError, SafeClient, UrlNotAllowed, check_url

log = logging.getLogger(__name__)

RESCREEN_OPTION = "ckanext.tangerang.harvest.linked_rescreen_hours"
KEEP_JOBS = 5
SCREEN_THREADS = 8
PRUNE = (  # extras and errors before their objects
    "DELETE FROM harvest_object_extra WHERE harvest_object_id = ANY(:ids)",
    "DELETE FROM harvest_object_error WHERE harvest_object_id = ANY(:ids)",
    "DELETE FROM harvest_object WHERE id = ANY(:ids)",
)
VOLATILE_CONFIG = ("konfirmasi_penghapusan",)


@cache
def code_version() -> str:
    """sha256 of the harvesters' code and the schemas: a change of either re-imports every record once."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    files = sorted(here.glob("*.py"))
    try:
        from ckanext.tangerang import schemas

        files += sorted(Path(schemas.__file__).resolve().parent.glob("*.yaml"))
    except ImportError:  # pure tests without the package installed
        pass
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def record_hash(content: Mapping[str, Any], identity: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    """The record hash: record, source identity, config (less its volatile keys) and code version."""
    stable = {k: v for k, v in config.items() if k not in VOLATILE_CONFIG}
    text = json.dumps(
        {"record": content, "source": identity, "config": stable, "code": code_version()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def current_hashes(source_id: str) -> dict[str, tuple[str, str]]:
    """GUID → (dataset id, record hash) of the source's current objects whose dataset is active: one query."""
    rows = model.Session.execute(
        sa.text(
            "SELECT o.guid, o.package_id, e.value FROM harvest_object o "
            "JOIN package p ON p.id = o.package_id AND p.state = 'active' "
            "JOIN harvest_object_extra e ON e.harvest_object_id = o.id AND e.key = 'record_hash' "
            "WHERE o.current AND o.harvest_source_id = :source"
        ),
        {"source": source_id},
    )
    return {guid: (package_id, value) for guid, package_id, value in rows}


def public_links(package_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Dataset id → the resources whose linked files are screened, for the public datasets among ``package_ids``
    (terbuka, not private, active): one query."""
    ids = list(package_ids)
    if not ids:
        return {}
    rows = model.Session.execute(
        sa.text(
            "SELECT r.package_id, r.url, r.format, r.url_type, r.name FROM resource r "
            "JOIN package p ON p.id = r.package_id "
            "WHERE r.state = 'active' AND p.state = 'active' AND NOT coalesce(p.private, false) "
            "AND coalesce(p.extras->>'klasifikasi', 'terbuka') = 'terbuka' AND r.package_id = ANY(:ids)"
        ),
        {"ids": ids},
    )
    links: dict[str, list[dict[str, Any]]] = {}
    for package_id, url, fmt, url_type, name in rows:
        resource = {"url": url, "format": fmt, "url_type": url_type, "name": name}
        if linked.linked_url(resource):
            links.setdefault(package_id, []).append(resource)
    return links


def due_for_screening(
    links: Mapping[str, list[dict[str, Any]]], hours: float
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, dict[str, Any]]]:
    """The datasets with a linked file whose last clean screen is older than ``hours`` (or was never kept), and
    the kept screens of those files (read from Redis in one round trip)."""
    urls = sorted({str(r["url"]).strip() for resources in links.values() for r in resources})
    entries = linked.cached_many(urls)
    oldest = time.time() - hours * 3600
    stale = {url for url in urls if not entries.get(url) or float(entries[url].get("at") or 0) < oldest}
    due = {
        package_id: [r for r in resources if str(r["url"]).strip() in stale]
        for package_id, resources in links.items()
        if any(str(r["url"]).strip() in stale for r in resources)
    }
    return due, {url: entries[url] for url in stale if url in entries}


def rescreen(
    client: SafeClient, due: Mapping[str, list[dict[str, Any]]], kept: Mapping[str, dict[str, Any]]
) -> set[str]:
    """Screen the due linked files again, concurrently, with conditional requests from their ``kept`` screens;
    keep the new screens in one round trip to Redis; return the datasets that must go through the import stage
    (a file with personal data, or one that cannot be read and was never screened clean)."""
    by_url: dict[str, dict[str, Any]] = {}
    for resources in due.values():
        for resource in resources:
            by_url.setdefault(str(resource["url"]).strip(), resource)
    local = threading.local()
    clients: list[SafeClient] = []
    entries: dict[str, dict[str, Any] | None] = {}

    def worker_client() -> SafeClient:
        """One client per thread (SafeClient is not shared between threads), kept for its connections."""
        if not hasattr(local, "client"):
            local.client = SafeClient(
                limits=client.limits, allowed_hosts=client.allowed_hosts, headers=client.headers
            )
            clients.append(local.client)
        return local.client

    def screen(url: str) -> bool:
        """True when the file is clean (or unchanged since its last clean screen)."""
        try:
            check_url(url, client.allowed_hosts)
        except UrlNotAllowed:
            return True  # outside the allow-list: the harvesters never read it (as in the import stage)
        declared = str(by_url[url].get("format") or "").strip().lower()
        try:
            findings, entries[url] = linked.screen(worker_client(), url, declared, kept.get(url))
        except (HarvestHttpError, ValueError) as error:
            log.info(
                "Linked file %s could not be screened again (%s): its record goes through import", url, error
            )
            return False
        return not findings

    if not by_url:
        return set()
    try:
        with ThreadPoolExecutor(max_workers=min(SCREEN_THREADS, len(by_url))) as pool:
            clean = dict(zip(by_url, pool.map(screen, by_url), strict=True))
    finally:
        for worker in clients:
            worker.close()
    linked.remember_many(entries)
    return {
        package_id
        for package_id, resources in due.items()
        if not all(clean[str(r["url"]).strip()] for r in resources)
    }


def rescreen_hours() -> float:
    value = tk.config.get(RESCREEN_OPTION)
    return 0.0 if value in (None, "") else float(value)


def prune(source_id: str, keep_jobs: int = KEEP_JOBS) -> int:
    """Delete the source's objects that are not current and belong to none of its last ``keep_jobs`` jobs
    (with their extras and errors). Returns how many objects were deleted."""
    params = {"source": source_id, "keep": keep_jobs}
    ids = [
        row[0]
        for row in model.Session.execute(
            sa.text(
                "SELECT o.id FROM harvest_object o WHERE o.harvest_source_id = :source "
                "AND NOT coalesce(o.current, false) AND o.harvest_job_id NOT IN (SELECT j.id FROM harvest_job j "
                "WHERE j.source_id = :source ORDER BY j.created DESC LIMIT :keep)"
            ),
            params,
        )
    ]
    if not ids:
        return 0
    for statement in PRUNE:
        model.Session.execute(sa.text(statement), {"ids": ids})
    return len(ids)


SKIPPED_KEY = "tangerang:panen:tidak-berubah:"
SKIPPED_SECONDS = 400 * 24 * 3600


def _redis() -> Any:
    from ckan.lib.redis import connect_to_redis

    return connect_to_redis()


def remember_skipped(job_id: str, count: int) -> None:
    """Keep how many records a job's gather recognised as unchanged (they have no harvest object to count)."""
    try:
        _redis().set(SKIPPED_KEY + job_id, count, ex=SKIPPED_SECONDS)
    except Exception:
        log.warning("Could not keep the unchanged count of job %s in Redis", job_id)


def skipped_count(job_id: str) -> int | None:
    """How many records the job's gather skipped as unchanged, or ``None`` when not known."""
    try:
        value = _redis().get(SKIPPED_KEY + job_id)
    except Exception:
        return None
    return int(value) if value is not None else None
