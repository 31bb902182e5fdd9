"""Blueprints of the Tangerang portal. Views call actions, never the model."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint, request

from ckanext.tangerang import request_guard

# ckanext-harvest's state-changing pages on POST only, with a confirmation page on GET (harvest_views.py).
from ckanext.tangerang.harvest_views import tangerang_harvest  # noqa: F401

# The theme's pages (/aplikasi-kajian, /pengembang, /sektor); the blanket registers every Blueprint here.
from ckanext.tangerang.theme import tangerang_theme  # noqa: F401

# Security headers, safe serving of uploaded files, request-scoped CSRF exemptions (web_security.py).
from ckanext.tangerang.web_security import tangerang_web_security  # noqa: F401

tangerang = Blueprint("tangerang", __name__)

# The first of the portal's request hooks, so that bad text (NUL, lone surrogates, deep JSON) reaches none.
tangerang.before_app_request(request_guard.refuse_bad_input)

# Endpoints that hand out a resource's data: uploaded-file downloads (and the redirect to an external URL) for
# every dataset type, and the DataStore's dump.
_DATA_ENDPOINTS = ("resource.download", "datastore.dump")


@tangerang.before_app_request
def withhold_limited_data():
    """Answer 403 with whom to ask, instead of the data of a terbatas dataset, to those who may not have it."""
    endpoint = request.endpoint or ""
    if not (endpoint.endswith(_DATA_ENDPOINTS[0]) or endpoint == _DATA_ENDPOINTS[1]):
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
