"""Harvest holds and the stewards' decisions on them: what a harvester holds for a steward, the decisions
(append-only: the audit trail), and what a decision means for the next harvest.

The harvesters (harvesters/base.py) record holds and ask for decisions here; the actions
``tangerang_harvest_hold_list``, ``tangerang_harvest_decision`` and ``tangerang_harvest_decision_list`` read and
write through here. Two kinds of hold:

- ``penghapusan``: datasets missing from a source's listing whose withdrawal the shrink guard held (the exact
  GUIDs, dataset ids and harvest objects). ``lepas`` (release): the next harvest withdraws exactly those still
  missing, once; ``tolak`` (reject): they are kept, and not held again while their record is as it was when held (the
  same current harvest object; a record that comes back changed and disappears again is a new question).
- ``data_pribadi``: a record held for personal data (its GUID and the findings: columns and rules, never values;
  and what held it: a stored table, linked files, ``individu`` records, a linked file that could not be read).
  ``drop`` publishes without the flagged columns (or links), ``aggregate`` row counts per the remaining repeating
  columns, ``tertutup`` publishes with klasifikasi tertutup (private: behind CKAN's access checks), ``tolak`` does
  not publish and records no error. A decision holds for the record while what is found is covered by what was
  decided (the same columns and rules, or fewer); anything new is a new hold.

A hold is open until decided. A new hold for the same thing (a source's deletions, a record's personal data)
supersedes the live one (``closed``, ``superseded_by``); a hold identical to the open one is not recorded again,
so that a steward's page stays valid across harvests. An open hold whose cause went away is closed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.logic.schema import validator_args
from ckan.model import meta
from ckan.plugins import toolkit as tk
from ckan.types import Context, Schema
from sqlalchemy.dialects.postgresql import JSONB

from ckanext.tangerang.bilingual import msg

PENGHAPUSAN = "penghapusan"
DATA_PRIBADI = "data_pribadi"
# Every choice of each kind, in the order the dashboard offers them.
CHOICES = {PENGHAPUSAN: ("lepas", "tolak"), DATA_PRIBADI: ("drop", "aggregate", "tertutup", "tolak")}
# What held a personal-data record: a stored table, linked files, individual records declared public, a linked
# file that could not be screened. Leaving out columns cannot help the last two.
CAUSES = ("tabel", "tautan", "individu", "tak_terbaca")

hold_table = sa.Table(
    "tangerang_harvest_hold",
    meta.metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("source_id", sa.UnicodeText, nullable=False, index=True),
    sa.Column("job_id", sa.UnicodeText, nullable=False),
    sa.Column("kind", sa.UnicodeText, nullable=False),
    sa.Column("guid", sa.UnicodeText, index=True),
    sa.Column("detail", JSONB, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("closed", sa.DateTime),
    sa.Column("superseded_by", sa.UnicodeText),
)

decision_table = sa.Table(
    "tangerang_harvest_decision",
    meta.metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column(
        "hold_id", sa.UnicodeText, sa.ForeignKey("tangerang_harvest_hold.id"), nullable=False, unique=True
    ),
    sa.Column("user_id", sa.UnicodeText, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False, index=True),
    sa.Column("choice", sa.UnicodeText, nullable=False),
    sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
)

H = hold_table.c
D = decision_table.c


def personal_data_choices(causes: Iterable[str]) -> list[str]:
    """The choices that can resolve a personal-data hold with these causes."""
    causes = set(causes)
    if causes & {"individu", "tak_terbaca"}:
        return ["tertutup", "tolak"]
    if "tabel" in causes:
        return list(CHOICES[DATA_PRIBADI])
    return ["drop", "tertutup", "tolak"]  # links: the portal cannot aggregate a file it does not store


def _now() -> dt.datetime:
    """Naive UTC, as CKAN stores its times."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _iso(value: dt.datetime) -> str:
    return value.replace(tzinfo=dt.timezone.utc).isoformat()


# --- for the harvesters ----------------------------------------------------------------------------------


def _live(source_id: str, kind: str, guid: str | None, decided: bool | None) -> Any:
    """The newest live (not closed) hold of a source (and record), with its decision's ``choice`` (or None);
    ``decided`` keeps only decided (True) or open (False) ones."""
    query = (
        sa.select(hold_table, D.choice)
        .outerjoin(decision_table, D.hold_id == H.id)
        .where(H.source_id == source_id, H.kind == kind, H.closed.is_(None))
        .order_by(H.created.desc())
        .limit(1)
    )
    if guid is not None:
        query = query.where(H.guid == guid)
    if decided is not None:
        query = query.where(D.id.isnot(None) if decided else D.id.is_(None))
    return model.Session.execute(query).first()


