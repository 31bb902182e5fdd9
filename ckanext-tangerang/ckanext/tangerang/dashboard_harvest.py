"""The dashboard's harvest tab (``/dasbor/panen``): the steward's harvest sources with their last job, and every
error of a job (``/dasbor/panen/<job id>``), filterable, paged and as CSV. Routes of dashboard.py's blueprint."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Response, request

from ckanext.tangerang import csv_export
from ckanext.tangerang.dashboard import N_, render, tangerang_dasbor

PER_PAGE = 50
# ckanext-harvest's job statuses and the error stages (logic/harvest_jobs.py), as a steward reads them.
JOB_STATUS = {
    "New": N_("Queued"),
    "Running": N_("Running"),
    "Finished": N_("Finished"),
    "Aborted": N_("Aborted"),
}
STAGE_LABELS = {
    "Gather": N_("Gathering"),
    "Fetch": N_("Fetching"),
    "Import": N_("Import"),
    "Validation": N_("Validation"),
}


def _action(name: str, data_dict: dict[str, Any]) -> dict[str, Any]:
    """The action's answer, or the page's 403 (with the reason) or 404."""
    try:
        return tk.get_action(name)({}, data_dict)
    except tk.NotAuthorized as refused:
        return tk.abort(403, str(refused))
    except tk.ObjectNotFound as missing:
        return tk.abort(404, str(missing))
    except tk.ValidationError as invalid:
        return tk.abort(400, str(invalid.error_summary))


@tangerang_dasbor.route("/panen")
def panen() -> str:
    """The harvest sources of the steward's OPDs, each with its last job's counts, status and duration."""
    sources = _action("tangerang_harvest_overview", {})["sources"]
    return render(
        "tangerang_dasbor.panen",
        "tangerang/dasbor/panen.html",
        {"sources": sources, "job_status": JOB_STATUS},
    )


def _filters() -> dict[str, Any]:
    stage = request.args.get("tahap") or None
    return {
        "stage": stage if stage in STAGE_LABELS else None,
        "q": (request.args.get("q") or "").strip() or None,
    }


@tangerang_dasbor.route("/panen/<job_id>")
def panen_job(job_id: str) -> str:
    """Every error of one job, the gather errors first, filtered by stage and text, a page at a time."""
    filters = _filters()
    page = tk.h.tangerang_request_page()
    data = {"id": job_id, "limit": PER_PAGE, "offset": (page - 1) * PER_PAGE}
    result = _action("tangerang_harvest_job_errors", {**data, **{k: v for k, v in filters.items() if v}})
    pages = max(1, -(-result["count"] // PER_PAGE))
    args = {"tahap": filters["stage"], "q": filters["q"]}
    return render(
        "tangerang_dasbor.panen",
        "tangerang/dasbor/panen_job.html",
        {
            **result,
            "filters": filters,
            "stages": STAGE_LABELS,
            "job_status": JOB_STATUS,
            "page": page,
            "pages": pages,
            "page_url": lambda n: tk.h.url_for("tangerang_dasbor.panen_job", job_id=job_id, page=n, **args),
            "csv_url": tk.h.url_for("tangerang_dasbor.panen_job_csv", job_id=job_id, **args),
        },
    )


@tangerang_dasbor.route("/panen/<job_id>/galat.csv")
def panen_job_csv(job_id: str) -> Response:
    """The job's errors (with the page's filters) as CSV, for a spreadsheet."""
    filters = {k: v for k, v in _filters().items() if v}
    rows: list[list[Any]] = []
    while True:
        data = {"id": job_id, "limit": 1000, "offset": len(rows), **filters}
        result = _action("tangerang_harvest_job_errors", data)
        for error in result["errors"]:
            dataset = error["dataset"] or {}
            rows.append(
                [
                    tk._(STAGE_LABELS.get(error["stage"], error["stage"])),
                    error["upstream_id"],
                    error["guid"],
                    dataset.get("title"),
                    tk.h.url_for(f"{dataset['type']}.read", id=dataset["name"], qualified=True)
                    if dataset
                    else None,
                    error["message"],
                    error["created"],
                ]
            )
        if not result["errors"] or len(rows) >= result["count"]:
            break
    header = [
        tk._("Stage"),
        tk._("Upstream id"),
        "GUID",
        tk._("Dataset"),
        tk._("Dataset address"),
        tk._("Message"),
        tk._("Recorded"),
    ]
    return csv_export.response(f"galat-panen-{job_id[:8]}.csv", header, rows)
