"""Template helpers: read-only and cheap. Registered by the blanket in plugin.py."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from markupsafe import Markup

from ckanext.tangerang import charts, choices, codelists, generation, jsonlist, usage

NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def tangerang_walidata() -> dict[str, str]:
    """The walidata's name and contact e-mail, for the footer and for pages of limited-access datasets."""
    return {
        "name": tk.config.get("ckanext.tangerang.portal.walidata_name"),
        "email": tk.config.get("ckanext.tangerang.portal.walidata_email"),
    }


def _lang() -> str:
    return choices.page_lang()


def tangerang_codelist_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    """scheming's ``choices_helper`` for a field choosing from the code list its ``tangerang_codelist`` names,
    labelled in the page's language."""
    return codelists.choices(field["tangerang_codelist"], _lang())


def tangerang_code_label(list_name: str, code: str) -> str:
    """A code of a code list as a visitor reads it ("1.02 Kesehatan", "Terbuka"), in the page's language."""
    return codelists.label(list_name, code, _lang())


def tangerang_choice_label(dataset_type: str, path: str, value: str) -> str:
    """The label of a select field's value in the page's language ("platform.jenis" for a subfield)."""
    return choices.labels(dataset_type, path, _lang()).get(value, value or "")


def tangerang_aplikasi_choices() -> list[dict[str, str]]:
    """The application catalogue as select choices (name, title), for the source-application field."""
    result = tk.get_action("package_search")(
        {}, {"fq": "dataset_type:aplikasi", "rows": 1000, "sort": "title_string asc", "fl": ["name", "title"]}
    )
    return [{"value": r["name"], "label": r["title"]} for r in result["results"]]


def _request_memo(key: str) -> dict[str, Any]:
    """A dict that lives as long as the request (a page asks for the same title in several places)."""
    try:
        memo = getattr(tk.g, "_tangerang_memo", None)
        if memo is None:
            memo = tk.g._tangerang_memo = {}
    except (RuntimeError, AttributeError):  # outside a request: no memo
        return {}
    return memo.setdefault(key, {})


def tangerang_aplikasi_title(name: str) -> str:
    """The title of an application record, or its name when there is none.

    Application records are always public metadata, so one search with ``fl=title`` answers (a few ms) where a
    ``package_show`` would validate and dictize the whole record (about 20 ms)."""
    return tangerang_aplikasi_titles([name])[name]


_LD_CACHE: OrderedDict[str, str] = OrderedDict()
_LD_CACHE_SIZE = 512
_LD_LOCK = threading.Lock()


def tangerang_structured_data(pkg: dict[str, Any]) -> str:
    """ckanext-dcat's schema.org JSON-LD for a dataset page, remembered per process.

    Building it (an rdflib graph, the profiles looked up among the entry points, JSON-LD serialisation) costs
    about 45 ms a page. The key is the dataset dict the visitor sees (after access redaction) and the language,
    so an edit, a change of access class or another visitor's view gets its own entry; nothing goes stale."""
    key = hashlib.sha256((json.dumps(pkg, sort_keys=True, default=str) + _lang()).encode("utf-8")).hexdigest()
    with _LD_LOCK:
        if key in _LD_CACHE:
            _LD_CACHE.move_to_end(key)
            return _LD_CACHE[key]
    value = tk.h.structured_data(pkg)
    with _LD_LOCK:
        _LD_CACHE[key] = value
        while len(_LD_CACHE) > _LD_CACHE_SIZE:
            _LD_CACHE.popitem(last=False)
    return value


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
    lang = _lang()
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


def tangerang_aplikasi_titles(names: list[str]) -> dict[str, str]:
    """Titles of several application records in one search (name → title; a name without a record maps to
    itself), remembered for the rest of the request like ``tangerang_aplikasi_title``."""
    titles = _request_memo("aplikasi_titles")
    wanted = [n for n in dict.fromkeys(names) if n and NAME_RE.match(n) and n not in titles]
    if wanted:
        result = tk.get_action("package_search")(
            {},
            {
                "fq": "+dataset_type:aplikasi +name:(" + " OR ".join(f'"{n}"' for n in wanted) + ")",
                "rows": len(wanted),
                "fl": ["name", "title"],
            },
        )
        found = {r["name"]: r["title"] for r in result["results"]}
        for n in wanted:
            titles[n] = found.get(n, n)
    return {n: titles.get(n, n) for n in names}


