"""Harvest sources belong to their OPD's admins, and the ckanext-harvest 1.6.3 actions around them work on
CKAN 2.12: who may see a source, how it is saved, listed and reindexed, and what its log writes.

A source's URL and config describe a city system's internals, so a source is always a private dataset of its
OPD (enforced when it is created or updated, whatever the path: API, form, CLI), and of a private dataset CKAN
would show it to every member of the OPD: for a source, the rule is narrower, **sysadmins and the OPD's admins
only**. It is applied where every path meets it: the core auth functions ``package_show``/``_create``/
``_update``/``_delete`` (which ckanext-harvest's own source, job and report checks forward to) and the
permission labels that filter searches and activity streams (``admin-<org>`` instead of ``member-<org>``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import ckan.authz as authz
import ckan.logic as logic
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthFunction, AuthResult, Context, DataDict

log = logging.getLogger(__name__)

SOURCE_TYPE = "harvest"  # ckanext-harvest's dataset type of a source

NEEDS_OPD = "Sumber panen harus dimiliki sebuah OPD. / A harvest source must belong to an OPD."
ALWAYS_PRIVATE = (
    "Sumber panen selalu privat untuk OPD pemiliknya. / A harvest source is always private to its OPD."
)
SYSADMIN_ONLY = "Hanya untuk walidata (sysadmin). / Sysadmins only."
ADMINS_ONLY = (
    "Sumber panen hanya untuk admin OPD pemiliknya dan walidata. / A harvest source is for its OPD's admins "
    "and the walidata only."
)


# --- the rule: a source is a private dataset of its OPD ---------------------------------------------------


def _is_source(data_dict: DataDict) -> bool:
    kind = data_dict.get("type")
    if kind:
        return kind == SOURCE_TYPE
    # package_update and package_patch of an existing dataset may leave the type out.
    ref = data_dict.get("id") or data_dict.get("name")
    package = model.Package.get(ref) if isinstance(ref, str) and ref else None
    return package is not None and package.type == SOURCE_TYPE


def private_when_source(data_dict: DataDict, creating: bool) -> DataDict:
    """Make a harvest source's dataset dict private; a new source, or one given an empty owner, needs an OPD.

    Called by the chained ``package_create``/``package_update`` (logic/action.py), through which every way of
    saving a source passes: ``harvest_source_create/update/patch``, the /harvest forms, the CLI and the demo.
    """
    if not isinstance(data_dict, dict) or not _is_source(data_dict):
        return data_dict
    if (creating or "owner_org" in data_dict) and not data_dict.get("owner_org"):
        raise tk.ValidationError({"owner_org": [NEEDS_OPD]})
    data_dict["private"] = True
    return data_dict


def is_source_admin(context: Context, owner_org: str | None) -> bool:
    """Sysadmins (and internal calls), and admins of the OPD ``owner_org``."""
    user = context.get("user") or ""
    if context.get("ignore_auth") or authz.is_sysadmin(user):
        return True
    return bool(user and owner_org) and authz.has_user_permission_for_group_or_org(owner_org, user, "admin")


def may_read_source(context: Context, source_id: str) -> bool:
    """Sysadmins, and admins of the OPD that owns the source; nobody for a source whose dataset is purged."""
    package = model.Package.get(source_id)
    if package is None or package.type != SOURCE_TYPE:
        return False
    return is_source_admin(context, package.owner_org)


def dataset_labels(dataset: model.Package, default: list[str]) -> list[str]:
    """A source's permission labels: its OPD's admins only (searches, activity streams)."""
    if dataset.type == SOURCE_TYPE and dataset.owner_org:
        return [f"admin-{dataset.owner_org}"]
    return default


def user_labels(user: model.User | None, default: list[str]) -> list[str]:
    """The labels a user reads with: CKAN's, and ``admin-<org>`` for every OPD they are an admin of."""
    if user is None or not getattr(user, "id", None):
        return default
    admin_of = (
        model.Session.query(model.Member.group_id)
        .filter(
            model.Member.table_name == "user",
            model.Member.table_id == user.id,
            model.Member.capacity == "admin",
            model.Member.state == "active",
        )
        .all()
    )
    return [*default, *(f"admin-{group_id}" for (group_id,) in admin_of)]


