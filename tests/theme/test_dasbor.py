"""The stewards' dashboard through HTTP with real users: the overview, the overdue and broken-link tabs and their
"check again" button (dashboard.py), and the link checker's result on the dataset and resource pages. Anonymous
visitors and users of no OPD are refused; an OPD's editor sees their OPD's, the walidata every OPD's; nothing of
another OPD's tertutup datasets reaches anyone else. Time is frozen through ``as_of``."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.dates import format_date
from ckan import model
from ckan.lib import jobs
from ckan.tests import factories, helpers

from ckanext.tangerang.logic import link_check
from tests.helpers import valid_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

PAGES = ("/dasbor/", "/dasbor/terlambat", "/dasbor/tautan")


@pytest.fixture
def world():
    """Diskominfo (an editor) with two daily datasets, one tertutup, whose links are broken (HTTP 404) and
    unreachable, and a reachable one; Dinkes (an editor) with a tertutup daily dataset whose link is broken; a
    user of no OPD and the walidata (a sysadmin)."""
    sysadmin = factories.SysadminWithToken()
    kominfo_editor, dinkes_editor, citizen = (factories.UserWithToken() for _ in range(3))
    kominfo = factories.Organization(
        name="diskominfo", users=[{"name": kominfo_editor["name"], "capacity": "editor"}]
    )
    dinkes = factories.Organization(
        name="dinkes", users=[{"name": dinkes_editor["name"], "capacity": "editor"}]
    )
    datasets = {}
    for name, org, klasifikasi, resources in (
        ("jadwal-kominfo-harian", kominfo, "terbuka", ["Berkas hilang", "Berkas baik"]),
        ("rahasia-kominfo-harian", kominfo, "tertutup", ["Server mati"]),
        ("rahasia-dinkes-harian", dinkes, "tertutup", ["Berkas dinkes hilang"]),
    ):
        datasets[name] = helpers.call_action(
            "package_create",
            context={"user": sysadmin["name"]},
            **valid_dataset(
                org["id"],
                name=name,
                title=name.replace("-", " ").title(),
                klasifikasi=klasifikasi,
                frekuensi="harian",
                resources=[
                    {"url": f"https://data.example.go.id/{name}/{i}.csv", "name": n}
                    for i, n in enumerate(resources)
                ],
            ),
        )
    results = {
        "Berkas hilang": link_check.Result("broken", http_status=404, error="HTTP 404 / HTTP 404"),
        "Berkas baik": link_check.Result("ok", http_status=200),
        "Server mati": link_check.Result(
            "unreachable", error="Waktu tunggu 10 s habis / Timed out after 10 s"
        ),
        "Berkas dinkes hilang": link_check.Result("broken", http_status=410, error="HTTP 410 / HTTP 410"),
    }
    for dataset in datasets.values():
        for resource in dataset["resources"]:
            target = link_check.Target(resource["id"], dataset["id"], resource["url"], upload=False)
            link_check.store(target, results[resource["name"]])
    model.Session.commit()
    created = dt.date.fromisoformat(datasets["jadwal-kominfo-harian"]["metadata_modified"][:10])
    return {
        "users": {
            "anonymous": None,
            "citizen": citizen,
            "kominfo_editor": kominfo_editor,
            "dinkes_editor": dinkes_editor,
            "sysadmin": sysadmin,
        },
        "datasets": datasets,
        "opd_title": kominfo["title"],
        # Ten days after the datasets' last change: each daily one is nine days overdue.
        "as_of": (created + dt.timedelta(days=10)).isoformat(),
    }


def _auth(user) -> dict[str, str]:
    return {"Authorization": user["token"]} if user else {}


def _get(app, user, url, status=200, **params):
    return app.get(url, query_string=params, headers=_auth(user), status=status).get_data(as_text=True)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _rows(html: str) -> list[str]:
    """The text of each table row of a page."""
    return [_text(row) for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)]


def test_each_steward_sees_their_own_opds_overdue_datasets_and_broken_links(app, world):
    users, as_of = world["users"], world["as_of"]
    secrets = (
        "rahasia-kominfo-harian",
        "Rahasia Kominfo",
        "rahasia-dinkes-harian",
        "Rahasia Dinkes",
        "Server mati",
    )

    for role in ("anonymous", "citizen"):
        for url in PAGES:
            body = _get(app, users[role], url, status=403, as_of=as_of)
            assert not [secret for secret in secrets if secret in body], (role, url)
    assert "Masuk sebagai pengelola data" in _get(app, None, "/dasbor/", status=403)

    # The OPD's editor: their two overdue datasets and two failing links, never Dinkes's.
    editor = users["kominfo_editor"]
    overview = _text(_get(app, editor, "/dasbor/", as_of=as_of))
    assert "2 dataset melewati jadwal pemutakhiran" in overview and "2 tautan rusak" in overview
    overdue = _get(app, editor, "/dasbor/terlambat", as_of=as_of)
    due = format_date(dt.date.fromisoformat(as_of) - dt.timedelta(days=9), "long", locale="id")
    assert _rows(overdue)[1:] == [
        f"{title} {world['opd_title']} Harian {due} 9"
        for title in ("Jadwal Kominfo Harian", "Rahasia Kominfo Harian")
    ]
    assert "2 dataset terlambat" in _text(overdue) and "Rahasia Dinkes" not in overdue
    links = _get(app, editor, "/dasbor/tautan")
    text = _text(links)
    assert "rusak (HTTP 404)" in text and "tidak terjangkau (Waktu tunggu 10 s habis" in text
    assert "Berkas baik" not in text and "Berkas dinkes" not in text and "rahasia-dinkes" not in links
    assert links.count('class="btn btn-secondary btn-sm tangerang-check-again"') == 2

    # Another OPD's editor: their own only, and not a trace of Diskominfo's tertutup dataset.
    other = users["dinkes_editor"]
    assert "1 dataset melewati jadwal pemutakhiran" in _text(_get(app, other, "/dasbor/", as_of=as_of))
    for url in PAGES:
        body = _get(app, other, url, as_of=as_of)
        assert "rahasia-kominfo" not in body and "Rahasia Kominfo" not in body and "Server mati" not in body
    assert "rusak (HTTP 410)" in _text(_get(app, other, "/dasbor/tautan"))

    # The walidata: every OPD's.
    walidata = users["sysadmin"]
    assert "0 dataset melewati jadwal pemutakhiran" in _text(_get(app, walidata, "/dasbor/"))  # due tomorrow
    overview = _text(_get(app, walidata, "/dasbor/", as_of=as_of))
    assert "3 dataset melewati jadwal pemutakhiran" in overview and "3 tautan rusak" in overview
    assert "Rahasia Dinkes Harian" in _get(app, walidata, "/dasbor/terlambat", as_of=as_of)
    assert _get(app, walidata, "/dasbor/tautan").count("tangerang-check-again") == 3
    assert "Harus berupa tanggal" in _get(app, walidata, "/dasbor/terlambat", status=400, as_of="kemarin")


def test_check_again_queues_the_datasets_links_for_its_stewards_only(app, world):
    users, datasets = world["users"], world["datasets"]
    closed = datasets["rahasia-kominfo-harian"]

    def check_again(user, status):
        form = {"package": closed["id"]}
        return app.post(
            "/dasbor/tautan/periksa", data=form, headers=_auth(user), status=status, follow_redirects=False
        )

    for user in (None, users["citizen"], users["dinkes_editor"]):
        check_again(user, 403)
    # A form without its dataset queues nothing, not every link of the portal.
    app.post("/dasbor/tautan/periksa", data={}, headers=_auth(users["sysadmin"]), status=400)
    assert jobs.get_queue().jobs == []

    answer = check_again(users["kominfo_editor"], 302)
    assert answer.headers["Location"].endswith("/dasbor/tautan?page=1")
    (job,) = jobs.get_queue().jobs
    assert job.args[0] == [r["id"] for r in closed["resources"]]
    assert "1 tautan dataset ini akan segera diperiksa ulang" in _get(
        app, users["kominfo_editor"], "/dasbor/tautan"
    )


def test_the_link_status_is_shown_on_dataset_and_resource_pages_to_their_stewards(app, world):
    users, dataset = world["users"], world["datasets"]["jadwal-kominfo-harian"]
    broken = dataset["resources"][0]
    pages = (f"/dataset/{dataset['name']}", f"/dataset/{dataset['name']}/resource/{broken['id']}")
    for role in ("kominfo_editor", "sysadmin"):
        listed, resource = (_text(_get(app, users[role], url)) for url in pages)
        assert re.search(r"Tautan diperiksa \d+ \w+ \d{4}[^:]*: rusak \(HTTP 404\)", listed), listed
        assert re.search(r"Tautan diperiksa [^:]+: dapat dijangkau", listed)
        assert re.search(r"Tautan diperiksa [^:]+: rusak \(HTTP 404\)", resource)
        assert "dapat dijangkau" not in resource  # the page's own resource only
    for role in ("anonymous", "citizen", "dinkes_editor"):
        for url in pages:
            assert "Tautan diperiksa" not in _get(app, users[role], url), (role, url)
