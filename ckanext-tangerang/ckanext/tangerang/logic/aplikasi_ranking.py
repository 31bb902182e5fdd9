"""The city's applications ranked by their monthly active users, for the leaders' question "which are used, which
should be reviewed": each with its trend, the "dalam kajian" verdict (usage.py) with its reason, and how many
public datasets it publishes (one facet query over ``aplikasi_sumber``)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args
from ckan.types import Context, Schema

from ckanext.tangerang import usage

# The views of the ranking: every application, those the rule flags, those that publish no dataset.
ALL, FLAGGED, WITHOUT_DATASETS = "semua", "kajian", "tanpa-dataset"
VIEWS = (ALL, FLAGGED, WITHOUT_DATASETS)
_PAGE = 500  # applications a search


@validator_args
def ranking_schema(ignore_missing, one_of) -> Schema:
    """``tangerang_aplikasi_ranking``'s parameters."""
    return {"tampil": [ignore_missing, one_of(list(VIEWS))]}


def _applications(context: Context) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        result = tk.get_action("package_search")(
            {"user": context.get("user")},
            {"fq": "+dataset_type:aplikasi", "rows": _PAGE, "start": len(found), "sort": "title_string asc"},
        )
        found.extend(result["results"])
        if not result["results"] or len(found) >= result["count"]:
            return found


def _dataset_counts(context: Context) -> dict[str, int]:
    """Application name → how many public datasets name it as ``aplikasi_sumber``."""
    result = tk.get_action("package_search")(
        {"user": context.get("user")},
        {
            "fq": "+dataset_type:dataset",
            "rows": 0,
            "facet.field": '["aplikasi_sumber"]',
            "facet.limit": 1000,
            "facet.mincount": 1,
        },
    )
    items = result["search_facets"].get("aplikasi_sumber", {}).get("items", [])
    return {item["name"]: item["count"] for item in items}


def ranking(context: Context, view: str = ALL) -> dict[str, Any]:
    """Every application, the most active users in its latest reported month first (those without figures
    last, by title); the ranks are those of the whole list whichever view is asked for.

    :returns: ``{"tampil", "counts": {view: n}, "min_users", "drop_percent", "applications"}``; each
        application has ``rank``, ``name``, ``title``, ``organization`` (name), ``organization_title``,
        ``bulan`` (its latest month) and ``pengguna_aktif`` (then), ``series`` (usage.series), ``kajian``
        (usage.kajian_assessment's verdict) and ``datasets`` (public datasets it publishes)
    """
    min_users, drop_percent = usage.kajian_rule()
    counts = _dataset_counts(context)
    rows = []
    for app in _applications(context):
        series = usage.series(app.get("penggunaan_bulanan"))
        organization = app.get("organization") or {}
        rows.append(
            {
                "name": app["name"],
                "title": app.get("title") or app["name"],
                "organization": organization.get("name"),
                "organization_title": organization.get("title"),
                "bulan": series[-1]["bulan"] if series else None,
                "pengguna_aktif": series[-1]["pengguna_aktif"] if series else None,
                "series": series,
                "kajian": usage.kajian_assessment(series, min_users, drop_percent),
                "datasets": counts.get(app["name"], 0),
            }
        )
    rows.sort(key=lambda r: (r["pengguna_aktif"] is None, -(r["pengguna_aktif"] or 0), r["title"].lower()))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    shown = {
        ALL: rows,
        FLAGGED: [r for r in rows if r["kajian"]["flagged"]],
        WITHOUT_DATASETS: [r for r in rows if not r["datasets"]],
    }
    return {
        "tampil": view,
        "counts": {name: len(selected) for name, selected in shown.items()},
        "min_users": min_users,
        "drop_percent": drop_percent,
        "applications": shown[view],
    }
