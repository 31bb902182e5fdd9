"""Actions of the Tangerang portal. Registered by the blanket in plugin.py; docstrings are the API docs."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.tangerang.logic import (
    access,
    aplikasi_ranking,
    catalog,
    curation,
    dcat_sources,
    downloads,
    feeds,
    hardening,
    harvest_decisions,
    harvest_jobs,
    harvest_sources,
    limits,
    link_check,
    linked_guard,
    quality,
    release,
    stewards,
    visibility,
)
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
from ckanext.tangerang.logic.search_policy import package_list, package_search
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
    "dcat_catalog_search",
    "dcat_catalog_show",
    "dcat_datasets_list",
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
    "package_list",
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
    "tangerang_aplikasi_list",
    "tangerang_aplikasi_ranking",
    "tangerang_aplikasi_show",
    "tangerang_bulk_update",
    "tangerang_download_counts",
    "tangerang_harvest_decision",
    "tangerang_harvest_decision_list",
    "tangerang_harvest_hold_list",
    "tangerang_harvest_job_errors",
    "tangerang_harvest_overview",
    "tangerang_harvest_sources_private",
    "tangerang_link_check_list",
    "tangerang_link_check_run",
    "tangerang_overdue_list",
    "tangerang_quality_report",
    "tangerang_quality_show",
    "tangerang_resource_access_show",
    "tangerang_stats",
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
def tangerang_download_counts(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """How many times a resource, a dataset or an application's datasets were downloaded through the portal.

    Counted: the resource's download URL (an uploaded file, or the redirect to an external link), the DataStore's
    dump and the portal's CSV, JSON and XLSX downloads; not counted: HEAD requests and known robots. A dataset the
    caller may not read is not found, as with ``package_show``.

    :param id: the id or name of a resource, a dataset or an application
    :type id: string

    :returns: ``{"id", "type": "resource" | "dataset" | "aplikasi", "total": int}``; a dataset adds
        ``by_resource`` (resource id: count), an application ``by_dataset`` (dataset name: count, over the
        datasets the caller may see)
    :rtype: dictionary
    """
    key = tk.get_or_bust(data_dict, "id")
    tk.check_access("tangerang_download_counts", context, data_dict)
    return downloads.counts(context, str(key))


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


def tangerang_bulk_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Set one field of many datasets at once (bulk curation), or preview what that would do.

    The datasets must belong to an OPD the caller stewards (its editors and admins; sysadmins, the walidata,
    steward every OPD). A dataset the caller may not read gets the same answer as one that does not exist. Each
    dataset is written by ``package_patch`` with the caller's own identity, so the schema's validation, the
    permissions and the activity record are those of a single edit; a dataset that fails keeps its old values
    and the others are still applied.

    :param datasets: the datasets' names or ids (at most 200), as a list or separated by commas
    :type datasets: list of strings
    :param field: the field to change: ``sektor``, ``frekuensi``, ``klasifikasi``, ``license_id`` or ``tags``
    :type field: string
    :param value: the new value (a code of the field's code list, a licence id); for ``tags`` the tags to add or
        remove (a list, or separated by commas)
    :type value: string or list of strings
    :param operation: for ``tags`` only: ``add`` or ``remove``
    :type operation: string
    :param dry_run: only say what would change (optional, default false)
    :type dry_run: bool

    :returns: ``dry_run``, ``field``, ``value``, ``operation``; ``datasets``, one entry per dataset asked for, in
        order, with ``requested``, ``outcome`` (preview: ``allowed``, ``unchanged``, ``invalid``, ``refused``
        or ``not_found``; applied: ``updated`` or ``failed`` instead of ``allowed`` and ``invalid``), ``message`` (Indonesian /
        English) and, for a dataset the caller may change, ``id``, ``name``, ``title``, ``organization``,
        ``old``, ``new``, the field errors as ``errors`` and, for a change of ``klasifikasi``, ``visitors``:
        what a visitor outside the OPD would ``gain`` and ``lose`` (``metadata``, ``data``) and the
        ``resources`` concerned; ``visitors_gain`` and ``visitors_lose`` (the names of those datasets),
        ``counts`` per outcome and a ``note`` on partial application
    :rtype: dictionary
    """
    tk.check_access("tangerang_bulk_update", context, data_dict)
    return curation.bulk_update(context, curation.checked_request(data_dict))


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


