"""The data.europa.eu Metadata Quality Assessment (MQA) of one dataset, scored from the dataset's own DCAT graph.

We follow the MQA methodology as data.europa.eu publishes it in its Data Provider Manual ("Metadata quality
dashboard", https://dataeuropa.gitlab.io/data-provider-manual/metadata-quality-dashboard/, and
https://data.europa.eu/mqa/methodology): the version with five dimensions derived from FAIR (findability 100,
accessibility 100, interoperability 110, reusability 75, contextuality 20; 405 points) and four ratings (Excellent
351-405, Good 221-350, Sufficient 121-220, Bad 0-120). The weights and property paths are the table ``INDICATORS``
below; the vocabularies the methodology checks against are the small tables after it. The score is pure: it reads
an rdflib Graph as ``/dataset/<name>.rdf`` publishes it, and asks the injected ``reachable(url)`` (the link
checker's last result: True, False, or None for "not checked yet") instead of going on the network. DCAT-AP
compliance, which data.europa.eu decides with the DCAT-AP SHACL shapes, is here an explicit list of checks
(``dcat_ap_violations``) of DCAT-AP 3's mandatory properties and range constraints for a dataset and its distributions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD
from rdflib.term import Node

__all__ = [
    "DIMENSIONS",
    "INDICATORS",
    "MAX_POINTS",
    "Reachable",
    "dcat_ap_violations",
    "find_dataset",
    "rating",
    "score",
]

DCT = DCTERMS

Reachable = Callable[[str], "bool | None"]
Owner = Literal["steward", "portal"]

# --------------------------------------------------------------------------------------------- the weights
# The methodology's tables, one row per indicator (TABLE below), and what the steward or the portal should add.


@dataclass(frozen=True)
class Indicator:
    dimension: str
    key: str
    path: str
    weight: int
    on: Literal["dataset", "distribution"]
    owner: Owner
    advice_id: str
    advice_en: str


DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability", "contextuality")

# dimension | key | property path | weight | computed on | whose to add | advice (Indonesian) | advice (English)
TABLE = """
findability | keyword | dcat:keyword | 30 | dataset | steward | tambahkan kata kunci | add keywords
findability | theme | dcat:theme | 30 | dataset | steward | isi sektor (kategori) | set the sector (category)
findability | spatial | dct:spatial | 20 | dataset | steward | isi cakupan wilayah | set the spatial coverage
findability | temporal | dct:temporal | 20 | dataset | steward | isi tahun awal dan tahun akhir | set the first and last year
accessibility | access_url_reachable | dcat:accessURL | 50 | distribution | steward | perbaiki tautan sumber daya yang tidak dapat diakses | fix resource links that cannot be reached
accessibility | download_url | dcat:downloadURL | 20 | distribution | portal | terbitkan dcat:downloadURL untuk setiap berkas | publish a dcat:downloadURL for every file
accessibility | download_url_reachable | dcat:downloadURL | 30 | distribution | steward | perbaiki tautan unduhan yang tidak dapat diakses | fix download links that cannot be reached
interoperability | format | dct:format | 20 | distribution | steward | isi format sumber daya | set the resource format
interoperability | media_type | dcat:mediaType | 10 | distribution | portal | terbitkan dcat:mediaType | publish dcat:mediaType
interoperability | format_media_type_vocabulary | dct:format, dcat:mediaType | 10 | distribution | portal | terbitkan format sebagai IRI jenis berkas UE dan tipe media sebagai IRI IANA | publish the format as an EU file-type IRI and the media type as an IANA IRI
interoperability | non_proprietary | dct:format | 20 | distribution | steward | sediakan berkas dalam format terbuka (misalnya CSV) | provide a file in an open format (e.g. CSV)
interoperability | machine_readable | dct:format | 20 | distribution | steward | sediakan berkas yang dapat dibaca mesin (misalnya CSV, JSON) | provide a machine-readable file (e.g. CSV, JSON)
interoperability | dcat_ap_compliance | DCAT-AP 3 | 30 | dataset | portal | perbaiki keluaran DCAT-AP | fix the DCAT-AP output
reusability | license | dct:license | 20 | distribution | portal | terbitkan lisensi pada setiap distribusi | publish a licence on every distribution
reusability | license_vocabulary | dct:license | 10 | distribution | portal | terbitkan lisensi sebagai IRI kosakata lisensi UE | publish the licence as an EU licence vocabulary IRI
reusability | access_rights | dct:accessRights | 10 | dataset | portal | terbitkan hak akses dari klasifikasi | publish access rights from the classification
reusability | access_rights_vocabulary | dct:accessRights | 5 | dataset | portal | terbitkan hak akses sebagai IRI kosakata hak akses UE | publish access rights as an EU access-right vocabulary IRI
reusability | contact_point | dcat:contactPoint | 20 | dataset | steward | isi kontak produsen data (nama dan surel) | fill in the data producer's contact (name and e-mail)
reusability | publisher | dct:publisher | 10 | dataset | portal | terbitkan penerbit (OPD) | publish the publisher (the agency)
contextuality | rights | dct:rights | 5 | distribution | portal | terbitkan pernyataan hak pada setiap distribusi | publish a rights statement on every distribution
contextuality | byte_size | dcat:byteSize | 5 | distribution | portal | terbitkan ukuran berkas | publish the file size
contextuality | issued | dct:issued | 5 | dataset | portal | terbitkan tanggal terbit | publish the date of issue
contextuality | modified | dct:modified | 5 | dataset | portal | terbitkan tanggal pembaruan | publish the modification date
"""


def _row(line: str) -> Indicator:
    dimension, key, path, weight, on, owner, advice_id, advice_en = (cell.strip() for cell in line.split("|"))
    return Indicator(dimension, key, path, int(weight), on, owner, advice_id, advice_en)  # type: ignore[arg-type]


INDICATORS: tuple[Indicator, ...] = tuple(_row(line) for line in TABLE.strip().splitlines())
MAX_POINTS = sum(i.weight for i in INDICATORS)

# The rating groups: the lowest points of each, best first.
RATINGS = (("excellent", 351), ("good", 221), ("sufficient", 121), ("bad", 0))

# How a distribution-level indicator becomes the dataset's points. The methodology says of interoperability:
# "According to the assumption 'identical content with several distributions', only the distribution with the
# highest number of points is used to calculate the points" -- so those five take the best distribution. For the
# other distribution properties (accessURL/downloadURL, licence, rights, byte size) the dashboard reports the share
# of distributions that meet them; the dataset gets that share of the weight. No distribution: no points.
BEST_DISTRIBUTION_DIMENSIONS = frozenset({"interoperability"})

# --------------------------------------------------------------------------------------------- vocabularies

FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
LICENCE = "http://publications.europa.eu/resource/authority/licence/"
ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
IANA_MEDIA_TYPES = (
    "http://www.iana.org/assignments/media-types/",
    "https://www.iana.org/assignments/media-types/",
)
IANA_TOP_LEVEL = frozenset(
    {"application", "audio", "font", "image", "message", "model", "multipart", "text", "video"}
)

# data.europa.eu's lists of machine-readable and non-proprietary formats (EU file-type codes), the ones a city
# portal meets; the methodology counts a format only when it is an IRI of the EU file-type vocabulary in the list.
MACHINE_READABLE = frozenset(
    {"CSV", "TSV", "JSON", "JSON_LD", "GEOJSON", "XML", "RDF", "RDF_XML", "RDF_TURTLE", "N3", "N_TRIPLES",
     "XLS", "XLSX", "ODS", "GML", "KML", "KMZ", "SHP", "GPKG", "NETCDF", "PARQUET", "ATOM", "RSS", "SPARQLQ",
     "DBF", "SDMX", "GEOTIFF", "WMS_SRVC", "WFS_SRVC"}
)  # fmt: skip
NON_PROPRIETARY = frozenset(
    {"CSV", "TSV", "JSON", "JSON_LD", "GEOJSON", "XML", "RDF", "RDF_XML", "RDF_TURTLE", "N3", "N_TRIPLES",
     "ODS", "ODT", "GML", "KML", "GPKG", "NETCDF", "PARQUET", "ATOM", "RSS", "TXT", "HTML", "PDF", "PNG",
     "GEOTIFF", "SDMX"}
)  # fmt: skip
# The EU licence vocabulary's open licences a portal is likely to publish.
LICENCES = frozenset(
    {"CC_BY_4_0", "CC_BYSA_4_0", "CC0", "CC_BY_3_0", "CC_BYSA_3_0", "ODC_BY", "ODC_ODBL", "ODC_PDDL",
     "PDM_1_0", "OGL_3_0", "CC_BYNC_4_0", "CC_BYND_4_0", "CC_BYNCSA_4_0", "CC_BYNCND_4_0", "GNU_FDL_1_3"}
)  # fmt: skip
ACCESS_RIGHTS = frozenset({"PUBLIC", "RESTRICTED", "NON_PUBLIC", "SENSITIVE", "CONFIDENTIAL", "NORMAL"})

NOT_CHECKED_ID = "tautan belum diperiksa oleh pemeriksa tautan"
NOT_CHECKED_EN = "links not checked yet by the link checker"
WHOSE = {
    "steward": ("isian pengelola data", "steward's field"),
    "portal": ("keluaran portal", "portal's output"),
}
NO_DISTRIBUTION_ID = "tambahkan sumber daya (berkas atau tautan data)"
NO_DISTRIBUTION_EN = "add a resource (a data file or link)"

# --------------------------------------------------------------------------------------------- helpers


def _code(node: Node | None, base: str) -> str | None:
    """The code of a vocabulary IRI (``.../file-type/CSV`` -> ``CSV``), None for anything else."""
    if isinstance(node, URIRef) and str(node).startswith(base):
        return str(node)[len(base) :]
    return None


def _is_iana(node: Node | None) -> bool:
    if not isinstance(node, URIRef):
        return False
    text = str(node)
    for base in IANA_MEDIA_TYPES:
        if text.startswith(base):
            top, _, sub = text[len(base) :].partition("/")
            return top in IANA_TOP_LEVEL and bool(sub)
    return False


def _is_resource(node: Node) -> bool:
    return isinstance(node, (URIRef, BNode))


def _formats(g: Graph, dist: Node) -> list[str]:
    return [c for c in (_code(f, FILE_TYPE) for f in g.objects(dist, DCT.format)) if c]


def _url_reachable(g: Graph, dist: Node, prop: URIRef, reachable: Reachable) -> bool | None:
    """True if one of the distribution's URLs under prop is reachable, None if none is known yet."""
    results = [reachable(str(url)) for url in g.objects(dist, prop) if isinstance(url, URIRef)]
    if any(r is True for r in results):
        return True
    return None if any(r is None for r in results) else False


