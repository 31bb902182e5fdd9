"""The EU MQA score of a dataset's DCAT graph, against the weights data.europa.eu publishes, and of /dataset/<name>.rdf."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from ckan.tests import factories, helpers

from ckanext.tangerang.quality import mqa
from tests.helpers import valid_dataset

DATA = Path(__file__).parent.parent / "data" / "quality"

# The methodology's weights, copied from data.europa.eu's "Metadata quality dashboard" tables (not from the
# module's table, which these tests check).
WEIGHTS = {
    "findability": {"keyword": 30, "theme": 30, "spatial": 20, "temporal": 20},
    "accessibility": {"access_url_reachable": 50, "download_url": 20, "download_url_reachable": 30},
    "interoperability": {
        "format": 20,
        "media_type": 10,
        "format_media_type_vocabulary": 10,
        "non_proprietary": 20,
        "machine_readable": 20,
        "dcat_ap_compliance": 30,
    },
    "reusability": {
        "license": 20,
        "license_vocabulary": 10,
        "access_rights": 10,
        "access_rights_vocabulary": 5,
        "contact_point": 20,
        "publisher": 10,
    },
    "contextuality": {"rights": 5, "byte_size": 5, "issued": 5, "modified": 5},
}
WEIGHT = {key: weight for indicators in WEIGHTS.values() for key, weight in indicators.items()}

PREFIXES = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""


def graph(name: str) -> rdflib.Graph:
    return rdflib.Graph().parse(DATA / f"{name}.ttl")


def always(url: str) -> bool:
    return True


def indicators(result: dict) -> dict[str, dict]:
    return {i["key"]: i for d in result["dimensions"].values() for i in d["indicators"]}


def assert_points(result: dict, lost: dict[str, float]) -> None:
    """Every indicator has its full weight but for the points lost, and the totals add up."""
    found = {key: i["points"] for key, i in indicators(result).items()}
    assert found == {key: weight - lost.get(key, 0) for key, weight in WEIGHT.items()}
    for name, dimension in result["dimensions"].items():
        assert dimension["points"] == sum(WEIGHTS[name].values()) - sum(lost.get(k, 0) for k in WEIGHTS[name])
    assert result["points"] == round(405 - sum(lost.values()))


def test_the_table_is_the_methodologys():
    result = mqa.score(graph("full"), always)
    assert result["max"] == mqa.MAX_POINTS == 405
    assert {name: d["max"] for name, d in result["dimensions"].items()} == {
        "findability": 100,
        "accessibility": 100,
        "interoperability": 110,
        "reusability": 75,
        "contextuality": 20,
    }
    assert {key: i["max"] for key, i in indicators(result).items()} == WEIGHT


@pytest.mark.parametrize(
    ("points", "rating"),
    [(405, "excellent"), (351, "excellent"), (350, "good"), (221, "good"), (220, "sufficient"),
     (121, "sufficient"), (120, "bad"), (0, "bad")],
)  # fmt: skip
def test_ratings(points, rating):
    assert mqa.rating(points) == rating


def test_full_dataset_scores_the_maximum_when_its_links_are_reachable():
    result = mqa.score(graph("full"), always)
    assert (result["points"], result["rating"]) == (405, "excellent")
    assert_points(result, {})
    assert all(i["met"] and i["advice_id"] == i["advice_en"] == "" for i in indicators(result).values())


@pytest.mark.parametrize(
    ("verdict", "advice_en"),
    [(None, "Links not checked yet by the link checker (portal's output)."),
     (False, "Fix resource links that cannot be reached (steward's field).")],
)  # fmt: skip
def test_unchecked_or_broken_links_score_nothing(verdict, advice_en):
    asked = []
    result = mqa.score(graph("full"), lambda url: asked.append(url) or verdict)
    assert asked == ["https://files.example/penduduk-2025.csv"] * 2
    assert_points(result, {"access_url_reachable": 50, "download_url_reachable": 30})
    assert result["rating"] == "good"  # 325
    found = indicators(result)["access_url_reachable"]
    assert (found["met"], found["advice_en"]) == (False, advice_en)


def test_empty_dataset_scores_only_its_dcat_ap_conformance():
    result = mqa.score(graph("empty"), always)
    assert (result["points"], result["rating"]) == (30, "bad")
    assert_points(result, {key: w for key, w in WEIGHT.items() if key != "dcat_ap_compliance"})
    found = indicators(result)
    assert found["keyword"]["advice_id"] == "Tambahkan kata kunci (isian pengelola data)."
    assert found["keyword"]["advice_en"] == "Add keywords (steward's field)."
    assert found["publisher"]["advice_en"] == "Publish the publisher (the agency) (portal's output)."
    assert found["download_url"]["advice_en"] == "Add a resource (a data file or link) (steward's field)."


EU = "http://publications.europa.eu/resource/authority/"


def replace(subject: str, prop: str, value: str) -> str:
    """A SPARQL update that gives prop a new value on the subjects matching the pattern."""
    return f"DELETE {{ ?s {prop} ?o }} INSERT {{ ?s {prop} {value} }} WHERE {{ {subject} {prop} ?o }}"


# One change to the full dataset, and the indicators it costs with their full weights.
FLIPS = {
    "no keywords": ("DELETE WHERE { ?d dcat:keyword ?k }", {"keyword": 30}),
    "no theme": ("DELETE WHERE { ?d dcat:theme ?t }", {"theme": 30}),
    "no spatial": ("DELETE WHERE { ?d dct:spatial ?s }", {"spatial": 20}),
    "no temporal": ("DELETE WHERE { ?d dct:temporal ?t . ?t ?p ?o }", {"temporal": 20}),
    "no downloadURL": (
        "DELETE WHERE { ?d dcat:downloadURL ?u }",
        {"download_url": 20, "download_url_reachable": 30},
    ),
    "no media type": ("DELETE WHERE { ?d dcat:mediaType ?m }", {"media_type": 10}),
    "format as text": (
        replace("?s", "dct:format", "'CSV'"),
        {
            "format_media_type_vocabulary": 10,
            "non_proprietary": 20,
            "machine_readable": 20,
            "dcat_ap_compliance": 30,
        },
    ),
    "proprietary format": (replace("?s", "dct:format", f"<{EU}file-type/XLSX>"), {"non_proprietary": 20}),
    "not machine-readable": (replace("?s", "dct:format", f"<{EU}file-type/PDF>"), {"machine_readable": 20}),
    "no licence": ("DELETE WHERE { ?d dct:license ?l }", {"license": 20, "license_vocabulary": 10}),
    "licence outside the vocabulary": (
        replace("?s", "dct:license", "<https://example.org/lisensi-kota>"),
        {"license_vocabulary": 10},
    ),
    "no access rights": (
        "DELETE { ?d dct:accessRights ?r } WHERE { ?d a dcat:Dataset ; dct:accessRights ?r }",
        {"access_rights": 10, "access_rights_vocabulary": 5},
    ),
    "access rights outside the vocabulary": (
        replace("?s a dcat:Dataset ; ", "dct:accessRights", "<https://example.org/terbuka>"),
        {"access_rights_vocabulary": 5},
    ),
    "no contact point": ("DELETE WHERE { ?d dcat:contactPoint ?c . ?c ?p ?o }", {"contact_point": 20}),
    "no publisher": ("DELETE WHERE { ?d dct:publisher ?p }", {"publisher": 10}),
    "publisher without a name": ("DELETE WHERE { ?a a foaf:Agent ; ?p ?o }", {"dcat_ap_compliance": 30}),
    "no description": ("DELETE WHERE { ?d dct:description ?t }", {"dcat_ap_compliance": 30}),
    "no rights": ("DELETE WHERE { ?d dct:rights ?r . ?r ?p ?o }", {"rights": 5}),
    "no byte size": ("DELETE WHERE { ?d dcat:byteSize ?s }", {"byte_size": 5}),
    "byte size untyped": (replace("?s", "dcat:byteSize", "'20 KB'"), {"dcat_ap_compliance": 30}),
    "no issued": ("DELETE WHERE { ?d dct:issued ?t }", {"issued": 5}),
    "no modified": ("DELETE WHERE { ?d dct:modified ?t }", {"modified": 5}),
}


@pytest.mark.parametrize("flip", FLIPS, ids=list(FLIPS))
def test_one_change_costs_exactly_its_indicators(flip):
    update, lost = FLIPS[flip]
    g = graph("full")
    g.update(PREFIXES + update)
    assert set(g) != set(graph("full")), "the change did not apply"
    result = mqa.score(g, always)
    assert_points(result, lost)
    assert {key for key, i in indicators(result).items() if not i["met"]} == set(lost)


def test_what_the_portal_published_before_issue_12():
    result = mqa.score(graph("portal-today"), always)
    lost = {
        "download_url": 20,
        "download_url_reachable": 30,
        "format_media_type_vocabulary": 10,
        "non_proprietary": 20,
        "machine_readable": 20,
        "dcat_ap_compliance": 30,
        "license": 20,
        "license_vocabulary": 10,
        "rights": 5,
        "byte_size": 5,
    }
    assert_points(result, lost)
    assert (result["points"], result["rating"]) == (235, "good")
    advice = indicators(result)["dcat_ap_compliance"]["advice_en"]
    assert "dct:source must be a dcat:Dataset" in advice
    assert "dcat:Distribution dct:format must be an IRI, not text" in advice
    assert "dcat:Distribution dcat:mediaType must be an IRI, not text" in advice


def test_interoperability_takes_the_best_distribution_and_the_rest_their_share():
    result = mqa.score(graph("two-distributions"), lambda url: url.endswith(".csv"))
    found = {key: i["points"] for key, i in indicators(result).items()}
    # interoperability: the CSV distribution alone counts ("only the distribution with the highest number of points")
    assert [found[k] for k in WEIGHTS["interoperability"]] == [20, 10, 10, 20, 20, 30]
    # accessibility, licence, rights and size: one of the two distributions has them
    assert [found[k] for k in WEIGHTS["accessibility"]] == [25, 10, 15]
    assert [found[k] for k in ("license", "license_vocabulary", "rights", "byte_size")] == [10, 5, 2.5, 2.5]
    assert result["points"] == 180  # 110 + 50 + 15 + 5; no dataset-level indicator but DCAT-AP is met


def test_interoperability_counts_one_distribution_not_the_best_of_each_indicator():
    g = graph("two-distributions")
    g.update(
        PREFIXES + "DELETE WHERE { <https://data.example/d/csv> dcat:mediaType ?m } ;"
        " INSERT DATA { <https://data.example/d/pdf> dcat:mediaType"
        " <http://www.iana.org/assignments/media-types/application/pdf> }"
    )
    found = {key: i["points"] for key, i in indicators(mqa.score(g, always)).items()}
    # the CSV file (70 points without its media type) still beats the PDF (60 with one): the media type is lost
    assert [found[k] for k in WEIGHTS["interoperability"]] == [20, 0, 10, 20, 20, 30]


# --------------------------------------------------------------------------------- the portal's own output


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_the_portals_rdf_is_scored_and_keywords_raise_findability_by_their_weight(app):
    user = factories.Sysadmin()
    org = factories.Organization()
    data = valid_dataset(
        org["id"],
        resources=[{"name": "Data 2025 (CSV)", "format": "CSV", "url": "https://files.example/p.csv"}],
    )
    dataset = helpers.call_action("package_create", context={"user": user["name"]}, **data)

    def fetch() -> dict:
        response = app.get(f"/dataset/{dataset['name']}.rdf")
        assert response.status_code == 200
        return mqa.score(rdflib.Graph().parse(data=response.body, format="xml"), always)

    before = fetch()
    assert before["rating"] in ("sufficient", "good", "excellent"), before
    found = indicators(before)
    assert found["keyword"]["points"] == 0
    assert found["keyword"]["advice_id"] == "Tambahkan kata kunci (isian pengelola data)."
    assert all(found[key]["met"] for key in ("theme", "spatial", "temporal", "contact_point", "publisher"))

    helpers.call_action(
        "package_patch", context={"user": user["name"]}, id=dataset["id"], tag_string="penduduk,kependudukan"
    )
    after = fetch()
    findability = after["dimensions"]["findability"]["points"] - before["dimensions"]["findability"]["points"]
    assert findability == WEIGHT["keyword"] == 30
    assert indicators(after)["keyword"]["met"]
    assert after["points"] == before["points"] + 30
