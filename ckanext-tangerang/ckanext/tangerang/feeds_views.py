"""The public catalogue's feeds for aggregators and search engines: the Satu Data JSON feed, the sitemap and the
scheduled catalogue downloads (the DCAT endpoints are ckanext-dcat's, with our profile in dcat.py)."""

from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request, send_file

from ckanext.tangerang import cache, sitemap
from ckanext.tangerang.bilingual import msg
from ckanext.tangerang.logic import feeds

tangerang_feeds = Blueprint("tangerang_feeds", __name__)


def _json(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


@tangerang_feeds.route("/satudata.json")
def satudata() -> Response:
    """The public datasets as Satu Data records (satudata.py), ``rows`` (up to 1,000; 100 by default) per
    ``page``, oldest change first; ``modified_since`` (ISO 8601) keeps to those changed since then."""
    try:
        return _json(
            cache.for_anonymous(f"satudata:{request.query_string!r}", lambda: feeds.feed_page(request.args))
        )
    except tk.ValidationError as err:
        return _json({"error": err.error_dict}, 400)


@tangerang_feeds.route("/sitemap.xml")
@tangerang_feeds.route("/sitemap-<int:part>.xml")
def sitemap_xml(part: int | None = None) -> Response:
    """The sitemap of public pages, or one numbered part of it past 50,000 addresses."""
    listed = cache.for_anonymous("sitemap", sitemap.entries)
    body = sitemap.document(part, listed, feeds.site_url())
    if body is None:
        return tk.abort(404, msg("Bagian peta situs ini tidak ada.", "No such part of the sitemap."))
    return Response(body, mimetype="application/xml")


@tangerang_feeds.route("/katalog/unduh/katalog.<fmt>")
def catalog_download(fmt: str) -> Response:
    """The latest export of the public catalogue (``ckan tangerang catalog export``, run daily by the
    scheduler) as a download; 404 before the first export."""
    if fmt not in feeds.EXPORTS:
        return tk.abort(404, msg("Format unduhan tidak dikenal.", "Unknown download format."))
    path = feeds.export_path(fmt)
    generated = feeds.export_generated()
    if generated is None or not path.is_file():
        return tk.abort(
            404,
            msg(
                "Unduhan katalog belum dibuat; coba lagi setelah ekspor terjadwal berikutnya.",
                "The catalogue download has not been made yet; try again after the next scheduled export.",
            ),
        )
    response = send_file(
        path,
        mimetype=feeds.EXPORTS[fmt],
        as_attachment=True,
        download_name=f"{feeds.EXPORT_NAME}-{generated:%Y%m%d}.{fmt}",
        conditional=True,
    )
    response.headers["X-Katalog-Dibuat"] = generated.isoformat()
    return response
