"""Harvest sources through the API: update and patch apply whole, sources are private to their OPD, the list
shows each caller their own, the harvest log is for sysadmins (logic/harvest_sources.py)."""

from __future__ import annotations

import json
import logging

import pytest
from ckan import model
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

CONFIG = json.dumps({"fields": {"title": "judul"}, "pagination": {"type": "none"}})


@pytest.fixture
def harvest_logging(with_plugins, clean_db, app):
    """The harvest loggers as the portal runs them (loading test.ini's logging setup with the app disables
    them): each record goes to ckanext-harvest's database log (``ckan.harvest.log_scope = 0``), whose writer
    committed the request's transaction half-way through an update."""
    loggers = [logging.getLogger(n) for n in list(logging.root.manager.loggerDict) if n.startswith("ckanext")]
    before = [(lg, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.disabled = False
    yield
    for lg, disabled in before:
        lg.disabled = disabled


def api(app, action, token=None, **data):
    headers = {"Authorization": token} if token else {}
    response = app.post(f"/api/3/action/{action}", json=data, headers=headers)
    return response.status_code, response.json


def show(app, token, source_id):
    return app.get(
        f"/api/3/action/harvest_source_show?id={source_id}", headers={"Authorization": token}
    ).json["result"]


@pytest.fixture
def world(app):
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization()
    status, body = api(
        app,
        "harvest_source_create",
        sysadmin["token"],
        name="sumber-uji",
        title="Sumber uji",
        url="http://127.0.0.1:1/a",
        source_type="tangerang_json_api",
        owner_org=org["id"],
        frequency="WEEKLY",
        config=CONFIG,
    )
    assert status == 200, body
    return {"token": sysadmin["token"], "org": org, "source": body["result"]}


def stored_url(source_id):
    from ckanext.harvest.model import HarvestSource

    model.Session.remove()
    return HarvestSource.get(source_id).url


@pytest.mark.usefixtures("harvest_logging")
def test_update_applies_to_the_dataset_and_the_source_row(app, world):
    source = world["source"]
    status, body = api(
        app,
        "harvest_source_update",
        world["token"],
        id=source["id"],
        name=source["name"],
        title="Judul baru",
        url="http://127.0.0.1:1/baru",
        source_type="tangerang_json_api",
        owner_org=world["org"]["id"],
        frequency="DAILY",
        config=CONFIG,
    )
    assert status == 200, body
    assert stored_url(source["id"]) == "http://127.0.0.1:1/baru"
    shown = show(app, world["token"], source["id"])
    assert (shown["url"], shown["title"], shown["frequency"]) == (
        "http://127.0.0.1:1/baru",
        "Judul baru",
        "DAILY",
    )
    # The database log still records, in its own transaction.
    status, body = api(app, "harvest_log_list", world["token"], limit=50)
    assert status == 200
    assert any("update" in entry["content"] for entry in body["result"])


@pytest.mark.usefixtures("harvest_logging")
def test_patch_after_a_job_applies_whole(app, world):
    source = world["source"]
    # What harvest_jobs_run does when a job finishes: ckanext-harvest's reindex left an extras-shaped copy.
    assert api(app, "harvest_job_create", world["token"], source_id=source["id"], run=False)[0] == 200
    assert api(app, "harvest_source_reindex", world["token"], id=source["id"])[0] == 200
    assert show(app, world["token"], source["id"])["source_type"] == "tangerang_json_api"

    status, body = api(
        app, "harvest_source_patch", world["token"], id=source["id"], url="http://127.0.0.1:1/b"
    )
    assert status == 200, body
    assert stored_url(source["id"]) == "http://127.0.0.1:1/b"
    shown = show(app, world["token"], source["id"])
    assert (shown["url"], shown["config"], shown["frequency"]) == ("http://127.0.0.1:1/b", CONFIG, "WEEKLY")


@pytest.mark.ckan_config("ckanext.tangerang.harvest.allowed_hosts", "127.0.0.1")
def test_patch_is_checked_like_an_update(app, world):
    source = world["source"]
    status, body = api(app, "harvest_source_patch", world["token"], id=source["id"], url="http://10.1.2.3/x")
    assert status == 409
    assert "allow-list" in " ".join(body["error"]["url"])
    assert stored_url(source["id"]) == "http://127.0.0.1:1/a"
    assert show(app, world["token"], source["id"])["url"] == "http://127.0.0.1:1/a"


def test_sources_are_private_whatever_is_asked(app, world):
    source = world["source"]
    assert source["private"] is True
    status, body = api(app, "harvest_source_patch", world["token"], id=source["id"], private=False)
    assert status == 200, body
    assert body["result"]["private"] is True
    status, body = api(app, "package_patch", world["token"], id=source["id"], private=False)
    assert status == 200 and body["result"]["private"] is True
    status, body = api(
        app, "bulk_update_public", world["token"], datasets=[source["id"]], org_id=world["org"]["id"]
    )
    assert status == 409
    assert "/" in body["error"]["datasets"][0]  # Indonesian / English
    assert model.Package.get(source["id"]).private is True


def test_a_source_needs_an_opd(app):
    sysadmin = factories.SysadminWithToken()
    status, body = api(
        app,
        "harvest_source_create",
        sysadmin["token"],
        name="tanpa-opd",
        url="http://127.0.0.1:1/a",
        source_type="tangerang_json_api",
        config=CONFIG,
    )
    assert status == 409
    assert body["error"]["owner_org"] == [
        "Sumber panen harus dimiliki sebuah OPD. / A harvest source must belong to an OPD."
    ]


def test_sources_saved_before_the_rule_are_made_private(app, world):
    source = world["source"]
    # A source stored public by an earlier release (what the rule now prevents), reindexed as it was.
    model.Session.query(model.Package).filter_by(id=source["id"]).update({"private": False})
    model.Session.commit()
    assert api(app, "harvest_source_reindex", world["token"], id=source["id"])[0] == 200
    assert api(app, "package_list")[1]["result"] == [source["name"]]

    status, body = api(app, "tangerang_harvest_sources_private", world["token"])
    assert status == 200 and body["result"] == {"changed": [source["name"]]}
    assert api(app, "package_list")[1]["result"] == []
    assert api(app, "tangerang_harvest_sources_private", world["token"])[1]["result"] == {"changed": []}
    user = factories.UserWithToken()
    status, body = api(app, "tangerang_harvest_sources_private", user["token"])
    assert status == 403


def test_the_list_shows_each_caller_their_own(app, world):
    other_org = factories.Organization()
    owner_admin = factories.UserWithToken()
    outsider = factories.UserWithToken()
    from ckan.tests import helpers

    helpers.call_action(
        "member_create", id=world["org"]["id"], object=owner_admin["id"], object_type="user", capacity="admin"
    )
    helpers.call_action(
        "member_create", id=other_org["id"], object=outsider["id"], object_type="user", capacity="editor"
    )

    def names(token):
        response = app.get(
            "/api/3/action/harvest_source_list", headers={"Authorization": token} if token else {}
        )
        return [s["id"] for s in response.json["result"]]

    assert names(world["token"]) == [world["source"]["id"]]
    assert names(owner_admin["token"]) == [world["source"]["id"]]
    assert names(outsider["token"]) == []
    assert names(None) == []
    # A purged source is no longer listed.
    assert api(app, "dataset_purge", world["token"], id=world["source"]["id"])[0] == 200
    assert names(world["token"]) == []


def test_the_harvest_log_is_for_sysadmins(app):
    user = factories.UserWithToken()
    response = app.get("/api/3/action/harvest_log_list", headers={"Authorization": user["token"]})
    assert response.status_code == 403
    assert response.json["error"]["message"].endswith("Hanya untuk walidata (sysadmin). / Sysadmins only.")
    assert app.get("/api/3/action/harvest_log_list").status_code == 403


@pytest.mark.parametrize(
    "action",
    [
        "harvest_jobs_run",
        "harvest_job_abort",
        "harvest_job_create_all",
        "harvest_objects_import",
        "harvest_sources_job_history_clear",
        "harvest_sources_reindex",
        "harvest_abort_failed_jobs",
    ],
)
def test_sysadmin_actions_answer_403_to_others(app, action):
    user = factories.UserWithToken()
    for token in (None, user["token"]):
        status, body = api(app, action, token, id="x", source_id="x", life_span=0)
        assert status == 403, body


def test_aborting_failed_jobs_is_for_sysadmins(app):
    user = factories.UserWithToken()
    assert api(app, "harvest_abort_failed_jobs", user["token"], life_span=0)[0] == 403
    assert api(app, "harvest_abort_failed_jobs", None, life_span=0)[0] == 403
    assert (
        api(app, "harvest_abort_failed_jobs", factories.SysadminWithToken()["token"], life_span=0)[0] == 200
    )


def test_patch_asks_for_update_rights(app, world):
    outsider = factories.UserWithToken()
    assert api(app, "harvest_source_patch", outsider["token"], id=world["source"]["id"], title="x")[0] == 403
    assert show(app, world["token"], world["source"]["id"])["title"] == "Sumber uji"
