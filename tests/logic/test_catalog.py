"""The one-call catalogue actions of logic/catalog.py (tangerang_stats, tangerang_aplikasi_list,
tangerang_aplikasi_show), asked through HTTP as real users: what each role is counted and listed (a tertutup
dataset only for its OPD), no terbatas URL in what outsiders receive, paging, filters and bilingual refusals of bad
parameters, and a fixed number of Solr requests however many applications there are."""

from __future__ import annotations

import json
from unittest import mock

import pysolr
import pytest
from ckan.tests import factories, helpers

from tests.helpers import aplikasi, valid_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SECRET_URL = "https://files.example.go.id/terbatas-zqsecret/data.csv"
API = "/api/3/action"


@pytest.fixture
def world():
    """Two OPDs; three applications; LAKSA (Dinkes) is named by a terbuka, a terbatas and a tertutup dataset,
    SIAP (Dishub) by one terbuka dataset."""
    sysadmin = factories.SysadminWithToken()
    editor = factories.UserWithToken()
    other = factories.UserWithToken()
    dinkes = factories.Organization(
        name="dinkes", title="Dinas Kesehatan", users=[{"name": editor["name"], "capacity": "editor"}]
    )
    dishub = factories.Organization(
        name="dishub", title="Dinas Perhubungan", users=[{"name": other["name"], "capacity": "editor"}]
    )
    context = {"user": sysadmin["name"]}

    def create(data):
        return helpers.call_action("package_create", context=dict(context), **data)

    create(
        aplikasi(
            dinkes["id"],
            penggunaan_bulanan=[
                {"bulan": "2026-09", "pengguna_aktif": 900},
                {"bulan": "2026-10", "pengguna_aktif": 1200},
            ],
        )
    )
    create(
        aplikasi(
            dishub["id"],
            name="siap",
            title="SIAP",
            kelompok="e-government",
            status_aplikasi="dalam-kajian",
            platform=[{"jenis": "android", "url": "https://play.example/siap"}],
            penggunaan_bulanan=[{"bulan": "2026-10", "pengguna_aktif": 50}],
        )
    )
    create(aplikasi(dishub["id"], name="e-parkir", title="E-Parkir", platform=[]))
    for cls, sektor in (("terbuka", "1.02"), ("terbatas", "1.02"), ("tertutup", "1.02")):
        create(
            valid_dataset(
                dinkes["id"],
                name=f"data-{cls}",
                title=f"Data {cls}",
                klasifikasi=cls,
                sektor=sektor,
                aplikasi_sumber="laksa",
                resources=[{"url": SECRET_URL if cls == "terbatas" else f"https://x.example/{cls}.csv"}],
            )
        )
    create(
        valid_dataset(
            dishub["id"], name="data-dishub", title="Data Dishub", sektor="2.15", aplikasi_sumber="siap"
        )
    )
    return {"sysadmin": sysadmin, "editor": editor, "other": other}


def _get(app, path, user=None, expect=200, **params):
    headers = {"Authorization": user["token"]} if user else {}
    response = app.get(path, params=params, headers=headers, status=expect)
    return response.json


def _counts(items, key="code"):
    return {item[key]: item["count"] for item in items}


def test_counts_and_an_application_s_datasets_differ_by_the_tertutup_dataset_alone(app, world):
    anonymous = _get(app, f"{API}/tangerang_stats")["result"]
    outsider = _get(app, f"{API}/tangerang_stats", world["other"])["result"]
    insider = _get(app, f"{API}/tangerang_stats", world["editor"])["result"]
    assert outsider == anonymous
    assert (anonymous["datasets"], anonymous["applications"]) == (3, 3)
    assert _counts(anonymous["by_access"]) == {"terbuka": 2, "terbatas": 1, "tertutup": 0}
    assert _counts(anonymous["by_sector"]) == {"1.02": 2, "2.15": 1}
    assert _counts(anonymous["by_kelompok"]) == {"e-government": 1, "layanan-publik": 2}
    assert anonymous["by_opd"] == [
        {"name": "dinkes", "title": "Dinas Kesehatan", "count": 3},
        {"name": "dishub", "title": "Dinas Perhubungan", "count": 3},
    ]
    assert insider["datasets"] == 4
    assert _counts(insider["by_access"]) == {"terbuka": 2, "terbatas": 1, "tertutup": 1}
    assert _counts(insider["by_sector"]) == {"1.02": 3, "2.15": 1}
    assert _counts(insider["by_opd"], "name") == {"dinkes": 4, "dishub": 3}
    # Labels from the code lists, in the request's language.
    assert [a["label"] for a in anonymous["by_access"]] == ["Terbuka", "Terbatas", "Tertutup"]
    assert anonymous["by_sector"][0]["label"] == "1.02 Kesehatan"
    english = _get(app, f"/en{API}/tangerang_stats")["result"]
    assert [a["label"] for a in english["by_access"]] == ["Open", "Limited", "Closed"]
    assert {k["label"] for k in english["by_kelompok"]} == {"E-government", "Public service"}

    # The home page shows the same figures.
    home = app.get("/").body
    assert "<strong>3</strong> <span>dataset" in home

    for role, user, count in (
        ("anonymous", None, 2),
        ("outsider", world["other"], 2),
        ("insider", world["editor"], 3),
    ):
        listed = _get(app, f"{API}/tangerang_aplikasi_list", user, q="LAKSA")["result"]["results"]
        assert [(a["name"], a["datasets"]) for a in listed] == [("laksa", count)], role
        response = app.get(
            f"{API}/tangerang_aplikasi_show",
            params={"id": "laksa"},
            headers={"Authorization": user["token"]} if user else {},
        )
        shown = response.json["result"]
        assert shown["dataset_count"] == count == len(shown["datasets"]), role
        assert ("data-tertutup" in [d["name"] for d in shown["datasets"]]) == (role == "insider")
        assert shown["type"] == "aplikasi" and shown["title"] == "LAKSA"
        assert SECRET_URL not in response.body, role
    # The control: the insider may read the URL, elsewhere.
    assert SECRET_URL in json.dumps(_get(app, f"{API}/package_show", world["editor"], id="data-terbatas"))
    terbatas = next(d for d in shown["datasets"] if d["name"] == "data-terbatas")
    assert terbatas["klasifikasi"] == "terbatas" and terbatas["metadata_modified"]

    # Not an application, hidden, or missing: the same 404.
    for wanted in ("data-terbuka", "data-tertutup", "tidak-ada"):
        refused = _get(app, f"{API}/tangerang_aplikasi_show", expect=404, id=wanted)
        assert (
            refused["error"]["message"] == "Not found: Aplikasi tidak ditemukan. / Application not found."
        ), wanted