# One predicate per distribution-level indicator, per dataset-level indicator: graph, node -> met.
DISTRIBUTION_CHECKS: dict[str, Callable[[Graph, Node], bool]] = {
    "download_url": lambda g, d: any(isinstance(u, URIRef) for u in g.objects(d, DCAT.downloadURL)),
    "format": lambda g, d: (d, DCT.format, None) in g,
    "media_type": lambda g, d: (d, DCAT.mediaType, None) in g,
    "format_media_type_vocabulary": lambda g, d: (
        (any(True for _ in g.objects(d, DCT.format)) or any(True for _ in g.objects(d, DCAT.mediaType)))
        and all(_code(f, FILE_TYPE) for f in g.objects(d, DCT.format))
        and all(_is_iana(m) for m in g.objects(d, DCAT.mediaType))
    ),
    "non_proprietary": lambda g, d: any(c in NON_PROPRIETARY for c in _formats(g, d)),
    "machine_readable": lambda g, d: any(c in MACHINE_READABLE for c in _formats(g, d)),
    "license": lambda g, d: (d, DCT.license, None) in g,
    "license_vocabulary": lambda g, d: any(_code(v, LICENCE) in LICENCES for v in g.objects(d, DCT.license)),
    "rights": lambda g, d: (d, DCT.rights, None) in g,
    "byte_size": lambda g, d: (d, DCAT.byteSize, None) in g,
}
DATASET_CHECKS: dict[str, Callable[[Graph, Node], bool]] = {
    "keyword": lambda g, ds: (ds, DCAT.keyword, None) in g,
    "theme": lambda g, ds: (ds, DCAT.theme, None) in g,
    "spatial": lambda g, ds: (ds, DCT.spatial, None) in g,
    "temporal": lambda g, ds: (ds, DCT.temporal, None) in g,
    "access_rights": lambda g, ds: (ds, DCT.accessRights, None) in g,
    "access_rights_vocabulary": lambda g, ds: any(
        _code(v, ACCESS_RIGHT) in ACCESS_RIGHTS for v in g.objects(ds, DCT.accessRights)
    ),
    "contact_point": lambda g, ds: (ds, DCAT.contactPoint, None) in g,
    "publisher": lambda g, ds: (ds, DCT.publisher, None) in g,
    "issued": lambda g, ds: (ds, DCT.issued, None) in g,
    "modified": lambda g, ds: (ds, DCT.modified, None) in g,
}
URL_PROPERTIES = {"access_url_reachable": DCAT.accessURL, "download_url_reachable": DCAT.downloadURL}

