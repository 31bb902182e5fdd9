"""Auth functions: the DataStore's and ckanext-harvest's chained so that access classes and harvest-source privacy
hold on them, OPD and group creation for the walidata, collaborator checks that answer anonymous callers, and the
stewards' review of applications."""

from __future__ import annotations

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.tangerang.bilingual import msg
from ckanext.tangerang.logic import access, hardening, harvest_decisions, harvest_jobs, harvest_sources

# The blanket in plugin.py registers exactly these names as auth functions (imported ones included): add yours here.
__all__ = [
    "datastore_info",
    "datastore_search",
    "group_create",
    "harvest_abort_failed_jobs",
    "harvest_job_abort",
    "harvest_job_create_all",
    "harvest_jobs_run",
    "harvest_log_list",
    "harvest_object_list",
    "harvest_object_show",
    "harvest_objects_import",
    "harvest_source_patch",
    "harvest_source_show",
    "harvest_sources_clear",
    "harvest_sources_reindex",
    "organization_create",
    "package_collaborator_create",
    "package_collaborator_delete",
    "package_collaborator_list",
    "package_create",
    "package_delete",
    "package_show",
    "package_update",
    "tangerang_aplikasi_list",
    "tangerang_aplikasi_ranking",
    "tangerang_aplikasi_review",
    "tangerang_aplikasi_show",
    "tangerang_bulk_update",
    "tangerang_dasbor",
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
]

# ckanext-harvest's actions whose auth is missing, runs the action itself, or crashes for anonymous callers
# (harvest_sources.py says which and why).
harvest_abort_failed_jobs = harvest_sources.auth_harvest_abort_failed_jobs
harvest_job_abort = harvest_sources.auth_harvest_job_abort
harvest_job_create_all = harvest_sources.auth_harvest_job_create_all
harvest_jobs_run = harvest_sources.auth_harvest_jobs_run
harvest_log_list = harvest_sources.auth_harvest_log_list
harvest_object_list = harvest_sources.auth_harvest_object_list
harvest_objects_import = harvest_sources.auth_harvest_objects_import
harvest_source_patch = harvest_sources.auth_harvest_source_patch
harvest_source_show = harvest_sources.auth_harvest_source_show
harvest_sources_clear = harvest_sources.auth_harvest_sources_clear
harvest_sources_reindex = harvest_sources.auth_harvest_sources_reindex
tangerang_harvest_sources_private = harvest_sources.auth_tangerang_harvest_sources_private
# A harvest source is its OPD's admins' (and ckanext-harvest's own checks forward to these four).
package_create = harvest_sources.auth_package_create
package_delete = harvest_sources.auth_package_delete
package_show = harvest_sources.auth_package_show
package_update = harvest_sources.auth_package_update


