"""Access classes (klasifikasi) beyond CKAN's private flag.

tertutup datasets are private, so CKAN itself keeps them from everyone but the owning OPD and sysadmins.
terbatas datasets have public metadata but their data is for the owning OPD's members and sysadmins only:
this module decides who may download, and takes the data out of what everyone else is shown.
"""

from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

LIMITED = "terbatas"
# Keys of a resource dict, or of a flattened Solr result, that lead to the data itself. download_url and
# access_url are what the DCAT harvester brings from dcat:downloadURL and dcat:accessURL.
RESOURCE_DATA_KEYS = ("url", "download_url", "access_url")
SEARCH_DATA_KEYS = ("res_url", "url", "download_url")


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
    # A search with `fl` returns Solr's stored extras_klasifikasi rather than the schema field.
    return LIMITED in (pkg.get("klasifikasi"), pkg.get("extras_klasifikasi"))


def limited_notice(pkg: dict[str, Any]) -> dict[str, Any]:
    """What a visitor who may not download a terbatas dataset is told: why, and whom to ask."""
    org = pkg.get("organization") or {}
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


def redact_dataset(context: Context, pkg: dict[str, Any]) -> dict[str, Any]:
    """Take the data out of a terbatas dataset dict for a visitor who may not download it (in place)."""
    if not is_limited(pkg) or may_download(context, pkg.get("owner_org")):
        return pkg
    for resource in pkg.get("resources") or []:
        for key in RESOURCE_DATA_KEYS:
            if resource.get(key):
                resource[key] = ""
        resource["datastore_active"] = False
        resource["akses_terbatas"] = True
    for key in (*SEARCH_DATA_KEYS, "validated_data_dict", "data_dict"):
        pkg.pop(key, None)
    pkg["akses_terbatas"] = limited_notice(pkg)
    return pkg


def package_is_withheld(context: Context, package_id: str) -> bool:
    """Whether the dataset is terbatas now and the context's user may not download its data."""
    package = model.Package.get(package_id)
    if package is None:
        return False
    return (package.extras or {}).get("klasifikasi") == LIMITED and not may_download(
        context, package.owner_org
    )


def redact_activity(context: Context, activity: dict[str, Any]) -> dict[str, Any]:
    """Take the data out of the dataset snapshot an activity carries, when the dataset was terbatas then or
    is terbatas now, for a visitor who may not download it (in place)."""
    snapshot = (activity.get("data") or {}).get("package")
    if not isinstance(snapshot, dict):
        return activity
    if is_limited(snapshot):
        redact_dataset(context, snapshot)
    elif activity.get("object_id") and package_is_withheld(context, activity["object_id"]):
        snapshot.update(redact_dataset(context, dict(snapshot, klasifikasi=LIMITED)))
        snapshot["klasifikasi"] = LIMITED
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
