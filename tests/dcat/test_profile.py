"""The ``tangerang`` DCAT profile: Tangerang fields in DCAT-AP 3 output, and back for the DCAT harvester."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
import rdflib
from ckan.tests import factories, helpers
from ckanext.dcat.processors import RDFParser, RDFSerializer
from rdflib import Literal, URIRef
from rdflib.namespace import FOAF, PROV, RDF, SKOS, XSD

from ckanext.tangerang.dcat import (
    DAFTAR_DATA_SCHEME,
    SDMX_ATTRIBUTE,
    TGR,
    WALIDATA_ROLE,
)
from ckanext.tangerang.logic import validators

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = rdflib.Namespace("http://www.w3.org/ns/adms#")

DEF = "https://data.tangerangkota.go.id/def/"
ACCESS = "http://publications.europa.eu/resource/authority/access-right/"
PUBLIC, RESTRICTED, NON_PUBLIC = (URIRef(ACCESS + c) for c in ("PUBLIC", "RESTRICTED", "NON_PUBLIC"))
FILE_URL = "https://files.tangerangkota.go.id/penduduk-2025.csv"
SITE = "http://test.ckan.net"  # ckan.site_url of test.ini, the base of dataset and resource URIs


def dataset_dict(**overrides) -> dict:
    """A package_show-like dict of the Tangerang schema (as package_show returns it: years as strings)."""
    data = {
        "id": "6b1f0e1c-0000-4000-8000-000000000001",
        "name": "jumlah-penduduk-per-kelurahan-2025",
        "title": "Jumlah Penduduk per Kelurahan 2025",
        "notes": "Jumlah penduduk menurut kelurahan dan jenis kelamin.",
        "type": "dataset",
        "owner_org": "6b1f0e1c-0000-4000-8000-0000000000aa",
        "klasifikasi": "terbuka",
        "sektor": "1.02",
        "frekuensi": "tahunan",
        "cakupan_wilayah": ["36.71.01", "36.71.01.1001"],
        "tahun_awal": "2020",
        "tahun_akhir": "2025",
        "satuan": "jiwa",
        "ukuran": "jumlah",
        "kode_daftar_data": "3671.1.02.0001",
        "kode_standar_data": "SD.1.02.0001",
        "produsen_data_nama": "Bidang Data Dinkes",
        "produsen_data_email": "data@dinkes.tangerangkota.go.id",
        "walidata_nama": "Diskominfo Kota Tangerang",
        "walidata_email": "satudata@tangerangkota.go.id",
        "aplikasi_sumber": "sobatdukcapil",
        "tags": [],
        "extras": [],
        "resources": [
            {
                "id": "6b1f0e1c-0000-4000-8000-0000000000r1",
                "package_id": "6b1f0e1c-0000-4000-8000-000000000001",
                "name": "Data 2025 (CSV)",
                "format": "CSV",
                "url": FILE_URL,
            }
        ],
    }
    data.update(overrides)
    return data


def serialize(data: dict, profiles=("euro_dcat_ap_3", "tangerang")) -> tuple[rdflib.Graph, URIRef]:
    serializer = RDFSerializer(profiles=list(profiles))
    ref = serializer.graph_from_dataset(data)
    return serializer.g, ref


def distributions(g: rdflib.Graph, ref: URIRef) -> list:
    return list(g.objects(ref, DCAT.distribution))


def assert_tangerang_triples(g: rdflib.Graph, ref: URIRef, data: dict) -> None:
    """The triples of dataset_dict()'s Tangerang fields (those the e2e datasets share with it)."""
    theme = URIRef(DEF + "urusan/1.02")
    assert (ref, DCAT.theme, theme) in g
    assert (theme, SKOS.prefLabel, Literal("Kesehatan", lang="id")) in g
    assert (theme, RDF.type, SKOS.Concept) in g

    assert (
        ref,
        DCT.accrualPeriodicity,
        URIRef("http://publications.europa.eu/resource/authority/frequency/ANNUAL"),
    ) in g

    spatial = {str(s) for s in g.objects(ref, DCT.spatial)}
    assert spatial == {DEF + "wilayah/36.71.01", DEF + "wilayah/36.71.01.1001"}
    kec = URIRef(DEF + "wilayah/36.71.01")
    assert (kec, RDF.type, DCT.Location) in g
    assert (kec, SKOS.prefLabel, Literal("Tangerang", lang="id")) in g
    assert (kec, DCT.identifier, Literal("36.71.01")) in g
    assert (URIRef(DEF + "wilayah/36.71.01.1001"), SKOS.prefLabel, Literal("Sukarasa", lang="id")) in g

    [period] = g.objects(ref, DCT.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2020-01-01", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal("2025-12-31", datatype=XSD.date)

    [contact] = g.objects(ref, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in g
    assert g.value(contact, VCARD.fn) == Literal(data["produsen_data_nama"])
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:" + data["produsen_data_email"])

    [attribution] = g.objects(ref, PROV.qualifiedAttribution)
    assert (attribution, DCAT.hadRole, WALIDATA_ROLE) in g
    agent = g.value(attribution, PROV.agent)
    assert g.value(agent, FOAF.name) == Literal(data["walidata_nama"])
    assert g.value(agent, FOAF.mbox) == URIRef("mailto:" + data["walidata_email"])

    assert (ref, DCT.conformsTo, URIRef(DEF + "standar-data/SD.1.02.0001")) in g
    [identifier] = [i for i in g.objects(ref, ADMS.identifier) if g.value(i, SKOS.notation) is not None]
    assert g.value(identifier, SKOS.notation) == Literal("3671.1.02.0001", datatype=DAFTAR_DATA_SCHEME)
    assert g.value(ref, SDMX_ATTRIBUTE.unitMeasure) == Literal("jiwa")
    assert g.value(ref, TGR.ukuran) == Literal("jumlah")


# --------------------------------------------------------------------------------------- unit: no DB, no app


class TestSerializeDict:
    def test_every_tangerang_field_has_its_triples(self):
        data = dataset_dict()
        g, ref = serialize(data)
        assert_tangerang_triples(g, ref, data)
        assert (ref, DCT.relation, URIRef(f"{SITE}/aplikasi/sobatdukcapil")) in g
        assert (ref, DCT.source, None) not in g
        assert (ref, DCT.accessRights, PUBLIC) in g
        # euro_dcat_ap_3's own triples are still there, once.
        assert len(list(g.objects(ref, DCT.title))) == 1
        assert len(list(g.objects(ref, DCAT.theme))) == 1

    def test_open_distribution_keeps_its_file_url(self):
        g, ref = serialize(dataset_dict())
        [dist] = distributions(g, ref)
        assert (dist, DCT.accessRights, PUBLIC) in g
        assert (dist, DCAT.accessURL, URIRef(FILE_URL)) in g

    def test_limited_distribution_has_restricted_rights_and_no_file_url(self):
        g, ref = serialize(dataset_dict(klasifikasi="terbatas"))
        assert (ref, DCT.accessRights, RESTRICTED) in g
        [dist] = distributions(g, ref)
        assert (dist, DCT.accessRights, RESTRICTED) in g
        assert FILE_URL not in g.serialize(format="turtle")
        # DCAT-AP's mandatory access URL is the dataset's page, where the visitor learns whom to ask.
        assert set(g.objects(dist, DCAT.accessURL)) == {
            URIRef(f"{SITE}/dataset/jumlah-penduduk-per-kelurahan-2025")
        }
        assert (dist, DCAT.downloadURL, None) not in g

    def test_missing_urls_are_not_emitted(self):
        data = dataset_dict(klasifikasi="tertutup")
        data["resources"][0]["url"] = ""
        g, ref = serialize(data)
        [dist] = distributions(g, ref)
        assert (dist, DCT.accessRights, NON_PUBLIC) in g
        assert (dist, DCAT.downloadURL, None) not in g
        assert set(g.objects(dist, DCAT.accessURL)) == {
            URIRef(f"{SITE}/dataset/jumlah-penduduk-per-kelurahan-2025")
        }

    def test_empty_optional_fields_emit_nothing(self):
        data = dataset_dict()
        for key in (
            "satuan",
            "ukuran",
            "kode_daftar_data",
            "kode_standar_data",
            "walidata_nama",
            "walidata_email",
            "produsen_data_nama",
            "produsen_data_email",
            "aplikasi_sumber",
            "tahun_awal",
            "tahun_akhir",
        ):
            data.pop(key)
        g, ref = serialize(data)
        for predicate in (
            DCT.temporal,
            PROV.qualifiedAttribution,
            DCT.relation,
            DCT.conformsTo,
            ADMS.identifier,
            SDMX_ATTRIBUTE.unitMeasure,
            TGR.ukuran,
        ):
            assert (ref, predicate, None) not in g, predicate
        # The contact point DCAT-AP recommends is then the portal's walidata (config_declaration's defaults).
        [contact] = g.objects(ref, DCAT.contactPoint)
        assert g.value(contact, VCARD.fn) == Literal("Dinas Komunikasi dan Informatika Kota Tangerang")
        assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:satudata@tangerangkota.go.id")
        # ... which the way back does not take for a producer.
        parsed = parse(g.serialize(format="turtle"))
        assert "produsen_data_nama" not in parsed and "produsen_data_email" not in parsed

    def test_publisher_falls_back_to_the_dicts_organization(self):
        org = {"id": "6b1f0e1c-0000-4000-8000-0000000000aa", "name": "dinkes", "title": "Dinas Kesehatan"}
        g, ref = serialize(dataset_dict(organization=org), profiles=("tangerang",))
        publisher = g.value(ref, DCT.publisher)
        assert publisher == URIRef(f"{SITE}/organization/{org['id']}")
        assert g.value(publisher, FOAF.name) == Literal("Dinas Kesehatan")


TURTLE = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#> .
@prefix tgr: <https://data.tangerangkota.go.id/def/ns#> .

<https://satudata.example.go.id/dataset/kunjungan-puskesmas> a dcat:Dataset ;
    dct:title "Kunjungan Puskesmas 2024" ;
    dct:description "Jumlah kunjungan pasien per puskesmas." ;
    dcat:theme <https://data.tangerangkota.go.id/def/urusan/1.02>,
        <http://publications.europa.eu/resource/authority/data-theme/HEAL> ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/RESTRICTED> ;
    dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/MONTHLY> ;
    dct:spatial <https://data.tangerangkota.go.id/def/wilayah/36.71.02>,
        [ a dct:Location ; dct:identifier "36.71.03" ; skos:prefLabel "Batuceper" ] ;
    dct:temporal [ a dct:PeriodOfTime ;
        dcat:startDate "2021-01-01"^^xsd:date ; dcat:endDate "2024-12-31"^^xsd:date ] ;
    dcat:contactPoint [ a vcard:Kind ; vcard:fn "Seksi Data Dinkes" ;
        vcard:hasEmail <mailto:data@dinkes.tangerangkota.go.id> ] ;
    prov:qualifiedAttribution [ a prov:Attribution ;
        dcat:hadRole <http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/custodian> ;
        prov:agent [ a foaf:Agent ; foaf:name "Diskominfo" ; foaf:mbox <mailto:satudata@tangerangkota.go.id> ] ] ;
    dct:source <https://satudata.example.go.id/aplikasi/sehat-tangerang> ;
    dct:conformsTo <https://data.tangerangkota.go.id/def/standar-data/SD.1.02.0007> ;
    adms:identifier [ a adms:Identifier ;
        skos:notation "3671.1.02.0007"^^<https://data.tangerangkota.go.id/def/daftar-data> ] ;
    sdmx-attribute:unitMeasure "kunjungan" ;
    tgr:ukuran "jumlah" ;
    dcat:distribution [ a dcat:Distribution ; dct:title "CSV" ;
        dcat:accessURL <https://satudata.example.go.id/files/kunjungan.csv> ] .
"""

EXPECTED = {
    "sektor": "1.02",
    "klasifikasi": "terbatas",
    "frekuensi": "bulanan",
    "cakupan_wilayah": ["36.71.02", "36.71.03"],
    "tahun_awal": "2021",
    "tahun_akhir": "2024",
    "produsen_data_nama": "Seksi Data Dinkes",
    "produsen_data_email": "data@dinkes.tangerangkota.go.id",
    "walidata_nama": "Diskominfo",
    "walidata_email": "satudata@tangerangkota.go.id",
    "aplikasi_sumber": "sehat-tangerang",
    "kode_standar_data": "SD.1.02.0007",
    "kode_daftar_data": "3671.1.02.0007",
    "satuan": "kunjungan",
    "ukuran": "jumlah",
}


def parse(text: str, _format: str = "turtle") -> dict:
    parser = RDFParser(profiles=["euro_dcat_ap_3", "tangerang"])
    parser.parse(text, _format=_format)
    [parsed] = parser.datasets()
    return parsed


class TestParse:
    @pytest.mark.parametrize("application", ["dct:source", "dct:relation"])
    def test_turtle_becomes_tangerang_fields(self, application):
        """Feeds name the application with DCAT-AP 3's dct:relation or, written before it, dct:source."""
        parsed = parse(TURTLE.replace("dct:source <", f"{application} <"))
        assert {k: parsed.get(k) for k in EXPECTED} == EXPECTED
        assert parsed["title"] == "Kunjungan Puskesmas 2024"
        # Generic extras that only repeated our fields are gone; the rest (other themes) stay.
        extras = {e["key"]: e["value"] for e in parsed["extras"]}
        assert not {"access_rights", "frequency", "temporal_start", "temporal_end", "contact_email"} & set(
            extras
        )
        assert extras["theme"] == '["http://publications.europa.eu/resource/authority/data-theme/HEAL"]'
        assert "conforms_to" not in extras
        assert "source" not in extras and "related_resource" not in extras
        # euro_dcat_ap_3's generic qualified_attribution (no such field here) does not repeat the walidata.
        assert "qualified_attribution" not in parsed
        assert parsed["resources"][0]["url"] == "https://satudata.example.go.id/files/kunjungan.csv"

    def test_unknown_codes_are_left_out(self):
        text = (
            TURTLE.replace("urusan/1.02", "urusan/9.99")
            .replace("wilayah/36.71.02", "wilayah/31.71")
            .replace('"36.71.03"', '"31.72"')
            .replace("access-right/RESTRICTED", "access-right/UNKNOWN")
            .replace("frequency/MONTHLY", "frequency/CONT")
        )
        parsed = parse(text)
        for key in ("sektor", "cakupan_wilayah", "klasifikasi", "frekuensi"):
            assert key not in parsed, key

    @staticmethod
    def _with_codes(daftar: str, standar: str) -> str:
        """TURTLE with an untyped data list notation and a standard known only by its ``dct:identifier``: the
        profile takes them by their shape alone."""
        return TURTLE.replace(
            '"3671.1.02.0007"^^<https://data.tangerangkota.go.id/def/daftar-data>', f'"{daftar}"'
        ).replace(
            "dct:conformsTo <https://data.tangerangkota.go.id/def/standar-data/SD.1.02.0007>",
            f'dct:conformsTo [ a dct:Standard ; dct:identifier "{standar}" ]',
        )

    def test_codes_of_their_shape_are_taken_without_our_uris(self):
        parsed = parse(self._with_codes("3671.3.11.0042", "SD.3.11.0042"))
        assert (parsed["kode_daftar_data"], parsed["kode_standar_data"]) == ("3671.3.11.0042", "SD.3.11.0042")

    @pytest.mark.parametrize(
        ("daftar", "standar"),
        [
            ("3671.1.2.0007", "SD.1.2.0007"),
            ("3603.1.02.0007", "SD-1.02.0007"),
            ("3671.1.02.00071", "SD.1.02.007"),
        ],
    )
    def test_codes_the_schema_would_refuse_are_left_out(self, daftar, standar):
        parsed = parse(self._with_codes(daftar, standar))
        assert "kode_daftar_data" not in parsed and "kode_standar_data" not in parsed
        # The schema's validators read the same shapes (codelists.py), so a harvest never brings what they refuse.
        with pytest.raises(tk.Invalid):
            validators.tangerang_kode_daftar_data(daftar)
        with pytest.raises(tk.Invalid):
            validators.tangerang_kode_standar_data(standar)

    @pytest.mark.parametrize("klasifikasi", ["terbuka", "terbatas", "tertutup"])
    def test_round_trip(self, klasifikasi):
        data = dataset_dict(klasifikasi=klasifikasi, aplikasi_sumber="tangerang-live", license_id="odc-odbl")
        serializer = RDFSerializer(profiles=["euro_dcat_ap_3", "tangerang"])
        for _format in ("turtle", "json-ld", "xml"):
            text = serializer.serialize_dataset(dict(data), _format=_format)
            parsed = parse(text, _format)
            for key in (
                "klasifikasi",
                "sektor",
                "frekuensi",
                "cakupan_wilayah",
                "tahun_awal",
                "tahun_akhir",
                "satuan",
                "ukuran",
                "kode_daftar_data",
                "kode_standar_data",
                "produsen_data_nama",
                "produsen_data_email",
                "walidata_nama",
                "walidata_email",
                "aplikasi_sumber",
                "license_id",  # from the EU licence IRI, which CKAN's licence register does not know
            ):
                assert parsed.get(key) == data[key], (_format, key)


# --------------------------------------------------------------------------------- end to end: API and HTTP


@pytest.fixture
def portal():
    """An OPD, a sysadmin, an application record and three datasets, one per access class."""
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    context = {"user": sysadmin["name"]}
    helpers.call_action(
        "package_create",
        context=dict(context),
        type="aplikasi",
        name="sobatdukcapil",
        title="SobatDukcapil",
        notes="Pendaftaran online KK, KTP, pindah-datang.",
        owner_org=org["id"],
        kelompok="layanan-publik",
        status_aplikasi="aktif",
    )
    datasets = {}
    for klasifikasi in ("terbuka", "terbatas", "tertutup"):
        data = dataset_dict(
            name=f"penduduk-{klasifikasi}",
            title=f"Penduduk {klasifikasi}",
            klasifikasi=klasifikasi,
            owner_org=org["id"],
            resources=[{"name": "Data 2025 (CSV)", "format": "CSV", "url": FILE_URL}],
        )
        for key in ("id", "type", "tags", "extras"):
            data.pop(key)
        datasets[klasifikasi] = helpers.call_action("package_create", context=dict(context), **data)
    return {"sysadmin": sysadmin, "org": org, "datasets": datasets}


def get_graph(app, url: str, _format: str, headers: dict | None = None) -> rdflib.Graph:
    response = app.get(url, headers=headers or {})
    assert response.status_code == 200, response.body
    g = rdflib.Graph()
    g.parse(data=response.body, format=_format)
    return g


def dataset_ref(dataset: dict) -> URIRef:
    return URIRef(f"{SITE}/dataset/{dataset['id']}")


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestEndpoints:
    def test_dataset_ttl_carries_the_tangerang_triples(self, app, portal):
        dataset = portal["datasets"]["terbuka"]
        g = get_graph(app, f"/dataset/{dataset['name']}.ttl", "turtle")
        ref = dataset_ref(dataset)
        assert_tangerang_triples(g, ref, dataset)
        assert (ref, DCT.relation, URIRef(f"{SITE}/aplikasi/sobatdukcapil")) in g
        assert (ref, DCT.accessRights, PUBLIC) in g
        publisher = g.value(ref, DCT.publisher)
        assert publisher == URIRef(f"{SITE}/organization/{portal['org']['id']}")
        assert g.value(publisher, FOAF.name) == Literal("Dinas Kesehatan")
        [dist] = distributions(g, ref)
        assert (dist, DCAT.accessURL, URIRef(FILE_URL)) in g

    def test_anonymous_catalog(self, app, portal):
        """One portal, the three serializations (one test: creating the portal is the slow part)."""
        for url, _format in (
            ("/catalog.ttl", "turtle"),
            ("/catalog.jsonld", "json-ld"),
            ("/catalog.rdf", "xml"),
        ):
            g = get_graph(app, url, _format)
            datasets = portal["datasets"]
            listed = set(g.subjects(RDF.type, DCAT.Dataset))
            assert dataset_ref(datasets["terbuka"]) in listed
            assert dataset_ref(datasets["terbatas"]) in listed
            # The closed dataset is not there at all: not as a dataset, not by name or title.
            assert dataset_ref(datasets["tertutup"]) not in listed
            body = g.serialize(format="turtle")
            assert "penduduk-tertutup" not in body
            assert "Penduduk tertutup" not in body
            assert_tangerang_triples(g, dataset_ref(datasets["terbuka"]), datasets["terbuka"])
            # The limited dataset: restricted on the dataset and its distributions, and no file URL.
            ref = dataset_ref(datasets["terbatas"])
            assert (ref, DCT.accessRights, RESTRICTED) in g
            [dist] = distributions(g, ref)
            assert (dist, DCT.accessRights, RESTRICTED) in g
            assert (dist, DCAT.downloadURL, None) not in g
            assert set(g.objects(dist, DCAT.accessURL)) == {URIRef(f"{SITE}/dataset/penduduk-terbatas")}
            # The catalogue names the sector taxonomy and the city.
            catalog = g.value(None, RDF.type, DCAT.Catalog, any=True)
            assert (catalog, DCAT.themeTaxonomy, URIRef(DEF + "urusan")) in g
            assert (catalog, DCT.spatial, URIRef(DEF + "wilayah/36.71")) in g

    def test_closed_dataset_is_not_found_anonymously(self, app, portal):
        response = app.get("/dataset/penduduk-tertutup.ttl")
        assert response.status_code in (403, 404)
        assert "Penduduk tertutup" not in response.body
        assert portal["datasets"]["tertutup"]["id"] not in response.body

    def test_sysadmin_sees_closed_dataset_and_limited_files(self, app, portal):
        headers = {"Authorization": portal["sysadmin"]["token"]}
        closed = portal["datasets"]["tertutup"]
        g = get_graph(app, f"/dataset/{closed['name']}.ttl", "turtle", headers)
        assert (dataset_ref(closed), DCT.accessRights, NON_PUBLIC) in g
        limited = portal["datasets"]["terbatas"]
        g = get_graph(app, f"/dataset/{limited['name']}.ttl", "turtle", headers)
        [dist] = distributions(g, dataset_ref(limited))
        assert (dist, DCT.accessRights, RESTRICTED) in g
        assert (dist, DCAT.accessURL, URIRef(FILE_URL)) in g

    def test_parsed_document_can_be_created(self, portal):
        """The harvester's path: what the profile parses passes the Tangerang schema's validation."""
        parsed = parse(TURTLE.replace("sehat-tangerang", "sobatdukcapil"))
        parsed.update(name="kunjungan-puskesmas-2024", owner_org=portal["org"]["id"])
        context = {"user": portal["sysadmin"]["name"]}
        created = helpers.call_action("package_create", context=context, **parsed)
        assert {k: created.get(k) for k in EXPECTED if k != "aplikasi_sumber"} == {
            k: v for k, v in EXPECTED.items() if k != "aplikasi_sumber"
        }
        assert created["aplikasi_sumber"] == "sobatdukcapil"


def test_parse_takes_codes_from_another_catalogues_uris():
    """The sample upstream's catalogue (like many others) names sectors and areas by URI only."""
    from ckanext.dcat.processors import RDFParser

    turtle = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<http://upstream.example/dataset/1> a dcat:Dataset ;
    dct:title "Kunjungan puskesmas" ;
    dcat:theme <http://upstream.example/dcat/sektor/1.02> ;
    dcat:theme <http://upstream.example/tema/ekonomi> ;
    dct:spatial <http://upstream.example/dcat/wilayah/36.71.06> .
"""
    parser = RDFParser(profiles=["euro_dcat_ap_3", "tangerang"])
    parser.parse(turtle, _format="turtle")
    (dataset,) = list(parser.datasets())
    assert dataset["sektor"] == "1.02"
    assert dataset["cakupan_wilayah"] == ["36.71.06"]
