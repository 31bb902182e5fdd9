"""The auth functions of logic/auth.py, each asked with call_auth as real users (factories): at least one caller it
lets through and one it refuses, with the refusal's reason; and the HTTP answers of the walidata and collaborator
rules. Sysadmins pass every auth function before it is asked (CKAN), so a sysadmin is an allowed case only where
nobody else is."""

from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.tangerang.logic import hardening, harvest_sources
from tests.helpers import valid_dataset
from tests.security.world import make_world

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

WITHHELD = "Akses data terbatas untuk perangkat daerah pemilik"
SOURCE_NOT_FOUND = "Sumber panen tidak ditemukan"
ONLY_THE_OWNING_OPD = "Hanya untuk OPD pemilik sumber panen"


def refusal(auth: str, user: dict | None, **data) -> str | None:
    """call_auth as ``user`` (None: an anonymous visitor): None when allowed, else the reason given."""
    try:
        helpers.call_auth(auth, {"user": user["name"] if user else ""}, **data)
    except tk.NotAuthorized as refused:
        return str(refused)
    return None


def _api(app, action, user=None, **data):
    headers = {"Authorization": user["token"]} if user else {}
    return app.post(f"/api/action/{action}", json=data, headers=headers)


@pytest.fixture
def opd():
    """The OPD dinkes with an admin, an editor and a member; an admin of another OPD; a sysadmin."""
    people = {role: factories.UserWithToken() for role in ("admin", "editor", "member", "outsider")}
    org = factories.Organization(
        name="dinkes",
        users=[{"name": people[role]["name"], "capacity": role} for role in ("admin", "editor", "member")],
    )
    factories.Organization(name="dishub", users=[{"name": people["outsider"]["name"], "capacity": "admin"}])
    return {**people, "org": org, "sysadmin": factories.Sysadmin()}


def _dataset(opd, klasifikasi: str) -> dict:
    return helpers.call_action(
        "package_create",
        context={"user": opd["sysadmin"]["name"]},
        **valid_dataset(
            opd["org"]["id"],
            name=f"data-{klasifikasi}",
            klasifikasi=klasifikasi,
            resources=[{"url": f"https://files.example.go.id/{klasifikasi}.csv", "name": "Data"}],
        ),
    )


# --- the DataStore's and the access question's -----------------------------------------------------------


def test_datastore_search_and_info_of_a_terbatas_table_are_for_its_opd(opd):
    resource_id = _dataset(opd, "terbatas")["resources"][0]["id"]
    helpers.call_action(
        "datastore_create",
        context={"user": opd["sysadmin"]["name"]},
        resource_id=resource_id,
        force=True,
        fields=[{"id": "a", "type": "text"}],
        records=[{"a": "x"}],
    )
    assert refusal("datastore_search", opd["member"], resource_id=resource_id) is None
    assert refusal("datastore_info", opd["member"], id=resource_id) is None
    for user in (opd["outsider"], None):
        assert WITHHELD in refusal("datastore_search", user, resource_id=resource_id)
        assert WITHHELD in refusal("datastore_info", user, id=resource_id)
    # The list of every table, tertutup datasets' included
    assert WITHHELD in refusal("datastore_search", opd["admin"], resource_id="_table_metadata")
    assert refusal("datastore_search", opd["sysadmin"], resource_id="_table_metadata") is None


def test_whoever_sees_a_resource_may_ask_whether_they_may_download_it(opd):
    open_resource = _dataset(opd, "terbuka")["resources"][0]["id"]
    closed_resource = _dataset(opd, "tertutup")["resources"][0]["id"]
    assert refusal("tangerang_resource_access_show", None, id=open_resource) is None
    assert refusal("tangerang_resource_access_show", opd["member"], id=closed_resource) is None
    assert refusal("tangerang_resource_access_show", None, id=closed_resource) is not None
    assert refusal("tangerang_resource_access_show", opd["outsider"], id=closed_resource) is not None


# --- OPDs and groups: the walidata's ------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["organization_create", "group_create"])
def test_opds_and_groups_are_created_by_the_walidata_only(opd, auth):
    assert refusal(auth, opd["sysadmin"], name="opd-baru") is None
    for user in (opd["admin"], opd["editor"]):
        assert refusal(auth, user, name="opd-baru") == hardening.WALIDATA_ONLY


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


# --- collaborators: answered for anonymous visitors --------------------------------------------------------


@pytest.mark.ckan_config("ckan.auth.allow_dataset_collaborators", True)
def test_collaborators_are_for_the_opds_admins_and_need_a_login(opd):
    dataset = _dataset(opd, "terbuka")
    data = {"id": dataset["id"], "user_id": opd["outsider"]["id"], "capacity": "editor"}
    for auth in ("package_collaborator_list", "package_collaborator_create", "package_collaborator_delete"):
        assert refusal(auth, opd["admin"], **data) is None, auth
        assert refusal(auth, opd["member"], **data) is not None, auth
        assert refusal(auth, None, **data) is not None, auth
        assert "Dataset tidak ditemukan" in refusal(auth, opd["admin"], **{**data, "id": "tidak-ada"}), auth


@pytest.mark.parametrize("action", ["package_collaborator_list", "package_collaborator_create"])
def test_anonymous_collaborator_calls_are_refused_not_500(app, action):
    world = make_world()
    response = _api(app, action, id=world["dataset"]["id"], user_id=world["editor"]["id"], capacity="editor")
    assert response.status_code == 403


