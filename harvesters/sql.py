"""``tangerang_sql`` harvester: tables, views and named queries of an application's SQL database → datasets
with a CSV snapshot, a data dictionary and a row count (the tabular pipeline's guard, neutralising and profile).

Source URL: a page that describes the application (it is shown as the source, never called). Source config::

    {
      "dsn_env": "SIMPUS_DSN",                     # required: the environment variable holding the SQLAlchemy URL
      "schema": "public",                          # optional schema of the tables and views
      "statement_timeout": 30,                     # seconds per statement (1-600, default 30)
      "max_rows": 100000,                          # a table with more rows is an error (default 100,000)
      "queries": {"per_puskesmas": "SELECT ... WHERE kecamatan_kode = :kecamatan ORDER BY ..."},
      "tables": [
        {"id": "kunjungan-kecamatan",              # required: the upstream id (GUID part)
         "table": "v_kunjungan_kecamatan",         # a table or view ...
         "columns": ["kecamatan_kode", "bulan"],   # ... optionally only these columns
         "order_by": ["bulan"],                    # default: the primary key, else every column
         "dataset": {"title": "...", ...}, "kolom": {"jumlah_kunjungan": {"satuan": "kunjungan"}}},
        {"id": "kunjungan-tangerang", "query": "per_puskesmas", "params": {"kecamatan": "36.71.01"},
         "dataset": {...}}
      ],
      "aplikasi_sumber": "simpus", "defaults": {...}, "data_pribadi": "tahan", "agregasi": [...]
    }

Safety: the URL (with its password) never sits in the stored config; every identifier must match
``[A-Za-z_][A-Za-z0-9_]*`` and is quoted by the dialect; a named query is one ``SELECT``/``WITH`` statement with
bound parameters; everything runs in a read-only transaction (PostgreSQL ``SET TRANSACTION READ ONLY``, MySQL
likewise, SQLite ``PRAGMA query_only``) that is always rolled back, under a statement timeout, reading at most
``max_rows + 1`` rows. Other database kinds are refused, because read-only cannot be promised for them.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from ckanext.tangerang.bilingual import msg

from .base import Listing, Run, TangerangHarvesterBase, UpstreamRecord
from .config import (
    Check,
    ConfigError,
    check_defaults,
    dict_of,
    exactly_one,
    explained,
    is_dict,
    is_env_name,
    is_int,
    is_str,
    obj,
    table_list,
)
from .tables import PreparedTable, prepare_table, tabular_dataset

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
QUERY_START = re.compile(r"^\s*(select|with)\b", re.I)
DIALECTS = ("postgresql", "sqlite", "mysql", "mariadb")
DEFAULT_TIMEOUT = 30
DEFAULT_MAX_ROWS = 100_000
MAX_ROWS_CAP = 1_000_000


class SqlError(ValueError):
    """A database failure, readable and without the connection URL."""


# --- config checks (pure) --------------------------------------------------------------------------------


def valid_identifier(name: Any) -> bool:
    return isinstance(name, str) and bool(IDENTIFIER.match(name))


def check_identifier(value: Any) -> str | None:
    if valid_identifier(value):
        return None
    return msg(
        f"{value!r} bukan nama yang sah (huruf, angka, _; diawali huruf atau _; maks. 63)",
        f"{value!r} is not a valid name (letters, digits, _; starting with a letter or _; max 63)",
    )


def check_query_text(text: Any) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return msg("kueri harus teks", "the query must be text")
    body = text.strip().rstrip(";")
    if ";" in body:
        return msg("kueri harus satu pernyataan (tanpa ;)", "the query must be one statement (no ;)")
    if not QUERY_START.match(body):
        return msg("kueri harus diawali SELECT atau WITH", "the query must start with SELECT or WITH")
    return None


def is_scalar(value: Any) -> str | None:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return None
    return msg("harus teks atau angka", "must be text or a number")


def identifier_list(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return msg("harus daftar nama kolom", "must be a list of column names")
    return next((problem for column in value if (problem := check_identifier(column))), None)


TABLE = obj(
    {
        "id": is_str,
        "table": check_identifier,
        "query": check_identifier,
        "params": dict_of(
            is_scalar,
            keys=check_identifier,
            message=msg("harus objek {nama: teks atau angka}", "must be an object {name: text or number}"),
        ),
        "columns": identifier_list,
        "order_by": identifier_list,
        "dataset": check_defaults,
        "kolom": is_dict,
    },
    required=("id",),
    missing=msg("id wajib (teks)", "id is required (text)"),
    rules=(exactly_one("table", "query"),),
)


# --- pure mapping ----------------------------------------------------------------------------------------


def sql_dataset(config: dict[str, Any], spec: dict[str, Any], table: PreparedTable) -> dict[str, Any]:
    """The dataset of one table snapshot; pure. The dataset says where the snapshot came from."""
    dataset = tabular_dataset(config, spec, table, None, "sql")
    origin = (
        msg(f"kueri bernama {spec['query']}", f"named query {spec['query']}")
        if "query" in spec
        else msg(f"tabel/view {spec['table']}", f"table/view {spec['table']}")
    )
    dataset.setdefault("metodologi", msg(f"Cuplikan basis data ({origin})", f"Database snapshot ({origin})"))
    return dataset


# --- database access -------------------------------------------------------------------------------------


def database_url(config: dict[str, Any]) -> str:
    name = config["dsn_env"]
    url = os.environ.get(name, "").strip()
    if not url:
        raise ConfigError(
            msg(
                f"Variabel lingkungan {name} (URL basis data sumber) tidak diset pada worker panen",
                f"The environment variable {name} (the source's database URL) is not set on the harvest worker",
            )
        )
    return url


def _readable(error: Exception) -> str:
    """A database error's first line, without SQLAlchemy's echo of the statement and its parameters."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return f"{type(original).__name__}: {text[0] if text else ''}"


