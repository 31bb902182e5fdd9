"""Blueprints of the Tangerang portal: its own pages, and the request hooks that guard data. Views call actions and
check access through auth functions, never the model."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, jsonify, request

from ckanext.tangerang import apidocs, charts, choices, codelists, downloads, openapi, request_guard
from ckanext.tangerang.bilingual import msg

# The data stewards' workbench under /dasbor (dashboard.py).
from ckanext.tangerang.dashboard import tangerang_dasbor  # noqa: F401

# DataStore tables as CSV, JSON and XLSX downloads, and the count of every download (downloads.py).
from ckanext.tangerang.downloads import tangerang_unduh  # noqa: F401

# The public catalogue's Satu Data feed, sitemap and catalogue downloads (feeds_views.py).
from ckanext.tangerang.feeds_views import tangerang_feeds  # noqa: F401

# ckanext-harvest's state-changing pages on POST only, with a confirmation page on GET (harvest_views.py).
from ckanext.tangerang.harvest_views import tangerang_harvest  # noqa: F401

# The release calendar's day, search fields and row limit, shared with the overdue list.
from ckanext.tangerang.logic import release

# Security headers, safe serving of uploaded files, request-scoped CSRF exemptions (web_security.py).
from ckanext.tangerang.web_security import tangerang_web_security  # noqa: F401

# The blanket in plugin.py registers every Blueprint of this module, imported ones included.
tangerang = Blueprint("tangerang", __name__)
# The theme's pages: the developer page, the sectors, the release calendar, and the old address of the stewards'
# list of applications under review.
tangerang_theme = Blueprint("tangerang_theme", __name__)

# The first of the portal's request hooks, so that bad text (NUL, lone surrogates, deep JSON) reaches none.
tangerang.before_app_request(request_guard.refuse_bad_input)


@tangerang.before_app_request
def withhold_limited_data():
    """Answer 403 with whom to ask, instead of the data of a terbatas dataset, to those who may not have it."""
    endpoint = request.endpoint or ""
    if not endpoint.endswith(downloads.DATA_ENDPOINTS):
        return None
    resource_id = (request.view_args or {}).get("resource_id")
    if not resource_id:
        return None
    try:
        answer = tk.get_action("tangerang_resource_access_show")({}, {"id": resource_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None  # the view itself answers 404 or 403 as usual
    if answer["unduh"]:
        return None
    contact = answer["walidata"].get("email") or ""
    return tk.abort(403, f"{answer['pesan']} {contact}".strip())


@tangerang.before_app_request
def withhold_limited_history():
    """The activity plugin's resource-history page reads the old snapshot from the model, past the actions that
    redact it: a terbatas dataset's old versions are for those who may download its data."""
    if request.endpoint != "activity.resource_history":
        return None
    activity_id = (request.view_args or {}).get("activity_id")
    try:
        activity = tk.get_action("activity_show")({}, {"id": activity_id, "include_data": True})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Activity not found"))
    snapshot = (activity.get("data") or {}).get("package") or {}
    if "akses_terbatas" in snapshot:
        return tk.abort(403, snapshot["akses_terbatas"]["pesan"])
    return None


@tangerang_theme.route("/aplikasi-kajian")
def kajian() -> Response:
    """The applications the "dalam kajian" rule flags: the flagged view of the stewards' ranking of applications
    in the dashboard, which answers anyone else with 403."""
    return tk.redirect_to("tangerang_dasbor.aplikasi", tampil="kajian")


@tangerang_theme.route("/sektor")
def sectors() -> str:
    """Government-affairs sectors with the number of datasets the visitor may see in each."""
    return tk.render("tangerang/sectors.html", {})


