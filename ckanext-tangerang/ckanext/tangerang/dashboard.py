"""The data stewards' workbench (``/dasbor``): one blueprint whose tabs each show one part of what a steward
watches and decides (overdue datasets, quality, links, harvests, decisions, applications, bulk curation). Every
tab checks ``tangerang_dasbor`` (a steward of some OPD, or the walidata) and reads through actions, which keep each
steward to their own OPDs. Tabs register themselves in :data:`TABS`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.pagination import Page
from flask import Blueprint

from ckanext.tangerang.logic import stewards

tangerang_dasbor = Blueprint("tangerang_dasbor", __name__, url_prefix="/dasbor")


def N_(text: str) -> str:
    """Marks a label for translation (Babel's default keyword); the template translates it when rendering."""
    return text


# (endpoint, label) of each tab in the order shown.
TABS: list[tuple[str, str]] = [
    ("tangerang_dasbor.index", N_("Overview")),
    ("tangerang_dasbor.overdue", N_("Overdue")),
    ("tangerang_dasbor.links", N_("Broken links")),
    ("tangerang_dasbor.kualitas", N_("Quality")),
    ("tangerang_dasbor.panen", N_("Harvests")),
    ("tangerang_dasbor.keputusan", N_("Harvest decisions")),
    ("tangerang_dasbor.aplikasi", N_("Applications")),
    ("tangerang_dasbor.kurasi", N_("Bulk curation")),
]
PER_PAGE = 50  # rows of a tab's list per page


def render(tab: str, template: str, extra: dict[str, Any] | Callable[[], dict[str, Any]]) -> str:
    """A dashboard tab for a steward, or the refusal (403 with the reason) for anyone else. ``extra``: the
    template's variables, or a function giving them that runs only once the steward is let in."""
    try:
        tk.check_access("tangerang_dasbor", {})
    except tk.NotAuthorized as refused:
        return tk.abort(403, str(refused))
    variables = {"tabs": TABS, "active_tab": tab, "tab_label": dict(TABS).get(tab, "")}
    return tk.render(template, {**variables, **(extra() if callable(extra) else extra)})


def _overdue(rows: int, start: int = 0) -> dict[str, Any]:
    """The steward's overdue datasets (``?as_of=YYYY-MM-DD`` counts from another day; a bad day is a 400)."""
    try:
        return tk.get_action("tangerang_overdue_list")(
            {}, {"as_of": tk.request.args.get("as_of"), "rows": rows, "start": start}
        )
    except tk.ValidationError as error:
        return tk.abort(400, "; ".join(" ".join(texts) for texts in error.error_dict.values()))


def _broken_links(limit: int, offset: int = 0) -> dict[str, Any]:
    """The links of the steward's datasets that failed their last check, newest check first."""
    return tk.get_action("tangerang_link_check_list")({}, {"failing": True, "limit": limit, "offset": offset})


def _pager(count: int, items: list[dict[str, Any]], endpoint: str) -> Page:
    def url(page: int, **_: Any) -> str:
        return tk.h.url_for(endpoint, page=page, **{k: v for k, v in tk.request.args.items() if k != "page"})

    return Page(
        collection=items,
        page=tk.h.tangerang_request_page(),
        url=url,
        item_count=count,
        items_per_page=PER_PAGE,
        presliced_list=True,
    )


@tangerang_dasbor.route("/")
def index() -> str:
    """The overview: what is late, broken or waiting for a decision in the steward's OPDs, with links to each tab."""
    return render(
        "tangerang_dasbor.index",
        "tangerang/dasbor/index.html",
        lambda: {
            "overdue": _overdue(0)["count"],
            "broken_links": _broken_links(0)["count"],
            "holds": tk.get_action("tangerang_harvest_hold_list")({}, {"limit": 0})["count"],
            "failing_sources": sum(
                1
                for source in tk.get_action("tangerang_harvest_overview")({}, {})["sources"]
                if source["errors"]
            ),
        },
    )


@tangerang_dasbor.route("/terlambat")
def overdue() -> str:
    """The steward's datasets past their next expected update, most overdue first, a page at a time."""

    def extra() -> dict[str, Any]:
        found = _overdue(PER_PAGE, (tk.h.tangerang_request_page() - 1) * PER_PAGE)
        return {**found, "page": _pager(found["count"], found["datasets"], "tangerang_dasbor.overdue")}

    return render("tangerang_dasbor.overdue", "tangerang/dasbor/overdue.html", extra)


@tangerang_dasbor.route("/tautan")
def links() -> str:
    """The links of the steward's datasets that failed their last check, each with a button to check it again."""

    def extra() -> dict[str, Any]:
        found = _broken_links(PER_PAGE, (tk.h.tangerang_request_page() - 1) * PER_PAGE)
        return {
            **found,
            "page": _pager(found["count"], found["results"], "tangerang_dasbor.links"),
            # The OPDs whose datasets' links the steward may have checked again (None: all).
            "steered": stewards.opd_ids({"user": tk.current_user.name}),
        }

    return render("tangerang_dasbor.links", "tangerang/dasbor/links.html", extra)


@tangerang_dasbor.route("/tautan/periksa", methods=["POST"])
def check_links() -> Any:
    """The "check again" button: queue a new check of one dataset's links (tangerang_link_check_run), then back
    to the tab."""
    package = tk.request.form.get("package") or ""
    if not package:  # without a dataset the action would queue every link (for a sysadmin)
        return tk.abort(400, tk._("Dataset not found"))
    try:
        queued = tk.get_action("tangerang_link_check_run")({}, {"package": package})
    except tk.NotAuthorized as refused:
        return tk.abort(403, str(refused))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    tk.h.flash_success(
        tk._("{count} links of the dataset will be checked again shortly.").format(count=queued["resources"])
    )
    return tk.h.redirect_to("tangerang_dasbor.links", page=tk.h.tangerang_request_page())


@tangerang_dasbor.route("/kualitas")
def kualitas() -> str:
    """Quality: how the steward's datasets score, their mean, and the lowest-scoring ones with what to do first."""

    def extra() -> dict[str, Any]:
        try:
            report = tk.get_action("tangerang_quality_report")(
                {}, {"owner_org": tk.request.args.get("owner_org"), "rows": 20}
            )
        except tk.NotAuthorized as refused:
            return tk.abort(403, str(refused))
        except tk.ObjectNotFound as missing:
            return tk.abort(404, str(missing))
        return {"report": report}

    return render("tangerang_dasbor.kualitas", "tangerang/dasbor/kualitas.html", extra)


# Tabs in their own modules attach their routes to the blueprint above when imported.
from ckanext.tangerang import (  # noqa: E402, F401
    curation_views,
    dashboard_aplikasi,
    dashboard_decisions,
    dashboard_harvest,
)
