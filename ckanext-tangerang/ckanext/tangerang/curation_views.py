"""The dashboard's bulk-curation tab (``/dasbor/kurasi``): a steward searches their OPDs' datasets, ticks some,
chooses one change, previews it and applies it. Plain forms that work without JavaScript; the action
``tangerang_bulk_update`` does the work, with the preview and the result shown from its answer."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckanext.scheming.helpers import (
    scheming_field_by_name,
    scheming_field_choices,
    scheming_get_dataset_schema,
)
from flask import request

from ckanext.tangerang.dashboard import render, tangerang_dasbor
from ckanext.tangerang.logic import curation, stewards

ROWS = 50
# The search's filters: fields with a code list, whose choices (from the schema) also check what is asked.
FILTERS = ("sektor", "frekuensi", "klasifikasi")
# The schema field behind each field of a bulk change (tags are edited as the form's tag_string).
_SCHEMA_FIELD = {"tags": "tag_string"}


def _fields() -> dict[str, dict[str, Any]]:
    """Each field a bulk change may set: its schema definition's label and, for code lists, its choices."""
    schema_fields = scheming_get_dataset_schema("dataset")["dataset_fields"]
    fields = {}
    for name in curation.FIELDS:
        field = scheming_field_by_name(schema_fields, _SCHEMA_FIELD.get(name, name))
        choices = scheming_field_choices(field) if name in FILTERS else None
        fields[name] = {"label": field["label"], "choices": choices}
    return fields


def _search(opds: list[dict[str, Any]], fields: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The steward's datasets matching the page's query and filters; what is not a choice is ignored."""
    asked = {"q": request.args.get("q", "").strip()}
    names = {org["name"]: org for org in opds}
    owner_org = request.args.get("owner_org")
    asked["owner_org"] = owner_org if owner_org in names else ""
    fq = ["+dataset_type:dataset"]
    fq.append(stewards.solr_filter({"user": tk.current_user.name}, asked["owner_org"] or None))
    for name in FILTERS:
        value = request.args.get(name, "")
        allowed = {c["value"] for c in fields[name]["choices"]}
        asked[name] = value if value in allowed else ""
        if asked[name]:
            fq.append(f'+{name}:"{value}"')
    page = tk.h.tangerang_request_page()
    result = tk.get_action("package_search")(
        {},
        {
            "q": asked["q"],
            "fq": " ".join(f for f in fq if f),
            "include_private": True,
            "sort": "title_string asc",
            "fl": ["id", "name", "title", "organization", *FILTERS, "license_id"],
            "rows": ROWS,
            "start": (page - 1) * ROWS,
        },
    )
    return {"asked": asked, "page": page, "count": result["count"], "results": result["results"]}


@tangerang_dasbor.route("/kurasi")
def kurasi() -> str:
    """The search over the steward's datasets, with the form choosing datasets and one change."""

    def extra() -> dict[str, Any]:
        opds = tk.get_action("organization_list_for_user")({}, {"permission": "create_dataset"})
        fields = _fields()
        found = _search(opds, fields)
        return {
            "opds": opds,
            "fields": fields,
            "found": found,
            "pages": -(-found["count"] // ROWS),
            "max_datasets": curation.MAX_DATASETS,
        }

    return render("tangerang_dasbor.kurasi", "tangerang/dasbor/kurasi.html", extra)


def _run(dry_run: bool) -> str:
    """Preview or apply the change the form names, and show the answer per dataset (the steward check of
    ``render`` comes first: the action runs only inside it)."""

    def extra() -> dict[str, Any]:
        form = request.form
        datasets = form.getlist("dataset") + (form.getlist("on_page") if form.get("all_on_page") else [])
        field = form.get("field", "")
        data_dict = {
            "datasets": list(dict.fromkeys(datasets)),
            "field": field,
            "value": form.get(f"value_{field}"),
            "operation": form.get("operation") if field == "tags" else None,
            "dry_run": dry_run,
        }
        try:
            result = tk.get_action("tangerang_bulk_update")({}, data_dict)
            errors = None
        except tk.ValidationError as error:
            result, errors = None, error.error_dict
        return {
            "result": result,
            "errors": errors,
            "fields": _fields(),
            "licenses": dict(tk.h.license_options()),
            "dry_run": dry_run,
        }

    return render("tangerang_dasbor.kurasi", "tangerang/dasbor/kurasi_hasil.html", extra)


@tangerang_dasbor.route("/kurasi/pratinjau", methods=["POST"])
def kurasi_pratinjau() -> str:
    """The preview: per dataset the old and new value, whether it may change, and what visitors gain or lose."""
    return _run(dry_run=True)


@tangerang_dasbor.route("/kurasi/terapkan", methods=["POST"])
def kurasi_terapkan() -> str:
    """The change applied: per dataset whether it was updated, or why not."""
    return _run(dry_run=False)
