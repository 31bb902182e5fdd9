"""Change switches: edits, additions and removals show up everywhere, deterministically, and reset undoes
them."""

from __future__ import annotations

from rdflib import RDF, Graph, Namespace

from sample_upstream import serve_in_thread

from .conftest import Upstream, fetch

API = "/ckan/api/3/action"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
STAMP = "2027-01-02T03:04:05Z"


def _show(up: Upstream, name: str) -> dict:
    return up.get(f"{API}/package_show?id={name}").json()


def _names(up: Upstream) -> list[str]:
    return up.get(f"{API}/package_list").json()["result"]


def test_edit_changes_title_and_timestamp_everywhere(clean_upstream: Upstream) -> None:
    up = clean_upstream
    before = _show(up, "uji-kir-kendaraan-2025")["result"]
    out = up.control("changes", {"edit": ["uji-kir-kendaraan-2025", "laksa"], "modified": STAMP})
    assert out["diedit"] == ["uji-kir-kendaraan-2025", "apl-002"]
    after = _show(up, before["id"])["result"]  # by CKAN id as well
    assert after["title"] == before["title"] + " (revisi 1)"
    assert after["metadata_modified"] == "2027-01-02T03:04:05.000000"
    assert after["notes"].endswith("Diperbarui: revisi 1.")
    since = up.get(f"{API}/package_search?fq=metadata_modified:%5B2026-12-01T00:00:00Z%20TO%20*%5D").json()
    assert [p["name"] for p in since["result"]["results"]] == ["uji-kir-kendaraan-2025"]
    listing = up.get("/apps/tangerang-ayo/datasets").json()["data"]
    edited = next(d for d in listing if d["id"] == "uji-kir-kendaraan-2025")
    assert edited["diperbarui"] == STAMP and edited["judul"].endswith("(revisi 1)")
    app = up.get("/registry/api/v1/aplikasi/laksa").json()["data"]
    assert app["diperbarui"] == STAMP and app["deskripsi"].endswith("revisi 1.")
    up.control("changes", {"edit": ["uji-kir-kendaraan-2025"], "modified": STAMP})
    assert _show(up, "uji-kir-kendaraan-2025")["result"]["title"] == before["title"] + " (revisi 2)"


def test_add_creates_new_datasets_and_apps(clean_upstream: Upstream) -> None:
    up = clean_upstream
    count = len(_names(up))
    out = up.control("changes", {"add": 3, "modified": STAMP})
    assert out["ditambah"] == ["dataset-tambahan-001", "dataset-tambahan-002", "dataset-tambahan-003"]
    names = _names(up)
    assert len(names) == count + 3 and "dataset-tambahan-002" in names
    added = _show(up, "dataset-tambahan-001")["result"]
    assert added["metadata_created"] == added["metadata_modified"] == "2027-01-02T03:04:05.000000"
    assert fetch(added["resources"][0]["url"]).status == 200
    app_slug = {e["key"]: e["value"] for e in added["extras"]}["aplikasi_sumber"]
    assert "dataset-tambahan-001" in [d["id"] for d in up.get(f"/apps/{app_slug}/datasets").json()["data"]]
    g = Graph().parse(data=up.get("/dcat/catalog.ttl").body.decode(), format="turtle")
    assert "dataset-tambahan-003" in {
        str(g.value(s, DCT.identifier)) for s in g.subjects(RDF.type, DCAT.Dataset)
    }
    apps = up.control("changes", {"add": 1, "kind": "aplikasi", "modified": STAMP})["ditambah"]
    assert apps == ["apl-173"]
    assert up.get("/registry/api/v1/aplikasi").json()["total"] == 173
    assert up.get("/registry/api/v1/aplikasi/apl-173").json()["data"]["sample"] is True


def test_remove_withdraws_records(clean_upstream: Upstream) -> None:
    up = clean_upstream
    pkg_id = _show(up, "penempatan-job-fair-2024")["result"]["id"]
    out = up.control("changes", {"remove": [pkg_id, "e-office"]})
    assert out["dihapus"] == ["penempatan-job-fair-2024", "apl-015"]
    assert "penempatan-job-fair-2024" not in _names(up)
    assert _show(up, "penempatan-job-fair-2024")["success"] is False
    listing = up.get("/apps/tangerang-cakap-kerja/datasets").json()
    assert "penempatan-job-fair-2024" not in [d["id"] for d in listing["data"]] and listing["total"] == 2
    assert up.get("/registry/api/v1/aplikasi").json()["total"] == 171
    assert up.get("/registry/api/v1/aplikasi/e-office").status == 404
    ttl = up.get("/dcat/catalog.ttl").body.decode()
    assert "penempatan-job-fair-2024" not in ttl and "penempatan-job-fair-2023" in ttl


def test_unknown_ids_are_refused_and_reset_restores(clean_upstream: Upstream) -> None:
    up = clean_upstream
    resp = fetch(up.base + "/_control/changes", method="POST", data={"remove": ["tidak-ada"]})
    assert resp.status == 400 and "tidak-ada" in resp.body.decode()
    count = len(_names(up))
    up.control("changes", {"remove": ["harga-pangan-mingguan-2025"], "add": 2})
    assert len(_names(up)) == count + 1
    up.control("reset")
    assert len(_names(up)) == count and "harga-pangan-mingguan-2025" in _names(up)
    assert up.get("/_control/state").json()["changes"]["dihapus"] == []


def test_the_same_changes_give_the_same_records_on_another_server(clean_upstream: Upstream) -> None:
    steps = [
        {"edit": ["laksa-pengaduan-per-kecamatan-2026"], "add": 2, "modified": STAMP},
        {"remove": ["dataset-tambahan-001"], "modified": STAMP},
    ]
    for step in steps:
        clean_upstream.control("changes", step)
    srv, base = serve_in_thread(0)
    try:
        for step in steps:
            assert fetch(base + "/_control/changes", method="POST", data=step).status == 200
        for name in ("laksa-pengaduan-per-kecamatan-2026", "dataset-tambahan-002"):
            ours = clean_upstream.get(f"{API}/package_show?id={name}").json()["result"]
            theirs = fetch(f"{base}{API}/package_show?id={name}").json()["result"]
            # Only the host in URLs differs between the two servers.
            assert str(theirs).replace(base, "") == str(ours).replace(clean_upstream.base, "")
        assert fetch(f"{base}{API}/package_list").json()["result"] == _names(clean_upstream)
    finally:
        srv.shutdown()
        srv.server_close()
