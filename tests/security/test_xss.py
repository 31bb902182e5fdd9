"""Stored XSS: a corpus of payloads, each with its own marker, in every text field of a dataset, a resource, an
application, an OPD and a user; every page a person uses is parsed, and no marker may reach a script, an event
handler, a ``javascript:``/``data:`` URL or an evaluated template."""

from __future__ import annotations

import re
from html import escape as html_escape

import lxml.html
import pytest
from ckan.tests import factories

from tests.helpers import valid_dataset
from tests.security.world import aplikasi, logged_in

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

# {m} is the marker; each payload is a way out of text into code.
PAYLOADS = (
    "<script>alert('{m}')</script>",
    "<img src=x onerror=\"alert('{m}')\">",
    '"><svg onload=alert("{m}")>',
    "' onmouseover='alert(\"{m}\")' x='",
    "[klik](javascript:alert('{m}'))",
    "![gambar](javascript:alert('{m}'))",
    "<a href=\"javascript:alert('{m}')\">tautan</a>",
    "<a href=\"data:text/html,<script>alert('{m}')</script>\">data</a>",
    "<svg><script>alert('{m}')</script></svg>",
    "<iframe src=\"javascript:alert('{m}')\"></iframe>",
    "{{{{7*7}}}}{m}",
)
DATASET_FIELDS = ("title", "notes", "satuan", "ukuran", "metodologi", "produsen_data_nama", "walidata_nama")
RESOURCE_FIELDS = ("name", "description", "format")
APLIKASI_FIELDS = ("title", "notes", "kontak_nama")
ORG_FIELDS = ("title", "description", "singkatan", "kontak_telepon", "alamat")
USER_FIELDS = ("fullname", "about")
JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
ACTIVE_SCHEMES = re.compile(r"^(javascript|data|vbscript):")
MARKER = re.compile(r"xq\d+p\d+z")


def payload(field_number: int) -> str:
    """Every payload once, each marked ``xq<field>p<payload>z``, in one value."""
    return " ".join(p.format(m=f"xq{field_number}p{n}z") for n, p in enumerate(PAYLOADS))


def executable_markers(html: str) -> list[str]:
    """Markers that ended up where a browser would run them."""
    found = []
    tree = lxml.html.fromstring(html)
    for script in tree.iter("script"):
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind in JS_TYPES:
            found += [f"<script>: {m}" for m in MARKER.findall(script.text_content())]
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            markers = MARKER.findall(value)
            if not markers:
                continue
            squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name.lower().startswith("on") or name.lower() == "srcdoc" or ACTIVE_SCHEMES.match(squeezed):
                found += [f"<{element.tag} {name}=...>: {m}" for m in markers]
    found += [f"template evaluated: {m}" for m in re.findall(r"49(xq\d+p\d+z)", html)]
    return found


@pytest.fixture
def stored_payloads(app):
    sysadmin = factories.SysadminWithToken()
    editor = factories.UserWithToken()
    auth = {"Authorization": sysadmin["token"]}
    number = iter(range(1000))

    def fields(names):
        return {name: payload(next(number)) for name in names}

    org = app.post(
        "/api/action/organization_create",
        json={
            "name": "dinkes",
            "users": [{"name": editor["name"], "capacity": "editor"}],
            **fields(ORG_FIELDS),
        },
        headers=auth,
    )
    assert org.status_code == 200, org.body
    org = org.json["result"]
    resource = {"url": "https://data.tangerangkota.go.id/a.csv", **fields(RESOURCE_FIELDS)}
    dataset = app.post(
        "/api/action/package_create",
        json=valid_dataset(org["id"], resources=[resource], **fields(DATASET_FIELDS)),
        headers=auth,
    )
    assert dataset.status_code == 200, dataset.body
    record = app.post(
        "/api/action/package_create",
        json=aplikasi(org["id"], resources=[dict(resource)], **fields(APLIKASI_FIELDS)),
        headers=auth,
    )
    assert record.status_code == 200, record.body
    user = app.post(
        "/api/action/user_patch",
        json={"id": editor["name"], **fields(USER_FIELDS)},
        headers={"Authorization": editor["token"]},
    )
    assert user.status_code == 200, user.body
    return {
        "editor": editor,
        "org": org,
        "dataset": dataset.json["result"],
        "aplikasi": record.json["result"],
        "fields": next(number),
    }


def pages(world) -> list[str]:
    dataset, record, org = world["dataset"], world["aplikasi"], world["org"]
    resource = dataset["resources"][0]
    return [
        "/",
        f"/dataset/{dataset['name']}",
        f"/dataset/{dataset['name']}/resource/{resource['id']}",
        f"/dataset/activity/{dataset['name']}",
        "/dataset/?q=xq",
        f"/dataset/?q={dataset['title'][:20]}",
        f"/aplikasi/{record['name']}",
        f"/aplikasi/{record['name']}/resource/{record['resources'][0]['id']}",
        "/aplikasi/",
        f"/organization/{org['name']}",
        f"/organization/about/{org['name']}",
        f"/organization/activity/{org['name']}",
        "/organization/",
        "/sektor",
        f"/sektor/{dataset['sektor']}",
        f"/user/{world['editor']['name']}",
        f"/user/activity/{world['editor']['name']}",
        f"/dataset/edit/{dataset['name']}",
        f"/aplikasi/edit/{record['name']}",
        f"/organization/edit/{org['name']}",
        "/dashboard/datasets",
    ]


def test_no_stored_payload_reaches_code(app, probe, stored_payloads):
    anonymous = app.test_client()
    editor = logged_in(app, stored_payloads["editor"])
    seen = set()
    for who, client in (("anonymous", anonymous), ("editor", editor)):
        for url in pages(stored_payloads):
            response = client.get(url, follow_redirects=True)
            probe.answer(response, f"{who} GET {url}")
            if response.status_code != 200 or "html" not in response.content_type:
                continue
            body = response.get_data(as_text=True)
            seen.update(MARKER.findall(body))
            for finding in executable_markers(body):
                probe.check("payload", False, f"{who} {url}: {finding}")
            probe.check("payload", True, f"{who} {url} parsed")
    # The probe saw the payloads: every field's marker was rendered somewhere.
    fields_seen = {m.split("p")[0] for m in seen}
    assert len(fields_seen) >= stored_payloads["fields"] - 2, sorted(fields_seen)


def test_the_detector_finds_what_it_looks_for():
    """A test that cannot fail is a defect: the detector flags each way out when it is not escaped."""
    raw = "".join(p.format(m=f"xq0p{n}z") for n, p in enumerate(PAYLOADS) if "[" not in p and "{{" not in p)
    html = f"<html><body>{raw}<p>49xq0p10z</p></body></html>"
    assert len(executable_markers(html)) >= 8
    assert executable_markers(f"<html><body><p>{html_escape(raw)}</p></body></html>") == []
