"""Access classes (klasifikasi) beyond CKAN's private flag.

tertutup datasets are private, so CKAN itself keeps them from everyone but the owning OPD and sysadmins.
terbatas datasets have public metadata but their data is for the owning OPD's members and sysadmins only:
this module decides who may download, and takes the data out of what everyone else is shown.
"""

from __future__ import annotations

import json
from typing import Any

import ckan.authz as authz
import ckan.plugins as p
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.types import Context

from ckanext.tangerang.bilingual import msg

LIMITED = "terbatas"
# Why a terbatas dataset's data (a DataStore table, an activity diff) is refused to those who may not download it.
LIMITED_ACCESS_MSG = msg(
    "Akses data terbatas untuk perangkat daerah pemilik.", "Data access is limited to the owning OPD."
)
# Keys of a resource dict, or of a flattened Solr result, that lead to the data itself. download_url and
# access_url are what the DCAT harvester brings from dcat:downloadURL and dcat:accessURL.
RESOURCE_DATA_KEYS = ("url", "download_url", "access_url")


def _user_name(context: Context) -> str | None:
    user = context.get("user")
    if user:
        return user
    try:
        return tk.current_user.name if tk.current_user and tk.current_user.is_authenticated else None
    except (RuntimeError, AttributeError):
        return None


def may_download(context: Context, owner_org: str | None) -> bool:
    """Whether the context's user may have the data of a terbatas dataset of ``owner_org``.

    Sysadmins may; so may members of the owning OPD in any capacity. Internal calls (``ignore_auth``, e.g. the
    search indexer or a harvester running as the site user) are not a visitor and see everything.
    """
    if context.get("ignore_auth"):
        return True
    user = _user_name(context)
    if not user:
        return False
    if authz.is_sysadmin(user):
        return True
    if not owner_org:
        return False
    cache = context.setdefault("__tangerang_org_access", {})  # type: ignore[typeddict-item]
    if owner_org not in cache:
        cache[owner_org] = authz.has_user_permission_for_group_or_org(owner_org, user, "read")
    return cache[owner_org]


def is_limited(pkg: dict[str, Any]) -> bool:
    """Whether a dataset dict (an activity's snapshot) says terbatas, as a field or as an extra."""
    extras = pkg.get("extras") if isinstance(pkg.get("extras"), list) else []
    declared = [
        pkg.get("klasifikasi"),
        *(e.get("value") for e in extras if isinstance(e, dict) and e.get("key") == "klasifikasi"),
    ]
    return LIMITED in declared


def limited_notice(pkg: dict[str, Any]) -> dict[str, Any]:
    """What a visitor who may not download a terbatas dataset is told: why, and whom to ask."""
    org = pkg.get("organization") if isinstance(pkg.get("organization"), dict) else {}
    return {
        "unduh": False,
        "pesan": (
            "Akses data terbatas: berkas dan tabel hanya untuk perangkat daerah pemilik. "
            "Ajukan permintaan kepada produsen data atau walidata. / Limited access: files and tables are "
            "for the owning OPD only. Ask the data producer or the walidata."
        ),
        "produsen_data": {
            "nama": pkg.get("produsen_data_nama") or org.get("title"),
            "email": pkg.get("produsen_data_email"),
        },
        "walidata": {
            "nama": pkg.get("walidata_nama") or tk.config.get("ckanext.tangerang.portal.walidata_name"),
            "email": pkg.get("walidata_email") or tk.config.get("ckanext.tangerang.portal.walidata_email"),
        },
    }


