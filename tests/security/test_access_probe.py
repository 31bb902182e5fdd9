"""The access probe: every role asks every read surface, with the parameters CKAN accepts, for a catalogue whose
every field, URL and DataStore row carries a unique marker; no marker may appear where its class forbids it, and
a dataset that must not exist answers 404.

Roles: anonymous, a logged-in user of no OPD, an editor of another OPD (outsiders); a member of the owning OPD
and a sysadmin (insiders, whose answers prove the markers are there to be found).
Classes: terbuka (all see all), terbatas (all see metadata, only insiders its URLs and rows), tertutup (only
insiders see anything), and a dataset reclassified terbuka -> tertutup after it was public.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from ckan import model
from ckan.tests import factories, helpers

from ckanext.tangerang.logic import feeds, link_check
from tests.helpers import aplikasi, valid_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

OUTSIDERS = ("anonymous", "no_opd", "other_opd_editor")
INSIDERS = ("member", "sysadmin")


def markers(cls: str) -> dict[str, str]:
    """One unique marker per place a value can sit. Tokens are single words so full-text search can hit them."""
    m = f"zq{cls}mk"
    return {
        "title": f"{m}title",
        "notes": f"{m}notes",
        "tag": f"{m}tag",
        "satuan": f"{m}satuan",
        "res_name": f"{m}resname",
        "res_desc": f"{m}resdesc",
        "format": f"FMT{m}".upper()[:40],
        "url": f"https://files.example.go.id/{m}url/data.csv",
        "url_token": f"{m}url",
        "download_url": f"https://unduh.example.go.id/{m}dl/data.csv",
        "access_url": f"https://api.example.go.id/{m}acc/v1",
        "row": f"{m}row",
    }


DATA_KEYS = ("url", "url_token", "download_url", "access_url", "row")


def forbidden(world, role: str) -> dict[str, str]:
    """label -> marker that this role must never receive."""
    if role in INSIDERS:
        return {}
    out = {}
    for cls in ("tertutup", "reclassified"):
        out.update({f"{cls}.{k}": v for k, v in markers(cls).items()})
        out[f"{cls}.id"] = world["datasets"][cls]["id"]
        out[f"{cls}.resource_id"] = world["datasets"][cls]["resources"][0]["id"]
    out.update({f"terbatas.{k}": markers("terbatas")[k] for k in DATA_KEYS})
    return out


def marked_dataset(org_id: str, cls: str, name: str, aplikasi_sumber: str) -> dict:
    """A dataset of class ``cls`` ("reclassified" starts terbuka) with a marker in every field it shows, produced
    by the application ``aplikasi_sumber`` (so that the application's actions list it)."""
    mk = markers(cls)
    return valid_dataset(
        org_id,
        name=name,
        aplikasi_sumber=aplikasi_sumber,
        title=f"Probe {mk['title']}",
        notes=f"Catatan {mk['notes']}",
        tags=[{"name": mk["tag"]}],
        satuan=mk["satuan"],
        klasifikasi="terbuka" if cls == "reclassified" else cls,
        resources=[
            {
                "url": mk["url"],
                "name": mk["res_name"],
                "description": mk["res_desc"],
                "format": mk["format"],
                "download_url": mk["download_url"],
                "access_url": mk["access_url"],
            }
        ],
    )


@pytest.fixture
def world():
    sysadmin = factories.SysadminWithToken()
    member = factories.UserWithToken()
    other_editor = factories.UserWithToken()
    no_opd = factories.UserWithToken()
    org = factories.Organization(name="dinkes", users=[{"name": member["name"], "capacity": "member"}])
    factories.Organization(name="dishub", users=[{"name": other_editor["name"], "capacity": "editor"}])
    context = {"user": sysadmin["name"]}
    app_record = helpers.call_action(
        "package_create", context=dict(context), **aplikasi(org["id"], name="probe-app", title="Probe App")
    )
    datasets = {}
    for cls in ("terbuka", "terbatas", "tertutup", "reclassified"):
        mk = markers(cls)
        dataset = helpers.call_action(
            "package_create",
            context=dict(context),
            **marked_dataset(org["id"], cls, f"probe-{cls}", app_record["name"]),
        )
        helpers.call_action(
            "datastore_create",
            context=dict(context),
            resource_id=dataset["resources"][0]["id"],
            force=True,
            fields=[{"id": "nama", "type": "text"}],
            records=[{"nama": mk["row"]}],
        )
        datasets[cls] = dataset
    # Public first, then closed: its earlier public snapshots must go with it.
    helpers.call_action(
        "package_patch", context=dict(context), id=datasets["reclassified"]["id"], notes="Ditutup."
    )
    helpers.call_action(
        "package_patch", context=dict(context), id=datasets["reclassified"]["id"], klasifikasi="tertutup"
    )
    for cls in datasets:
        datasets[cls] = helpers.call_action("package_show", context=dict(context), id=datasets[cls]["id"])
        # A failed link check of every resource, which the stewards' pages and link actions list with its URL.
        resource = datasets[cls]["resources"][0]
        link_check.store(
            link_check.Target(resource["id"], datasets[cls]["id"], resource["url"], upload=False),
            link_check.Result("broken", http_status=404, error="HTTP 404 / HTTP 404"),
        )
    model.Session.commit()
    feeds.export_catalog()  # what the scheduler does daily: the downloads the probe asks for
    users = {
        "anonymous": None,
        "no_opd": no_opd,
        "other_opd_editor": other_editor,
        "member": member,
        "sysadmin": sysadmin,
    }
    return {"users": users, "org": org, "datasets": datasets, "sysadmin": sysadmin, "aplikasi": app_record}


def _activities(app, world, cls):
    headers = {"Authorization": world["sysadmin"]["token"]}
    ds = world["datasets"][cls]
    return app.get(f"/api/3/action/package_activity_list?id={ds['id']}", headers=headers).json["result"]


def surfaces(app, world) -> list[str]:
    """Every read path to ask, as URLs (GET). ``app`` is CKAN's test client or anything with its ``get``."""
    d = world["datasets"]
    mk = {cls: markers(cls) for cls in d}
    limited, closed, moved = d["terbatas"], d["tertutup"], d["reclassified"]
    lrid, crid = limited["resources"][0]["id"], closed["resources"][0]["id"]
    acts = {cls: _activities(app, world, cls) for cls in ("terbatas", "tertutup", "reclassified")}
    sysadmin_name = world["sysadmin"]["name"]
    org = world["org"]["name"]
    api = "/api/3/action"
    urls = []
    search_variants = [
        "",
        "rows=1000",
        "fl=*",
        "fl=name,res_url,url,download_url,data_dict,validated_data_dict,res_extras_download_url",
        "fl=name,organization",
        "fl=res_extras_access_url,extras_klasifikasi,text,urls",
        "use_default_schema=true",
        "use_default_schema=true&fl=*",
        "include_private=true",
        "include_private=true&include_drafts=true&include_deleted=true",
        'facet.field=["res_url"]&facet.limit=-1',
        'facet.field=["tags","res_format","res_name","organization"]&facet.limit=-1',
        'facet.field=["text"]&facet.limit=-1',
        "fl=name,u:res_url,v:validated_data_dict,dd:data_dict",
        "fl=title:data_dict",
        "sort=res_url asc",
        "sort=data_dict asc",
        "defType=lucene&q=res_url:*",
        "wt=xml",
        "qf=res_url",
    ]
    for cls in ("terbatas", "tertutup", "reclassified"):
        m = mk[cls]
        search_variants += [
            f"q={m['url_token']}",
            f"q=res_url:*{m['url_token']}*",
            f"q=urls:*{m['url_token']}*",
            f"q=urls:{m['url_token']}*",
            f"fq=res_extras_download_url:*{m['url_token'][:-3]}*",
            f"q=text:{m['url_token']}",
            f"q={m['title']}",
            f"q=tags:{m['tag']}",
            f"fq=name:probe-{cls}&fl=name,u:res_url",
        ]
    urls += [f"{api}/package_search?{v}" for v in search_variants]
    for cls in ("terbatas", "tertutup", "reclassified"):
        ds = d[cls]
        rid = ds["resources"][0]["id"]
        urls += [
            f"{api}/package_show?id={ds['name']}",
            f"{api}/package_show?id={ds['id']}&use_default_schema=true",
            f"{api}/resource_show?id={rid}",
            f"{api}/resource_view_list?id={rid}",
            f"{api}/tangerang_resource_access_show?id={rid}",
            f"{api}/tangerang_quality_show?id={ds['name']}",
            f"{api}/tangerang_aplikasi_show?id={ds['name']}",
            f"{api}/package_activity_list?id={ds['id']}&include_data=true",
            f"{api}/datastore_search?resource_id={rid}",
            f"{api}/datastore_info?id={rid}",
            f"/datastore/dump/{rid}",
            f"/dataset/{ds['name']}/resource/{rid}/unduh.csv",
            f"/dataset/{ds['id']}/resource/{rid}/unduh.json?q={mk[cls]['row']}",
            f"/dataset/{ds['name']}/resource/{rid}/unduh.xlsx",
            f"{api}/tangerang_download_counts?id={rid}",
            f"{api}/tangerang_download_counts?id={ds['name']}",
            f"/dataset/{ds['name']}",
            f"/dataset/{ds['name']}/resource/{rid}",
            f"/dataset/{ds['id']}/resource/{rid}/download",
            f"/dataset/activity/{ds['name']}",
            f"/dataset/{ds['name']}.ttl",
            f"/dataset/{ds['name']}.jsonld",
            f"/dataset/{ds['name']}.rdf",
        ]
        for activity in acts[cls]:
            aid = activity["id"]
            urls += [
                f"{api}/activity_show?id={aid}&include_data=true",
                f"{api}/activity_data_show?id={aid}",
                f"{api}/activity_diff?id={aid}&object_type=package",
                f"/dataset/{ds['name']}/history/{aid}",
                f"/dataset/{ds['id']}/resources/{rid}/history/{aid}",
                f"/dataset/changes/{aid}",
            ]
    for cls in ("tertutup", "reclassified"):
        m = mk[cls]
        urls += [
            f"{api}/tag_show?id={m['tag']}",
            f"/api/2/util/tag/autocomplete?incomplete={m['tag'][:8]}",
            f"{api}/tag_autocomplete?q={m['tag'][:8]}",
            f"/api/2/util/resource/format_autocomplete?incomplete={m['format'][:6]}",
            f"{api}/format_autocomplete?q={m['format'][:6]}",
            f"/api/2/util/dataset/autocomplete?incomplete={m['title'][:8]}",
            f"{api}/package_autocomplete?q=probe",
            f"/dataset?q={m['title']}",
        ]
    urls += [
        f"{api}/resource_search?query=url:{mk['terbatas']['url_token']}",
        f"{api}/resource_search?query=url:files.example",
        f"{api}/resource_search?query=name:{mk['terbatas']['res_name']}",
        f"{api}/resource_search?query=name:zq&order_by=url",
        f"{api}/tag_list",
        f"{api}/tag_list?all_fields=true",
        f"{api}/member_list?id={org}&object_type=package",
        f"{api}/member_list?id={org}",
        f"{api}/organization_show?id={org}&include_datasets=true",
        f"{api}/organization_list?all_fields=true",
        f"{api}/package_list",
        f"{api}/current_package_list_with_resources",
        f"{api}/recently_changed_packages_activity_list",
        f"{api}/recently_changed_packages_activity_list?include_data=true",
        f"{api}/user_activity_list?id={sysadmin_name}",
        f"{api}/user_activity_list?id={sysadmin_name}&include_data=true",
        f"{api}/organization_activity_list?id={org}&include_data=true",
        f"{api}/datastore_search?resource_id=_table_metadata&limit=1000",
        f"{api}/datastore_info?id=_table_metadata",
        f"/user/activity/{sysadmin_name}",
        f"/organization/activity/{org}",
        f"/organization/{org}",
        "/dataset",
        "/dataset?q=zq",
        "/",
        "/catalog.ttl",
        "/catalog.jsonld",
        "/catalog.rdf",
        # The feeds for aggregators and search engines, and the catalogue's text downloads (exported in the
        # world; the XLSX is compressed, tests/feeds reads its cells).
        "/catalog.ttl?page=1&modified_since=2000-01-01",
        "/catalog.jsonld?q=zq",
        "/catalog.xml?fq=klasifikasi:tertutup",
        "/dcat.json",
        "/satudata.json",
        "/satudata.json?rows=1000&modified_since=2000-01-01",
        "/sitemap.xml",
        "/katalog/unduh/katalog.json",
        "/katalog/unduh/katalog.csv",
        "/aplikasi",
        "/sektor/2.12",
        # The developer page's examples use the newest public dataset; the OpenAPI document names no dataset.
        "/pengembang",
        "/pengembang/openapi.json",
        "/dasbor/kurasi",
        "/dasbor/kurasi?q=zq",
        f"/dasbor/kurasi?owner_org={org}&klasifikasi=tertutup",
        f"{api}/tangerang_harvest_hold_list",
        f"{api}/tangerang_harvest_decision_list",
        "/dasbor/keputusan",
        "/dasbor/panen",
        "/dasbor/aplikasi",
        "/dasbor/aplikasi/aplikasi.csv",
        f"{api}/tangerang_harvest_overview",
        f"{api}/tangerang_aplikasi_ranking",
        # The one-call catalogue actions: the application names every probe dataset as its source.
        f"{api}/tangerang_stats",
        f"{api}/tangerang_aplikasi_list?limit=100",
        f"{api}/tangerang_aplikasi_list?q={world['aplikasi']['title']}",
        f"{api}/tangerang_aplikasi_show?id={world['aplikasi']['name']}",
        f"{api}/tangerang_aplikasi_show?id={world['aplikasi']['id']}",
        # The stewards' dashboard and its actions; a far day makes every dataset overdue.
        "/dasbor/",
        "/dasbor/?as_of=2099-01-01",
        "/dasbor/terlambat?as_of=2099-01-01",
        "/dasbor/tautan",
        f"{api}/tangerang_overdue_list?as_of=2099-01-01",
        f"{api}/tangerang_overdue_list?as_of=2099-01-01&owner_org={org}",
        f"{api}/tangerang_link_check_list",
        f"{api}/tangerang_link_check_list?failing=true&organization={org}",
    ]
    urls += [
        f"{api}/tangerang_link_check_list?package={d[cls]['name']}" for cls in ("tertutup", "reclassified")
    ]
    # Unused ids stay in scope for the reader of a failure.
    del lrid, crid, limited, closed, moved
    return urls


def _headers(user):
    return {"Authorization": user["token"]} if user else {}


@pytest.mark.parametrize("role", OUTSIDERS)
def test_no_marker_reaches_an_outsider(app, world, probe, role):
    banned = forbidden(world, role)
    headers = _headers(world["users"][role])
    for url in surfaces(app, world):
        response = app.get(quote(url, safe='/?=&:,[]"*%'), headers=headers)
        probe.answer(response, f"{role} GET {url}")
        body = response.body if isinstance(response.body, str) else response.get_data(as_text=True)
        for label, marker in banned.items():
            if marker in url:
                continue  # an echo of what the request itself said is not a leak
            probe.check("leak", marker not in body, f"{role} GET {url}: {label} ({response.status_code})")


@pytest.mark.parametrize("role", OUTSIDERS)
def test_hidden_datasets_do_not_exist_for_an_outsider(app, world, probe, role):
    headers = _headers(world["users"][role])
    for cls in ("tertutup", "reclassified"):
        ds = world["datasets"][cls]
        rid = ds["resources"][0]["id"]
        for url in (
            f"/api/3/action/package_show?id={ds['name']}",
            f"/api/3/action/package_show?id={ds['id']}",
            f"/api/3/action/resource_show?id={rid}",
            f"/api/3/action/package_activity_list?id={ds['name']}",
            f"/api/3/action/tangerang_quality_show?id={ds['name']}",
            f"/api/3/action/tangerang_aplikasi_show?id={ds['id']}",
            f"/api/3/action/tangerang_download_counts?id={ds['name']}",
            f"/api/3/action/tangerang_download_counts?id={rid}",
            f"/dataset/{ds['name']}/resource/{rid}/unduh.csv",
            f"/dataset/{ds['name']}",
            f"/dataset/{ds['name']}/resource/{rid}",
            f"/dataset/{ds['name']}.ttl",
        ):
            response = app.get(url, headers=headers)
            probe.answer(response, f"{role} GET {url}")
            probe.check(
                "leak",
                response.status_code == 404,
                f"{role} GET {url} answered {response.status_code}, not 404",
            )


def test_searches_on_withheld_fields_find_nothing(app, world, probe):
    """The yes/no oracle: a search on a terbatas URL fragment finds nothing for anyone (the URL is not indexed),
    while the same search for an open dataset's URL still works."""
    for role in (*OUTSIDERS, "member"):
        headers = _headers(world["users"][role])
        for cls, expected in (("terbatas", 0), ("terbuka", 1)):
            token = markers(cls)["url_token"]
            # The bare token is asked of the terbatas dataset only: the text analysis keeps a URL whole. Leading
            # wildcards are refused (search_policy.check_query), so the URL's own prefix and the token's.
            url_prefix = re.sub(r"([:/])", r"\\\g<1>", markers(cls)["url"].split(token)[0])
            for q in (f"res_url:{url_prefix}{token}*", f"urls:{token}*", *([token] if expected == 0 else [])):
                result = app.get(f"/api/3/action/package_search?q={quote(q)}", headers=headers)
                probe.answer(result, f"{role} search {q}")
                count = result.json["result"]["count"] if result.status_code == 200 else 0
                probe.check(
                    "leak",
                    count == expected,
                    f"{role} package_search q={q}: {count} found, {expected} expected",
                )


def test_insiders_receive_every_marker(app, world, probe):
    """The control: the same surfaces give insiders the data, so the probe can see what it looks for."""
    for role in INSIDERS:
        headers = _headers(world["users"][role])
        for cls in ("terbatas", "tertutup"):
            ds = world["datasets"][cls]
            shown = app.get(f"/api/3/action/package_show?id={ds['name']}", headers=headers)
            probe.answer(shown, f"{role} package_show {cls}")
            body = json.dumps(shown.json)
            for key in ("url", "download_url", "access_url"):
                assert markers(cls)[key] in body, f"{role} does not see {cls}.{key}: the probe would be blind"
            rows = app.get(
                f"/api/3/action/datastore_search?resource_id={ds['resources'][0]['id']}", headers=headers
            )
            assert markers(cls)["row"] in rows.body
    # The application's datasets include the tertutup one for its OPD's member and the walidata.
    for role in INSIDERS:
        shown = app.get(
            f"/api/3/action/tangerang_aplikasi_show?id={world['aplikasi']['name']}",
            headers=_headers(world["users"][role]),
        )
        assert markers("tertutup")["title"] in shown.body, f"{role} does not see the tertutup dataset"
    # The stewards' pages list the tertutup dataset and its failing link to the walidata.
    headers = _headers(world["sysadmin"])
    closed = markers("tertutup")
    assert closed["title"] in app.get("/dasbor/terlambat?as_of=2099-01-01", headers=headers).body
    assert closed["url"] in app.get("/dasbor/tautan", headers=headers).body


def test_open_data_stays_open(app, world, probe):
    search = app.get("/api/3/action/package_search?q=name:probe-terbuka&fl=name,res_url")
    probe.answer(search, "anonymous search terbuka")
    assert markers("terbuka")["url"] in search.body
    page = app.get(f"/dataset/{world['datasets']['terbuka']['name']}")
    assert markers("terbuka")["url"] in page.body


@pytest.mark.parametrize(
    "query",
    [
        "fl=name,u:res_url",
        "fl=title:data_dict",
        'facet.field=["res_url"]',
        'facet.field=["text"]',
        "sort=data_dict asc",
        "wt=xml",
        "defType=lucene",
        "qf=res_url",
        "start=99999999999",
        "include_private=maybe",
        "rows=abc",
        "rows=1001",
        "q={!lucene}res_url:*",
        "q=%7B!func%7Dsum(1,1)",
        "q=%257B!join%20from=id%20to=id%257Dx",
        'q=_query_:"{!dismax}x"',
        "fq={!frange l=0}sum(1,1)",
        "q=*a*",
        "q=?*",
        "fq=res_url:*a",
        "q=ab*",
        "q=pen* kes* duk* mas*",
    ],
)
def test_search_parameters_outside_the_allow_lists_are_refused(app, probe, query):
    response = app.get(f"/api/3/action/package_search?{query}")
    probe.answer(response, f"package_search?{query}")
    error = json.dumps(response.json.get("error", {}), ensure_ascii=False)
    probe.check(
        "bad_input",
        response.status_code in (400, 409),
        f"package_search?{query} answered {response.status_code}",
    )
    probe.check("bad_input", " / " in error, f"package_search?{query}: message not bilingual: {error[:200]}")
    probe.check(
        "leak", "permission_labels" not in error, f"package_search?{query}: Solr internals in {error[:200]}"
    )


@pytest.mark.parametrize("role", OUTSIDERS)
def test_data_views_hand_no_rows_to_an_outsider(app, world, probe, role):
    """The DataTables preview's own endpoints (POST) and the feeds read the same data by other roads."""
    admin = _headers(world["sysadmin"])
    headers = _headers(world["users"][role])
    form = {"draw": "1", "start": "0", "length": "10", "search[value]": "", "order[0][column]": "0",
            "order[0][dir]": "asc", "columns[0][data]": "nama", "columns[0][searchable]": "true"}  # fmt: skip
    banned = forbidden(world, role)
    for cls in ("terbatas", "tertutup", "reclassified"):
        rid = world["datasets"][cls]["resources"][0]["id"]
        views = app.get(f"/api/3/action/resource_view_list?id={rid}", headers=admin).json["result"]
        for view in views:
            for url, data in (
                (f"/datatables/ajax/{view['id']}", form),
                (
                    f"/datatables/filtered-download/{view['id']}",
                    {"format": "csv", "filters": "{}", "visible": "nama"},
                ),
            ):
                response = app.post(url, data=data, headers=headers, follow_redirects=True)
                probe.answer(response, f"{role} POST {url} ({cls})")
                for label, marker in banned.items():
                    probe.check("leak", marker not in response.body, f"{role} POST {url}: {label}")
    for url in (
        "/feeds/dataset.atom",
        f"/feeds/organization/{world['org']['name']}.atom",
        "/feeds/custom.atom?q=zq",
    ):
        response = app.get(url, headers=headers)
        probe.answer(response, f"{role} GET {url}")
        for label, marker in banned.items():
            probe.check("leak", marker not in response.body, f"{role} GET {url}: {label}")


def test_a_catalogue_from_before_the_rule_is_relabelled(app, world, probe):
    """A dataset closed before activities followed their dataset's labels: its snapshots were left 'public'.
    ``ckan tangerang relabel-activities`` (run at every start) puts them right, and drops purged datasets'."""
    import sqlalchemy as sa
    from ckan import model

    from ckanext.tangerang.logic import access

    moved = world["datasets"]["reclassified"]["id"]
    model.Session.execute(
        sa.text("UPDATE activity SET permission_labels = ARRAY['public'] WHERE object_id = :id"),
        {"id": moved},
    )
    model.Session.execute(
        sa.text(
            "INSERT INTO activity (id, timestamp, user_id, object_id, activity_type, data, permission_labels) "
            "VALUES ('orphan-probe', now(), NULL, 'purged-long-ago', 'changed package', "
            """'{"package": {"title": "zqorphanmk"}}', ARRAY['public'])"""
        )
    )
    model.Session.commit()
    leaked = app.get("/api/3/action/recently_changed_packages_activity_list?include_data=true").body
    assert markers("reclassified")["title"] in leaked, (
        "the simulated old catalogue does not leak: the test is blind"
    )

    relabelled, deleted = access.relabel_all_activities()
    probe.check("leak", relabelled >= 3 and deleted == 1, f"relabelled {relabelled}, deleted {deleted}")
    for url in (
        "/api/3/action/recently_changed_packages_activity_list?include_data=true",
        f"/api/3/action/user_activity_list?id={world['sysadmin']['name']}&include_data=true",
    ):
        body = app.get(url).body
        for marker in (markers("reclassified")["title"], markers("reclassified")["url"], "zqorphanmk"):
            probe.check("leak", marker not in body, f"anonymous GET {url} after relabelling: {marker}")
    probe.check("leak", access.relabel_all_activities() == (0, 0), "a second run changed something")


@pytest.mark.parametrize("role", OUTSIDERS)
def test_bulk_curation_neither_reveals_nor_changes_a_hidden_dataset(app, world, probe, role):
    """A bulk change naming a tertutup dataset, by the API and by the dashboard's forms: refused to those who
    steward no OPD, and for another OPD's editor the same answer as a dataset that does not exist."""
    headers = _headers(world["users"][role])
    banned = forbidden(world, role)
    for cls in ("tertutup", "reclassified"):
        ds = world["datasets"][cls]
        for dry_run in (True, False):
            answers = {}
            for ref in (ds["id"], ds["name"], "tidak-ada"):
                data = {"datasets": [ref], "field": "sektor", "value": "1.02", "dry_run": dry_run}
                url = "/api/3/action/tangerang_bulk_update"
                response = app.post(url, json=data, headers=headers)
                probe.answer(response, f"{role} POST {url} {ref}")
                if role == "other_opd_editor":
                    lines = response.json["result"]["datasets"]
                    answers[ref] = [{k: v for k, v in line.items() if k != "requested"} for line in lines]
                else:
                    probe.check(
                        "steward", response.status_code == 403, f"{role} POST {url}: {response.status_code}"
                    )
                for label, marker in banned.items():
                    if marker != ref:
                        probe.check("leak", marker not in response.body, f"{role} POST {url} {ref}: {label}")
            if answers:
                probe.check(
                    "leak",
                    answers[ds["id"]] == answers[ds["name"]] == answers["tidak-ada"],
                    f"{role} bulk update of {cls}: {answers} differ",
                )
        form = {"dataset": ds["id"], "field": "sektor", "value_sektor": "1.02"}
        for url in ("/dasbor/kurasi/pratinjau", "/dasbor/kurasi/terapkan"):
            response = app.post(url, data=form, headers=headers)
            probe.answer(response, f"{role} POST {url} ({cls})")
            if role != "other_opd_editor":
                probe.check(
                    "steward", response.status_code == 403, f"{role} POST {url}: {response.status_code}"
                )
            for label, marker in banned.items():
                if marker != ds["id"]:
                    probe.check("leak", marker not in response.body, f"{role} POST {url} ({cls}): {label}")
        shown = helpers.call_action("package_show", id=ds["id"])
        probe.check("leak", shown["sektor"] == ds["sektor"], f"{role} changed the {cls} dataset's sektor")
