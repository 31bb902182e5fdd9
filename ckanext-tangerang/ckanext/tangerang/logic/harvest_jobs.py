"""Harvest jobs as stewards and the ``harvest-report`` command read them: each source's last job with its counts
(added, updated, unchanged, withdrawn, held, errors) and duration, and every error of a job, filtered and paged
in one query.

"Held" is read from the job's errors as the harvesters record them today: a gather error of the shrink guard
(``harvesters/base.py:deletion_hold_reason``, which names how many deletions it holds) and the object errors of
records held for personal data (``harvesters/pii.py:describe``, ``harvesters/linked.py``'s messages). Those
texts are recognised by the phrases below, which the tests build with the harvesters' own message functions.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.logic.schema import validator_args
from ckan.types import Schema

from ckanext.tangerang.logic.site_user import site_context

SOURCE_TYPE = "harvest"  # ckanext-harvest's dataset type of a source

# Lower-case phrases of the messages of a hold (in SQL with LIKE, in Python with ``in``).
DELETIONS_HELD = "penghapusan ditahan"
PERSONAL_DATA_HELD = ("data pribadi", "ditahan untuk walidata")
# "<n> penghapusan ditahan" (an incomplete listing) or "<n> dari <m> dataset hilang" (a shrink beyond the threshold).
_HELD_COUNT = re.compile(r"(\d+) (?:penghapusan ditahan|dari \d+ dataset hilang)")

# The stage of a gather error (ckanext-harvest records none); objects' errors carry theirs (Fetch, Import, ...).
GATHER = "Gather"
STAGES = (GATHER, "Fetch", "Import", "Validation")


MAX_LIMIT = 1000  # errors a page


@validator_args
def errors_schema(
    not_empty, ignore_missing, unicode_safe, one_of, int_validator, natural_number_validator, default
) -> Schema:
    """``tangerang_harvest_job_errors``'s parameters."""
    return {
        "id": [not_empty, unicode_safe],
        "stage": [ignore_missing, one_of(list(STAGES))],
        "q": [ignore_missing, unicode_safe],
        "limit": [default(50), int_validator, natural_number_validator],
        "offset": [default(0), int_validator, natural_number_validator],
    }


def _tables() -> Any:
    from ckanext.harvest import model as harvest

    return harvest


def hold_kind(message: str) -> str | None:
    """``"deletions"`` or ``"personal_data"`` when the error records a hold, else ``None``."""
    text = (message or "").lower()
    if DELETIONS_HELD in text:
        return "deletions"
    if any(phrase in text for phrase in PERSONAL_DATA_HELD):
        return "personal_data"
    return None


def held_deletions(message: str) -> int:
    """How many deletions a shrink guard's gather error holds (0 for any other message)."""
    if hold_kind(message) != "deletions":
        return 0
    found = _HELD_COUNT.search(message)
    return int(found[1]) if found else 0


def _seconds(job: dict[str, Any]) -> float | None:
    def parse(value: Any) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    begin = parse(job.get("gather_started") or job.get("created"))
    end = parse(job.get("finished"))
    return round((end - begin).total_seconds(), 1) if begin and end else None


def _sources(source_ids: list[str] | None, owner_orgs: list[str] | None) -> list[dict[str, Any]]:
    """The active sources (all, these ids, or those of these OPDs) with their dataset's name and title and OPD."""
    harvest = _tables()
    query = (
        model.Session.query(
            model.Package.id,
            model.Package.name,
            model.Package.title,
            model.Package.owner_org,
            model.Group.name,
            model.Group.title,
            harvest.HarvestSource.type,
            harvest.HarvestSource.frequency,
        )
        .join(harvest.HarvestSource, harvest.HarvestSource.id == model.Package.id)
        .outerjoin(model.Group, model.Group.id == model.Package.owner_org)
        .filter(model.Package.type == SOURCE_TYPE, model.Package.state == "active")
    )
    if source_ids is not None:
        query = query.filter(model.Package.id.in_(source_ids))
    if owner_orgs is not None:
        query = query.filter(model.Package.owner_org.in_(owner_orgs))
    keys = ("id", "name", "title", "owner_org", "organization", "organization_title", "type", "frequency")
    return [dict(zip(keys, row, strict=True)) for row in query.order_by(model.Package.name)]


def _last_jobs(source_ids: list[str]) -> dict[str, str]:
    """Source id → the id of its newest job."""
    harvest = _tables()
    job = harvest.HarvestJob
    rows = (
        model.Session.query(job.source_id, job.id)
        .filter(job.source_id.in_(source_ids))
        .distinct(job.source_id)
        .order_by(job.source_id, job.created.desc())
    )
    return dict(rows.all())