def tangerang_organization_info(org_id: str) -> dict[str, Any]:
    """The organization as the sidebar of a dataset page shows it (title, description, image), without the
    dataset count, members and followers that ``h.get_organization`` also computes (about 50 ms a page)."""
    if not org_id:
        return {}
    memo = _request_memo("organizations")
    if org_id not in memo:
        try:
            memo[org_id] = tk.get_action("organization_show")(
                {},
                {
                    "id": org_id,
                    "include_datasets": False,
                    "include_dataset_count": False,
                    "include_users": False,
                    "include_groups": False,
                    "include_followers": False,
                },
            )
        except (tk.ObjectNotFound, tk.NotAuthorized):
            memo[org_id] = {}
    return memo[org_id]


# --- Theme: home page, application catalogue, OPD pages ------------------------------------------------------
# Counts come from package_search in the visitor's context, so access classes decide what is counted. Only what
# an anonymous visitor sees is cached (per process, a minute at most, and only while the catalogue's generation
# stays the same: any change to a dataset or application starts afresh): signed-in visitors may see more, and
# never share.

_ANON_CACHE: dict[str, tuple[float, Any]] = {}
ANON_CACHE_SECONDS = 60


def _signed_in() -> bool:
    try:
        return bool(tk.current_user and tk.current_user.is_authenticated)
    except (RuntimeError, AttributeError):
        return False


def _anon_cached(key: str, compute: Callable[[], Any]) -> Any:
    if _signed_in():
        return compute()
    now = time.monotonic()
    key = f"{key}@{generation.current()}"
    hit = _ANON_CACHE.get(key)
    if hit and hit[0] > now:
        return hit[1]
    value = compute()
    for old in [k for k, (expires, _) in _ANON_CACHE.items() if expires <= now]:
        _ANON_CACHE.pop(old, None)
    _ANON_CACHE[key] = (now + ANON_CACHE_SECONDS, value)
    return value


def _search(data_dict: dict[str, Any]) -> dict[str, Any]:
    # include_private: CKAN then filters by the visitor's permission labels (tertutup only for the owning OPD).
    return tk.get_action("package_search")({}, {"include_private": True, **data_dict})


def tangerang_lang() -> str:
    """The page's language, "id" or "en"."""
    return _lang()


def tangerang_home_stats() -> dict[str, Any]:
    """Datasets, applications and OPDs the visitor may see, and datasets per sector (most first)."""

    def compute() -> dict[str, Any]:
        result = _search(
            {
                "q": "*:*",
                "fq": "+dataset_type:(dataset OR aplikasi)",
                "rows": 0,
                "facet.field": '["dataset_type", "sektor"]',
                "facet.limit": 50,
            }
        )
        types = result["facets"].get("dataset_type", {})
        sektor = sorted(result["facets"].get("sektor", {}).items(), key=lambda kv: (-kv[1], kv[0]))
        return {
            "datasets": types.get("dataset", 0),
            "aplikasi": types.get("aplikasi", 0),
            "opd": len(tk.get_action("organization_list")({}, {"all_fields": False})),
            "sektor": [{"code": code, "count": count} for code, count in sektor],
        }

    stats = _anon_cached("home_stats", compute)
    # Labels in the page's language, outside the language-blind cache.
    return {
        **stats,
        "sektor": [
            {**s, "label": tangerang_code_label("urusan_pemerintahan", s["code"])} for s in stats["sektor"]
        ],
    }


def tangerang_recent_datasets(limit: int = 5) -> list[dict[str, Any]]:
    """The datasets most recently updated, of those the visitor may see."""
    return _anon_cached(
        f"recent_{limit}",
        lambda: _search({"fq": "+dataset_type:dataset", "rows": limit, "sort": "metadata_modified desc"})[
            "results"
        ],
    )


def _aplikasi_brief(app: dict[str, Any]) -> dict[str, Any]:
    series = usage.series(app.get("penggunaan_bulanan"))
    return {**app, "series": series, "latest_users": series[-1]["pengguna_aktif"] if series else None}


def tangerang_featured_aplikasi(limit: int = 6) -> list[dict[str, Any]]:
    """The applications most used last month (application records are always public)."""

    def compute() -> list[dict[str, Any]]:
        apps = _search({"fq": "+dataset_type:aplikasi", "rows": 1000})["results"]
        briefs = [_aplikasi_brief(a) for a in apps]
        briefs.sort(key=lambda a: (-(a["latest_users"] or 0), a["title"]))
        return briefs[:limit]

    return _anon_cached(f"featured_{limit}", compute)


