"""Field limits: every value of a dataset, resource, application or organization dict has the type its field
takes and a sane length, checked before CKAN validates or stores anything.

Without them a wrong type reaches code that cannot take it (an ``owner_org`` number or a ``klasifikasi`` list is
a 500, ``tags`` as a string a 400 echoing the whole dict) and an overlong value reaches Solr, which refuses a
string term over 32,766 bytes after the database row is written. The rule for each field is read from its
scheming schema, so one table of kinds covers every field, present and future:

========== ======================================================= =======================================
kind       fields                                                  limit (characters)
========== ======================================================= =======================================
line       everything else (titles, names, codes, contacts)        1,000
url        ``url``, ``*_url`` and the upload presets               2,000
text       markdown and JSON fields, extras' values                8,000 (Solr keeps them as one term)
long text  ``notes``, resources' and organizations' descriptions   100,000 (Solr indexes them as words)
========== ======================================================= =======================================
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import DataDict

LINE, URL, TEXT, LONG_TEXT = 1_000, 2_000, 8_000, 100_000
BAD_TEXT = re.compile("[\x00\ud800-\udfff]")

# Scheming's JSON fields keep their text in one Solr string term: 8,000 characters of at most 4 bytes each
# stays under its 32,766 bytes. Fields that Solr indexes word by word may be longer.
FULL_TEXT_FIELDS = {"dataset": {"notes"}, "resource": {"description"}, "group": {"description"}}

MSG_TEXT = "Harus berupa teks / Must be text"
MSG_CHOICE = "Pilihan tidak sah / Invalid choice"
MSG_CHOICES = "Harus berupa daftar pilihan / Must be a list of choices"
MSG_NUMBER = "Harus berupa angka / Must be a number"
MSG_BOOL = "Pilih ya atau tidak / Choose yes or no"
MSG_OBJECTS = "Harus berupa daftar objek / Must be a list of objects"
MSG_JSON = "Harus berupa JSON (teks, daftar atau objek) / Must be JSON (text, a list or an object)"
MSG_BAD_TEXT = (
    "Memuat karakter yang tidak sah (NUL atau surrogate tunggal) / "
    "Contains an invalid character (NUL or a lone surrogate)"
)

SCALAR = str | int | float | bool


def too_long(limit: int) -> str:
    return (
        f"Terlalu panjang: paling banyak {limit:,} karakter".replace(",", ".")
        + f" / Too long: at most {limit:,} characters"
    )


class Rule:
    """What one field takes: ``kind`` (text, choice, choices, number, bool, tags, json, objects or any) and
    the length limit of its text; ``fields`` are the rules of each item for the ``objects`` kind."""

    def __init__(self, kind: str, limit: int = LINE, fields: dict[str, Rule] | None = None) -> None:
        self.kind, self.limit, self.fields = kind, limit, fields or {}

    def errors(self, value: Any) -> Any:
        """The field's errors (a list of messages, or for objects a list of error dicts), or None."""
        if value is None or value is tk.missing:
            return None
        problem = self._type_problem(value)
        if problem:
            return [problem]
        if self.kind == "objects":
            return _objects_errors(value, self.fields)
        if self.kind == "json" and not isinstance(value, str):
            value = json.dumps(value, ensure_ascii=False)
        return _text_errors(value, self.limit)

    def _type_problem(self, value: Any) -> str | None:
        kind = self.kind
        if kind in ("text", "choice"):
            ok = isinstance(value, str | dt.date)  # Python callers may pass dates, as CKAN allows
        elif kind == "number":
            ok = isinstance(value, str | int | float) and not isinstance(value, bool)
        elif kind == "bool":
            ok = isinstance(value, str | bool)
        elif kind in ("choices", "tags"):
            ok = isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            )
        elif kind == "json":
            ok = isinstance(value, str | list | dict)
        elif kind == "objects":
            ok = isinstance(value, list) and all(isinstance(v, dict) for v in value)
        else:
            return None
        if ok:
            return None
        return {
            "choice": MSG_CHOICE,
            "choices": MSG_CHOICES,
            "number": MSG_NUMBER,
            "bool": MSG_BOOL,
            "json": MSG_JSON,
            "objects": MSG_OBJECTS,
        }.get(kind, MSG_TEXT)