def _hold_counts(job_ids: list[str]) -> dict[str, dict[str, int]]:
    """Per job: its gather errors, the deletions held, and the records held for personal data."""
    harvest = _tables()
    out = {job_id: {"gather_errors": 0, "held_deletions": 0, "held_personal_data": 0} for job_id in job_ids}
    gather = model.Session.query(
        harvest.HarvestGatherError.harvest_job_id, harvest.HarvestGatherError.message
    )
    for job_id, message in gather.filter(harvest.HarvestGatherError.harvest_job_id.in_(job_ids)):
        out[job_id]["gather_errors"] += 1
        out[job_id]["held_deletions"] += held_deletions(message)
    error, obj = harvest.HarvestObjectError, harvest.HarvestObject
    lowered = sa.func.lower(error.message)
    personal = (
        model.Session.query(obj.harvest_job_id, sa.func.count(sa.distinct(obj.id)))
        .join(error, error.harvest_object_id == obj.id)
        .filter(obj.harvest_job_id.in_(job_ids))
        .filter(sa.or_(*(lowered.contains(phrase, autoescape=True) for phrase in PERSONAL_DATA_HELD)))
        .group_by(obj.harvest_job_id)
    )
    for job_id, count in personal:
        out[job_id]["held_personal_data"] = count
    return out


def summaries(
    source_ids: list[str] | None = None, owner_orgs: list[str] | None = None
) -> list[dict[str, Any]]:
    """Per active harvest source (all, these ids, or those of these OPDs), by name: the source and its last job.

    Each row: the source's ``id``, ``name``, ``title``, ``type``, ``frequency``, ``owner_org``, ``organization``
    (name) and ``organization_title``; the last job's ``job`` (id), ``status``, ``started``, ``finished`` and
    ``seconds``; its counts ``added``, ``updated``, ``unchanged`` (ckanext-harvest's "not modified", with the
    records the gather skipped), ``withdrawn`` ("deleted"), ``errors`` (ckanext-harvest's "errored": the
    records that failed plus the gather errors) and its parts ``object_errors`` and ``gather_errors``; and the
    holds, ``held_deletions`` (deletions the shrink guard holds) and ``held_personal_data`` (records held)."""
    sources = _sources(source_ids, owner_orgs)
    last = _last_jobs([s["id"] for s in sources]) if sources else {}
    holds = _hold_counts(list(last.values())) if last else {}
    rows = []
    for source in sources:
        row: dict[str, Any] = {
            **source,
            "job": None,
            "status": None,
            "started": None,
            "finished": None,
            "seconds": None,
            "added": 0,
            "updated": 0,
            "unchanged": 0,
            "withdrawn": 0,
            "errors": 0,
            "object_errors": 0,
            "gather_errors": 0,
            "held_deletions": 0,
            "held_personal_data": 0,
        }
        job_id = last.get(source["id"])
        if job_id:
            job = tk.get_action("harvest_job_show")(
                {**site_context(), "return_error_summary": False}, {"id": job_id}
            )
            stats = job.get("stats") or {}
            counts = holds[job_id]
            row.update(
                job=job_id,
                status=job.get("status"),
                started=job.get("gather_started") or job.get("created"),
                finished=job.get("finished"),
                seconds=_seconds(job),
                added=stats.get("added", 0),
                updated=stats.get("updated", 0),
                unchanged=stats.get("not modified", 0),
                withdrawn=stats.get("deleted", 0),
                # harvest_job_dictize already adds the job's gather errors to "errored".
                errors=stats.get("errored", 0),
                object_errors=stats.get("errored", 0) - counts["gather_errors"],
                **counts,
            )
        rows.append(row)
    return rows


def job_source(job_id: str) -> dict[str, Any] | None:
    """The job's source (``id``, ``name``, ``title``, ``owner_org``, ``url``) and the job's ``status``, ``created``
    and ``finished``; ``None`` for an unknown job or one whose source's dataset is gone."""
    harvest = _tables()
    job = harvest.HarvestJob
    row = (
        model.Session.query(
            model.Package.id,
            model.Package.name,
            model.Package.title,
            model.Package.owner_org,
            harvest.HarvestSource.url,
            job.status,
            job.created,
            job.finished,
        )
        .join(job, job.source_id == model.Package.id)
        .join(harvest.HarvestSource, harvest.HarvestSource.id == model.Package.id)
        .filter(
            job.id == str(job_id or ""), model.Package.type == SOURCE_TYPE, model.Package.state != "deleted"
        )
        .first()
    )
    if row is None:
        return None
    keys = ("id", "name", "title", "owner_org", "url", "status", "created", "finished")
    found = dict(zip(keys, row, strict=True))
    for key in ("created", "finished"):
        found[key] = found[key].isoformat() if found[key] else None
    return found


