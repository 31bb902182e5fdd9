"""Actions of the Tangerang portal. Registered by the blanket in plugin.py; docstrings are the API docs."""

from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.tangerang.logic import access, dcat_sources, hardening, limits, link_check, linked_guard, release
from ckanext.tangerang.logic.harvest_sources import (
    bulk_update_public,
    harvest_abort_failed_jobs,
    harvest_job_list,
    harvest_job_show,
    harvest_source_list,
    harvest_source_patch,
    harvest_source_reindex,
    harvest_source_show_status,
    private_when_source,
    tangerang_harvest_sources_private,
)
from ckanext.tangerang.logic.limits import group_autocomplete, organization_autocomplete
from ckanext.tangerang.logic.search_policy import package_search
from ckanext.tangerang.logic.visibility import (
    datastore_search,
    format_autocomplete,
    member_list,
    package_show,
    resource_search,
    resource_show,
    resource_view_list,
    tag_autocomplete,
    tag_list,
    tag_show,
)

# The blanket in plugin.py registers exactly these names as API actions (imported ones included): add yours here.
__all__ = [
    "activity_data_show",
    "activity_diff",
    "activity_show",
    "bulk_update_public",
    "dashboard_activity_list",
    "dataset_purge",
    "datastore_search",
    "format_autocomplete",
    "group_activity_list",
    "group_autocomplete",
    "harvest_abort_failed_jobs",
    "harvest_job_list",
    "harvest_job_show",
    "harvest_source_list",
    "harvest_source_patch",
    "harvest_source_reindex",
    "harvest_source_show_status",
    "member_list",
    "organization_activity_list",
    "organization_autocomplete",
    "organization_create",
    "organization_update",
    "package_activity_list",
    "package_create",
    "package_search",
    "package_show",
    "package_update",
    "recently_changed_packages_activity_list",
    "resource_search",
    "resource_show",
    "resource_view_list",
    "tag_autocomplete",
    "tag_list",
    "tag_show",
    "tangerang_harvest_sources_private",
    "tangerang_link_check_list",
    "tangerang_link_check_run",
    "tangerang_overdue_list",
    "tangerang_resource_access_show",
    "user_activity_list",
]


@tk.side_effect_free
def tangerang_resource_access_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Say whether the caller may download a resource's data, and whom to ask when not.

    Terbatas (limited) datasets show their metadata to everyone, but their files, URLs and DataStore tables
    only to members of the owning OPD and sysadmins.

    :param id: the id of the resource
    :type id: string

    :returns: ``{"resource_id", "klasifikasi", "unduh": bool}`` and, when ``unduh`` is false, ``pesan``,
        ``produsen_data`` and ``walidata`` contacts
    :rtype: dictionary
    """
    resource_id = tk.get_or_bust(data_dict, "id")
    tk.check_access("tangerang_resource_access_show", context, data_dict)
    resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
    package = tk.get_action("package_show")(dict(context), {"id": resource["package_id"]})
    answer: dict[str, Any] = {
        "resource_id": resource_id,
        "klasifikasi": package.get("klasifikasi"),
        "unduh": not access.resource_is_withheld(context, resource_id),
    }
    if not answer["unduh"]:
        answer.update({k: v for k, v in access.limited_notice(package).items() if k != "unduh"})
    return answer


@tk.side_effect_free
def tangerang_overdue_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The datasets past their next expected update (``pemutakhiran_berikutnya``, derived from ``frekuensi`` and
    the last change), most overdue first: the release calendar's list for data stewards.

    Sysadmins (the walidata) see every OPD's; a member of an OPD who may create datasets there sees that OPD's
    (all of their OPDs' without ``owner_org``). Anonymous callers are refused. A dataset counts as overdue from
    the day after its expected update.

    :param owner_org: only this OPD's datasets (name or id; optional)
    :type owner_org: string
    :param as_of: the day to count from, ``YYYY-MM-DD`` (optional, default today in the display time zone)
    :type as_of: string
    :param rows: how many datasets to return (optional, default 100, at most 1000)
    :type rows: int
    :param start: the offset of the first one returned (optional, default 0)
    :type start: int

    :returns: ``{"count", "as_of", "datasets"}``; each dataset has ``name``, ``title``, ``organization`` (the
        OPD's name), ``frekuensi``, ``pemutakhiran_berikutnya`` (``YYYY-MM-DD``) and ``days_overdue``
    :rtype: dictionary
    """
    tk.check_access("tangerang_overdue_list", context, data_dict)
    return release.overdue_list(context, data_dict)


