"""The data stewards' workbench (``/dasbor``): one blueprint whose tabs each show one part of what a steward
watches and decides (overdue datasets, quality, links, harvests, decisions, applications, bulk curation). Every
tab checks ``tangerang_dasbor`` (a steward of some OPD, or the walidata) and reads through actions, which keep each
steward to their own OPDs. Tabs register themselves in :data:`TABS`."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

tangerang_dasbor = Blueprint("tangerang_dasbor", __name__, url_prefix="/dasbor")


def N_(text: str) -> str:
    """Marks a label for translation (Babel's default keyword); the template translates it when rendering."""
    return text


# (endpoint, label) of each tab in the order shown.
TABS: list[tuple[str, str]] = [
    ("tangerang_dasbor.index", N_("Overview")),
    ("tangerang_dasbor.kurasi", N_("Bulk curation")),
    ("tangerang_dasbor.keputusan", N_("Harvest decisions")),
    ("tangerang_dasbor.panen", N_("Harvests")),
    ("tangerang_dasbor.aplikasi", N_("Applications")),
]


def render(tab: str, template: str, extra: dict[str, Any]) -> str:
    """A dashboard tab for a steward, or the refusal (403 with the reason) for anyone else."""
    try:
        tk.check_access("tangerang_dasbor", {})
    except tk.NotAuthorized as refused:
        return tk.abort(403, str(refused))
    return tk.render(template, {"tabs": TABS, "active_tab": tab, **extra})


@tangerang_dasbor.route("/")
def index() -> str:
    """The overview: what is late, broken or waiting for a decision in the steward's OPDs, with links to each tab."""
    return render("tangerang_dasbor.index", "tangerang/dasbor/index.html", {})


# Tabs in their own modules attach their routes to the blueprint above when imported.
from ckanext.tangerang import (  # noqa: E402, F401
    curation_views,
    dashboard_aplikasi,
    dashboard_decisions,
    dashboard_harvest,
)
