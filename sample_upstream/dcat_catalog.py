"""The paged DCAT catalogue (``/dcat[/n/<N>]/catalog.ttl|rdf``) that ckanext-dcat's RDF harvester reads; the
triples and their serialisations are dcat.py's."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from . import dcat
from .reply import Reply, listing_reply
from .request import Req

if TYPE_CHECKING:
    from .server import UpstreamServer


def dcat_catalog(srv: UpstreamServer, req: Req, n: str | None, ext: str) -> Reply:
    catalogue = srv.catalogue(req.catalogue_size(n, srv.ckan_datasets))
    per = req.int("per_page", 100, 1, 1000)
    total = len(catalogue.entries)
    pages = max(1, math.ceil(total / per))
    page = req.int("page", 1, 1, pages + 1000)
    shown = [catalogue.record(e) for e in catalogue.entries[(page - 1) * per : page * per]]

    def link(p: int) -> str:
        return req.url_with(page=p, per_page=per)

    def render(items: list[Any], mode: str | None) -> bytes:
        paging = dcat.Paging(
            page_uri=link(page),
            total=0 if mode == "empty" else total,
            per_page=per,
            first=link(1),
            last=link(pages),
            next=link(page + 1) if mode is None and page < pages else None,
            previous=link(page - 1) if page > 1 else None,
        )
        triples = dcat.catalogue_triples(items, req.base_url, paging)
        text = dcat.to_turtle(triples) if ext == "ttl" else dcat.to_rdfxml(triples)
        return text.encode("utf-8")

    ctype = "text/turtle; charset=utf-8" if ext == "ttl" else "application/rdf+xml; charset=utf-8"
    return listing_reply(shown, render, content_type=ctype, kind="ttl" if ext == "ttl" else "rdf")
