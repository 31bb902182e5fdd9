"""Access classes on every surface, asked through HTTP as real users (call_action would skip authorization).

terbuka: all see all. terbatas: all see metadata, only the owning OPD's members and sysadmins the data.
tertutup: only the owning OPD's members and sysadmins see anything.
"""

from __future__ import annotations

import json

import pytest
from ckan.tests import factories, helpers

from tests.helpers import valid_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SECRET_URL = "https://files.example.go.id/terbatas/data-2025.csv"
LIMITED_ACCESS = (
    "Akses data terbatas untuk perangkat daerah pemilik. / Data access is limited to the owning OPD."
)


def url_of(klasifikasi: str) -> str:
    return f"https://files.example.go.id/{klasifikasi}/data-2025.csv"


@pytest.fixture
def world():
    """An OPD with a member, another OPD's editor, a sysadmin, and one dataset of each access class."""
    sysadmin = factories.SysadminWithToken()
    member = factories.UserWithToken()
    outsider = factories.UserWithToken()
    org = factories.Organization(name="dinkes", users=[{"name": member["name"], "capacity": "member"}])
    factories.Organization(name="dishub", users=[{"name": outsider["name"], "capacity": "editor"}])
    context = {"user": sysadmin["name"]}
    datasets = {}
    for klasifikasi in ("terbuka", "terbatas", "tertutup"):
        dataset = helpers.call_action(
            "package_create",
            context=dict(context),
            **valid_dataset(
                org["id"],
                name=f"kunjungan-puskesmas-{klasifikasi}",
                title=f"Kunjungan Puskesmas ({klasifikasi})",
                klasifikasi=klasifikasi,
                produsen_data_email="data@dinkes.tangerangkota.go.id",
                resources=[
                    {
                        "url": url_of(klasifikasi),
                        "name": "Data 2025",
                        "format": "CSV",
                        # as the DCAT harvester brings them (dcat:downloadURL, dcat:accessURL)
                        "download_url": url_of(klasifikasi),
                        "access_url": url_of(klasifikasi) + "?akses=api",
                    }
                ],
            ),
        )
        resource_id = dataset["resources"][0]["id"]
        helpers.call_action(
            "datastore_create",
            context=dict(context),
            resource_id=resource_id,
            force=True,
            fields=[{"id": "puskesmas", "type": "text"}, {"id": "kunjungan", "type": "int"}],
            records=[{"puskesmas": "Puskesmas Cipondoh", "kunjungan": 4210}],
        )
        datasets[klasifikasi] = helpers.call_action("package_show", id=dataset["id"])
    return {"sysadmin": sysadmin, "member": member, "outsider": outsider, "org": org, "datasets": datasets}


def _headers(user):
    return {"Authorization": user["token"]} if user else {}


def _who(world, who):
    return None if who == "anonymous" else world[who]


OUTSIDERS = ["anonymous", "outsider"]
INSIDERS = ["member", "sysadmin"]


