"""The portal's rules of who may do what that are CKAN settings or views rather than our auth functions (those
are in test_auth.py, the purge in test_action.py): a user of no OPD publishes nothing, and an anonymous follow
is a 403, not a 500. Asked through HTTP."""

from __future__ import annotations

import pytest
from ckan.tests import factories

from tests.helpers import valid_dataset
from tests.security.world import make_world

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _api(app, action, user=None, **data):
    headers = {"Authorization": user["token"]} if user else {}
    return app.post(f"/api/action/{action}", json=data, headers=headers)


def test_a_user_of_no_opd_publishes_no_dataset(app):
    citizen = factories.UserWithToken()
    org = factories.Organization()
    response = _api(app, "package_create", citizen, **valid_dataset(org["id"]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path", ["/dataset/follow/{name}", "/dataset/unfollow/{name}", "/aplikasi/follow/laksa"]
)
def test_anonymous_follow_is_refused_not_500(app, path):
    world = make_world()
    url = path.format(name=world["dataset"]["name"])
    response = app.post(url)
    assert response.status_code == 403
    assert "silakan masuk" in response.body
