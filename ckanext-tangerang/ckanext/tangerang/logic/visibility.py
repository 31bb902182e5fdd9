"""tertutup datasets do not exist for outsiders, on the surfaces CKAN answers from the database rather than from
the permission-filtered search index: tags, formats, an organization's members, the DataStore's table list,
resource search; and a dataset the caller may not read answers 404, never a 403 that names its id.

What is visible is asked of the index once, with the caller's permission labels (a facet of a search with no
rows), so the rule is CKAN's own and holds whatever the caller's role.
"""

from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.tangerang.logic import access

NOT_FOUND = "Dataset tidak ditemukan. / Dataset not found."
RESOURCE_NOT_FOUND = "Sumber data tidak ditemukan. / Resource not found."


def _caller(context: Context) -> Context:
    return {"user": context.get("user") or "", "ignore_auth": False}  # type: ignore[typeddict-item]


def visible_values(context: Context, field: str) -> set[str]:
    """The values of an index field over the datasets the caller may see (public, and private ones of their OPDs)."""
    result = tk.get_action("package_search")(
        _caller(context), {"rows": 0, "facet.field": [field], "facet.limit": -1, "include_private": True}
    )
    return set((result.get("facets") or {}).get(field, {}))


def _is_sysadmin(context: Context) -> bool:
    return bool(context.get("ignore_auth")) or authz.is_sysadmin(context.get("user") or "")


@tk.side_effect_free
@tk.chained_action
def tag_list(original_action, context: Context, data_dict: DataDict) -> list[Any]:
    """CKAN's ``tag_list``; free tags are listed only when a dataset the caller may see carries them."""
    tags = original_action(context, data_dict)
    if data_dict.get("vocabulary_id") or _is_sysadmin(context):
        return tags
    visible = visible_values(context, "tags")
    return [t for t in tags if (t.get("name") if isinstance(t, dict) else t) in visible]


@tk.side_effect_free
@tk.chained_action
def tag_show(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """CKAN's ``tag_show``; a free tag that only datasets hidden from the caller carry does not exist for them."""
    tag = original_action(context, data_dict)
    if not tag.get("vocabulary_id") and not _is_sysadmin(context):
        if tag.get("name") not in visible_values(context, "tags"):
            raise tk.ObjectNotFound("Tag tidak ditemukan. / Tag not found.")
    return tag


@tk.side_effect_free
@tk.chained_action
def tag_autocomplete(original_action, context: Context, data_dict: DataDict) -> list[str]:
    """CKAN's ``tag_autocomplete``, over the tags of the datasets the caller may see."""
    names = original_action(context, dict(data_dict, limit=1000))
    if not _is_sysadmin(context):
        visible = visible_values(context, "tags")
        names = [n for n in names if n in visible]
    return names[: int(data_dict.get("limit") or 10)]


@tk.side_effect_free
@tk.chained_action
def format_autocomplete(original_action, context: Context, data_dict: DataDict) -> list[str]:
    """CKAN's ``format_autocomplete``, over the formats of the datasets the caller may see."""
    formats = original_action(context, dict(data_dict, limit=1000))
    if not _is_sysadmin(context):
        visible = {f.lower() for f in visible_values(context, "res_format")}
        formats = [f for f in formats if f and f.lower() in visible]
    return formats[: int(data_dict.get("limit") or 5)]


@tk.side_effect_free
@tk.chained_action
def member_list(original_action, context: Context, data_dict: DataDict) -> list[tuple[str, str, str]]:
    """CKAN's ``member_list``; private datasets are listed only to those who may read them."""
    members = original_action(context, data_dict)
    if _is_sysadmin(context):
        return members
    package_ids = [m[0] for m in members if m[1] == "package"]
    private = dict(
        model.Session.query(model.Package.id, model.Package.owner_org).filter(
            model.Package.id.in_(package_ids), model.Package.private.is_(True)
        )
    )
    readable = {pkg_id for pkg_id, org in private.items() if access.may_download(context, org)}
    return [m for m in members if m[1] != "package" or m[0] not in private or m[0] in readable]


def _not_found_for_outsiders(name: str, message: str):
    """A chained read action whose refusal is a plain 404: a 403 would confirm the dataset exists (and CKAN's
    message names its id)."""

    @tk.side_effect_free
    @tk.chained_action
    def action(original_action, context: Context, data_dict: DataDict) -> Any:
        try:
            return original_action(context, data_dict)
        except tk.NotAuthorized:
            raise tk.ObjectNotFound(message) from None

    action.__name__ = name
    action.__doc__ = f"CKAN's ``{name}``; what the caller may not read answers 404 (Not Found), not 403."
    return action


@tk.side_effect_free
@tk.chained_action
def datastore_search(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The DataStore's ``datastore_search``. Its table list ``_table_metadata`` names every table, tertutup
    datasets' resources included, and the DataStore answers it without asking any auth function: sysadmins only."""
    if data_dict.get("resource_id") == "_table_metadata" and not _is_sysadmin(context):
        raise tk.NotAuthorized(
            "Daftar tabel DataStore hanya untuk walidata. / The DataStore's table list is for sysadmins only."
        )
    return original_action(context, data_dict)


package_show = _not_found_for_outsiders("package_show", NOT_FOUND)
resource_show = _not_found_for_outsiders("resource_show", RESOURCE_NOT_FOUND)
resource_view_list = _not_found_for_outsiders("resource_view_list", RESOURCE_NOT_FOUND)


@tk.side_effect_free
@tk.chained_action
def resource_search(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """CKAN's ``resource_search``. Others than sysadmins search and order on resource metadata only (name,
    description, format, ...), never on URLs; terbatas resources lose their URLs for those who may not
    download them."""
    if not _is_sysadmin(context):
        allowed = access.CORE_RESOURCE_KEYS | access.resource_metadata_fields()
        query = data_dict.get("query") or []
        terms = [query] if isinstance(query, str) else list(query) if isinstance(query, list) else []
        named = [t.split(":", 1)[0].strip() for t in terms if isinstance(t, str) and ":" in t]
        named += (
            list((data_dict.get("fields") or {}).keys()) if isinstance(data_dict.get("fields"), dict) else []
        )
        if data_dict.get("order_by"):
            named.append(str(data_dict["order_by"]))
        refused = sorted({n for n in named if n not in allowed})
        if refused:
            raise tk.ValidationError(
                {
                    "query": [
                        f"Tidak dapat mencari atau mengurutkan menurut {', '.join(refused)}; gunakan metadata "
                        "sumber data (name, description, format, ...). / Cannot search or order by "
                        f"{', '.join(refused)}; use resource metadata (name, description, format, ...)."
                    ]
                }
            )
    result = original_action(context, data_dict)
    results = result.get("results") or []
    secrets = access.withheld_datasets(context, [r.get("package_id") for r in results])
    if secrets:
        allowed_keys = access.CORE_RESOURCE_KEYS | access.resource_metadata_fields()
        redacted = []
        for resource in results:
            if resource.get("package_id") in secrets:
                resource = access.scrub(
                    {k: v for k, v in resource.items() if k in allowed_keys}, secrets[resource["package_id"]]
                )
                resource.update({key: "" for key in access.RESOURCE_DATA_KEYS}, akses_terbatas=True)
            redacted.append(resource)
        result["results"] = redacted
    return result
