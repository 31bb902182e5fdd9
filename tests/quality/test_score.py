"""The quality score (quality/score.py, logic/quality.py) through real PostgreSQL and Solr: it moves as a steward
adds a unit, as the link checker finds a resource broken and as the dataset becomes overdue (time frozen through
``--as-of``), the index holds it and sorts by it, and who may read a score or the report."""

from __future__ import annotations

import datetime as dt

import pytest
from ckan import model
from ckan.cli.cli import ckan
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.tangerang.logic import link_check
from ckanext.tangerang.quality import score
from tests.helpers import valid_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def test_the_weights_make_a_hundred():
    assert sum(score.WEIGHTS.values()) == 100
    assert set(score.WEIGHTS) == set(score.LABELS)


def _parts(result: dict) -> dict[str, dict]:
    return {p["key"]: p for p in result["parts"]}


def _advice_en(result: dict) -> list[str]:
    return [a["en"] for a in result["advice"]]


def _indexed(**params) -> list[tuple[str, int]]:
    found = helpers.call_action(
        "package_search",
        fq="+dataset_type:dataset",
        fl=["name", "skor_kualitas"],
        include_private=True,
        **params,
    )
    return [(r["name"], r["skor_kualitas"]) for r in found["results"]]


def test_the_score_follows_the_unit_the_links_and_the_calendar(cli):
    org, context = factories.Organization(), {"user": factories.Sysadmin()["name"]}
    dataset = helpers.call_action(
        "package_create",
        context=context,
        **valid_dataset(
            org["id"],
            satuan="",
            resources=[{"name": "Data 2025", "format": "CSV", "url": "https://files.example/penduduk.csv"}],
        ),
    )
    bare = helpers.call_action(
        "package_create", context=context, **valid_dataset(org["id"], name="tanpa-sumber-daya", satuan="")
    )
    name = dataset["name"]

    before = helpers.call_action("tangerang_quality_show", id=name)
    assert 0 < before["score"] < 100
    assert before["score"] == round(sum(p["points"] for p in before["parts"]))
    assert [p["key"] for p in before["parts"]] == list(score.WEIGHTS)
    assert "Add the unit (e.g. persons, rupiah)" in _advice_en(before)
    assert "Tambahkan satuan (mis. jiwa, rupiah)" in [a["id"] for a in before["advice"]]
    assert "Check the links: 1 resource(s) not checked yet" in _advice_en(before)
    assert _parts(before)["tautan"]["points"] == 10  # not checked yet: advised, not penalised
    # completeness reads the schema's recommended fields: satuan is one of the ten, and ukuran, metodologi missing
    assert (_parts(before)["kelengkapan"]["filled"], _parts(before)["kelengkapan"]["fields"]) == (6, 10)
    # the index holds the score, and sorts by it: the dataset without resources is the lower
    assert _indexed(sort="skor_kualitas asc") == [
        (bare["name"], helpers.call_action("tangerang_quality_show", id=bare["name"])["score"]),
        (name, before["score"]),
    ]

    # a steward adds the unit: the data standard gains its 4 points, completeness one field of ten
    helpers.call_action("package_patch", context=context, id=dataset["id"], satuan="jiwa")
    unit = helpers.call_action("tangerang_quality_show", id=name)
    assert _parts(unit)["standar"]["points"] - _parts(before)["standar"]["points"] == 4
    assert _parts(unit)["kelengkapan"]["points"] - _parts(before)["kelengkapan"]["points"] == 1.5
    assert "Add the unit (e.g. persons, rupiah)" not in _advice_en(unit)
    assert (name, unit["score"]) in _indexed()

    # the link checker finds the resource broken: the refresh scores its links and the MQA's reachability
    resource = dataset["resources"][0]
    link_check.store(
        link_check.Target(resource["id"], dataset["id"], resource["url"], False),
        link_check.Result("broken", http_status=404),
    )
    model.Session.commit()
    result = cli.invoke(ckan, ["tangerang", "quality", "refresh", "--dataset", name])
    assert result.exit_code == 0, result.output
    assert "1 dataset dinilai (1 dihitung ulang penuh), 1 berubah" in result.output
    broken = helpers.call_action("tangerang_quality_show", id=name)
    assert _parts(broken)["tautan"]["points"] == 0
    assert "Fix the links: 1 resource(s) cannot be reached" in _advice_en(broken)
    # the MQA loses the access and download URLs' reachability (50 + 30 of 405)
    assert _parts(unit)["mqa"]["mqa"]["points"] - _parts(broken)["mqa"]["mqa"]["points"] == 80
    assert broken["score"] < unit["score"]
    assert (name, broken["score"]) in _indexed()

    # 45 days after the next expected update the data is late; a refresh as of then says so and reindexes
    due = dt.date.fromisoformat(helpers.call_action("package_show", id=name)["pemutakhiran_berikutnya"])
    as_of = (due + dt.timedelta(days=45)).isoformat()
    result = cli.invoke(ckan, ["tangerang", "quality", "refresh", "--as-of", as_of])
    assert result.exit_code == 0, result.output
    # nothing but time moved: only freshness is measured again
    assert f"per {as_of}: 2 dataset dinilai (0 dihitung ulang penuh), 2 berubah" in result.output
    late = helpers.call_action("tangerang_quality_show", id=name)
    assert (_parts(broken)["kemutakhiran"]["points"], _parts(late)["kemutakhiran"]["points"]) == (15, 0)
    assert "Perbarui data: terlambat 45 hari" in [a["id"] for a in late["advice"]]
    assert late["score"] == broken["score"] - 15
    assert (name, late["score"]) in _indexed(sort="skor_kualitas desc")
    # computing everything afresh on the same day agrees with that
    result = cli.invoke(ckan, ["tangerang", "quality", "refresh", "--as-of", as_of, "--full"])
    assert "2 dataset dinilai (2 dihitung ulang penuh), 0 berubah" in result.output
    assert helpers.call_action("tangerang_quality_show", id=name)["parts"] == late["parts"]


