"""What ``ckan tangerang harvest-report`` prints: per harvest source, its last job, that job's counts and its
duration, as rows (``--json``) or a fixed-width table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang.logic.site_user import site_context


def _parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def harvest_report(source: str | None = None) -> list[dict[str, Any]]:
    """Per harvest source: its last job (id, status, start, end), the counts of that job and its duration.

    Counts: ``added``, ``updated``, ``unchanged`` (ckanext-harvest's "not modified"), ``withdrawn``
    ("deleted"), ``errors`` (ckanext-harvest's "errored": the records that failed plus the gather errors) and
    its two parts, ``object_errors`` and ``gather_errors``."""
    context = site_context()
    if source:
        sources = [tk.get_action("harvest_source_show")(dict(context), {"id": source})]
    else:
        sources = tk.get_action("harvest_source_list")(dict(context), {"return_last_job_status": False})
    from ckan import model

    names = {s["id"]: s.get("name") or getattr(model.Package.get(s["id"]), "name", s["id"]) for s in sources}
    rows = []
    for item in sorted(sources, key=lambda s: names[s["id"]]):
        jobs = tk.get_action("harvest_job_list")(dict(context), {"source_id": item["id"]})
        row: dict[str, Any] = {
            "source": names[item["id"]],
            "type": item.get("source_type") or item.get("type"),
            "frequency": item.get("frequency"),
            "job": None,
            "status": "-",
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
        }
        if jobs:
            last = max(jobs, key=lambda j: j.get("created") or "")
            job = tk.get_action("harvest_job_show")(dict(context), {"id": last["id"]})
            stats = job.get("stats") or {}
            gather_errors = len(
                tk.get_action("harvest_job_report")(dict(context), {"id": last["id"]})["gather_errors"]
            )
            begin = _parse_time(job.get("gather_started") or job.get("created"))
            end = _parse_time(job.get("finished"))
            row.update(
                job=job["id"],
                status=job.get("status"),
                started=job.get("gather_started") or job.get("created"),
                finished=job.get("finished"),
                seconds=round((end - begin).total_seconds(), 1) if begin and end else None,
                added=stats.get("added", 0),
                updated=stats.get("updated", 0),
                unchanged=stats.get("not modified", 0),
                withdrawn=stats.get("deleted", 0),
                # harvest_job_dictize already adds the job's gather errors to "errored".
                errors=stats.get("errored", 0),
                object_errors=stats.get("errored", 0) - gather_errors,
                gather_errors=gather_errors,
            )
        rows.append(row)
    return rows


def format_report(rows: list[dict[str, Any]]) -> str:
    """The report as a fixed-width table (one line per source)."""
    header = (
        "source",
        "type",
        "last job",
        "status",
        "finished",
        "added",
        "updated",
        "unchanged",
        "withdrawn",
        "errors",
        "duration",
    )
    lines = [header]
    for row in rows:
        lines.append(
            (
                row["source"],
                row["type"] or "-",
                (row["job"] or "-")[:8],
                row["status"] or "-",
                (row["finished"] or "-")[:19],
                str(row["added"]),
                str(row["updated"]),
                str(row["unchanged"]),
                str(row["withdrawn"]),
                str(row["errors"]),
                "-" if row["seconds"] is None else f"{row['seconds']:.1f} s",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    numeric = {5, 6, 7, 8, 9, 10}
    out = []
    for line in lines:
        cells = [
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)
