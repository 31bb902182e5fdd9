"""DCAT catalogue serialisations (Turtle and RDF/XML) written by hand: rdflib is not a runtime dependency
here.

The shape follows what ckanext-dcat's RDF harvester reads: a ``dcat:Catalog`` linking ``dcat:Dataset`` nodes
with ``dct:identifier`` (its GUID), and ``dcat:Distribution`` nodes; paging uses ``hydra:PagedCollection``
with ``hydra:next``, which that harvester follows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from . import reference
from .catalogue import ACCESS_RIGHTS
from .data import SAMPLE_NOTICE

PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


@dataclass(frozen=True)
class Lit:
    value: str
    datatype: str | None = None  # prefixed name, e.g. "xsd:dateTime"
    lang: str | None = None


@dataclass(frozen=True)
class Ref:
    uri: str


Triple = tuple[str, str, "Lit | Ref"]  # subject URI, predicate as prefixed name, object


@dataclass(frozen=True)
class Paging:
    page_uri: str
    total: int
    per_page: int
    first: str
    last: str
    next: str | None
    previous: str | None


def _dataset_triples(ds: dict[str, Any], base_url: str) -> list[Triple]:
    uri = f"{base_url}/dcat/dataset/{ds['id']}"
    opd = reference.opd_by_slug()[ds["opd"]]
    freq = reference.frekuensi()[ds["frekuensi"]]["dcat_accrual_periodicity"]
    t: list[Triple] = [
        (uri, "rdf:type", Ref(PREFIXES["dcat"] + "Dataset")),
        (uri, "dct:identifier", Lit(ds["id"])),
        (uri, "dct:title", Lit(ds["judul"], lang="id")),
        (uri, "dct:description", Lit(ds["deskripsi"], lang="id")),
        (uri, "dct:issued", Lit(ds["dibuat"], "xsd:dateTime")),
        (uri, "dct:modified", Lit(ds["diperbarui"], "xsd:dateTime")),
        (uri, "dct:accessRights", Ref(ACCESS_RIGHTS[ds["klasifikasi"]])),
        (uri, "dct:publisher", Ref(f"{base_url}/dcat/organisasi/{ds['opd']}")),
        (uri, "dcat:landingPage", Ref(f"{base_url}/apps/{ds['aplikasi']}/datasets")),
        (uri, "rdfs:comment", Lit(SAMPLE_NOTICE)),
        (uri, "dcat:theme", Ref(f"{base_url}/dcat/sektor/{ds['sektor']}")),
        (f"{base_url}/dcat/organisasi/{ds['opd']}", "rdf:type", Ref(PREFIXES["foaf"] + "Organization")),
        (f"{base_url}/dcat/organisasi/{ds['opd']}", "foaf:name", Lit(opd["nama"])),
    ]
    if freq:
        t.append((uri, "dct:accrualPeriodicity", Ref(freq)))
    t += [(uri, "dcat:keyword", Lit(k, lang="id")) for k in ds["kata_kunci"]]
    t += [(uri, "dct:spatial", Ref(f"{base_url}/dcat/wilayah/{code}")) for code in ds["cakupan_wilayah"]]
    for pos, d in enumerate(ds["distribusi"]):
        duri = f"{uri}/distribusi/{pos}"
        t += [
            (uri, "dcat:distribution", Ref(duri)),
            (duri, "rdf:type", Ref(PREFIXES["dcat"] + "Distribution")),
            (duri, "dct:title", Lit(d["judul"], lang="id")),
            (duri, "dcat:accessURL", Ref(base_url + d["path"])),
            (duri, "dcat:downloadURL", Ref(base_url + d["path"])),
            (duri, "dct:format", Lit(d["format"])),
            (duri, "dcat:mediaType", Lit(d["media_type"])),
            (duri, "dct:modified", Lit(ds["diperbarui"], "xsd:dateTime")),
        ]
    return t


def catalogue_triples(
    datasets: Sequence[dict[str, Any]], base_url: str, paging: Paging | None
) -> list[Triple]:
    cat = f"{base_url}/dcat/catalog"
    t: list[Triple] = [
        (cat, "rdf:type", Ref(PREFIXES["dcat"] + "Catalog")),
        (cat, "dct:title", Lit("Katalog Data Contoh Kota Tangerang (DATA CONTOH)", lang="id")),
        (cat, "dct:description", Lit(SAMPLE_NOTICE, lang="id")),
        (cat, "dct:publisher", Ref(f"{base_url}/dcat/organisasi/diskominfo")),
        (cat, "foaf:homepage", Ref(f"{base_url}/")),
    ]
    for ds in datasets:
        t.append((cat, "dcat:dataset", Ref(f"{base_url}/dcat/dataset/{ds['id']}")))
        t += _dataset_triples(ds, base_url)
    if paging:
        p = paging.page_uri
        t += [
            (p, "rdf:type", Ref(PREFIXES["hydra"] + "PagedCollection")),
            (p, "hydra:totalItems", Lit(str(paging.total), "xsd:integer")),
            (p, "hydra:itemsPerPage", Lit(str(paging.per_page), "xsd:integer")),
            (p, "hydra:firstPage", Lit(paging.first)),
            (p, "hydra:lastPage", Lit(paging.last)),
        ]
        if paging.next:
            t += [(p, "hydra:next", Ref(paging.next)), (p, "hydra:nextPage", Lit(paging.next))]
        if paging.previous:
            t.append((p, "hydra:previousPage", Lit(paging.previous)))
    return t


# --------------------------------------------------------------------------------------------------- Turtle
def _ttl_string(s: str) -> str:
    s = (
        s.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{s}"'


def _ttl_uri(u: str) -> str:
    # IRIs may not contain these characters; our URLs never should, but a bad one must not break the document.
    for ch, rep in (
        ("<", "%3C"),
        (">", "%3E"),
        (" ", "%20"),
        ('"', "%22"),
        ("{", "%7B"),
        ("}", "%7D"),
        ("\\", "%5C"),
        ("^", "%5E"),
        ("`", "%60"),
        ("|", "%7C"),
    ):
        u = u.replace(ch, rep)
    return f"<{u}>"


def _ttl_obj(o: Lit | Ref) -> str:
    if isinstance(o, Ref):
        return _ttl_uri(o.uri)
    s = _ttl_string(o.value)
    if o.lang:
        return f"{s}@{o.lang}"
    if o.datatype:
        return f"{s}^^{o.datatype}"
    return s


def to_turtle(triples: Sequence[Triple]) -> str:
    lines = [f"@prefix {p}: <{u}> ." for p, u in PREFIXES.items()]
    lines.append(f"# {SAMPLE_NOTICE}")
    by_subject: dict[str, list[tuple[str, Lit | Ref]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, []).append((p, o))
    for s, pos in by_subject.items():
        lines.append("")
        body = " ;\n    ".join(f"{'a' if p == 'rdf:type' else p} {_ttl_obj(o)}" for p, o in pos)
        lines.append(f"{_ttl_uri(s)}\n    {body} .")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------- RDF/XML
def _xml_obj(p: str, o: Lit | Ref) -> str:
    if isinstance(o, Ref):
        return f"    <{p} rdf:resource={quoteattr(o.uri)}/>"
    attrs = ""
    if o.lang:
        attrs = f' xml:lang="{o.lang}"'
    elif o.datatype:
        prefix, local = o.datatype.split(":")
        attrs = f" rdf:datatype={quoteattr(PREFIXES[prefix] + local)}"
    return f"    <{p}{attrs}>{escape(o.value)}</{p}>"


def to_rdfxml(triples: Sequence[Triple]) -> str:
    ns = " ".join(f'xmlns:{p}="{u}"' for p, u in PREFIXES.items() if p != "xsd")
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f"<!-- {SAMPLE_NOTICE} -->", f"<rdf:RDF {ns}>"]
    by_subject: dict[str, list[tuple[str, Lit | Ref]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, []).append((p, o))
    for s, pos in by_subject.items():
        lines.append(f"  <rdf:Description rdf:about={quoteattr(s)}>")
        lines += [_xml_obj(p, o) for p, o in pos]
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return "\n".join(lines) + "\n"


def billion_laughs(base_url: str) -> str:
    """An RDF/XML document whose DTD expands to about 3 GB of text (10 levels of 10x): the xml_bomb fault."""
    ents = ['  <!ENTITY lol0 "lol">']
    ents += [f'  <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<!DOCTYPE rdf:RDF [\n" + "\n".join(ents) + "\n]>\n"
        f'<rdf:RDF xmlns:rdf="{PREFIXES["rdf"]}" xmlns:dct="{PREFIXES["dct"]}" '
        f'xmlns:dcat="{PREFIXES["dcat"]}">\n'
        f"  <dcat:Catalog rdf:about={quoteattr(base_url + '/dcat/catalog')}>\n"
        "    <dct:title>&lol9;</dct:title>\n"
        "  </dcat:Catalog>\n</rdf:RDF>\n"
    )