def _record(
    source_id: str, job_id: str, kind: str, guid: str | None, detail: dict[str, Any], replaces: Any
) -> str:
    """Store a new hold, closing the one it supersedes; commits."""
    hold_id = str(uuid.uuid4())
    now = _now()
    model.Session.execute(
        hold_table.insert().values(
            id=hold_id, source_id=source_id, job_id=job_id, kind=kind, guid=guid, detail=detail, created=now
        )
    )
    if replaces is not None:
        model.Session.execute(
            hold_table.update().where(H.id == replaces.id).values(closed=now, superseded_by=hold_id)
        )
    model.Session.commit()
    return hold_id


def deletion_decisions(source_id: str, current: Mapping[str, str]) -> tuple[set[str], set[str]]:
    """(released, kept): the GUIDs of the source's live decided deletion holds whose record is still as it was
    held; ``current`` maps each GUID of an active dataset to its current harvest object's id. A release is
    applied once: its hold is closed here, and the gather that asked withdraws them (the caller commits)."""
    rows = model.Session.execute(
        sa.select(H.id, H.detail, D.choice)
        .join(decision_table, D.hold_id == H.id)
        .where(H.source_id == source_id, H.kind == PENGHAPUSAN, H.closed.is_(None))
    ).all()
    released: set[str] = set()
    kept: set[str] = set()
    for _id, detail, choice in rows:
        target = released if choice == "lepas" else kept
        target.update(i["guid"] for i in detail["items"] if current.get(i["guid"]) == i["object_id"])
    applied = [hold_id for hold_id, _detail, choice in rows if choice == "lepas"]
    if applied:
        model.Session.execute(hold_table.update().where(H.id.in_(applied)).values(closed=_now()))
    return released, kept


def hold_deletions(source_id: str, job_id: str, items: list[dict[str, Any]], reason: str) -> str:
    """Record that the withdrawal of ``items`` (``guid``, ``object_id``, ``package_id``, ``name``, ``title``) is
    held, for ``reason``; returns the open hold's id (the same one when nothing changed)."""
    live = _live(source_id, PENGHAPUSAN, None, decided=False)
    wanted = sorted((i["guid"], i["object_id"]) for i in items)
    if live is not None and sorted((i["guid"], i["object_id"]) for i in live.detail["items"]) == wanted:
        return live.id
    detail = {"reason": reason, "items": items, "choices": list(CHOICES[PENGHAPUSAN])}
    return _record(source_id, job_id, PENGHAPUSAN, None, detail, live)


def close_open_hold(source_id: str, kind: str, guid: str | None = None) -> None:
    """Nothing is held any more (the listing is whole again, the record is clean): close the open hold. Does
    not commit: the stage that calls it does."""
    live = _live(source_id, kind, guid, decided=False)
    if live is not None:
        model.Session.execute(hold_table.update().where(H.id == live.id).values(closed=_now()))


def _signature(detail: Mapping[str, Any]) -> tuple[set[tuple[str, str]], set[str]]:
    return {(f["column"], f["rule"]) for f in detail["findings"]}, set(detail["causes"])


def personal_data_choice(source_id: str, job_id: str, guid: str, detail: dict[str, Any]) -> str | None:
    """The decided choice for a record held for personal data, or ``None`` after recording the hold (or keeping
    the identical open one). ``detail``: ``reason``, ``findings`` (``column``, ``rule``, ``rows``), ``causes``,
    ``upstream_id``, ``title``."""
    live = _live(source_id, DATA_PRIBADI, guid, decided=None)
    found, causes = _signature(detail)
    if live is not None:
        decided_found, decided_causes = _signature(live.detail)
        if live.choice is not None and found <= decided_found and causes <= decided_causes:
            return str(live.choice)
        if live.choice is None and (found, causes) == (decided_found, decided_causes):
            return None
    detail = {**detail, "choices": personal_data_choices(causes)}
    _record(source_id, job_id, DATA_PRIBADI, guid, detail, live)
    return None


# --- for the actions -------------------------------------------------------------------------------------


@validator_args
def list_schema(ignore_missing, unicode_safe, one_of, natural_number_validator, int_validator) -> Schema:
    return {
        "owner_org": [ignore_missing, unicode_safe],
        "source": [ignore_missing, unicode_safe],
        "kind": [ignore_missing, one_of(list(CHOICES))],
        "limit": [ignore_missing, int_validator, natural_number_validator],
        "offset": [ignore_missing, int_validator, natural_number_validator],
    }


@validator_args
def decision_schema(not_empty, ignore_missing, unicode_safe, one_of) -> Schema:
    every = sorted({c for choices in CHOICES.values() for c in choices})
    return {
        "id": [not_empty, unicode_safe],
        "choice": [not_empty, unicode_safe, one_of(every)],
        "note": [ignore_missing, unicode_safe],
    }


def hold_owner_org(hold_id: str) -> str | None:
    """The OPD that owns the harvest source of a hold (``None``: no such hold or source)."""
    return model.Session.execute(
        sa.select(model.Package.owner_org)
        .join(hold_table, H.source_id == model.Package.id)
        .where(H.id == hold_id)
    ).scalar()


