"""The quality score's storage and upkeep: what quality/score.py needs gathered (link checks, the schema, the DCAT
graph), the ``tangerang_quality`` table (migration/), the index field, the daily refresh, and the steward reports."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.lib import search
from ckan.lib.search.common import make_connection
from ckan.logic.schema import validator_args
from ckan.model import meta
from ckan.plugins import toolkit as tk
from ckan.types import Schema
from ckanext.dcat.processors import RDFSerializer
from rdflib import Graph
from sqlalchemy.dialects.postgresql import JSONB, insert

from ckanext.tangerang.logic import access, release
from ckanext.tangerang.logic.link_check import link_check_table
from ckanext.tangerang.quality import score as quality_score

log = logging.getLogger(__name__)

INDEX_FIELD = "skor_kualitas"
DATASET_TYPE = "dataset"
PAGE = 500  # datasets per Solr page in a refresh

quality_table = sa.Table(
    "tangerang_quality",
    meta.metadata,
    sa.Column("package_id", sa.UnicodeText, primary_key=True),
    sa.Column("score", sa.Integer, nullable=False, index=True),
    sa.Column("parts", JSONB, nullable=False),
    sa.Column("computed_at", sa.DateTime, nullable=False),
)

# The day freshness is measured on while a refresh reindexes (``--as-of``); otherwise today.
_as_of: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar(
    "tangerang_quality_as_of", default=None
)


@contextlib.contextmanager
def measured_on(day: dt.date) -> Iterator[None]:
    """Index (and store) scores with freshness measured on ``day`` within the block."""
    token = _as_of.set(day)
    try:
        yield
    finally:
        _as_of.reset(token)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)  # naive UTC, as CKAN's own tables


# --- gathering -------------------------------------------------------------------------------------------


def link_statuses(package_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """The link checker's last status per resource, per dataset, in one query."""
    ids = list(package_ids)
    out: dict[str, dict[str, str]] = {pid: {} for pid in ids}
    if not ids:
        return out
    table = link_check_table.c
    rows = model.Session.execute(
        sa.select(table.package_id, table.resource_id, table.status).where(table.package_id.in_(ids))
    )
    for package_id, resource_id, status in rows:
        out[package_id][resource_id] = status
    return out


def recommended() -> list[dict[str, Any]]:
    """The dataset schema's recommended fields, from scheming."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    return quality_score.recommended_fields(scheming_get_dataset_schema(DATASET_TYPE) or {})


_local = threading.local()


def _serializer() -> RDFSerializer:
    """One ckanext-dcat serializer per thread: making one loads its profiles from the entry points (~0.1 s)."""
    if not hasattr(_local, "serializer"):
        _local.serializer = RDFSerializer()
    return _local.serializer


def public_graph(dataset: dict[str, Any]) -> Graph:
    """The dataset's DCAT graph as ``/dataset/<name>.rdf`` shows it to everyone: a terbatas dataset's public view
    (no file URLs), whoever is logged in while it is indexed."""
    if dataset.get("klasifikasi") == access.LIMITED:
        dataset = access.public_view(dataset, set())
    serializer = _serializer()
    serializer.g = Graph()  # the profiles write into the serializer's graph: a fresh one per dataset
    serializer.graph_from_dataset(dataset)
    return serializer.g


def compute(
    dataset: dict[str, Any],
    links: dict[str, str],
    as_of: dt.date,
    fields: list[dict[str, Any]],
) -> dict[str, Any]:
    """The score of one dataset (quality/score.py) from what was gathered for it."""
    return quality_score.score(
        dataset, as_of=as_of, links=links, recommended=fields, graph=public_graph(dataset)
    )


def store(rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Upsert ``(package_id, result)`` rows in the session's transaction (committed with the change indexed)."""
    if not rows:
        return
    now = _now()
    statement = insert(quality_table).values(
        [{"package_id": pid, "score": r["score"], "parts": r["parts"], "computed_at": now} for pid, r in rows]
    )
    statement = statement.on_conflict_do_update(
        index_elements=[quality_table.c.package_id],
        set_={key: statement.excluded[key] for key in ("score", "parts", "computed_at")},
    )
    model.Session.execute(statement)


# --- the index hook --------------------------------------------------------------------------------------


