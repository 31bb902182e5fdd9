"""The Satu Data Indonesia record of a public dataset: the one mapping of our fields onto the names Satu Data
portals use, read by the /satudata.json feed and by the catalogue exports (JSON, CSV, XLSX).

Pure: a dataset dict (as package_show or package_search gives it) in, a record out, no I/O. The feeds are
public, so a distribution's URL is given for terbuka datasets only, whoever asks (defence in depth: the
datasets come from an anonymous search, which has already dropped terbatas URLs, and tertutup datasets).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ckanext.tangerang import codelists
from ckanext.tangerang.dcat import contact_point

# The record's keys in order, and so the CSV/XLSX columns (README.md's table says where each comes from).
HEADER: Sequence[str] = (
    "id",
    "nama",
    "judul",
    "deskripsi",
    "url",
    "produsen_data",
    "produsen_data_kontak",
    "produsen_data_email",
    "walidata",
    "walidata_email",
    "kode_urusan",
    "urusan",
    "frekuensi",
    "kode_wilayah",
    "cakupan_wilayah",
    "tingkat_penyajian",
    "klasifikasi",
    "kode_daftar_data",
    "kode_standar_data",
    "satuan",
    "ukuran",
    "tahun_awal",
    "tahun_akhir",
    "kata_kunci",
    "aplikasi_sumber",
    "tanggal_rilis",
    "tanggal_pemutakhiran",
    "jadwal_pemutakhiran",
    "lisensi",
    "lisensi_url",
    "kontak_nama",
    "kontak_email",
    "distribusi_format",
    "distribusi_url",
)
# Lists in one spreadsheet cell.
JOIN = "; "


def record(dataset: dict[str, Any], site_url: str) -> dict[str, Any]:
    """The dataset as a Satu Data record (keys as in ``HEADER``, except that ``kontak`` and ``distribusi`` are
    nested); ``site_url`` makes the dataset page's address."""
    organization = dataset.get("organization") or {}
    walidata = contact_point(
        {}, {"name": dataset.get("walidata_nama"), "email": dataset.get("walidata_email")}
    )
    kontak = contact_point(
        {"name": dataset.get("produsen_data_nama"), "email": dataset.get("produsen_data_email")},
        {"name": dataset.get("walidata_nama"), "email": dataset.get("walidata_email")},
    )
    sektor = dataset.get("sektor") or None
    urusan = codelists.by_code("urusan_pemerintahan").get(sektor or "")
    wilayah = [k for k in dataset.get("cakupan_wilayah") or [] if isinstance(k, str)]
    open_data = dataset.get("klasifikasi") == "terbuka"
    return {
        "id": dataset.get("id"),
        "nama": dataset.get("name"),
        "judul": dataset.get("title"),
        "deskripsi": dataset.get("notes"),
        "url": f"{site_url.rstrip('/')}/dataset/{dataset.get('name')}",
        "produsen_data": organization.get("title") or organization.get("name"),
        "produsen_data_kontak": dataset.get("produsen_data_nama") or None,
        "produsen_data_email": dataset.get("produsen_data_email") or None,
        "walidata": walidata["name"],
        "walidata_email": walidata["email"],
        "kode_urusan": sektor,
        "urusan": urusan["nama"] if urusan else None,
        "frekuensi": codelists.label("frekuensi", dataset.get("frekuensi") or "") or None,
        "kode_wilayah": wilayah,
        "cakupan_wilayah": [codelists.label("wilayah_3671", k) for k in wilayah],
        "tingkat_penyajian": dataset.get("tingkat_penyajian") or None,
        "klasifikasi": dataset.get("klasifikasi"),
        "kode_daftar_data": dataset.get("kode_daftar_data") or None,
        "kode_standar_data": dataset.get("kode_standar_data") or None,
        "satuan": dataset.get("satuan") or None,
        "ukuran": dataset.get("ukuran") or None,
        "tahun_awal": dataset.get("tahun_awal") or None,
        "tahun_akhir": dataset.get("tahun_akhir") or None,
        "kata_kunci": [t["name"] for t in dataset.get("tags") or [] if t.get("name")],
        "aplikasi_sumber": dataset.get("aplikasi_sumber") or None,
        "tanggal_rilis": dataset.get("metadata_created"),
        "tanggal_pemutakhiran": dataset.get("metadata_modified"),
        "jadwal_pemutakhiran": dataset.get("pemutakhiran_berikutnya") or None,
        "lisensi": dataset.get("license_title") or dataset.get("license_id"),
        "lisensi_url": dataset.get("license_url") or None,
        "kontak": {"nama": kontak["name"], "email": kontak["email"]},
        "distribusi": [
            {
                "nama": r.get("name") or None,
                "format": r.get("format") or None,
                "url": (r.get("url") or None) if open_data else None,
            }
            for r in dataset.get("resources") or []
        ],
    }


def row(rec: dict[str, Any]) -> list[Any]:
    """A record as one spreadsheet row, in ``HEADER``'s order: lists joined with ``JOIN``."""
    flat = {
        **rec,
        "kontak_nama": rec["kontak"]["nama"],
        "kontak_email": rec["kontak"]["email"],
        "distribusi_format": [d["format"] or "" for d in rec["distribusi"]],
        "distribusi_url": [d["url"] for d in rec["distribusi"] if d["url"]],
    }
    return [JOIN.join(v) if isinstance(v, list) else v for v in (flat[k] for k in HEADER)]
