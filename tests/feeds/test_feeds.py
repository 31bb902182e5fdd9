"""The public catalogue's feeds as an anonymous client reads them over HTTP: the DCAT pages, the Satu Data feed, the
sitemap and the three catalogue downloads each hold every public dataset and nothing else (no tertutup dataset, no
terbatas file URL, no application among the datasets), with a tertutup and a terbatas dataset in the catalogue."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from urllib.parse import quote

import openpyxl
import pytest
import rdflib
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories, helpers

from ckanext.tangerang.logic import feeds
from tests.helpers import aplikasi
from tests.security.test_access_probe import marked_dataset, markers

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
SITE = "http://test.ckan.net"


@pytest.fixture
def catalogue():
    """Three terbuka datasets, a terbatas and a tertutup one (each with marked values), and an application."""
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    context = {"user": sysadmin["name"]}
    app = helpers.call_action("package_create", context=dict(context), **aplikasi(org["id"]))
    made = {}
    for name, cls in (
        ("terbuka-a", "terbuka"),
        ("terbuka-b", "terbuka"),
        ("terbuka-c", "terbuka"),
        ("probe-terbatas", "terbatas"),
        ("probe-tertutup", "tertutup"),
    ):
        dataset = marked_dataset(org["id"], cls, name, app["name"])
        dataset["title"] = f"{dataset['title']} {name}"
        made[name] = helpers.call_action("package_create", context=dict(context), **dataset)
    closed = made["probe-tertutup"]
    banned = {
        "tertutup id": closed["id"],
        "tertutup name": closed["name"],
        "tertutup title": markers("tertutup")["title"],
        "tertutup resource id": closed["resources"][0]["id"],
        **{f"terbatas {k}": markers("terbatas")[k] for k in ("url_token", "download_url", "access_url")},
    }
    public = {name for name, d in made.items() if d["klasifikasi"] != "tertutup"}
    return {"public": public, "banned": banned, "aplikasi": app, "org": org, "context": context}


def _clean(body: str, banned: dict[str, str], where: str) -> None:
    for label, value in banned.items():
        assert value not in body, f"{where}: {label}"


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
def test_dcat_pages_hold_every_public_dataset_and_nothing_else(app, catalogue):
    url, seen, pages = "/catalog.ttl?page=1", [], 0
    while url:
        response = app.get(url)
        assert response.status_code == 200, response.body
        _clean(response.body, catalogue["banned"], url)
        g = rdflib.Graph().parse(data=response.body, format="turtle")
        titles = [str(g.value(d, DCT.title)) for d in g.subjects(rdflib.RDF.type, DCAT.Dataset)]
        assert len(titles) <= 2
        seen += [t.rsplit(" ", 1)[-1] for t in titles]
        collection = next(g.subjects(rdflib.RDF.type, HYDRA.PagedCollection))
        assert int(g.value(collection, HYDRA.itemsPerPage)) == 2
        assert int(g.value(collection, HYDRA.totalItems)) == 4
        assert str(g.value(collection, HYDRA.firstPage)).endswith("/catalog.ttl?page=1")
        assert str(g.value(collection, HYDRA.lastPage)).endswith("/catalog.ttl?page=2")
        following = g.value(collection, HYDRA.nextPage)
        url = str(following).replace(SITE, "") if following else None
        pages += 1
    # The applications are not data: the catalogue lists datasets only.
    assert pages == 2 and sorted(seen) == sorted(catalogue["public"])
    # terbatas: listed, but no distribution names a file
    body = app.get("/catalog.ttl?q=name:probe-terbatas").body
    g = rdflib.Graph().parse(data=body, format="turtle")
    assert len(list(g.subjects(rdflib.RDF.type, DCAT.Dataset))) == 1
    assert not list(g.objects(None, DCAT.downloadURL))

    # modified_since: ISO days and times, a time zone honoured; after the last change, nothing
    for since, count in (("2000-01-01", 4), ("2000-01-01T08:00:00+07:00", 4), ("2999-01-01", 0)):
        g = rdflib.Graph().parse(
            data=app.get(f"/catalog.ttl?modified_since={quote(since)}").body, format="turtle"
        )
        assert int(next(g.objects(None, HYDRA.totalItems), 0)) == count, since  # 0 is not written
    for query, status in (
        ("modified_since=kemarin", 409),
        ("modified_since=2026-13-01", 409),
        ("page=0", 400),
        ("page=dua", 400),
    ):
        response = app.get(f"/catalog.ttl?{query}")
        assert response.status_code == status, query
        assert " / " in response.body and ("ISO 8601" in response.body or "bilangan bulat" in response.body)


def test_satudata_feed_and_sitemap_list_the_public_catalogue(app, catalogue):
    names, url = [], "/satudata.json?rows=2"
    while url:
        response = app.get(url)
        assert response.status_code == 200 and response.content_type.startswith("application/json")
        _clean(response.body, catalogue["banned"], url)
        page = response.json
        assert page["jumlah"] == 4 and len(page["dataset"]) <= 2
        names += [r["nama"] for r in page["dataset"]]
        url = page["berikutnya"] and page["berikutnya"].replace(SITE, "")
    assert sorted(names) == sorted(catalogue["public"]) and len(names) == len(set(names))

    records = {r["nama"]: r for r in app.get("/satudata.json?rows=10").json["dataset"]}
    limited, open_ = records["probe-terbatas"], records["terbuka-a"]
    assert limited["klasifikasi"] == "terbatas" and limited["distribusi"][0]["url"] is None
    assert limited["distribusi"][0]["format"]
    assert open_["distribusi"][0]["url"] == markers("terbuka")["url"]
    assert open_["produsen_data"] == "Dinas Kesehatan" and open_["kode_urusan"] == "2.12"
    assert open_["cakupan_wilayah"] == ["Tangerang", "Sukarasa"]
    assert open_["kontak"] == {
        "nama": "Bidang Data Disdukcapil",
        "email": "data@disdukcapil.tangerangkota.go.id",
    }
    assert app.get("/satudata.json?modified_since=2999-01-01").json["dataset"] == []
    for query in ("modified_since=kemarin", "rows=5000", "page=-1"):
        response = app.get(f"/satudata.json?{query}")
        assert response.status_code == 400 and " / " in response.body, query

    response = app.get("/sitemap.xml")
    assert response.status_code == 200 and response.content_type.startswith("application/xml")
    _clean(response.body, catalogue["banned"], "/sitemap.xml")
    assert response.body.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
    )
    locs = re.findall(r"<loc>([^<]*)</loc>", response.body)
    expected = {f"{SITE}/dataset/{n}" for n in catalogue["public"]} | {
        f"{SITE}/aplikasi/{catalogue['aplikasi']['name']}",
        f"{SITE}/organization/dinkes",
        f"{SITE}/sektor/2.12",
        f"{SITE}/",
        f"{SITE}/dataset",
        f"{SITE}/aplikasi",
        f"{SITE}/pengembang",
    }
    assert expected <= set(locs) and len(locs) == len(set(locs))
    assert not [u for u in locs if "/dataset/" in u and u not in expected]
    assert response.body.count("<lastmod>") >= len(catalogue["public"]) + 1
    assert app.get("/sitemap-2.xml", status=404)
    assert f"Sitemap: {SITE}/sitemap.xml" in app.get("/robots.txt").body


def test_catalogue_downloads_are_made_by_the_command(app, catalogue, cli):
    shutil.rmtree(feeds.export_dir(), ignore_errors=True)
    response = app.get("/katalog/unduh/katalog.csv", status=404)
    assert "belum dibuat" in response.body
    assert "/katalog/unduh/" not in app.get("/dataset").body  # the footer links them once they exist

    result = cli.invoke(ckan_command, ["tangerang", "catalog", "export"])
    assert result.exit_code == 0, result.output
    assert "4 dataset" in result.output

    def downloads() -> dict[str, list[str]]:
        names = {}
        for fmt, content_type in feeds.EXPORTS.items():
            response = app.get(f"/katalog/unduh/katalog.{fmt}")
            assert response.status_code == 200
            assert response.headers["Content-Type"].startswith(content_type)
            assert response.headers["Content-Disposition"].startswith("attachment; filename=katalog-")
            assert response.headers["X-Katalog-Dibuat"]
            if fmt == "xlsx":
                sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).active
                rows = [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)]
                body = json.dumps(rows)
            else:
                body = response.get_data(as_text=True)
                rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")))) if fmt == "csv" else None
            _clean(body, catalogue["banned"], fmt)
            if fmt == "json":
                document = json.loads(body)
                assert document["dibuat"] == response.headers["X-Katalog-Dibuat"]
                names[fmt] = sorted(r["nama"] for r in document["dataset"])
            else:
                column = rows[0].index("nama")
                names[fmt] = sorted(r[column] for r in rows[1:])
        return names

    assert downloads() == {fmt: sorted(catalogue["public"]) for fmt in feeds.EXPORTS}
    assert 'href="/katalog/unduh/katalog.xlsx"' in app.get("/dataset").body

    # A new dataset, and one turned tertutup: the next export follows.
    helpers.call_action(
        "package_patch", context=dict(catalogue["context"]), id="terbuka-c", klasifikasi="tertutup"
    )
    extra = marked_dataset(catalogue["org"]["id"], "terbuka", "terbuka-d", catalogue["aplikasi"]["name"])
    helpers.call_action("package_create", context=dict(catalogue["context"]), **extra)
    assert cli.invoke(ckan_command, ["tangerang", "catalog", "export"]).exit_code == 0
    expected = sorted(catalogue["public"] - {"terbuka-c"} | {"terbuka-d"})
    assert downloads() == {fmt: expected for fmt in feeds.EXPORTS}