@pytest.fixture
def world():
    """Two OPDs: dinkes with an editor and a terbuka and a tertutup dataset; dishub with an editor."""
    sysadmin = factories.Sysadmin()
    people = {role: factories.User() for role in ("dinkes_editor", "dishub_editor")}
    dinkes = factories.Organization(
        name="dinkes", users=[{"name": people["dinkes_editor"]["name"], "capacity": "editor"}]
    )
    factories.Organization(
        name="dishub", users=[{"name": people["dishub_editor"]["name"], "capacity": "editor"}]
    )
    context = {"user": sysadmin["name"]}
    terbuka = helpers.call_action(
        "package_create", context=context, **valid_dataset(dinkes["id"], name="terbuka")
    )
    tertutup = helpers.call_action(
        "package_create",
        context=context,
        **valid_dataset(dinkes["id"], name="rahasia-tertutup", klasifikasi="tertutup", satuan=""),
    )
    return {"sysadmin": sysadmin, "people": people, "terbuka": terbuka, "tertutup": tertutup}


def _allowed(action: str, user: dict | None, **data) -> bool:
    try:
        helpers.call_auth(action, {"user": user["name"] if user else None}, **data)
    except tk.NotAuthorized:
        return False
    return True


def test_who_may_read_scores_and_the_report(app, world):
    people, sysadmin = world["people"], world["sysadmin"]
    dinkes, dishub = people["dinkes_editor"], people["dishub_editor"]
    tertutup = world["tertutup"]["name"]

    # a score is for whoever may see the dataset: the public one for everybody, the tertutup one for its OPD
    for user in (None, dishub, dinkes, sysadmin):
        assert _allowed("tangerang_quality_show", user, id="terbuka")
    assert [_allowed("tangerang_quality_show", u, id=tertutup) for u in (None, dishub, dinkes, sysadmin)] == [
        False,
        False,
        True,
        True,
    ]
    # over HTTP an outsider learns nothing: the tertutup dataset is not found, as one that does not exist
    for user in (None, dishub):
        headers = {"Authorization": factories.APIToken(user=user["name"])["token"]} if user else {}
        for name in (tertutup, "tidak-ada"):
            answer = app.get(
                "/api/3/action/tangerang_quality_show", params={"id": name}, headers=headers, status=404
            )
            assert (
                answer.json["error"]["message"] == "Not found: Dataset tidak ditemukan. / Dataset not found."
            )
            assert "rahasia" not in answer.body

    # the report is for stewards of the OPD asked for; anonymous users and other OPDs are refused
    assert not _allowed("tangerang_quality_report", None)
    assert not _allowed("tangerang_quality_report", dinkes, owner_org="dishub")
    anonymous = app.get("/api/3/action/tangerang_quality_report", status=403).json
    assert "Masuk sebagai pengelola data" in anonymous["error"]["message"]
    headers = {"Authorization": factories.APIToken(user=dishub["name"])["token"]}
    app.get(
        "/api/3/action/tangerang_quality_report", params={"owner_org": "dinkes"}, headers=headers, status=403
    )

    # each steward's report holds their OPD's datasets only, tertutup included; the walidata's every OPD's
    own = helpers.call_action("tangerang_quality_report", context={"user": dinkes["name"]})
    assert own["count"] == 2
    assert [d["name"] for d in own["lowest"]] == [tertutup, "terbuka"]  # no unit: lower
    assert own["lowest"][0]["advice"]["id"]
    assert sum(b["count"] for b in own["distribution"]) == 2
    scores = [helpers.call_action("tangerang_quality_show", id=n)["score"] for n in (tertutup, "terbuka")]
    assert own["mean"] == sum(scores) / 2
    other = app.get("/api/3/action/tangerang_quality_report", headers=headers).json["result"]
    assert (other["count"], other["lowest"], other["mean"]) == (0, [], None)
    assert (
        helpers.call_action("tangerang_quality_report", context={"user": sysadmin["name"]}, rows=1)["lowest"]
        == own["lowest"][:1]
    )

    # the dashboard tab shows each steward their OPD's scores (in Indonesian), and refuses outsiders
    def page(url: str, user: dict | None, status: int = 200) -> str:
        headers = {"Authorization": factories.APIToken(user=user["name"])["token"]} if user else {}
        return app.get(url, headers=headers, status=status).body

    page("/dasbor/kualitas", None, status=403)
    assert "rahasia" not in page("/dasbor/kualitas?owner_org=dinkes", dishub, status=403)
    tab = page("/dasbor/kualitas", dinkes)
    assert "Kualitas dataset" in tab and f'href="/dataset/{tertutup}"' in tab
    assert "Skor rata-rata:" in tab and "dari 100 atas 2 dataset." in tab
    assert own["lowest"][0]["advice"]["id"] in tab
    assert "Belum ada dataset Anda yang memiliki skor kualitas." in page("/dasbor/kualitas", dishub)
    # the dataset page shows its quality panel to those who may edit it, and to nobody else
    assert "Skor kualitas" in page("/dataset/terbuka", dinkes) and "Bagian" in page(
        "/dataset/terbuka", dinkes
    )
    for user in (None, dishub):
        assert "tangerang-kualitas" not in page("/dataset/terbuka", user)


def test_a_refresh_passes_over_a_dataset_the_index_still_holds_but_the_database_does_not():
    """A stale index (a dataset purged while Solr was away) made the daily refresh stop at CKAN's rebuild."""
    from ckanext.tangerang.logic import quality

    org, context = factories.Organization(), {"user": factories.Sysadmin()["name"]}
    kept = helpers.call_action(
        "package_create", context=dict(context), **valid_dataset(org["id"], name="tetap")
    )
    stale = helpers.call_action(
        "package_create", context=dict(context), **valid_dataset(org["id"], name="basi")
    )
    # Gone from the database behind the index's back: the index still says active.
    model.Session.query(model.Package).filter_by(id=stale["id"]).update({"state": "deleted"})
    model.Session.commit()
    result = quality.refresh(as_of=dt.date(2099, 1, 1))  # everything late: every score changes
    assert result["datasets"] == 2
    assert result["changed"] == 1
    assert _indexed(sort="name asc")[-1][0] == "tetap"
    assert kept["name"] == "tetap"
