"""What a ``package_search`` may ask of Solr: allow-lists for the parameters, the result fields, the facet and
sort fields, bounds on the costly parts of a query (local parameters, wildcards, rows), one bilingual answer for a
query Solr rejects, and the bounds of ``package_list``'s paging.

The index holds no withheld value (``indexing.withhold_data``), so no query can filter on a terbatas URL; these
rules keep the rest of Solr's surface (field aliases, functions, response writers, query parsers, stored blobs)
out of reach, and keep Solr's own error text, which echoes the internal query and the caller's permission labels,
from reaching the caller.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.types import Context, DataDict

from ckanext.tangerang.bilingual import msg

log = logging.getLogger(__name__)

# Parameters a caller may send; CKAN's own are all here except Solr's query-parser knobs (defType, qf, mm, tie,
# bf, boost, df), which could point a query at fields the portal does not mean to be searched.
PARAMETERS = frozenset(
    (
        "q", "fq", "fq_list", "sort", "rows", "start", "fl", "facet", "facet.field", "facet.limit",
        "facet.mincount", "include_private", "include_drafts", "include_deleted", "use_default_schema", "wt",
        "extras", "abort_search",
    )
)  # fmt: skip
BOOLEANS = ("include_private", "include_drafts", "include_deleted", "use_default_schema", "facet")
FACET_FIELDS = frozenset(
    (
        "organization", "groups", "tags", "res_format", "license_id", "dataset_type", "sektor", "klasifikasi",
        "frekuensi", "kecamatan", "cakupan_wilayah", "aplikasi_sumber", "tahun_akhir", "tingkat_penyajian",
        "kelompok", "platform_jenis", "status_aplikasi", "dalam_tangerang_live", "source_type", "frequency",
    )
)  # fmt: skip
SORT_FIELDS = frozenset(
    (
        "score", "name", "title_string", "metadata_modified", "metadata_created", "views_recent", "views_total",
        "tahun_akhir", "pemutakhiran_berikutnya", "sektor", "klasifikasi", "frekuensi", "aplikasi_sumber",
        "kelompok", "status_aplikasi", "dalam_tangerang_live", "num_resources", "num_tags", "id",
        "pengguna_aktif_terakhir", "skor_kualitas",
    )
)  # fmt: skip
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_START = 100_000  # deeper pages are a crawl, and Solr's int overflows past 2^31
MAX_FACET_LIMIT = 1_000
MAX_LIST_PAGING = (
    2**31 - 1
)  # past PostgreSQL's integers a package_list's LIMIT/OFFSET was a 500 (schemathesis)

# Solr local parameters ("{!func}", "{!join ...}") switch query parsers and reach other cores and functions;
# _query_ nests such a query inside a normal one. Neither is for callers, URL-encoded or not.
LOCAL_PARAMS = re.compile(r"\{\s*!|%7b\s*(?:!|%21)|\b_query_\s*:", re.IGNORECASE)
# Wildcard terms Solr expands over the whole term dictionary: a leading wildcard or too few letters before it
# ("*a*", "?*", "a*"), or many of them in one query.
MIN_WILDCARD_LETTERS = 3
MAX_WILDCARD_TERMS = 3
_ESCAPED = re.compile(r"\\.")
_PHRASE = re.compile(r'"[^"]*"')
_RANGE = re.compile(r"[\[{][^\]}]*[\]}]")  # [* TO 2026-12-01T00:00:00Z} and the like: "*" is a bound here
_TERM = re.compile(r"[^\s()]+")
TRUE_FALSE = {"true", "false", "1", "0", "yes", "no", "on", "off", "t", "f", "y", "n"}


class SearchParameterError(tk.ValidationError, SearchQueryError):
    """A field-level 409 for the API, and the 400 that CKAN's search pages give a SearchQueryError."""

    def __str__(self) -> str:
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in self.error_dict.items())


def _bad(field: str, indonesian: str, english: str) -> SearchParameterError:
    return SearchParameterError({field: [msg(indonesian, english)]})