def index_score(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``before_dataset_index``: a dataset's score, computed now, stored and put in the index document."""
    validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    if validated.get("type") != DATASET_TYPE or not validated.get("id"):
        pkg_dict.pop(INDEX_FIELD, None)
        return pkg_dict
    as_of = _as_of.get() or release.today()
    result = compute(validated, link_statuses([validated["id"]])[validated["id"]], as_of, recommended())
    store([(validated["id"], result)])
    pkg_dict[INDEX_FIELD] = result["score"]
    return pkg_dict


# --- the daily refresh -----------------------------------------------------------------------------------


def indexed_pages(dataset: str | None) -> Iterator[list[dict[str, Any]]]:
    """Pages of the indexed datasets (all, or the one named): id, stored score and full dict, straight from Solr
    (no per-dataset database read)."""
    conn = make_connection()
    fq = [f"+dataset_type:{DATASET_TYPE}", f'+site_id:"{tk.config.get("ckan.site_id")}"', "+state:active"]
    if dataset:
        fq.append(f'+(name:"{dataset}" OR id:"{dataset}")')
    start = 0
    while True:
        found = conn.search(
            q="*:*",
            fq=fq,
            fl=f"id,{INDEX_FIELD},validated_data_dict",
            sort="id asc",
            start=start,
            rows=PAGE,
        )
        docs = list(found.docs)
        if docs:
            yield docs
        start += len(docs)
        if not docs or start >= found.hits:
            return


def _unchanged_since(package_ids: list[str]) -> dict[str, tuple[list[dict[str, Any]], dt.datetime]]:
    """Of ``package_ids``, those whose stored score is newer than their resources' last link check: their stored
    parts and when these were computed (one query). The others must be computed afresh."""
    table, checks = quality_table.c, link_check_table.c
    last_check = (
        sa.select(checks.package_id, sa.func.max(checks.checked_at).label("checked_at"))
        .where(checks.package_id.in_(package_ids))
        .group_by(checks.package_id)
        .subquery()
    )
    rows = model.Session.execute(
        sa.select(table.package_id, table.parts, table.computed_at, last_check.c.checked_at)
        .outerjoin(last_check, last_check.c.package_id == table.package_id)
        .where(table.package_id.in_(package_ids))
    )
    return {
        pid: (parts, computed_at)
        for pid, parts, computed_at, checked_at in rows
        if not checked_at or checked_at <= computed_at
    }


def _modified(dataset: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(str(dataset.get("metadata_modified") or "9999-12-31"))


def refresh(dataset: str | None = None, as_of: dt.date | None = None, full: bool = False) -> dict[str, Any]:
    """Measure every dataset's score (or one's) on ``as_of``, store all, and reindex those whose score changed.

    A dataset unchanged since its score was computed, and whose links were not checked since, keeps its other
    parts and has only its freshness measured again (quality/score.py ``with_freshness``); the others, or all with
    ``full`` (after the scoring itself changed), are computed afresh.

    :returns: ``{"datasets", "computed", "changed", "seconds", "as_of"}``
    """
    started = time.monotonic()
    day = as_of or release.today()
    fields = recommended()
    counted, computed, changed = 0, 0, []
    for docs in indexed_pages(dataset):
        datasets = [json.loads(doc["validated_data_dict"]) for doc in docs]
        ids = [d["id"] for d in datasets]
        stored = {} if full else _unchanged_since(ids)
        links = link_statuses(pid for pid in ids if pid not in stored)
        rows = []
        for d in datasets:
            previous = stored.get(d["id"])
            if previous and _modified(d) <= previous[1]:
                rows.append((d["id"], quality_score.with_freshness(previous[0], d, day)))
            else:
                rows.append((d["id"], compute(d, links.get(d["id"], {}), day, fields)))
                computed += 1
        store(rows)
        counted += len(rows)
        changed += [
            pid for doc, (pid, r) in zip(docs, rows, strict=True) if doc.get(INDEX_FIELD) != r["score"]
        ]
    model.Session.commit()
    # The index may hold a dataset the database no longer has (purged while Solr was away): CKAN's rebuild would
    # stop at it, so only datasets that still exist are reindexed, and the others are said.
    existing = {
        pid
        for (pid,) in model.Session.query(model.Package.id).filter(
            model.Package.id.in_(changed), model.Package.state == "active"
        )
    }
    gone = [pid for pid in changed if pid not in existing]
    if gone:
        log.warning(
            "quality refresh: %s datasets indexed as active are not active in the database (a stale index; ckan search-index rebuild): %s",
            len(gone),
            gone[:10],
        )
    changed = [pid for pid in changed if pid in existing]
    if changed:
        with measured_on(day):
            search.rebuild(package_ids=changed, defer_commit=True, quiet=True)
        search.commit()
    return {
        "datasets": counted,
        "computed": computed,
        "changed": len(changed),
        "seconds": round(time.monotonic() - started, 2),
        "as_of": day.isoformat(),
    }


# --- reading ---------------------------------------------------------------------------------------------

# The report's distribution: scores in buckets of 20 points (the last one 80-100).
BUCKETS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))


