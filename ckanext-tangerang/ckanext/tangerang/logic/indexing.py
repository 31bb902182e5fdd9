"""What the Tangerang schema adds to a dataset's Solr document: facet and sort fields, and the OPD's and the
covered areas' names for full-text search. Pure: a CKAN index dict in, the same dict with our fields out."""

from __future__ import annotations

import json
from typing import Any

from ckanext.tangerang import codelists, jsonlist, usage
from ckanext.tangerang.logic import access

# Stored, never indexed: what a search returns of them is redacted per visitor (access.redact_search_results).
STORED_ONLY = ("data_dict", "validated_data_dict")

# An application's active users in its last reported month: the home page's featured applications sort on it.
LATEST_USERS = "pengguna_aktif_terakhir"

SINGLE = (
    "sektor",
    "klasifikasi",
    "frekuensi",
    "tingkat_penyajian",
    "aplikasi_sumber",
    "kelompok",
    "status_aplikasi",
)


def _as_list(value: Any) -> list[Any]:
    try:
        return jsonlist.read(value)
    except ValueError:  # codes as plain text, separated by commas or spaces
        return value.replace(",", " ").split()
    except TypeError:
        return [value]


def kecamatan_of(codes: list[str]) -> list[str]:
    """The kecamatan an area coverage touches: kecamatan as given, kelurahan by their parent."""
    wilayah = codelists.by_code("wilayah_3671")
    out: dict[str, None] = {}
    for code in codes:
        row = wilayah.get(code)
        if row is None:
            continue
        if row["tingkat"] == "kecamatan":
            out[code] = None
        elif row["tingkat"] == "kelurahan":
            out[row["induk"]] = None
    return list(out)


def area_names(codes: list[str]) -> list[str]:
    """The official names of the areas an area coverage names, a kelurahan's kecamatan too: a dataset on
    36.71.05 is found by "Cipondoh" (and, through the Solr synonyms of solr/build_synonyms.py, by the name's other
    spellings)."""
    wilayah = codelists.by_code("wilayah_3671")
    out: dict[str, None] = {}
    for code in codes:
        row = wilayah.get(code)
        while row is not None and row["tingkat"] in ("kecamatan", "kelurahan"):
            out[row["nama"]] = None
            row = wilayah.get(row["induk"])
    return list(out)


def withhold_data(pkg_dict: dict[str, Any], validated: dict[str, Any]) -> dict[str, Any]:
    """A terbatas dataset's URLs are not indexed at all (res_url, resource extras, the text catch-all), so no
    query, filter, facet or sort can read them, whoever asks."""
    if validated.get("klasifikasi") != access.LIMITED:
        return pkg_dict
    secrets = access.resource_secrets(validated)
    for key, value in list(pkg_dict.items()):
        if key not in STORED_ONLY:
            pkg_dict[key] = access.scrub(value, secrets)
    return pkg_dict


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    withhold_data(pkg_dict, validated)
    for key in SINGLE:
        value = validated.get(key)
        if value not in (None, ""):
            pkg_dict[key] = value
        else:
            pkg_dict.pop(key, None)
    areas = [str(c) for c in _as_list(validated.get("cakupan_wilayah"))]
    pkg_dict["cakupan_wilayah"] = areas
    pkg_dict["kecamatan"] = kecamatan_of(areas)
    try:
        pkg_dict["tahun_akhir"] = int(validated["tahun_akhir"])
    except (KeyError, TypeError, ValueError):
        pkg_dict.pop("tahun_akhir", None)
    next_update = validated.get("pemutakhiran_berikutnya")
    if next_update:
        pkg_dict["pemutakhiran_berikutnya"] = f"{next_update}T00:00:00Z"
    else:
        pkg_dict.pop("pemutakhiran_berikutnya", None)
    platforms = [p.get("jenis") for p in _as_list(validated.get("platform")) if isinstance(p, dict)]
    # Not "platform": ckanext-dcat flattens that repeating field itself and expects its original shape.
    pkg_dict["platform_jenis"] = sorted({p for p in platforms if p})
    live = validated.get("dalam_tangerang_live")
    if live not in (None, ""):
        pkg_dict["dalam_tangerang_live"] = "true" if str(live).lower() in ("true", "1", "ya") else "false"
    else:
        pkg_dict.pop("dalam_tangerang_live", None)
    latest = usage.latest_users(validated.get("penggunaan_bulanan"))
    if latest is not None:
        pkg_dict[LATEST_USERS] = latest
    else:
        pkg_dict.pop(LATEST_USERS, None)
    # The OPD's official name and abbreviation, so that "Dinas Kesehatan" and "Dinkes" find its datasets
    # whatever the organization's URL name is; the covered areas' names, so that "Cipondoh" finds a dataset
    # on 36.71.05 whatever its text says.
    org = validated.get("organization") or {}
    extra_text = [t for t in (org.get("title"), org.get("singkatan")) if t] + area_names(areas)
    if extra_text:
        text = pkg_dict.get("text") or []
        pkg_dict["text"] = [*(text if isinstance(text, list) else [text]), *extra_text]
    return pkg_dict
