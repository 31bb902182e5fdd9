"""Pure mapping helpers: an upstream record (any JSON) to a Tangerang dataset dict. No I/O (CKAN's munge helpers only;
the field names come from ``schemas/dataset.yaml``, read once at import).

A *field mapping* says, per schema field, where its value is in the record: a dotted path (``"judul"``,
``"meta.title"``, ``"distribusi.0.url"``). *Value maps* translate upstream codes per field (``null`` drops the
value, so the schema's default or a steward's choice applies), and *defaults* fill what the record lacks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import yaml
from ckan.lib.munge import munge_name, munge_tag

# CKAN's tag field is edited as ``tag_string`` and held in the dataset dict as ``tags``.
DATA_KEYS = {"tag_string": "tags"}
# The preset of the fields the portal sets itself (provenance, derived dates), never a harvest mapping.
PORTAL_PRESET = "tangerang_readonly"


@cache
def schema_fields(section: str) -> tuple[dict[str, Any], ...]:
    """The field definitions of ``schemas/dataset.yaml`` (``dataset_fields`` or ``resource_fields``), read once."""
    text = resources.files("ckanext.tangerang.schemas").joinpath("dataset.yaml").read_text("utf-8")
    return tuple(yaml.safe_load(text)[section])


def _key(field: Mapping[str, Any]) -> str:
    return DATA_KEYS.get(field["field_name"], field["field_name"])


# Fields the portal sets: the harvest provenance and the derived next-update date.
PORTAL_FIELDS = frozenset(
    _key(f) for f in schema_fields("dataset_fields") if f.get("preset") == PORTAL_PRESET
)
# Schema fields a mapping (``fields``, ``defaults``, a table's ``dataset``) may set.
DATASET_FIELDS = frozenset(_key(f) for f in schema_fields("dataset_fields")) - PORTAL_FIELDS - {"owner_org"}
# Descriptive fields a steward may edit; a re-harvest keeps the steward's value.
PROTECTED_FIELDS = tuple(_key(f) for f in schema_fields("dataset_fields") if f.get("tangerang_protected"))
LIST_FIELDS = frozenset({"tags", "cakupan_wilayah"})

_MISSING = object()


def get_path(record: Any, path: str) -> Any:
    """The value at a dotted path (list indexes as numbers), or ``None`` when any step is missing."""
    current = record
    for step in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(step, _MISSING)
        elif isinstance(current, list) and re.fullmatch(r"-?\d+", step):
            index = int(step)
            current = current[index] if -len(current) <= index < len(current) else _MISSING
        else:
            current = _MISSING
        if current is _MISSING:
            return None
    return current


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v not in (None, "")]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [value]


def _translate(field: str, value: Any, values: Mapping[str, Mapping[str, Any]]) -> Any:
    table = values.get(field)
    if not table:
        return value
    if isinstance(value, list):
        out = [table.get(str(v), v) for v in value]
        return [v for v in out if v is not None]
    return table.get(str(value), value) if value is not None else None


def clean_tags(values: list[Any]) -> list[dict[str, str]]:
    seen: dict[str, None] = {}
    for value in values:
        text = str(value).strip()
        # CKAN accepts letters, digits, spaces, "-", "_" and "."; only other tags are munged.
        tag = text if re.fullmatch(r"[\w .-]{2,100}", text) else munge_tag(text)
        if tag:
            seen.setdefault(tag[:100], None)
    return [{"name": tag} for tag in seen]


def map_record(
    record: Mapping[str, Any],
    fields: Mapping[str, str],
    *,
    values: Mapping[str, Mapping[str, Any]] | None = None,
    defaults: Mapping[str, Any] | None = None,
    resources_path: str | None = None,
    resource_fields: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Map one upstream record to a dataset dict (schema fields and ``resources``); pure.

    ``fields`` maps schema field → path in the record. Years (``tahun_awal``/``tahun_akhir``) accept numbers or
    strings; ``tags`` and ``cakupan_wilayah`` accept lists or comma-separated strings.
    """
    values = values or {}
    dataset: dict[str, Any] = {}
    for field, default in (defaults or {}).items():
        dataset[field] = list(default) if isinstance(default, list) else default
    for field, path in fields.items():
        value = _translate(field, get_path(record, path), values)
        if field in LIST_FIELDS:
            value = _as_list(value)
        if value in (None, "", []):
            continue
        if field in ("tahun_awal", "tahun_akhir"):
            value = str(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        dataset[field] = value
    if "tags" in dataset:
        dataset["tags"] = clean_tags(_as_list(dataset["tags"]))
    if dataset.get("name"):
        dataset["name"] = munge_name(str(dataset["name"]))[:100]
    resources = []
    if resources_path:
        for item in _as_list(get_path(record, resources_path)):
            if not isinstance(item, Mapping):
                continue
            resource = {
                key: str(get_path(item, path))
                for key, path in (
                    resource_fields or {"url": "url", "name": "name", "format": "format"}
                ).items()
                if get_path(item, path) not in (None, "")
            }
            if resource.get("url"):
                resources.append(resource)
    dataset["resources"] = resources
    return dataset


def slug(text: str, limit: int = 100) -> str:
    """A dataset name from any text (upstream ids, file names)."""
    return munge_name(re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-").lower())[:limit]
