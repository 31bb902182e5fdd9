"""The CKAN-compatible API (as ckanext-harvest's CKAN harvester uses it) and the DCAT catalogue."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from rdflib import RDF, Graph, Namespace, URIRef

from sample_upstream import SAMPLE_NOTICE, SampleData

from .conftest import Upstream, fetch

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
API = "/ckan/api/3/action"


def _action(up: Upstream, action: str, prefix: str = "/ckan", **params: object) -> dict:
    resp = up.get(f"{prefix}/api/3/action/{action}?{urlencode(params)}")
    body = resp.json()
    assert set(body) >= {"help", "success"}
    return body


def _harvest_like_stock_ckan_harvester(
    up: Upstream, prefix: str = "/ckan", fq: str | None = None
) -> list[dict]:
    """The paging loop of ckanext-harvest's CKANHarvester._search_for_datasets: rows 100, id asc, until
    empty."""
    params = {"rows": "100", "start": "0", "sort": "id asc"}
    if fq:
        params["fq"] = fq
    found: list[dict] = []
    while True:
        page = _action(up, "package_search", prefix, **params)["result"]["results"]
        if not page:
            return found
        found += page
        params["start"] = str(int(params["start"]) + 100)


def test_status_and_package_list(upstream: Upstream, data: SampleData) -> None:
    status = _action(upstream, "status_show")
    assert status["success"] is True and status["result"]["ckan_version"].startswith("2.")
    names = _action(upstream, "package_list")["result"]
    assert names == sorted(d["id"] for d in data.datasets)
    # The unversioned path and POST with a JSON body (what ckanapi sends) work too.
    assert fetch(upstream.base + "/ckan/api/action/package_list").json()["result"] == names
    posted = fetch(upstream.base + f"{API}/package_search", method="POST", data={"rows": 2, "q": "penduduk"})
    assert posted.json()["success"] is True and len(posted.json()["result"]["results"]) == 2


def test_package_show_has_ckans_shape(upstream: Upstream) -> None:
    pkg = _action(upstream, "package_show", id="penduduk-kelurahan-jenis-kelamin-2025")["result"]
    for key in (
        "id",
        "name",
        "title",
        "notes",
        "metadata_created",
        "metadata_modified",
        "organization",
        "owner_org",
        "resources",
        "tags",
        "extras",
        "groups",
        "license_id",
        "state",
        "type",
        "private",
    ):
        assert key in pkg, key
    assert pkg["organization"]["name"] == "disdukcapil" and pkg["owner_org"] == pkg["organization"]["id"]
    assert pkg["resources"][0]["format"] == "CSV" and pkg["resources"][0]["url"].startswith(upstream.base)
    extras = {e["key"]: e["value"] for e in pkg["extras"]}
    assert (
        extras["_sample"] == SAMPLE_NOTICE
        and extras["sektor"] == "2.12"
        and extras["klasifikasi"] == "terbuka"
    )
    assert extras["aplikasi_sumber"] == "sobatdukcapil"
    by_id = _action(upstream, "package_show", id=pkg["id"])["result"]
    assert by_id == pkg
    missing = _action(upstream, "package_show", id="tidak-ada")
    assert missing["success"] is False and missing["error"]["__type"] == "Not Found Error"


def test_stock_harvester_paging_finds_every_dataset_once(upstream: Upstream, data: SampleData) -> None:
    found = _harvest_like_stock_ckan_harvester(upstream)
    assert sorted(p["name"] for p in found) == sorted(d["id"] for d in data.datasets)
    ids = [p["id"] for p in found]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_package_search_filters_on_metadata_modified(upstream: Upstream, data: SampleData) -> None:
    since = "2026-10-25T00:00:00"
    expected = sorted(d["id"] for d in data.datasets if d["diperbarui"] >= since + "Z")
    assert 0 < len(expected) < len(data.datasets)
    found = _harvest_like_stock_ckan_harvester(upstream, fq=f"metadata_modified:[{since}Z TO *]")
    assert sorted(p["name"] for p in found) == expected
    assert all(p["metadata_modified"] >= since for p in found)
    newest_first = _action(upstream, "package_search", rows=5, sort="metadata_modified desc")["result"][
        "results"
    ]
    stamps = [p["metadata_modified"] for p in newest_first]
    assert stamps == sorted(stamps, reverse=True)
    bad = _action(upstream, "package_search", sort="title_string asc")
    assert bad["success"] is False


def test_package_search_organization_terms(upstream: Upstream, data: SampleData) -> None:
    both = _action(upstream, "package_search", rows=0, fq="organization:dinkes OR organization:dishub")[
        "result"
    ]
    assert both["count"] == sum(d["opd"] in ("dinkes", "dishub") for d in data.datasets)
    not_dinkes = _action(upstream, "package_search", rows=0, fq="-organization:dinkes")["result"]
    assert not_dinkes["count"] == sum(d["opd"] != "dinkes" for d in data.datasets)
    org = _action(upstream, "organization_show", id="dinkes")["result"]
    assert org["name"] == "dinkes" and org["is_organization"] is True and org["package_count"] == 14
    group = _action(upstream, "group_show", id="kesehatan")["result"]
    assert group["title"] == "Kesehatan" and group["package_count"] == 14
    assert _action(upstream, "organization_show", id="tidak-ada")["success"] is False


def test_scale_knob_serves_10000_generated_datasets_lazily(upstream: Upstream) -> None:
    t0 = time.monotonic()
    first = _action(upstream, "package_search", "/ckan/n/10000", rows=1000, sort="id asc")["result"]
    assert first["count"] == 10_000 and len(first["results"]) == 1000
    deep = _action(upstream, "package_search", "/ckan/n/10000", rows=100, start=9_950, sort="id asc")[
        "result"
    ]
    assert len(deep["results"]) == 50
    assert time.monotonic() - t0 < 10
    by_query = fetch(upstream.base + f"{API}/package_list?n=1000").json()["result"]
    assert len(by_query) == 1000 and "dataset-sampel-00999" in by_query
    shown = _action(upstream, "package_show", "/ckan/n/10000", id="dataset-sampel-09999")["result"]
    assert shown["resources"] and shown["organization"]["name"]
    again = _action(upstream, "package_show", "/ckan/n/10000", id="dataset-sampel-09999")["result"]
    assert again == shown


def test_stock_paging_over_1000_datasets(upstream: Upstream) -> None:
    found = _harvest_like_stock_ckan_harvester(upstream, "/ckan/n/1000")
    assert len(found) == len({p["id"] for p in found}) == 1000


def _graph(body: bytes, fmt: str) -> Graph:
    g = Graph()
    g.parse(data=body.decode("utf-8"), format=fmt)
    return g


@pytest.mark.parametrize(("path", "fmt"), [("/dcat/catalog.ttl", "turtle"), ("/dcat/catalog.rdf", "xml")])
def test_dcat_catalogue_parses_into_datasets(
    upstream: Upstream, data: SampleData, path: str, fmt: str
) -> None:
    g = _graph(upstream.get(path).body, fmt)
    datasets = set(g.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == len(data.datasets)
    identifiers = {str(g.value(s, DCT.identifier)) for s in datasets}
    assert identifiers == {d["id"] for d in data.datasets}
    some = next(iter(datasets))
    dist = g.value(some, DCAT.distribution)
    assert (dist, RDF.type, DCAT.Distribution) in g and g.value(dist, DCAT.downloadURL) is not None
    assert g.value(some, DCT.title) is not None and g.value(some, DCT.modified) is not None
    catalog = next(g.subjects(RDF.type, DCAT.Catalog))
    assert SAMPLE_NOTICE in str(g.value(catalog, DCT.description))


def test_dcat_hydra_paging_walks_all_pages(upstream: Upstream) -> None:
    url: str | None = upstream.base + "/dcat/n/250/catalog.ttl?per_page=100"
    seen, pages = set(), 0
    while url:
        g = _graph(fetch(url).body, "turtle")
        seen |= {str(g.value(s, DCT.identifier)) for s in g.subjects(RDF.type, DCAT.Dataset)}
        node = next(g.subjects(RDF.type, HYDRA.PagedCollection))
        nxt = g.value(node, HYDRA.next)
        assert nxt is None or isinstance(nxt, URIRef)
        url = str(nxt) if nxt else None
        pages += 1
    assert pages == 3 and len(seen) == 250
