"""Personal data behind linked files: before a harvested dataset is published, what its resources link to is read.

A dataset that anyone may see (klasifikasi ``terbuka``, not private, not a draft) is checked for two things:

- ``tingkat_penyajian: individu`` (records per person) together with ``terbuka``: held for a steward, whatever
  the files hold.
- every resource with an http(s) URL whose declared format or file name is a data format (CSV, XLSX, JSON) or
  says nothing: a bounded sample (``limits.sample_bytes``, 2 MiB) is read through the harvesters'
  :class:`~.http.SafeClient` (allow-list, timeouts, size caps), parsed as a table (CSV; every XLSX sheet; every
  list of records in a JSON answer, else its top level) and screened by :func:`.pii.screen`, the guard of stored
  tables. A sample cut short is screened as far as it goes; a CSV or JSON that cannot be parsed is screened line
  by line (NIK, phone and e-mail rules), an XLSX cut short or unreadable cannot be screened and holds the record.

Re-reading: after a clean screen the URL's validators (``ETag``, ``Last-Modified``), the sample's sha256 and the
time of the screen are kept in Redis (the gather stage reads the time: see unchanged.py). The next screen sends ``If-None-Match``/``If-Modified-Since``: a 304 is not read again; a sample
with the same sha256 is not parsed again; a changed file is screened again. A failed read of a file that was
clean at its last screen keeps the record as it is (a transient fault is not a reason to withdraw); a file that
was never screened clean and cannot be read holds the record.

URLs outside the allow-list are not called (the harvesters may not reach them) and are not screened.

What the source's ``data_pribadi`` mode means for links: ``tahan`` (default) holds the record. ``drop`` and
``aggregate`` cannot change a file the portal does not store, so the resource that links to personal data is left
out (as the tabular harvester leaves out the link to an original that held personal data) and the dataset says so
in ``catatan_data_pribadi``; the individu + terbuka rule holds in every mode.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ckanext.tangerang.bilingual import msg

from . import pii
from .http import HarvestHttpError, SafeClient, UrlNotAllowed, check_url

log = logging.getLogger(__name__)

DATA_FORMATS = frozenset({"csv", "tsv", "txt", "json", "geojson", "xlsx", "xls", "api"})
CACHE_PREFIX = "tangerang:tautan-pii:"
CACHE_SECONDS = 30 * 24 * 3600
# Set in a write's context by a caller that has screened the dataset already (the Tangerang harvesters).
SCREENED = "tangerang_tautan_diperiksa"
TEXT_COLUMN = "(isi berkas / file content)"


class RecordHeld(pii.PersonalDataHeld):
    """A record held for a steward: its message names the resources, columns and kinds found, in both
    languages; ``causes`` say what held it (``tautan``, ``individu``, ``tak_terbaca``)."""

    def __init__(
        self, message: str, findings: Sequence[pii.Finding] = (), causes: Iterable[str] = ("tautan",)
    ) -> None:
        Exception.__init__(self, message)
        self.findings = list(findings)
        self.causes = tuple(causes)


@dataclass
class Outcome:
    """What screening a dataset's links found: ``problems`` hold the record; ``dropped`` resources were left out
    under drop/aggregate, ``note`` says so."""

    problems: list[str]
    findings: list[pii.Finding]
    dropped: list[str]
    note: str
    unreadable: bool = False


# --- which datasets and resources ------------------------------------------------------------------------


def is_public(dataset: Mapping[str, Any]) -> bool:
    """Anyone may see the dataset and follow its resources' URLs."""
    if str(dataset.get("private")).lower() == "true" or str(dataset.get("state") or "active") != "active":
        return False
    return str(dataset.get("klasifikasi") or "terbuka") == "terbuka"


def individual_records_problem(dataset: Mapping[str, Any]) -> str | None:
    if dataset.get("tingkat_penyajian") == "individu" and is_public(dataset):
        return msg(
            'Dataset menyatakan tingkat_penyajian "individu" (rekaman per orang) dengan klasifikasi "terbuka"; '
            "ditahan untuk walidata, tidak diterbitkan. Ubah klasifikasi menjadi terbatas/tertutup atau "
            "terbitkan data agregat",
            'The dataset declares tingkat_penyajian "individu" (records per person) with klasifikasi "terbuka"; '
            "held for a steward, not published. Change the klasifikasi to terbatas/tertutup or publish "
            "aggregated data",
        )
    return None


