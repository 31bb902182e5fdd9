"""Who may see the applications under review (``tangerang_aplikasi_review``): data stewards of an OPD and
sysadmins. The auth function with real users, and the page through HTTP with its 403 message."""

from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def people():
    admin, editor, member, citizen = factories.User(), factories.User(), factories.User(), factories.User()
    factories.Organization(
        users=[
            {"name": admin["name"], "capacity": "admin"},
            {"name": editor["name"], "capacity": "editor"},
            {"name": member["name"], "capacity": "member"},
        ]
    )
    return {
        "sysadmin": factories.Sysadmin(),
        "admin": admin,
        "editor": editor,
        "member": member,
        "citizen": citizen,
    }


def review(user: str) -> bool:
    return helpers.call_auth("tangerang_aplikasi_review", {"user": user})


@pytest.mark.parametrize("who", ["sysadmin", "admin", "editor"])
def test_stewards_may_review(people, who):
    assert review(people[who]["name"]) is True


@pytest.mark.parametrize("who", ["member", "citizen"])
def test_members_who_may_not_edit_and_citizens_may_not(people, who):
    with pytest.raises(tk.NotAuthorized, match="data stewards of an OPD"):
        review(people[who]["name"])


def test_anonymous_visitors_are_asked_to_log_in():
    with pytest.raises(tk.NotAuthorized) as refused:
        review("")
    assert "Masuk sebagai pengelola data" in str(refused.value)
    assert "Log in as a data steward" in str(refused.value)


def test_the_page_answers_403_with_the_reason(app, people):
    page = app.get("/aplikasi-kajian", status=403)
    assert "Masuk sebagai pengelola data" in page.body
    citizen = factories.UserWithToken()
    page = app.get("/aplikasi-kajian", headers={"Authorization": citizen["token"]}, status=403)
    assert "Halaman ini untuk pengelola data OPD dan walidata" in page.body
