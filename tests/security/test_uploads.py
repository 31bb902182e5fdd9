"""Uploaded files never run in the portal's origin: every download carries a sandbox CSP and nosniff, and only
passive types (raster images, plain text, CSV) are shown inline; HTML, SVG, XML, JS and anything sent as
text/html are attachments. Every page carries the baseline headers. Links that are not http(s)/ftp(s) are
refused at the schema and never followed by the download route."""

from __future__ import annotations

import io

import pytest
from ckan import model
from ckan.lib import search
from ckan.tests import helpers

from ckanext.tangerang import web_security
from tests.security.world import make_world

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SCRIPT = b"<script>alert('upload-xss')</script>"
ACTIVE_UPLOADS = [
    ("halaman.html", b"<html><body>" + SCRIPT + b"</body></html>", None),
    ("gambar.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">' + SCRIPT + b"</svg>", None),
    ("data.xml", b'<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>', None),
    ("kode.js", b"alert(document.cookie)", None),
    ("data.csv", b"<html>" + SCRIPT, "text/html"),  # a harmless name with an active stored mimetype
    ("catatan.txt", SCRIPT, "application/xhtml+xml"),
]


def _upload(app, world, filename, content, mimetype):
    form = {"package_id": world["dataset"]["id"], "name": filename, "upload": (io.BytesIO(content), filename)}
    if mimetype:
        form["mimetype"] = mimetype
    response = app.post(
        "/api/action/resource_create",
        data=form,
        headers={"Authorization": world["editor"]["token"]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.body
    return response.json["result"]


@pytest.mark.parametrize("filename,content,mimetype", ACTIVE_UPLOADS)
def test_active_uploads_are_sandboxed_attachments(app, probe, filename, content, mimetype):
    world = make_world()
    resource = _upload(app, world, filename, content, mimetype)
    for who, headers in (("anonymous", {}), ("editor", {"Authorization": world["editor"]["token"]})):
        response = app.get(resource["url"].replace("http://test.ckan.net", ""), headers=headers)
        probe.answer(response, f"{who} download of {filename}")
        served = response.headers
        probe.check(
            "payload", response.status_code == 200, f"{filename} downloadable ({response.status_code})"
        )
        probe.check(
            "payload", served.get("X-Content-Type-Options") == "nosniff", f"{filename} without nosniff"
        )
        csp = served.get("Content-Security-Policy", "")
        probe.check("payload", "sandbox" in csp and "default-src 'none'" in csp, f"{filename} CSP {csp!r}")
        disposition = served.get("Content-Disposition", "")
        probe.check("payload", disposition.startswith("attachment"), f"{filename} served {disposition!r}")
        content_type = served.get("Content-Type", "")
        probe.check(
            "payload",
            not any(word in content_type for word in ("html", "xml", "javascript")) or "svg" in content_type,
            f"{filename} served as {content_type!r}",
        )


@pytest.mark.parametrize(
    "filename,content,inline_type",
    [("foto.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png"), ("data.csv", b"a,b\n1,2\n", "text/csv")],
)
def test_passive_uploads_stay_inline_but_sandboxed(app, probe, filename, content, inline_type):
    world = make_world()
    resource = _upload(app, world, filename, content, None)
    response = app.get(resource["url"].replace("http://test.ckan.net", ""))
    probe.answer(response, f"download of {filename}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(inline_type)
    assert response.headers["Content-Disposition"] == "inline"
    assert response.headers["Content-Security-Policy"] == web_security.FILE_CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/dataset/", "/aplikasi/", "/organization/", "/sektor", "/pengembang"])
def test_every_page_carries_the_baseline_headers(app, probe, path):
    response = app.get(path)
    probe.answer(response, f"GET {path}")
    for name, value in web_security.BASELINE_HEADERS.items():
        probe.check(
            "payload", response.headers.get(name) == value, f"{path} {name}: {response.headers.get(name)!r}"
        )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x.csv",
        "file:///etc/passwd",
    ],
)
def test_resource_links_must_be_web_addresses(app, probe, url):
    world = make_world()
    response = app.post(
        "/api/action/resource_create",
        json={"package_id": world["dataset"]["id"], "name": "Tautan", "url": url},
        headers={"Authorization": world["editor"]["token"]},
    )
    probe.answer(response, f"resource_create with url {url!r}")
    error = str(response.json.get("error", {}).get("url", ""))
    probe.check(
        "bad_input",
        response.status_code == 409 and " / " in error,
        f"resource url {url!r} answered {response.status_code} {error}",
    )


def test_download_never_redirects_to_a_stored_non_web_link(app, probe):
    """A link stored before the schema refused it (or written around validation) is not followed."""
    world = make_world()
    resource = world["resource"]
    model.Session.query(model.Resource).filter_by(id=resource["id"]).update({"url": "javascript:alert(1)"})
    model.Session.commit()
    search.rebuild(world["dataset"]["id"])
    response = app.get(
        f"/dataset/{world['dataset']['name']}/resource/{resource['id']}/download", follow_redirects=False
    )
    probe.answer(response, "download of a javascript: link")
    probe.check(
        "payload", response.status_code == 404, f"javascript: download answered {response.status_code}"
    )
    probe.check(
        "payload", "javascript:" not in response.headers.get("Location", ""), "redirected to javascript:"
    )
    assert "bukan alamat web" in response.body


def test_web_links_still_redirect(app):
    world = make_world()
    response = app.get(
        f"/dataset/{world['dataset']['name']}/resource/{world['resource']['id']}/download",
        follow_redirects=False,
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "https://data.tangerangkota.go.id/data-2025.csv"
    assert helpers.call_action("resource_show", id=world["resource"]["id"])["url"].startswith("https://")
