"""Pure tests: registry record → aplikasi dict, SQL config checks, table → dataset, the demo's sources, the
report's table. No database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ckanext.tangerang.harvesters import app_registry, sql
from ckanext.tangerang.harvesters.tables import prepare_table
from ckanext.tangerang.logic import demo_harvest, harvest_report

DATA = Path(__file__).parent / "data"


@pytest.fixture
def record():
    return json.loads((DATA / "registry_record.json").read_text())


def test_registry_record_maps_to_aplikasi(record):
    dataset = app_registry.aplikasi_dataset(record)
    assert dataset["type"] == "aplikasi"
    assert (dataset["name"], dataset["title"]) == ("simpus", "SIMPUS (Sistem Informasi Manajemen Puskesmas)")
    assert (dataset["kelompok"], dataset["status_aplikasi"], dataset["tahun_peluncuran"]) == (
        "e-government",
        "aktif",
        "2023",
    )
    assert dataset["dalam_tangerang_live"] == "false"
    # Unknown platform kinds are left out; URLs kept.
    assert dataset["platform"] == [{"jenis": "web", "url": "https://simpus.tangerangkota.example"}]
    assert (dataset["kontak_nama"], dataset["kontak_email"]) == (
        "Dinas Kesehatan",
        "layanan.dinkes@tangerangkota.example",
    )
    # Sorted months; a month 13 is dropped; a negative count is dropped; the last entry of a month wins.
    assert dataset["penggunaan_bulanan"] == [
        {"bulan": "2024-11", "pengguna_aktif": 549, "transaksi": 1538},
        {"bulan": "2024-12", "pengguna_aktif": 607, "transaksi": 1993},
        {"bulan": "2025-01", "transaksi": 7},
    ]
    # The registry's own sample marker ("Aplikasi contoh") is enough; no second notice.
    assert dataset["notes"] == record["deskripsi"]
    assert "owner_org" not in dataset and "harvest_sumber" not in dataset


def test_registry_sample_notice_and_missing_optional_fields(record):
    for key in ("status", "tahun_peluncuran", "dalam_tangerang_live", "kontak_email", "opd_nama", "platform"):
        record.pop(key)
    record["deskripsi"] = "Layanan parkir."
    dataset = app_registry.aplikasi_dataset(record)
    assert dataset["notes"] == "Layanan parkir.\n\n" + app_registry.SAMPLE_NOTE
    assert dataset["platform"] == []
    for key in ("status_aplikasi", "tahun_peluncuran", "dalam_tangerang_live", "kontak_email", "kontak_nama"):
        assert key not in dataset


def test_registry_record_without_required_fields_is_a_readable_error(record):
    record["kelompok"] = "lainnya"
    record["nama"] = ""
    with pytest.raises(ValueError, match=r"apl-020.*nama is empty.*'lainnya' is not e-government"):
        app_registry.aplikasi_dataset(record)


@pytest.mark.parametrize("name", ["kunjungan", "v_kunjungan_kecamatan", "_x1", "A" * 63])
def test_sql_identifiers_accepted(name):
    assert sql.check_identifier(name) is None


@pytest.mark.parametrize(
    "name",
    ["", "1tabel", "kunjungan; DROP TABLE x", 'a"b', "public.kunjungan", "a b", "a-b", "A" * 64, None, 3],
)
def test_sql_identifiers_refused(name):
    assert "not a valid name" in sql.check_identifier(name)


def config(**overrides):
    base = {"dsn_env": "SIMPUS_DSN", "tables": [{"id": "t", "table": "kecamatan"}]}
    return json.dumps({**base, **overrides})


def test_sql_config_is_validated_with_clear_messages():
    harvester = sql.SqlHarvester()
    assert harvester.validate_config(config()) == config()
    cases = {
        config(dsn_env="postgresql://u:p@db/simpus"): "must be an environment variable name",
        json.dumps({"tables": [{"id": "t", "table": "x"}]}): "dsn_env: required",
        config(tables=[{"id": "t", "table": "x; drop"}]): "'x; drop' is not a valid name",
        config(tables=[{"id": "t", "table": "x", "columns": ["ok", "no good"]}]): "'no good' is not a valid",
        config(tables=[{"id": "t", "table": "x", "query": "q"}]): 'exactly one of "table" or "query"',
        config(tables=[{"id": "t", "query": "q"}]): "query 'q' is not in \"queries\"",
        config(queries={"q": "DELETE FROM x"}): "must start with SELECT or WITH",
        config(queries={"q": "SELECT 1; DROP TABLE x"}): "one statement",
        config(statement_timeout=0): "must be a whole number 1-600",
        config(dsn="postgresql://u:p@db/x"): "secrets must not be stored",
    }
    for text, expected in cases.items():
        with pytest.raises(ValueError) as error:
            harvester.validate_config(text)
        assert expected in str(error.value), (text, str(error.value))
        assert str(error.value).count(" / ") >= 1  # Indonesian, then English


def test_sql_table_maps_to_dataset():
    table = prepare_table(
        ["kecamatan_kode", "bulan", "jumlah_kunjungan"],
        [("36.71.01", "2026-10", 120), ("36.71.02", "2026-10", None)],
        spec={"kolom": {"jumlah_kunjungan": {"satuan": "kunjungan"}}},
    )
    cfg = {"aplikasi_sumber": "simpus", "defaults": {"klasifikasi": "terbuka", "sektor": "1.02"}}
    spec = {"id": "kunjungan-kecamatan", "table": "v_kunjungan_kecamatan", "dataset": {"title": "Kunjungan"}}
    dataset = sql.sql_dataset(cfg, spec, table)
    assert (dataset["name"], dataset["title"], dataset["klasifikasi"], dataset["sektor"]) == (
        "kunjungan-kecamatan",
        "Kunjungan",
        "terbuka",
        "1.02",
    )
    assert "table/view v_kunjungan_kecamatan" in dataset["metodologi"]
    (resource,) = dataset["resources"]
    assert resource["format"] == "CSV" and resource["jumlah_baris"] == 2
    assert (
        resource["_upload"].decode()
        == "kecamatan_kode,bulan,jumlah_kunjungan\n36.71.01,2026-10,120\n36.71.02,2026-10,\n"
    )
    kamus = {c["kolom"]: c for c in resource["kamus_data"]}
    assert kamus["jumlah_kunjungan"] == {
        "kolom": "jumlah_kunjungan",
        "tipe": "bilangan_bulat",
        "jumlah_terisi": 1,
        "min": 120,
        "maks": 120,
        "satuan": "kunjungan",
    }
    query_spec = {"id": "q", "query": "per_puskesmas", "dataset": {"title": "Q"}}
    assert "named query per_puskesmas" in sql.sql_dataset(cfg, query_spec, table)["metodologi"]


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


def test_format_report_is_a_table():
    rows = [
        {
            "source": "registri",
            "type": "tangerang_app_registry",
            "job": "0123456789",
            "status": "Finished",
            "finished": "2026-11-28 03:07:13.123",
            "seconds": 89.25,
            "added": 172,
            "updated": 0,
            "unchanged": 0,
            "withdrawn": 0,
            "errors": 1,
        }
    ]
    lines = harvest_report.format_report(rows).splitlines()
    assert lines[0].split() == [
        "source", "type", "last", "job", "status", "finished", "added", "updated", "unchanged", "withdrawn", "errors", "duration"
    ]  # fmt: skip
    assert lines[1].split() == [
        "registri", "tangerang_app_registry", "01234567", "Finished", "2026-11-28", "03:07:13", "172", "0", "0", "0", "1", "89.2", "s"
    ]  # fmt: skip


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