def first_advice(parts: list[dict[str, Any]]) -> dict[str, str] | None:
    """The first thing to do: the first advice line of the part that lost the most points."""
    advised = [p for p in parts if p.get("advice")]
    if not advised:
        return None
    return max(advised, key=lambda p: p["max"] - p["points"])["advice"][0]


def show(package_id: str) -> dict[str, Any]:
    """The stored score of one dataset (by id or name); ObjectNotFound when it has none."""
    table = quality_table.c
    row = (
        model.Session.execute(
            sa.select(model.Package.id, model.Package.name, table.score, table.parts, table.computed_at)
            .join(quality_table, table.package_id == model.Package.id)
            .where(sa.or_(model.Package.id == package_id, model.Package.name == package_id))
            .where(model.Package.state == "active", model.Package.type == DATASET_TYPE)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise tk.ObjectNotFound(
            "Dataset ini belum memiliki skor kualitas. / This dataset has no quality score yet."
        )
    return {
        "id": row["id"],
        "name": row["name"],
        "score": row["score"],
        "parts": row["parts"],
        "advice": [line for part in row["parts"] for line in part["advice"]],
        "computed_at": row["computed_at"].isoformat(),
    }


@validator_args
def report_schema(ignore_missing, unicode_safe, int_validator, natural_number_validator) -> Schema:
    return {
        "owner_org": [ignore_missing, unicode_safe],
        "rows": [ignore_missing, int_validator, natural_number_validator],
    }


def report(org_ids: list[str] | None, lowest: int) -> dict[str, Any]:
    """Count, mean, distribution and the ``lowest`` lowest-scoring datasets of the OPDs ``org_ids`` (None: all),
    in two queries: the figures, and the lowest datasets."""
    table = quality_table.c
    where = [model.Package.state == "active", model.Package.type == DATASET_TYPE]
    if org_ids is not None:
        where.append(model.Package.owner_org.in_(org_ids))
    scored = sa.select(table.score).join(model.Package, model.Package.id == table.package_id).where(*where)
    sub = scored.subquery()
    figures = model.Session.execute(
        sa.select(
            sa.func.count(),
            sa.func.avg(sub.c.score),
            *(sa.func.count().filter(sub.c.score.between(low, high)) for low, high in BUCKETS),
        )
    ).one()
    count, mean, *buckets = figures
    rows = model.Session.execute(
        sa.select(
            model.Package.name,
            model.Package.title,
            model.Group.name.label("organization"),
            table.score,
            table.parts,
        )
        .join(model.Package, model.Package.id == table.package_id)
        .outerjoin(model.Group, model.Group.id == model.Package.owner_org)
        .where(*where)
        .order_by(table.score, model.Package.title)
        .limit(lowest)
    ).mappings()
    return {
        "count": count,
        "mean": round(float(mean), 1) if mean is not None else None,
        "distribution": [
            {"from": low, "to": high, "count": n} for (low, high), n in zip(BUCKETS, buckets, strict=True)
        ],
        "lowest": [
            {
                "name": row["name"],
                "title": row["title"],
                "organization": row["organization"],
                "score": row["score"],
                "advice": first_advice(row["parts"]),
            }
            for row in rows
        ],
    }


def low_scoring(org_id: str, below: int) -> list[dict[str, Any]]:
    """The OPD's datasets scoring below ``below``, lowest first, each with the first thing to do (one query)."""
    table = quality_table.c
    rows = model.Session.execute(
        sa.select(model.Package.name, model.Package.title, table.score, table.parts)
        .join(model.Package, model.Package.id == table.package_id)
        .where(model.Package.state == "active", model.Package.type == DATASET_TYPE)
        .where(model.Package.owner_org == org_id, table.score < below)
        .order_by(table.score, model.Package.title)
    ).mappings()
    return [
        {"name": r["name"], "title": r["title"], "score": r["score"], "advice": first_advice(r["parts"])}
        for r in rows
    ]
