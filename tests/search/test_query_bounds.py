"""The bounds on the costly parts of a package_search query (logic/search_policy.py): Solr local parameters,
leading, short and many wildcards in q, fq and fq_list, and rows past ckan.search.rows_max are refused with a
bilingual field-level error; the queries the portal and its visitors use still run."""

from __future__ import annotations

import pytest
from ckan.tests import factories

from ckanext.tangerang.logic import search_policy
from tests.helpers import valid_dataset

ALLOWED = [
    "",
    "*:*",
    "penduduk",
    "penduduk*",
    "pen* kes* duk*",
    "title:pend*",
    "res_url:*",
    '"a* b?"',
    r"\*a",
    "apa itu?",
    '+dataset_type:(dataset OR aplikasi) +organization:"dinas-a"',
    "+pemutakhiran_berikutnya:[* TO 2026-12-01T00:00:00Z}",
    "metadata_modified:[2024-01-01T00:00:00Z TO *]",
]
REFUSED = {
    "{!lucene}res_url:x": "local",
    "{!func}sum(1,1)": "local",
    "%7B!join from=id to=id%7Dx": "local",
    "%7b%21frange l=0%7Dx": "local",
    '_query_:"{!dismax}x"': "local",
    "*a*": "start",
    "?*": "start",
    "res_url:*token*": "start",
    "a*": "letters",
    "ab?": "letters",
    "pen* kes* duk* mas*": "most",
}
WORDS = {
    "local": "Solr local parameters",
    "start": "may not start",
    "letters": "at least 3",
    "most": "At most 3",
}


def test_the_query_checks():
    for text in ALLOWED:
        search_policy.check_query("q", text)
    refused = {}
    for text in REFUSED:
        with pytest.raises(search_policy.SearchParameterError) as err:
            search_policy.check_query("fq", text)
        (message,) = err.value.error_dict["fq"]
        refused[text] = next(kind for kind, words in WORDS.items() if words in message)
        assert " / " in message  # Indonesian / English
    assert refused == REFUSED


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.ckan_config("ckan.search.rows_max", 50)
def test_the_api_refuses_costly_queries_and_runs_the_rest(app):
    org = factories.Organization(name="disdukcapil")
    factories.Dataset(**valid_dataset(org["id"]))
    api = "/api/3/action/package_search"
    for params in ({"q": "pendud*"}, {"q": "*:*"}, {"q": ""}, {"fq": "organization:*"}, {"rows": 50}):
        response = app.get(api, query_string=params)
        assert response.status_code == 200, params
        assert response.json["result"]["count"] == 1, params
    refused = [
        ({"q": "{!lucene}*:*"}, "q"),
        ({"fq": "*nduduk"}, "fq"),
        ({"q": "a* b* c* d*"}, "q"),
        ({"rows": 51}, "rows"),
    ]
    for params, field in refused:
        response = app.get(api, query_string=params, status=409)
        assert set(response.json["error"]) == {"__type", field}, params
        assert " / " in response.json["error"][field][0]
    # fq_list is a JSON list: through a POST, as CKAN's API takes it.
    response = app.post(
        api, json={"fq_list": ["+dataset_type:dataset", "{!join from=id to=id}x"]}, status=409
    )
    assert "fq_list" in response.json["error"]
    # The portal's own pages search through package_search too.
    for url in ("/", "/dataset/?q=pendud*", "/aplikasi/", "/organization/disdukcapil", "/sektor/2.12"):
        assert app.get(url).status_code == 200, url
    # A visitor's costly query on the search page: a 400 with the reason, not a 500.
    assert app.get("/dataset/?q=*nduduk", status=400)
