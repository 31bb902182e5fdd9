"""Test data builders shared by the suite."""

from __future__ import annotations


def valid_dataset(org_id: str, **overrides) -> dict:
    data = {
        "name": "jumlah-penduduk-per-kelurahan-2025",
        "title": "Jumlah Penduduk per Kelurahan 2025",
        "notes": "Jumlah penduduk menurut kelurahan dan jenis kelamin.",
        "owner_org": org_id,
        "klasifikasi": "terbuka",
        "sektor": "2.12",
        "frekuensi": "tahunan",
        "cakupan_wilayah": ["36.71.01", "36.71.01.1001"],
        "tingkat_penyajian": "kelurahan",
        "tahun_awal": "2020",
        "tahun_akhir": "2025",
        "satuan": "jiwa",
        "produsen_data_nama": "Bidang Data Disdukcapil",
        "produsen_data_email": "data@disdukcapil.tangerangkota.go.id",
        "walidata_email": "satudata@tangerangkota.go.id",
        "kode_daftar_data": "3671.2.12.0001",
    }
    data.update(overrides)
    return data
