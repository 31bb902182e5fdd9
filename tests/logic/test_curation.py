"""Bulk curation (``tangerang_bulk_update``) with real users through HTTP and call_auth: an OPD's editor changes
their OPD's datasets only and learns nothing of another OPD's tertutup one, the walidata changes any OPD's, a bad
value is the schema's field error and changes nothing, and a change of access class says what visitors gain or
lose before it is applied."""

from __future__ import annotations

import pytest
from ckan import model
from ckan.lib import search
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.tangerang.logic import curation
from ckanext.tangerang.logic.visibility import NOT_FOUND
from tests.helpers import valid_dataset
from tests.theme import visible_text

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def world():
    """dinkes: an editor and a plain member, two terbuka datasets (one with two resources). dishub: an editor, a
    terbuka dataset and a tertutup one."""
    people = {role: factories.UserWithToken() for role in ("dinkes_editor", "dinkes_member", "dishub_editor")}
    sysadmin = factories.SysadminWithToken()
    orgs = {
        "dinkes": factories.Organization(
            name="dinkes",
            users=[
                {"name": people["dinkes_editor"]["name"], "capacity": "editor"},
                {"name": people["dinkes_member"]["name"], "capacity": "member"},
            ],
        ),
        "dishub": factories.Organization(
            name="dishub", users=[{"name": people["dishub_editor"]["name"], "capacity": "editor"}]
        ),
    }
    datasets = {}
    for name, org, klasifikasi, resources in (
        ("kunjungan-puskesmas", "dinkes", "terbuka", ["Kunjungan 2024", "Kunjungan 2025"]),
        ("stok-obat", "dinkes", "terbuka", []),
        ("trayek-angkot", "dishub", "terbuka", []),
        ("rencana-trayek-rahasia", "dishub", "tertutup", ["Rencana"]),
    ):
        datasets[name] = helpers.call_action(
            "package_create",
            context={"user": sysadmin["name"]},
            **valid_dataset(
                orgs[org]["id"],
                name=name,
                title=f"Judul {name}",
                klasifikasi=klasifikasi,
                tags=[{"name": "kesehatan"}],
                resources=[
                    {"name": r, "url": f"https://data.example.go.id/{name}/{i}.csv"}
                    for i, r in enumerate(resources)
                ],
            ),
        )
    return {"people": people, "sysadmin": sysadmin, "orgs": orgs, "datasets": datasets}


def _bulk(app, user, status=200, **data):
    headers = {"Authorization": user["token"]} if user else {}
    return app.post("/api/3/action/tangerang_bulk_update", json=data, headers=headers, status=status).json


def _show(name):
    return helpers.call_action("package_show", id=name)


def test_an_opd_editor_changes_their_opds_datasets_only(app, world):
    people, datasets = world["people"], world["datasets"]
    hidden = datasets["rencana-trayek-rahasia"]
    asked = ["kunjungan-puskesmas", datasets["stok-obat"]["id"], "trayek-angkot", hidden["name"], "tidak-ada"]

    # refused to anonymous callers (with the reason) and to a plain member, by call_auth and through HTTP
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("tangerang_bulk_update", {"user": None})
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("tangerang_bulk_update", {"user": people["dinkes_member"]["name"]})
    assert helpers.call_auth("tangerang_bulk_update", {"user": people["dinkes_editor"]["name"]})
    anonymous = _bulk(app, None, status=403, datasets=asked, field="sektor", value="1.02", dry_run=True)
    assert "Masuk sebagai pengelola data" in anonymous["error"]["message"]
    _bulk(app, people["dinkes_member"], status=403, datasets=asked, field="sektor", value="1.02")
    assert _show("stok-obat")["sektor"] == "2.12"

    # the preview: old and new values of their own datasets; another OPD's terbuka dataset is refused, its
    # tertutup one answers exactly as a dataset that does not exist, and the answer names nothing of it
    preview = _bulk(app, people["dinkes_editor"], datasets=asked, field="sektor", value="1.02", dry_run=True)
    result = preview["result"]
    lines = {line["requested"]: line for line in result["datasets"]}
    assert [line["requested"] for line in result["datasets"]] == asked
    own = lines["kunjungan-puskesmas"]
    assert own["outcome"] == "allowed" and own["organization"] == "dinkes"
    assert (own["old"], own["new"]) == ("2.12", "1.02")
    assert lines[datasets["stok-obat"]["id"]]["name"] == "stok-obat"
    assert lines["trayek-angkot"]["outcome"] == "refused"
    assert lines["trayek-angkot"]["message"] == curation.NOT_YOURS
    missing = {"outcome": "not_found", "message": NOT_FOUND}
    assert lines[hidden["name"]] == {"requested": hidden["name"], **missing}
    assert lines["tidak-ada"] == {"requested": "tidak-ada", **missing}
    for secret in (hidden["id"], hidden["title"], hidden["resources"][0]["id"], "Rencana"):
        assert secret not in str(preview)
    assert result["counts"] == {"allowed": 2, "refused": 1, "not_found": 2}
    assert _show("kunjungan-puskesmas")["sektor"] == "2.12"  # a preview changes nothing

    # the tertutup dataset by its id: the same answer as a missing one
    by_id = _bulk(app, people["dinkes_editor"], datasets=[hidden["id"]], field="sektor", value="1.02")[
        "result"
    ]
    assert by_id["datasets"] == [{"requested": hidden["id"], **missing}]

    # applied: the editor's own datasets change, each with its activity by the editor; the others do not
    applied = _bulk(app, people["dinkes_editor"], datasets=asked, field="sektor", value="1.02")["result"]
    assert applied["dry_run"] is False
    assert applied["counts"] == {"updated": 2, "refused": 1, "not_found": 2}
    assert applied["note"] == curation.PARTIAL_NOTE
    for name in ("kunjungan-puskesmas", "stok-obat"):
        assert _show(name)["sektor"] == "1.02"
        latest = helpers.call_action("package_activity_list", id=name, include_data=True)[0]
        assert latest["activity_type"] == "changed package"
        assert latest["user_id"] == people["dinkes_editor"]["id"]
        assert latest["data"]["package"]["sektor"] == "1.02"
    assert _show("trayek-angkot")["sektor"] == "2.12"
    assert helpers.call_action("package_show", id=hidden["id"])["sektor"] == "2.12"

    # tags are added and removed per dataset
    _bulk(
        app,
        people["dinkes_editor"],
        datasets=["stok-obat"],
        field="tags",
        value="obat, air bersih",
        operation="add",
    )
    assert sorted(t["name"] for t in _show("stok-obat")["tags"]) == ["air bersih", "kesehatan", "obat"]
    removed = _bulk(
        app,
        people["dinkes_editor"],
        datasets=["stok-obat"],
        field="tags",
        value=["kesehatan"],
        operation="remove",
    )["result"]["datasets"][0]
    assert (removed["old"], removed["new"]) == (["air bersih", "kesehatan", "obat"], ["air bersih", "obat"])
    assert sorted(t["name"] for t in _show("stok-obat")["tags"]) == ["air bersih", "obat"]