# --------------------------------------------------------------------------------------------- DCAT-AP 3
# The mandatory properties of DCAT-AP 3's Dataset and Distribution, and the range constraints of the properties
# the portal writes (a class-valued property must not be plain text; typed dates and sizes), each with what it
# says when violated. Recommended properties are scored by the other indicators, not here.

DATE_TYPES = frozenset({XSD.date, XSD.dateTime, XSD.gYear, XSD.gYearMonth})
CLASS_VALUED_DATASET = (DCT.publisher, DCAT.contactPoint, DCAT.theme, DCT.spatial, DCT.temporal,
                        DCT.accessRights, DCT.accrualPeriodicity, DCT.conformsTo, DCT.language)  # fmt: skip
CLASS_VALUED_DISTRIBUTION = (DCT.format, DCAT.mediaType, DCT.license, DCT.rights, DCT.accessRights)


def _name(prop: URIRef) -> str:
    """The property as DCAT-AP writes it (dct:format), whatever prefixes the parsed graph happens to bind."""
    for prefix, ns in (("dct", str(DCT)), ("dcat", str(DCAT))):
        if prop.startswith(ns):
            return f"{prefix}:{prop[len(ns) :]}"
    return str(prop)


def _text_for_a_class(g: Graph, node: Node, cls: str, props: Iterable[URIRef]) -> Iterable[tuple[str, str]]:
    """The class-valued properties given as text (``dct:format "CSV"``), a range violation of DCAT-AP."""
    for prop in props:
        if any(not _is_resource(v) for v in g.objects(node, prop)):
            yield (
                f"{cls} {_name(prop)} harus IRI, bukan teks",
                f"{cls} {_name(prop)} must be an IRI, not text",
            )