class TestApi:
    @pytest.mark.parametrize("who", OUTSIDERS)
    def test_outsiders_never_see_tertutup_nor_terbatas_data(self, app, world, who):
        headers = _headers(_who(world, who))
        closed = world["datasets"]["tertutup"]
        assert app.get(f"/api/3/action/package_show?id={closed['name']}", headers=headers).status_code in (
            403,
            404,
        )

        search = app.get("/api/3/action/package_search?rows=100", headers=headers).json["result"]
        names = {d["name"] for d in search["results"]}
        assert names == {"kunjungan-puskesmas-terbuka", "kunjungan-puskesmas-terbatas"}
        assert search["count"] == 2
        assert SECRET_URL not in json.dumps(search)
        limited = next(d for d in search["results"] if d["klasifikasi"] == "terbatas")
        assert limited["akses_terbatas"]["walidata"]["email"]
        open_ = next(d for d in search["results"] if d["klasifikasi"] == "terbuka")
        assert open_["resources"][0]["url"] == url_of("terbuka")  # open data stays open

        limited_id = world["datasets"]["terbatas"]["id"]
        shown = app.get(f"/api/3/action/package_show?id={limited_id}", headers=headers).json["result"]
        assert shown["notes"]  # metadata is public
        assert SECRET_URL not in json.dumps(shown)
        resource_id = world["datasets"]["terbatas"]["resources"][0]["id"]
        resource = app.get(f"/api/3/action/resource_show?id={resource_id}", headers=headers).json["result"]
        assert resource["url"] == resource["download_url"] == resource["access_url"] == ""
        assert resource["akses_terbatas"] is True

        for fl in ("res_url", "name,res_url,url"):
            raw = app.get(f"/api/3/action/package_search?fl={fl}", headers=headers)
            assert raw.status_code == 200, raw.body
            assert SECRET_URL not in raw.body
            # The open dataset's URL is still there: the search itself worked.
            assert url_of("terbuka") in raw.body

        access = app.get(f"/api/3/action/tangerang_resource_access_show?id={resource_id}", headers=headers)
        assert access.json["result"]["unduh"] is False
        assert "walidata" in access.json["result"]

    @pytest.mark.parametrize("who", INSIDERS)
    def test_insiders_see_everything(self, app, world, who):
        headers = _headers(_who(world, who))
        search = app.get("/api/3/action/package_search?rows=100&include_private=true", headers=headers).json[
            "result"
        ]
        assert search["count"] == 3
        for dataset in search["results"]:
            assert dataset["resources"][0]["url"] == url_of(dataset["klasifikasi"])
        resource_id = world["datasets"]["terbatas"]["resources"][0]["id"]
        access = app.get(f"/api/3/action/tangerang_resource_access_show?id={resource_id}", headers=headers)
        assert access.json["result"]["unduh"] is True

    @pytest.mark.parametrize(
        ("who", "allowed"), [("anonymous", False), ("outsider", False), ("member", True), ("sysadmin", True)]
    )
    def test_datastore_of_terbatas(self, app, world, who, allowed):
        headers = _headers(_who(world, who))
        resource_id = world["datasets"]["terbatas"]["resources"][0]["id"]
        search = app.get(f"/api/3/action/datastore_search?resource_id={resource_id}", headers=headers)
        info = app.post("/api/3/action/datastore_info", json={"id": resource_id}, headers=headers)
        dump = app.get(f"/datastore/dump/{resource_id}", headers=headers)
        if allowed:
            assert search.json["result"]["records"][0]["kunjungan"] == 4210
            assert info.status_code == 200
            assert "Puskesmas Cipondoh" in dump.body
        else:
            assert search.status_code == 403
            assert search.json["error"]["message"].endswith(LIMITED_ACCESS)
            assert info.status_code == 403
            assert info.json["error"]["message"].endswith(LIMITED_ACCESS)
            assert dump.status_code == 403
            assert "Puskesmas Cipondoh" not in dump.body

    def test_open_datastore_stays_open(self, app, world):
        resource_id = world["datasets"]["terbuka"]["resources"][0]["id"]
        search = app.get(f"/api/3/action/datastore_search?resource_id={resource_id}")
        assert search.json["result"]["records"][0]["puskesmas"] == "Puskesmas Cipondoh"

    def test_autocomplete_and_counts_skip_tertutup(self, app, world):
        auto = app.get("/api/2/util/dataset/autocomplete?incomplete=kunjungan").json["ResultSet"]["Result"]
        assert {r["name"] for r in auto} == {"kunjungan-puskesmas-terbuka", "kunjungan-puskesmas-terbatas"}
        org = app.get("/api/3/action/organization_show?id=dinkes").json["result"]
        assert org["package_count"] == 2

    def test_activity_stream_carries_no_data_for_outsiders(self, app, world):
        limited_id = world["datasets"]["terbatas"]["id"]
        activity = app.get(f"/api/3/action/package_activity_list?id={limited_id}")
        assert activity.status_code == 200, activity.body
        assert SECRET_URL not in activity.body
        detailed = app.get(f"/api/3/action/package_activity_list?id={limited_id}&include_data=true")
        assert SECRET_URL not in detailed.body
        closed_id = world["datasets"]["tertutup"]["id"]
        assert app.get(f"/api/3/action/package_activity_list?id={closed_id}").status_code in (403, 404)

    def test_reclassifying_takes_effect_at_once(self, app, world):
        closed = world["datasets"]["tertutup"]
        helpers.call_action(
            "package_patch",
            context={"user": world["sysadmin"]["name"]},
            id=closed["id"],
            klasifikasi="terbuka",
        )
        search = app.get("/api/3/action/package_search?q=name:kunjungan-puskesmas-tertutup").json["result"]
        assert search["count"] == 1
        assert search["results"][0]["resources"][0]["url"] == url_of("tertutup")
        helpers.call_action(
            "package_patch",
            context={"user": world["sysadmin"]["name"]},
            id=closed["id"],
            klasifikasi="terbatas",
        )
        search = app.get("/api/3/action/package_search?q=name:kunjungan-puskesmas-tertutup").json["result"]
        assert url_of("tertutup") not in json.dumps(search)