def _text_errors(value: Any, limit: int) -> list[str] | None:
    """Errors of every string in ``value`` (a scalar, a list or a dict of them, at any depth)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if len(item) > limit:
                return [too_long(limit)]
            if BAD_TEXT.search(item):
                return [MSG_BAD_TEXT]
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return None


def _objects_errors(items: list[dict], fields: dict[str, Rule]) -> list[dict] | None:
    """One error dict per item (empty where the item is fine), as CKAN reports a list of subfields."""
    found = [dict_errors(item, fields) for item in items]
    return found if any(found) else None


def dict_errors(data: dict, rules: dict[str, Rule], other: Rule | None = None) -> dict[str, Any]:
    """Errors of each key of ``data`` by its rule; keys without one follow ``other`` (long text, any type)."""
    other = other or Rule("any", LONG_TEXT)
    errors = {}
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        found = rules.get(key, other).errors(value)
        if found:
            errors[key] = found
    return errors


def field_rule(field: dict[str, Any], level: str) -> Rule:
    """The rule of one scheming field (presets already expanded), at ``level`` dataset, resource or group."""
    name = field["field_name"]
    validators = f"{field.get('validators') or ''} {field.get('preset') or ''}"
    snippet = field.get("form_snippet") or ""
    if field.get("repeating_subfields"):
        return Rule(
            "objects", fields={f["field_name"]: field_rule(f, level) for f in field["repeating_subfields"]}
        )
    if name in FULL_TEXT_FIELDS.get(level, ()):
        return Rule("text", LONG_TEXT)
    if "json" in snippet:
        return Rule("json", LONG_TEXT if level == "resource" else TEXT)
    if "markdown" in snippet:
        return Rule("text", LONG_TEXT if level == "resource" else TEXT)
    if name == "url" or name.endswith("_url") or "url_upload" in validators:
        return Rule("text", URL)
    if name == "tag_string":
        return Rule("tags")
    if "multiple_choice" in validators or "tangerang_codes" in validators:
        return Rule("choices")
    if "choices" in validators:
        return Rule("choice")
    if "year" in validators or "_int" in validators:
        return Rule("number")
    if "bool" in validators:
        return Rule("bool")
    return Rule("text", LINE)


# Keys of CKAN's own dicts that no schema YAML lists.
_CORE = {
    "id": Rule("text"),
    "name": Rule("text"),
    "type": Rule("text"),
    "state": Rule("text"),
    "owner_org": Rule("text"),
    "private": Rule("bool"),
    "url": Rule("text", URL),
    "author": Rule("text"),
    "author_email": Rule("text"),
    "maintainer": Rule("text"),
    "maintainer_email": Rule("text"),
    "version": Rule("text"),
    "license_id": Rule("text"),
    "tags": Rule("objects", fields={"name": Rule("text"), "vocabulary_id": Rule("text")}),
    "groups": Rule("objects"),
    "extras": Rule("objects", fields={"key": Rule("text"), "value": Rule("any", TEXT)}),
}
_RESOURCE_CORE = {
    "id": Rule("text"),
    "package_id": Rule("text"),
    "url": Rule("text", URL),
    "name": Rule("text"),
    "format": Rule("text"),
    "description": Rule("text", LONG_TEXT),
    "mimetype": Rule("text"),
    "hash": Rule("text"),
    "url_type": Rule("text"),
    "size": Rule("number"),
}


def _rules(fields: list[dict[str, Any]], level: str, core: dict[str, Rule]) -> dict[str, Rule]:
    return {**core, **{f["field_name"]: field_rule(f, level) for f in fields}}


def dataset_errors(data_dict: DataDict) -> dict[str, Any]:
    """The field errors of a dataset or application dict (with its resources), by its scheming schema."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    kind = data_dict.get("type")
    if kind is not None and not isinstance(kind, str):
        return {"type": [MSG_TEXT]}
    schema = scheming_get_dataset_schema(kind or "dataset") or {}
    fields = {f["field_name"]: field_rule(f, "dataset") for f in schema.get("dataset_fields", [])}
    rules = {**_CORE, **fields}
    rules["resources"] = Rule(
        "objects", fields=_rules(schema.get("resource_fields", []), "resource", _RESOURCE_CORE)
    )
    errors = dict_errors(data_dict, rules)
    # Free-form extras named like a schema field become that field (action.lift_schema_extras): its rule holds.
    extras = data_dict.get("extras")
    if "extras" not in errors and isinstance(extras, list):
        found = []
        for extra in extras:
            rule = fields.get(extra.get("key")) if isinstance(extra.get("key"), str) else None
            problem = rule.errors(extra.get("value")) if rule else None
            found.append({"value": problem} if problem else {})
        if any(found):
            errors["extras"] = found
    return errors


def group_errors(data_dict: DataDict, is_org: bool) -> dict[str, Any]:
    """The field errors of an organization or group dict, by its scheming schema when it has one."""
    from ckanext.scheming.helpers import scheming_get_group_schema, scheming_get_organization_schema

    kind = data_dict.get("type")
    if kind is not None and not isinstance(kind, str):
        return {"type": [MSG_TEXT]}
    get_schema = scheming_get_organization_schema if is_org else scheming_get_group_schema
    schema = get_schema(kind or ("organization" if is_org else "group")) or {}
    core = {
        **{k: _CORE[k] for k in ("id", "name", "type", "state", "extras")},
        "title": Rule("text"),
        "description": Rule("text", LONG_TEXT),
        "image_url": Rule("text", URL),
        "users": Rule("objects"),
        "packages": Rule("objects"),
        "groups": Rule("objects"),
    }
    return dict_errors(data_dict, _rules(schema.get("fields", []), "group", core))


def checked_dataset(data_dict: DataDict) -> DataDict:
    """``data_dict`` itself, or ``ValidationError`` naming each field that is of the wrong type or too long."""
    errors = dataset_errors(data_dict)
    if errors:
        if errors.get("tags") and isinstance(errors["tags"][0], str):
            # ValidationError reads tag errors as a list of {"name": [...]}.
            errors["tags"] = [{"name": errors["tags"]}]
        raise tk.ValidationError(errors)
    return data_dict


def checked_group(data_dict: DataDict, is_org: bool = True) -> DataDict:
    """``data_dict`` itself, or ``ValidationError`` naming each field that is of the wrong type or too long."""
    errors = group_errors(data_dict, is_org)
    if errors:
        raise tk.ValidationError(errors)
    return data_dict


def requiring(name: str, *params: str):
    """A chained action that answers a missing parameter with a field-level 409; CKAN's reads it as
    ``data_dict[param]`` and answers 500."""

    @tk.side_effect_free
    @tk.chained_action
    def action(original_action, context, data_dict: DataDict) -> Any:
        missing = {
            p: ["Wajib diisi / Missing value"] for p in params if not isinstance(data_dict.get(p), str)
        }
        if missing:
            raise tk.ValidationError(missing)
        return original_action(context, data_dict)

    action.__name__ = name
    action.__doc__ = f"CKAN's ``{name}``; {', '.join(params)} required (a 409 naming it, not a 500)."
    return action


group_autocomplete = requiring("group_autocomplete", "q")
organization_autocomplete = requiring("organization_autocomplete", "q")