def tangerang_live_aplikasi(limit: int = 12) -> dict[str, Any]:
    """Public-service applications reachable through Tangerang LIVE: how many, and the first ``limit``."""

    def compute() -> dict[str, Any]:
        result = _search(
            {
                "fq": "+dataset_type:aplikasi +dalam_tangerang_live:true",
                "rows": limit,
                "sort": "title_string asc",
            }
        )
        return {"count": result["count"], "results": [_aplikasi_brief(a) for a in result["results"]]}

    return _anon_cached(f"live_{limit}", compute)


def tangerang_aplikasi_summary() -> dict[str, int]:
    """The catalogue in one line: all applications, e-government and public-service ones."""

    def compute() -> dict[str, int]:
        result = _search(
            {"fq": "+dataset_type:aplikasi", "rows": 0, "facet.field": '["kelompok"]', "facet.limit": 10}
        )
        groups = result["facets"].get("kelompok", {})
        return {
            "total": result["count"],
            "e_government": groups.get("e-government", 0),
            "layanan_publik": groups.get("layanan-publik", 0),
        }

    return _anon_cached("aplikasi_summary", compute)


def tangerang_usage(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """The application's monthly usage, sorted by month."""
    return usage.series(pkg.get("penggunaan_bulanan"))


def tangerang_sparkline(pkg: dict[str, Any]) -> Markup:
    """A small inline-SVG trend of the application's monthly active users."""
    return charts.sparkline(pkg)


def tangerang_usage_chart(pkg: dict[str, Any]) -> Markup:
    """The application's monthly active users as an inline-SVG bar chart."""
    return charts.usage_chart(pkg)


def tangerang_month_label(bulan: str) -> str:
    """A month ``YYYY-MM`` as "Mei 2026" / "May 2026"."""
    return charts.month_label(bulan, _lang())


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


def tangerang_aplikasi_datasets(name: str, page: int = 1, rows: int = 10) -> dict[str, Any]:
    """The datasets an application produces (``aplikasi_sumber``), of those the visitor may see, one page."""
    page = max(1, page)
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    result = _search(
        {
            "fq": f'+dataset_type:dataset +aplikasi_sumber:"{escaped}"',
            "rows": rows,
            "start": (page - 1) * rows,
            "sort": "title_string asc",
        }
    )
    pages = max(1, -(-result["count"] // rows))
    if page > pages:  # beyond the last page (an old link, a guessed number): show the last one
        return tangerang_aplikasi_datasets(name, pages, rows)
    return {"count": result["count"], "results": result["results"], "page": page, "pages": pages}


def tangerang_request_page() -> int:
    try:
        return max(1, int(tk.request.args.get("page", 1)))
    except (TypeError, ValueError, RuntimeError):
        return 1


def tangerang_opd_summary(org_name: str) -> dict[str, Any]:
    """An OPD's datasets and applications the visitor may see: counts and the applications themselves."""
    escaped = org_name.replace('"', "")
    result = _search(
        {
            "fq": f'+organization:"{escaped}" +dataset_type:(dataset OR aplikasi)',
            "rows": 0,
            "facet.field": '["dataset_type"]',
        }
    )
    types = result["facets"].get("dataset_type", {})
    apps = _search(
        {
            "fq": f'+organization:"{escaped}" +dataset_type:aplikasi',
            "rows": 12,
            "sort": "title_string asc",
        }
    )
    return {
        "datasets": types.get("dataset", 0),
        "aplikasi": types.get("aplikasi", 0),
        "apps": [_aplikasi_brief(a) for a in apps["results"]],
    }


def tangerang_opd_title(name: str | dict[str, Any]) -> str:
    """The title of an OPD (organization) by its name, or of a search result's organization dict. OPDs are
    public, so the map of names to titles is cached for everyone."""
    if isinstance(name, dict):
        return name.get("title") or name.get("name") or ""
    now = time.monotonic()
    hit = _OPD_TITLES.get("map")
    if not hit or hit[0] <= now:
        orgs = tk.get_action("organization_list")({}, {"all_fields": True, "limit": 1000})
        hit = (now + ANON_CACHE_SECONDS, {o["name"]: o["title"] for o in orgs})
        _OPD_TITLES["map"] = hit
    return hit[1].get(name, name)


_OPD_TITLES: dict[str, tuple[float, dict[str, str]]] = {}
