"""The ``tangerang`` ckanext-dcat profile: the Tangerang schema's fields in DCAT-AP 3 and back.

Configured after the stock profile (``ckanext.dcat.rdf.profiles = euro_dcat_ap_3 tangerang``), it adds to the
graph that ``euro_dcat_ap_3`` has built for a dataset (title, description, keywords, dates, licence,
distributions, the owner organization as ``dct:publisher``) the properties of our own fields, and, when the
DCAT harvester parses another catalogue, turns those properties back into our fields.

| field | DCAT |
|---|---|
| ``sektor`` | ``dcat:theme`` ``<{DEF}urusan/1.02>``, a ``skos:Concept`` (``skos:prefLabel``, ``skos:notation``) |
| ``klasifikasi`` | ``dct:accessRights`` EU access-right PUBLIC / RESTRICTED / NON_PUBLIC, on the dataset and on each
  distribution |
| ``frekuensi`` | ``dct:accrualPeriodicity`` EU frequency (``codelists/frekuensi.csv``) |
| ``cakupan_wilayah`` | ``dct:spatial`` ``<{DEF}wilayah/36.71.01>``, a ``dct:Location`` (``skos:prefLabel``,
  ``dct:identifier``) |
| ``produsen_data_*`` | ``dcat:contactPoint`` ``vcard:Kind`` (``vcard:fn``, ``vcard:hasEmail``) |
| ``walidata_*`` | ``prov:qualifiedAttribution`` with ``dcat:hadRole`` custodian (see ``WALIDATA_ROLE``) |
| ``aplikasi_sumber`` | ``dct:source`` ``<{site}/aplikasi/<name>>``, the application's page on the portal |
| ``tahun_awal`` / ``tahun_akhir`` | ``dct:temporal`` ``dct:PeriodOfTime`` ``dcat:startDate`` / ``dcat:endDate`` |
| ``kode_standar_data`` | ``dct:conformsTo`` ``<{DEF}standar-data/SD.1.02.0001>``, a ``dct:Standard`` |
| ``kode_daftar_data`` | ``adms:identifier`` ``adms:Identifier`` whose ``skos:notation`` is typed with our scheme |
| ``satuan`` | ``sdmx-attribute:unitMeasure`` (SDMX-RDF; DCAT has no unit of measure) |
| ``ukuran`` | ``tgr:ukuran`` (our namespace ``{DEF}ns#``; no standard term for "count / average / percentage") |

``{DEF}`` is ``https://data.tangerangkota.go.id/def/``: the city's own, deployment-independent identifiers for
its code lists, so that the same sector or area has the same URI on every portal and in every harvest.

Access classes: what a caller may not see never reaches the profile (the DCAT endpoints call package_show and
package_search with the caller's rights, so tertutup datasets are absent for outsiders). For terbatas datasets
the profile drops the distributions' file URLs unless the caller belongs to the owning OPD or is a sysadmin
(defence in depth: package_show hides them as well), and points ``dcat:accessURL`` at the dataset's page,
where the visitor learns whom to ask; DCAT-AP requires an access URL on every distribution.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles import ADMS, DCAT, DCT, FOAF, RDF, SKOS
from ckanext.dcat.profiles.base import CleanedURIRef, RDFProfile
from ckanext.dcat.utils import catalog_uri, publisher_uri_organization_fallback, resource_uri
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import PROV

from ckanext.tangerang import codelists
from ckanext.tangerang.logic import access

DEF = "https://data.tangerangkota.go.id/def/"
URUSAN_SCHEME = URIRef(DEF + "urusan")
URUSAN_BASE = DEF + "urusan/"
WILAYAH_SCHEME = URIRef(DEF + "wilayah")
WILAYAH_BASE = DEF + "wilayah/"
STANDAR_BASE = DEF + "standar-data/"
# The identifier scheme of kode_daftar_data, used as the datatype of skos:notation as DCAT-AP 3 advises.
DAFTAR_DATA_SCHEME = URIRef(DEF + "daftar-data")

TGR = Namespace(DEF + "ns#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")

ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
KLASIFIKASI_TO_ACCESS_RIGHT = {
    "terbuka": URIRef(ACCESS_RIGHT + "PUBLIC"),
    "terbatas": URIRef(ACCESS_RIGHT + "RESTRICTED"),
    "tertutup": URIRef(ACCESS_RIGHT + "NON_PUBLIC"),
}
# Parsing: the three above, and the EU classes stricter than RESTRICTED fall on the safe side.
ACCESS_RIGHT_TO_KLASIFIKASI = {
    **{str(uri): kode for kode, uri in KLASIFIKASI_TO_ACCESS_RIGHT.items()},
    ACCESS_RIGHT + "CONFIDENTIAL": "tertutup",
    ACCESS_RIGHT + "SENSITIVE": "tertutup",
}

# The role of the walidata. It is the data custodian of Perpres 39/2019 (it checks data against the standard
# and publishes them) and neither holds the rights (dct:rightsHolder is the city, not Diskominfo) nor
# publishes in the DCAT sense (dct:publisher is the producing OPD). DCAT models such a role with a
# qualified attribution; "custodian" is the ISO 19115 CI_RoleCode that the DCAT recommendation itself
# uses in its examples, in INSPIRE's published code list.
WALIDATA_ROLE = URIRef("http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/custodian")

APLIKASI_PATH_RE = re.compile(r"/aplikasi/([a-z0-9_-]{2,100})/?$")
YEAR_RE = re.compile(r"^(\d{4})")


def urusan_uri(kode: str) -> URIRef:
    return URIRef(URUSAN_BASE + kode)


def wilayah_uri(kode: str) -> URIRef:
    return URIRef(WILAYAH_BASE + kode)


def aplikasi_url(name: str) -> str:
    """The application's page on this portal (the scheming ``aplikasi`` type's read page)."""
    return f"{catalog_uri().rstrip('/')}/aplikasi/{name}"


def _frekuensi_uris() -> dict[str, str]:
    return {r["kode"]: r["dcat_accrual_periodicity"] for r in codelists.rows("frekuensi")}


def _caller_may_download(dataset_dict: dict[str, Any]) -> bool:
    """Whether the user of the current request may download a terbatas dataset's files: the portal's one rule
    (``logic.access.may_download``: members of the owning OPD and sysadmins; nobody outside a web request).
    """
    return access.may_download({}, dataset_dict.get("owner_org"))


class TangerangDCATProfile(RDFProfile):
    """DCAT properties of the Tangerang schema's fields (output) and the way back (DCAT harvester input).

    It subclasses the plain ``RDFProfile`` rather than ``EuropeanDCATAP3Profile``: it runs after
    ``euro_dcat_ap_3`` in the profile chain and adds to its graph and its parsed dict, so inheriting the
    DCAT-AP 3 methods would only emit every core triple a second time. The plumbing it needs
    (``_add_triple_from_dict``, ``_get_dict_value``, ``_contact_details``, ...) lives on ``RDFProfile``.
    """

    # ------------------------------------------------------------------ CKAN -> RDF

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        g.bind("tgr", TGR)
        g.bind("prov", PROV)
        g.bind("sdmx-attribute", SDMX_ATTRIBUTE)

        self._graph_sektor(dataset_dict, dataset_ref)
        self._graph_frekuensi(dataset_dict, dataset_ref)
        self._graph_cakupan_wilayah(dataset_dict, dataset_ref)
        self._graph_temporal(dataset_dict, dataset_ref)
        self._graph_agents(dataset_dict, dataset_ref)
        self._graph_codes_and_measures(dataset_dict, dataset_ref)

        # Source application: its page on the portal.
        self._add_triple_from_dict(
            dataset_dict,
            dataset_ref,
            DCT.source,
            "aplikasi_sumber",
            _type=URIRef,
            value_modifier=aplikasi_url,
        )

        # Access class, on the dataset and on each distribution.
        klasifikasi = self._get_dict_value(dataset_dict, "klasifikasi")
        access_right = KLASIFIKASI_TO_ACCESS_RIGHT.get(klasifikasi)
        if access_right is not None:
            g.add((dataset_ref, DCT.accessRights, access_right))
            g.add((access_right, RDF.type, DCT.RightsStatement))
        hide_files = klasifikasi == "terbatas" and not _caller_may_download(dataset_dict)
        landing_page = URIRef(f"{catalog_uri().rstrip('/')}/dataset/{dataset_dict.get('name') or ''}")
        for resource_dict in dataset_dict.get("resources", []):
            distribution = CleanedURIRef(resource_uri(resource_dict))
            if access_right is not None:
                g.add((distribution, DCT.accessRights, access_right))
            if hide_files:
                self._remove_file_urls(distribution)
            has_url = any((distribution, p, None) in g for p in (DCAT.accessURL, DCAT.downloadURL))
            if not has_url and dataset_dict.get("name"):
                # No (visible) file: DCAT-AP still wants an access URL; the dataset's page says whom to ask.
                g.add((distribution, DCAT.accessURL, landing_page))

        # The owner OPD as publisher: euro_dcat_ap_3 adds it from organization_show; when it could not
        # (no such lookup, e.g. a dict built outside CKAN), the dict's own organization is enough.
        org = dataset_dict.get("organization")
        if org and (dataset_ref, DCT.publisher, None) not in g:
            publisher = CleanedURIRef(publisher_uri_organization_fallback(dataset_dict))
            g.add((dataset_ref, DCT.publisher, publisher))
            g.add((publisher, RDF.type, FOAF.Agent))
            g.add((publisher, RDF.type, FOAF.Organization))
            self._add_triple_from_dict(org, publisher, FOAF.name, "title", fallbacks=["name"])

    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None, catalog_ref: URIRef) -> None:
        g = self.g
        g.bind("tgr", TGR)
        # The sector taxonomy the datasets' themes come from, and the area the catalogue covers.
        g.add((catalog_ref, DCAT.themeTaxonomy, URUSAN_SCHEME))
        g.add((URUSAN_SCHEME, RDF.type, SKOS.ConceptScheme))
        g.add((URUSAN_SCHEME, DCT.title, Literal("Urusan Pemerintahan (Permendagri 90/2019)", lang="id")))
        self._add_location(catalog_ref, "36.71")
        # DCAT-AP wants a catalogue publisher: the walidata, who publishes the city's data.
        if (catalog_ref, DCT.publisher, None) not in g:
            walidata = BNode()
            g.add((catalog_ref, DCT.publisher, walidata))
            g.add((walidata, RDF.type, FOAF.Agent))
            g.add((walidata, RDF.type, FOAF.Organization))
            name = tk.config.get("ckanext.tangerang.portal.walidata_name")
            email = tk.config.get("ckanext.tangerang.portal.walidata_email")
            if name:
                g.add((walidata, FOAF.name, Literal(name)))
            if email:
                g.add((walidata, FOAF.mbox, URIRef(self._add_mailto(email))))

    def _graph_sektor(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        kode = self._get_dict_value(dataset_dict, "sektor")
        if not kode:
            return
        self._add_triple_from_dict(
            dataset_dict, dataset_ref, DCAT.theme, "sektor", _type=URIRef, value_modifier=urusan_uri
        )
        theme = urusan_uri(kode)
        self.g.add((theme, RDF.type, SKOS.Concept))
        self.g.add((theme, SKOS.notation, Literal(kode)))
        self.g.add((theme, SKOS.inScheme, URUSAN_SCHEME))
        row = codelists.by_code("urusan_pemerintahan").get(kode)
        if row:
            self.g.add((theme, SKOS.prefLabel, Literal(row["nama"], lang="id")))

    def _graph_frekuensi(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        uris = _frekuensi_uris()
        if self._get_dict_value(dataset_dict, "frekuensi") in uris:
            self._add_triple_from_dict(
                dataset_dict,
                dataset_ref,
                DCT.accrualPeriodicity,
                "frekuensi",
                _type=URIRef,
                _class=DCT.Frequency,
                value_modifier=uris.get,
            )

    def _graph_cakupan_wilayah(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        for kode in self._read_list_value(self._get_dict_value(dataset_dict, "cakupan_wilayah")):
            if isinstance(kode, str) and kode.strip():
                self._add_location(dataset_ref, kode.strip())

    def _add_location(self, subject: URIRef, kode: str) -> None:
        location = wilayah_uri(kode)
        self.g.add((subject, DCT.spatial, location))
        self.g.add((location, RDF.type, DCT.Location))
        self.g.add((location, DCT.identifier, Literal(kode)))
        self.g.add((location, SKOS.inScheme, WILAYAH_SCHEME))
        row = codelists.by_code("wilayah_3671").get(kode)
        if row:
            self.g.add((location, SKOS.prefLabel, Literal(row["nama"], lang="id")))

    def _graph_temporal(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        start = self._year(self._get_dict_value(dataset_dict, "tahun_awal"))
        end = self._year(self._get_dict_value(dataset_dict, "tahun_akhir"))
        if not (start or end):
            return
        period = BNode()
        self.g.add((dataset_ref, DCT.temporal, period))
        self.g.add((period, RDF.type, DCT.PeriodOfTime))
        if start:
            self._add_date_triple(period, DCAT.startDate, f"{start}-01-01")
        if end:
            self._add_date_triple(period, DCAT.endDate, f"{end}-12-31")

    def _graph_agents(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        produsen = {
            "name": self._get_dict_value(dataset_dict, "produsen_data_nama"),
            "email": self._get_dict_value(dataset_dict, "produsen_data_email"),
        }
        if any(produsen.values()):
            self._add_contact_to_graph(dataset_ref, DCAT.contactPoint, produsen)

        name = self._get_dict_value(dataset_dict, "walidata_nama")
        email = self._get_dict_value(dataset_dict, "walidata_email")
        if name or email:
            attribution = BNode()
            agent = BNode()
            self.g.add((dataset_ref, PROV.qualifiedAttribution, attribution))
            self.g.add((attribution, RDF.type, PROV.Attribution))
            self.g.add((attribution, DCAT.hadRole, WALIDATA_ROLE))
            self.g.add((attribution, PROV.agent, agent))
            self.g.add((agent, RDF.type, FOAF.Agent))
            walidata = {"name": name, "email": email}
            self._add_triple_from_dict(walidata, agent, FOAF.name, "name")
            self._add_triple_from_dict(
                walidata, agent, FOAF.mbox, "email", _type=URIRef, value_modifier=self._add_mailto
            )

    def _graph_codes_and_measures(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        kode = self._get_dict_value(dataset_dict, "kode_standar_data")
        if kode:
            standard = URIRef(STANDAR_BASE + kode)
            g.add((dataset_ref, DCT.conformsTo, standard))
            g.add((standard, RDF.type, DCT.Standard))
            g.add((standard, DCT.identifier, Literal(kode)))

        kode = self._get_dict_value(dataset_dict, "kode_daftar_data")
        if kode:
            identifier = BNode()
            g.add((dataset_ref, ADMS.identifier, identifier))
            g.add((identifier, RDF.type, ADMS.Identifier))
            g.add((identifier, SKOS.notation, Literal(kode, datatype=DAFTAR_DATA_SCHEME)))

        self._add_triple_from_dict(dataset_dict, dataset_ref, SDMX_ATTRIBUTE.unitMeasure, "satuan")
        self._add_triple_from_dict(dataset_dict, dataset_ref, TGR.ukuran, "ukuran")

    def _remove_file_urls(self, distribution: URIRef) -> None:
        """Drops a distribution's access and download URLs, and the rdfs:Resource triples naming them."""
        for predicate in (DCAT.accessURL, DCAT.downloadURL):
            for url in list(self.g.objects(distribution, predicate)):
                self.g.remove((distribution, predicate, url))
                if (None, None, url) not in self.g:
                    self.g.remove((url, None, None))

    @staticmethod
    def _year(value: Any) -> str | None:
        match = YEAR_RE.match(str(value).strip()) if value not in (None, "") else None
        return match.group(1) if match else None

    # ------------------------------------------------------------------ RDF -> CKAN (DCAT harvester)

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> dict[str, Any]:
        """Sets our fields from the graph and drops the generic extras that would only repeat them."""
        dataset_dict.setdefault("extras", [])
        consumed: dict[
            str, set[str] | None
        ] = {}  # extra key -> its values now carried by our fields (None: all)

        # sektor
        for theme in self.g.objects(dataset_ref, DCAT.theme):
            kode = self._urusan_code(theme)
            if kode:
                dataset_dict["sektor"] = kode
                consumed.setdefault("theme", set()).add(str(theme))
                break

        # klasifikasi
        klasifikasi = ACCESS_RIGHT_TO_KLASIFIKASI.get(str(self._object(dataset_ref, DCT.accessRights) or ""))
        if klasifikasi:
            dataset_dict["klasifikasi"] = klasifikasi
            consumed["access_rights"] = None

        # frekuensi
        periodicity = str(self._object(dataset_ref, DCT.accrualPeriodicity) or "")
        uris = _frekuensi_uris()
        kode = {uri: kode for kode, uri in uris.items()}.get(periodicity) or (
            periodicity if periodicity in uris else None
        )
        if kode:
            dataset_dict["frekuensi"] = kode
            consumed["frequency"] = None

        # cakupan_wilayah
        wilayah = codelists.by_code("wilayah_3671")
        codes = set()
        for location in self.g.objects(dataset_ref, DCT.spatial):
            kode = str(location)[len(WILAYAH_BASE) :] if str(location).startswith(WILAYAH_BASE) else ""
            if kode not in wilayah:
                kode = self._object_value(location, DCT.identifier)
            if kode not in wilayah:
                kode = _coded_segment(location, {"wilayah", "kode-wilayah"}) or ""
            if kode in wilayah:
                codes.add(kode)
        if codes:
            dataset_dict["cakupan_wilayah"] = [k for k in wilayah if k in codes]
            consumed.update({"spatial_uri": None, "spatial_text": None})

        # tahun_awal / tahun_akhir
        start, end = self._time_interval(dataset_ref, DCT.temporal, dcat_ap_version=2)
        if self._year(start):
            dataset_dict["tahun_awal"] = self._year(start)
            consumed["temporal_start"] = None
        if self._year(end):
            dataset_dict["tahun_akhir"] = self._year(end)
            consumed["temporal_end"] = None

        # produsen data: the contact point
        contacts = self._contact_details(dataset_ref, DCAT.contactPoint)
        if contacts:
            if contacts[0].get("name"):
                dataset_dict["produsen_data_nama"] = contacts[0]["name"]
            if contacts[0].get("email"):
                dataset_dict["produsen_data_email"] = contacts[0]["email"]
            consumed.update({f"contact_{k}": None for k in ("uri", "name", "email", "identifier", "url")})
            if len(contacts) == 1:
                dataset_dict.pop("contact", None)  # set by euro_dcat_ap_3 for schemas with a contact field

        # walidata: the qualified attribution with the custodian role
        for attribution in self.g.objects(dataset_ref, PROV.qualifiedAttribution):
            if (attribution, DCAT.hadRole, WALIDATA_ROLE) not in self.g:
                continue
            agents = self._agents_details(attribution, PROV.agent)
            if agents:
                if agents[0].get("name"):
                    dataset_dict["walidata_nama"] = agents[0]["name"]
                if agents[0].get("email"):
                    dataset_dict["walidata_email"] = agents[0]["email"]
                # euro_dcat_ap_3 lists every attribution under qualified_attribution, a field we do not
                # have: drop the walidata's, which now has its own fields.
                others = [
                    a
                    for a in dataset_dict.get("qualified_attribution") or []
                    if not (isinstance(a, dict) and a.get("role") == str(WALIDATA_ROLE))
                ]
                if others:
                    dataset_dict["qualified_attribution"] = others
                else:
                    dataset_dict.pop("qualified_attribution", None)
                break

        # aplikasi_sumber
        for source in self.g.objects(dataset_ref, DCT.source):
            match = (
                APLIKASI_PATH_RE.search(urlparse(str(source)).path) if isinstance(source, URIRef) else None
            )
            if match:
                dataset_dict["aplikasi_sumber"] = match.group(1)
                consumed.setdefault("source", set()).add(str(source))
                break

        # kode_standar_data
        for standard in self.g.objects(dataset_ref, DCT.conformsTo):
            text = str(standard)
            kode = text[len(STANDAR_BASE) :] if text.startswith(STANDAR_BASE) else ""
            if not codelists.fits(codelists.KODE_STANDAR_DATA, kode):
                kode = self._object_value(standard, DCT.identifier)
            if codelists.fits(codelists.KODE_STANDAR_DATA, kode):
                dataset_dict["kode_standar_data"] = kode
                consumed.setdefault("conforms_to", set()).add(text)
                break

        # kode_daftar_data
        for identifier in self.g.objects(dataset_ref, ADMS.identifier):
            notation = self._object(identifier, SKOS.notation)
            if isinstance(notation, Literal) and (
                notation.datatype == DAFTAR_DATA_SCHEME
                or codelists.fits(codelists.KODE_DAFTAR_DATA, str(notation))
            ):
                dataset_dict["kode_daftar_data"] = str(notation)
                consumed.setdefault("alternate_identifier", set()).add(str(identifier))
                break

        # satuan / ukuran
        for key, predicate in (("satuan", SDMX_ATTRIBUTE.unitMeasure), ("ukuran", TGR.ukuran)):
            value = self._object_value(dataset_ref, predicate)
            if value:
                dataset_dict[key] = value

        self._drop_consumed_extras(dataset_dict, consumed)
        return dataset_dict

    def _urusan_code(self, theme: Any) -> str | None:
        urusan = codelists.by_code("urusan_pemerintahan")
        text = str(theme)
        if text.startswith(URUSAN_BASE) and text[len(URUSAN_BASE) :] in urusan:
            return text[len(URUSAN_BASE) :]
        if (theme, SKOS.inScheme, URUSAN_SCHEME) in self.g:
            notation = self._object_value(theme, SKOS.notation)
            if notation in urusan:
                return notation
        kode = _coded_segment(theme, {"urusan", "sektor"})
        return kode if kode in urusan else None

    @staticmethod
    def _drop_consumed_extras(dataset_dict: dict[str, Any], consumed: dict[str, set[str] | None]) -> None:
        kept = []
        for extra in dataset_dict.get("extras", []):
            key = extra.get("key")
            if key not in consumed:
                kept.append(extra)
                continue
            values = consumed[key]
            if values is None:
                continue
            try:
                items = json.loads(extra["value"])
            except (TypeError, ValueError):
                items = None
            if isinstance(items, list):
                rest = [i for i in items if i not in values]
                if rest:
                    kept.append({**extra, "value": json.dumps(rest)})
            elif extra.get("value") not in values:
                kept.append(extra)
        dataset_dict["extras"] = kept


def _coded_segment(uri: Any, kinds: set[str]) -> str | None:
    """The code at the end of another catalogue's URI such as ``.../sektor/1.02`` or ``.../wilayah/36.71.01``:
    the last path segment, when the one before it names the kind of code."""
    parts = [p for p in urlparse(str(uri)).path.split("/") if p]
    if len(parts) >= 2 and parts[-2].lower() in kinds:
        return parts[-1]
    return None