# What an outsider receives of a terbatas dataset is built from these allow-lists, never by removing known keys:
# a key that is not named here (a Solr alias, a stored blob such as data_dict, a new resource extra) does not
# reach them. The schema's own fields (public metadata by the brief) are allowed on top of these.
CORE_DATASET_KEYS = frozenset(
    (
        "id", "name", "title", "type", "state", "private", "owner_org", "organization", "notes", "tags", "groups",
        "license_id", "license_title", "license_url", "isopen", "author", "author_email", "maintainer",
        "maintainer_email", "version", "metadata_created", "metadata_modified", "creator_user_id", "num_resources",
        "num_tags", "relationships_as_object", "relationships_as_subject", "extras", "resources",
    )
)  # fmt: skip
CORE_RESOURCE_KEYS = frozenset(
    (
        "id", "package_id", "name", "description", "format", "mimetype", "mimetype_inner", "size", "hash",
        "created", "last_modified", "metadata_modified", "position", "state", "url_type", "resource_type",
        "cache_last_updated", "datastore_active",
    )
)  # fmt: skip
# Flattened Solr documents (package_search with `fl`): the index fields that carry public metadata.
INDEX_KEYS = frozenset(
    (
        "id", "name", "title", "title_string", "notes", "organization", "owner_org", "groups", "tags",
        "res_name", "res_description", "res_format", "num_resources", "num_tags", "dataset_type", "capacity",
        "metadata_created", "metadata_modified", "license_id", "license", "state", "version", "score",
        "kecamatan", "platform_jenis", "index_id",
    )
)  # fmt: skip
# A withheld value shorter than this is not a secret worth scrubbing (and would blank unrelated text).
MIN_SECRET_LENGTH = 8


def _schema_fields(dataset_type: str | None) -> tuple[frozenset[str], frozenset[str]]:
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema(dataset_type or "dataset") or {}
    dataset = frozenset(f["field_name"] for f in schema.get("dataset_fields", []))
    resource = frozenset(f["field_name"] for f in schema.get("resource_fields", [])) - set(RESOURCE_DATA_KEYS)
    return dataset, resource


def resource_metadata_fields(dataset_type: str | None = None) -> frozenset[str]:
    """The schema's resource fields that describe a resource rather than lead to its data."""
    return _schema_fields(dataset_type)[1]


_WITHHELD_SQL = sa.text(
    "SELECT p.id, p.owner_org, r.url, r.url_type, r.extras FROM package p"
    " LEFT JOIN resource r ON r.package_id = p.id"
    " WHERE p.id = ANY(:ids) AND p.extras ->> 'klasifikasi' = :limited"
)


def withheld_datasets(context: Context, ids: list[str]) -> dict[str, set[str]]:
    """Of the datasets ``ids``, those whose data the context's user may not have, each with the values it
    withholds (its resources' URLs, also of deleted resources). The class is read from the database, never from
    the dict a caller shaped (``use_default_schema`` turns the class into an extra)."""
    ids = [i for i in dict.fromkeys(ids) if isinstance(i, str)]
    if not ids or context.get("ignore_auth"):
        return {}
    # One query, and one that returns nothing for a page without terbatas datasets: the class is compared in
    # PostgreSQL, so the other datasets' extras are never sent or parsed. Plain SQL, as every search page and API
    # search runs it: SQLAlchemy's statement building took three times as long as the query (0.7 of 2.5 ms).
    rows = model.Session.execute(_WITHHELD_SQL, {"ids": ids, "limited": LIMITED})
    withheld: dict[str, set[str]] = {}
    for pkg_id, owner_org, url, url_type, extras in rows:
        if pkg_id not in withheld:
            if may_download(context, owner_org):
                continue
            withheld[pkg_id] = set()
        # An upload's url is its bare file name, served only through the guarded download route.
        values = [] if url_type == "upload" else [url]
        extras = json.loads(extras) if isinstance(extras, str) else extras
        values += [(extras or {}).get(key) for key in RESOURCE_DATA_KEYS]
        withheld[pkg_id].update(v for v in values if isinstance(v, str) and len(v) >= MIN_SECRET_LENGTH)
    return withheld


def scrub(value: Any, secrets: set[str]) -> Any:
    """``value`` with every string that holds a withheld value blanked, at any depth."""
    if not secrets:
        return value
    if isinstance(value, str):
        return "" if any(secret in value for secret in secrets) else value
    if isinstance(value, list):
        return [scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v, secrets) for k, v in value.items()}
    return value


