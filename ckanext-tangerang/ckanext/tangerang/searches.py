"""The catalogue searches behind the theme's helpers: counts, lists and titles for the home page, the
application catalogue, an application's and an OPD's pages.

Everything is searched in the visitor's context, so access classes decide what is counted and listed; what an
anonymous visitor sees is cached (cache.for_anonymous), titles for the rest of the request.
"""

from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchError

from ckanext.tangerang import cache, choices, usage
from ckanext.tangerang.logic import indexing

NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")


def search(data_dict: dict[str, Any]) -> dict[str, Any]:
    """``package_search`` as the visitor: with ``include_private`` CKAN filters by the visitor's permission
    labels, so a tertutup dataset counts only for its OPD."""
    return tk.get_action("package_search")({}, {"include_private": True, **data_dict})


def aplikasi_choices() -> list[dict[str, str]]:
    """The application catalogue as select choices (name, title), for the source-application field."""
    result = tk.get_action("package_search")(
        {}, {"fq": "dataset_type:aplikasi", "rows": 1000, "sort": "title_string asc", "fl": ["name", "title"]}
    )
    return [{"value": r["name"], "label": r["title"]} for r in result["results"]]


def aplikasi_titles(names: list[str]) -> dict[str, str]:
    """Titles of several application records in one search (name → title; a name without a record maps to
    itself), remembered for the rest of the request."""
    titles = cache.request_memo("aplikasi_titles")
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


def organization_info(org_id: str) -> dict[str, Any]:
    """The organization as the sidebar of a dataset page shows it (title, description, image), without the
    dataset count, members and followers that ``h.get_organization`` also computes (about 50 ms a page)."""
    if not org_id:
        return {}
    memo = cache.request_memo("organizations")
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


def home_stats() -> dict[str, Any]:
    """Datasets, applications and OPDs the visitor may see, and datasets per sector (most first, labelled in the
    page's language): the counts of ``tangerang_stats``."""
    lang = choices.page_lang()

    def compute() -> dict[str, Any]:
        stats = tk.get_action("tangerang_stats")({}, {})
        return {
            "datasets": stats["datasets"],
            "aplikasi": stats["applications"],
            "opd": len(tk.get_action("organization_list")({}, {"all_fields": False})),
            "sektor": stats["by_sector"],
        }

    return cache.for_anonymous(f"home_stats_{lang}", compute)


def recent_datasets(limit: int = 5) -> list[dict[str, Any]]:
    """The datasets most recently updated, of those the visitor may see."""
    return cache.for_anonymous(
        f"recent_{limit}",
        lambda: search({"fq": "+dataset_type:dataset", "rows": limit, "sort": "metadata_modified desc"})[
            "results"
        ],
    )


def aplikasi_brief(app: dict[str, Any]) -> dict[str, Any]:
    """An application for a card: the record with its usage series read once."""
    return {**app, "series": usage.series(app.get("penggunaan_bulanan"))}


def featured_aplikasi(limit: int = 6) -> list[dict[str, Any]]:
    """The applications most used last month (application records are always public). Solr sorts them by the
    indexed last month's active users, so only ``limit`` records are read."""

    def compute() -> list[dict[str, Any]]:
        result = search(
            {
                "fq": "+dataset_type:aplikasi",
                "rows": limit,
                "sort": f"{indexing.LATEST_USERS} desc, title_string asc",
            }
        )
        return [aplikasi_brief(a) for a in result["results"]]

    return cache.for_anonymous(f"featured_{limit}", compute)


def live_aplikasi(limit: int = 12) -> dict[str, Any]:
    """Public-service applications reachable through Tangerang LIVE: how many, and the first ``limit``."""

    def compute() -> dict[str, Any]:
        result = search(
            {
                "fq": "+dataset_type:aplikasi +dalam_tangerang_live:true",
                "rows": limit,
                "sort": "title_string asc",
            }
        )
        return {"count": result["count"], "results": [aplikasi_brief(a) for a in result["results"]]}

    return cache.for_anonymous(f"live_{limit}", compute)