def make_engine(url: str, timeout: int) -> sa.Engine:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise SqlError(msg("URL basis data tidak sah", "The database URL is not valid")) from None
    backend = parsed.get_backend_name()
    if backend not in DIALECTS:
        raise SqlError(
            msg(
                f"Basis data {backend} tidak didukung (hanya {', '.join(DIALECTS)}: baca-saja tidak dapat dijamin)",
                f"Database {backend} is not supported (only {', '.join(DIALECTS)}: read-only cannot be guaranteed)",
            )
        )
    connect_args: dict[str, Any] = {}
    if backend == "postgresql":
        connect_args = {"connect_timeout": min(timeout, 10)}
    elif backend in ("mysql", "mariadb"):
        connect_args = {"connect_timeout": min(timeout, 10)}
    elif backend == "sqlite":
        connect_args = {"timeout": min(timeout, 10)}
    return sa.create_engine(parsed, poolclass=NullPool, connect_args=connect_args)


@contextmanager
def _failing_as(id_text: str, en_text: str) -> Iterator[None]:
    """A database error inside becomes a ``SqlError``: the message, then the error's first line (never the URL
    nor the statement)."""
    try:
        yield
    except sa.exc.SQLAlchemyError as error:
        raise SqlError(msg(id_text, en_text) + f": {_readable(error)}") from None


@contextmanager
def read_only(engine: sa.Engine, timeout: int) -> Iterator[sa.Connection]:
    """A connection in a read-only transaction with a statement timeout; always rolled back."""
    backend = engine.url.get_backend_name()
    with _failing_as("Tidak dapat terhubung ke basis data", "Could not connect to the database"):
        connection = engine.connect()
    try:
        if backend == "postgresql":
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout) * 1000}")
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(timeout) * 1000}")
        elif backend in ("mysql", "mariadb"):
            connection.exec_driver_sql(f"SET SESSION max_execution_time = {int(timeout) * 1000}")
            connection.exec_driver_sql("SET SESSION TRANSACTION READ ONLY")
        else:
            connection.exec_driver_sql("PRAGMA query_only = ON")
            deadline = time.monotonic() + timeout
            # SQLite has no statement timeout: a progress handler interrupts a statement past the deadline.
            connection.connection.driver_connection.set_progress_handler(
                lambda: int(time.monotonic() > deadline), 10_000
            )
        yield connection
    finally:
        try:
            connection.rollback()
        finally:
            connection.close()


def list_relations(connection: sa.Connection, schema: str | None) -> set[str]:
    inspector = sa.inspect(connection)
    return set(inspector.get_table_names(schema=schema)) | set(inspector.get_view_names(schema=schema))


def select_statement(connection: sa.Connection, spec: dict[str, Any], schema: str | None, limit: int) -> Any:
    """A SELECT of a table or view with quoted, checked identifiers and a deterministic order."""
    inspector = sa.inspect(connection)
    name = spec["table"]
    existing = [c["name"] for c in inspector.get_columns(name, schema=schema)]
    wanted = spec.get("columns") or existing
    missing = [c for c in [*wanted, *(spec.get("order_by") or [])] if c not in existing]
    if missing:
        raise SqlError(msg(f"Kolom tidak ada di {name}: {missing}", f"Columns not in {name}: {missing}"))
    table = sa.table(name, *[sa.column(c) for c in existing], schema=schema)
    order = spec.get("order_by")
    if not order:
        try:
            order = inspector.get_pk_constraint(name, schema=schema).get("constrained_columns") or []
        except (sa.exc.SQLAlchemyError, NotImplementedError):
            order = []
        order = [c for c in order if c in existing] or list(wanted)
    return sa.select(*[table.c[c] for c in wanted]).order_by(*[table.c[c] for c in order]).limit(limit)


