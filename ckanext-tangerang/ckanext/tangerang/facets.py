"""Facets of the dataset and application searches, and readable names for their coded values."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import has_request_context

from ckanext.tangerang import codelists


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


def _labels() -> dict[str, dict[str, str]]:
    english = has_request_context() and tk.h.lang() == "en"
    label = "label_en" if english else "label_id"
    return {
        "sektor": {k: f"{k} {v['nama']}" for k, v in codelists.by_code("urusan_pemerintahan").items()},
        "klasifikasi": {k: v[label] for k, v in codelists.by_code("klasifikasi").items()},
        "frekuensi": {k: v[label] for k, v in codelists.by_code("frekuensi").items()},
        "kecamatan": {k: v["nama"] for k, v in codelists.by_code("wilayah_3671").items()},
        "kelompok": {"e-government": "E-Government", "layanan-publik": "Layanan Publik"},
        "status_aplikasi": {"aktif": "Aktif", "dalam-kajian": "Dalam Kajian", "dihentikan": "Dihentikan"},
        "dalam_tangerang_live": {"true": tk._("Yes"), "false": tk._("No")},
    }


def name_facet_items(search_facets: dict[str, Any]) -> dict[str, Any]:
    """Give coded facet values their names ("1.02" becomes "1.02 Kesehatan"), in place."""
    if not search_facets:
        return search_facets
    labels = _labels()
    for field, facet in search_facets.items():
        names = labels.get(field)
        if not names:
            continue
        for item in facet.get("items", []):
            item["display_name"] = names.get(item["name"], item["display_name"])
    return search_facets
