"""Template helpers: read-only and cheap, each a thin door to the module that does the work (code lists and
schema choices, catalogue searches, usage and charts, caches). The blanket in plugin.py registers exactly the
names in ``__all__``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang import cache, charts, choices, codelists, jsonlist, searches, usage

# dates.py's chained core helper renders every date a page shows (registered through __all__ like the rest).
from ckanext.tangerang.dates import render_datetime

# entity_labels.py's chained core helper names the application type in CKAN's generic texts.
from ckanext.tangerang.entity_labels import humanize_entity_type
from ckanext.tangerang.logic import downloads, feeds

__all__ = [
    "humanize_entity_type",
    "render_datetime",
    "tangerang_aplikasi_choices",
    "tangerang_aplikasi_datasets",
    "tangerang_aplikasi_matches",
    "tangerang_aplikasi_summary",
    "tangerang_aplikasi_title",
    "tangerang_aplikasi_titles",
    "tangerang_catalog_exported",
    "tangerang_choice_label",
    "tangerang_code_label",
    "tangerang_codelist_choices",
    "tangerang_download_counts",
    "tangerang_facet_href",
    "tangerang_featured_aplikasi",
    "tangerang_home_stats",
    "tangerang_kajian",
    "tangerang_lang",
    "tangerang_link_checks",
    "tangerang_live_aplikasi",
    "tangerang_month_label",
    "tangerang_opd_summary",
    "tangerang_opd_title",
    "tangerang_organization_info",
    "tangerang_platform_kinds",
    "tangerang_quality",
    "tangerang_recent_datasets",
    "tangerang_request_page",
    "tangerang_resource_more_items",
    "tangerang_sparkline",
    "tangerang_structured_data",
    "tangerang_usage",
    "tangerang_usage_chart",
    "tangerang_walidata",
]

DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


# --- The portal and the page ----------------------------------------------------------------------------------


def tangerang_walidata() -> dict[str, str]:
    """The walidata's name and contact e-mail, for the footer and for pages of limited-access datasets."""
    return {
        "name": tk.config.get("ckanext.tangerang.portal.walidata_name"),
        "email": tk.config.get("ckanext.tangerang.portal.walidata_email"),
    }


def tangerang_catalog_exported() -> dt.datetime | None:
    """When the catalogue downloads were last exported (logic/feeds.py), None before the first export."""
    return feeds.export_generated()


def tangerang_lang() -> str:
    """The page's language, "id" or "en"."""
    return choices.page_lang()


def tangerang_request_page() -> int:
    """The page number the visitor asked for (``?page=``), 1 when none or nonsense."""
    try:
        return max(1, int(tk.request.args.get("page", 1)))
    except (TypeError, ValueError, RuntimeError):
        return 1


def tangerang_link_checks(package_id: str) -> dict[str, dict[str, Any]]:
    """The link checker's last result per resource of a dataset (resource id: result) for those who may edit the
    dataset; nothing for anyone else. One query a page, on an indexed table."""
    if not tk.h.check_access("package_update", {"id": package_id}):
        return {}
    try:
        answer = tk.get_action("tangerang_link_check_list")({}, {"package": package_id, "limit": 1000})
    except tk.NotAuthorized:
        return {}
    return {row["resource_id"]: row for row in answer["results"]}


# --- Coded values: code lists (codelists.py) and the schemas' choices (choices.py) ----------------------------


def tangerang_codelist_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    """scheming's ``choices_helper`` for a field choosing from the code list its ``tangerang_codelist`` names,
    labelled in the page's language."""
    return codelists.choices(field["tangerang_codelist"], choices.page_lang())


def tangerang_code_label(list_name: str, code: str) -> str:
    """A code of a code list as a visitor reads it ("1.02 Kesehatan", "Terbuka"), in the page's language."""
    return codelists.label(list_name, code, choices.page_lang())


def tangerang_choice_label(dataset_type: str, path: str, value: str) -> str:
    """The label of a select field's value in the page's language ("platform.jenis" for a subfield)."""
    return choices.labels(dataset_type, path).get(value, value or "")