@tk.side_effect_free  # GET stays allowed, as for the originals
@tk.chained_action
def _redacted_activity_list(original_action, context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """CKAN's activity list of the same name; terbatas datasets' data is left out for those who may not
    download it."""
    activities = original_action(context, data_dict)
    for activity in activities:
        access.redact_activity(context, activity)
    return activities


# The one wrapper, chained onto each of CKAN's activity lists (CKAN chains it under each name separately).
organization_activity_list = group_activity_list = user_activity_list = _redacted_activity_list
dashboard_activity_list = recently_changed_packages_activity_list = _redacted_activity_list


@tk.side_effect_free
@tk.chained_action
def package_activity_list(original_action, context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """CKAN's ``package_activity_list``; terbatas datasets' data is left out for those who may not download it,
    and a dataset the caller may not read is not found (a 403 would confirm that it exists)."""
    try:
        return _redacted_activity_list(original_action, context, data_dict)
    except tk.NotAuthorized:
        raise tk.ObjectNotFound("Dataset tidak ditemukan. / Dataset not found.") from None


@tk.side_effect_free
@tk.chained_action
def activity_show(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """CKAN's ``activity_show``; terbatas datasets' data is left out for those who may not download it."""
    return access.redact_activity(context, original_action(context, data_dict))


@tk.side_effect_free
@tk.chained_action
def activity_data_show(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """CKAN's ``activity_data_show``; terbatas datasets' data is left out for those who may not download it."""
    data = original_action(context, data_dict)
    wrapped = access.redact_activity(
        context, {"data": data, "object_id": (data.get("package") or {}).get("id")}
    )
    return wrapped["data"]


@tk.side_effect_free
@tk.chained_action
def activity_diff(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """CKAN's ``activity_diff``; refused on a terbatas dataset to those who may not download its data."""
    result = original_action(context, data_dict)
    for activity in result.get("activities", []):
        snapshot = (activity.get("data") or {}).get("package") or {}
        if (access.is_limited(snapshot) and not access.may_download(context, snapshot.get("owner_org"))) or (
            activity.get("object_id") and access.package_is_withheld(context, activity["object_id"])
        ):
            raise tk.NotAuthorized(access.LIMITED_ACCESS_MSG)
    return result


def lift_schema_extras(data_dict: DataDict) -> DataDict:
    """Move free-form extras whose key is a field of the dataset's schema to that field, unless it is set.

    Other CKAN catalogues (and ckanext-harvest's CKAN harvester, which copies them) carry Satu Data fields such
    as klasifikasi or sektor as extras; CKAN would reject them next to schema fields of the same name.
    """
    extras = data_dict.get("extras")
    if not isinstance(extras, list) or not extras:
        return data_dict
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema(data_dict.get("type") or "dataset") or {}
    fields = {f["field_name"] for f in schema.get("dataset_fields", [])}
    kept = []
    for extra in extras:
        key = extra.get("key") if isinstance(extra, dict) else None
        if key in fields:
            if data_dict.get(key) in (None, "", []):
                data_dict[key] = extra.get("value")
            continue
        kept.append(extra)
    data_dict["extras"] = kept
    return data_dict


@tk.chained_action
def package_create(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """CKAN's ``package_create``; schema fields sent as extras are taken as the fields themselves, and every
    value has its field's type and length (logic/limits.py) before anything is stored; a harvested dataset
    is held when it declares individual records or links to personal data (logic/linked_guard.py); a harvest
    source is a private dataset of its OPD (logic/harvest_sources.py), and a DCAT source's ``aplikasi_sumber``
    names an existing application (logic/dcat_sources.py)."""
    data_dict = private_when_source(lift_schema_extras(limits.checked_dataset(data_dict)), creating=True)
    return linked_guard.guarded_write(original_action, context, dcat_sources.checked_source_config(data_dict))


@tk.chained_action
def package_update(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """CKAN's ``package_update`` (and so ``package_patch`` and the resource actions); schema fields sent as
    extras are taken as the fields themselves, and every value has its field's type and length; a harvested
    dataset is held when it declares individual records or links to personal data; a harvest source stays
    private to its OPD, and a DCAT source's ``aplikasi_sumber`` names an existing application."""
    data_dict = private_when_source(lift_schema_extras(limits.checked_dataset(data_dict)), creating=False)
    return linked_guard.guarded_write(original_action, context, dcat_sources.checked_source_config(data_dict))


@tk.chained_action
def organization_create(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """CKAN's ``organization_create``; every value has its field's type and length (logic/limits.py)."""
    return original_action(context, limits.checked_group(data_dict, is_org=True))


@tk.chained_action
def organization_update(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """CKAN's ``organization_update`` (and ``organization_patch``); every value has its field's type and
    length."""
    return original_action(context, limits.checked_group(data_dict, is_org=True))


@tk.chained_action
def dataset_purge(original_action, context: Context, data_dict: DataDict) -> None:
    """CKAN's ``dataset_purge``; the resources' DataStore tables and uploaded files go with the dataset."""
    return hardening.purge_with_data(original_action, context, data_dict)


@tk.side_effect_free
def tangerang_link_check_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The link checker's last result per resource, newest first: for sysadmins every dataset's, for an OPD's
    members their OPD's (terbatas and tertutup included).

    :param package: only this dataset (name or id) (optional)
    :type package: string
    :param organization: only this OPD (name or id) (optional)
    :type organization: string
    :param status: only this status: ``ok``, ``broken``, ``unreachable``, ``not_allowed`` or ``skipped``
        (optional)
    :type status: string
    :param failing: only the links that failed their last check: ``broken`` or ``unreachable`` (optional)
    :type failing: bool
    :param limit: at most this many results (optional, default 100, at most 1000)
    :type limit: int
    :param offset: skip this many results (optional, default 0)
    :type offset: int

    :returns: ``count`` (all matching results) and ``results``, each with ``resource_id``, ``resource_name``,
        ``package_id``, ``package_name``, ``package_title``, ``organization_id``, ``organization_name``, ``url``, ``status``, ``http_status``, ``error``
        (Indonesian / English), ``checked_at`` (UTC, ISO 8601), ``duration_ms`` and ``failures`` (consecutive
        broken or unreachable checks)
    :rtype: dictionary
    """
    tk.check_access("tangerang_link_check_list", context, data_dict)
    data, errors = tk.navl_validate(data_dict, link_check.list_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    user = context.get("user") or ""
    org_ids = None
    if not authz.is_sysadmin(user):
        orgs = tk.get_action("organization_list_for_user")(
            {"user": user, "ignore_auth": True}, {"permission": "read"}
        )
        org_ids = [org["id"] for org in orgs]
    return link_check.list_results(data, org_ids)


def tangerang_link_check_run(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Check the links of a dataset or an OPD again, in background jobs (one per 200 resources, on the default
    queue that the jobs worker runs).

    :param package: the dataset (name or id); or
    :type package: string
    :param organization: the OPD (name or id); without either, every dataset (sysadmins only)
    :type organization: string

    :returns: ``resources`` (how many are queued) and ``jobs`` (the background jobs' ids)
    :rtype: dictionary
    """
    tk.check_access("tangerang_link_check_run", context, data_dict)
    targets = link_check.select_targets(
        dataset=data_dict.get("package"), organization=data_dict.get("organization")
    )
    return {"resources": len(targets), "jobs": link_check.enqueue(targets)}
