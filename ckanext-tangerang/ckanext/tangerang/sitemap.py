"""The sitemap (sitemaps.org protocol) of what an anonymous visitor may see: the portal's main pages, every public
dataset and application, the OPD pages and the sector pages, each with its last modification.

One pass over the public search results with a few fields (logic/feeds.py ``iterate_public``), no dataset
dict: at 10,000 datasets ten Solr pages. Past ``MAX_URLS`` addresses the sitemap becomes a sitemap index of
numbered sitemaps, as the protocol requires.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

import ckan.plugins.toolkit as tk

from ckanext.tangerang.logic import feeds

MAX_URLS = 50_000
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
# The main pages, each as recent as the newest public record.
MAIN_PAGES = ("/", "/dataset", "/aplikasi", "/sektor", "/pengembang")
FIELDS = "name,metadata_modified,organization,sektor,dataset_type"
RECORDS = "+dataset_type:(dataset OR aplikasi)"

Entry = tuple[str, "str | None"]


def _w3c(solr_time: str | None) -> str | None:
    """CKAN's UTC time ("2026-12-01T02:03:04.123456") as the protocol's W3C datetime."""
    return f"{solr_time[:19]}+00:00" if solr_time else None


def entries() -> list[Entry]:
    """(path, lastmod) of every page the sitemap lists."""
    records: list[Entry] = []
    newest: dict[tuple[str, str], str] = {}

    def touch(key: tuple[str, str], modified: str) -> None:
        if modified > newest.get(key, ""):
            newest[key] = modified

    for found in feeds.iterate_public(fl=FIELDS, fq=RECORDS):
        modified = found.get("metadata_modified") or ""
        if found.get("dataset_type") == "aplikasi":
            records.append((f"/aplikasi/{found['name']}", _w3c(modified)))
        else:
            records.append((f"/dataset/{found['name']}", _w3c(modified)))
            if found.get("sektor"):
                touch(("sektor", found["sektor"]), modified)
        if found.get("organization"):
            touch(("organization", found["organization"]), modified)
        touch(("", ""), modified)

    latest = _w3c(newest.get(("", "")))
    organizations = tk.get_action("organization_list")({"user": ""}, {"limit": 1000})
    return [
        *[(path, latest) for path in MAIN_PAGES],
        *records,
        *[(f"/organization/{name}", _w3c(newest.get(("organization", name)))) for name in organizations],
        *[(f"/sektor/{code}", _w3c(modified)) for (kind, code), modified in sorted(newest.items()) if kind],
    ]


def urlset(site_url: str, listed: list[Entry]) -> str:
    """A sitemap of the listed pages."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NAMESPACE}">']
    for path, lastmod in listed:
        lines.append(f"<url><loc>{escape(site_url + path)}</loc>")
        if lastmod:
            lines.append(f"<lastmod>{lastmod}</lastmod>")
        lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines)


def index(site_url: str, parts: int) -> str:
    """A sitemap index of the numbered sitemaps /sitemap-1.xml ... /sitemap-<parts>.xml."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NAMESPACE}">']
    lines += [
        f"<sitemap><loc>{escape(site_url)}/sitemap-{n}.xml</loc></sitemap>" for n in range(1, parts + 1)
    ]
    lines.append("</sitemapindex>")
    return "\n".join(lines)


def document(part: int | None, listed: list[Entry], site_url: str) -> Any:
    """The sitemap (``part`` None) or one numbered part: a urlset when the pages fit in one, else the index;
    None for a part that does not exist."""
    parts = max(1, -(-len(listed) // MAX_URLS))
    if part is None:
        return urlset(site_url, listed) if parts == 1 else index(site_url, parts)
    if parts == 1 or not 1 <= part <= parts:
        return None
    return urlset(site_url, listed[(part - 1) * MAX_URLS : part * MAX_URLS])
