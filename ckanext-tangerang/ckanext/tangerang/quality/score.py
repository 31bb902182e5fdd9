"""A dataset's quality score (0-100) from its parts, each with points, a maximum and what to do to raise it.

Pure: the dataset dict (as ``package_show`` returns it), the link checker's last status per resource, the day to
measure freshness on, the schema's recommended fields and the dataset's own DCAT graph come in; nothing here reads
the database, Solr or the clock (``logic/quality.py`` gathers them). The parts and their weights are ``WEIGHTS``:

| part | points | what earns them |
|---|---|---|
| ``standar`` (Satu Data: data standard) | 15 | ``satuan`` 4, ``ukuran`` 4, concept and definition: a
  ``metodologi`` 4, ``kode_standar_data`` valid when given 3 (its shape and an existing affairs code) |
| ``kelengkapan`` (metadata) | 15 | the share of the schema's recommended fields that are filled (fields marked
  ``tangerang_recommended: true`` in ``schemas/dataset.yaml``) |
| ``interoperabilitas`` | 15 | a resource in an open machine-readable format 8, a ``kamus_data`` on the tabular
  resources 7 (their share) |
| ``kode_referensi`` | 10 | Kemendagri area codes in ``cakupan_wilayah`` all known 5, a known ``sektor`` 5 |
| ``kemutakhiran`` (freshness) | 15 | not past ``pemutakhiran_berikutnya`` on the day measured (an irregular
  frequency has no schedule and keeps them) |
| ``tautan`` (links) | 10 | the share of resources the link checker did not find broken; unchecked ones are not
  penalised, only advised |
| ``mqa`` | 20 | the data.europa.eu MQA points of the dataset's DCAT graph (``mqa.py``) scaled from 405 |

Advice lines are ``{"id": ..., "en": ...}``; the MQA part passes on only the advice a steward can act on (the
portal's own output is the portal's business).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import Graph

from ckanext.tangerang import codelists
from ckanext.tangerang.dcat import FILE_TYPES, file_type
from ckanext.tangerang.quality import mqa

__all__ = ["BROKEN", "WEIGHTS", "recommended_fields", "score", "with_freshness"]

WEIGHTS: dict[str, int] = {
    "standar": 15,
    "kelengkapan": 15,
    "interoperabilitas": 15,
    "kode_referensi": 10,
    "kemutakhiran": 15,
    "tautan": 10,
    "mqa": 20,
}
LABELS: dict[str, tuple[str, str]] = {
    "standar": ("Standar data", "Data standard"),
    "kelengkapan": ("Kelengkapan metadata", "Metadata completeness"),
    "interoperabilitas": ("Interoperabilitas", "Interoperability"),
    "kode_referensi": ("Kode referensi", "Reference codes"),
    "kemutakhiran": ("Kemutakhiran", "Freshness"),
    "tautan": ("Tautan sumber daya", "Resource links"),
    "mqa": ("Kualitas metadata DCAT (MQA data.europa.eu)", "DCAT metadata quality (data.europa.eu MQA)"),
}
# The link checker's statuses that count as broken; the others (ok, or not checkable: outside the allow-list,
# no URL) do not cost points.
BROKEN = frozenset({"broken", "unreachable"})
CHECKED = frozenset({"ok", *BROKEN})
OPEN_MACHINE_READABLE = mqa.MACHINE_READABLE & mqa.NON_PROPRIETARY
TABULAR = frozenset({"csv", "tsv", "xlsx", "xls", "ods"})


def _advice(id_text: str, en_text: str) -> dict[str, str]:
    return {"id": id_text, "en": en_text}


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {}) and not (isinstance(value, str) and not value.strip())


def _part(key: str, fraction: float, advice: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    label_id, label_en = LABELS[key]
    return {
        "key": key,
        "label": {"id": label_id, "en": label_en},
        "points": round(WEIGHTS[key] * max(0.0, min(1.0, fraction)), 1),
        "max": WEIGHTS[key],
        "advice": advice,
        **extra,
    }


def _urusan_known(code: str) -> bool:
    return code in codelists.by_code("urusan_pemerintahan")


def _standard_code_valid(value: str) -> bool:
    """``SD.1.02.0001``: the shape, and an affairs code (``1.02``) of Permendagri 90/2019."""
    return codelists.fits(codelists.KODE_STANDAR_DATA, value) and _urusan_known(value[3:7])


def standar(dataset: Mapping[str, Any]) -> dict[str, Any]:
    """Satu Data's data standard: unit, measure, concept and definition, and a valid data standard code."""
    points, advice = 0, []
    for field, weight, (id_text, en_text) in (
        ("satuan", 4, ("Tambahkan satuan (mis. jiwa, rupiah)", "Add the unit (e.g. persons, rupiah)")),
        ("ukuran", 4, ("Tambahkan ukuran (mis. jumlah, persentase)", "Add the measure (e.g. count, percentage)")),
        ("metodologi", 4, ("Tambahkan metodologi (konsep dan definisi)", "Add the methodology (concept and definition)")),
    ):  # fmt: skip
        if _filled(dataset.get(field)):
            points += weight
        else:
            advice.append(_advice(id_text, en_text))
    code = dataset.get("kode_standar_data")
    if not _filled(code) or _standard_code_valid(str(code)):
        points += 3
    else:
        advice.append(
            _advice(
                f"Perbaiki kode standar data {code}: format {codelists.KODE_STANDAR_DATA} dengan kode urusan "
                "yang berlaku",
                f"Fix the data standard code {code}: {codelists.KODE_STANDAR_DATA} with an existing affairs code",
            )
        )
    return _part("standar", points / WEIGHTS["standar"], advice)