def _names(value: Any, field: str) -> list[str]:
    """A comma/space separated string or a list (or its JSON text) of names."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                import json

                value = json.loads(text)
            except ValueError as err:
                raise _bad(field, "Daftar JSON tidak sah", "Invalid JSON list") from err
        else:
            return [n for n in re.split(r"[\s,]+", text) if n]
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        raise _bad(field, "Harus berupa daftar nama field", "Must be a list of field names")
    return [n.strip() for n in value if n.strip()]


def _integer(data_dict: DataDict, field: str, maximum: int, minimum: int = 0) -> None:
    if field not in data_dict or data_dict[field] in (None, ""):
        return
    try:
        value = int(str(data_dict[field]))
    except ValueError as err:
        raise _bad(field, "Harus berupa bilangan bulat", "Must be a whole number") from err
    if not minimum <= value <= maximum:
        raise _bad(
            field,
            f"Harus antara {minimum} dan {maximum}",
            f"Must be between {minimum} and {maximum}",
        )
    data_dict[field] = value


def check_query(field: str, text: Any) -> None:
    """Raise a field-level ValidationError when a ``q`` or ``fq`` uses Solr local parameters or costly wildcards.
    ``*:*``, ``field:*``, ranges with open bounds and prefix searches of three letters or more (``penduduk*``)
    pass; wildcards inside quotes or escaped are plain text."""
    if not isinstance(text, str):
        return
    if LOCAL_PARAMS.search(text):
        raise _bad(
            field,
            "Parameter lokal Solr ({!...}, _query_) tidak diizinkan",
            "Solr local parameters ({!...}, _query_) are not allowed",
        )
    plain = _RANGE.sub(" ", _PHRASE.sub(" ", _ESCAPED.sub("x", text)))
    wildcards = 0
    for term in _TERM.findall(plain):
        value = term.lstrip("+-!").split(":", 1)[-1]
        if not ("*" in value or "?" in value) or value == "*":
            continue
        wildcards += 1
        if value[0] in "*?":
            raise _bad(
                field,
                f"Wildcard tidak boleh di awal kata ('{term}')",
                f"A wildcard may not start a term ('{term}')",
            )
        if len(re.sub(r"[*?]", "", value)) < MIN_WILDCARD_LETTERS:
            raise _bad(
                field,
                f"Wildcard perlu sedikitnya {MIN_WILDCARD_LETTERS} huruf di depannya ('{term}')",
                f"A wildcard needs at least {MIN_WILDCARD_LETTERS} letters before it ('{term}')",
            )
    if wildcards > MAX_WILDCARD_TERMS:
        raise _bad(
            field,
            f"Paling banyak {MAX_WILDCARD_TERMS} kata dengan wildcard dalam satu kueri",
            f"At most {MAX_WILDCARD_TERMS} wildcard terms in one query",
        )


def check_params(data_dict: DataDict) -> None:
    """Raise a field-level ValidationError for any parameter outside the allow-lists."""
    for key in data_dict:
        if key not in PARAMETERS and not key.startswith("ext_"):
            raise _bad(key, "Parameter pencarian tidak dikenal", "Unknown search parameter")
    for key in BOOLEANS:
        value = data_dict.get(key)
        if value is not None and not isinstance(value, bool) and str(value).strip().lower() not in TRUE_FALSE:
            raise _bad(key, "Harus true atau false", "Must be true or false")
    if str(data_dict.get("wt") or "json") != "json":
        raise _bad("wt", "Hanya format json yang tersedia", "Only the json format is available")
    _integer(data_dict, "start", MAX_START)
    # CKAN would cut a larger rows to ckan.search.rows_max without a word, and a client paging by start += rows
    # would skip every dataset past the cut: say so instead.
    _integer(data_dict, "rows", tk.config.get("ckan.search.rows_max"))
    _integer(data_dict, "facet.limit", MAX_FACET_LIMIT, minimum=-1)
    _integer(data_dict, "facet.mincount", 10_000)
    for name in _names(data_dict.get("fl") or [], "fl"):
        if name != "*" and not FIELD_NAME.match(name):
            raise _bad(
                "fl",
                "fl hanya menerima nama field, tanpa alias atau fungsi",
                "fl takes field names only, no aliases or functions",
            )
    for name in _names(data_dict.get("facet.field") or [], "facet.field"):
        if name not in FACET_FIELDS:
            raise _bad(
                "facet.field",
                f"Tidak dapat membuat faset atas '{name}'; pilih dari: {', '.join(sorted(FACET_FIELDS))}",
                f"Cannot facet on '{name}'; choose from the fields listed",
            )
    check_query("q", data_dict.get("q"))
    check_query("fq", data_dict.get("fq"))
    fq_list = data_dict.get("fq_list")
    for fq in fq_list if isinstance(fq_list, list) else [fq_list]:
        check_query("fq_list", fq)
    sort = data_dict.get("sort")
    if sort not in (None, "", "rank"):
        if not isinstance(sort, str):
            raise _bad("sort", "Urutan tidak sah", "Invalid sort")
        for clause in sort.split(","):
            parts = clause.split()
            if len(parts) != 2 or parts[0] not in SORT_FIELDS or parts[1].lower() not in ("asc", "desc"):
                raise _bad(
                    "sort",
                    f"Urutan harus '<field> asc|desc' dengan field dari: {', '.join(sorted(SORT_FIELDS))}",
                    "Sort must be '<field> asc|desc' with a field listed",
                )


@tk.side_effect_free
@tk.chained_action
def package_search(original_action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """CKAN's ``package_search``, with its parameters checked against allow-lists (field names only in ``fl``;
    ``facet.field`` and ``sort`` on the portal's public fields; no query-parser knobs; ``start`` up to 100,000;
    ``rows`` up to ``ckan.search.rows_max``; in ``q`` and ``fq`` no Solr local parameters, no leading or short
    wildcards, at most three wildcard terms) and terbatas datasets' data left out for those who may not
    download it."""
    check_params(data_dict)
    try:
        return original_action(context, data_dict)
    except SearchParameterError:
        raise
    except SearchQueryError as err:
        log.info("search rejected: %s", err)
        raise _bad("q", "Kueri pencarian tidak sah", "The search query is invalid") from None
    except SearchError as err:
        # Solr's message echoes the internal query with the caller's permission labels: log it, never show it.
        log.warning("Solr rejected a search: %s", err)
        raise _bad(
            "q", "Kueri pencarian tidak dapat dijalankan", "The search query could not be run"
        ) from None


@tk.side_effect_free
@tk.chained_action
def package_list(original_action, context: Context, data_dict: DataDict) -> list[str]:
    """CKAN's ``package_list``, with ``limit`` and ``offset`` whole numbers up to 2,147,483,647 (a 409 naming
    the field, where the database's overflow was a 500)."""
    _integer(data_dict, "limit", MAX_LIST_PAGING)
    _integer(data_dict, "offset", MAX_LIST_PAGING)
    return original_action(context, data_dict)
