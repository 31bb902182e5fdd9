"""The portal theme's pages: the blueprint ``tangerang_theme`` adds the developer page (``/pengembang``), the
sector index (``/sektor``) and the stewards' list of the applications the "dalam kajian" rule flags
(``/aplikasi-kajian``)."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.tangerang import codelists, usage

tangerang_theme = Blueprint("tangerang_theme", __name__)


def _is_steward() -> bool:
    """Sysadmins, and members of an OPD who may add or edit its datasets."""
    if not tk.current_user or not tk.current_user.is_authenticated:
        return False
    if tk.current_user.sysadmin:
        return True
    orgs = tk.get_action("organization_list_for_user")(
        {"user": tk.current_user.name}, {"permission": "create_dataset"}
    )
    return bool(orgs)


@tangerang_theme.route("/aplikasi-kajian")
def kajian() -> str:
    """Applications whose use is low or falling by the configured rule, for the stewards who review them."""
    if not tk.current_user or not tk.current_user.is_authenticated:
        return tk.abort(403, tk._("Log in as a data steward to see this page."))
    if not _is_steward():
        return tk.abort(403, tk._("This page is for data stewards of an OPD and the walidata."))
    min_users, drop_percent = usage.kajian_rule()
    flagged = []
    start = 0
    while True:
        result = tk.get_action("package_search")(
            {},
            {
                "fq": "+dataset_type:aplikasi",
                "rows": 500,
                "start": start,
                "sort": "title_string asc",
            },
        )
        for app in result["results"]:
            series = usage.series(app.get("penggunaan_bulanan"))
            verdict = usage.kajian_assessment(series, min_users, drop_percent)
            if verdict["flagged"]:
                flagged.append({"app": app, "series": series, "verdict": verdict})
        start += 500
        if start >= result["count"]:
            break
    return tk.render(
        "tangerang/kajian.html",
        {"flagged": flagged, "min_users": min_users, "drop_percent": drop_percent},
    )


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
    """The developer page: the API, the custom actions and the DCAT feeds, with runnable examples."""
    return tk.render("tangerang/developer.html", {})
