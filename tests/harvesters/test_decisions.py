"""Stewards' decisions on harvest holds, through the real pipeline: a deletion held by the shrink guard released or
rejected, and records held for personal data published tertutup, not published, or published without the flagged
columns, each as decided and each decision in the audit trail."""

from __future__ import annotations

import re

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories, helpers

from .conftest import create_source, datasets_of, run_jobs
from .test_pipeline import RAW_TABLE_CONFIG, _stored_file, laksa_source

pytestmark = [pytest.mark.usefixtures("with_plugins")]


def holds(user, **filters):
    return helpers.call_action("tangerang_harvest_hold_list", context={"user": user}, **filters)["holds"]


def decide(user, hold, choice, note):
    return helpers.call_action(
        "tangerang_harvest_decision", context={"user": user}, id=hold["id"], choice=choice, note=note
    )


def test_deletions_and_linked_personal_data_as_decided(harvest_env, upstream, control):
    env = harvest_env
    editor = factories.User()
    helpers.call_action(
        "organization_member_create",
        context={"user": env["user"]},
        id=env["org"]["id"],
        username=editor["name"],
        role="editor",
    )
    source = laksa_source(env, upstream)
    first = run_jobs(env, source["id"])
    assert first["stats"] == {"added": 16, "errored": 2}, first

    # The two raw LAKSA records (individu + terbuka) are held; leaving out columns cannot help them.
    raw = {h["upstream_id"]: h for h in holds(editor["name"])}
    assert len(raw) == 2 and {h["kind"] for h in raw.values()} == {"data_pribadi"}
    assert all(h["choices"] == ["tertutup", "tolak"] and "individu" in h["causes"] for h in raw.values())
    closed_id, rejected_id = sorted(raw)
    with pytest.raises(tk.ValidationError):
        decide(editor["name"], raw[closed_id], "drop", "")
    decide(editor["name"], raw[closed_id], "tertutup", "Hanya untuk petugas")
    decide(env["user"], raw[rejected_id], "tolak", "Data mentah")
    with pytest.raises(tk.ValidationError):  # decided once
        decide(env["user"], raw[rejected_id], "tertutup", "")

    second = run_jobs(env, source["id"])
    assert second["stats"] == {"added": 1, "not modified": 17}, second
    assert second["object_errors"] == []
    published = datasets_of(env, "laksa-api")
    assert published[closed_id]["klasifikasi"] == "tertutup" and published[closed_id]["private"] is True
    assert "keputusan walidata" in published[closed_id]["catatan_data_pribadi"]
    assert rejected_id not in datasets_of(env, "laksa-api", include_deleted=True)
    assert run_jobs(env, source["id"])["stats"] == {"not modified": 18}
    assert holds(env["user"]) == []

    # A shrink beyond the guard: held, then released: exactly those datasets go.
    gone = sorted(k for k in published if k != closed_id)[:6]
    control.change(remove=gone)
    held = run_jobs(env, source["id"])
    assert any("deletions held" in e for e in held["gather_errors"]), held
    assert "deleted" not in held["stats"]
    (deletion,) = holds(editor["name"], kind="penghapusan")
    assert sorted(i["upstream_id"] for i in deletion["items"]) == gone
    assert {i["package_id"] for i in deletion["items"]} == {published[k]["id"] for k in gone}
    assert run_jobs(env, source["id"])["gather_errors"]  # held again, the same hold still open
    assert [h["id"] for h in holds(editor["name"], kind="penghapusan")] == [deletion["id"]]
    decide(editor["name"], deletion, "lepas", "Sudah dicabut di LAKSA")
    released = run_jobs(env, source["id"])
    assert released["stats"] == {"deleted": 6, "not modified": 12}, released
    assert released["gather_errors"] == []
    everything = datasets_of(env, "laksa-api", include_deleted=True)
    assert {k for k, d in everything.items() if d["state"] == "deleted"} == set(gone)

    # They come back, then disappear again: a new hold, rejected: they stay, and are not held again.
    control.reset("changes")
    assert run_jobs(env, source["id"])["stats"] == {"updated": 6, "not modified": 12}
    control.change(remove=gone)
    assert run_jobs(env, source["id"])["gather_errors"]
    (second_deletion,) = holds(env["user"], kind="penghapusan")
    assert second_deletion["id"] != deletion["id"]
    decide(env["user"], second_deletion, "tolak", "Sumber sedang bermasalah")
    for _ in range(2):
        kept = run_jobs(env, source["id"])
        assert kept["gather_errors"] == [] and "deleted" not in kept["stats"], kept
    assert set(gone) <= set(datasets_of(env, "laksa-api"))
    assert holds(env["user"]) == []

    trail = helpers.call_action("tangerang_harvest_decision_list", context={"user": editor["name"]})
    assert [(d["choice"], d["user"]["name"], d["note"]) for d in trail["decisions"]] == [
        ("tolak", env["user"], "Sumber sedang bermasalah"),
        ("lepas", editor["name"], "Sudah dicabut di LAKSA"),
        ("tolak", env["user"], "Data mentah"),
        ("tertutup", editor["name"], "Hanya untuk petugas"),
    ]
    assert sorted(i["upstream_id"] for i in trail["decisions"][1]["hold"]["items"]) == gone


def test_a_table_held_for_personal_data_published_without_the_columns(harvest_env, upstream):
    env = harvest_env
    source = create_source(
        env,
        "laksa-mentah",
        f"{upstream}/apps/laksa/api/pengaduan-mentah",
        "tangerang_json_api",
        RAW_TABLE_CONFIG,
    )
    assert run_jobs(env, source["id"])["stats"] == {"errored": 1}
    (hold,) = holds(env["user"])
    assert (hold["kind"], hold["title"], hold["causes"]) == (
        "data_pribadi",
        "Pengaduan LAKSA 2025",
        ["tabel"],
    )
    assert hold["choices"] == ["drop", "aggregate", "tertutup", "tolak"]
    flagged = {f["column"] for f in hold["findings"]}
    assert {"nik", "telepon", "email", "nama_pelapor", "alamat"} <= flagged
    assert not re.search(r"\b3671\d{12}\b", str(hold))  # columns and rules, never values
    decide(env["user"], hold, "drop", "Kolom identitas dibuang")

    report = run_jobs(env, source["id"])
    assert report["stats"] == {"added": 1} and report["object_errors"] == [], report
    (dataset,) = datasets_of(env, "laksa-mentah").values()
    assert dataset["klasifikasi"] == "terbuka"
    (resource,) = dataset["resources"]
    header = _stored_file(resource).decode("utf-8").splitlines()[0].split(",")
    assert header and not flagged & set(header)
    assert holds(env["user"]) == []
    (decision,) = helpers.call_action("tangerang_harvest_decision_list", context={"user": env["user"]})[
        "decisions"
    ]
    assert (decision["choice"], decision["hold"]["id"]) == ("drop", hold["id"])
