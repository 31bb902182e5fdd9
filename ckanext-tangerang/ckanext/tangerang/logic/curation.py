"""Bulk curation: one change (sector, frequency, access class, licence, tags) to many datasets of a steward's
OPDs, previewed with what it does and applied through ``package_patch`` one dataset at a time, so that each
dataset has the validation, permissions and activity record of a single edit (the action
``tangerang_bulk_update`` documents the request and the answer)."""

from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import plugins as lib_plugins
from ckan.types import Context, DataDict

from ckanext.tangerang import codelists
from ckanext.tangerang.bilingual import msg
from ckanext.tangerang.logic import limits, stewards
from ckanext.tangerang.logic.visibility import NOT_FOUND

# The fields a bulk change may set, in the order the page offers them; tags are added or removed.
FIELDS = ("sektor", "frekuensi", "klasifikasi", "license_id", "tags")
OPERATIONS = ("add", "remove")
MAX_DATASETS = 200

NOT_YOURS = msg(
    "Dataset ini bukan milik OPD yang Anda kelola.", "This dataset does not belong to an OPD you steward."
)
NOT_A_DATASET = msg("Hanya dataset yang dapat diubah di sini.", "Only datasets can be changed here.")
PARTIAL_NOTE = msg(
    "Setiap dataset diubah tersendiri: yang gagal tidak berubah sama sekali, yang lain tetap diterapkan.",
    "Each dataset is changed on its own: one that fails is not changed at all, the others are still applied.",
)


def _names(value: Any, separators: str = r"[,\s]+") -> list[str]:
    """A list of strings from a list, or from text split at ``separators`` (commas or white space)."""
    items = re.split(separators, value) if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return []
    return list(dict.fromkeys(i.strip() for i in items if i.strip()))


def checked_request(data_dict: DataDict) -> dict[str, Any]:
    """The request in its normal form, or ``ValidationError`` naming each parameter that is wrong."""
    errors: dict[str, list[str]] = {}
    datasets = _names(data_dict.get("datasets"))
    if not datasets:
        errors["datasets"] = [msg("Pilih paling sedikit satu dataset.", "Choose at least one dataset.")]
    elif len(datasets) > MAX_DATASETS:
        errors["datasets"] = [
            msg(
                f"Paling banyak {MAX_DATASETS} dataset sekaligus.",
                f"At most {MAX_DATASETS} datasets at a time.",
            )
        ]
    field = data_dict.get("field")
    if field not in FIELDS:
        errors["field"] = [
            msg(f"Pilih salah satu: {', '.join(FIELDS)}.", f"Choose one of: {', '.join(FIELDS)}.")
        ]
    operation = data_dict.get("operation") or None
    value = data_dict.get("value")
    if field == "tags":
        value = _names(value, ",")  # a tag may have spaces ("air bersih")
        if operation not in OPERATIONS:
            errors["operation"] = [msg("Pilih add atau remove.", "Choose add or remove.")]
        if not value:
            errors["value"] = [msg("Sebutkan paling sedikit satu tag.", "Name at least one tag.")]
    elif value is not None and not isinstance(value, str):
        errors["value"] = [limits.MSG_CHOICE]
    dry_run = tk.asbool(data_dict.get("dry_run", False))
    if errors:
        raise tk.ValidationError(errors)
    return {"datasets": datasets, "field": field, "value": value, "operation": operation, "dry_run": dry_run}


def seen_by_visitors(klasifikasi: str | None) -> dict[str, bool]:
    """What a visitor outside the owning OPD has of a dataset of this access class, by the code list's columns
    (``siapa_melihat_metadata``, ``siapa_mengunduh_data``): its metadata, its data (the resources' files)."""
    row = codelists.by_code("klasifikasi").get(klasifikasi or "")
    everyone = codelists.by_code("klasifikasi")["terbuka"]["siapa_melihat_metadata"]
    return {
        "metadata": bool(row) and row["siapa_melihat_metadata"] == everyone,
        "data": bool(row) and row["siapa_mengunduh_data"] == everyone,
    }


def visitor_impact(old: str | None, new: str | None, dataset: dict[str, Any]) -> dict[str, Any]:
    """What visitors outside the OPD gain and lose when the dataset's class goes from ``old`` to ``new``, and the
    resources it concerns (the class is the whole dataset's, so all of them)."""
    before, after = seen_by_visitors(old), seen_by_visitors(new)
    return {
        "gain": [part for part in ("metadata", "data") if after[part] and not before[part]],
        "lose": [part for part in ("metadata", "data") if before[part] and not after[part]],
        "resources": [
            {"id": r["id"], "name": r.get("name") or r["id"]} for r in dataset.get("resources") or []
        ],
    }


def _old_and_new(dataset: dict[str, Any], request: dict[str, Any]) -> tuple[Any, Any]:
    field = request["field"]
    if field != "tags":
        return dataset.get(field), request["value"] if request["value"] is not None else ""
    old = sorted(t["name"] for t in dataset.get("tags") or [])
    if request["operation"] == "add":
        return old, sorted({*old, *request["value"]})
    return old, [t for t in old if t not in request["value"]]


