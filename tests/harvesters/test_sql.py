"""The SQL harvester: identifiers and config checks, a table → a dataset (pure), and end to end through the real
pipeline (harvest_job_create → Redis → ``ckan tangerang gather-consumer`` and ``fetch-consumer`` subprocesses →
harvest_jobs_run) against the SIMPUS sample database. Its database access itself: test_sql_database.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ckan.tests import helpers

from ckanext.tangerang.harvesters import sql
from ckanext.tangerang.harvesters.tables import prepare_table
from tests.harvesters.conftest import SIMPUS_ENV, create_source, datasets_of, run_jobs
from tests.helpers import minimal_aplikasi

pytestmark = [pytest.mark.usefixtures("with_plugins")]


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


SIMPUS_CONFIG = {
    "dsn_env": SIMPUS_ENV,
    "aplikasi_sumber": "simpus",
    "statement_timeout": 20,
    "defaults": {
        "klasifikasi": "terbuka",
        "sektor": "1.02",
        "frekuensi": "bulanan",
        "cakupan_wilayah": ["36.71"],
    },
    "queries": {
        "per_puskesmas": "SELECT puskesmas_kode, puskesmas_nama, bulan, layanan, jumlah_kunjungan "
        "FROM v_kunjungan_puskesmas WHERE kecamatan_kode = :kecamatan ORDER BY puskesmas_kode, bulan, layanan",
        "tulis": "WITH d AS (DELETE FROM catatan RETURNING kunci) SELECT kunci FROM d",
    },
    "tables": [
        {
            "id": "kunjungan-kecamatan",
            "table": "v_kunjungan_kecamatan",
            "order_by": ["bulan", "kecamatan_kode", "layanan"],
            "dataset": {"title": "Kunjungan Puskesmas per Kecamatan", "tingkat_penyajian": "kecamatan"},
            "kolom": {"jumlah_kunjungan": {"deskripsi": "Jumlah kunjungan", "satuan": "kunjungan"}},
        },
        {
            "id": "kunjungan-tangerang",
            "query": "per_puskesmas",
            "params": {"kecamatan": "36.71.01"},
            "dataset": {
                "title": "Kunjungan Puskesmas di Kecamatan Tangerang",
                "cakupan_wilayah": ["36.71.01"],
            },
        },
    ],
}


def _stored_file(resource):
    from ckan.lib.uploader import get_resource_uploader

    return Path(get_resource_uploader(resource).get_path(resource["id"])).read_bytes()


def test_sql_source_snapshots_tables_and_refuses_writes(opds_env, upstream, simpus_url, consumers):
    env = opds_env
    minimal_aplikasi(env["user"], env["orgs"]["dinkes"]["id"], "simpus")
    source = create_source(
        env, "simpus-sql", f"{upstream}/apps/simpus/datasets", "tangerang_sql", SIMPUS_CONFIG
    )
    first = run_jobs(env, source["id"])
    assert first["stats"] == {"added": 2}, first
    datasets = datasets_of(env, "simpus-sql")
    city = datasets["kunjungan-kecamatan"]
    assert (city["title"], city["aplikasi_sumber"], city["klasifikasi"], city["tingkat_penyajian"]) == (
        "Kunjungan Puskesmas per Kecamatan",
        "simpus",
        "terbuka",
        "kecamatan",
    )
    assert city["owner_org"] == env["org"]["id"]  # the source's OPD
    assert "v_kunjungan_kecamatan" in city["metodologi"]
    (resource,) = city["resources"]
    assert (resource["format"], resource["url_type"], resource["jumlah_baris"]) == (
        "CSV",
        "upload",
        13 * 34 * 5,
    )
    kamus = {c["kolom"]: c for c in resource["kamus_data"]}
    assert (
        kamus["jumlah_kunjungan"]["tipe"] == "bilangan_bulat"
        and kamus["jumlah_kunjungan"]["satuan"] == "kunjungan"
    )
    body = _stored_file(resource).decode("utf-8").splitlines()
    assert body[0] == "kecamatan_kode,kecamatan_nama,bulan,layanan,jumlah_kunjungan"
    assert body[1].startswith("36.71.01,Tangerang,2024-01,")
    one = datasets["kunjungan-tangerang"]
    assert one["cakupan_wilayah"] == ["36.71.01"]
    rows = _stored_file(one["resources"][0]).decode("utf-8").splitlines()
    assert rows[0] == "puskesmas_kode,puskesmas_nama,bulan,layanan,jumlah_kunjungan" and len(rows) > 100

    second = run_jobs(env, source["id"])
    assert second["stats"] == {"not modified": 2}, second

    # A write attempt through a named query: one readable error, the database unchanged, the rest unchanged.
    writing = {**SIMPUS_CONFIG, "tables": [*SIMPUS_CONFIG["tables"], {"id": "tulis", "query": "tulis"}]}
    helpers.call_action(
        "harvest_source_update",
        context={"user": env["user"]},
        id=source["id"],
        name="simpus-sql",
        title="simpus-sql",
        url=source["url"],
        source_type="tangerang_sql",
        owner_org=env["org"]["id"],
        frequency="MANUAL",
        config=json.dumps(writing),
    )
    third = run_jobs(env, source["id"])
    assert third["stats"] == {"errored": 1, "not modified": 2}, third
    (message,) = third["object_errors"]
    assert "The query tulis failed" in message and "read-only transaction" in message
    import sqlalchemy as sa

    engine = sa.create_engine(simpus_url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM catatan")).scalar() == 3
    engine.dispose()
    assert consumers.alive()


def test_missing_dsn_variable_is_a_gather_error(opds_env, upstream):
    env = opds_env
    source = create_source(
        env,
        "simpus-tanpa-dsn",
        f"{upstream}/apps/simpus/datasets?x=1",
        "tangerang_sql",
        {**SIMPUS_CONFIG, "dsn_env": "TANGERANG_TIDAK_ADA_DSN"},
    )
    report = run_jobs(env, source["id"])
    assert report["status"] == "Finished"
    (message,) = report["gather_errors"]
    assert "TANGERANG_TIDAK_ADA_DSN" in message and "is not set on the harvest worker" in message
