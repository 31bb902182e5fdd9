"""The portal's code lists, read once from ``ckanext.tangerang.schemas.codelists`` (see its SOURCES.md)."""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources


@functools.cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """All rows of ``codelists/<name>.csv`` as dicts, in file order."""
    text = resources.files("ckanext.tangerang.schemas.codelists").joinpath(f"{name}.csv").read_text("utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


@functools.cache
def by_code(name: str, key: str = "kode") -> dict[str, dict[str, str]]:
    """The rows of a code list keyed by their code column."""
    return {row[key]: row for row in rows(name)}


def opds() -> tuple[dict[str, str], ...]:
    """The city's perangkat daerah (OPD), one CKAN organization each."""
    return rows("opd_tangerang")