def test_the_walidata_changes_any_opd_and_sees_what_visitors_gain_or_lose(app, world):
    sysadmin, datasets = world["sysadmin"], world["datasets"]
    both = ["kunjungan-puskesmas", "trayek-angkot"]

    # an invalid value: the schema's field error, in both languages, per dataset; nothing changes
    for dry_run in (True, False):
        answer = _bulk(app, sysadmin, datasets=both, field="frekuensi", value="", dry_run=dry_run)["result"]
        for line in answer["datasets"]:
            assert line["outcome"] == ("invalid" if dry_run else "failed")
            assert line["errors"] == {"frekuensi": ["Wajib diisi / Missing value"]}
    assert {_show(n)["frekuensi"] for n in both} == {"tahunan"}
    unknown = _bulk(app, sysadmin, datasets=both, field="klasifikasi", value="publik")["result"]
    assert {line["outcome"] for line in unknown["datasets"]} == {"failed"}
    assert all("klasifikasi" in line["errors"] for line in unknown["datasets"])
    bad_request = _bulk(app, sysadmin, status=409, datasets=[], field="judul", value="x")["error"]
    assert bad_request["datasets"] == ["Pilih paling sedikit satu dataset. / Choose at least one dataset."]
    assert "Pilih salah satu" in bad_request["field"][0]
    too_many = [f"d{i}" for i in range(curation.MAX_DATASETS + 1)]
    bounded = _bulk(app, sysadmin, status=409, datasets=too_many, field="tags", value="x")["error"]
    assert bounded["datasets"] == ["Paling banyak 200 dataset sekaligus. / At most 200 datasets at a time."]
    assert bounded["operation"] == ["Pilih add atau remove. / Choose add or remove."]

    # the preview of a change of access class says what visitors outside the OPD gain and lose, per dataset
    closing = _bulk(app, sysadmin, datasets=both, field="klasifikasi", value="tertutup", dry_run=True)[
        "result"
    ]
    first = closing["datasets"][0]
    assert first["visitors"] == {
        "gain": [],
        "lose": ["metadata", "data"],
        "resources": [
            {"id": r["id"], "name": r["name"]} for r in datasets["kunjungan-puskesmas"]["resources"]
        ],
    }
    assert closing["visitors_lose"] == both and closing["visitors_gain"] == []
    limiting = _bulk(app, sysadmin, datasets=both, field="klasifikasi", value="terbatas", dry_run=True)[
        "result"
    ]
    assert [line["visitors"]["lose"] for line in limiting["datasets"]] == [["data"], ["data"]]
    opening = _bulk(
        app, sysadmin, datasets=["rencana-trayek-rahasia"], field="klasifikasi", value="terbuka", dry_run=True
    )["result"]
    assert opening["datasets"][0]["visitors"]["gain"] == ["metadata", "data"]
    assert opening["visitors_gain"] == ["rencana-trayek-rahasia"]
    assert _show("rencana-trayek-rahasia")["private"] is True

    # applied across OPDs: the class and CKAN's private flag follow, one activity by the walidata each
    applied = _bulk(app, sysadmin, datasets=both, field="klasifikasi", value="tertutup")["result"]
    assert applied["counts"] == {"updated": 2}
    for name in both:
        shown = _show(name)
        assert (shown["klasifikasi"], shown["private"]) == ("tertutup", True)
        latest = helpers.call_action("package_activity_list", context={"user": sysadmin["name"]}, id=name)[0]
        assert (latest["activity_type"], latest["user_id"]) == ("changed package", sysadmin["id"])
    assert app.get("/dataset/kunjungan-puskesmas", status=404)
    licence = _bulk(app, sysadmin, datasets=both, field="license_id", value="odc-odbl")["result"]
    assert licence["counts"] == {"updated": 2}
    assert {_show(n)["license_id"] for n in both} == {"odc-odbl"}

    # a dataset stored before a rule of the schema fails on its own; the others in the same request still change
    stale = model.Package.get("trayek-angkot")
    stale.extras = {**stale.extras, "frekuensi": "sewindu"}
    model.Session.commit()
    search.rebuild(stale.id)
    for dry_run, outcomes in ((True, ["allowed", "invalid"]), (False, ["updated", "failed"])):
        mixed = _bulk(app, sysadmin, datasets=both, field="license_id", value="cc-zero", dry_run=dry_run)[
            "result"
        ]
        assert [line["outcome"] for line in mixed["datasets"]] == outcomes
        assert "frekuensi" in mixed["datasets"][1]["errors"]
        assert mixed["datasets"][1]["message"].startswith("frekuensi: ")
    assert [_show(n)["license_id"] for n in both] == ["cc-zero", "odc-odbl"]


