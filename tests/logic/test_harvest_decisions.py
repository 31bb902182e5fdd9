"""Who may see and decide harvest holds (logic/harvest_decisions.py): ``call_auth`` with real users, then the API and
the dashboard tab ``/dasbor/keputusan`` through HTTP. What a decision does to a harvest is in
tests/harvesters/test_decisions.py."""

from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories, helpers

from ckanext.tangerang.logic import harvest_decisions
from tests.helpers import valid_dataset
from tests.security.world import logged_in

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

MARK = "zqholdmk"  # in the held dataset's name and title, and the held record's title


@pytest.fixture
def world():
    sysadmin = factories.SysadminWithToken()
    own, member, other = factories.UserWithToken(), factories.UserWithToken(), factories.UserWithToken()
    org = factories.Organization(
        name="dinkes",
        users=[{"name": own["name"], "capacity": "editor"}, {"name": member["name"], "capacity": "member"}],
    )
    factories.Organization(name="dishub", users=[{"name": other["name"], "capacity": "editor"}])
    context = {"user": sysadmin["name"]}
    closed = helpers.call_action(
        "package_create",
        context=dict(context),
        **valid_dataset(org["id"], name=f"{MARK}-tertutup", title=f"Data {MARK}", klasifikasi="tertutup"),
    )
    source = helpers.call_action(
        "harvest_source_create",
        context=dict(context),
        name="sumber-dinkes",
        title="Sumber Dinkes",
        url="http://127.0.0.1:1/sumber",
        source_type="tangerang_json_api",
        owner_org=org["id"],
        frequency="MANUAL",
        config=json.dumps({"fields": {"title": "judul"}, "pagination": {"type": "none"}}),
    )
    guid = f"{source['id']}:{MARK}"
    deletion = harvest_decisions.hold_deletions(
        source["id"],
        "job-1",
        [
            {
                "guid": guid,
                "upstream_id": MARK,
                "object_id": "object-1",
                "package_id": closed["id"],
                "name": closed["name"],
                "title": closed["title"],
            }
        ],
        "7 dari 20 dataset hilang / 7 of 20 datasets disappeared",
    )
    detail = {
        "reason": "Data pribadi ditemukan / Personal data found",
        "findings": [{"column": "nik", "rule": "nik", "rows": 3}],
        "causes": ["tabel"],
        "upstream_id": f"{MARK}-tabel",
        "title": f"Tabel {MARK}",
    }
    assert harvest_decisions.personal_data_choice(source["id"], "job-1", f"{guid}-tabel", detail) is None
    users = dict(anonymous=None, other_opd_editor=other, member=member, own_editor=own, sysadmin=sysadmin)
    return {"users": users, "org": org, "source": source, "deletion": deletion}


def _allowed(auth, user, data):
    context = {"user": user["name"] if user else "", "model": model}
    try:
        return helpers.call_auth(auth, context, **data)
    except tk.NotAuthorized:
        return False


def test_only_the_sources_stewards_and_sysadmins_may_decide_and_see(world):
    org_id = world["org"]["id"]
    expected = {
        "anonymous": False,
        "other_opd_editor": False,
        "member": False,
        "own_editor": True,
        "sysadmin": True,
    }
    for role, user in world["users"].items():
        seen = {
            auth: _allowed(auth, user, data)
            for auth, data in (
                ("tangerang_harvest_decision", {"id": world["deletion"]}),
                ("tangerang_harvest_hold_list", {"owner_org": org_id}),
                ("tangerang_harvest_decision_list", {"owner_org": org_id}),
            )
        }
        assert seen == dict.fromkeys(seen, expected[role]), role
    # A hold that does not exist is refused like another OPD's: nothing tells the two apart.
    assert not _allowed("tangerang_harvest_decision", world["users"]["own_editor"], {"id": "tidak-ada"})


def _get(app, user, url):
    return app.get(url, headers={"Authorization": user["token"]} if user else {})


