"""Facets of the dataset and application searches, and readable names for their coded values."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang import choices, codelists


def dataset_facets(facets: dict[str, Any], package_type: str) -> dict[str, Any]:
    """The facets shown on a search page, in display order. Other dataset types (harvest sources) keep theirs."""
    if package_type not in ("dataset", "aplikasi"):
        return facets
    if package_type == "aplikasi":
        wanted = [
            ("kelompok", tk._("Group")),
            ("organization", tk._("Organizations")),
            ("platform_jenis", tk._("Platform")),
            ("status_aplikasi", tk._("Status")),
            ("dalam_tangerang_live", tk._("In Tangerang LIVE")),
        ]
    else:
        wanted = [
            ("sektor", tk._("Sector")),
            ("organization", tk._("Organizations")),
            ("klasifikasi", tk._("Access class")),
            ("frekuensi", tk._("Update frequency")),
            ("kecamatan", tk._("Kecamatan")),
            ("aplikasi_sumber", tk._("Source application")),
            ("res_format", tk._("Formats")),
            ("tags", tk._("Tags")),
        ]
    return dict(wanted)


# Facets whose values are codes, and where their names are: a code list, or the choices of an application field.
_CODE_LISTS = {
    "sektor": "urusan_pemerintahan",
    "klasifikasi": "klasifikasi",
    "frekuensi": "frekuensi",
    "kecamatan": "wilayah_3671",
}
_APLIKASI_FIELDS = {
    "kelompok": "kelompok",
    "status_aplikasi": "status_aplikasi",
    "platform_jenis": "platform.jenis",
    "dalam_tangerang_live": "dalam_tangerang_live",
}


def _names(field: str, lang: str) -> Callable[[str], str] | None:
    if field in _CODE_LISTS:
        return functools.partial(codelists.label, _CODE_LISTS[field], lang=lang)
    if field in _APLIKASI_FIELDS:
        labels = choices.labels("aplikasi", _APLIKASI_FIELDS[field], lang)
        return lambda value: labels.get(value, value)
    return None


def name_facet_items(search_facets: dict[str, Any]) -> dict[str, Any]:
    """Give coded facet values their names in the page's language ("1.02" becomes "1.02 Kesehatan"), in place."""
    if not search_facets:
        return search_facets
    lang = choices.page_lang()
    for field, facet in search_facets.items():
        name = _names(field, lang)
        for item in facet.get("items", []) if name else []:
            item["display_name"] = name(item["name"])
    return search_facets
