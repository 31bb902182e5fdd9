"""Sample upstream: stands in for Kota Tangerang's city applications, which the project cannot reach.

Serves an application registry, JSON/CSV/XLSX/SQL data of six applications, a CKAN-compatible API and a DCAT
catalogue, all SAMPLE DATA (data contoh), deterministic per seed, with fault and change switches for tests.
See README.md in this folder.
"""

from __future__ import annotations

from .data import DEFAULT_SEED, SAMPLE_NOTICE, SampleData, nik_is_valid
from .server import DEFAULT_PORT, UpstreamServer, make_server, serve_in_thread
from .sqldb import build_sqlite, load_sql

__all__ = [
    "DEFAULT_PORT",
    "DEFAULT_SEED",
    "SAMPLE_NOTICE",
    "SampleData",
    "UpstreamServer",
    "build_sqlite",
    "load_sql",
    "make_server",
    "nik_is_valid",
    "serve_in_thread",
]