def test_the_api_keeps_each_opd_to_its_holds(app, world):
    users = world["users"]
    api = "/api/3/action"
    for role in ("anonymous", "member"):
        for action in ("tangerang_harvest_hold_list", "tangerang_harvest_decision_list"):
            response = _get(app, users[role], f"{api}/{action}")
            assert response.status_code == 403 and MARK not in response.body, (role, action)
    other = _get(app, users["other_opd_editor"], f"{api}/tangerang_harvest_hold_list")
    assert other.status_code == 200 and other.json["result"]["count"] == 0 and MARK not in other.body
    refused = app.post(
        f"{api}/tangerang_harvest_decision",
        json={"id": world["deletion"], "choice": "lepas"},
        headers={"Authorization": users["other_opd_editor"]["token"]},
    )
    assert refused.status_code == 403 and MARK not in refused.body

    own = _get(app, users["own_editor"], f"{api}/tangerang_harvest_hold_list").json["result"]
    assert own["count"] == 2 and {h["kind"] for h in own["holds"]} == {"penghapusan", "data_pribadi"}
    assert own["holds"][0]["source"]["name"] == "sumber-dinkes"
    wrong = app.post(
        f"{api}/tangerang_harvest_decision",
        json={"id": world["deletion"], "choice": "drop"},
        headers={"Authorization": users["own_editor"]["token"]},
    )
    assert wrong.status_code == 409 and "lepas, tolak" in wrong.body
    done = app.post(
        f"{api}/tangerang_harvest_decision",
        json={"id": world["deletion"], "choice": "tolak", "note": "Sumber bermasalah"},
        headers={"Authorization": users["own_editor"]["token"]},
    )
    assert done.status_code == 200, done.body
    trail = _get(app, users["sysadmin"], f"{api}/tangerang_harvest_decision_list").json["result"]
    (decision,) = trail["decisions"]
    assert (decision["choice"], decision["note"], decision["user"]["name"]) == (
        "tolak",
        "Sumber bermasalah",
        users["own_editor"]["name"],
    )
    assert decision["hold"]["items"][0]["name"] == f"{MARK}-tertutup"
    other_trail = _get(app, users["other_opd_editor"], f"{api}/tangerang_harvest_decision_list")
    assert other_trail.json["result"]["count"] == 0 and MARK not in other_trail.body


def test_the_dashboard_tab_shows_and_decides(app, world):
    users = world["users"]
    assert _get(app, None, "/dasbor/keputusan").status_code == 403
    other = _get(app, users["other_opd_editor"], "/dasbor/keputusan")
    assert other.status_code == 200 and MARK not in other.body

    browser = logged_in(app, users["own_editor"])
    page = browser.get("/dasbor/keputusan").get_data(as_text=True)
    assert f'data-hold="{world["deletion"]}"' in page and f"{MARK}-tertutup" in page
    assert 'name="choice" value="lepas"' in page and 'name="choice" value="aggregate"' in page
    answer = browser.post(
        "/dasbor/keputusan",
        data={"id": world["deletion"], "choice": "lepas", "note": "Dicabut di sumber"},
        follow_redirects=True,
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert f'data-hold="{world["deletion"]}" data-choice="lepas"' in page  # in the audit trail
    assert f'id="hold-{world["deletion"]}"' not in page  # no longer waiting
    assert "Dicabut di sumber" in page
    again = browser.post(
        "/dasbor/keputusan", data={"id": world["deletion"], "choice": "tolak"}, follow_redirects=True
    )
    assert "sudah diputuskan" in again.get_data(as_text=True)
    trail = helpers.call_action(
        "tangerang_harvest_decision_list", context={"user": users["sysadmin"]["name"]}
    )
    assert [d["choice"] for d in trail["decisions"]] == ["lepas"]
    outsider = logged_in(app, users["other_opd_editor"])
    refused = outsider.post("/dasbor/keputusan", data={"id": world["deletion"], "choice": "tolak"})
    assert refused.status_code == 403