def read_table(
    url: str, config: dict[str, Any], spec: dict[str, Any]
) -> tuple[list[str], list[Sequence[Any]]]:
    """The columns and rows of one configured table, view or named query; at most ``max_rows``."""
    timeout = int(config.get("statement_timeout", DEFAULT_TIMEOUT))
    max_rows = int(config.get("max_rows", DEFAULT_MAX_ROWS))
    schema = config.get("schema")
    engine = make_engine(url, timeout)
    what = spec.get("query") or spec.get("table")
    try:
        with (
            _failing_as(f"Kueri {what} gagal", f"The query {what} failed"),
            read_only(engine, timeout) as connection,
        ):
            if "query" in spec:
                text = config["queries"][spec["query"]].strip().rstrip(";")
                statement: Any = sa.text(text)
                result = connection.execute(statement, dict(spec.get("params") or {}))
            else:
                result = connection.execute(select_statement(connection, spec, schema, max_rows + 1))
            columns = list(result.keys())
            rows = result.fetchmany(max_rows + 1)
            result.close()
    finally:
        engine.dispose()
    if len(rows) > max_rows:
        raise SqlError(
            msg(
                f"{spec['id']}: lebih dari {max_rows:,} baris (max_rows); dataset tidak diubah",
                f"{spec['id']}: more than {max_rows:,} rows (max_rows); the dataset is left as it was",
            )
        )
    return columns, [tuple(r) for r in rows]


# --- the harvester ---------------------------------------------------------------------------------------


class SqlHarvester(TangerangHarvesterBase):
    NAME = "tangerang_sql"
    TITLE = "Tangerang: basis data SQL (SQL database)"
    DESCRIPTION = (
        "Tabel, view atau kueri bernama dari basis data aplikasi menjadi dataset dengan cuplikan CSV, dibaca "
        "dalam transaksi baca-saja. / Tables, views or named queries of an application's database become "
        "datasets with CSV snapshots, read in a read-only transaction."
    )
    CONFIG: dict[str, Check] = {
        "dsn_env": explained(
            is_env_name,
            msg(
                "harus nama variabel lingkungan (huruf besar, angka, _), mis. SIMPUS_DSN; URL-nya sendiri jangan "
                "disimpan",
                "must be an environment variable name (capitals, digits, _), e.g. SIMPUS_DSN; never the URL itself",
            ),
        ),
        "schema": check_identifier,
        "statement_timeout": is_int(1, 600),
        "max_rows": is_int(1, MAX_ROWS_CAP),
        "queries": dict_of(check_query_text, keys=check_identifier),
        "tables": table_list(TABLE),
    }
    REQUIRED = ("dsn_env", "tables")

    def check_config(self, config: dict[str, Any]) -> list[str]:
        queries = config.get("queries") or {}
        return [
            msg(
                f'tabel {t["id"]}: kueri {t["query"]!r} tidak ada di "queries"',
                f'table {t["id"]}: query {t["query"]!r} is not in "queries"',
            )
            for t in config.get("tables") or []
            if isinstance(t, dict) and "query" in t and t["query"] not in queries
        ]

    def gather_records(self, run: Run) -> Listing:
        problems = self.check_config(run.config)
        if problems:
            raise ConfigError("; ".join(problems))
        url = database_url(run.config)
        timeout = int(run.config.get("statement_timeout", DEFAULT_TIMEOUT))
        engine = make_engine(url, timeout)
        try:
            with (
                _failing_as("Daftar tabel tidak dapat dibaca", "The list of tables could not be read"),
                read_only(engine, timeout) as connection,
            ):
                relations = list_relations(connection, run.config.get("schema"))
        finally:
            engine.dispose()
        listing = Listing(records=[])
        for spec in run.config["tables"]:
            if "table" in spec and spec["table"] not in relations:
                listing.complete = False
                listing.problems.append(
                    msg(
                        f"tabel/view {spec['table']} tidak ada di basis data",
                        f"table/view {spec['table']} does not exist in the database",
                    )
                )
                continue
            listing.records.append(UpstreamRecord(id=spec["id"], content=spec))
        return listing

    def fetch_payload(self, run: Run, content: dict[str, Any]) -> PreparedTable:
        columns, rows = read_table(database_url(run.config), run.config, content)
        return prepare_table(columns, rows, run.config, content)

    def build_dataset(self, run: Run, content: dict[str, Any], payload: PreparedTable) -> dict[str, Any]:
        return sql_dataset(run.config, content, payload)
