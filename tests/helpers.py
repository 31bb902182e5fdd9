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


def aplikasi(org_id: str, **overrides) -> dict:
    """A valid application record (type aplikasi): LAKSA, unless overridden."""
    data = {
        "type": "aplikasi",
        "name": "laksa",
        "title": "LAKSA",
        "notes": "Layanan aspirasi dan pengaduan warga Kota Tangerang.",
        "owner_org": org_id,
        "kelompok": "layanan-publik",
        "platform": [{"jenis": "web", "url": "https://laksa.tangerangkota.go.id"}],
        "dalam_tangerang_live": "true",
        "status_aplikasi": "aktif",
        "tahun_peluncuran": "2017",
    }
    data.update(overrides)
    return data


def minimal_aplikasi(user: str, org_id: str, name: str) -> dict:
    """Create the bare application record that harvested datasets name as aplikasi_sumber."""
    from ckan.tests import helpers

    return helpers.call_action(
        "package_create",
        context={"user": user},
        type="aplikasi",
        name=name,
        title=name,
        notes=f"Aplikasi {name}.",
        owner_org=org_id,
        kelompok="layanan-publik",
        status_aplikasi="aktif",
    )
