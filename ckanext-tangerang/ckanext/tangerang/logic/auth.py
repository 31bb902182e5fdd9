"""Auth functions. Chained over the DataStore's, so a terbatas dataset's tables stay with its OPD."""

from __future__ import annotations

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.tangerang.logic import access, hardening

_WITHHELD = "Akses data terbatas untuk perangkat daerah pemilik. / Data access is limited to the owning OPD."


def _withheld(context: Context, resource_id: str | None) -> bool:
    return bool(resource_id) and access.resource_is_withheld(context, resource_id)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    if _withheld(context, data_dict.get("resource_id")):
        return {"success": False, "msg": _WITHHELD}
    return next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_info(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    if _withheld(context, data_dict.get("id") or data_dict.get("resource_id")):
        return {"success": False, "msg": _WITHHELD}
    return next_auth(context, data_dict)


@tk.auth_allow_anonymous_access
def tangerang_resource_access_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone who may see the resource's metadata may ask whether they may download it."""
    return authz.is_authorized("resource_show", context, {"id": data_dict.get("id")})


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def harvest_object_show(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """A harvest object holds an upstream record as it was fetched, tertutup or not: only sysadmins and
    members of the OPD that owns its harvest source may read it (ckanext-harvest lets everybody)."""
    if not access.may_read_harvest_object(context, data_dict.get("id") or data_dict.get("ref")):
        return {
            "success": False,
            "msg": "Hanya untuk OPD pemilik sumber panen. / Only for the OPD that owns the harvest source.",
        }
    return next_auth(context, data_dict)


# OPDs and groups are created by the walidata only; collaborator checks answer anonymous visitors (hardening.py).


@tk.chained_auth_function
def organization_create(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    return hardening.walidata_only(context, data_dict)


@tk.chained_auth_function
def group_create(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    return hardening.walidata_only(context, data_dict)


@tk.chained_auth_function
def package_collaborator_list(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    return hardening.logged_in_then(next_auth, context, data_dict)


@tk.chained_auth_function
def package_collaborator_create(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    return hardening.logged_in_then(next_auth, context, data_dict)


@tk.chained_auth_function
def package_collaborator_delete(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    return hardening.logged_in_then(next_auth, context, data_dict)
