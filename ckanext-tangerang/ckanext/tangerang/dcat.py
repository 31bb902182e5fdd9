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
| ``produsen_data_*`` | ``dcat:contactPoint`` ``vcard:Organization`` (``vcard:fn``, ``vcard:hasEmail``); without
  a producer, the walidata (the dataset's ``walidata_*``, else ``ckanext.tangerang.portal.walidata_*``) |
| ``walidata_*`` | ``prov:qualifiedAttribution`` with ``dcat:hadRole`` custodian (see ``WALIDATA_ROLE``) |
| ``aplikasi_sumber`` | ``dct:relation`` ``<{site}/aplikasi/<name>>``, the application's page on the portal (DCAT-AP 3
  keeps ``dct:source`` for a source *dataset*; ``dct:relation``'s range is any resource). Parsing reads both. |
| ``tahun_awal`` / ``tahun_akhir`` | ``dct:temporal`` ``dct:PeriodOfTime`` ``dcat:startDate`` / ``dcat:endDate`` |
| ``kode_standar_data`` | ``dct:conformsTo`` ``<{DEF}standar-data/SD.1.02.0001>``, a ``dct:Standard`` |
| ``kode_daftar_data`` | ``adms:identifier`` ``adms:Identifier`` whose ``skos:notation`` is typed with our scheme |
| ``satuan`` | ``sdmx-attribute:unitMeasure`` (SDMX-RDF; DCAT has no unit of measure) |
| ``ukuran`` | ``tgr:ukuran`` (our namespace ``{DEF}ns#``; no standard term for "count / average / percentage") |
| ``license_id`` | ``dct:license`` on each distribution (``LICENSE_IRIS``: the EU licence authority where it has
  the licence, else CKAN's licence register ``url``); also the catalogue's, from the portal's default |
| resource ``format`` / ``mimetype`` | ``dct:format`` EU file-type IRI and ``dcat:mediaType`` IANA IRI
  (``FILE_TYPES``; a format we do not know stays a literal) |
| resource ``url`` | ``dcat:accessURL``; also ``dcat:downloadURL`` for uploads and direct file links |
| resource ``size`` | ``dcat:byteSize`` ``xsd:nonNegativeInteger`` |
| (every dataset) | ``dct:language`` EU language IND; on distributions ``dct:rights``, a ``dct:RightsStatement``
  saying the access class (id / en), and ``dcatap:availability`` STABLE |

``{DEF}`` is ``https://data.tangerangkota.go.id/def/``: the city's own, deployment-independent identifiers for
its code lists, so that the same sector or area has the same URI on every portal and in every harvest.

Access classes: what a caller may not see never reaches the profile (the DCAT endpoints call package_show and
package_search with the caller's rights, so tertutup datasets are absent for outsiders). For terbatas datasets
the profile drops the distributions' file URLs unless the caller belongs to the owning OPD or is a sysadmin
(defence in depth: package_show hides them as well) and never adds a ``dcat:downloadURL`` for them, and points
``dcat:accessURL`` at the dataset's page, where the visitor learns whom to ask; DCAT-AP requires an access URL on
every distribution.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk
from ckan.model.license import LicenseRegister
from ckanext.dcat.profiles import ADMS, DCAT, DCATAP, DCT, FOAF, RDF, RDFS, SKOS, VCARD
from ckanext.dcat.profiles.base import CleanedURIRef, RDFProfile
from ckanext.dcat.utils import catalog_uri, publisher_uri_organization_fallback, resource_uri
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import PROV, XSD

from ckanext.tangerang import codelists
from ckanext.tangerang.logic import access
from ckanext.tangerang.logic.validators import DEFAULT_LICENSE

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

# File formats: CKAN's format text (lower case) -> the EU file-type code and the IANA media type. The file
# extensions of the same names mark a link as a direct file link (dcat:downloadURL).
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"
FILE_TYPES: dict[str, tuple[str, str | None]] = {
    "csv": ("CSV", "text/csv"),
    "tsv": ("TSV", "text/tab-separated-values"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "xls": ("XLS", "application/vnd.ms-excel"),
    "ods": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "json": ("JSON", "application/json"),
    "geojson": ("GEOJSON", "application/geo+json"),
    "jsonld": ("JSON_LD", "application/ld+json"),
    "json-ld": ("JSON_LD", "application/ld+json"),
    "xml": ("XML", "application/xml"),
    "rdf": ("RDF_XML", "application/rdf+xml"),
    "ttl": ("RDF_TURTLE", "text/turtle"),
    "kml": ("KML", "application/vnd.google-earth.kml+xml"),
    "shp": ("SHP", None),
    "parquet": ("PARQUET", "application/vnd.apache.parquet"),
    "pdf": ("PDF", "application/pdf"),
    "doc": ("DOC", "application/msword"),
    "docx": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "txt": ("TXT", "text/plain"),
    "zip": ("ZIP", "application/zip"),
    "png": ("PNG", "image/png"),
    "jpg": ("JPEG", "image/jpeg"),
    "jpeg": ("JPEG", "image/jpeg"),
    "html": ("HTML", "text/html"),
}
MEDIA_TYPE_TO_FORMAT = {media: fmt for fmt, (_code, media) in FILE_TYPES.items() if media}
# Not files but pages: a link ending in .html is no download.
NOT_FILES = frozenset({"html"})
MEDIA_TYPE_RE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")

# Licences: CKAN's licence id -> the EU licence authority's IRI (the vocabulary DCAT-AP 3 and the MQA use);
# the other ids take CKAN's licence register url, and a licence without one a blank dct:LicenseDocument.
LICENCE = "http://publications.europa.eu/resource/authority/licence/"
LICENSE_IRIS = {
    "cc-by": LICENCE + "CC_BY_4_0",
    "cc-by-sa": LICENCE + "CC_BYSA_4_0",
    "cc-zero": LICENCE + "CC0",
    "odc-by": LICENCE + "ODC_BY",
    "odc-odbl": LICENCE + "ODC_ODBL",
    "odc-pddl": LICENCE + "ODC_PDDL",
}
# Parsing: also the Creative Commons deeds other catalogues use for the same licences.
LICENSE_ALIASES = {
    "http://creativecommons.org/licenses/by/4.0/": "cc-by",
    "https://creativecommons.org/licenses/by/4.0/": "cc-by",
    "http://creativecommons.org/licenses/by-sa/4.0/": "cc-by-sa",
    "https://creativecommons.org/licenses/by-sa/4.0/": "cc-by-sa",
    "http://creativecommons.org/publicdomain/zero/1.0/": "cc-zero",
    "https://creativecommons.org/publicdomain/zero/1.0/": "cc-zero",
}

LANGUAGE_IND = URIRef("http://publications.europa.eu/resource/authority/language/IND")
AVAILABILITY_STABLE = URIRef("http://publications.europa.eu/resource/authority/planned-availability/STABLE")
# The catalogue's description (mandatory in DCAT-AP) when ckan.site_description, which euro_dcat_ap_3 uses, is empty.
CATALOG_DESCRIPTION = {
    "id": "Data sektoral Pemerintah Kota Tangerang, dari setiap perangkat daerah (Satu Data Indonesia).",
    "en": "Sectoral data of the Tangerang City Government, from every city agency (One Data Indonesia).",
}
# What each access class means for a reuser, in English; the Indonesian text comes from codelists/klasifikasi.csv.
RIGHTS_EN = {
    "terbuka": "anyone may see the metadata and download the data, under the dataset's licence",
    "terbatas": "anyone may see the metadata; only the owning OPD and the walidata may download the data, "
    "others ask the data producer",
    "tertutup": "only the owning OPD and the walidata may see the metadata and the data",
}

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


def license_iri(license_id: str | None) -> str | None:
    """The IRI of a CKAN licence id: the EU licence authority's, else the licence register's ``url``."""
    if not license_id:
        return None
    if license_id in LICENSE_IRIS:
        return LICENSE_IRIS[license_id]
    licence = LicenseRegister().get(license_id)
    return (licence.url or None) if licence else None


def _license_ids_by_iri() -> dict[str, str]:
    """Parsing: every IRI that names a licence of the register (ours, its ``url`` and the CC deeds) -> its id."""
    ids = {licence.url: license_id for license_id, licence in LicenseRegister().items() if licence.url}
    ids.update(LICENSE_ALIASES)
    ids.update({iri: license_id for license_id, iri in LICENSE_IRIS.items()})
    return ids


def file_type(resource_dict: dict[str, Any]) -> str | None:
    """The FILE_TYPES key of a resource, from its format text (case-insensitive, ``.csv`` or ``text/csv``
    alike) or else its media type; None when we do not know the format."""
    fmt = str(resource_dict.get("format") or "").strip().lower().lstrip(".")
    if fmt in FILE_TYPES:
        return fmt
    for media in (fmt, str(resource_dict.get("mimetype") or "").strip().lower()):
        if media in MEDIA_TYPE_TO_FORMAT:
            return MEDIA_TYPE_TO_FORMAT[media]
    return None


def _is_file_link(url: str) -> bool:
    """Whether a link names a file of a format we know (``.../penduduk-2025.csv``), rather than a page or an API."""
    extension = urlparse(url).path.rsplit("/", 1)[-1].rpartition(".")[2].lower()
    return extension in FILE_TYPES and extension not in NOT_FILES


def walidata_contact(name: str | None, email: str | None) -> dict[str, str | None]:
    """The walidata as a contact: the dataset's walidata fields, else the portal's configured walidata."""
    if name or email:
        return {"name": name, "email": email}
    return {
        "name": tk.config.get("ckanext.tangerang.portal.walidata_name"),
        "email": tk.config.get("ckanext.tangerang.portal.walidata_email"),
    }


def contact_point(produsen: dict[str, str | None], walidata: dict[str, str | None]) -> dict[str, str | None]:
    """A dataset's contact ({"name", "email"}): its data producer, else its walidata, else the portal's walidata.
    DCAT-AP's ``dcat:contactPoint`` here and the Satu Data feed's ``kontak`` (satudata.py)."""
    if any(produsen.values()):
        return produsen
    return walidata_contact(walidata.get("name"), walidata.get("email"))


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
        g.add((dataset_ref, DCT.language, LANGUAGE_IND))
        g.add((LANGUAGE_IND, RDF.type, DCT.LinguisticSystem))

        # Source application: its page on the portal, a related resource (dct:source is for source datasets).
        self._add_triple_from_dict(
            dataset_dict,
            dataset_ref,
            DCT.relation,
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
            else:
                self._graph_download_url(resource_dict, distribution)
            self._graph_distribution(dataset_dict, resource_dict, distribution, klasifikasi)
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

    def _graph_download_url(self, resource_dict: dict[str, Any], distribution: URIRef) -> None:
        """A download URL for a file the public may download: an upload (its url is the portal's download
        route) or a direct file link. Never called for a terbatas dataset's files shown to an outsider."""
        url = str(resource_dict.get("url") or "").strip()
        if not url.startswith(("http://", "https://")) or (distribution, DCAT.downloadURL, None) in self.g:
            return
        if resource_dict.get("url_type") == "upload" or _is_file_link(url):
            self.g.add((distribution, DCAT.downloadURL, URIRef(url)))
            self.g.add((URIRef(url), RDF.type, RDFS.Resource))

    def _graph_distribution(
        self,
        dataset_dict: dict[str, Any],
        resource_dict: dict[str, Any],
        distribution: URIRef,
        klasifikasi: str,
    ) -> None:
        """Format and media type as IRIs, licence, rights, byte size and availability of one distribution."""
        g = self.g
        fmt = file_type(resource_dict)
        if fmt:
            # euro_dcat_ap_3 wrote the format text and the media type as literals: replace them by the IRIs.
            code, media = FILE_TYPES[fmt]
            g.remove((distribution, DCT["format"], None))
            g.add((distribution, DCT["format"], URIRef(FILE_TYPE + code)))
            g.add((URIRef(FILE_TYPE + code), RDF.type, DCT.MediaTypeOrExtent))
        mimetype = str(resource_dict.get("mimetype") or "").strip().lower()
        media = mimetype if MEDIA_TYPE_RE.match(mimetype) else (FILE_TYPES[fmt][1] if fmt else None)
        if media:
            g.remove((distribution, DCAT.mediaType, None))
            g.add((distribution, DCAT.mediaType, URIRef(IANA_MEDIA_TYPE + media)))
            g.add((URIRef(IANA_MEDIA_TYPE + media), RDF.type, DCT.MediaType))

        # The dataset's licence on each distribution, unless the resource names its own.
        iri = license_iri(dataset_dict.get("license_id"))
        if (distribution, DCT.license, None) not in g and dataset_dict.get("license_id"):
            licence = URIRef(iri) if iri else BNode()
            g.add((distribution, DCT.license, licence))
            g.add((licence, RDF.type, DCT.LicenseDocument))
            if dataset_dict.get("license_title"):
                g.add((licence, DCT.title, Literal(dataset_dict["license_title"])))

        row = codelists.by_code("klasifikasi").get(klasifikasi)
        if row and (distribution, DCT.rights, None) not in g:
            rights = BNode()
            g.add((distribution, DCT.rights, rights))
            g.add((rights, RDF.type, DCT.RightsStatement))
            g.add(
                (
                    rights,
                    RDFS.label,
                    Literal(
                        f"Data {row['label_id'].lower()}: metadata dapat dilihat oleh "
                        f"{row['siapa_melihat_metadata']}; data dapat diunduh oleh {row['siapa_mengunduh_data']}.",
                        lang="id",
                    ),
                )
            )
            g.add(
                (rights, RDFS.label, Literal(f"{row['label_en']} data: {RIGHTS_EN[klasifikasi]}.", lang="en"))
            )

        size = resource_dict.get("size")
        try:
            size = int(Decimal(str(size))) if size not in (None, "") else None
        except (InvalidOperation, ValueError):
            size = None
        if size is not None and size >= 0:
            g.remove((distribution, DCAT.byteSize, None))
            g.add((distribution, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))

        if (distribution, DCATAP.availability, None) not in g:
            g.add((distribution, DCATAP.availability, AVAILABILITY_STABLE))

    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None, catalog_ref: URIRef) -> None:
        g = self.g
        g.bind("tgr", TGR)
        # The catalogue's language as the EU language IRI (euro_dcat_ap_3 writes ckan.locale_default, "id").
        for language in list(g.objects(catalog_ref, DCT.language)):
            if isinstance(language, Literal):
                g.remove((catalog_ref, DCT.language, language))
        g.add((catalog_ref, DCT.language, LANGUAGE_IND))
        g.add((LANGUAGE_IND, RDF.type, DCT.LinguisticSystem))
        if (catalog_ref, DCT.description, None) not in g:
            for lang, text in CATALOG_DESCRIPTION.items():
                g.add((catalog_ref, DCT.description, Literal(text, lang=lang)))
        # Its licence: the one every dataset gets unless its OPD chooses another.
        iri = license_iri(DEFAULT_LICENSE)
        if iri and (catalog_ref, DCT.license, None) not in g:
            g.add((catalog_ref, DCT.license, URIRef(iri)))
            g.add((URIRef(iri), RDF.type, DCT.LicenseDocument))
        issued = self._first_catalog_creation()
        if issued and (catalog_ref, DCT.issued, None) not in g:
            self._add_date_triple(catalog_ref, DCT.issued, issued)
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
        name = self._get_dict_value(dataset_dict, "walidata_nama")
        email = self._get_dict_value(dataset_dict, "walidata_email")
        # DCAT-AP recommends a contact point on every dataset: the producer, else the walidata.
        contact = contact_point(produsen, {"name": name, "email": email})
        if any(contact.values()):
            self._add_contact_to_graph(dataset_ref, DCAT.contactPoint, contact)
            for point in self.g.objects(dataset_ref, DCAT.contactPoint):
                self.g.add((point, RDF.type, VCARD.Organization))
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

    @staticmethod
    def _first_catalog_creation() -> str | None:
        """When the catalogue's first public dataset was created (its ``dct:issued``)."""
        result = tk.get_action("package_search")(
            {"ignore_auth": True}, {"sort": "metadata_created asc", "rows": 1, "fl": "metadata_created"}
        )
        return result["results"][0]["metadata_created"] if result.get("results") else None

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
        if contacts and self._is_walidata(dataset_ref, contacts[0]):
            # The walidata stood in for a missing producer (see _graph_agents): no producer to take.
            consumed.update({f"contact_{k}": None for k in ("uri", "name", "email", "identifier", "url")})
            dataset_dict.pop("contact", None)
        elif contacts:
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

        # aplikasi_sumber: dct:relation, or dct:source in feeds written before DCAT-AP 3 (ours included)
        found = False
        for extra_key, predicate in (("related_resource", DCT.relation), ("source", DCT.source)):
            for source in self.g.objects(dataset_ref, predicate):
                match = (
                    APLIKASI_PATH_RE.search(urlparse(str(source)).path)
                    if isinstance(source, URIRef)
                    else None
                )
                if match and not found:
                    dataset_dict["aplikasi_sumber"] = match.group(1)
                    found = True
                if match:
                    consumed.setdefault(extra_key, set()).add(str(source))

        # license_id: ckanext-dcat knows only the licence register's urls
        if not dataset_dict.get("license_id"):
            ids = _license_ids_by_iri()
            for distribution in self.g.objects(dataset_ref, DCAT.distribution):
                license_id = ids.get(str(self._object(distribution, DCT.license) or ""))
                if license_id:
                    dataset_dict["license_id"] = license_id
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

    def _is_walidata(self, dataset_ref: URIRef, contact: dict[str, Any]) -> bool:
        """Whether a contact point is the walidata: the dataset's custodian, or the portal's configured one."""
        walidata = [
            (agent.get("name"), agent.get("email"))
            for attribution in self.g.objects(dataset_ref, PROV.qualifiedAttribution)
            if (attribution, DCAT.hadRole, WALIDATA_ROLE) in self.g
            for agent in self._agents_details(attribution, PROV.agent)
        ]
        walidata.append(tuple(walidata_contact(None, None).values()))
        return (contact.get("name"), contact.get("email")) in walidata

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