def job_errors(
    job_id: str,
    owner_org: str,
    stage: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Every error of a job, gather errors first, then the records' errors by GUID: one query a page.

    Each error has ``stage``, ``message``, ``created``, ``hold`` (:func:`hold_kind`), the record's ``guid`` and
    ``upstream_id`` (``None`` for a gather error), and the dataset it concerns as ``dataset`` (``name``,
    ``title``, ``type``) when there is one that is not deleted and is public or the source's OPD's own.

    :returns: ``{"count": all matching errors, "errors": this page}``
    """
    harvest = _tables()
    gather, error, obj, extra = (
        harvest.HarvestGatherError,
        harvest.HarvestObjectError,
        harvest.HarvestObject,
        harvest.HarvestObjectExtra,
    )
    upstream_id = (
        sa.select(extra.value)
        .where(extra.harvest_object_id == obj.id, extra.key == "id_hulu")
        .limit(1)
        .scalar_subquery()
    )
    null = sa.null().cast(sa.UnicodeText)
    errors = sa.union_all(
        sa.select(
            sa.literal(GATHER, sa.UnicodeText).label("stage"),
            gather.message.label("message"),
            gather.created.label("created"),
            null.label("guid"),
            null.label("upstream_id"),
            null.label("package_id"),
            sa.literal(0).label("stage_order"),
        ).where(gather.harvest_job_id == job_id),
        sa.select(
            sa.func.coalesce(error.stage, "").label("stage"),
            error.message.label("message"),
            error.created.label("created"),
            obj.guid.label("guid"),
            upstream_id.label("upstream_id"),
            obj.package_id.label("package_id"),
            sa.literal(1).label("stage_order"),
        )
        .join(obj, obj.id == error.harvest_object_id)
        .where(obj.harvest_job_id == job_id),
    ).subquery("errors")
    package = model.package_table
    shown = sa.and_(
        package.c.state != "deleted", sa.or_(package.c.private.is_(False), package.c.owner_org == owner_org)
    )
    query = (
        sa.select(
            errors,
            sa.case((shown, package.c.name)).label("dataset_name"),
            sa.case((shown, package.c.title)).label("dataset_title"),
            sa.case((shown, package.c.type)).label("dataset_type"),
            sa.func.count().over().label("total"),
        )
        .select_from(errors.outerjoin(package, package.c.id == errors.c.package_id))
        .order_by(errors.c.stage_order, errors.c.guid, errors.c.created, errors.c.message)
        .limit(limit)
        .offset(offset)
    )
    if stage:
        query = query.where(errors.c.stage == stage)
    if q:
        text = q.lower()
        query = query.where(
            sa.or_(
                sa.func.lower(errors.c.message).contains(text, autoescape=True),
                sa.func.lower(sa.func.coalesce(errors.c.guid, "")).contains(text, autoescape=True),
            )
        )
    rows = model.Session.execute(query).mappings().all()
    out = []
    for row in rows:
        guid = row["guid"]
        out.append(
            {
                "stage": row["stage"],
                "message": row["message"],
                "created": row["created"].isoformat() if row["created"] else None,
                "hold": hold_kind(row["message"]),
                "guid": guid,
                "upstream_id": row["upstream_id"] or (guid.split(":", 1)[-1] if guid else None),
                "dataset": {
                    "name": row["dataset_name"],
                    "title": row["dataset_title"],
                    "type": row["dataset_type"],
                }
                if row["dataset_name"]
                else None,
            }
        )
    count = rows[0]["total"] if rows else (_count_without_page(query) if offset else 0)
    return {"count": count, "errors": out}


# What stands for a source's host in the messages shown to stewards who may not see the source's URL.
SOURCE_HOST = "[alamat sumber / source address]"


def without_source_host(errors: list[dict[str, Any]], url: str | None) -> list[dict[str, Any]]:
    """The errors with the source's URL, and its host (``host:port``) anywhere else, replaced by
    :data:`SOURCE_HOST`: a source's URL is for its OPD's admins and sysadmins only (logic/harvest_sources.py),
    and fetch errors name it."""
    base = (url or "").strip().rstrip("/")
    host = urlsplit(base).netloc
    if not host:
        return errors
    pattern = re.compile(f"{re.escape(base)}|{re.escape(host)}", re.IGNORECASE)
    return [{**error, "message": pattern.sub(SOURCE_HOST, error["message"] or "")} for error in errors]


def _count_without_page(query: Any) -> int:
    """The count when the page asked for lies past the last error (the window count needs a row to ride on)."""
    counted = sa.select(sa.func.count()).select_from(query.limit(None).offset(None).order_by(None).subquery())
    return int(model.Session.execute(counted).scalar() or 0)
