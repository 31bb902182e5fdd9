"""Bad input, as an outsider and as a sysadmin, through the API and the HTML routes: every answer is a 4xx
with a bilingual message and no internals, and nothing is stored half-made."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories

from tests.helpers import valid_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

BIG = "x" * 1_000_000
INTERNALS = ("Traceback", "immense term", "+permission_labels", "psycopg2", "sqlalchemy", "SolrError")

# Field values that no dataset may hold: (what, overrides of a valid dataset).
BAD_DATASET_FIELDS = [
    ("a 1 MB title", {"title": BIG}),
    ("a 40 kB unit", {"satuan": "y" * 40_000}),
    ("a 1 MB description", {"notes": BIG}),
    ("a 40 kB methodology", {"metodologi": "m" * 40_000}),
    ("a 1 MB extra", {"extras": [{"key": "catatan", "value": BIG}]}),
    ("a 40 kB schema field sent as an extra", {"extras": [{"key": "satuan", "value": "s" * 40_000}]}),
    ("a 1 MB resource URL", {"resources": [{"url": "https://data.example.org/" + BIG}]}),
    ("a 1 MB resource name", {"resources": [{"url": "https://data.example.org/a.csv", "name": BIG}]}),
    ("a NUL in the title", {"title": "a\x00b"}),
    ("a NUL in a resource name", {"resources": [{"url": "https://a.example/b.csv", "name": "a\x00"}]}),
    ("a lone surrogate in the title", {"title": "a\ud800b"}),
    ("owner_org as a number", {"owner_org": 12345}),
    ("owner_org as a list", {"owner_org": ["x"]}),
    ("klasifikasi as a list", {"klasifikasi": ["tertutup"]}),
    ("klasifikasi as an object", {"klasifikasi": {"a": 1}}),
    ("klasifikasi as a number", {"klasifikasi": 1}),
    ("the title as a list", {"title": ["a"]}),
    ("the title as an object", {"title": {"a": 1}}),
    ("the title as a number", {"title": 5}),
    ("the description as a number", {"notes": 5}),
    ("the name as a list", {"name": ["x"]}),
    ("the licence as a list", {"license_id": ["cc-by"]}),
    ("private as a list", {"private": ["x"]}),
    ("the sector as a list", {"sektor": ["1.02"]}),
    ("the area coverage as an object", {"cakupan_wilayah": {"a": 1}}),
    ("the first year as a list", {"tahun_awal": [2020]}),
    ("an e-mail as a list", {"produsen_data_email": ["a@b.co"]}),
    ("the data list code as a list", {"kode_daftar_data": ["x"]}),
    ("the source application as a list", {"aplikasi_sumber": ["x"]}),
    ("the dataset type as a list", {"type": ["dataset"]}),
    ("tags as a string", {"tags": "abc"}),
    ("tags as a list of strings", {"tags": ["abc"]}),
    ("tag_string as an object", {"tag_string": {"a": 1}}),
    ("resources as an object", {"resources": {"url": "x"}}),
    ("resources as a string", {"resources": "x"}),
    ("extras as a string", {"extras": "x"}),
    ("groups as a string", {"groups": "x"}),
    ("a resource name as an object", {"resources": [{"url": "https://a.example/b.csv", "name": {"a": 1}}]}),
    ("a resource URL as a list", {"resources": [{"url": ["https://a.example/b.csv"]}]}),
    ("a row count as a list", {"resources": [{"url": "https://a.example/b.csv", "jumlah_baris": [1]}]}),
    ("a data dictionary as a number", {"resources": [{"url": "https://a.example/b.csv", "kamus_data": 5}]}),
]

BAD_APLIKASI_FIELDS = [
    ("a 1 MB application name", {"title": BIG}),
    ("platform as a string", {"platform": "web"}),
    ("a platform URL of 1 MB", {"platform": [{"jenis": "web", "url": "https://a.example/" + BIG}]}),
    ("kelompok as a list", {"kelompok": ["layanan-publik"]}),
    ("monthly usage of 100 kB", {"penggunaan_bulanan": [{"bulan": "2026-01", "catatan": "u" * 100_000}]}),
    ("in Tangerang LIVE as a list", {"dalam_tangerang_live": ["true"]}),
]

BAD_ORGANIZATION_FIELDS = [
    ("a 1 MB OPD name", {"title": BIG}),
    ("an OPD description of 1 MB", {"description": BIG}),
    ("a NUL in the OPD name", {"title": "a\x00"}),
    ("the OPD kind as a list", {"jenis": ["dinas"]}),
    ("the OPD name as a number", {"title": 7}),
]

NUL_GETS = [
    "/api/3/action/package_show?id=%00",
    "/api/3/action/resource_show?id=%00",
    "/api/3/action/organization_show?id=%00",
    "/api/3/action/package_search?q=%00",
    "/api/3/action/datastore_search?resource_id=%00",
    "/api/3/action/datastore_info?id=%00",
    "/api/3/action/tangerang_resource_access_show?id=%00",
    "/api/2/util/dataset/autocomplete?incomplete=%00",
    "/api/2/util/tag/autocomplete?incomplete=%00",
    "/api/2/util/resource/format_autocomplete?incomplete=%00",
    "/api/2/util/organization/autocomplete?q=%00",
    "/dataset/%00",
    "/dataset/%00/resource/%00",
    "/dataset/%00/resource/%00/download",
    "/aplikasi/%00",
    "/organization/%00",
    "/dataset?q=%00",
    "/dataset?tags=%00",
    "/catalog.ttl?q=%00",
    "/sektor/%00",
]


def _page_urls(app_name: str, org_name: str) -> list[str]:
    urls = []
    for base in (
        "/dataset",
        "/aplikasi",
        f"/aplikasi/{app_name}",
        f"/organization/{org_name}",
        "/sektor/1.02",
    ):
        urls += [f"{base}?page=999999999", f"{base}?page=99999999999999999999", f"{base}?page=-1"]
        urls.append(f"{base}?page=abc")
    urls += [
        "/catalog.ttl?page=99999999999999999999",
        "/catalog.ttl?page=999999999",
        "/catalog.rdf?page=2147483648",
        "/catalog.xyz",
        "/catalog.ttl?page=0",
        # found by schemathesis (tests/developer/test_schemathesis_live.py): a 500 from the database before
        "/api/3/action/package_list?limit=349496372073607462912&offset=1617591952432613888",
        "/api/3/action/package_list?offset=99999999999999999999",
        "/api/3/action/package_list?limit=-1",
    ]
    return urls


class _Crash:
    """What a request that raised out of the test app counts as: a 500."""

    status_code = 500
    headers: dict = {}

    def __init__(self, error: Exception) -> None:
        self.body = f"{type(error).__name__}: {str(error)[:500]}"


def _send(app, method: str, url: str, **kwargs):
    try:
        return getattr(app, method)(url, status=None, **kwargs)
    except Exception as error:  # the test app lets some errors through instead of answering 500
        return _Crash(error)


def _messages(response) -> list[str]:
    """The error messages a response shows: the API's error dict, or the HTML error page's text."""
    if response.headers.get("Content-Type", "").startswith("application/json"):
        try:
            error = json.loads(response.body).get("error")
        except ValueError:
            return [response.body]
        out: list[str] = []
        stack = [error]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(v for k, v in item.items() if k != "__type")
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str):
                out.append(item)
        return out
    found = re.findall(r'<div class="module-content" id="error-content">(.*?)</div>', response.body, re.S)
    return [re.sub(r"<[^>]+>", " ", f) for f in found] or [response.body[:2000]]


def _counts() -> tuple[int, ...]:
    model.Session.remove()
    return (
        model.Session.query(model.Package).count(),
        model.Session.query(model.Resource).count(),
        model.Session.execute(sa.text("select count(*) from activity")).scalar(),
        model.Session.query(model.Group).count(),
    )


def _solr_count(app, sysadmin) -> int:
    response = app.get(
        "/api/3/action/package_search?include_private=true&include_drafts=true&rows=0",
        headers={"Authorization": sysadmin["token"]},
    )
    return response.json["result"]["count"]


def _check_refused(probe, response, what: str, bilingual: bool = True) -> None:
    probe.answer(response, what)
    status = response.status_code
    messages = _messages(response)
    text = " ".join(messages)
    probe.check("bad_input", 400 <= status < 500, f"{what}: answered {status}")
    if bilingual and 400 <= status < 500:
        probe.check(
            "bad_input",
            bool(messages) and all(" / " in m for m in messages),
            f"{what}: message not bilingual: {text[:200]!r}",
        )
    probe.check(
        "bad_input",
        not any(marker in response.body for marker in INTERNALS) and BIG[:5000] not in response.body,
        f"{what}: the answer shows internals or echoes the value",
    )


@pytest.fixture
def portal(app):
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization(name="dinkes")
    dataset = factories.Dataset(
        **valid_dataset(org["id"], name="data-uji"),
        resources=[{"url": "https://data.example.org/uji.csv", "name": "Uji"}],
    )
    aplikasi = factories.Dataset(
        type="aplikasi",
        name="aplikasi-uji",
        title="Aplikasi Uji",
        notes="Aplikasi uji.",
        owner_org=org["id"],
        kelompok="layanan-publik",
        status_aplikasi="aktif",
    )
    return {"sysadmin": sysadmin, "org": org, "dataset": dataset, "aplikasi": aplikasi}


def _post(app, action: str, body: dict, token: str | None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = token
    return _send(app, "post", f"/api/3/action/{action}", data=json.dumps(body), headers=headers)


@pytest.mark.parametrize("who", ["anonymous", "sysadmin"])
def test_bad_fields_are_refused_before_anything_is_stored(app, portal, probe, who):
    token = portal["sysadmin"]["token"] if who == "sysadmin" else None
    org_id, dataset, aplikasi = portal["org"]["id"], portal["dataset"], portal["aplikasi"]
    resource_id = dataset["resources"][0]["id"]
    before, solr_before = _counts(), _solr_count(app, portal["sysadmin"])
    for what, overrides in BAD_DATASET_FIELDS:
        new = valid_dataset(org_id, **{"name": "data-baru", **overrides})
        changed = {**valid_dataset(org_id, name="data-uji"), "id": dataset["id"], **overrides}
        patch = {"id": dataset["id"], **overrides}
        for action, body in (("package_create", new), ("package_update", changed), ("package_patch", patch)):
            response = _post(app, action, body, token)
            _check_refused(probe, response, f"{who} {action} with {what}", bilingual=who == "sysadmin")
        resources = overrides.get("resources")
        if isinstance(resources, list) and isinstance(resources[0], dict):
            resource = resources[0]
            for action, body in (
                ("resource_create", {"package_id": dataset["id"], **resource}),
                ("resource_update", {"id": resource_id, **resource}),
                ("resource_patch", {"id": resource_id, **resource}),
            ):
                response = _post(app, action, body, token)
                _check_refused(probe, response, f"{who} {action} with {what}", bilingual=who == "sysadmin")
    for what, overrides in BAD_APLIKASI_FIELDS:
        body = {"id": aplikasi["id"], **overrides}
        response = _post(app, "package_patch", body, token)
        _check_refused(probe, response, f"{who} aplikasi patch with {what}", bilingual=who == "sysadmin")
    for what, overrides in BAD_ORGANIZATION_FIELDS:
        for action, body in (
            ("organization_create", {"name": "opd-baru", "title": "OPD Baru", **overrides}),
            ("organization_patch", {"id": org_id, **overrides}),
        ):
            response = _post(app, action, body, token)
            _check_refused(probe, response, f"{who} {action} with {what}", bilingual=who == "sysadmin")
    after, solr_after = _counts(), _solr_count(app, portal["sysadmin"])
    probe.check(
        "bad_input",
        before == after and solr_before == solr_after,
        f"{who}: stored half-made (datasets, resources, activities, organizations {before} -> {after}; "
        f"Solr {solr_before} -> {solr_after})",
    )
    shown = app.get(f"/api/3/action/package_show?id={dataset['id']}", headers={"Authorization": token or ""})
    probe.check(
        "bad_input",
        shown.json["result"]["title"] == dataset["title"] and len(shown.json["result"]["resources"]) == 1,
        f"{who}: the dataset changed after refused updates",
    )


@pytest.mark.parametrize("who", ["anonymous", "sysadmin"])
def test_bad_bodies_and_nul_ids_are_refused(app, portal, probe, who):
    headers = {"Authorization": portal["sysadmin"]["token"]} if who == "sysadmin" else {}
    before = _counts()
    bodies = [
        ("JSON nested 20,000 deep", '{"title": ' + "[" * 20_000 + "]" * 20_000 + "}"),
        ("JSON nested 100 deep", '{"title": ' + "[" * 100 + "]" * 100 + "}"),
        ("a lone surrogate escape", json.dumps(valid_dataset(portal["org"]["id"], title="\ud800"))),
        ("a NUL escape", json.dumps(valid_dataset(portal["org"]["id"], title="a\x00b"))),
        ("invalid JSON", '{"title": '),
        ("invalid UTF-8", b'{"title": "\xff\xfe"}'),
    ]
    for what, body in bodies:
        for action in ("package_create", "datastore_create", "package_search", "organization_create"):
            response = _send(
                app,
                "post",
                f"/api/3/action/{action}",
                data=body,
                headers={**headers, "Content-Type": "application/json"},
            )
            _check_refused(probe, response, f"{who} {action} with {what}")
    deep_key = '{"q": ' + "[" * 20_000 + "]" * 20_000 + "}"
    response = _send(app, "post", "/api/3/action/package_search", data={deep_key: "1"}, headers=headers)
    _check_refused(probe, response, f"{who} package_search with a deep JSON form key")
    for url in NUL_GETS:
        response = _send(app, "get", url, headers=headers)
        _check_refused(probe, response, f"{who} GET {url}")
    form = {"title": "a\x00b", "name": "data-nul", "notes": "n", "save": "continue"}
    for url in (
        "/dataset/new",
        "/aplikasi/new",
        "/organization/new",
        f"/dataset/edit/{portal['dataset']['name']}",
    ):
        response = _send(app, "post", url, data=form, headers=headers)
        _check_refused(probe, response, f"{who} POST {url} with a NUL", bilingual=who == "sysadmin")
    probe.check("bad_input", _counts() == before, f"{who}: bad bodies stored something")


@pytest.mark.parametrize("who", ["anonymous", "sysadmin"])
def test_pages_beyond_the_last_are_not_errors(app, portal, probe, who):
    headers = {"Authorization": portal["sysadmin"]["token"]} if who == "sysadmin" else {}
    for url in _page_urls(portal["aplikasi"]["name"], portal["org"]["name"]):
        response = _send(app, "get", url, headers=headers)
        _check_refused(probe, response, f"{who} GET {url}")
    # Within the bound but past the end, the application page shows its last page.
    response = _send(app, "get", f"/aplikasi/{portal['aplikasi']['name']}?page=50", headers=headers)
    probe.answer(response, f"{who} GET the application page 50")
    probe.check(
        "bad_input", response.status_code == 200, f"{who} application page 50: {response.status_code}"
    )


def test_the_web_form_shows_field_limits_next_to_the_field(app, portal, probe):
    """The dataset form re-renders with the field's bilingual error (CKAN's forms answer 200), storing nothing."""
    before = _counts()
    response = _send(
        app,
        "post",
        "/dataset/new",
        headers={"Authorization": portal["sysadmin"]["token"]},
        data={
            **valid_dataset(portal["org"]["id"], name="data-form", title="t" * 5_000),
            "cakupan_wilayah": "36.71.01",
            "save": "continue",
            "_ckan_phase": "dataset_new_1",
        },
    )
    probe.answer(response, "dataset form with a 5,000-character title")
    probe.check(
        "bad_input",
        "Too long: at most 1,000 characters" in response.body,
        "the dataset form does not show the title's length error",
    )
    probe.check(
        "bad_input", _counts() == before, "the dataset form stored a dataset with a 5,000-character title"
    )


@pytest.mark.parametrize("who", ["anonymous", "sysadmin"])
def test_incomplete_forms_are_refused(app, portal, probe, who):
    """CKAN's login and new-resource views read fields their own forms always send; a hand-made POST without
    them was a 500."""
    headers = {"Authorization": portal["sysadmin"]["token"]} if who == "sysadmin" else {}
    before = _counts()
    for url, form in (
        ("/user/login", {"remember": "63072000"}),
        ("/user/login", {"password": "x"}),
        (f"/dataset/{portal['dataset']['name']}/resource/new", {"url": "https://a.example/b.csv"}),
        (f"/dataset/{portal['dataset']['name']}/resource/new", {"save": "go-metadata", "name": "x"}),
    ):
        response = _send(app, "post", url, data=form, headers=headers)
        _check_refused(probe, response, f"{who} POST {url} {sorted(form)}")
    probe.check("bad_input", _counts() == before, f"{who}: an incomplete form stored something")
