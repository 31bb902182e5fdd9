"""The dashboard's harvest tab and a job's errors (logic/harvest_jobs.py, dashboard_harvest.py): holds recognised
in the messages the harvesters write, and the pages, the CSV and the actions through HTTP as real users."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from ckan import model
from ckan.tests import factories, helpers

from ckanext.tangerang.harvesters import linked, pii
from ckanext.tangerang.harvesters.base import Listing, deletion_hold_reason
from ckanext.tangerang.logic import harvest_jobs
from tests.helpers import valid_dataset


def _finding(column: str = "nik") -> pii.Finding:
    return pii.Finding(column=column, rule=next(iter(pii.RULE_LABELS)), rows=3)


class TestHolds:
    """The holds are read from the texts the harvesters write: built here by their own functions."""

    def test_deletions_held_and_how_many(self):
        shrink = deletion_hold_reason(12, 40, Listing(records=[], complete=True))
        incomplete = deletion_hold_reason(
            7, 40, Listing(records=[], complete=False, problems=["halaman 3 gagal"])
        )
        assert (harvest_jobs.hold_kind(shrink), harvest_jobs.held_deletions(shrink)) == ("deletions", 12)
        assert (harvest_jobs.hold_kind(incomplete), harvest_jobs.held_deletions(incomplete)) == (
            "deletions",
            7,
        )

    def test_records_held_for_personal_data(self):
        resource = {"name": "Daftar warga"}
        for message in (
            pii.describe([_finding()]),
            linked.found_message(resource, "https://x.go.id/w.csv", [_finding()]),
            linked.unreadable_message(resource, "https://x.go.id/w.csv", "timeout"),
            linked.individual_records_problem({"tingkat_penyajian": "individu", "klasifikasi": "terbuka"}),
        ):
            assert harvest_jobs.hold_kind(message) == "personal_data", message
            assert harvest_jobs.held_deletions(message) == 0

    def test_other_errors_hold_nothing(self):
        for message in ("Dataset tidak sah / Invalid dataset: title: Missing value", "12 dari 40 baris"):
            assert harvest_jobs.hold_kind(message) is None
            assert harvest_jobs.held_deletions(message) == 0


# --- through HTTP --------------------------------------------------------------------------------------------

HELD_PERSONAL = pii.describe([_finding()])
FORMULA = '=HYPERLINK("http://evil.example","klik")'


def _source(sysadmin: dict, org: dict, name: str) -> dict:
    return helpers.call_action(
        "harvest_source_create",
        context={"user": sysadmin["name"]},
        name=name,
        title=f"Sumber {name}",
        url=f"http://127.0.0.1:1/{name}",
        source_type="tangerang_json_api",
        owner_org=org["id"],
        config=json.dumps({"fields": {"title": "judul"}}),
    )


def _job(source_id: str, created: dt.datetime, gather: list[str], objects: list[dict]) -> str:
    """A finished job with these gather errors and objects (``guid``, ``status``, ``package_id``, ``errors``:
    [(stage, message)])."""
    from ckanext.harvest.model import (
        HarvestGatherError,
        HarvestJob,
        HarvestObject,
        HarvestObjectError,
        HarvestObjectExtra,
    )

    job = HarvestJob(
        source_id=source_id,
        status="Finished",
        created=created,
        gather_started=created,
        finished=created + dt.timedelta(seconds=89),
    )
    model.Session.add(job)
    model.Session.flush()
    for message in gather:
        model.Session.add(HarvestGatherError(harvest_job_id=job.id, message=message))
    for item in objects:
        obj = HarvestObject(
            guid=f"{source_id}:{item['guid']}",
            job=job,
            source=job.source,
            package_id=item.get("package_id"),
            report_status=item["status"],
            extras=[HarvestObjectExtra(key="id_hulu", value=item["guid"])],
        )
        model.Session.add(obj)
        model.Session.flush()
        for stage, message in item.get("errors", []):
            model.Session.add(HarvestObjectError(harvest_object_id=obj.id, stage=stage, message=message))
    model.Session.commit()
    return job.id


@pytest.fixture
def harvests():
    """Dinkes (an admin, an editor) with a source whose last job holds 12 deletions and one record for personal
    data among 61 failed records; Dishub (an editor) with a source of its own; a citizen; a sysadmin."""
    sysadmin = factories.SysadminWithToken()
    people = {role: factories.UserWithToken() for role in ("admin", "editor", "other_editor", "citizen")}
    dinkes = factories.Organization(
        name="dinkes",
        title="Dinas Kesehatan",
        users=[{"name": people[role]["name"], "capacity": role} for role in ("admin", "editor")],
    )
    dishub = factories.Organization(
        name="dishub",
        title="Dinas Perhubungan",
        users=[{"name": people["other_editor"]["name"], "capacity": "editor"}],
    )
    context = {"user": sysadmin["name"]}
    own = helpers.call_action(
        "package_create",
        context=dict(context),
        **valid_dataset(dinkes["id"], name="kunjungan", title="Kunjungan Puskesmas"),
    )
    hidden = helpers.call_action(
        "package_create",
        context=dict(context),
        **valid_dataset(dishub["id"], name="rahasia-dishub", title="Rahasia Dishub", klasifikasi="tertutup"),
    )
    source = _source(sysadmin, dinkes, "simpus")
    other = _source(sysadmin, dishub, "siap-dishub")
    now = dt.datetime(2026, 11, 30, 3, 0, 0)
    _job(
        source["id"],
        now - dt.timedelta(days=1),
        ["kemarin / yesterday"],
        [{"guid": "old", "status": "added"}],
    )
    objects = [
        {"guid": "r-own", "status": "updated", "package_id": own["id"], "errors": [("Import", FORMULA)]}
    ]
    objects.append(
        {"guid": "r-hidden", "status": "errored", "package_id": hidden["id"], "errors": [("Import", "x")]}
    )
    objects.append({"guid": "r-pribadi", "status": "errored", "errors": [("Fetch", HELD_PERSONAL)]})
    objects += [
        {"guid": f"r-{i:03d}", "status": "errored", "errors": [("Import", f"Nilai tidak sah {i}")]}
        for i in range(58)
    ]
    objects += [{"guid": f"ok-{i}", "status": "added"} for i in range(3)]
    shrink = deletion_hold_reason(12, 40, Listing(records=[], complete=True))
    job = _job(source["id"], now, [shrink], objects)
    other_job = _job(other["id"], now, [], [{"guid": "d1", "status": "added"}])
    return {
        **people,
        "sysadmin": sysadmin,
        "source": source,
        "other": other,
        "job": job,
        "other_job": other_job,
        "own": own,
    }


def _get(app, url, user=None, status=200):
    return app.get(url, headers={"Authorization": user["token"]} if user else {}, status=status)


def _api(app, action, user=None, status=200, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return _get(app, f"/api/3/action/{action}?{query}", user, status).json


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_outsiders_are_refused_everywhere(app, harvests):
    job = harvests["job"]
    pages = ["/dasbor/panen", f"/dasbor/panen/{job}", f"/dasbor/panen/{job}/galat.csv"]
    for page in pages:
        assert "Masuk sebagai pengelola data" in _get(app, page, status=403).body
        _get(app, page, harvests["citizen"], status=403)
    for page in [*pages[1:], "/dasbor/panen/tidak-ada", "/dasbor/panen/tidak-ada/galat.csv"]:
        body = _get(app, page, harvests["other_editor"], status=403).body
        assert "pengelola data OPD pemilik sumbernya" in body
        assert "simpus" not in body.lower()
    for who in (None, "citizen"):
        user = harvests[who] if who else None
        assert _api(app, "tangerang_harvest_overview", user, status=403)["success"] is False
        assert _api(app, "tangerang_harvest_job_errors", user, status=403, id=job)["success"] is False
    answer = _api(app, "tangerang_harvest_job_errors", harvests["other_editor"], status=403, id=job)
    assert "Sumber simpus" not in json.dumps(answer)
    # The other OPD's editor sees their own source only.
    body = _get(app, "/dasbor/panen", harvests["other_editor"]).body
    assert "Sumber siap-dishub" in body and "Sumber simpus" not in body
    sources = _api(app, "tangerang_harvest_overview", harvests["other_editor"])["result"]["sources"]
    assert [s["name"] for s in sources] == ["siap-dishub"]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_an_opd_editor_reads_the_last_job_and_every_error(app, harvests):
    editor, job = harvests["editor"], harvests["job"]
    (row,) = _api(app, "tangerang_harvest_overview", editor)["result"]["sources"]
    assert row["job"] == job  # the last job, not yesterday's
    counts = {k: row[k] for k in ("added", "updated", "withdrawn", "held_deletions", "held_personal_data")}
    assert counts == {"added": 3, "updated": 1, "withdrawn": 0, "held_deletions": 12, "held_personal_data": 1}
    assert (row["errors"], row["object_errors"], row["gather_errors"], row["seconds"]) == (62, 61, 1, 89.0)

    tab = _get(app, "/dasbor/panen", editor).body
    assert "Sumber simpus" in tab and "Sumber siap-dishub" not in tab
    table = tab[tab.index('class="table table-striped tangerang-panen-table"') : tab.index("</table>")]
    assert "Selesai" in table and "89 dtk" in table and f"/dasbor/panen/{job}" in table

    first = _get(app, f"/dasbor/panen/{job}", editor).body
    rows = first[first.index("<tbody>") : first.index("</tbody>")]
    assert rows.count("<tr>") == 50
    assert "62 galat" in first and "halaman 1 dari 2" in first
    assert rows.index("melebihi ambang") < rows.index("r-000")  # gather errors first, then by record
    second = _get(app, f"/dasbor/panen/{job}?page=2", editor).body
    rows = second[second.index("<tbody>") : second.index("</tbody>")]
    assert rows.count("<tr>") == 12
    assert "<code" in rows and ">r-own</code>" in rows
    assert 'href="/dataset/kunjungan">Kunjungan Puskesmas</a>' in rows
    assert "Rahasia Dishub" not in first + second  # another OPD's tertutup dataset stays unnamed
    pribadi = _get(app, f"/dasbor/panen/{job}?tahap=Fetch", editor).body
    assert "1 galat" in pribadi and "Ditahan karena data pribadi" in pribadi and "r-pribadi" in pribadi
    found = _get(app, f"/dasbor/panen/{job}?q=TIDAK+SAH+5", editor).body
    assert "9 galat" in found  # "Nilai tidak sah 5" and "... 50" to "... 57"

    response = _get(app, f"/dasbor/panen/{job}/galat.csv", editor)
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.body.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(response.body.lstrip("\ufeff"))))
    assert lines[0] == ["Tahap", "ID di sumber", "GUID", "Dataset", "Alamat dataset", "Pesan", "Dicatat"]
    assert len(lines) == 63
    own = next(line for line in lines if line[1] == "r-own")
    assert own[3] == "Kunjungan Puskesmas" and own[4].endswith("/dataset/kunjungan")
    assert own[5] == "'" + FORMULA  # shown as text, never run as a formula
    assert not any("Rahasia Dishub" in line for line in lines)
    fetch_only = _get(app, f"/dasbor/panen/{job}/galat.csv?tahap=Fetch", editor).body
    assert len(list(csv.reader(io.StringIO(fetch_only)))) == 2

    # The walidata sees both OPDs' sources; the other OPD's job too.
    sources = _api(app, "tangerang_harvest_overview", harvests["sysadmin"])["result"]["sources"]
    assert [s["name"] for s in sources] == ["siap-dishub", "simpus"]
    _get(app, f"/dasbor/panen/{harvests['other_job']}", harvests["sysadmin"])
    _get(app, "/dasbor/panen/tidak-ada", harvests["sysadmin"], status=404)
