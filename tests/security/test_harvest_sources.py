"""Probes: a harvest source (its URL and config above all) exists only for sysadmins and its OPD's admins, on
every surface (API, pages, search, lists, activity, a full ``ckanapi dump``), and no config secret is stored
or returned."""

from __future__ import annotations

import json

import pytest
from ckan.tests import factories, helpers

from tests.helpers import valid_dataset
from tests.security.world import aplikasi, logged_in

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

URL_MARKER = "sumber-rahasia-hb"
CONFIG_MARKER = "kolom_rahasia_hb"
SECRET = "Bearer s3cr3t-hb-0001"


@pytest.fixture
def world(app):
    sysadmin = factories.SysadminWithToken()
    owner_admin = factories.UserWithToken()
    owner_member = factories.UserWithToken()
    owner_editor = factories.UserWithToken()
    other_editor = factories.UserWithToken()
    nobody = factories.UserWithToken()
    org = factories.Organization(
        users=[
            {"name": owner_admin["name"], "capacity": "admin"},
            {"name": owner_member["name"], "capacity": "member"},
            {"name": owner_editor["name"], "capacity": "editor"},
        ]
    )
    other = factories.Organization(users=[{"name": other_editor["name"], "capacity": "editor"}])
    context = {"user": sysadmin["name"]}
    dataset = helpers.call_action("package_create", context=dict(context), **valid_dataset(org["id"]))
    app_record = helpers.call_action("package_create", context=dict(context), **aplikasi(org["id"]))
    response = app.post(
        "/api/3/action/harvest_source_create",
        headers={"Authorization": owner_admin["token"]},
        json={
            "name": "sumber-opd",
            "title": "Sumber OPD",
            "url": f"http://127.0.0.1:1/{URL_MARKER}",
            "source_type": "tangerang_json_api",
            "owner_org": org["id"],
            "config": json.dumps({"fields": {"title": "judul", "notes": CONFIG_MARKER}}),
        },
    )
    assert response.status_code == 200, response.json
    return {
        "sysadmin": sysadmin,
        "owner_admin": owner_admin,
        "owner_member": owner_member,
        "owner_editor": owner_editor,
        "other_editor": other_editor,
        "nobody": nobody,
        "org": org,
        "other": other,
        "dataset": dataset,
        "aplikasi": app_record,
        "source": response.json["result"],
    }


def surfaces(world) -> list[str]:
    name, source_id, org = world["source"]["name"], world["source"]["id"], world["org"]["name"]
    return [
        f"/api/3/action/harvest_source_show?id={name}",
        f"/api/3/action/harvest_source_show?id={source_id}",
        f"/api/3/action/harvest_source_show_status?id={source_id}",
        f"/api/3/action/package_show?id={name}",
        "/api/3/action/harvest_source_list",
        "/api/3/action/harvest_source_list?return_last_job_status=true",
        "/api/3/action/package_search?fq=dataset_type:harvest&include_private=true",
        "/api/3/action/package_search?q=sumber&include_private=true&fq=%2Bdataset_type:harvest",
        "/api/3/action/package_list",
        "/api/3/action/current_package_list_with_resources",
        f"/api/3/action/organization_show?id={org}&include_datasets=true",
        f"/api/3/action/organization_activity_list?id={org}",
        "/api/3/action/recently_changed_packages_activity_list",
        f"/api/3/action/package_activity_list?id={name}",
        f"/harvest/{name}",
        f"/harvest/about/{name}",
        f"/harvest/admin/{name}",
        f"/harvest/{name}/job",
        "/harvest/",
        f"/organization/{org}",
        "/catalog.ttl",
    ]


def get(app, client, token, url):
    if client is not None:
        return client.get(url)
    return app.get(url, headers={"Authorization": token} if token else {})


def body_of(response) -> str:
    return response.get_data(as_text=True) if hasattr(response, "get_data") else response.body


