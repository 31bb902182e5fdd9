"""Who steers which OPDs: the one home of the data-steward scope that the dashboard, the overdue list, the quality
report, the harvest decisions and bulk curation all apply. A steward is a member who may create datasets in an OPD
(its editors and admins); sysadmins (the walidata) steer every OPD."""

from __future__ import annotations

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.types import Context


def opd_ids(context: Context) -> list[str] | None:
    """The ids of the OPDs the caller steers, or ``None`` for all of them (sysadmins, or ``ignore_auth``)."""
    user = context.get("user") or ""
    if context.get("ignore_auth") or authz.is_sysadmin(user):
        return None
    if not user:
        return []
    orgs = tk.get_action("organization_list_for_user")({"user": user}, {"permission": "create_dataset"})
    return [org["id"] for org in orgs]


def solr_filter(context: Context, owner_org: str | None = None) -> str:
    """The Solr filter on the OPDs whose datasets the caller steers: the one asked for (its id), or every OPD the
    caller steers; empty for sysadmins. Auth functions have refused anyone who steers no OPD."""
    if owner_org:
        org = tk.get_action("organization_show")(
            {"user": context.get("user")}, {"id": owner_org, "include_datasets": False}
        )
        return f"+owner_org:{org['id']}"
    scope = opd_ids(context)
    if scope is None:
        return ""
    return "+owner_org:(" + (" OR ".join(scope) or "_none_") + ")"
