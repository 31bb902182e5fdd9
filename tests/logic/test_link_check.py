"""The link checker (logic/link_check.py): each kind of link against the sample upstream, checked through the real
CLI (`ckan tangerang links check`) and the background job; who may read the results and ask for a check, through
``call_auth`` and HTTP with real users."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import requests
from ckan.lib import jobs, uploader
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.harvesters.conftest import CKAN, ROOT
from tests.helpers import valid_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _dataset(org_id: str, sysadmin: dict, name: str, urls: list[str], **fields) -> dict:
    return helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        **valid_dataset(
            org_id,
            name=name,
            resources=[{"url": url, "name": f"r{i}"} for i, url in enumerate(urls)],
            **fields,
        ),
    )


def _upload(app, sysadmin: dict, package_id: str) -> dict:
    return app.post(
        "/api/action/resource_create",
        data={"package_id": package_id, "name": "Unggahan", "upload": (io.BytesIO(b"a,b\n1,2\n"), "x.csv")},
        headers={"Authorization": sysadmin["token"]},
        content_type="multipart/form-data",
    ).json["result"]


@pytest.fixture
def links_check(tmp_path):
    """`ckan tangerang links check` as the scheduler runs it, on test.ini with a narrower allow-list (localhost is
    off it) and a one-second timeout."""
    ini = tmp_path / "links.ini"
    ini.write_text(
        f"[app:main]\nuse = config:{ROOT / 'test.ini'}\n"
        "ckanext.tangerang.harvest.allowed_hosts = 127.0.0.1\nckanext.tangerang.links.timeout = 1\n"
    )

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, str(CKAN), "-c", str(ini), "tangerang", "links", "check", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    return run


def _results(user: dict, **filters) -> dict[str, dict]:
    answer = helpers.call_action("tangerang_link_check_list", context={"user": user["name"]}, **filters)
    assert answer["count"] == len(answer["results"])
    return {row["resource_id"]: row for row in answer["results"]}


def test_each_kind_of_link_gets_its_status_through_the_cli(app, links_check, upstream, control):
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization()
    port = urlsplit(upstream).port
    # HEAD is never faulted by the sample upstream: the hang hits the GET that follows the refused HEAD.
    control.fault("/files/tanpa-head/dataset-sampel-00005", "hang", seconds=4)
    dataset = _dataset(
        org["id"],
        sysadmin,
        "tautan-uji",
        [
            f"{upstream}/files/dataset-sampel-00001.csv",
            f"{upstream}/files/tidak-ada.csv",
            f"{upstream}/files/tanpa-head/dataset-sampel-00003.csv",
            f"http://localhost:{port}/files/dataset-sampel-00004.csv",
            f"{upstream}/files/tanpa-head/dataset-sampel-00005.csv",
        ],
    )
    present = _upload(app, sysadmin, dataset["id"])
    missing = _upload(app, sysadmin, dataset["id"])
    os.remove(uploader.get_resource_uploader(missing).get_path(missing["id"]))
    ok, broken, head_refused, outside, hanging = (r["id"] for r in dataset["resources"])

    assert "links checked: 7" in links_check("--dataset", "tautan-uji")

    rows = _results(sysadmin, package="tautan-uji")
    got = {rid: (row["status"], row["http_status"]) for rid, row in rows.items()}
    assert got == {
        ok: ("ok", 200),
        broken: ("broken", 404),
        head_refused: ("ok", 200),
        outside: ("not_allowed", None),
        hanging: ("unreachable", None),
        present["id"]: ("ok", None),
        missing["id"]: ("broken", None),
    }
    assert "daftar izin" in rows[outside]["error"]
    assert "Waktu tunggu 1 s habis" in rows[hanging]["error"]
    assert "Berkas unggahan tidak ada" in rows[missing["id"]]["error"]
    assert rows[broken]["failures"] == 1 and rows[ok]["failures"] == 0
    seen = requests.get(f"{upstream}/_control/state", timeout=5).json()["requests"]
    asked = [(r["method"], r["path"], r["status"]) for r in seen]
    assert ("HEAD", "/files/tanpa-head/dataset-sampel-00003.csv", 405) in asked
    assert ("GET", "/files/tanpa-head/dataset-sampel-00003.csv", 200) in asked
    assert ("HEAD", "/files/dataset-sampel-00001.csv", 200) in asked
    assert not [path for _, path, _ in asked if "dataset-sampel-00004" in path], (
        "an address outside was fetched"
    )

    # Fresh results are not checked again; a forced run counts consecutive failures.
    assert "links checked: 0" in links_check("--dataset", "tautan-uji", "--older-than", "1")
    control.reset()
    links_check("--dataset", "tautan-uji")
    rows = _results(sysadmin, package="tautan-uji", status="broken")
    assert {rid: row["failures"] for rid, row in rows.items()} == {broken: 2, missing["id"]: 2}
    assert _results(sysadmin, package="tautan-uji")[hanging]["status"] == "ok"


@pytest.mark.usefixtures("clean_queues")
@pytest.mark.ckan_config("ckanext.tangerang.harvest.allowed_hosts", "127.0.0.1")
def test_results_are_for_the_owning_opd_and_checks_for_its_stewards(app, upstream, links_check):
    sysadmin = factories.SysadminWithToken()
    editor, reader, outsider, nobody = (factories.UserWithToken() for _ in range(4))
    org = factories.Organization(
        users=[{"name": editor["name"], "capacity": "editor"}, {"name": reader["name"], "capacity": "member"}]
    )
    other = factories.Organization(users=[{"name": outsider["name"], "capacity": "admin"}])
    dataset = _dataset(
        org["id"],
        sysadmin,
        "data-tertutup",
        [f"{upstream}/files/dataset-sampel-00007.csv", f"{upstream}/files/tidak-ada.csv"],
        klasifikasi="tertutup",
    )
    _dataset(other["id"], sysadmin, "data-lain", [f"{upstream}/files/dataset-sampel-00008.csv"])

    # Asking for a check: the dataset's editors, not a mere member, another OPD or an anonymous visitor.
    assert helpers.call_auth("tangerang_link_check_run", {"user": editor["name"]}, package=dataset["name"])
    assert helpers.call_auth("tangerang_link_check_run", {"user": editor["name"]}, organization=org["name"])
    for user, data in (
        (reader, {"package": dataset["name"]}),
        (outsider, {"package": dataset["name"]}),
        (outsider, {"organization": org["name"]}),
        (editor, {}),
        (None, {"package": dataset["name"]}),
    ):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_auth("tangerang_link_check_run", {"user": user["name"] if user else ""}, **data)

    # The steward's request becomes a job on the default queue, which the jobs worker runs.
    answer = app.post(
        "/api/action/tangerang_link_check_run",
        json={"package": dataset["name"]},
        headers={"Authorization": editor["token"]},
    ).json["result"]
    assert answer["resources"] == 2
    (job,) = jobs.get_queue().jobs
    assert job.id == answer["jobs"][0]
    assert job.perform() == {"ok": 1, "broken": 1, "unreachable": 0, "not_allowed": 0, "skipped": 0}
    helpers.call_action("tangerang_link_check_run", context={"user": sysadmin["name"]})
    jobs.get_queue().jobs[-1].perform()

    # The scheduler's nightly run queues no second copy of links that waiting jobs will check, then the rest.
    assert "links queued: 3 sumber daya / resources, 0 job" in links_check("--enqueue")
    jobs.get_queue().empty()
    assert "links queued: 3 sumber daya / resources, 1 job" in links_check("--enqueue")
    (nightly,) = jobs.get_queue().jobs
    assert sorted(nightly.args[0]) == sorted(
        r["id"]
        for name in ("data-tertutup", "data-lain")
        for r in helpers.call_action("package_show", id=name)["resources"]
    )

    def listed(user: dict | None) -> tuple[int, set[str]]:
        response = app.get(
            "/api/action/tangerang_link_check_list",
            headers={"Authorization": user["token"]} if user else {},
            status=None,
        )
        results = response.json["result"]["results"] if response.status_code == 200 else []
        return response.status_code, {row["package_name"] for row in results}

    assert listed(sysadmin) == (200, {"data-tertutup", "data-lain"})
    assert listed(editor) == (200, {"data-tertutup"})
    assert listed(reader) == (403, set())  # a plain member steers nothing (the one steward rule)
    assert listed(outsider) == (200, {"data-lain"})
    assert listed(nobody) == (403, set())
    assert listed(None) == (403, set())
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("tangerang_link_check_list", {"user": nobody["name"]})
    # Another OPD asking for this dataset by name learns nothing about it.
    outside_view = app.get(
        "/api/action/tangerang_link_check_list",
        query_string={"package": "data-tertutup"},
        headers={"Authorization": outsider["token"]},
    ).json["result"]
    assert outside_view == {"count": 0, "results": []}
    with pytest.raises(tk.ValidationError):
        helpers.call_action("tangerang_link_check_list", context={"user": sysadmin["name"]}, status="rusak")