def test_sources_exist_only_for_sysadmins_and_their_opds_admins(app, world, probe):
    outsiders = {
        "anonymous": None,
        "a user of no OPD": world["nobody"]["token"],
        "another OPD's editor": world["other_editor"]["token"],
        "the owning OPD's member": world["owner_member"]["token"],
        "the owning OPD's editor": world["owner_editor"]["token"],
    }
    insiders = {
        "sysadmin": world["sysadmin"]["token"],
        "the owning OPD's admin": world["owner_admin"]["token"],
    }
    for who, token in outsiders.items():
        for url in surfaces(world):
            response = get(app, None, token, url)
            probe.answer(response, f"{who}: GET {url}")
            text = body_of(response)
            probe.check(
                "leak",
                URL_MARKER not in text and CONFIG_MARKER not in text and world["source"]["title"] not in text,
                f"{who}: GET {url} shows the harvest source",
            )
    # The pages as a browser with a cookie session sees them, too.
    browser = logged_in(app, world["other_editor"])
    for url in surfaces(world):
        response = browser.get(url)
        probe.answer(response, f"another OPD's editor (browser): GET {url}")
        probe.check("leak", URL_MARKER not in body_of(response), f"another OPD's editor (browser): GET {url}")
    for who, token in insiders.items():
        for url in (
            f"/api/3/action/harvest_source_show?id={world['source']['name']}",
            "/api/3/action/harvest_source_list",
            f"/harvest/about/{world['source']['name']}",
        ):
            response = get(app, None, token, url)
            probe.answer(response, f"{who}: GET {url}")
            probe.check("leak", URL_MARKER in body_of(response), f"{who} cannot see its own source at {url}")


def test_a_full_dump_holds_the_public_datasets_and_applications_only(app, world, probe):
    """What ``ckanapi dump datasets --all`` does as an anonymous client: package_list, then package_show each."""
    listed = app.get("/api/3/action/package_list")
    probe.answer(listed, "anonymous package_list")
    names = listed.json["result"]
    dumped = []
    for name in names:
        response = app.get(f"/api/3/action/package_show?id={name}")
        probe.answer(response, f"anonymous package_show {name}")
        dumped.append(response.json["result"])
    probe.check(
        "leak",
        sorted(d["name"] for d in dumped) == sorted([world["dataset"]["name"], world["aplikasi"]["name"]]),
        f"the anonymous dump holds {sorted(names)}",
    )
    probe.check(
        "leak", all(d["type"] in ("dataset", "aplikasi") for d in dumped), "a dumped record is a source"
    )
    probe.check("leak", URL_MARKER not in json.dumps(dumped), "the anonymous dump holds the source URL")


def test_no_config_secret_is_stored_or_returned(app, world, probe):
    token = world["owner_admin"]["token"]
    attempts = [
        (
            "harvest_source_create",
            {"name": "bocor", "url": "http://127.0.0.1:1/x", "owner_org": world["org"]["id"]},
        ),
        (
            "harvest_source_update",
            {"id": world["source"]["id"], "name": "sumber-opd", "url": "http://127.0.0.1:1/x"},
        ),
        ("harvest_source_patch", {"id": world["source"]["id"]}),
    ]
    for action, data in attempts:
        config = {"fields": {"title": "judul"}, "headers": {"Authorization": SECRET}}
        response = app.post(
            f"/api/3/action/{action}",
            headers={"Authorization": token},
            json={**data, "source_type": "tangerang_json_api", "config": json.dumps(config)},
        )
        probe.answer(response, f"{action} with a secret in its config")
        probe.check("secret", response.status_code == 409, f"{action} stored a config holding a secret")
    for url in (
        f"/api/3/action/harvest_source_show?id={world['source']['id']}",
        "/api/3/action/harvest_source_list",
        f"/harvest/about/{world['source']['name']}",
        f"/harvest/edit/{world['source']['name']}",
        "/api/3/action/harvest_log_list?limit=1000",
    ):
        response = app.get(url, headers={"Authorization": world["sysadmin"]["token"]})
        probe.answer(response, f"sysadmin GET {url}")
        probe.check("secret", "s3cr3t" not in body_of(response), f"sysadmin GET {url} returns the secret")