def _withheld(context: Context, resource_id: str | None) -> bool:
    if resource_id == "_table_metadata":
        # The DataStore's list of every table, tertutup datasets' included: sysadmins only.
        return not authz.is_sysadmin(context.get("user") or "")
    return bool(resource_id) and access.resource_is_withheld(context, resource_id)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    if _withheld(context, data_dict.get("resource_id")):
        return {"success": False, "msg": access.LIMITED_ACCESS_MSG}
    return next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_info(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    if _withheld(context, data_dict.get("id") or data_dict.get("resource_id")):
        return {"success": False, "msg": access.LIMITED_ACCESS_MSG}
    return next_auth(context, data_dict)


@tk.auth_allow_anonymous_access
def tangerang_resource_access_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone who may see the resource's metadata may ask whether they may download it."""
    return authz.is_authorized("resource_show", context, {"id": data_dict.get("id")})


@tk.auth_allow_anonymous_access
def tangerang_download_counts(context: Context, data_dict: DataDict) -> AuthResult:
    """Counts are public metadata: anyone may ask; the action counts only what the caller may read."""
    return {"success": True}


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


def _steward(context: Context, owner_org: str | None, log_in: str, refused: str) -> AuthResult:
    """The data-steward rule: members who may create datasets in ``owner_org``, or in some OPD when none is
    named; sysadmins (the walidata) are let through by CKAN before asking. Each refusal says why."""
    if authz.auth_is_anon_user(context):
        return {"success": False, "msg": log_in}
    user = context["user"]
    if owner_org:
        allowed = authz.has_user_permission_for_group_or_org(owner_org, user, "create_dataset")
    else:
        allowed = authz.has_user_permission_for_some_org(user, "create_dataset")
    return _allowed_or(allowed, refused)


@tk.auth_allow_anonymous_access
def tangerang_aplikasi_review(context: Context, data_dict: DataDict) -> AuthResult:
    """The applications the "dalam kajian" rule flags, and the ranking of all applications that shows them
    (``/dasbor/aplikasi``, where ``/aplikasi-kajian`` leads), are for data stewards of any OPD."""
    return _steward(
        context,
        None,
        msg(
            "Masuk sebagai pengelola data untuk melihat halaman ini.",
            "Log in as a data steward to see this page.",
        ),
        msg(
            "Halaman ini untuk pengelola data OPD dan walidata.",
            "This page is for data stewards of an OPD and the walidata.",
        ),
    )


# The applications' ranking (tangerang_aplikasi_ranking) is for the same stewards as the review.
tangerang_aplikasi_ranking = tangerang_aplikasi_review


@tk.auth_allow_anonymous_access  # so that an anonymous visitor gets the reason, not CKAN's generic refusal
def tangerang_dasbor(context: Context, data_dict: DataDict) -> AuthResult:
    """The stewards' dashboard (``/dasbor``) is for data stewards of the OPD asked for (or of some OPD) and the
    walidata; what each tab shows is kept to the steward's OPDs by the actions it reads."""
    return _steward(
        context,
        data_dict.get("owner_org"),
        msg(
            "Masuk sebagai pengelola data untuk melihat dasbor ini.",
            "Log in as a data steward to see this dashboard.",
        ),
        msg(
            "Dasbor ini untuk pengelola data OPD dan walidata.",
            "This dashboard is for data stewards of an OPD and the walidata.",
        ),
    )


@tk.auth_allow_anonymous_access  # so that an anonymous caller gets the reason, not CKAN's generic refusal
def tangerang_bulk_update(context: Context, data_dict: DataDict) -> AuthResult:
    """Bulk curation is for data stewards of some OPD and the walidata; the action keeps each dataset to the
    OPDs the caller stewards and asks ``package_update`` of each."""
    return _steward(
        context,
        None,
        msg(
            "Masuk sebagai pengelola data untuk mengubah dataset.",
            "Log in as a data steward to change datasets.",
        ),
        msg(
            "Perubahan massal untuk pengelola data OPD dan walidata.",
            "Bulk changes are for data stewards of an OPD and the walidata.",
        ),
    )


_HARVEST_LOG_IN = msg(
    "Masuk sebagai pengelola data untuk melihat hasil panen.",
    "Log in as a data steward to see harvest results.",
)
_HARVEST_REFUSED = msg(
    "Hasil panen ini untuk pengelola data OPD pemilik sumbernya dan walidata.",
    "These harvest results are for the data stewards of the OPD that owns the source and the walidata.",
)


@tk.auth_allow_anonymous_access  # so that an anonymous caller gets the reason, not CKAN's generic refusal
def tangerang_harvest_overview(context: Context, data_dict: DataDict) -> AuthResult:
    """The harvest tab is for the data stewards of the OPD asked for (or of some OPD, who see their OPDs'
    sources) and the walidata."""
    return _steward(context, data_dict.get("owner_org"), _HARVEST_LOG_IN, _HARVEST_REFUSED)


@tk.auth_allow_anonymous_access  # so that an anonymous caller gets the reason, not CKAN's generic refusal
def tangerang_harvest_job_errors(context: Context, data_dict: DataDict) -> AuthResult:
    """A job's errors are for the data stewards of the OPD that owns its source and the walidata; an unknown
    job is refused as another OPD's is, so that the answer tells nothing."""
    found = harvest_jobs.job_source(data_dict.get("id") or "")
    if found is None or not found["owner_org"]:
        return {
            "success": False,
            "msg": _HARVEST_LOG_IN if authz.auth_is_anon_user(context) else _HARVEST_REFUSED,
        }
    return _steward(context, found["owner_org"], _HARVEST_LOG_IN, _HARVEST_REFUSED)


def _allowed_or(allowed: bool, reason: str) -> AuthResult:
    return {"success": True} if allowed else {"success": False, "msg": reason}


@tk.auth_allow_anonymous_access  # so that an anonymous caller gets the reason, not CKAN's generic refusal
def tangerang_link_check_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Link check results are for data stewards of the OPD asked for (or of some OPD; the action shows them
    their OPDs' resources only) and the walidata."""
    return _steward(
        context,
        data_dict.get("organization"),
        msg("Masuk sebagai pengelola data untuk melihat hasil ini.", "Log in as a data steward to see them."),
        msg(
            "Hasil pemeriksaan tautan hanya untuk pengelola data OPD dan walidata",
            "Link check results are only for data stewards of the OPD and the walidata",
        ),
    )


def tangerang_link_check_run(context: Context, data_dict: DataDict) -> AuthResult:
    """Checking again is for those who may edit the dataset, or the OPD's editors and admins; checking every
    dataset is for sysadmins only, whom CKAN lets through before asking."""
    if data_dict.get("package"):
        allowed = authz.is_authorized("package_update", context, {"id": data_dict["package"]})["success"]
    else:
        organization = data_dict.get("organization")
        allowed = bool(organization) and authz.has_user_permission_for_group_or_org(
            organization, context.get("user") or "", "update_dataset"
        )
    return _allowed_or(
        allowed,
        msg(
            "Hanya pengelola data OPD pemilik atau walidata yang dapat memeriksa tautan",
            "Only the owning OPD's data stewards or the walidata may check links",
        ),
    )


@tk.auth_allow_anonymous_access  # so that an anonymous caller gets the reason, not CKAN's generic refusal
def tangerang_overdue_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The overdue list is for data stewards of the OPD asked for (or of some OPD)."""
    return _steward(
        context,
        data_dict.get("owner_org"),
        msg("Masuk sebagai pengelola data untuk melihat daftar ini.", "Log in as a data steward to see it."),
        msg(
            "Daftar ini untuk pengelola data OPD tersebut dan walidata.",
            "This list is for the data stewards of that OPD and the walidata.",
        ),
    )


_LOG_IN_TO_DECIDE = msg(
    "Masuk sebagai pengelola data untuk melihat keputusan panen.",
    "Log in as a data steward to see harvest decisions.",
)


@tk.auth_allow_anonymous_access  # so that an anonymous caller gets the reason, not CKAN's generic refusal
def tangerang_harvest_hold_list(context: Context, data_dict: DataDict) -> AuthResult:
    """What the harvests hold is for the data stewards of the OPD asked for (or of some OPD); the action keeps
    each to their OPDs' sources."""
    return _steward(
        context,
        data_dict.get("owner_org"),
        _LOG_IN_TO_DECIDE,
        msg(
            "Penahanan panen hanya untuk pengelola data OPD pemilik sumber dan walidata.",
            "Harvest holds are only for the data stewards of the source's OPD and the walidata.",
        ),
    )


@tk.auth_allow_anonymous_access
def tangerang_harvest_decision_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The audit trail is for the data stewards of the OPD asked for (or of some OPD); the action keeps each to
    their OPDs' sources."""
    return _steward(
        context,
        data_dict.get("owner_org"),
        _LOG_IN_TO_DECIDE,
        msg(
            "Riwayat keputusan panen hanya untuk pengelola data OPD dan walidata.",
            "The harvest decisions are only for the data stewards of an OPD and the walidata.",
        ),
    )


@tk.auth_allow_anonymous_access
def tangerang_harvest_decision(context: Context, data_dict: DataDict) -> AuthResult:
    """A hold is decided by the data stewards of the OPD that owns its harvest source, and sysadmins (whom CKAN
    lets through before asking). A hold that does not exist is refused as one of another OPD: nothing is
    learned about other OPDs' holds."""
    owner_org = harvest_decisions.hold_owner_org(str(data_dict.get("id") or ""))
    refused = msg(
        "Penahanan ini tidak ada atau bukan milik sumber panen OPD Anda.",
        "This hold does not exist or does not belong to a harvest source of your OPD.",
    )
    if not owner_org:
        return {"success": False, "msg": _LOG_IN_TO_DECIDE if authz.auth_is_anon_user(context) else refused}
    return _steward(context, owner_org, _LOG_IN_TO_DECIDE, refused)


@tk.auth_allow_anonymous_access
def tangerang_quality_show(context: Context, data_dict: DataDict) -> AuthResult:
    """A dataset's quality score is for whoever may see the dataset."""
    return authz.is_authorized("package_show", context, {"id": data_dict.get("id")})


# The quality report is for the same people as the overdue list: data stewards of the OPD asked for (or of some OPD).
tangerang_quality_report = tangerang_overdue_list


@tk.auth_allow_anonymous_access
def tangerang_stats(context: Context, data_dict: DataDict) -> AuthResult:
    """The catalogue's counts, lists and applications are for everyone: what each caller is shown is what their
    searches find, so access classes hold."""
    return {"success": True}


# The application list and an application's page read the same public catalogue as the counts.
tangerang_aplikasi_list = tangerang_stats
tangerang_aplikasi_show = tangerang_stats
