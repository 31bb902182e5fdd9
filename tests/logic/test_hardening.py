"""OPDs and groups are the walidata's, anonymous visitors get 4xx (not 500) from follow and collaborator
checks, and a purged dataset takes its DataStore tables and uploaded files along. Asked through HTTP."""

from __future__ import annotations

import io
import os

import pytest
from ckan.lib import uploader
from ckan.tests import factories, helpers

from tests.helpers import valid_dataset
from tests.security.world import make_world

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _api(app, action, user=None, **data):
    headers = {"Authorization": user["token"]} if user else {}
    return app.post(f"/api/action/{action}", json=data, headers=headers)


@pytest.mark.parametrize("action", ["organization_create", "group_create"])
def test_a_user_of_no_opd_creates_no_opd_or_group(app, action):
    citizen = factories.UserWithToken()
    response = _api(app, action, citizen, name="opd-saya", title="OPD Saya")
    assert response.status_code == 403
    assert "walidata" in response.json["error"]["message"]


@pytest.mark.ckan_config("ckan.auth.user_create_organizations", True)
@pytest.mark.ckan_config("ckan.auth.user_create_groups", True)
@pytest.mark.parametrize("action", ["organization_create", "group_create"])
def test_even_a_permissive_config_does_not_let_users_create_opds(app, action):
    response = _api(app, action, factories.UserWithToken(), name="opd-saya", title="OPD Saya")
    assert response.status_code == 403


def test_the_walidata_creates_opds(app):
    response = _api(
        app, "organization_create", factories.SysadminWithToken(), name="bapenda", title="Bapenda"
    )
    assert response.status_code == 200, response.body


def test_a_user_of_no_opd_publishes_no_dataset(app):
    citizen = factories.UserWithToken()
    org = factories.Organization()
    response = _api(app, "package_create", citizen, **valid_dataset(org["id"]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path", ["/dataset/follow/{name}", "/dataset/unfollow/{name}", "/aplikasi/follow/laksa"]
)
def test_anonymous_follow_is_refused_not_500(app, path):
    world = make_world()
    url = path.format(name=world["dataset"]["name"])
    response = app.post(url)
    assert response.status_code == 403
    assert "silakan masuk" in response.body


@pytest.mark.parametrize("action", ["package_collaborator_list", "package_collaborator_create"])
def test_anonymous_collaborator_calls_are_refused_not_500(app, action):
    world = make_world()
    response = _api(app, action, id=world["dataset"]["id"], user_id=world["editor"]["id"], capacity="editor")
    assert response.status_code == 403


def test_purge_takes_datastore_tables_uploaded_files_and_activities_along(app):
    world = make_world()
    sysadmin = world["sysadmin"]
    uploaded = app.post(
        "/api/action/resource_create",
        data={
            "package_id": world["dataset"]["id"],
            "name": "Unggahan",
            "upload": (io.BytesIO(b"a,b\n1,2\n"), "x.csv"),
        },
        headers={"Authorization": sysadmin["token"]},
        content_type="multipart/form-data",
    ).json["result"]
    path = uploader.get_resource_uploader({"id": uploaded["id"]}).get_path(uploaded["id"])
    assert os.path.exists(path)
    table = world["resource"]["id"]
    helpers.call_action(
        "datastore_create",
        context={"user": sysadmin["name"]},
        resource_id=table,
        force=True,
        fields=[{"id": "a", "type": "text"}],
        records=[{"a": "x"}],
    )

    activities = _api(app, "package_activity_list", sysadmin, id=world["dataset"]["id"]).json["result"]
    assert activities, "the dataset has activities to lose"
    response = _api(app, "dataset_purge", sysadmin, id=world["dataset"]["id"])
    assert response.status_code == 200, response.body
    for activity in activities:
        gone = _api(app, "activity_show", sysadmin, id=activity["id"])
        assert gone.status_code == 404, f"activity {activity['activity_type']} of the purged dataset remains"

    assert not os.path.exists(path)
    from ckanext.datastore.backend import DatastoreBackend

    assert not DatastoreBackend.get_active_backend().resource_exists(table)