# --- The catalogue as the visitor may see it (searches.py) ----------------------------------------------------

tangerang_aplikasi_choices = searches.aplikasi_choices
tangerang_aplikasi_datasets = searches.aplikasi_datasets
tangerang_aplikasi_matches = searches.aplikasi_matches
tangerang_aplikasi_summary = searches.aplikasi_summary
tangerang_aplikasi_titles = searches.aplikasi_titles
tangerang_featured_aplikasi = searches.featured_aplikasi
tangerang_home_stats = searches.home_stats
tangerang_live_aplikasi = searches.live_aplikasi
tangerang_opd_summary = searches.opd_summary
tangerang_opd_title = searches.opd_title
tangerang_organization_info = searches.organization_info
tangerang_recent_datasets = searches.recent_datasets


def tangerang_download_counts(key: str | dict[str, Any]) -> dict[str, Any]:
    """Downloads through the portal of a resource or an application (by id: ``tangerang_download_counts``), or
    of the dataset dict the page already shows (with ``by_resource``, without asking for the dataset again); a
    total of 0 for what the visitor may not read. Asked once per request."""
    memo = cache.request_memo("download_counts")
    name = key["id"] if isinstance(key, dict) else key
    if name not in memo:
        try:
            memo[name] = (
                downloads.dataset_counts(key)
                if isinstance(key, dict)
                else tk.get_action("tangerang_download_counts")({}, {"id": key})
            )
        except (tk.ObjectNotFound, tk.NotAuthorized):
            memo[name] = {"total": 0, "by_resource": {}, "by_dataset": {}}
    return memo[name]


