"""ckanext-harvest's pages that change state (reharvest, clear, delete, stop a job) act on POST only.

ckanext-harvest 1.6.3 runs them on GET, so a link or a markdown image anywhere (``![g](/harvest/clear/x)``)
makes a steward's browser clear a source. Here a GET of any of them shows a confirmation page whose form POSTs
with the CSRF token (CKAN's ``confirm-action`` module on the admin buttons POSTs the same way), and the two that
answered GET only (delete, stop) also answer POST. ckanext-harvest's views stay the ones that act.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, request
from flask.blueprints import BlueprintSetupState

from ckanext.tangerang.logic import harvest_sources

tangerang_harvest = Blueprint("tangerang_harvest", __name__)

# endpoint -> the auth function asked before the confirmation page, with its data_dict from the route's
# arguments. The page's question for each endpoint is in the template.
STATE_CHANGING: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "harvester.refresh": ("harvest_job_create", lambda args: {"source_id": args["id"]}),
    "harvester.clear": ("harvest_source_clear", lambda args: {"id": args["id"]}),
    "harvester.delete": ("harvest_source_delete", lambda args: {"id": args["id"]}),
    "harvester.job_abort": ("harvest_job_abort", lambda args: {"id": args["id"]}),
}

# ckanext-harvest registers these two for GET only; the same views answer POST too.
_POST_RULES = {
    "harvester.delete": "/harvest/delete/<id>",
    "harvester.job_abort": "/harvest/<source>/job/<id>/abort",
}


@tangerang_harvest.record_once
def _on_register(state: BlueprintSetupState) -> None:
    for endpoint, rule in _POST_RULES.items():
        state.app.add_url_rule(rule, endpoint=endpoint, methods=["POST"])
    # Runs after every plugin is configured, in the web app and in each `ckan` command (consumers included).
    harvest_sources.log_in_own_transaction()


@tangerang_harvest.before_app_request
def confirm_before_acting():
    """A GET of a state-changing harvest page shows a confirmation form instead of acting."""
    entry = STATE_CHANGING.get(request.endpoint or "")
    if entry is None or request.method == "POST":
        return None
    auth_name, data_of = entry
    args = dict(request.view_args or {})
    source_ref = args.get("source") or args.get("id")
    try:
        tk.get_action("harvest_source_show")({}, {"id": source_ref})
        if request.endpoint == "harvester.job_abort":
            tk.get_action("harvest_job_show")({}, {"id": args["id"]})
        tk.check_access(auth_name, {}, data_of(args))
    except tk.ObjectNotFound:
        return tk.abort(404, "Sumber atau tugas panen tidak ditemukan. / Harvest source or job not found.")
    except tk.NotAuthorized:
        return tk.abort(403, "Tidak berwenang. / Not authorized.")
    return tk.render(
        "tangerang/harvest_confirm.html",
        extra_vars={
            "endpoint": request.endpoint,
            "action_url": request.full_path.rstrip("?"),
            "source": source_ref,
        },
    )