def _dataset_violations(g: Graph, ds: Node) -> Iterable[tuple[str, str]]:
    if not any(isinstance(v, RDFLiteral) for v in g.objects(ds, DCT.title)):
        yield "dcat:Dataset dct:title wajib", "dcat:Dataset dct:title is mandatory"
    if not any(isinstance(v, RDFLiteral) for v in g.objects(ds, DCT.description)):
        yield "dcat:Dataset dct:description wajib", "dcat:Dataset dct:description is mandatory"
    yield from _text_for_a_class(g, ds, "dcat:Dataset", CLASS_VALUED_DATASET)
    for publisher in g.objects(ds, DCT.publisher):
        if _is_resource(publisher) and (publisher, FOAF.name, None) not in g:
            yield "dct:publisher tanpa foaf:name", "dct:publisher has no foaf:name"
    for prop in (DCT.issued, DCT.modified):
        if any(not isinstance(v, RDFLiteral) or v.datatype not in DATE_TYPES for v in g.objects(ds, prop)):
            yield (
                f"dcat:Dataset {_name(prop)} harus xsd:date",
                f"dcat:Dataset {_name(prop)} must be an xsd:date",
            )
    for source in g.objects(ds, DCT.source):
        if (source, RDF.type, DCAT.Dataset) not in g:
            yield "dct:source harus dcat:Dataset", "dct:source must be a dcat:Dataset"


def _distribution_violations(g: Graph, dist: Node) -> Iterable[tuple[str, str]]:
    if not any(isinstance(v, URIRef) for v in g.objects(dist, DCAT.accessURL)):
        yield "dcat:Distribution dcat:accessURL wajib", "dcat:Distribution dcat:accessURL is mandatory"
    yield from _text_for_a_class(g, dist, "dcat:Distribution", CLASS_VALUED_DISTRIBUTION)
    if any(not isinstance(v, RDFLiteral) or v.datatype != XSD.nonNegativeInteger
           for v in g.objects(dist, DCAT.byteSize)):  # fmt: skip
        yield (
            "dcat:Distribution dcat:byteSize harus xsd:nonNegativeInteger",
            "dcat:Distribution dcat:byteSize must be an xsd:nonNegativeInteger",
        )


def dcat_ap_violations(g: Graph, ds: Node) -> list[tuple[str, str]]:
    """What keeps the dataset from DCAT-AP 3 conformance (Indonesian, English), each once; empty if it conforms."""
    found = list(_dataset_violations(g, ds))
    for dist in g.objects(ds, DCAT.distribution):
        found.extend(_distribution_violations(g, dist))
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------------------------- the score


