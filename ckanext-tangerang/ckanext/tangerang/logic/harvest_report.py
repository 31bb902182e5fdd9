"""What ``ckan tangerang harvest-report`` prints: per harvest source, its last job, that job's counts and its
duration, as rows (``--json``) or a fixed-width table. The counting is logic/harvest_jobs.py's, which the
stewards' dashboard reads too."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang.logic import harvest_jobs
from ckanext.tangerang.logic.site_user import site_context


def harvest_report(source: str | None = None) -> list[dict[str, Any]]:
    """Per active harvest source (or the one named, by name or id): :func:`harvest_jobs.summaries`'s row, with
    the source's name as ``source`` and ``"-"`` as the status of a source that never ran."""
    ids = None
    if source:
        ids = [tk.get_action("harvest_source_show")(site_context(), {"id": source})["id"]]
    return [
        {**row, "source": row["name"], "status": row["status"] or "-"}
        for row in harvest_jobs.summaries(source_ids=ids)
    ]


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
