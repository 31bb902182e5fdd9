"""The actions of logic/action.py: schema fields sent as extras (package_create/update), the type and length check
before an OPD is saved (organization_update), terbatas data left out of activity streams for outsiders (the
chained activity lists, asked through HTTP as real users), and a purge that leaves no data behind.

The actions imported into action.py from other modules are tested with those modules (test_access.py,
test_harvest_sources.py, test_limits.py)."""

from __future__ import annotations

import io
import os

import pytest
from ckan.lib import uploader
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.tangerang.logic import limits
from tests.helpers import valid_dataset
from tests.security.world import make_world

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SECRET_URL = "https://files.example.go.id/terbatas/data-2025.csv"


def _api(app, action, user=None, **data):
    headers = {"Authorization": user["token"]} if user else {}
    return app.post(f"/api/action/{action}", json=data, headers=headers)


# --- package_create / package_update: lift_schema_extras -------------------------------------------------


def test_satu_data_fields_sent_as_extras_become_the_fields():
    org = factories.Organization()
    sysadmin = factories.Sysadmin()
    dataset = helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        name="dari-katalog-lain",
        title="Dari katalog lain",
        notes="Dipanen dari katalog CKAN lain.",
        owner_org=org["id"],
        extras=[
            {"key": "klasifikasi", "value": "terbuka"},
            {"key": "sektor", "value": "2.16"},
            {"key": "frekuensi", "value": "bulanan"},
            {"key": "cakupan_wilayah", "value": "36.71"},
            {"key": "produsen_data", "value": "diskominfo"},
        ],
    )
    assert dataset["klasifikasi"] == "terbuka"
    assert dataset["sektor"] == "2.16"
    assert dataset["cakupan_wilayah"] == ["36.71"]
    assert [e["key"] for e in dataset["extras"]] == ["produsen_data"]


def test_a_field_already_set_wins_over_its_extra():
    org = factories.Organization()
    sysadmin = factories.Sysadmin()
    dataset = helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        **valid_dataset(org["id"], extras=[{"key": "klasifikasi", "value": "tertutup"}]),
    )
    assert dataset["klasifikasi"] == "terbuka"
    assert dataset["private"] is False


def test_an_update_takes_extras_as_the_fields_too():
    org = factories.Organization()
    context = {"user": factories.Sysadmin()["name"]}
    created = helpers.call_action("package_create", context=dict(context), **valid_dataset(org["id"]))
    sent = valid_dataset(org["id"], id=created["id"], extras=[{"key": "frekuensi", "value": "bulanan"}])
    del sent["frekuensi"]
    updated = helpers.call_action("package_update", context=dict(context), **sent)
    assert updated["frekuensi"] == "bulanan"
    assert [e["key"] for e in updated.get("extras", [])] == []


# --- organization_update: limits.checked_group ----------------------------------------------------------------


def test_an_opd_update_names_every_wrong_field_and_stores_nothing():
    sysadmin = factories.Sysadmin()
    org = factories.Organization(title="Dinas Kesehatan")
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action(
            "organization_update",
            context={"user": sysadmin["name"]},
            id=org["id"],
            name=org["name"],
            title="o" * 2_000,
            jenis=["dinas"],
        )
    assert raised.value.error_dict == {"title": [limits.too_long(limits.LINE)], "jenis": [limits.MSG_CHOICE]}
    assert helpers.call_action("organization_show", id=org["id"])["title"] == "Dinas Kesehatan"


# --- the chained activity lists: terbatas data is for the owning OPD ------------------------------------------


@pytest.mark.ckan_config("ckan.auth.public_activity_stream_detail", True)
@pytest.mark.parametrize("action", ["group_activity_list", "dashboard_activity_list"])
def test_activity_lists_leave_terbatas_data_out_for_outsiders(app, action):
    """With core showing every activity's detail, only the chained action keeps the URL from an outsider."""
    sysadmin = factories.Sysadmin()
    member, outsider = factories.UserWithToken(), factories.UserWithToken()
    org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
    group = factories.Group()
    dataset = helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        **valid_dataset(
            org["id"],
            klasifikasi="terbatas",
            groups=[{"id": group["id"]}],
            resources=[{"url": SECRET_URL, "name": "Data 2025"}],
        ),
    )
    for user in (member, outsider):
        helpers.call_action("follow_dataset", context={"user": user["name"]}, id=dataset["id"])

    def listed(user):
        response = _api(app, action, user, id=group["id"], include_data=True)
        assert response.status_code == 200, response.body
        return response

    def of_the_dataset(response):
        return [a["id"] for a in response.json["result"] if a["object_id"] == dataset["id"]]

    seen_by_member, seen_by_outsider = listed(member), listed(outsider)
    assert SECRET_URL in seen_by_member.body
    # the outsider sees the same activities, without the data
    assert of_the_dataset(seen_by_outsider) == of_the_dataset(seen_by_member) != []
    assert SECRET_URL not in seen_by_outsider.body


# --- dataset_purge: hardening.purge_with_data --------------------------------------------------------------


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