@tangerang_theme.route("/sektor/<code>")
def sector(code: str) -> str:
    """One sector: how many datasets the visitor may see, which OPDs and applications produce them, the latest."""
    row = codelists.by_code("urusan_pemerintahan").get(code)
    if row is None:
        return tk.abort(404, tk._("No such sector: see the list of sectors."))
    result = tk.get_action("package_search")(
        {},
        {
            "fq": f'+dataset_type:dataset +sektor:"{code}"',
            "include_private": True,  # CKAN keeps to the visitor's permission labels
            "rows": 6,
            "sort": "metadata_modified desc",
            "facet.field": '["organization", "aplikasi_sumber"]',
            "facet.limit": 50,
        },
    )
    facets = result["search_facets"]
    opds = sorted(
        facets.get("organization", {}).get("items", []), key=lambda i: (-i["count"], i["display_name"])
    )
    apps = sorted(facets.get("aplikasi_sumber", {}).get("items", []), key=lambda i: (-i["count"], i["name"]))
    return tk.render(
        "tangerang/sector.html",
        {
            "code": code,
            "sector": row,
            "count": result["count"],
            "datasets": result["results"],
            "opds": opds,
            "apps": apps,
        },
    )


@tangerang_theme.route("/pengembang")
def developer() -> str:
    """The developer page: the API against this portal with runnable examples, the limits, the DataStore and
    DCAT endpoints, and every ``tangerang_*`` action documented from its docstring."""
    return tk.render(
        "tangerang/developer.html",
        {
            "site": tk.config.get("ckan.site_url").rstrip("/"),
            "example": apidocs.example_dataset(),
            "limits": apidocs.limits(),
            "actions": apidocs.actions(),
            "inline": apidocs.inline,
        },
    )


@tangerang_theme.route("/pengembang/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3.1 document of the Action API (openapi.py)."""
    response = jsonify(openapi.document())
    response.headers["Access-Control-Allow-Origin"] = "*"  # for API explorers on other sites
    return response


# Years 1000 to 2999: enough for any schedule, and the neighbouring months always exist.
MONTH = re.compile(r"^([12]\d{3})-(0[1-9]|1[0-2])$")


def _month_link(first_day: dt.date) -> dict[str, str]:
    month = first_day.strftime("%Y-%m")
    return {
        "url": tk.h.url_for("tangerang_theme.release_calendar", month=month),
        "label": charts.month_label(month, choices.page_lang(), "LLLL y"),
    }


@tangerang_theme.route("/jadwal-rilis")
@tangerang_theme.route("/jadwal-rilis/<month>")
def release_calendar(month: str | None = None) -> str:
    """The release calendar: the datasets the visitor may see that are expected to be updated in a month (this
    month by default), by day."""
    if month is None:
        month = release.today().strftime("%Y-%m")
    found = MONTH.match(month)
    if found is None:
        return tk.abort(
            404,
            msg(
                "Bulan tidak dikenal: tulis bulan sebagai TTTT-BB, misalnya 2026-12.",
                "Unknown month: write the month as YYYY-MM, for example 2026-12.",
            ),
        )
    first = dt.date(int(found[1]), int(found[2]), 1)
    after = (first + dt.timedelta(days=31)).replace(day=1)
    result = tk.get_action("package_search")(
        {},
        {
            "fq": f"+dataset_type:dataset "
            f"+pemutakhiran_berikutnya:[{release.solr_day(first)} TO {release.solr_day(after)}}}",
            "include_private": True,  # CKAN keeps to the visitor's permission labels
            "sort": "pemutakhiran_berikutnya asc, title_string asc",
            "fl": release.FIELDS,
            "rows": release.MAX_ROWS,
        },
    )
    days = [
        (dt.date.fromisoformat(day), list(datasets))
        for day, datasets in itertools.groupby(
            result["results"], key=lambda d: d["pemutakhiran_berikutnya"][:10]
        )
    ]
    return tk.render(
        "tangerang/release_calendar.html",
        {
            "month": _month_link(first),
            "previous": _month_link((first - dt.timedelta(days=1)).replace(day=1)),
            "next": _month_link(after),
            "days": days,
            "count": result["count"],
            "shown": len(result["results"]),
        },
    )
