"""The portal's code lists, read once from ``ckanext.tangerang.schemas.codelists`` (see its SOURCES.md): their
codes as labels and select choices, and the shapes of the Satu Data codes that stewards write.
"""

from __future__ import annotations

import csv
import functools
import io
import re
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


# The Satu Data codes as the forms and messages show them, each X one digit: an entry of the city's data list
# (Kota Tangerang's Kemendagri area code 3671, affairs code, serial) and a data standard.
KODE_DAFTAR_DATA = "3671.X.XX.XXXX"
KODE_STANDAR_DATA = "SD.X.XX.XXXX"


@functools.cache
def _shape_pattern(shape: str) -> re.Pattern[str]:
    return re.compile("".join("[0-9]" if char == "X" else re.escape(char) for char in shape))


def fits(shape: str, value: object) -> bool:
    """Whether ``value`` is text of the code shape ``shape`` (``KODE_DAFTAR_DATA``, ``KODE_STANDAR_DATA``): each
    ``X`` one digit 0-9, everything else as written, nothing before or after."""
    return isinstance(value, str) and _shape_pattern(shape).fullmatch(value) is not None


def _name(list_name: str, row: dict[str, str], lang: str) -> str:
    if list_name == "urusan_pemerintahan":
        return f"{row['kode']} {row['nama']}"
    if "nama" in row:
        return row["nama"]
    return row["label_en"] if lang == "en" else row["label_id"]


def label(list_name: str, code: str, lang: str = "id") -> str:
    """A code as a visitor reads it, in ``lang`` where the list has both languages: "Terbuka"/"Open",
    "1.02 Kesehatan", an area's name. The code itself when the list does not have it."""
    row = by_code(list_name).get(code or "")
    return _name(list_name, row, lang) if row else (code or "")


def choices(list_name: str, lang: str = "id") -> list[dict[str, str]]:
    """A code list as scheming's select choices, in file order; areas say their tier and code
    ("Kec. Tangerang (36.71.01)"), so a kelurahan is told from the kecamatan of the same name."""
    tiers = {"kecamatan": "Kec. ", "kelurahan": "Kel. "}
    out = []
    for row in rows(list_name):
        text = _name(list_name, row, lang)
        if "tingkat" in row:
            text = f"{tiers.get(row['tingkat'], '')}{text} ({row['kode']})"
        out.append({"value": row["kode"], "label": text})
    return out