def aplikasi_summary() -> dict[str, int]:
    """The catalogue in one line: all applications, e-government and public-service ones (``tangerang_stats``)."""

    def compute() -> dict[str, int]:
        stats = tk.get_action("tangerang_stats")({}, {})
        groups = {group["code"]: group["count"] for group in stats["by_kelompok"]}
        return {
            "total": stats["applications"],
            "e_government": groups.get("e-government", 0),
            "layanan_publik": groups.get("layanan-publik", 0),
        }

    return cache.for_anonymous("aplikasi_summary", compute)


def aplikasi_matches(q: str) -> int:
    """How many applications a dataset search's query also finds (for a pointer to the application catalogue):
    one count-only search; a query Solr or the search policy refuses finds none."""
    q = (q or "").strip()
    if not q:
        return 0

    def compute() -> int:
        try:
            return search({"q": q, "fq": "+dataset_type:aplikasi", "rows": 0})["count"]
        except (tk.ValidationError, SearchError):
            return 0

    return cache.for_anonymous(f"aplikasi_matches:{q}", compute)


def aplikasi_datasets(name: str, page: int = 1, rows: int = 10) -> dict[str, Any]:
    """The datasets an application produces (``aplikasi_sumber``), of those the visitor may see, one page."""
    page = max(1, page)
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    result = search(
        {
            "fq": f'+dataset_type:dataset +aplikasi_sumber:"{escaped}"',
            "rows": rows,
            "start": (page - 1) * rows,
            "sort": "title_string asc",
        }
    )
    pages = max(1, -(-result["count"] // rows))
    if page > pages:  # beyond the last page (an old link, a guessed number): show the last one
        return aplikasi_datasets(name, pages, rows)
    return {"count": result["count"], "results": result["results"], "page": page, "pages": pages}


def opd_summary(org_name: str) -> dict[str, Any]:
    """An OPD's datasets and applications the visitor may see: counts and the applications themselves."""
    escaped = org_name.replace('"', "")
    result = search(
        {
            "fq": f'+organization:"{escaped}" +dataset_type:(dataset OR aplikasi)',
            "rows": 0,
            "facet.field": '["dataset_type"]',
        }
    )
    types = result["facets"].get("dataset_type", {})
    apps = search(
        {
            "fq": f'+organization:"{escaped}" +dataset_type:aplikasi',
            "rows": 12,
            "sort": "title_string asc",
        }
    )
    return {
        "datasets": types.get("dataset", 0),
        "aplikasi": types.get("aplikasi", 0),
        "apps": [aplikasi_brief(a) for a in apps["results"]],
    }


def opd_title(name: str | dict[str, Any]) -> str:
    """The title of an OPD (organization) by its name, or of a search result's organization dict. OPDs are
    public, so the map of names to titles is cached for everyone (a minute); a name the map does not know (an OPD
    made within the minute) reads it again, at most once a request."""
    if isinstance(name, dict):
        return name.get("title") or name.get("name") or ""
    titles = cache.OPD_TITLES.get("map", _opd_titles)
    memo = cache.request_memo("opd_titles")
    if name not in titles and not memo.get("reread"):
        memo["reread"] = True
        cache.OPD_TITLES.clear()
        titles = cache.OPD_TITLES.get("map", _opd_titles)
    return titles.get(name, name)


def _opd_titles() -> dict[str, str]:
    """Every OPD's name and title. CKAN answers ``all_fields`` lists 25 at a time
    (``ckan.group_and_organization_list_all_fields_max``), so the list is read page after page: the city has more
    OPDs than that, and those after the 25th showed their names."""
    titles: dict[str, str] = {}
    while True:
        page = tk.get_action("organization_list")(
            {}, {"all_fields": True, "limit": 25, "offset": len(titles), "sort": "name asc"}
        )
        titles.update({o["name"]: o["title"] for o in page})
        if len(page) < 25:
            return titles
