"""The link checker: each resource's URL checked (HEAD, then a ranged GET) within the harvests' allow-list, uploads by
their stored file, and the last result per resource kept in the ``tangerang_link_check`` table (migration/)."""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import sqlalchemy as sa
from ckan import model
from ckan.lib import jobs, uploader
from ckan.logic.schema import validator_args
from ckan.model import meta
from ckan.plugins import toolkit as tk
from ckan.types import Schema
from sqlalchemy.dialects.postgresql import insert

from ckanext.tangerang.bilingual import msg
from ckanext.tangerang.harvesters.base import allowed_hosts
from ckanext.tangerang.harvesters.http import MAX_REDIRECTS, SafeClient, UrlNotAllowed, check_url

STATUSES = ("ok", "broken", "unreachable", "not_allowed", "skipped")
# Statuses that count towards ``failures`` (consecutive failed checks); any other result resets it.
FAILING = ("broken", "unreachable")
# A HEAD answered with these is asked again with a ranged GET: some servers refuse HEAD, or only HEAD.
HEAD_REFUSED = frozenset({403, 405, 501})
BATCH_SIZE = 200  # resources per background job

link_check_table = sa.Table(
    "tangerang_link_check",
    meta.metadata,
    sa.Column("resource_id", sa.UnicodeText, primary_key=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
    sa.Column("url", sa.UnicodeText, nullable=False, server_default=""),
    sa.Column("status", sa.UnicodeText, nullable=False, index=True),
    sa.Column("http_status", sa.Integer),
    sa.Column("error", sa.UnicodeText),
    sa.Column("checked_at", sa.DateTime, nullable=False, index=True),
    sa.Column("duration_ms", sa.Integer),
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
)


@dataclass(frozen=True)
class Target:
    resource_id: str
    package_id: str
    url: str
    upload: bool


@dataclass
class Result:
    status: str
    http_status: int | None = None
    error: str | None = None
    duration_ms: int = 0


# --- checking --------------------------------------------------------------------------------------------


def _ask(client: SafeClient, method: str, url: str, timeout: float) -> int:
    """The status of ``method url`` after redirects, each hop checked against the allow-list; a GET asks for one
    byte and waits for it, so a server that answers the headers and then hangs counts as unreachable."""
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        check_url(current, client.allowed_hosts)
        raw = client.session.request(
            method,
            current,
            headers={"Range": "bytes=0-0"} if method == "GET" else None,
            stream=True,
            allow_redirects=False,
            timeout=(timeout, timeout),
        )
        try:
            if raw.is_redirect and raw.headers.get("location"):
                current = urljoin(raw.url, raw.headers["location"])
                continue
            if method == "GET" and raw.status_code < 400:
                next(raw.iter_content(1), b"")
            return raw.status_code
        finally:
            raw.close()
    raise requests.TooManyRedirects(
        msg(
            f"Terlalu banyak pengalihan (lebih dari {MAX_REDIRECTS})",
            f"Too many redirects (more than {MAX_REDIRECTS})",
        )
    )


def _resolvable(url: str) -> bool:
    try:
        socket.getaddrinfo(urlsplit(url).hostname or "", None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return False
    return True


def check_link(url: str, hosts: Iterable[str], timeout: float) -> Result:
    """Check one URL over HTTP: HEAD, then a ranged GET when HEAD is refused or gets no answer. An address outside
    the allow-list (``ckanext.tangerang.harvest.allowed_hosts``) is never fetched: ``not_allowed``."""
    client = SafeClient(allowed_hosts=tuple(hosts))
    started = time.monotonic()
    try:
        try:
            status = _ask(client, "HEAD", url, timeout)
        except requests.RequestException:
            status = None
        if status is None or status in HEAD_REFUSED:
            status = _ask(client, "GET", url, timeout)
        # 416: the range does not fit an empty file, which is there all the same.
        ok = status < 400 or status == 416
        result = Result(
            "ok" if ok else "broken",
            http_status=status,
            error=None if ok else msg(f"HTTP {status}", f"HTTP {status}"),
        )
    except UrlNotAllowed as error:
        # check_url refuses a host name it cannot resolve too: that link is dead, not forbidden.
        result = Result("not_allowed" if _resolvable(url) else "unreachable", error=str(error))
    except requests.Timeout:
        result = Result(
            "unreachable",
            error=msg(f"Waktu tunggu {timeout:g} s habis", f"Timed out after {timeout:g} s"),
        )
    except requests.RequestException as error:
        result = Result(
            "unreachable",
            error=msg(f"Tidak terjangkau: {type(error).__name__}", f"Unreachable: {type(error).__name__}"),
        )
    finally:
        client.close()
    result.duration_ms = round((time.monotonic() - started) * 1000)
    return result


def check_upload(target: Target) -> Result:
    """A file the portal serves itself: present in the storage, or broken. Not over HTTP (the portal would check
    itself through its own front door, and a tertutup file would answer 403)."""
    upload = uploader.get_resource_uploader(
        {"id": target.resource_id, "url_type": "upload", "url": target.url}
    )
    if not getattr(upload, "storage_path", None) or not hasattr(upload, "get_path"):
        return Result(
            "skipped",
            error=msg(
                "Penyimpanan berkas tidak diatur di portal", "The portal has no file storage configured"
            ),
        )
    if os.path.isfile(upload.get_path(target.resource_id)):
        return Result("ok")
    return Result(
        "broken",
        error=msg(
            "Berkas unggahan tidak ada di penyimpanan", "The uploaded file is missing from the storage"
        ),
    )


def _check(target: Target, hosts: tuple[str, ...], timeout: float) -> Result:
    if not target.url.strip():
        return Result("skipped", error=msg("Sumber daya tanpa URL", "Resource without a URL"))
    return check_link(target.url.strip(), hosts, timeout)


# --- selection and storage -------------------------------------------------------------------------------


def select_targets(
    dataset: str | None = None,
    organization: str | None = None,
    older_than_hours: float | None = None,
    resource_ids: Iterable[str] | None = None,
) -> list[Target]:
    """Active resources of active datasets and applications (harvest sources are not data): those of one dataset
    (name or id) or OPD (name or id), of the given ids, or all; with ``older_than_hours`` only those not checked
    within that many hours."""
    query = (
        model.Session.query(
            model.Resource.id, model.Resource.package_id, model.Resource.url, model.Resource.url_type
        )
        .join(model.Package, model.Package.id == model.Resource.package_id)
        .filter(model.Resource.state == "active", model.Package.state == "active")
        .filter(model.Package.type != "harvest")
    )
    if dataset:
        query = query.filter(sa.or_(model.Package.name == dataset, model.Package.id == dataset))
    if organization:
        org = model.Group.get(organization)
        query = query.filter(model.Package.owner_org == (org.id if org else organization))
    if resource_ids is not None:
        query = query.filter(model.Resource.id.in_(list(resource_ids)))
    if older_than_hours is not None:
        cutoff = _now() - dt.timedelta(hours=older_than_hours)
        query = query.outerjoin(link_check_table, link_check_table.c.resource_id == model.Resource.id).filter(
            sa.or_(link_check_table.c.checked_at.is_(None), link_check_table.c.checked_at < cutoff)
        )
    rows = query.order_by(model.Resource.package_id, model.Resource.position).all()
    return [Target(rid, pid, url or "", url_type == "upload") for rid, pid, url, url_type in rows]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)  # naive UTC, as CKAN's own tables


def store(target: Target, result: Result) -> None:
    row = {
        "resource_id": target.resource_id,
        "package_id": target.package_id,
        "url": target.url,
        "status": result.status,
        "http_status": result.http_status,
        "error": result.error,
        "checked_at": _now(),
        "duration_ms": result.duration_ms,
        "failures": 1 if result.status in FAILING else 0,
    }
    statement = insert(link_check_table).values(row)
    table = link_check_table.c
    statement = statement.on_conflict_do_update(
        index_elements=[table.resource_id],
        set_={
            **{key: statement.excluded[key] for key in row if key not in ("resource_id", "failures")},
            "failures": sa.case(
                (statement.excluded.status.in_(FAILING), table.failures + 1), else_=sa.literal(0)
            ),
        },
    )
    model.Session.execute(statement)


def check_targets(targets: list[Target]) -> dict[str, int]:
    """Check and store ``targets``: uploads here, links in a pool of ``ckanext.tangerang.links.concurrency``
    threads (network only; the results are written from this thread). Returns the count per status."""
    hosts = allowed_hosts()
    timeout = float(tk.config.get("ckanext.tangerang.links.timeout"))
    workers = max(1, int(tk.config.get("ckanext.tangerang.links.concurrency")))
    counts = dict.fromkeys(STATUSES, 0)
    links = [t for t in targets if not t.upload]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tangerang-links") as pool:
        results = list(pool.map(lambda t: _check(t, hosts, timeout), links))
    pairs = [(t, check_upload(t)) for t in targets if t.upload] + list(zip(links, results, strict=True))
    for target, result in pairs:
        store(target, result)
        counts[result.status] += 1
    model.Session.commit()
    return counts


def run_job(resource_ids: list[str]) -> dict[str, int]:
    """The background job (``tk.enqueue_job``, default queue): check one batch of resources."""
    return check_targets(select_targets(resource_ids=resource_ids))


def queued_resource_ids() -> set[str]:
    """The resources that link-check jobs still waiting on the default queue will check."""
    waiting: set[str] = set()
    for job in jobs.get_queue().jobs:
        if job.func_name == f"{__name__}.{run_job.__name__}":
            waiting.update(job.args[0])
    return waiting


def enqueue(targets: list[Target]) -> list[str]:
    """One background job per ``BATCH_SIZE`` resources, leaving out those a waiting job will check already (a
    nightly run while yesterday's jobs are still queued adds no second copy); returns the new jobs' ids."""
    waiting = queued_resource_ids()
    ids = [t.resource_id for t in targets if t.resource_id not in waiting]
    workers = max(1, int(tk.config.get("ckanext.tangerang.links.concurrency")))
    timeout = float(tk.config.get("ckanext.tangerang.links.timeout"))
    new_jobs = []
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        # Room for every link to time out twice (HEAD and GET), beyond rq's default of three minutes.
        limit = int(-(-len(batch) // workers) * 2 * timeout + 60)
        new_jobs.append(
            tk.enqueue_job(
                run_job,
                [batch],
                title=f"tangerang link check ({len(batch)} resources)",
                rq_kwargs={"timeout": max(limit, 180)},
            )
        )
    return [job.id for job in new_jobs]


# --- reading ---------------------------------------------------------------------------------------------


@validator_args
def list_schema(
    ignore_missing, unicode_safe, one_of, boolean_validator, natural_number_validator, int_validator
) -> Schema:
    return {
        "package": [ignore_missing, unicode_safe],
        "organization": [ignore_missing, unicode_safe],
        "status": [ignore_missing, one_of(list(STATUSES))],
        "failing": [ignore_missing, boolean_validator],
        "limit": [ignore_missing, int_validator, natural_number_validator],
        "offset": [ignore_missing, int_validator, natural_number_validator],
    }


def list_results(filters: dict[str, Any], org_ids: list[str] | None) -> dict[str, Any]:
    """Stored results, newest first, restricted to datasets of ``org_ids`` (``None``: all)."""
    table = link_check_table.c
    query = (
        sa.select(
            link_check_table,
            model.Package.name.label("package_name"),
            model.Package.title.label("package_title"),
            model.Package.owner_org.label("organization_id"),
            model.Group.name.label("organization_name"),
            model.Resource.name.label("resource_name"),
        )
        .join(model.Package, sa.and_(model.Package.id == table.package_id, model.Package.state == "active"))
        .outerjoin(model.Group, model.Group.id == model.Package.owner_org)
        # A deleted resource's last result is history, not a link to fix.
        .join(
            model.Resource, sa.and_(model.Resource.id == table.resource_id, model.Resource.state == "active")
        )
    )
    if org_ids is not None:
        query = query.where(model.Package.owner_org.in_(org_ids))
    if filters.get("package"):
        query = query.where(
            sa.or_(model.Package.name == filters["package"], model.Package.id == filters["package"])
        )
    if filters.get("organization"):
        org = model.Group.get(filters["organization"])
        query = query.where(model.Package.owner_org == (org.id if org else filters["organization"]))
    if filters.get("status"):
        query = query.where(table.status == filters["status"])
    if filters.get("failing"):
        query = query.where(table.status.in_(FAILING))
    count = model.Session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    rows = model.Session.execute(
        query.order_by(table.checked_at.desc(), table.resource_id)
        .limit(min(int(filters.get("limit", 100)), 1000))
        .offset(int(filters.get("offset", 0)))
    ).mappings()
    results = [
        {**row, "checked_at": row["checked_at"].isoformat(), "resource_name": row["resource_name"] or ""}
        for row in rows
    ]
    return {"count": count, "results": results}
