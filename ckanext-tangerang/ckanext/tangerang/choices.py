"""The choices of the schemas' select fields, read from the schema YAML (their one home), and their labels in
the page's language (``{id: ..., en: ...}``, through ckanext-scheming's own helpers).

The YAML is read from ``ckanext.tangerang.schemas`` rather than from the loaded scheming plugin, so the
harvesters' pure mappings, which check upstream values against the same choices, need no running CKAN.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import ckan.plugins.toolkit as tk
import yaml
from ckanext.scheming.helpers import scheming_field_by_name, scheming_language_text
from flask import has_request_context


def page_lang() -> str:
    """The page's language, "id" or "en"; outside a request (CLI, workers) the portal's default, "id"."""
    return "en" if has_request_context() and tk.h.lang() == "en" else "id"


@functools.cache
def _schema(dataset_type: str) -> dict[str, Any]:
    text = resources.files("ckanext.tangerang.schemas").joinpath(f"{dataset_type}.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def field(dataset_type: str, path: str) -> dict[str, Any]:
    """A field of ``schemas/<dataset_type>.yaml`` as written there; "platform.jenis" is a repeating field's
    subfield."""
    name, _, subfield = path.partition(".")
    found = scheming_field_by_name(_schema(dataset_type)["dataset_fields"], name)
    return scheming_field_by_name(found["repeating_subfields"], subfield) if subfield else found


def values(dataset_type: str, path: str) -> frozenset[str]:
    """The values a select field accepts."""
    return frozenset(c["value"] for c in field(dataset_type, path)["choices"])


def labels(dataset_type: str, path: str, lang: str | None = None) -> dict[str, str]:
    """Each value of a select field with its label in ``lang`` (default: the page's language)."""
    lang = lang or page_lang()
    return {
        c["value"]: scheming_language_text(c.get("label", c["value"]), prefer_lang=lang)
        for c in field(dataset_type, path)["choices"]
    }