def _patch(field: str, new: Any) -> dict[str, Any]:
    return {"tags": [{"name": t} for t in new]} if field == "tags" else {field: new}


def _errors_text(errors: dict[str, Any]) -> str:
    parts = []
    for key, value in errors.items():
        texts = value if isinstance(value, list) else [value]
        parts.append(f"{key}: {'; '.join(str(t) for t in texts)}")
    return " | ".join(parts)


def validation_errors(context: Context, dataset: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """The field errors ``package_patch`` would give for ``patch`` on ``dataset``, without saving: the portal's
    type and length rules, then the dataset schema's validators (as ``package_update`` runs them). The
    personal-data screen of harvested datasets, which reads their links, runs on apply only."""
    patched = {**dataset, **patch}
    try:
        limits.checked_dataset(patched)
    except tk.ValidationError as error:
        return dict(error.error_dict)
    # package_patch sends the resources unchanged, and package_update validates only changed resources.
    patched["resources"] = []
    plugin = lib_plugins.lookup_package_plugin(dataset["type"])
    validate_context: Context = {
        "user": context.get("user") or "",
        "model": model,
        "session": model.Session,
        "package": model.Package.get(dataset["id"]),
    }
    _, errors = lib_plugins.plugin_validate(
        plugin, validate_context, patched, plugin.update_package_schema(), "package_update"
    )
    return errors


def _caller(context: Context) -> Context:
    """A new context with the caller's identity only: every action writes into the context it is given."""
    return {"user": context.get("user") or "", "ignore_auth": context.get("ignore_auth", False)}


def _examine(
    context: Context, scope: list[str] | None, requested: str, request: dict[str, Any]
) -> dict[str, Any]:
    """One dataset's line of the preview. A dataset the caller may not read gets the answer of a missing one."""
    entry: dict[str, Any] = {"requested": requested}
    try:
        dataset = tk.get_action("package_show")(_caller(context), {"id": requested})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return {**entry, "outcome": "not_found", "message": NOT_FOUND}
    entry.update(id=dataset["id"], name=dataset["name"], title=dataset.get("title") or dataset["name"])
    entry["organization"] = (dataset.get("organization") or {}).get("name")
    if dataset.get("type") != "dataset" or dataset.get("state") != "active":
        return {**entry, "outcome": "refused", "message": NOT_A_DATASET}
    if scope is not None and dataset.get("owner_org") not in scope:
        return {**entry, "outcome": "refused", "message": NOT_YOURS}
    try:
        tk.check_access("package_update", _caller(context), {"id": dataset["id"]})
    except tk.NotAuthorized as refused:
        return {**entry, "outcome": "refused", "message": str(refused) or NOT_YOURS}
    old, new = _old_and_new(dataset, request)
    entry.update(old=old, new=new)
    if request["field"] == "klasifikasi" and old != new:
        entry["visitors"] = visitor_impact(old, new, dataset)
    if old == new:
        return {**entry, "outcome": "unchanged", "message": None}
    # Applying asks package_patch itself, whose answer is the one that counts.
    errors = (
        validation_errors(context, dataset, _patch(request["field"], new)) if request["dry_run"] else None
    )
    if errors:
        return {**entry, "outcome": "invalid", "errors": errors, "message": _errors_text(errors)}
    return {**entry, "outcome": "allowed", "message": None}


def _apply(context: Context, entry: dict[str, Any], field: str) -> dict[str, Any]:
    """Write one previewed change through ``package_patch`` as the caller: all of it, or (on an error) none."""
    try:
        tk.get_action("package_patch")(_caller(context), {"id": entry["id"], **_patch(field, entry["new"])})
    except tk.ValidationError as error:
        errors = dict(error.error_dict)
        return {**entry, "outcome": "failed", "errors": errors, "message": _errors_text(errors)}
    except (tk.NotAuthorized, tk.ObjectNotFound) as error:
        return {**entry, "outcome": "failed", "message": str(error) or NOT_YOURS}
    return {**entry, "outcome": "updated"}


def bulk_update(context: Context, request: dict[str, Any]) -> dict[str, Any]:
    """Preview (``dry_run``) or apply one change to the requested datasets (see ``tangerang_bulk_update``)."""
    scope = stewards.opd_ids(context)
    entries = [_examine(context, scope, requested, request) for requested in request["datasets"]]
    if not request["dry_run"]:
        entries = [
            _apply(context, entry, request["field"]) if entry["outcome"] == "allowed" else entry
            for entry in entries
        ]
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry["outcome"]] = counts.get(entry["outcome"], 0) + 1
    changing = [e for e in entries if e["outcome"] in ("allowed", "updated") and "visitors" in e]
    return {
        "dry_run": request["dry_run"],
        "field": request["field"],
        "value": request["value"],
        "operation": request["operation"],
        "counts": counts,
        "datasets": entries,
        "visitors_gain": [e["name"] for e in changing if e["visitors"]["gain"]],
        "visitors_lose": [e["name"] for e in changing if e["visitors"]["lose"]],
        "note": PARTIAL_NOTE,
    }