@tk.side_effect_free
@tk.chained_action
def _dcat_catalog(original_action, context: Context, data_dict: DataDict) -> Any:
    """ckanext-dcat's catalogue of the same name (paged by ``page``, filtered by ``modified_since``, ``q`` and
    ``fq``), for datasets only (applications are not data), with bilingual errors for a bad page or date."""
    return original_action(context, feeds.dcat_request(data_dict))


# The one wrapper, chained onto each of ckanext-dcat's catalogue actions (/catalog.*, /dcat.json).
dcat_catalog_show = dcat_catalog_search = dcat_datasets_list = _dcat_catalog


@tk.chained_action
def dataset_purge(original_action, context: Context, data_dict: DataDict) -> None:
    """CKAN's ``dataset_purge``; the resources' DataStore tables and uploaded files go with the dataset."""
    return hardening.purge_with_data(original_action, context, data_dict)


@tk.side_effect_free
def tangerang_link_check_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The link checker's last result per resource, newest first: for sysadmins every dataset's, for an OPD's
    data stewards (its editors and admins) their OPD's (terbatas and tertutup included).

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
    org_ids = stewards.opd_ids(context)
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


def _validated(data_dict: DataDict, schema: Any, context: Context) -> dict[str, Any]:
    data, errors = tk.navl_validate(data_dict, schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


@tk.side_effect_free
def tangerang_harvest_hold_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """What the harvests hold for a steward's decision, newest first: deletions held by the shrink guard and
    records held for personal data, of the harvest sources of the OPDs the caller steers (sysadmins: all).

    :param owner_org: only the sources of this OPD (name or id; optional)
    :type owner_org: string
    :param source: only this harvest source (name or id; optional)
    :type source: string
    :param kind: only ``penghapusan`` (deletions) or ``data_pribadi`` (personal data) (optional)
    :type kind: string
    :param limit: at most this many holds (optional, default 100, at most 1000)
    :type limit: int
    :param offset: skip this many holds (optional, default 0)
    :type offset: int

    :returns: ``count`` and ``holds``, each with ``id``, ``kind``, ``source`` (``id``, ``name``, ``title``,
        ``owner_org``), ``job_id`` (the job that held it), ``created`` (UTC, ISO 8601), ``reason`` (Indonesian /
        English), ``choices`` (what may be decided) and, for deletions, ``items`` (``guid``, ``upstream_id``,
        ``package_id``, ``name``, ``title`` of each dataset held), for personal data ``guid``, ``upstream_id``,
        ``title``, ``causes`` and ``findings`` (``column``, ``rule``, ``rows``; never the values)
    :rtype: dictionary
    """
    tk.check_access("tangerang_harvest_hold_list", context, data_dict)
    data = _validated(data_dict, harvest_decisions.list_schema(), context)
    return harvest_decisions.open_holds(stewards.opd_ids(context), data)


def tangerang_harvest_decision(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Decide an open harvest hold; the next harvest of its source applies the decision, and the decision is
    kept in the audit trail (``tangerang_harvest_decision_list``). For the OPD's data stewards and sysadmins.

    Deletions (``penghapusan``): ``lepas`` withdraws exactly the held datasets still missing upstream, ``tolak``
    keeps them. Personal data (``data_pribadi``): ``drop`` publishes without the flagged columns (or links),
    ``aggregate`` publishes row counts, ``tertutup`` publishes with klasifikasi tertutup, ``tolak`` does not
    publish. The hold's ``choices`` say which apply.

    :param id: the hold's id (from ``tangerang_harvest_hold_list``)
    :type id: string
    :param choice: one of the hold's ``choices``
    :type choice: string
    :param note: why (optional)
    :type note: string

    :returns: the decision: ``id``, ``hold_id``, ``kind``, ``choice``, ``note``, ``user`` (name), ``user_id``
        and ``created`` (UTC, ISO 8601)
    :rtype: dictionary
    """
    tk.check_access("tangerang_harvest_decision", context, data_dict)
    data = _validated(data_dict, harvest_decisions.decision_schema(), context)
    return harvest_decisions.decide(context, data)


@tk.side_effect_free
def tangerang_harvest_decision_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The audit trail of harvest decisions, newest first: who decided what, when and why, on the holds of the
    harvest sources of the OPDs the caller steers (sysadmins: all).

    :param owner_org: only the sources of this OPD (name or id; optional)
    :type owner_org: string
    :param source: only this harvest source (name or id; optional)
    :type source: string
    :param kind: only ``penghapusan`` or ``data_pribadi`` (optional)
    :type kind: string
    :param limit: at most this many decisions (optional, default 100, at most 1000)
    :type limit: int
    :param offset: skip this many decisions (optional, default 0)
    :type offset: int

    :returns: ``count`` and ``decisions``, each with ``id``, ``created`` (UTC, ISO 8601), ``user`` (``id``,
        ``name``, ``fullname``), ``choice``, ``note`` and ``hold`` (as in ``tangerang_harvest_hold_list``)
    :rtype: dictionary
    """
    tk.check_access("tangerang_harvest_decision_list", context, data_dict)
    data = _validated(data_dict, harvest_decisions.list_schema(), context)
    return harvest_decisions.decision_list(stewards.opd_ids(context), data)


@tk.side_effect_free
def tangerang_harvest_overview(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The harvest sources of the OPDs the caller steers (every OPD's for sysadmins), each with its last job:
    what it added, updated, left unchanged, withdrew and held, its errors, status and duration.

    Held: the deletions the shrink guard holds (a gather error names how many) and the records held for personal
    data (their errors), as the harvesters record them.

    :param owner_org: only this OPD's sources (name or id; optional)
    :type owner_org: string

    :returns: ``{"sources": [...]}``, by name; each source has ``id``, ``name``, ``title``, ``type``,
        ``frequency``, ``owner_org``, ``organization``, ``organization_title``, and its last job's ``job`` (id, or
        ``None`` when it never ran), ``status``, ``started``, ``finished``, ``seconds``, ``added``, ``updated``,
        ``unchanged``, ``withdrawn``, ``held_deletions``, ``held_personal_data``, ``errors`` (records that failed
        plus gather errors), ``object_errors`` and ``gather_errors``
    :rtype: dictionary
    """
    tk.check_access("tangerang_harvest_overview", context, data_dict)
    scope = stewards.opd_ids(context)
    if data_dict.get("owner_org"):
        org = tk.get_action("organization_show")(
            {"ignore_auth": True}, {"id": data_dict["owner_org"], "include_datasets": False}
        )
        scope = [org["id"]]
    return {"sources": harvest_jobs.summaries(owner_orgs=scope)}


@tk.side_effect_free
def tangerang_harvest_job_errors(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Every error of a harvest job, for the stewards of its source's OPD and sysadmins: the gather errors
    first, then the records' errors by GUID, filtered and paged.

    :param id: the id of the harvest job
    :type id: string
    :param stage: only errors of this stage: ``Gather``, ``Fetch``, ``Import`` or ``Validation`` (optional)
    :type stage: string
    :param q: only errors whose message or record GUID contains this text, any case (optional)
    :type q: string
    :param limit: at most this many errors (optional, default 50, at most 1000)
    :type limit: int
    :param offset: skip this many errors (optional, default 0)
    :type offset: int

    :returns: ``job`` (``id``, ``status``, ``created``, ``finished``, and its ``source``'s ``id``, ``name``,
        ``title`` and ``owner_org``), ``count`` (all matching errors) and ``errors``; each error has ``stage``,
        ``message`` (the source's host replaced for stewards who are not the OPD's admins, to whom a source's URL
        stays private), ``created``, ``hold`` (``"deletions"``, ``"personal_data"`` or ``None``), ``guid`` and
        ``upstream_id`` (``None`` for gather errors) and ``dataset`` (``name``, ``title``, ``type``; ``None``
        when the error concerns no dataset the portal shows)
    :rtype: dictionary
    """
    tk.check_access("tangerang_harvest_job_errors", context, data_dict)
    data = _validated(data_dict, harvest_jobs.errors_schema(), context)
    found = harvest_jobs.job_source(data["id"])
    if found is None:
        raise tk.ObjectNotFound("Tugas panen tidak ditemukan. / Harvest job not found.")
    errors = harvest_jobs.job_errors(
        data["id"],
        found["owner_org"],
        stage=data.get("stage"),
        q=data.get("q"),
        limit=min(data["limit"], harvest_jobs.MAX_LIMIT),
        offset=data["offset"],
    )
    if not harvest_sources.is_source_admin(context, found["owner_org"]):
        errors["errors"] = harvest_jobs.without_source_host(errors["errors"], found["url"])
    job = {
        "id": data["id"],
        **{key: found[key] for key in ("status", "created", "finished")},
        "source": {key: found[key] for key in ("id", "name", "title", "owner_org")},
    }
    return {"job": job, **errors}


@tk.side_effect_free
def tangerang_aplikasi_ranking(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The city's applications ranked by monthly active users in their latest reported month, with their
    monthly series, the "dalam kajian" rule's verdict and reason, and how many public datasets each publishes:
    for the data stewards of any OPD and the walidata.

    :param tampil: ``semua`` (every application, the default), ``kajian`` (those the rule flags) or
        ``tanpa-dataset`` (those that publish no public dataset)
    :type tampil: string

    :returns: ``tampil``, ``counts`` (applications in each of the three views), the rule's ``min_users`` and
        ``drop_percent``, and ``applications``; each has ``rank`` (in the whole ranking), ``name``, ``title``,
        ``organization``, ``organization_title``, ``bulan`` and ``pengguna_aktif`` (its latest month, ``None``
        without figures), ``series`` (``bulan``, ``pengguna_aktif``, ``transaksi`` per month), ``kajian``
        (``flagged``, ``low``, ``falling``, ``avg_last``, ``avg_prev``, ``drop_percent``) and ``datasets``
    :rtype: dictionary
    """
    tk.check_access("tangerang_aplikasi_ranking", context, data_dict)
    data = _validated(data_dict, aplikasi_ranking.ranking_schema(), context)
    return aplikasi_ranking.ranking(context, data.get("tampil") or aplikasi_ranking.ALL)


@tk.side_effect_free
def tangerang_quality_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A dataset's quality score (0-100) with its parts and what to do to raise each: Satu Data's data
    standard, metadata completeness, interoperability and reference codes, freshness, reachable resources and the
    data.europa.eu MQA of its DCAT output (``ckanext/tangerang/quality/score.py`` has the weights). Recomputed
    on every change and daily (``ckan tangerang quality refresh``).

    Whoever may see the dataset may see its score; for anyone else the dataset is not found.

    :param id: the dataset (name or id)
    :type id: string

    :returns: ``id``, ``name``, ``score``, ``parts`` (each ``key``, ``label`` ``{"id", "en"}``, ``points``,
        ``max`` and ``advice``, a list of ``{"id", "en"}``), ``advice`` (every part's, in order) and
        ``computed_at`` (UTC, ISO 8601)
    :rtype: dictionary
    """
    package_id = tk.get_or_bust(data_dict, "id")
    try:
        tk.check_access("tangerang_quality_show", context, data_dict)
    except (tk.NotAuthorized, tk.ObjectNotFound):  # the same answer whether it exists or is hidden
        raise tk.ObjectNotFound(visibility.NOT_FOUND) from None
    return quality.show(package_id)


@tk.side_effect_free
def tangerang_quality_report(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The quality of the datasets a data steward looks after: how many have a score, their mean, how they
    spread over buckets of 20 points, and the lowest-scoring ones with the first thing to do for each.

    Sysadmins (the walidata) see every OPD's; a member of an OPD who may create datasets there sees that OPD's
    (all of their OPDs' without ``owner_org``), tertutup datasets included. Anonymous callers are refused.

    :param owner_org: only this OPD's datasets (name or id; optional)
    :type owner_org: string
    :param rows: how many of the lowest-scoring datasets to return (optional, default 10, at most 100)
    :type rows: int

    :returns: ``count``, ``mean`` (None without datasets), ``distribution`` (``[{"from", "to", "count"}]``) and
        ``lowest`` (``[{"name", "title", "organization", "score", "advice": {"id", "en"} or None}]``, lowest
        first)
    :rtype: dictionary
    """
    tk.check_access("tangerang_quality_report", context, data_dict)
    data = _validated(data_dict, quality.report_schema(), context)
    owner_org = data.get("owner_org")
    if owner_org:
        org = tk.get_action("organization_show")(
            {"user": context.get("user")}, {"id": owner_org, "include_datasets": False}
        )
        org_ids: list[str] | None = [org["id"]]
    else:
        org_ids = stewards.opd_ids(context)
    return quality.report(org_ids, min(data.get("rows", 10), 100))


@tk.side_effect_free
def tangerang_stats(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The catalogue in figures: how many datasets and applications, and datasets by sector, access class and
    OPD, applications by group, as the caller may see them (a tertutup dataset counts only for its OPD's
    members and sysadmins). Labels are Indonesian, English under ``/en/``.

    :returns: ``datasets`` and ``applications`` (totals); ``by_sector`` (``code``, ``label``, ``count``;
        sectors with datasets, most first), ``by_opd`` (``name``, ``title``, ``count`` of datasets and
        applications; most first), ``by_access`` (``code``, ``label``, ``count``; every access class) and
        ``by_kelompok`` (``code``, ``label``, ``count``; every application group)
    :rtype: dictionary
    """
    tk.check_access("tangerang_stats", context, data_dict)
    return catalog.stats(context)


@tk.side_effect_free
def tangerang_aplikasi_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The city's applications, one page at a time, each with how many datasets name it as their source
    (those the caller may see) and its latest reported usage.

    :param q: only applications matching this search text (optional)
    :type q: string
    :param kelompok: only this group: ``e-government`` or ``layanan-publik`` (optional)
    :type kelompok: string
    :param status: only this status: ``aktif``, ``dalam-kajian`` or ``dihentikan`` (optional)
    :type status: string
    :param limit: how many applications to return (optional, default 20, at most 100)
    :type limit: int
    :param offset: skip this many applications (optional, default 0)
    :type offset: int
    :param sort: ``pengguna_aktif_terakhir desc`` (most active users last month first, the default),
        ``pengguna_aktif_terakhir asc``, ``title_string asc``, ``title_string desc`` or
        ``metadata_modified desc``; ties by title
    :type sort: string

    :returns: ``count`` (all matching applications) and ``results``, each with ``name``, ``title``,
        ``kelompok``, ``status_aplikasi``, ``url`` (its web address, else its first platform's; ``None``
        without one), ``datasets`` and ``latest_usage`` (``{"month": "YYYY-MM", "users": int}``, ``None``
        without usage figures)
    :rtype: dictionary
    """
    tk.check_access("tangerang_aplikasi_list", context, data_dict)
    return catalog.aplikasi_list(context, _validated(data_dict, catalog.aplikasi_list_schema(), context))


@tk.side_effect_free
def tangerang_aplikasi_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """An application with the datasets that name it as their source, those the caller may see: the first 100
    by title, and how many there are in all (page through the rest with ``package_search`` and
    ``fq=aplikasi_sumber:"<name>"``).

    :param id: the application (name or id); a dataset that is not an application is not found
    :type id: string

    :returns: the application as ``package_show`` gives it, with ``datasets`` (``name``, ``title``,
        ``klasifikasi``, ``metadata_modified`` of each, at most 100) and ``dataset_count`` (all of them)
    :rtype: dictionary
    """
    app_id = tk.get_or_bust(data_dict, "id")
    tk.check_access("tangerang_aplikasi_show", context, data_dict)
    return catalog.aplikasi_show(context, app_id)