def recommended_fields(schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The dataset fields a scheming schema marks ``tangerang_recommended: true``."""
    return [f for f in schema.get("dataset_fields", []) if f.get("tangerang_recommended")]


def _label(field: Mapping[str, Any], lang: str) -> str:
    label = field.get("label") or field["field_name"]
    return label.get(lang, field["field_name"]) if isinstance(label, dict) else str(label)


def kelengkapan(dataset: Mapping[str, Any], recommended: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The share of the schema's recommended fields that the dataset fills."""
    fields = list(recommended)
    missing = [f for f in fields if not _filled(dataset.get(f["field_name"]))]
    advice = []
    if missing:
        advice.append(
            _advice(
                "Lengkapi metadata: " + ", ".join(_label(f, "id") for f in missing),
                "Complete the metadata: " + ", ".join(_label(f, "en") for f in missing),
            )
        )
    fraction = 1 - len(missing) / len(fields) if fields else 1.0
    return _part("kelengkapan", fraction, advice, filled=len(fields) - len(missing), fields=len(fields))


def _resources(dataset: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        r
        for r in dataset.get("resources") or []
        if isinstance(r, Mapping) and r.get("state", "active") == "active"
    ]


def interoperabilitas(dataset: Mapping[str, Any]) -> dict[str, Any]:
    """Open machine-readable formats and a data dictionary on every tabular resource."""
    resources = _resources(dataset)
    if not resources:
        return _part(
            "interoperabilitas",
            0,
            [
                _advice(
                    "Tambahkan sumber daya (berkas atau tautan data)", "Add a resource (a data file or link)"
                )
            ],
        )
    kinds = [file_type(r) for r in resources]
    open_formats = any(k and FILE_TYPES[k][0] in OPEN_MACHINE_READABLE for k in kinds)
    tabular = [r for r, k in zip(resources, kinds, strict=True) if k in TABULAR]
    described = [r for r in tabular if _filled(r.get("kamus_data"))]
    advice = []
    if not open_formats:
        advice.append(
            _advice(
                "Sediakan berkas dalam format terbuka yang dapat dibaca mesin (mis. CSV, JSON)",
                "Provide a file in an open machine-readable format (e.g. CSV, JSON)",
            )
        )
    if len(described) < len(tabular):
        count = len(tabular) - len(described)
        advice.append(
            _advice(
                f"Tambahkan kamus data: {count} sumber daya tabel belum memilikinya",
                f"Add a data dictionary: {count} tabular resource(s) have none",
            )
        )
    points = (8 if open_formats else 0) + 7 * (len(described) / len(tabular) if tabular else 1)
    return _part("interoperabilitas", points / WEIGHTS["interoperabilitas"], advice)


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [c for c in value.replace(",", " ").split() if c]
    return [str(c) for c in value or []]


def kode_referensi(dataset: Mapping[str, Any]) -> dict[str, Any]:
    """Kemendagri area codes (``wilayah_3671``) and the sector's affairs code (``urusan_pemerintahan``)."""
    points, advice = 0, []
    areas = _as_list(dataset.get("cakupan_wilayah"))
    unknown = [c for c in areas if c not in codelists.by_code("wilayah_3671")]
    if areas and not unknown:
        points += 5
    elif not areas:
        advice.append(
            _advice(
                "Isi cakupan wilayah (kode wilayah Kemendagri)",
                "Set the area coverage (Kemendagri area codes)",
            )
        )
    else:
        advice.append(
            _advice(
                "Perbaiki cakupan wilayah: kode tidak dikenal " + ", ".join(unknown),
                "Fix the area coverage: unknown codes " + ", ".join(unknown),
            )
        )
    sektor = dataset.get("sektor")
    if _filled(sektor) and _urusan_known(str(sektor)):
        points += 5
    else:
        advice.append(
            _advice(
                "Isi sektor dengan kode urusan pemerintahan yang berlaku",
                "Set the sector to an existing government-affairs code",
            )
        )
    return _part("kode_referensi", points / WEIGHTS["kode_referensi"], advice)


def kemutakhiran(dataset: Mapping[str, Any], as_of: dt.date) -> dict[str, Any]:
    """Not past the next expected update (``pemutakhiran_berikutnya``) on ``as_of``; due on the day is not late."""
    due = dataset.get("pemutakhiran_berikutnya")
    if not _filled(due):
        if _filled(dataset.get("frekuensi")):  # an irregular frequency: no schedule to keep
            return _part("kemutakhiran", 1, [])
        return _part("kemutakhiran", 0, [_advice("Isi frekuensi pemutakhiran", "Set the update frequency")])
    late = (as_of - dt.date.fromisoformat(str(due)[:10])).days
    if late <= 0:
        return _part("kemutakhiran", 1, [], days_overdue=0)
    return _part(
        "kemutakhiran",
        0,
        [_advice(f"Perbarui data: terlambat {late} hari", f"Update the data: {late} days overdue")],
        days_overdue=late,
    )


def tautan(dataset: Mapping[str, Any], links: Mapping[str, str]) -> dict[str, Any]:
    """The share of resources whose last link check did not fail; unchecked resources are only advised."""
    resources = _resources(dataset)
    statuses = [links.get(str(r.get("id"))) for r in resources]
    broken = sum(1 for s in statuses if s in BROKEN)
    unchecked = sum(1 for s in statuses if s not in CHECKED)
    advice = []
    if broken:
        advice.append(
            _advice(
                f"Perbaiki tautan: {broken} sumber daya tidak dapat dijangkau",
                f"Fix the links: {broken} resource(s) cannot be reached",
            )
        )
    if unchecked:
        advice.append(
            _advice(
                f"Periksa tautan: {unchecked} sumber daya belum diperiksa",
                f"Check the links: {unchecked} resource(s) not checked yet",
            )
        )
    fraction = 1 - broken / len(resources) if resources else 1.0
    return _part("tautan", fraction, advice, broken=broken, unchecked=unchecked)


def broken_urls(dataset: Mapping[str, Any], links: Mapping[str, str]) -> frozenset[str]:
    """The URLs of the dataset's resources that the link checker last found broken."""
    return frozenset(
        str(r.get(key))
        for r in _resources(dataset)
        if links.get(str(r.get("id"))) in BROKEN
        for key in ("url", "download_url", "access_url")
        if _filled(r.get(key))
    )


def mqa_part(graph: Graph, broken: frozenset[str]) -> dict[str, Any]:
    """The MQA of the dataset's own DCAT graph, scaled to the part's weight. A link counts as reachable unless the
    link checker found it broken: unchecked links are not penalised (the ``tautan`` part advises checking them)."""
    result = mqa.score(graph, lambda url: url not in broken)
    advice = [
        _advice(i["advice_id"], i["advice_en"])
        for d in result["dimensions"].values()
        for i in d["indicators"]
        if not i["met"] and i["owner"] == "steward"
    ]
    return _part(
        "mqa",
        result["points"] / result["max"],
        list({a["id"]: a for a in advice}.values()),
        mqa={"points": result["points"], "max": result["max"], "rating": result["rating"]},
    )


def score(
    dataset: Mapping[str, Any],
    *,
    as_of: dt.date,
    links: Mapping[str, str],
    recommended: Iterable[Mapping[str, Any]],
    graph: Graph,
) -> dict[str, Any]:
    """The quality of one dataset.

    :param dataset: the dataset as ``package_show`` returns it
    :param as_of: the day freshness is measured on
    :param links: the link checker's last status per resource id (``tangerang_link_check.status``)
    :param recommended: the schema's recommended fields (:func:`recommended_fields`)
    :param graph: the dataset's DCAT graph, as ``/dataset/<name>.rdf`` publishes it to everyone
    :returns: ``{"score": 0-100, "parts": [{"key", "label": {"id", "en"}, "points", "max", "advice": [{"id",
        "en"}], ...}]}``, the parts in the order of ``WEIGHTS``
    """
    parts = [
        standar(dataset),
        kelengkapan(dataset, recommended),
        interoperabilitas(dataset),
        kode_referensi(dataset),
        kemutakhiran(dataset, as_of),
        tautan(dataset, links),
        mqa_part(graph, broken_urls(dataset, links)),
    ]
    return _total(parts)


def _total(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"score": round(sum(p["points"] for p in parts)), "parts": parts}


def with_freshness(parts: list[dict[str, Any]], dataset: Mapping[str, Any], as_of: dt.date) -> dict[str, Any]:
    """A stored score measured again on ``as_of``: only freshness moves with time when nothing else changed."""
    return _total([kemutakhiran(dataset, as_of) if p["key"] == "kemutakhiran" else p for p in parts])