def linked_url(resource: Mapping[str, Any]) -> str | None:
    """The URL to screen, or ``None``: not http(s), a file we store (``_upload``), or a format that is not data."""
    if "_upload" in resource or "upload" in resource or resource.get("url_type") == "upload":
        return None  # stored in the portal: screened as a table when it was harvested
    url = str(resource.get("url") or "").strip()
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    declared = str(resource.get("format") or "").strip().lower().lstrip(".")
    suffix = urlsplit(url).path.rsplit("/", 1)[-1].rpartition(".")[2].lower() if "." in url else ""
    if declared:
        return url if declared in DATA_FORMATS else None
    return url if not suffix or suffix in DATA_FORMATS or len(suffix) > 5 else None


# --- parsing a sample ------------------------------------------------------------------------------------


def _lines_table(text: str) -> list[tuple[list[str], list[list[str]]]]:
    return [([TEXT_COLUMN], [[line] for line in text.splitlines() if line.strip()])]


def _json_tables(value: Any, depth: int = 0) -> list[tuple[list[str], list[list[str]]]]:
    from .json_api import records_to_table

    if isinstance(value, list):
        records = [v for v in value if isinstance(v, Mapping)]
        tables = [records_to_table(records)] if records else []
        for item in records[:50]:
            tables.extend(t for v in item.values() if depth < 4 for t in _json_tables(v, depth + 1))
        return tables
    if isinstance(value, Mapping):
        tables = []
        scalars = {k: v for k, v in value.items() if not isinstance(v, Mapping | list)}
        if scalars:
            tables.append(records_to_table([scalars]))
        for item in value.values():
            if depth < 4:
                tables.extend(_json_tables(item, depth + 1))
        return tables
    return []


def sample_kind(url: str, declared: str, content_type: str, content: bytes) -> str | None:
    """csv, xlsx or json (what the sample is), or ``None`` for what is not a table (HTML, PDF, ...)."""
    media = content_type.split(";")[0].strip().lower()
    head = content[:512].lstrip()
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    if media in ("text/html", "application/xhtml+xml") or head[:15].lower().startswith(
        (b"<!doctype", b"<html")
    ):
        return None
    if "json" in media or head[:1] in (b"{", b"["):
        return "json"
    if "spreadsheet" in media or "excel" in media:
        return "xlsx"
    if media.startswith("text/") or "csv" in media or declared in ("csv", "tsv", "txt"):
        return "csv"
    if media in ("", "application/octet-stream") and b"\x00" not in content[:4096]:
        return "csv"
    return None


def sample_tables(
    url: str, declared: str, content_type: str, content: bytes, truncated: bool
) -> list[tuple[list[str], list[list[str]]]]:
    """The tables of a sample; raises ``ValueError`` when an XLSX cannot be read (cut short or corrupt)."""
    from .tabular import decode_text, read_csv

    kind = sample_kind(url, declared, content_type, content)
    if kind is None:
        return []
    if kind == "xlsx":
        if truncated:
            raise ValueError(
                msg(
                    "berkas XLSX lebih besar dari batas sampel (limits.sample_bytes)",
                    "the XLSX file is larger than the sample limit (limits.sample_bytes)",
                )
            )
        return read_xlsx_sheets(content)
    text, _used = decode_text(content)
    if kind == "json":
        try:
            return _json_tables(json.loads(text)) or _lines_table(text)
        except ValueError:
            return _lines_table(text)  # cut short or broken: the cell rules still see every line
    if truncated and "\n" in text:
        text = text[: text.rfind("\n") + 1]
    try:
        return [read_csv(text.encode("utf-8"), encoding="utf-8")]
    except (ValueError, UnicodeError):
        return _lines_table(text)


def read_xlsx_sheets(data: bytes) -> list[tuple[list[str], list[list[str]]]]:
    """Every sheet of an XLSX sample as (columns, rows), read as the tabular harvester reads a stored table."""
    from .tabular import read_xlsx_sheets as sheets

    return [(columns, rows) for _name, columns, rows in sheets(data)]