def tangerang_quality(package_id: str) -> dict[str, Any] | None:
    """A dataset's stored quality score with its parts and advice (``tangerang_quality_show``), None if none."""
    try:
        return tk.get_action("tangerang_quality_show")({}, {"id": package_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def tangerang_aplikasi_title(name: str) -> str:
    """The title of an application record, or its name when there is none.

    Application records are always public metadata, so one search with ``fl=title`` answers (a few ms) where a
    ``package_show`` would validate and dictize the whole record (about 20 ms)."""
    return searches.aplikasi_titles([name])[name]


# --- An application: its usage, the "dalam kajian" rule (usage.py), its charts (charts.py) ---------------------

tangerang_sparkline = charts.sparkline
tangerang_usage_chart = charts.usage_chart


def tangerang_usage(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """The application's monthly usage, sorted by month."""
    return usage.series(pkg.get("penggunaan_bulanan"))


def tangerang_month_label(bulan: str) -> str:
    """A month ``YYYY-MM`` as "Mei 2026" / "May 2026"."""
    return charts.month_label(bulan, choices.page_lang())


def tangerang_kajian(pkg: dict[str, Any]) -> dict[str, Any]:
    """The "dalam kajian" verdict of the configured rule on the application's usage, with the thresholds."""
    min_users, drop_percent = usage.kajian_rule()
    verdict = usage.kajian_assessment(tangerang_usage(pkg), min_users, drop_percent)
    return {**verdict, "min_users": min_users, "rule_drop_percent": drop_percent}


def tangerang_platform_kinds(pkg: dict[str, Any]) -> list[str]:
    """The kinds of platform an application runs on, from the record or from a search result."""
    try:
        value = jsonlist.read(pkg.get("platform"))
    except (TypeError, ValueError):  # one kind as plain text
        value = [pkg["platform"]]
    kinds = [v.get("jenis") if isinstance(v, dict) else v for v in value]
    return list(dict.fromkeys(k for k in kinds if k))


# --- Dataset and resource pages -------------------------------------------------------------------------------


def tangerang_structured_data(pkg: dict[str, Any]) -> str:
    """ckanext-dcat's schema.org JSON-LD for a dataset page, remembered per process (cache.STRUCTURED_DATA).

    Building it (an rdflib graph, the profiles looked up among the entry points, JSON-LD serialisation) costs
    about 45 ms a page. The key is the dataset dict the visitor sees (after access redaction) and the language,
    so an edit, a change of access class or another visitor's view gets its own entry; nothing goes stale."""
    text = json.dumps(pkg, sort_keys=True, default=str) + choices.page_lang()
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return cache.STRUCTURED_DATA.get(key, lambda: tk.h.structured_data(pkg))


# A resource's own keys that say something to a visitor, with their labels; CKAN's bookkeeping (id, position,
# state, datastore_active, ...) is left out, and keys nobody named are shown as CKAN would, as record content.
_RESOURCE_LABELS = {
    "mimetype": ("Tipe MIME", "MIME type"),
    "mimetype_inner": ("Tipe MIME isi", "Inner MIME type"),
    "size": ("Ukuran berkas", "File size"),
    "hash": ("Checksum", "Checksum"),
    "resource_type": ("Jenis sumber data", "Resource type"),
    "download_url": ("Alamat unduhan (DCAT)", "Download URL (DCAT)"),
    "access_url": ("Alamat akses (DCAT)", "Access URL (DCAT)"),
    "uri": ("URI distribusi", "Distribution URI"),
    "modified": ("Diubah di sumber", "Modified at the source"),
    "issued": ("Diterbitkan di sumber", "Issued at the source"),
    "license": ("Lisensi berkas", "File licence"),
    "rights": ("Hak", "Rights"),
    "language": ("Bahasa", "Language"),
}
_RESOURCE_HIDDEN = {
    "id",
    "package_id",
    "position",
    "state",
    "datastore_active",
    "has_views",
    "url_type",
    "cache_url",
    "cache_last_updated",
    "distribution_ref",
    "tracking_summary",
    "akses_terbatas",
    "datastore_contains_all_records_of_source_file",
    "created",
    "metadata_modified",
    "last_modified",
    "format",
    "name",
    "description",
    "url",
}


def tangerang_resource_more_items(res: dict[str, Any], schema: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The rows under "more" on a resource page: label, value and whether the value is a link."""
    shown_by_schema = {f["field_name"] for f in (schema or {}).get("resource_fields", [])}
    lang = choices.page_lang()
    rows = []
    for key, value in res.items():
        if key in _RESOURCE_HIDDEN or key in shown_by_schema or value in (None, "", [], {}):
            continue
        label = _RESOURCE_LABELS.get(key)
        text = value
        if key == "size":
            try:
                text = tk.h.localised_filesize(int(value))
            except (TypeError, ValueError):
                pass
        elif isinstance(value, str) and DATETIME_RE.match(value):
            text = tk.h.render_datetime(value) or value
        elif not isinstance(value, str):
            text = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
        rows.append(
            {
                "label": (label[0] if lang == "id" else label[1])
                if label
                else key.replace("_", " ").capitalize(),
                "value": text,
                "link": isinstance(value, str) and value.startswith(("https://", "http://")),
                "known": bool(label),
            }
        )
    return sorted(rows, key=lambda r: (not r["known"], r["label"]))


def tangerang_facet_href(
    name: str, value: str, extras: dict[str, Any] | None = None, alternative_url: str | None = None
) -> str:
    """The link that adds the filter ``name:value`` to the current search: CKAN's ``h.add_url_param`` with the page's
    base address and parameters worked out once per request instead of once per facet item (a search page has
    about a hundred items, each a ``url_for``: a fifth of the page's time at 10,000 datasets)."""
    from urllib.parse import urlencode

    from flask import g, request

    key = (alternative_url, tuple(sorted((extras or {}).items())))
    bases = g.setdefault("tangerang_facet_bases", {})
    if key not in bases:
        base = alternative_url or tk.h.add_url_param(extras=extras)
        bases[key] = (
            base.split("?", 1)[0],
            [(k, v) for k, v in request.args.items(multi=True) if k != "page"],
        )
    base, params = bases[key]
    return base + "?" + urlencode([*params, (name, value)])