def test_the_kurasi_tab_searches_previews_and_applies_with_plain_forms(app, world):
    people, datasets = world["people"], world["datasets"]
    editor = {"Authorization": people["dinkes_editor"]["token"]}
    hidden = datasets["rencana-trayek-rahasia"]
    app.get("/dasbor/kurasi", status=403)
    app.post("/dasbor/kurasi/pratinjau", data={"dataset": hidden["id"], "field": "sektor"}, status=403)

    # the search: the editor's OPD only, filtered by the schema's choices; nonsense filters are ignored
    page = app.get("/dasbor/kurasi", headers=editor).body
    assert "Judul kunjungan-puskesmas" in page and "Judul stok-obat" in page
    assert "trayek" not in page
    filtered = app.get("/dasbor/kurasi?q=stok&klasifikasi=terbuka&sektor=x", headers=editor).body
    assert "Judul stok-obat" in filtered and "Judul kunjungan-puskesmas" not in filtered
    assert (
        "trayek" not in app.get("/dasbor/kurasi?owner_org=dishub", headers=editor).body
    )  # not theirs: ignored
    walidata = {"Authorization": world["sysadmin"]["token"]}
    across = app.get("/dasbor/kurasi?owner_org=dishub", headers=walidata).body
    assert "Judul trayek-angkot" in across and "Judul rencana-trayek-rahasia" in across
    assert "Judul stok-obat" not in across

    # the preview of a class change, chosen with "all on this page" and another OPD's tertutup dataset
    form = {
        "on_page": [datasets["kunjungan-puskesmas"]["id"], datasets["stok-obat"]["id"]],
        "all_on_page": "1",
        "dataset": [hidden["id"]],
        "field": "klasifikasi",
        "value_klasifikasi": "terbatas",
        "value_sektor": "1.01",
    }
    preview = app.post("/dasbor/kurasi/pratinjau", data=form, headers=editor).body
    assert preview.count("kurasi-outcome-allowed") == 2 and "kurasi-outcome-not_found" in preview
    assert (
        "Kunjungan 2024" in preview and "Kunjungan 2025" in preview
    )  # the resources whose files are withheld
    assert hidden["title"] not in preview and "Rencana" not in preview
    assert _show("kunjungan-puskesmas")["klasifikasi"] == "terbuka"
    assert preview.count('name="dataset"') == 2 and 'id="kurasi-terapkan"' in preview
    assert visible_text.untranslated(preview) == []

    # applied from the preview's own form: the two datasets change
    apply = {"dataset": form["on_page"], "field": "klasifikasi", "value_klasifikasi": "terbatas"}
    result = app.post("/dasbor/kurasi/terapkan", data=apply, headers=editor).body
    assert result.count("kurasi-outcome-updated") == 2
    assert visible_text.untranslated(result) == []
    assert {_show(n)["klasifikasi"] for n in ("kunjungan-puskesmas", "stok-obat")} == {"terbatas"}

    # a request without datasets says so on the page
    empty = app.post("/dasbor/kurasi/pratinjau", data={"field": "sektor"}, headers=editor).body
    assert "Pilih paling sedikit satu dataset" in empty