class TestPages:
    def test_terbatas_page_says_access_is_limited_and_whom_to_ask(self, app, world):
        dataset = world["datasets"]["terbatas"]
        page = app.get(f"/dataset/{dataset['name']}")
        assert page.status_code == 200
        assert "tangerang-access-notice" in page.body
        assert "data@dinkes.tangerangkota.go.id" in page.body
        assert SECRET_URL not in page.body
        resource_page = app.get(f"/dataset/{dataset['name']}/resource/{dataset['resources'][0]['id']}")
        assert resource_page.status_code == 200
        assert SECRET_URL not in resource_page.body
        assert "tangerang-access-notice" in resource_page.body

    def test_download_of_terbatas_is_403_for_outsiders_and_open_to_members(self, app, world):
        dataset = world["datasets"]["terbatas"]
        url = f"/dataset/{dataset['id']}/resource/{dataset['resources'][0]['id']}/download"
        refused = app.get(url, follow_redirects=False)
        assert refused.status_code == 403
        assert SECRET_URL not in refused.body
        member = app.get(url, headers=_headers(world["member"]), follow_redirects=False)
        assert member.status_code == 302
        assert member.headers["Location"] == SECRET_URL

    def test_tertutup_page_is_hidden_and_open_page_is_plain(self, app, world):
        assert app.get(f"/dataset/{world['datasets']['tertutup']['name']}").status_code == 404
        page = app.get(f"/dataset/{world['datasets']['terbuka']['name']}")
        assert "tangerang-access-notice" not in page.body
        listing = app.get("/dataset/")
        assert "kunjungan-puskesmas-tertutup" not in listing.body
        assert url_of("tertutup") not in listing.body


def test_harvest_objects_are_only_for_the_owning_opd(app):
    from ckanext.harvest.model import HarvestJob, HarvestObject

    sysadmin = factories.SysadminWithToken()
    member = factories.UserWithToken()
    org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
    source = app.post(
        "/api/3/action/harvest_source_create",
        json={
            "name": "sumber-tertutup",
            "url": "http://127.0.0.1:9/ckan",
            "source_type": "ckan",
            "owner_org": org["id"],
            "frequency": "MANUAL",
        },
        headers={"Authorization": sysadmin["token"]},
    )
    assert source.status_code == 200, source.body
    source_id = source.json["result"]["id"]
    job = app.post(
        "/api/3/action/harvest_job_create",
        json={"source_id": source_id},
        headers={"Authorization": sysadmin["token"]},
    )
    assert job.status_code == 200, job.body
    obj = HarvestObject(
        guid="rekaman-1", job=HarvestJob.get(job.json["result"]["id"]), content='{"nik": "x"}'
    )
    obj.harvest_source_id = source_id
    obj.save()
    url = f"/api/3/action/harvest_object_show?id={obj.id}"
    assert app.get(url).status_code == 403
    assert (
        app.get(url, headers={"Authorization": member["token"]}).json["result"]["content"] == '{"nik": "x"}'
    )