# --- reading with validators -----------------------------------------------------------------------------


def _redis() -> Any:
    try:
        from ckan.lib.redis import connect_to_redis

        return connect_to_redis()
    except Exception:  # no CKAN config (pure tests): no cache, every screen reads
        return None


def _cache_key(url: str) -> str:
    return CACHE_PREFIX + hashlib.sha256(url.encode("utf-8")).hexdigest()


def _cached(url: str) -> dict[str, str] | None:
    redis = _redis()
    if redis is None:
        return None
    try:
        value = redis.get(_cache_key(url))
    except Exception:
        return None
    return json.loads(value) if value else None


def cached_many(urls: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The kept screens of many URLs, in one round trip to Redis: URL → entry (only those kept)."""
    redis = _redis()
    if redis is None or not urls:
        return {}
    try:
        values = redis.mget([_cache_key(url) for url in urls])
    except Exception:
        return {}
    return {url: json.loads(value) for url, value in zip(urls, values, strict=True) if value}


def _remember(url: str, entry: dict[str, Any] | None) -> None:
    redis = _redis()
    if redis is None:
        return
    try:
        if entry is None:
            redis.delete(_cache_key(url))
        else:
            redis.set(_cache_key(url), json.dumps(entry), ex=CACHE_SECONDS)
    except Exception:
        log.warning("Could not keep the screen of %s in Redis", url)


def screen(
    client: SafeClient, url: str, declared: str, cached: Mapping[str, Any] | None
) -> tuple[list[pii.Finding] | None, Any]:
    """Screen the file at ``url`` against its kept entry ``cached``, without touching Redis: (findings or
    ``None`` when unchanged since its last clean screen, the entry to keep: a dict, ``None`` to forget it).
    Raises :class:`HarvestHttpError` (``UrlNotAllowed`` included) and ``ValueError`` when the file cannot be
    read or parsed."""
    headers = {}
    if cached and cached.get("etag"):
        headers["If-None-Match"] = cached["etag"]
    if cached and cached.get("last_modified"):
        headers["If-Modified-Since"] = cached["last_modified"]
    response = client.get(url, max_bytes=client.limits.sample_bytes, truncate=True, headers=headers or None)
    if response.status == 304 and cached:
        return None, {**cached, "at": time.time()}
    digest = hashlib.sha256(response.content).hexdigest()
    if cached and cached.get("sha256") == digest:
        return None, {**cached, "at": time.time()}
    tables = sample_tables(
        url, declared, response.headers.get("content-type", ""), response.content, response.truncated
    )
    findings = [finding for columns, rows in tables for finding in pii.screen(columns, rows)]
    entry = None
    if not findings:
        entry = {
            "etag": response.headers.get("etag", ""),
            "last_modified": response.headers.get("last-modified", ""),
            "sha256": digest,
            "at": time.time(),
        }
    return findings, entry


def screen_url(
    client: SafeClient, url: str, declared: str = "", *, use_cache: bool = True
) -> list[pii.Finding] | None:
    """The personal data in the file at ``url``: findings (empty when clean), or ``None`` when the file is
    unchanged since its last clean screen; the screen is kept in Redis (see :func:`screen`)."""
    findings, entry = screen(client, url, declared, _cached(url) if use_cache else None)
    if use_cache:
        _remember(url, entry)
    return findings


def remember_many(entries: Mapping[str, dict[str, Any] | None]) -> None:
    """Keep (or forget, for ``None``) the screens of many URLs in one round trip to Redis."""
    redis = _redis()
    if redis is None or not entries:
        return
    try:
        pipe = redis.pipeline(transaction=False)
        for url, entry in entries.items():
            if entry is None:
                pipe.delete(_cache_key(url))
            else:
                pipe.set(_cache_key(url), json.dumps(entry), ex=CACHE_SECONDS)
        pipe.execute()
    except Exception:
        log.warning("Could not keep the screens of %s linked files in Redis", len(entries))


def _label(resource: Mapping[str, Any], url: str) -> str:
    name = str(resource.get("name") or "").strip()
    return f'"{name}" ({url})' if name else url


def findings_text(findings: Sequence[pii.Finding], language: int) -> str:
    merged: dict[tuple[str, str], int] = {}
    for f in findings:
        merged[(f.column, f.rule)] = max(merged.get((f.column, f.rule), 0), f.rows)
    unit = ("baris", "rows")[language]
    return "; ".join(
        f"{column} ({pii.RULE_LABELS[rule][language]}, {rows} {unit})"
        for (column, rule), rows in merged.items()
    )


def found_message(resource: Mapping[str, Any], url: str, findings: Sequence[pii.Finding]) -> str:
    label = _label(resource, url)
    return msg(
        f"Sumber daya {label} menautkan berkas berisi data pribadi: kolom {findings_text(findings, 0)}; "
        "dataset tidak diterbitkan. Hapus kolom itu di sumber, atau tautkan berkas agregat",
        f"Resource {label} links to a file holding personal data: columns {findings_text(findings, 1)}; "
        "the dataset was not published. Remove those columns upstream, or link an aggregated file",
    )


def unreadable_message(resource: Mapping[str, Any], url: str, reason: str) -> str:
    label = _label(resource, url)
    return (
        msg(
            f"Berkas tautan sumber daya {label} tidak dapat diperiksa untuk data pribadi; dataset ditahan",
            f"The linked file of resource {label} could not be screened for personal data; the dataset is held",
        )
        + f" ({reason})"
    )


def screen_resources(
    client: SafeClient, resources: Iterable[Mapping[str, Any]], policy: str = "tahan"
) -> Outcome:
    """Screen every linked data file of a public dataset; see the module docstring for the rules."""
    outcome = Outcome([], [], [], "")
    for resource in resources:
        url = linked_url(resource)
        if url is None:
            continue
        declared = str(resource.get("format") or "").strip().lower()
        try:
            check_url(url, client.allowed_hosts)
        except UrlNotAllowed:
            log.info("Not screening %s: outside the harvest allow-list", url)
            continue
        try:
            findings = screen_url(client, url, declared)
        except (HarvestHttpError, ValueError) as error:
            if _cached(url):
                log.warning("Linked file %s unreadable (%s); clean at its last screen, kept", url, error)
                continue
            outcome.problems.append(unreadable_message(resource, url, str(error)))
            outcome.unreadable = True
            continue
        if not findings:
            continue
        outcome.findings.extend(findings)
        if policy in ("drop", "aggregate"):
            outcome.dropped.append(_label(resource, url))
        else:
            outcome.problems.append(found_message(resource, url, findings))
    if outcome.dropped:
        shown = "; ".join(outcome.dropped)
        outcome.note = msg(
            f"Tautan ke berkas berisi data pribadi tidak diterbitkan: {shown}",
            f"Links to files holding personal data were not published: {shown}",
        )
    return outcome


def check_dataset(client: SafeClient, dataset: dict[str, Any], policy: str = "tahan") -> None:
    """Hold a public dataset that declares individual records or links to personal data (raise
    :class:`RecordHeld`); under drop/aggregate, leave out the offending links and note it. Changes ``dataset``."""
    if not is_public(dataset):
        return
    problems = []
    individual = individual_records_problem(dataset)
    if individual:
        problems.append(individual)
    outcome = screen_resources(client, dataset.get("resources") or [], policy)
    problems.extend(outcome.problems)
    if problems:
        causes = [
            cause
            for cause, present in (
                ("individu", individual),
                ("tautan", outcome.findings and policy not in ("drop", "aggregate")),
                ("tak_terbaca", outcome.unreadable),
            )
            if present
        ]
        raise RecordHeld("; ".join(problems), outcome.findings, causes)
    if outcome.dropped:
        dropped = set(outcome.dropped)
        dataset["resources"] = [
            r
            for r in dataset.get("resources") or []
            if _label(r, str(r.get("url") or "").strip()) not in dropped
        ]
        note = dataset.get("catatan_data_pribadi")
        dataset["catatan_data_pribadi"] = f"{note}; {outcome.note}" if note else outcome.note
