"""Indonesian first, completely: the catalogues are complete and compiled, and the pages show no English
interface text when rendered in Indonesian."""

from __future__ import annotations

import io
import os
from importlib import resources
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from ckan import model
from ckan.tests import helpers

from ckanext.tangerang.logic import feeds, link_check
from tests.theme import visible_text

I18N = Path(str(resources.files("ckanext.tangerang") / "i18n"))
DOMAIN = "ckanext-tangerang"


def _catalog(lang: str):
    with (I18N / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        return read_po(f, locale=lang)


def _messages(catalog) -> dict:
    def frozen(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {frozen(m.id): frozen(m.string) for m in catalog if m.id}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_committed_mo_is_compiled_from_the_po(lang):
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(lang))
    compiled.seek(0)
    expected = _messages(read_mo(compiled))
    with (I18N / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as f:
        committed = _messages(read_mo(f))
    assert committed == expected, f"run: pybabel compile -d {I18N} -D {DOMAIN}"


def test_every_msgid_of_the_template_is_translated_into_indonesian():
    with (I18N / f"{DOMAIN}.pot").open("rb") as f:
        template = read_po(f)
    catalog = _catalog("id")
    missing = [
        m.id
        for m in template
        if m.id and (m.id not in catalog or not catalog[m.id].string or catalog[m.id].fuzzy)
    ]
    assert missing == []


def test_english_catalogue_covers_the_template():
    with (I18N / f"{DOMAIN}.pot").open("rb") as f:
        template = read_po(f)
    catalog = _catalog("en")
    assert [m.id for m in template if m.id and m.id not in catalog] == []


def test_the_checker_finds_english_interface_text():
    html = (
        '<p>Datasets</p><input placeholder="Search datasets..."><p>Aduan LAKSA</p><script>Log in</script>'
        '<small>You can use <a href="#markdown">Markdown formatting</a> here</small>'
        '<p>Source: <a href="/dataset/x">Data X</a></p><p>Sumber: <a href="/dataset/y">Data Y</a></p>'
    )
    assert visible_text.untranslated(html) == [
        "Datasets",
        "Markdown formatting",
        "Search datasets...",
        "Source:",
        "You can use",
    ]


def test_the_checker_finds_english_result_lines_and_double_escapes():
    # The three lines issue 13 found on the search pages, and their correct forms.
    html = (
        "<h1>172 aplikasis found</h1><input placeholder='Search Aplikasis...'>"
        "<h1>27 datasets found for &amp;#34;penduduk&amp;#34;</h1><h1>No aplikasis found</h1>"
        "<h1>172 aplikasi ditemukan</h1><input placeholder='Cari aplikasi...'>"
        "<h1>27 dataset ditemukan untuk “penduduk”</h1><p>Tom &amp; Jerry &#34;x&#34;</p>"
    )
    assert visible_text.untranslated(html) == [
        "172 aplikasis found",
        "27 datasets found for &#34;penduduk&#34;",
        "No aplikasis found",
        "Search Aplikasis...",
    ]


def test_the_checker_finds_dates_not_in_indonesian_form():
    html = (
        "<dd>Desember 1, 2026, 09:03 (WIB)</dd><dd>December 1, 2026</dd><td>2026-12-01T02:03:04+00:00</td>"
        "<td>2026-12-02</td><dd>1 Desember 2026 09.03 WIB</dd><dd>2 Desember 2027</dd><dd>Des 2026</dd>"
        "<dd>3671.2.12.0001</dd><dd>2020&ndash;2025</dd>"
    )
    assert visible_text.untranslated(html) == [
        "2026-12-01T02:03:04+00:00",
        "2026-12-02",
        "December 1, 2026",
        "Desember 1, 2026, 09:03 (WIB)",
    ]


PAGES = {
    "home": ("/", None),
    "datasets": ("/dataset", None),
    "datasets-faceted": ("/dataset?organization=diskominfo&sektor=2.16", None),
    "datasets-query": ("/dataset?q=aduan", None),
    "datasets-query-quoted": ('/dataset?q="aduan laksa"', None),
    "datasets-query-none": ("/dataset?q=tidakadasamasekali", None),
    "aplikasi": ("/aplikasi", None),
    "aplikasi-query": ("/aplikasi?q=laksa", None),
    "aplikasi-query-none": ("/aplikasi?q=tidakadasamasekali", None),
    "aplikasi-page": ("/aplikasi/laksa", None),
    "aplikasi-kajian-page": ("/aplikasi/e-arsip", None),
    "dataset-page": ("/dataset/aduan-laksa-terbuka", None),
    "limited-dataset-page": ("/dataset/aduan-laksa-terbatas", None),
    "opd-page": ("/organization/diskominfo", None),
    "opd-page-query": ("/organization/diskominfo?q=aduan", None),
    "opd-list": ("/organization", None),
    "about": ("/about", None),
    "sectors": ("/sektor", None),
    "sector-page": ("/sektor/2.16", None),
    "developer": ("/pengembang", None),
    "release-calendar": ("/jadwal-rilis", None),
    "login": ("/user/login", None),
    "steward-home": ("/", "sysadmin"),
    "steward-dataset-page": ("/dataset/aduan-laksa-tertutup", "sysadmin"),
    "steward-dashboard": ("/dashboard/datasets", "editor"),
    "steward-kajian": ("/aplikasi-kajian", "editor"),
    "steward-dasbor": ("/dasbor/", "editor"),
    "steward-kurasi": ("/dasbor/kurasi", "editor"),
    "steward-dasbor-keputusan": ("/dasbor/keputusan", "editor"),
    "steward-dasbor-panen": ("/dasbor/panen", "editor"),
    "steward-dasbor-aplikasi": ("/dasbor/aplikasi", "editor"),
    "steward-dasbor-overdue": ("/dasbor/terlambat?as_of=2099-01-01", "editor"),
    "steward-dasbor-links": ("/dasbor/tautan", "editor"),
    "steward-dasbor-kualitas": ("/dasbor/kualitas", "editor"),
    "steward-edit-dataset": ("/dataset/edit/aduan-laksa-terbuka", "sysadmin"),
    "steward-new-dataset": ("/dataset/new", "editor"),
    "steward-edit-aplikasi": ("/aplikasi/edit/laksa", "sysadmin"),
    "steward-harvest-sources": ("/harvest", "sysadmin"),
    "steward-harvest-new": ("/harvest/new", "sysadmin"),
}


def _harvest_job_with_errors(city) -> tuple[dict, str]:
    """A Diskominfo harvest source whose job recorded a gather error and a record's error (the dashboard's pages)."""
    import json

    from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectError

    source = helpers.call_action(
        "harvest_source_create",
        context={"user": city["sysadmin"]["name"]},
        name="laksa-api",
        title="API LAKSA",
        notes="Aduan warga dari API LAKSA.",
        url="http://127.0.0.1:1/laksa",
        source_type="tangerang_json_api",
        owner_org=city["orgs"]["diskominfo"]["id"],
        config=json.dumps({"fields": {"title": "judul"}}),
    )
    job = HarvestJob.get(
        helpers.call_action(
            "harvest_job_create",
            context={"user": city["sysadmin"]["name"]},
            source_id=source["id"],
            run=False,
        )["id"]
    )
    HarvestGatherError.create("Daftar sumber tidak lengkap / The source's listing is incomplete", job)
    record = HarvestObject(guid=f"{source['id']}:aduan-1", job=job, source=job.source)
    record.save()
    HarvestObjectError(object=record, stage="Import", message="Dataset tidak sah / Invalid dataset").save()
    return source, job.id


def _harvest_holds(city, source):
    """A held deletion, a held record and a decision, so that the decisions tab shows each of its parts."""
    from ckanext.tangerang.logic import harvest_decisions

    dataset = city["datasets"]["terbuka"]
    item = {"guid": f"{source['id']}:a", "upstream_id": "a", "object_id": "o", "package_id": dataset["id"]}
    item.update(name=dataset["name"], title=dataset["title"])
    held = harvest_decisions.hold_deletions(source["id"], "j", [item], "6 dataset hilang / 6 datasets gone")
    for guid, causes in (("b", ["tabel"]), ("c", ["individu", "tautan"])):
        detail = {
            "reason": "Data pribadi / Personal data",
            "causes": causes,
            "upstream_id": guid,
            "title": guid,
        }
        detail["findings"] = [{"column": "nik", "rule": "nik", "rows": 2}]
        harvest_decisions.personal_data_choice(source["id"], "j", f"{source['id']}:{guid}", detail)
    helpers.call_action(
        "tangerang_harvest_decision",
        context={"user": city["editor"]["name"]},
        id=held,
        choice="tolak",
        note="-",
    )


@pytest.mark.usefixtures("with_plugins")
def test_pages_in_indonesian_have_no_english_interface_text(app, city):
    resource = city["datasets"]["terbuka"]["resources"][0]
    for name in ("aduan-laksa-terbuka", "aduan-laksa-tertutup", "laksa"):  # dates in every form a page shows
        helpers.call_action(
            "package_patch",
            context={"user": city["sysadmin"]["name"]},
            id=name,
            harvest_waktu="2026-12-01T02:03:04+00:00",
        )
    source, job = _harvest_job_with_errors(city)
    _harvest_holds(city, source)
    # The link checker's results, which stewards see on the dataset page and the dashboard.
    for klasifikasi, result in (
        ("terbuka", link_check.Result("broken", http_status=404, error="HTTP 404 / HTTP 404")),
        (
            "tertutup",
            link_check.Result("unreachable", error="Waktu tunggu 10 s habis / Timed out after 10 s"),
        ),
    ):
        dataset = city["datasets"][klasifikasi]
        checked = dataset["resources"][0]
        link_check.store(link_check.Target(checked["id"], dataset["id"], checked["url"], False), result)
    model.Session.commit()
    feeds.export_catalog()  # every page's footer then links the catalogue downloads, with their time
    pages = dict(
        PAGES,
        resource=(f"/dataset/aduan-laksa-terbuka/resource/{resource['id']}", None),
        **{
            "steward-edit-resource": (
                f"/dataset/aduan-laksa-terbuka/resource/{resource['id']}/edit",
                "sysadmin",
            ),
            "steward-dasbor-panen-job": (f"/dasbor/panen/{job}", "editor"),
        },
    )
    found = {}
    for name, (url, who) in pages.items():
        extra = {"headers": {"Authorization": city[who]["token"]}} if who else {}
        response = app.get(url, **extra)
        assert response.status_code == 200, name
        left = visible_text.untranslated(response.body)
        if left:
            found[name] = left
    report = os.environ.get("TANGERANG_I18N_REPORT")
    if report:  # for translators: every untranslated string, once, in a file
        Path(report).write_text(
            "".join(f"{page}: {s}\n" for page, left in sorted(found.items()) for s in left)
        )
    assert found == {}