def make_sources_private(context: Context) -> list[str]:
    """Make every public harvest source private (sources saved before the rule), and reindex every source, so
    that the index carries the admins-only labels. Returns the names made private.

    Each goes through ``harvest_source_patch``, so the rule, the search index and the activity labels follow.
    """
    rows = (
        model.Session.query(model.Package.id, model.Package.name)
        .filter(model.Package.type == SOURCE_TYPE)
        .filter(model.Package.private.is_(False))
        .filter(model.Package.state != "deleted")
        .all()
    )
    changed = []
    for package_id, name in rows:
        tk.get_action("harvest_source_patch")(dict(context), {"id": package_id, "private": True})
        changed.append(name)
    from ckanext.tangerang.logic import access

    sources = model.Session.query(model.Package.id).filter(
        model.Package.type == SOURCE_TYPE, model.Package.state != "deleted"
    )
    for (package_id,) in sources.all():
        tk.get_action("harvest_source_reindex")(dict(context), {"id": package_id})
        access.relabel_activities(package_id)
    model.Session.commit()
    return changed


# --- actions (imported into logic/action.py) -----------------------------------------------------------------


@tk.side_effect_free
@tk.chained_action
def harvest_source_list(original_action, context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """ckanext-harvest's ``harvest_source_list``, limited to the sources the caller may see: all of them for
    sysadmins, their OPD's for OPD admins, none for anyone else. Sources whose dataset was purged are gone.

    (ckanext-harvest lists every source, purged ones included, to anonymous callers and none to OPD members,
    whom it looks for as "publisher" groups; so it is asked for all and the list is filtered here.)

    :param organization_id: only this OPD's sources (optional)
    :type organization_id: string
    :param only_active: only active sources (optional, default: ``False``)
    :type only_active: bool
    :param return_last_job_status: add each source's last job (optional, default: ``False``)
    :type return_last_job_status: bool

    :returns: the sources (``harvest_source`` rows, as ckanext-harvest gives them)
    :rtype: list of dictionaries
    """
    tk.check_access("harvest_source_list", context, data_dict)
    last_job_status = tk.asbool(data_dict.get("return_last_job_status", False))
    everything = original_action({**context, "user": ""}, {**data_dict, "return_last_job_status": False})
    sources = [source for source in everything if may_read_source(context, source["id"])]
    if last_job_status:
        for source in sources:
            status = tk.get_action("harvest_source_show_status")(dict(context), {"id": source["id"]})
            source["last_job_status"] = status.get("last_job") or {}
    return sources


@tk.chained_action
def harvest_source_patch(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Patch a harvest source: the fields given replace the stored ones, the others stay.

    ckanext-harvest 1.6.3 patches through ``package_patch``, which starts from the search index's copy of the
    source and skips ``harvest_source_update`` (so the checks chained onto it). Here the stored source is read
    afresh and saved through ``harvest_source_update``, so a patch and an update are one path. Drop this
    wrapper when ckanext-harvest's own patch goes through ``harvest_source_update``.

    :param id: the id or name of the harvest source
    :type id: string

    Any field of ``harvest_source_update``.

    :returns: the updated harvest source
    :rtype: dictionary
    """
    source_id = tk.get_or_bust(data_dict, "id")
    tk.check_access("harvest_source_patch", context, {"id": source_id})
    show_context = {k: v for k, v in context.items() if k in ("user", "auth_user_obj", "ignore_auth")}
    current = tk.get_action("harvest_source_show")({**show_context, "use_cache": False}, {"id": source_id})
    patched = {k: v for k, v in current.items() if k not in ("status", "organization", "active")}
    patched.pop("metadata_modified", None)
    patched.update(data_dict)
    patched["id"] = current["id"]
    return tk.get_action("harvest_source_update")(context, patched)


@tk.chained_action
def harvest_source_reindex(original_action, context: Context, data_dict: DataDict) -> bool:
    """Reindex a harvest source (``harvest_jobs_run`` does after every job).

    ckanext-harvest 1.6.3 stores the unvalidated source as the index's validated copy on CKAN 2.12, which
    ``package_show`` then answers (extras instead of ``url``/``config``/``source_type`` fields) and
    ``package_patch`` cannot save back. The source is indexed here through CKAN's own path instead.

    :param id: the id or name of the harvest source
    :type id: string
    """
    source_id = tk.get_or_bust(data_dict, "id")
    tk.check_access("harvest_source_reindex", context, {"id": source_id})
    package = model.Package.get(source_id)
    if package is None or package.type != SOURCE_TYPE:
        raise tk.ObjectNotFound("Sumber panen tidak ditemukan. / Harvest source not found.")
    index_context = {"user": context.get("user"), "ignore_auth": True}
    logic.index_update_package(index_context, package.id, defer_commit=bool(context.get("defer_commit")))
    return True


@tk.chained_action
def harvest_abort_failed_jobs(original_action, context: Context, data_dict: DataDict) -> Any:
    """ckanext-harvest's ``harvest_abort_failed_jobs`` (``ckan harvester abort-failed-jobs``), which asks for no
    access at all: for sysadmins only, as running the jobs is.

    :param life_span: days after which a running job of a MANUAL source counts as failed (default 7)
    :type life_span: int
    :param include: only these sources (comma-separated ids)
    :type include: string
    :param exclude: not these sources (comma-separated ids)
    :type exclude: string
    """
    tk.check_access("harvest_abort_failed_jobs", context, data_dict)
    return original_action(context, data_dict)


@tk.chained_action
def bulk_update_public(original_action, context: Context, data_dict: DataDict) -> None:
    """CKAN's ``bulk_update_public``, which sets the flag in SQL, past ``package_update``: refused for a list
    that holds a harvest source, which stays private."""
    ids = data_dict.get("datasets") or []
    if isinstance(ids, list) and ids:
        found = (
            model.Session.query(model.Package.id)
            .filter(model.Package.type == SOURCE_TYPE)
            .filter(
                model.Package.id.in_([str(i) for i in ids]) | model.Package.name.in_([str(i) for i in ids])
            )
            .first()
        )
        if found:
            raise tk.ValidationError({"datasets": [ALWAYS_PRIVATE]})
    return original_action(context, data_dict)


def tangerang_harvest_sources_private(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Make every harvest source private to its OPD: those saved before the portal made sources private
    (``ckan tangerang harvest-sources-private``; idempotent). Sysadmins only.

    :returns: ``{"changed": [names of the sources made private]}``
    :rtype: dictionary
    """
    tk.check_access("tangerang_harvest_sources_private", context, data_dict)
    return {"changed": make_sources_private(context)}


# --- auth functions (imported into logic/auth.py under the names after ``auth_``) ----------------------------


@tk.chained_auth_function
def auth_harvest_log_list(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins only (they pass before this is asked): the log holds sources' URLs and configs.

    ckanext-harvest declares no auth function for it; the action itself stands in (its plugin fills one shared
    dict with actions and auth functions), and it asks for its own access again, so a logged-in user's call
    recursed into a 500."""
    return {"success": False, "msg": SYSADMIN_ONLY}


def auth_tangerang_harvest_sources_private(context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins only (they pass before this is asked)."""
    return {"success": False, "msg": SYSADMIN_ONLY}


def _sysadmins_only(name: str) -> AuthFunction:
    @tk.chained_auth_function
    def auth(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
        return {"success": False, "msg": SYSADMIN_ONLY}

    auth.__name__ = f"auth_{name}"
    auth.__doc__ = (
        f"``{name}`` is for sysadmins (they pass before this is asked). ckanext-harvest's own check looks the "
        "user up and, for an anonymous caller, fails with a 500 instead of answering 403."
    )
    return auth


auth_harvest_abort_failed_jobs = _sysadmins_only("harvest_abort_failed_jobs")
auth_harvest_jobs_run = _sysadmins_only("harvest_jobs_run")
auth_harvest_job_abort = _sysadmins_only("harvest_job_abort")
auth_harvest_job_create_all = _sysadmins_only("harvest_job_create_all")
auth_harvest_objects_import = _sysadmins_only("harvest_objects_import")
auth_harvest_sources_clear = _sysadmins_only("harvest_sources_clear")
auth_harvest_sources_reindex = _sysadmins_only("harvest_sources_reindex")


@tk.chained_auth_function
def auth_harvest_source_patch(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may update the source. (ckanext-harvest means to say so, but its plugin registers the action
    ``harvest_source_patch`` itself as the auth function, which ran the patch and then failed with a 500.)"""
    return authz.is_authorized("harvest_source_update", context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def auth_harvest_source_show(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """A source (and so its status, jobs pages and about page) for sysadmins and its OPD's admins only, also
    while it is still a public dataset (saved before the rule, until ``harvest-sources-private`` runs)."""
    source_id = data_dict.get("id") or ""
    if model.Package.get(source_id) is not None and not may_read_source(context, source_id):
        return {"success": False, "msg": "Sumber panen tidak ditemukan. / Harvest source not found."}
    return next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def auth_harvest_object_list(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """The objects of one source for whoever may read the source; the objects of every source for sysadmins only
    (they pass before this is asked). ckanext-harvest lets everybody list them."""
    source_id = (data_dict or {}).get("source_id") or ""
    if not source_id or not may_read_source(context, source_id):
        return {"success": False, "msg": "Sumber panen tidak ditemukan. / Harvest source not found."}
    return next_auth(context, data_dict)


def _source_rule(next_auth: AuthFunction, context: Context, data_dict: DataDict | None) -> AuthResult:
    package = model.Package.get((data_dict or {}).get("id") or (data_dict or {}).get("name") or "")
    if (
        package is not None
        and package.type == SOURCE_TYPE
        and not is_source_admin(context, package.owner_org)
    ):
        return {"success": False, "msg": ADMINS_ONLY}
    return next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def auth_package_show(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """A harvest source is shown to its OPD's admins and sysadmins only; other datasets as CKAN decides."""
    return _source_rule(next_auth, context, data_dict)


@tk.chained_auth_function
def auth_package_update(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """A harvest source (its URL, config, jobs) is changed by its OPD's admins and sysadmins only."""
    return _source_rule(next_auth, context, data_dict)


@tk.chained_auth_function
def auth_package_delete(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """A harvest source is deleted by its OPD's admins and sysadmins only."""
    return _source_rule(next_auth, context, data_dict)


@tk.chained_auth_function
def auth_package_create(next_auth: AuthFunction, context: Context, data_dict: DataDict | None) -> AuthResult:
    """A harvest source is created by its OPD's admins and sysadmins only."""
    if (data_dict or {}).get("type") == SOURCE_TYPE and not is_source_admin(
        context, data_dict.get("owner_org")
    ):
        return {"success": False, "msg": ADMINS_ONLY}
    return next_auth(context, data_dict)


# --- ckanext-harvest's database log ---------------------------------------------------------------------


class OwnTransactionLogHandler(logging.Handler):
    """Writes ckanext-harvest's log records into ``harvest_log`` in a transaction of their own.

    ckanext-harvest's ``DBLogHandler`` saves each record through the shared session, so every log line commits
    whatever the request is half-way through: ``package_update`` logs from inside its savepoint, which the
    commit closes, so ``harvest_source_update`` answered 500 after storing the dataset but not the source row.
    """

    def emit(self, record: logging.LogRecord) -> None:
        from ckanext.harvest.model import HarvestLog

        try:
            with model.meta.engine.begin() as connection:
                connection.execute(
                    HarvestLog.__table__.insert().values(
                        id=model.types.make_uuid(),
                        level=record.levelname,
                        content=self.format(record),
                        created=dt.datetime.utcnow(),
                    )
                )
        except Exception:  # a log line must never break what it reports on
            self.handleError(record)


def log_in_own_transaction() -> None:
    """Swap ckanext-harvest's database log handlers (``ckan.harvest.log_scope``) for ``OwnTransactionLogHandler``.

    ckanext-harvest attaches them when it is configured; this runs when the portal's blueprints are registered,
    after every plugin is configured, in the web app and in every ``ckan`` command (the harvest consumers too).
    """
    from ckanext.harvest.log import DBLogHandler

    for name in list(logging.root.manager.loggerDict):
        if not name.startswith("ckanext.harvest"):
            continue
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if isinstance(handler, DBLogHandler):
                logger.removeHandler(handler)
                replacement = OwnTransactionLogHandler(level=handler.level)
                replacement.setFormatter(handler.formatter)
                logger.addHandler(replacement)


# --- job reports: records recognised as unchanged in the gather stage -----------------------------------------


def _with_unchanged(job: dict[str, Any] | None) -> dict[str, Any] | None:
    """A job dict whose ``stats["not modified"]`` also counts the records its gather skipped as unchanged
    (harvesters/unchanged.py): they have no harvest object for ckanext-harvest to count."""
    if not job or not isinstance(job.get("stats"), dict) or not job.get("id"):
        return job
    from ckanext.tangerang.harvesters import unchanged

    skipped = unchanged.skipped_count(job["id"])
    if skipped:
        job["stats"]["not modified"] = job["stats"].get("not modified", 0) + skipped
    return job


@tk.side_effect_free  # as ckanext-harvest's own: answered on GET
@tk.chained_action
def harvest_job_show(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """ckanext-harvest's ``harvest_job_show``; ``stats["not modified"]`` counts the records the gather skipped."""
    return _with_unchanged(original_action(context, data_dict))


@tk.side_effect_free  # as ckanext-harvest's own: answered on GET
@tk.chained_action
def harvest_job_list(original_action, context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """ckanext-harvest's ``harvest_job_list``; ``stats["not modified"]`` counts the records the gather skipped."""
    return [_with_unchanged(job) for job in original_action(context, data_dict)]


@tk.side_effect_free  # as ckanext-harvest's own: answered on GET
@tk.chained_action
def harvest_source_show_status(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """ckanext-harvest's ``harvest_source_show_status``; the last job's ``stats["not modified"]`` counts the
    records its gather skipped."""
    status = original_action(context, data_dict)
    if isinstance(status, dict):
        _with_unchanged(status.get("last_job"))
    return status
