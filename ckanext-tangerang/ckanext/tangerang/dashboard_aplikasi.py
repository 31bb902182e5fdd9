"""The dashboard's applications tab (``/dasbor/aplikasi``): the city's applications ranked by monthly active users,
with their trend, the review rule's flag and reason, and those that publish no dataset; also as CSV for a
meeting. Routes of dashboard.py's blueprint."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Response, request

from ckanext.tangerang import csv_export
from ckanext.tangerang.dashboard import N_, render, tangerang_dasbor
from ckanext.tangerang.logic.aplikasi_ranking import ALL, FLAGGED, VIEWS, WITHOUT_DATASETS

VIEW_LABELS = {ALL: N_("All"), FLAGGED: N_("Flagged for review"), WITHOUT_DATASETS: N_("Without datasets")}
# The rule's two reasons (usage.kajian_assessment's flags).
REASONS = (("low", N_("low use")), ("falling", N_("falling use")))


def ranking(view: str) -> dict[str, Any]:
    """``tangerang_aplikasi_ranking``'s answer for the view, or the page's 403 with the reason."""
    try:
        return tk.get_action("tangerang_aplikasi_ranking")({}, {"tampil": view})
    except tk.NotAuthorized as refused:
        return tk.abort(403, str(refused))


def reason(kajian: dict[str, Any]) -> str:
    """Why the rule flags an application, in the page's language ("" when it does not)."""
    return ", ".join(tk._(text) for flag, text in REASONS if kajian[flag])


def _view() -> str:
    view = request.args.get("tampil") or ALL
    return view if view in VIEWS else ALL


@tangerang_dasbor.route("/aplikasi")
def aplikasi() -> str:
    """The ranking, in the view asked for (``?tampil=semua|kajian|tanpa-dataset``)."""
    view = _view()
    result = ranking(view)
    return render(
        "tangerang_dasbor.aplikasi",
        "tangerang/dasbor/aplikasi.html",
        {**result, "views": VIEW_LABELS, "reason": reason},
    )


@tangerang_dasbor.route("/aplikasi/aplikasi.csv")
def aplikasi_csv() -> Response:
    """The ranking in the view asked for, as CSV."""
    view = _view()
    result = ranking(view)
    header = [
        tk._("Rank"),
        tk._("Application"),
        tk._("Name"),
        tk._("OPD"),
        tk._("Month"),
        tk._("Monthly active users"),
        tk._("Average of the last 3 months"),
        tk._("Change (%)"),
        tk._("Flagged for review"),
        tk._("Reason"),
        tk._("Public datasets"),
    ]
    rows = [
        [
            app["rank"],
            app["title"],
            app["name"],
            app["organization_title"],
            app["bulan"],
            app["pengguna_aktif"],
            app["kajian"]["avg_last"],
            None if app["kajian"]["drop_percent"] is None else -app["kajian"]["drop_percent"],
            tk._("yes") if app["kajian"]["flagged"] else tk._("no"),
            reason(app["kajian"]),
            app["datasets"],
        ]
        for app in result["applications"]
    ]
    return csv_export.response(f"aplikasi-{view}.csv", header, rows)
