"""The demo's reference datasets: real published facts about the city (from the code lists), loaded into
the DataStore so that their tables can be previewed and queried. Idempotent."""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang import codelists
from ckanext.tangerang.logic.site_user import site_context

log = logging.getLogger(__name__)

_NUMERIC = {"penduduk_2013_dak2", "penduduk_sp2010", "hari_maksimum"}


def _fields(columns: list[str]) -> list[dict[str, str]]:
    return [{"id": c, "type": "int" if c in _NUMERIC else "text"} for c in columns]


def _records(name: str) -> list[dict[str, Any]]:
    out = []
    for row in codelists.rows(name):
        out.append(
            {
                k: (int(v) if k in _NUMERIC and v.strip() else (None if k in _NUMERIC else v))
                for k, v in row.items()
            }
        )
    return out


REFERENCE_DATASETS: list[dict[str, Any]] = [
    {
        "name": "wilayah-administrasi-kota-tangerang",
        "title": "Wilayah Administrasi Kota Tangerang (Kecamatan dan Kelurahan)",
        "owner_org": "bappeda",
        "notes": "Kode Kemendagri, nama, tingkat, induk, kode BPS dan kode pos untuk Kota Tangerang (36.71), "
        "13 kecamatan dan 104 kelurahan. Sumber: Kepmendagri 300.2.2-2138/2025.",
        "tags": ["wilayah", "kecamatan", "kelurahan", "kode wilayah"],
        "codelist": "wilayah_3671",
        "metadata": {"sektor": "5.01", "frekuensi": "tidak-tetap", "tingkat_penyajian": "kelurahan"},
    },
    {
        "name": "jumlah-penduduk-per-kecamatan-2013",
        "title": "Jumlah Penduduk per Kecamatan Kota Tangerang 2013",
        "owner_org": "disdukcapil",
        "notes": "Jumlah penduduk per kecamatan menurut DAK2 Kemendagri 2013 dan sebagian angka Sensus Penduduk "
        "2010. Angka lama, disajikan sebagai data referensi.",
        "tags": ["penduduk", "kependudukan", "kecamatan"],
        "codelist": "penduduk_kecamatan",
        "metadata": {
            "sektor": "2.12",
            "frekuensi": "tahunan",
            "tingkat_penyajian": "kecamatan",
            "tahun_awal": 2013,
            "tahun_akhir": 2013,
            "satuan": "jiwa",
            "ukuran": "jumlah",
        },
    },
    {
        "name": "daftar-perangkat-daerah-kota-tangerang",
        "title": "Daftar Perangkat Daerah Kota Tangerang",
        "owner_org": "diskominfo",
        "notes": "Perangkat daerah (OPD) Pemerintah Kota Tangerang dengan singkatan, jenis dan urusan "
        "pemerintahan utamanya. Sumber: Perda Kota Tangerang 8/2016.",
        "tags": ["perangkat daerah", "organisasi"],
        "codelist": "opd_tangerang",
        "metadata": {"sektor": "4.01", "frekuensi": "tidak-tetap", "tingkat_penyajian": "kota"},
    },
]


def load_reference_datasets() -> dict[str, int]:
    """Create the reference datasets that are missing, each with one DataStore table.

    :returns: counts of ``created`` and ``existing`` datasets
    """
    counts = {"created": 0, "existing": 0}
    for spec in REFERENCE_DATASETS:
        try:
            package = tk.get_action("package_show")(site_context(), {"id": spec["name"]})
        except tk.ObjectNotFound:
            package = tk.get_action("package_create")(
                site_context(),
                {
                    "name": spec["name"],
                    "title": spec["title"],
                    "owner_org": spec["owner_org"],
                    "notes": spec["notes"],
                    "license_id": "cc-by",
                    "tags": [{"name": t} for t in spec["tags"]],
                    "klasifikasi": "terbuka",
                    "cakupan_wilayah": ["36.71"],
                    "walidata_nama": "Diskominfo Kota Tangerang",
                    "walidata_email": "satudata@tangerangkota.go.id",
                    **spec["metadata"],
                },
            )
        # A run that stopped between the dataset and its table finishes the table now.
        if any(r.get("datastore_active") for r in package.get("resources", [])):
            counts["existing"] += 1
            continue
        records = _records(spec["codelist"])
        tk.get_action("datastore_create")(
            site_context(),
            {
                "resource": {"package_id": package["id"], "name": spec["title"], "format": "CSV"},
                "fields": _fields(list(records[0])),
                "records": records,
                "force": True,
            },
        )
        counts["created"] += 1
    log.info("Reference datasets: %s", counts)
    return counts