def rating(points: float) -> str:
    """The methodology's rating group for a number of points."""
    return next(name for name, lowest in RATINGS if points >= lowest)


def find_dataset(g: Graph) -> Node:
    """The dataset the graph describes: the dcat:Dataset no other node points at (a dct:source is pointed at)."""
    candidates = [ds for ds in g.subjects(RDF.type, DCAT.Dataset) if (None, None, ds) not in g]
    if len(candidates) != 1:
        raise ValueError(f"expected one dcat:Dataset at the top of the graph, found {len(candidates)}")
    return candidates[0]


def _share(met: list[bool | None]) -> float:
    return sum(1 for m in met if m is True) / len(met) if met else 0.0


def _best_distribution(g: Graph, dists: list[Node]) -> Node | None:
    """The distribution with the most points in the dimensions that count only their best distribution."""
    scored = [
        i for i in INDICATORS if i.dimension in BEST_DISTRIBUTION_DIMENSIONS and i.key in DISTRIBUTION_CHECKS
    ]
    return max(
        dists, key=lambda d: sum(i.weight for i in scored if DISTRIBUTION_CHECKS[i.key](g, d)), default=None
    )


def _indicator(
    ind: Indicator, g: Graph, ds: Node, dists: list[Node], best: Node | None, reachable: Reachable
) -> dict[str, Any]:
    advice_id, advice_en, owner = ind.advice_id, ind.advice_en, ind.owner
    if ind.key == "dcat_ap_compliance":
        violations = dcat_ap_violations(g, ds)
        fraction = 0.0 if violations else 1.0
        if violations:
            advice_id += ": " + "; ".join(v[0] for v in violations)
            advice_en += ": " + "; ".join(v[1] for v in violations)
    elif ind.on == "dataset":
        fraction = 1.0 if DATASET_CHECKS[ind.key](g, ds) else 0.0
    elif not dists:
        fraction = 0.0
        advice_id, advice_en, owner = NO_DISTRIBUTION_ID, NO_DISTRIBUTION_EN, "steward"
    elif ind.key in URL_PROPERTIES:
        results = [_url_reachable(g, d, URL_PROPERTIES[ind.key], reachable) for d in dists]
        fraction = _share(results)
        if None in results:
            advice_id, advice_en, owner = NOT_CHECKED_ID, NOT_CHECKED_EN, "portal"
    else:
        counted = [best] if ind.dimension in BEST_DISTRIBUTION_DIMENSIONS else dists
        fraction = _share([DISTRIBUTION_CHECKS[ind.key](g, d) for d in counted])
    met = fraction == 1.0
    whose_id, whose_en = WHOSE[owner]
    return {
        "key": ind.key,
        "points": round(ind.weight * fraction, 2),
        "max": ind.weight,
        "met": met,
        "owner": owner,
        "advice_id": "" if met else f"{advice_id[0].upper()}{advice_id[1:]} ({whose_id}).",
        "advice_en": "" if met else f"{advice_en[0].upper()}{advice_en[1:]} ({whose_en}).",
    }


def score(g: Graph, reachable: Reachable, dataset: Node | None = None) -> dict[str, Any]:
    """The MQA score of the dataset in g (the one dcat:Dataset at its top, unless given).

    :param g: the dataset's DCAT graph, as ``/dataset/<name>.rdf`` publishes it
    :param reachable: the link checker's verdict on a URL: True, False, or None when not checked yet (0 points)
    :returns: ``{"points": int, "max": 405, "rating": "excellent|good|sufficient|bad", "dimensions": {name:
        {"points", "max", "indicators": [{"key", "points", "max", "met", "owner", "advice_id", "advice_en"}]}}}``
    """
    ds = dataset if dataset is not None else find_dataset(g)
    dists = list(g.objects(ds, DCAT.distribution))
    best = _best_distribution(g, dists)
    dimensions: dict[str, dict[str, Any]] = {
        name: {"points": 0.0, "max": 0, "indicators": []} for name in DIMENSIONS
    }
    for ind in INDICATORS:
        part = dimensions[ind.dimension]
        result = _indicator(ind, g, ds, dists, best, reachable)
        part["indicators"].append(result)
        part["points"] = round(part["points"] + result["points"], 2)
        part["max"] += ind.weight
    points = round(sum(d["points"] for d in dimensions.values()))
    return {"points": points, "max": MAX_POINTS, "rating": rating(points), "dimensions": dimensions}