def public_view(pkg: dict[str, Any], secrets: set[str]) -> dict[str, Any]:
    """What an outsider may know of a terbatas dataset: its metadata, never its data. Built from the allow-lists."""
    dataset_fields, resource_fields = _schema_fields(pkg.get("type"))
    allowed = CORE_DATASET_KEYS | dataset_fields
    out = {k: v for k, v in pkg.items() if k in allowed}
    if isinstance(out.get("extras"), list):
        out["extras"] = [e for e in out["extras"] if isinstance(e, dict) and e.get("key") in dataset_fields]
    resources = []
    for resource in out.get("resources") or []:
        if not isinstance(resource, dict):
            continue
        kept = {k: v for k, v in resource.items() if k in CORE_RESOURCE_KEYS | resource_fields}
        kept.update({key: "" for key in RESOURCE_DATA_KEYS}, datastore_active=False, akses_terbatas=True)
        resources.append(kept)
    if "resources" in out:
        out["resources"] = resources
    out = scrub(out, secrets)
    out["akses_terbatas"] = limited_notice(out)
    return out


def public_index_view(doc: dict[str, Any], secrets: set[str]) -> dict[str, Any]:
    """The same for a flattened Solr document (``package_search`` with ``fl``)."""
    dataset_fields, _ = _schema_fields(doc.get("dataset_type"))
    allowed = INDEX_KEYS | dataset_fields | {f"extras_{f}" for f in dataset_fields}
    out = scrub({k: v for k, v in doc.items() if k in allowed}, secrets)
    out["akses_terbatas"] = limited_notice(out)
    return out


def redact_dataset(context: Context, pkg: dict[str, Any]) -> dict[str, Any]:
    """The dataset dict a visitor may see: unchanged, or (in place) its public view when it is terbatas and they
    may not download its data. The class comes from the database by the dict's id."""
    secrets = withheld_datasets(context, [pkg.get("id")])
    if pkg.get("id") in secrets:
        # In place: package_show's hook callers keep the dict they passed, not the one returned.
        view = public_view(pkg, secrets[pkg["id"]])
        pkg.clear()
        pkg.update(view)
    return pkg


def redact_search_results(
    context: Context, results: list[dict[str, Any]], flat: bool
) -> list[dict[str, Any]]:
    """Search results a visitor may see, with one database query for the whole page."""
    secrets = withheld_datasets(context, [r.get("id") for r in results])
    if not secrets:
        return results
    view = public_index_view if flat else public_view
    return [view(r, secrets[r["id"]]) if r.get("id") in secrets else r for r in results]


def package_is_withheld(context: Context, package_id: str) -> bool:
    """Whether the dataset is terbatas now and the context's user may not download its data."""
    package = model.Package.get(package_id)
    if package is None:
        return False
    return (package.extras or {}).get("klasifikasi") == LIMITED and not may_download(
        context, package.owner_org
    )


def resource_secrets(pkg: dict[str, Any]) -> set[str]:
    """The values a terbatas dataset dict withholds: its resources' URLs (an upload's bare file name aside)."""
    values = set()
    for resource in pkg.get("resources") or []:
        if not isinstance(resource, dict):
            continue
        keys = RESOURCE_DATA_KEYS[1:] if resource.get("url_type") == "upload" else RESOURCE_DATA_KEYS
        values.update(resource.get(k) for k in keys)
    return {v for v in values if isinstance(v, str) and len(v) >= MIN_SECRET_LENGTH}


def redact_activity(context: Context, activity: dict[str, Any]) -> dict[str, Any]:
    """The dataset snapshot an activity carries, as its public view when the dataset was terbatas then or is
    terbatas now and the visitor may not download its data (in place)."""
    snapshot = (activity.get("data") or {}).get("package")
    if not isinstance(snapshot, dict):
        return activity
    package_id = activity.get("object_id") or snapshot.get("id")
    now = withheld_datasets(context, [package_id])
    then = is_limited(snapshot) and not may_download(context, snapshot.get("owner_org"))
    if package_id in now or then:
        secrets = now.get(package_id, set()) | resource_secrets(snapshot)
        activity["data"]["package"] = public_view(snapshot, secrets)
    return activity