# --- ckanext-harvest's: sysadmins only --------------------------------------------------------------------


HOUSEKEEPING = (
    "harvest_abort_failed_jobs",
    "harvest_job_abort",
    "harvest_job_create_all",
    "harvest_jobs_run",
    "harvest_log_list",
    "harvest_objects_import",
    "harvest_sources_clear",
    "harvest_sources_reindex",
    "tangerang_harvest_sources_private",
)


def test_harvest_housekeeping_is_for_sysadmins(opd):
    data = {"id": "x", "source_id": "x", "life_span": 0}
    for auth in HOUSEKEEPING:
        assert refusal(auth, opd["sysadmin"], **data) is None, auth
        assert refusal(auth, opd["admin"], **data) == harvest_sources.SYSADMIN_ONLY, auth
        assert refusal(auth, None, **data) is not None, auth


# --- a harvest source and its objects: the owning OPD's ---------------------------------------------------


@pytest.fixture
def source(opd) -> dict:
    """A harvest source of dinkes, with a job and one harvested object."""
    from ckanext.harvest.model import HarvestJob, HarvestObject

    context = {"user": opd["sysadmin"]["name"]}
    created = helpers.call_action(
        "harvest_source_create",
        context=dict(context),
        name="sumber-dinkes",
        url="http://127.0.0.1:9/ckan",
        source_type="ckan",
        owner_org=opd["org"]["id"],
        frequency="MANUAL",
    )
    job = helpers.call_action("harvest_job_create", context=dict(context), source_id=created["id"])
    obj = HarvestObject(guid="rekaman-1", job=HarvestJob.get(job["id"]), content='{"nik": "x"}')
    obj.harvest_source_id = created["id"]
    obj.save()
    return {**created, "object_id": obj.id}


def test_a_source_is_shown_changed_and_deleted_by_its_opds_admins_only(opd, source):
    for auth in ("harvest_source_show", "package_show"):
        assert refusal(auth, opd["admin"], id=source["id"]) is None, auth
    # CKAN would let the OPD's editor read and change its private dataset; a source is for its admins.
    assert SOURCE_NOT_FOUND in refusal("harvest_source_show", opd["editor"], id=source["id"])
    assert refusal("package_show", opd["editor"], id=source["id"]) == harvest_sources.ADMINS_ONLY
    for auth in ("package_update", "package_delete"):
        assert refusal(auth, opd["admin"], id=source["id"]) is None, auth
        assert refusal(auth, opd["editor"], id=source["id"]) == harvest_sources.ADMINS_ONLY, auth
    assert refusal("harvest_source_patch", opd["admin"], id=source["id"], title="x") is None
    assert refusal("harvest_source_patch", opd["editor"], id=source["id"], title="x") is not None
    assert refusal("harvest_source_patch", opd["outsider"], id=source["id"], title="x") is not None


def test_a_source_is_created_by_its_opds_admins_only(opd):
    new_source = {"type": "harvest", "owner_org": opd["org"]["id"], "name": "sumber-baru"}
    assert refusal("package_create", opd["admin"], **new_source) is None
    assert refusal("package_create", opd["editor"], **new_source) == harvest_sources.ADMINS_ONLY
    # Any other dataset as CKAN decides: the OPD's editor publishes in it.
    assert refusal("package_create", opd["editor"], owner_org=opd["org"]["id"], name="data-baru") is None


def test_harvest_objects_are_for_the_sources_opd(opd, source):
    assert refusal("harvest_object_list", opd["admin"], source_id=source["id"]) is None
    assert SOURCE_NOT_FOUND in refusal("harvest_object_list", opd["outsider"], source_id=source["id"])
    # Every source's objects at once: sysadmins only
    assert SOURCE_NOT_FOUND in refusal("harvest_object_list", opd["admin"])
    assert refusal("harvest_object_show", opd["member"], id=source["object_id"]) is None
    for user in (opd["outsider"], None):
        assert ONLY_THE_OWNING_OPD in refusal("harvest_object_show", user, id=source["object_id"])


# --- the applications under review (/aplikasi-kajian): data stewards of any OPD and sysadmins ---------------


def test_the_review_list_is_for_stewards(opd):
    for who in ("sysadmin", "admin", "editor", "outsider"):  # the outsider is an admin of another OPD
        assert refusal("tangerang_aplikasi_review", opd[who]) is None, who
    for user in (opd["member"], factories.User()):  # may not edit any OPD's datasets
        reason = refusal("tangerang_aplikasi_review", user)
        assert "Halaman ini untuk pengelola data OPD dan walidata" in reason
        assert "for data stewards of an OPD" in reason
    reason = refusal("tangerang_aplikasi_review", None)
    assert "Masuk sebagai pengelola data" in reason and "Log in as a data steward" in reason


def test_the_review_page_answers_403_with_the_reason(app, opd):
    assert "Masuk sebagai pengelola data" in app.get("/aplikasi-kajian", status=403).body
    page = app.get("/aplikasi-kajian", headers={"Authorization": opd["member"]["token"]}, status=403)
    assert "Halaman ini untuk pengelola data OPD dan walidata" in page.body
    app.get("/aplikasi-kajian", headers={"Authorization": opd["editor"]["token"]}, status=200)
