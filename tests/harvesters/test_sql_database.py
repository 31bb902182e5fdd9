"""The SQL harvester's database access against real databases: the SIMPUS sample in SQLite and in the stack's
PostgreSQL (``TANGERANG_TEST_SQL_URL``). Writes are refused by the read-only transaction itself."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ckanext.tangerang.harvesters import sql

# Saved configs only accept SELECT/WITH (checked in test_sql.py); these reach the database as they are, to show
# that the transaction itself refuses them.
WRITES = {
    "delete": "DELETE FROM catatan",
    "insert": "INSERT INTO kecamatan (kode, nama) VALUES ('99.99', 'x')",
    "drop": "DROP TABLE catatan",
}
# Passes the SELECT/WITH check of a saved config; PostgreSQL runs data-modifying WITH, SQLite has none.
PG_WRITE = "WITH d AS (DELETE FROM catatan RETURNING kunci) SELECT kunci FROM d"


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory):
    from sample_upstream import build_sqlite

    path = tmp_path_factory.mktemp("simpus") / "simpus.sqlite"
    build_sqlite(path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, sqlite_url, simpus_url):
    return sqlite_url if request.param == "sqlite" else simpus_url


def count(url, table):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
    finally:
        engine.dispose()


def test_view_snapshot_is_ordered_and_capped(url):
    config = {"statement_timeout": 10, "max_rows": 5000}
    spec = {"id": "k", "table": "v_kunjungan_kecamatan", "order_by": ["bulan", "kecamatan_kode", "layanan"]}
    columns, rows = sql.read_table(url, config, spec)
    assert columns == ["kecamatan_kode", "kecamatan_nama", "bulan", "layanan", "jumlah_kunjungan"]
    assert rows[0][:3] == ("36.71.01", "Tangerang", "2024-01")
    assert rows == sorted(rows, key=lambda r: (r[2], r[0], r[3]))
    assert len(rows) == 13 * 34 * 5  # 13 kecamatan, Jan 2024 - Oct 2026, 5 services
    with pytest.raises(sql.SqlError, match="more than 100 rows"):
        sql.read_table(url, {"max_rows": 100}, spec)


def test_table_columns_subset_and_primary_key_order(url):
    columns, rows = sql.read_table(url, {}, {"id": "k", "table": "kecamatan", "columns": ["nama"]})
    assert columns == ["nama"]
    assert len(rows) == 13 and rows[0] == ("Tangerang",)  # ordered by the primary key (kode)
    with pytest.raises(sql.SqlError, match=r"Columns not in kecamatan: \['tidak_ada'\]"):
        sql.read_table(url, {}, {"id": "k", "table": "kecamatan", "columns": ["tidak_ada"]})


def test_named_query_with_bound_parameter(url):
    config = {
        "queries": {"per_kec": "SELECT kode, nama FROM puskesmas WHERE kecamatan_kode = :k ORDER BY kode"}
    }
    columns, rows = sql.read_table(url, config, {"id": "q", "query": "per_kec", "params": {"k": "36.71.01"}})
    assert columns == ["kode", "nama"]
    assert rows and all(code.startswith("P3671") or code for code, _ in rows)
    injected = {"id": "q", "query": "per_kec", "params": {"k": "36.71.01' OR '1'='1"}}
    assert sql.read_table(url, config, injected)[1] == []


@pytest.mark.parametrize("write", [*sorted(WRITES), "with_delete"])
def test_a_write_through_a_named_query_is_refused(url, write):
    if write == "with_delete" and url.startswith("sqlite"):
        pytest.skip("SQLite has no data-modifying WITH")
    before = count(url, "catatan"), count(url, "kecamatan")
    config = {"queries": {"tulis": WRITES.get(write, PG_WRITE)}}
    with pytest.raises(sql.SqlError) as error:
        sql.read_table(url, config, {"id": "w", "query": "tulis"})
    message = str(error.value)
    assert "The query tulis failed" in message
    assert "read-only" in message or "readonly" in message, message
    assert (count(url, "catatan"), count(url, "kecamatan")) == before


def test_connection_errors_do_not_show_the_password():
    with pytest.raises(sql.SqlError) as error:
        sql.read_table(
            "postgresql://u:rahasia-sekali@127.0.0.1:1/x", {"statement_timeout": 2}, {"id": "t", "table": "t"}
        )
    assert "Could not connect" in str(error.value)
    assert "rahasia-sekali" not in str(error.value)


def test_unsupported_database_is_refused():
    with pytest.raises(sql.SqlError, match="read-only cannot be guaranteed"):
        sql.make_engine("oracle://u:p@h/x", 5)


def test_statement_timeout(simpus_url):
    config = {"statement_timeout": 1, "queries": {"tidur": "SELECT pg_sleep(3) AS x"}}
    with pytest.raises(sql.SqlError, match="statement timeout"):
        sql.read_table(simpus_url, config, {"id": "s", "query": "tidur"})


def test_a_database_error_is_reported_by_its_first_line_without_the_statement():
    error = sa.exc.OperationalError(
        "SELECT * FROM rahasia WHERE p = :p", {"p": "sandi"}, Exception("boom\ndetail")
    )
    with pytest.raises(sql.SqlError) as raised, sql._failing_as("Daftar tabel gagal", "Listing failed"):
        raise error
    assert str(raised.value) == "Daftar tabel gagal / Listing failed: Exception: boom"


def test_other_errors_pass_through_unchanged():
    with pytest.raises(sql.SqlError) as raised, sql._failing_as("a", "b"):
        raise sql.SqlError("Columns not in x")
    assert str(raised.value) == "Columns not in x"
