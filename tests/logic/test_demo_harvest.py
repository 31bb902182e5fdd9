"""The harvest demo's sources (logic/demo_harvest.py and its demo_sources.yaml): pure, given the upstream's
listings. No database."""

from __future__ import annotations

import json

from ckanext.tangerang.harvesters import app_registry, sql
from ckanext.tangerang.logic import demo_harvest


def test_demo_sources_cover_every_source_type():
    listings = {
        "sobatdukcapil": [
            {
                "id": "penduduk-2025",
                "judul": "Penduduk 2025",
                "deskripsi": "d",
                "kata_kunci": ["penduduk"],
                "tahun": 2025,
                "tingkat_penyajian": "kelurahan",
                "cakupan_wilayah": ["36.71"],
                "distribusi": [{"format": "CSV", "url": "http://u/x.csv", "encoding": "utf-8"}],
            }
        ],
        "simpus": [
            {
                "id": "kunjungan-kota",
                "judul": "K",
                "deskripsi": "d",
                "tingkat_penyajian": "fasilitas",
                "cakupan_wilayah": ["36.71"],
                "sql": {"tabel": "v_kunjungan_kecamatan", "kueri": "SELECT * FROM v_kunjungan_kecamatan"},
            },
            {
                "id": "kunjungan-tangerang",
                "judul": "K1",
                "deskripsi": "d",
                "cakupan_wilayah": ["36.71.01"],
                "sql": {
                    "tabel": "v_kunjungan_puskesmas",
                    "kueri": "SELECT * FROM v WHERE kecamatan_kode = '36.71.01'",
                },
            },
        ],
    }
    sources = demo_harvest.demo_sources("http://up:1/", listings)
    kinds = {s["source_type"] for s in sources}
    assert kinds == {
        "tangerang_app_registry",
        "tangerang_json_api",
        "tangerang_tabular",
        "tangerang_sql",
        "ckan",
        "dcat_rdf",
    }
    assert sources[0]["name"] == demo_harvest.REGISTRY_SOURCE
    assert len({s["name"] for s in sources}) == len(sources)
    assert all(s["frequency"] in ("DAILY", "WEEKLY", "MONTHLY") for s in sources)
    by_name = {s["name"]: s for s in sources}
    (table,) = json.loads(by_name["sobatdukcapil-berkas"]["config"])["tables"]
    assert table["dataset"]["tahun_awal"] == "2025" and table["dataset"]["tingkat_penyajian"] == "kelurahan"
    sql_config = json.loads(by_name["simpus-sql"]["config"])
    assert sql_config["dsn_env"] == demo_harvest.SIMPUS_DSN_ENV
    city, one = sql_config["tables"]
    assert city["table"] == "v_kunjungan_kecamatan" and "tingkat_penyajian" not in city["dataset"]
    assert (one["query"], one["params"]) == ("kunjungan_puskesmas", {"kecamatan": "36.71.01"})
    # Every config validates with its harvester (the stock ones excepted).
    harvesters = {
        "tangerang_sql": sql.SqlHarvester(),
        "tangerang_app_registry": app_registry.AppRegistryHarvester(),
    }
    for source in sources:
        if source["source_type"] in harvesters:
            harvesters[source["source_type"]].validate_config(source["config"])


def test_demo_sources_without_listings_leave_the_table_sources_out():
    """The file and SQL sources get their tables from the listings; with none, they are not registered at all. The
    others come as demo_sources.yaml has them, with the upstream's base URL."""
    sources = demo_harvest.demo_sources("http://up:1/", {})
    assert [s["name"] for s in sources] == [
        demo_harvest.REGISTRY_SOURCE,
        "laksa-api-json",
        "tangerang-ayo-api-json",
        "tangerang-cakap-kerja-api-json",
        "laksa-pengaduan-mentah-agregat",
        "katalog-ckan-contoh",
        "katalog-dcat-contoh",
    ]
    assert all(s["url"].startswith("http://up:1/") and "{" not in s["url"] for s in sources)
    by_name = {s["name"]: s for s in sources}
    listing = by_name["tangerang-ayo-api-json"]
    assert listing["url"] == "http://up:1/apps/tangerang-ayo/datasets"
    assert json.loads(listing["config"]) == demo_harvest.json_api_config("tangerang-ayo")
    assert json.loads(listing["config"])["fields"]["tahun_awal"] == "tahun"
    ckan_config = json.loads(by_name["katalog-ckan-contoh"]["config"])
    assert ckan_config["organizations_filter_exclude"] == demo_harvest.APP_OPDS
    assert "dinkes" in demo_harvest.APP_OPDS


def test_demo_dcat_source_names_the_application_of_its_catalogue_page():
    """The demo's DCAT source names "satu-data" for all it harvests: the page of the sample catalogue that its URL
    asks for holds only generated records of the Satu Data portal, none of the other applications' datasets."""
    from urllib.parse import parse_qs, urlsplit

    from sample_upstream.catalogue import Catalogue, Changes
    from sample_upstream.data import SampleData

    (source,) = [s for s in demo_harvest.demo_sources("http://up:1", {}) if s["source_type"] == "dcat_rdf"]
    assert json.loads(source["config"])["aplikasi_sumber"] == "satu-data"
    url = urlsplit(source["url"])
    query = {k: int(v[0]) for k, v in parse_qs(url.query).items()}
    catalogue = Catalogue(SampleData(), Changes(), int(url.path.split("/")[3]))
    start = (query["page"] - 1) * query["per_page"]
    page = catalogue.entries[start : start + query["per_page"]]
    assert page and {catalogue.record(e)["aplikasi"] for e in page} == {"satu-data"}
