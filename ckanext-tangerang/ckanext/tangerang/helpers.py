"""Template helpers: read-only and cheap. Registered by the blanket in plugin.py."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang import codelists


def tangerang_walidata() -> dict[str, str]:
    """The walidata's name and contact e-mail, for the footer and for pages of limited-access datasets."""
    return {
        "name": tk.config.get("ckanext.tangerang.portal.walidata_name"),
        "email": tk.config.get("ckanext.tangerang.portal.walidata_email"),
    }


def _lang() -> str:
    try:
        return "en" if tk.h.lang() == "en" else "id"
    except (RuntimeError, AttributeError, TypeError):
        return "id"  # outside a request (CLI, workers): the portal's default language


def tangerang_choices_klasifikasi(field: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """Access classes for scheming's select: value and a label in the page's language."""
    return [
        {"value": r["kode"], "label": r["label_en"] if _lang() == "en" else r["label_id"]}
        for r in codelists.rows("klasifikasi")
    ]


def tangerang_choices_frekuensi(field: dict[str, Any] | None = None) -> list[dict[str, str]]:
    return [
        {"value": r["kode"], "label": r["label_en"] if _lang() == "en" else r["label_id"]}
        for r in codelists.rows("frekuensi")
    ]


def tangerang_choices_sektor(field: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """Government-affairs (urusan) codes, labelled "1.02 Kesehatan"."""
    return [
        {"value": r["kode"], "label": f"{r['kode']} {r['nama']}"}
        for r in codelists.rows("urusan_pemerintahan")
    ]


def tangerang_choices_wilayah(field: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """The city, its kecamatan and kelurahan, labelled with their names and codes, kelurahan under theirs."""
    out = []
    for r in codelists.rows("wilayah_3671"):
        if r["tingkat"] == "kota":
            label = f"{r['nama']} ({r['kode']})"
        elif r["tingkat"] == "kecamatan":
            label = f"Kec. {r['nama']} ({r['kode']})"
        else:
            label = f"Kel. {r['nama']} ({r['kode']})"
        out.append({"value": r["kode"], "label": label})
    return out


def tangerang_wilayah_name(code: str) -> str:
    """The name of a Kemendagri area code of the city, or the code itself when unknown."""
    row = codelists.by_code("wilayah_3671").get(code)
    return row["nama"] if row else code


def tangerang_aplikasi_choices() -> list[dict[str, str]]:
    """The application catalogue as select choices (name, title), for the source-application field."""
    result = tk.get_action("package_search")(
        {}, {"fq": "dataset_type:aplikasi", "rows": 1000, "sort": "title_string asc", "fl": "name,title"}
    )
    return [{"value": r["name"], "label": r["title"]} for r in result["results"]]


def tangerang_aplikasi_title(name: str) -> str:
    """The title of an application record the visitor may see, or its name."""
    try:
        return tk.get_action("package_show")({}, {"id": name})["title"]
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return name
