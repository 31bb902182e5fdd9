"""A small portal for the web-attack probes (test_csrf, test_xss, test_uploads): an OPD with an editor, a
sysadmin, a dataset with a resource and an application, all made through the API with real users."""

from __future__ import annotations

import re

from ckan.tests import factories, helpers

from tests.helpers import aplikasi, valid_dataset

CSRF_META = re.compile(r'<meta name="_csrf_token" content="([^"]+)"')


def make_world() -> dict:
    sysadmin = factories.SysadminWithToken()
    editor = factories.UserWithToken()
    org = factories.Organization(name="dinkes", users=[{"name": editor["name"], "capacity": "editor"}])
    context = {"user": sysadmin["name"]}
    dataset = helpers.call_action(
        "package_create",
        context=dict(context),
        **valid_dataset(
            org["id"],
            resources=[{"url": "https://data.tangerangkota.go.id/data-2025.csv", "name": "Data 2025"}],
        ),
    )
    app_record = helpers.call_action("package_create", context=dict(context), **aplikasi(org["id"]))
    return {
        "sysadmin": sysadmin,
        "editor": editor,
        "org": org,
        "dataset": dataset,
        "resource": dataset["resources"][0],
        "aplikasi": app_record,
    }


def csrf_token(client, url: str = "/dataset/") -> str:
    """The CSRF token a page gives its visitor (CKAN puts it in a meta tag for its JavaScript)."""
    match = CSRF_META.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def logged_in(app, user: dict):
    """A browser that logged in through the login form: a real cookie session (the factories' users of
    ``*WithToken`` have the password ``correct123``)."""
    client = app.test_client()
    token = csrf_token(client, "/user/login")
    client.post("/user/login", data={"login": user["name"], "password": "correct123", "_csrf_token": token})
    assert user["name"] in client.get("/dashboard/datasets").get_data(as_text=True), "login failed"
    return client
