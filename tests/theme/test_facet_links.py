"""The search pages' facet links: ours are CKAN's ``add_url_param`` links, built once per request."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest

from ckanext.tangerang import helpers


@pytest.mark.parametrize(
    ("url", "extras", "alternative"),
    [
        ("/dataset/?q=air+bersih&sektor=2.12&page=3", None, None),
        ("/dataset/?tags=a&tags=b%20c", None, None),
        ("/organization/dinkes?q=x", {"id": "dinkes"}, None),
        ("/aplikasi/?q=ü&page=2", None, "/aplikasi/"),
    ],
)
def test_the_same_link_as_ckans_add_url_param_without_the_page(app, url, extras, alternative):
    with app.flask_app.test_request_context(url):
        app.flask_app.preprocess_request()
        for value in ("2.12", "Kesehatan & Gizi", "ü"):
            ours = helpers.tangerang_facet_href("sektor", value, extras, alternative)
            assert ours == tk.h.add_url_param(
                new_params={"sektor": value}, extras=extras, alternative_url=alternative
            )
            assert "page=" not in ours