def test_the_dashboard_shows_a_source_to_its_opds_stewards_but_not_its_url(app, world, probe):
    """The harvest tab and a job's errors (/dasbor/panen) are for the stewards of the source's OPD, its editors
    included; the source's URL stays its admins': a fetch error that names it is shown without it."""
    from ckanext.harvest.model import HarvestGatherError, HarvestJob

    job = helpers.call_action(
        "harvest_job_create", context={"user": world["sysadmin"]["name"]}, source_id=world["source"]["id"]
    )
    HarvestGatherError.create(
        f"Daftar sumber tidak dapat diambil: http://127.0.0.1:1/{URL_MARKER}?page=2 (503)",
        HarvestJob.get(job["id"]),
    )
    pages = [
        "/dasbor/panen",
        f"/dasbor/panen/{job['id']}",
        f"/dasbor/panen/{job['id']}/galat.csv",
        "/api/3/action/tangerang_harvest_overview",
        f"/api/3/action/tangerang_harvest_job_errors?id={job['id']}",
    ]
    refused = {
        "anonymous": None,
        "a user of no OPD": world["nobody"]["token"],
        "the owning OPD's member": world["owner_member"]["token"],
    }
    for who, token in refused.items():
        for url in pages:
            response = get(app, None, token, url)
            probe.check(
                "leak", response.status_code == 403, f"{who}: GET {url} answered {response.status_code}"
            )
    stewards = {
        "another OPD's editor": (world["other_editor"]["token"], False),
        "the owning OPD's editor": (world["owner_editor"]["token"], True),
        "the owning OPD's admin": (world["owner_admin"]["token"], True),
    }
    for who, (token, owns) in stewards.items():
        for url in pages:
            response = get(app, None, token, url)
            probe.answer(response, f"{who}: GET {url}")
            text = body_of(response)
            if not owns:
                probe.check(
                    "leak", world["source"]["title"] not in text, f"{who}: GET {url} shows the source"
                )
                continue
            assert response.status_code == 200, f"{who}: GET {url}"
            probe.check("leak", CONFIG_MARKER not in text, f"{who}: GET {url} shows the source's config")
            if who == "the owning OPD's admin":
                # Its admins see the source's URL anyway: the errors (not the overview) show it as recorded.
                assert URL_MARKER in text or url in (pages[0], pages[3]), f"{who}: GET {url}"
            else:
                probe.check("leak", URL_MARKER not in text, f"{who}: GET {url} shows the source's URL")


def test_only_the_opds_admins_change_a_source(app, world, probe):
    """Editors and members of the owning OPD neither change nor run a source (its URL and config are the
    admins'), through ckanext-harvest's actions or CKAN's own."""
    source = world["source"]
    attempts = [
        ("harvest_source_patch", {"id": source["id"], "url": "http://127.0.0.1:1/diubah"}),
        ("harvest_source_update", {**source, "url": "http://127.0.0.1:1/diubah"}),
        ("package_patch", {"id": source["id"], "notes": "diubah"}),
        ("harvest_job_create", {"source_id": source["id"]}),
        ("harvest_source_delete", {"id": source["id"]}),
        ("package_delete", {"id": source["id"]}),
    ]
    for who in ("owner_member", "owner_editor"):
        for action, body in attempts:
            response = app.post(
                f"/api/3/action/{action}", json=body, headers={"Authorization": world[who]["token"]}
            )
            probe.answer(response, f"{who} {action}")
            probe.check(
                "leak", response.status_code in (403, 404), f"{who} {action} answered {response.status_code}"
            )
    shown = app.get(
        f"/api/3/action/harvest_source_show?id={source['id']}",
        headers={"Authorization": world["owner_admin"]["token"]},
    ).json["result"]
    probe.check(
        "leak", shown["url"] == source["url"] and shown["state"] == "active", "the source was changed"
    )
    created = app.post(
        "/api/3/action/harvest_source_create",
        headers={"Authorization": world["owner_editor"]["token"]},
        json={
            "name": "sumber-editor",
            "title": "Sumber editor",
            "url": "http://127.0.0.1:1/editor",
            "source_type": "tangerang_json_api",
            "owner_org": world["org"]["id"],
        },
    )
    probe.answer(created, "owner_editor harvest_source_create")
    probe.check("leak", created.status_code == 403, f"an editor created a source ({created.status_code})")


def test_a_sources_objects_are_listed_for_its_admins_only(app, world, probe):
    """harvest_object_list names the objects of a source (ckanext-harvest asks no access for it)."""
    url = f"/api/3/action/harvest_object_list?source_id={world['source']['id']}"
    for who, token in {
        "anonymous": None,
        "a user of no OPD": world["nobody"]["token"],
        "another OPD's editor": world["other_editor"]["token"],
        "the owning OPD's editor": world["owner_editor"]["token"],
    }.items():
        for target in (url, "/api/3/action/harvest_object_list"):
            response = get(app, None, token, target)
            probe.answer(response, f"{who}: GET {target}")
            probe.check("leak", response.status_code == 403, f"{who}: GET {target} lists harvest objects")
    for who in ("sysadmin", "owner_admin"):
        response = get(app, None, world[who]["token"], url)
        assert response.status_code == 200, (who, body_of(response))
    assert (
        get(app, None, world["owner_admin"]["token"], "/api/3/action/harvest_object_list").status_code == 403
    )
