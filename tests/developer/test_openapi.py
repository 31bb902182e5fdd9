"""The OpenAPI document and the developer page against the code they describe: every registered ``tangerang_*``
action documented (and nothing else of ours), every documented CKAN action registered, write actions as POST with
the token, the bounds those of logic/search_policy.py and the configuration."""

from __future__ import annotations

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
import pytest
import schemathesis

from ckanext.tangerang import apidocs, openapi
from ckanext.tangerang.logic import search_policy

pytestmark = pytest.mark.usefixtures("with_plugins")

API = "/api/3/action/"


def _ours() -> set[str]:
    return {name for name in plugins.get_plugin("tangerang").get_actions() if name.startswith("tangerang_")}


def test_the_document_describes_the_registered_actions(app):
    response = app.get("/pengembang/openapi.json")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    document = response.json
    assert document["openapi"].startswith("3.1")
    documented = {path.removeprefix(API): item for path, item in document["paths"].items()}
    assert {name for name in documented if name.startswith("tangerang_")} == _ours()
    for name in set(documented) - _ours():
        tk.get_action(name)  # a CKAN action the portal really offers (KeyError otherwise)
    assert set(apidocs.CKAN_READ_ACTIONS) <= set(documented)
    assert set(openapi.RESULTS) <= set(documented)  # no result schema for an action that is not there
    for name in (
        "tangerang_stats",
        "tangerang_aplikasi_list",
        "tangerang_aplikasi_show",
        "tangerang_download_counts",
    ):
        assert "get" in documented[name] and name in openapi.RESULTS, name

    for name, item in documented.items():
        ((method, operation),) = item.items()
        reads = getattr(tk.get_action(name), "side_effect_free", False)
        assert method == ("get" if reads else "post"), name
        assert operation["summary"] and {"200", "403", "404", "409"} <= set(operation["responses"]), name
        if method == "post":
            assert operation["security"] == [{"apiToken": []}], name
    assert document["components"]["securitySchemes"]["apiToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "an API token made on the user's page (API Tokens tab)",
    }

    search = {p["name"]: p["schema"] for p in documented["package_search"]["get"]["parameters"]}
    assert search["rows"]["maximum"] == tk.config.get("ckan.search.rows_max")
    assert search["start"]["maximum"] == search_policy.MAX_START
    assert search["facet.limit"]["maximum"] == search_policy.MAX_FACET_LIMIT
    assert set(search) <= search_policy.PARAMETERS
    # schemathesis reads it as an OpenAPI 3.1 document with an operation per action.
    loaded = schemathesis.openapi.from_dict(document)
    assert len(list(loaded.get_all_operations())) == len(documented)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_the_developer_page_documents_every_action_from_its_docstring(app):
    body = app.get("/pengembang").body
    for name in _ours():
        action = apidocs.parse_docstring(name, tk.get_action(name).__doc__)
        assert action.summary and f'id="aksi-{name}"' in body, name
        assert str(apidocs.inline(action.summary)) in body, name
        for param in action.params:
            assert param.type, f"{name}: :param {param.name}: has no :type:"
            assert f"<code>{param.name}</code>" in body
    for bound in (search_policy.MAX_START, search_policy.MAX_FACET_LIMIT):
        assert f"{bound}" in body.replace(".", "").replace(",", "")
    for field in search_policy.FACET_FIELDS | search_policy.SORT_FIELDS:
        assert f"<code>{field}</code>" in body
    assert "/pengembang/openapi.json" in body
    # An empty portal: the examples say what to put in, and are not offered as runnable.
    assert apidocs.NO_DATASET in body and 'data-example="dataset" data-lang="curl" data-run="no"' in body


def test_docstrings_are_parsed_into_their_parts():
    action = apidocs.parse_docstring(
        "x",
        """Say one thing.

        More about it, on
        two lines.

        :param id: the id of the resource
        :type id: string
        :param rows: how many (optional, default 10,
            at most 100)
        :type rows: int

        :returns: ``{"a"}`` and
            more
        :rtype: dictionary
        """,
    )
    assert action.summary == "Say one thing."
    assert action.paragraphs == ["More about it, on two lines."]
    assert [(p.name, p.type, p.required) for p in action.params] == [
        ("id", "string", True),
        ("rows", "int", False),
    ]
    assert action.params[1].description == "how many (optional, default 10, at most 100)"
    assert action.returns == '``{"a"}`` and more' and action.rtype == "dictionary"
    assert str(apidocs.inline(action.returns)) == "<code>{&#34;a&#34;}</code> and more"