def _hold(row: Any) -> dict[str, Any]:
    source = dict(id=row.source_id, name=row.source_name, title=row.source_title, owner_org=row.owner_org)
    return {
        "id": row.id,
        "kind": row.kind,
        "source": source,
        "job_id": row.job_id,
        "guid": row.guid,
        "created": _iso(row.created),
        **row.detail,
    }


def _scoped(query: Any, scope: list[str] | None, data: Mapping[str, Any]) -> Any:
    """The query kept to the OPDs of ``scope`` (``None``: all) and the filters asked for."""
    if scope is not None:
        query = query.where(model.Package.owner_org.in_(scope))
    if data.get("owner_org"):
        org = model.Group.get(data["owner_org"])
        query = query.where(model.Package.owner_org == (org.id if org else data["owner_org"]))
    if data.get("source"):
        query = query.where(sa.or_(model.Package.id == data["source"], model.Package.name == data["source"]))
    if data.get("kind"):
        query = query.where(H.kind == data["kind"])
    return query


def _page(query: Any, data: Mapping[str, Any], order: Any) -> tuple[int, list[Any]]:
    count = model.Session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
    limit = min(int(data.get("limit", 100)), 1000)
    rows = model.Session.execute(query.order_by(order).limit(limit).offset(int(data.get("offset", 0))))
    return int(count or 0), list(rows)


_SOURCE_COLUMNS = (
    model.Package.name.label("source_name"),
    model.Package.title.label("source_title"),
    model.Package.owner_org,
)


def open_holds(scope: list[str] | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """The open holds of the sources of the OPDs in ``scope``, newest first."""
    query = (
        sa.select(hold_table, *_SOURCE_COLUMNS)
        .join(model.Package, model.Package.id == H.source_id)
        .outerjoin(decision_table, D.hold_id == H.id)
        .where(H.closed.is_(None), D.id.is_(None))
    )
    count, rows = _page(_scoped(query, scope, data), data, H.created.desc())
    return {"count": count, "holds": [_hold(row) for row in rows]}


def decision_list(scope: list[str] | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """The decisions on holds of the sources of the OPDs in ``scope``, newest first."""
    query = (
        sa.select(
            hold_table,
            *_SOURCE_COLUMNS,
            D.id.label("decision_id"),
            D.created.label("decided"),
            D.choice,
            D.note,
            D.user_id,
            model.User.name.label("user_name"),
            model.User.fullname.label("user_fullname"),
        )
        .join(decision_table, D.hold_id == H.id)
        .join(model.Package, model.Package.id == H.source_id)
        .outerjoin(model.User, model.User.id == D.user_id)
    )
    count, rows = _page(_scoped(query, scope, data), data, D.created.desc())
    decisions = [
        {
            "id": row.decision_id,
            "created": _iso(row.decided),
            "user": {"id": row.user_id, "name": row.user_name, "fullname": row.user_fullname},
            "choice": row.choice,
            "note": row.note,
            "hold": _hold(row),
        }
        for row in rows
    ]
    return {"count": count, "decisions": decisions}


def decide(context: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record the caller's decision on an open hold (validated ``data``: ``id``, ``choice``, ``note``)."""
    row = model.Session.execute(
        sa.select(hold_table, D.id.label("decision_id"))
        .outerjoin(decision_table, D.hold_id == H.id)
        .where(H.id == data["id"])
    ).first()
    if row is None:
        raise tk.ObjectNotFound(msg("Penahanan tidak ditemukan", "Hold not found"))
    if row.closed is not None or row.decision_id is not None:
        raise tk.ValidationError(
            {
                "id": [
                    msg(
                        "Penahanan ini sudah diputuskan atau digantikan oleh panen yang lebih baru",
                        "This hold has been decided already or superseded by a later harvest",
                    )
                ]
            }
        )
    if data["choice"] not in row.detail["choices"]:
        allowed = ", ".join(row.detail["choices"])
        raise tk.ValidationError(
            {
                "choice": [
                    msg(
                        f"Pilihan untuk penahanan ini: {allowed}",
                        f"The choices for this hold: {allowed}",
                    )
                ]
            }
        )
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(
            msg("Keputusan perlu pengguna yang masuk", "A decision needs a logged-in user")
        )
    decision = {
        "id": str(uuid.uuid4()),
        "hold_id": row.id,
        "user_id": user.id,
        "created": _now(),
        "choice": data["choice"],
        "note": data.get("note") or "",
    }
    try:
        model.Session.execute(decision_table.insert().values(**decision))
        model.Session.commit()
    except sa.exc.IntegrityError:  # decided at the same moment by someone else
        model.Session.rollback()
        raise tk.ValidationError(
            {"id": [msg("Penahanan ini sudah diputuskan", "This hold has been decided already")]}
        ) from None
    return {**decision, "created": _iso(decision["created"]), "user": user.name, "kind": row.kind}