def test_the_application_list_pages_filters_sorts_and_refuses_bad_parameters(app, world):
    everything = _get(app, f"{API}/tangerang_aplikasi_list")["result"]
    assert everything["count"] == 3
    # Most active users last month first, those without figures last.
    assert everything["results"] == [
        {
            "name": "laksa",
            "title": "LAKSA",
            "kelompok": "layanan-publik",
            "status_aplikasi": "aktif",
            "url": "https://laksa.tangerangkota.go.id",
            "datasets": 2,
            "latest_usage": {"month": "2026-10", "users": 1200},
        },
        {
            "name": "siap",
            "title": "SIAP",
            "kelompok": "e-government",
            "status_aplikasi": "dalam-kajian",
            "url": "https://play.example/siap",
            "datasets": 1,
            "latest_usage": {"month": "2026-10", "users": 50},
        },
        {
            "name": "e-parkir",
            "title": "E-Parkir",
            "kelompok": "layanan-publik",
            "status_aplikasi": "aktif",
            "url": None,
            "datasets": 0,
            "latest_usage": None,
        },
    ]

    def names(**params):
        result = _get(app, f"{API}/tangerang_aplikasi_list", **params)["result"]
        return result["count"], [a["name"] for a in result["results"]]

    assert names(limit=1, offset=1) == (3, ["siap"])
    assert names(limit=2, offset=2) == (3, ["e-parkir"])
    assert names(sort="title_string asc") == (3, ["e-parkir", "laksa", "siap"])
    assert names(kelompok="layanan-publik", sort="title_string desc") == (2, ["laksa", "e-parkir"])
    assert names(status="dalam-kajian") == (1, ["siap"])
    assert names(q="SIAP") == (1, ["siap"])

    for field, value in (
        ("limit", "0"),
        ("limit", "101"),
        ("limit", "dua"),
        ("offset", "-1"),
        ("sort", "name asc"),
        ("sort", "res_url asc"),
        ("kelompok", "lainnya"),
        ("status", "hilang"),
    ):
        error = _get(app, f"{API}/tangerang_aplikasi_list", expect=409, **{field: value})["error"]
        assert set(error) == {"__type", field}, (field, value)
        indonesian, english = error[field][0].split(" / ")
        assert indonesian and english, (field, value)


def test_every_opd_has_its_title_past_ckan_s_25_a_page():
    """by_opd's titles (searches.opd_title) read every OPD, though CKAN lists them 25 at a time."""
    from ckanext.tangerang import searches

    for n in range(27):
        factories.Organization(name=f"opd-{n:02d}", title=f"OPD nomor {n}")
    assert [searches.opd_title(f"opd-{n:02d}") for n in (0, 26)] == ["OPD nomor 0", "OPD nomor 26"]


def test_each_action_asks_solr_the_same_number_of_times_however_many_applications(world):
    sysadmin = world["sysadmin"]
    org = factories.Organization()

    def solr_requests() -> dict[str, int]:
        counted = {}
        for action, params in (
            ("tangerang_stats", {}),
            ("tangerang_aplikasi_list", {"limit": 100}),
            ("tangerang_aplikasi_show", {"id": "laksa"}),
        ):
            with mock.patch.object(
                pysolr.Solr, "search", autospec=True, side_effect=pysolr.Solr.search
            ) as search:
                helpers.call_action(action, context={"user": ""}, **params)
            counted[action] = search.call_count
        return counted

    helpers.call_action(
        "tangerang_stats"
    )  # reads the OPDs' titles once a minute (organization_list asks Solr)
    before = solr_requests()
    for n in range(6):
        app_record = helpers.call_action(
            "package_create",
            context={"user": sysadmin["name"]},
            **aplikasi(org["id"], name=f"app-{n}", title=f"App {n}"),
        )
        helpers.call_action(
            "package_create",
            context={"user": sysadmin["name"]},
            **valid_dataset(org["id"], name=f"data-app-{n}", aplikasi_sumber=app_record["name"]),
        )
    assert helpers.call_action("tangerang_aplikasi_list", context={"user": ""}, limit=100)["count"] == 9
    # Two for an application: its own package_show reads CKAN's index too.
    expected = {"tangerang_stats": 1, "tangerang_aplikasi_list": 2, "tangerang_aplikasi_show": 2}
    assert before == expected
    assert solr_requests() == expected
