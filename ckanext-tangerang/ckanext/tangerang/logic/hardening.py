"""Who may create OPDs and groups, collaborator checks that answer anonymous visitors, and a dataset purge that
leaves no data behind. The registered auth functions and actions in auth.py and action.py delegate here."""

from __future__ import annotations

import logging
from typing import Any

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib import uploader
from ckan.types import Action, AuthFunction, AuthResult, Context, DataDict

from ckanext.tangerang.logic import access

log = logging.getLogger(__name__)

WALIDATA_ONLY = (
    "Hanya walidata (sysadmin) yang dapat membuat perangkat daerah atau grup. / "
    "Only the walidata (sysadmins) may create OPDs or groups."
)
LOGIN_REQUIRED = "Silakan masuk terlebih dahulu. / Please log in first."


def walidata_only(context: Context, data_dict: DataDict) -> AuthResult:
    """OPDs are the city's departments, set up by the walidata: nobody else creates one, whatever
    ``ckan.auth.user_create_organizations`` says. Sysadmins never reach an auth function."""
    return {"success": False, "msg": WALIDATA_ONLY}


def logged_in_then(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """CKAN's collaborator auth functions assert a user object and fail with a 500 for anonymous visitors."""
    # As CKAN's own check reads it: the user name in the context (an anonymous visitor has none).
    if not model.User.get(context.get("user") or ""):
        return {"success": False, "msg": LOGIN_REQUIRED}
    if not model.Package.get(data_dict.get("id") or ""):
        return {"success": False, "msg": "Dataset tidak ditemukan. / Dataset not found."}
    return next_auth(context, data_dict)


def purge_with_data(original_action: Action, context: Context, data_dict: DataDict) -> Any:
    """Purge a dataset, then its resources' DataStore tables, uploaded files and activities (CKAN leaves them)."""
    package = model.Package.get(tk.get_or_bust(data_dict, "id"))
    resources = (
        model.Session.query(model.Resource.id, model.Resource.url_type)
        .filter(model.Resource.package_id == package.id)
        .all()
        if package
        else []
    )
    result = original_action(context, data_dict)
    for resource_id, url_type in resources:
        _drop_datastore_table(resource_id)
        if url_type == "upload":
            _remove_upload(resource_id)
    if package:
        # CKAN keeps a purged dataset's activities, snapshots and all, under the labels they had.
        access.forget_activities(package.id)
    return result


def _drop_datastore_table(resource_id: str) -> None:
    if not p.plugin_loaded("datastore"):
        return
    from ckanext.datastore.backend import DatastoreBackend

    backend = DatastoreBackend.get_active_backend()
    if backend.resource_exists(resource_id):
        backend.delete({}, {"resource_id": resource_id})


def _remove_upload(resource_id: str) -> None:
    # CKAN's own path for an upload replaced by a link: the uploader removes the stored file on ``clear_upload``.
    upload = uploader.get_resource_uploader({"id": resource_id, "url_type": "upload", "clear_upload": True})
    try:
        upload.upload(resource_id)
    except OSError:
        log.warning("Could not remove the uploaded file of purged resource %s", resource_id, exc_info=True)