def resource_is_withheld(context: Context, resource_id: str) -> bool:
    """Whether the resource belongs to a terbatas dataset that the context's user may not download."""
    resource = model.Resource.get(resource_id)
    if resource is None or resource.package is None:
        return False
    package = resource.package
    return (package.extras or {}).get("klasifikasi") == LIMITED and not may_download(
        context, package.owner_org
    )


def may_read_harvest_object(context: Context, object_id: str | None) -> bool:
    """Sysadmins, and members of the OPD that owns the object's harvest source."""
    from ckanext.harvest.model import HarvestObject

    obj = HarvestObject.get(object_id) if object_id else None
    if obj is None:
        return bool(context.get("ignore_auth")) or authz.is_sysadmin(_user_name(context) or "")
    source = model.Package.get(obj.harvest_source_id)
    return may_download(context, source.owner_org if source else None)


def relabel_activities(package_id: str) -> None:
    """Give a dataset's past activities the permission labels it has now.

    CKAN labels an activity when it is recorded and filters activity lists by those labels, so a dataset made
    tertutup (private) later would keep its old, public snapshots in every activity stream.
    """
    if not p.plugin_loaded("activity"):
        return
    from ckan.lib.plugins import get_permission_labels

    package = model.Package.get(package_id)
    if package is None:
        return
    labels = get_permission_labels().get_dataset_labels(package)
    model.Session.execute(
        sa.text(
            "UPDATE activity SET permission_labels = CAST(:labels AS text[]) "
            "WHERE object_id = :id AND permission_labels IS DISTINCT FROM CAST(:labels AS text[])"
        ),
        {"labels": labels, "id": package.id},
    )


def relabel_all_activities() -> tuple[int, int]:
    """Every dataset's activities get its current permission labels, and the activities of purged datasets
    (CKAN keeps their snapshots) are deleted. For catalogues from before the labels followed the dataset.

    The labels come from the permission-label plugin, per dataset; the activities are updated with one statement
    per distinct set of labels (a few dozen for a city), not one per dataset.

    :returns: (activities relabelled, orphan activities deleted)
    """
    if not p.plugin_loaded("activity"):
        return 0, 0
    from ckan.lib.plugins import get_permission_labels
    from ckanext.activity.model import Activity

    deleted = model.Session.execute(
        sa.text(
            "DELETE FROM activity WHERE activity_type LIKE '%package' "
            "AND NOT EXISTS (SELECT 1 FROM package p WHERE p.id = activity.object_id)"
        )
    ).rowcount
    by_labels: dict[tuple[str, ...], list[str]] = {}
    labeller = get_permission_labels()
    for package in model.Session.query(model.Package).filter(
        model.Package.id.in_(sa.select(Activity.object_id).distinct())
    ):
        by_labels.setdefault(tuple(labeller.get_dataset_labels(package)), []).append(package.id)
    relabelled = 0
    for labels, ids in by_labels.items():
        relabelled += model.Session.execute(
            sa.text(
                "UPDATE activity SET permission_labels = CAST(:labels AS text[]) WHERE object_id = ANY(:ids) "
                "AND permission_labels IS DISTINCT FROM CAST(:labels AS text[])"
            ),
            {"labels": list(labels), "ids": ids},
        ).rowcount
    model.Session.commit()
    return relabelled, deleted


def forget_activities(package_id: str) -> None:
    """Delete a purged dataset's activities (committed: the purge has committed already)."""
    if p.plugin_loaded("activity"):
        model.Session.execute(sa.text("DELETE FROM activity WHERE object_id = :id"), {"id": package_id})
        model.Session.commit()
