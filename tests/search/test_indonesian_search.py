"""Indonesian search finds what Indonesians type: affixed forms, OPD acronyms, place names, and English still works.

The analysis lives in the Solr configset (solr/configsets/ckan/conf: schema.xml fieldType ``text``, the word
lists, solrconfig.xml's /select); these tests run it through CKAN's own package_search on the ``ckan_test`` core.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from ckan.plugins.toolkit import config
from ckan.tests import factories, helpers

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


build_synonyms = _load("build_synonyms", ROOT / "solr" / "build_synonyms.py")
recall_bench = _load("search_recall", ROOT / "bench" / "search_recall.py")

DATA = recall_bench.load_datasets()
QUERIES = recall_bench.load_queries()


def test_generated_word_lists_are_current():
    for name, text in build_synonyms.build().items():
        committed = (build_synonyms.CONF / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is stale: run python solr/build_synonyms.py"
    assert build_synonyms.check_normalised(build_synonyms.CONF / "synonyms_id.txt") == []


def test_opd_synonyms_cover_the_code_list():
    text = (build_synonyms.CONF / "synonyms_opd.txt").read_text(encoding="utf-8")
    groups = [line.split(", ") for line in text.splitlines() if not line.startswith("#")]
    assert ["dinkes", "dinas kesehatan", "kesehatan"] in groups
    assert ["disdukcapil", "dinas kependudukan pencatatan sipil", "kependudukan pencatatan sipil"] in groups
    assert ["satpol pp", "satpolpp", "satuan polisi pamong praja"] in groups
    assert any(g[0] == "bappeda" and "badan perencanaan pembangunan daerah" in g for g in groups)


def test_the_bench_queries_like_ckan():
    from ckan.lib.search import query

    assert recall_bench.ckan_query_fields() == query.QUERY_FIELDS
    source = Path(query.__file__).read_text(encoding="utf-8")
    assert f"query.get('mm', '{recall_bench.CKAN_MM}')" in source
    assert f"query.get('tie', '{recall_bench.CKAN_TIE}')" in source
    assert "query.get('defType', 'dismax')" in source


def _analyse(value: str) -> list[str]:
    params = urllib.parse.urlencode(
        {"analysis.fieldtype": "text", "analysis.fieldvalue": value, "wt": "json"}
    )
    url = f"{config['solr_url'].rstrip('/')}/analysis/field?{params}"
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (the test Solr)
        stages = json.load(response)["analysis"]["field_types"]["text"]["index"]
    return [token["text"] for token in stages[-1]]


@pytest.mark.parametrize(
    ("words", "stem"),
    [
        (["kependudukan", "penduduk", "Penduduknya"], "duduk"),
        (["perhubungan", "hubungan", "berhubungan"], "hubung"),
        (["pendidikan", "didik", "pendidik"], "didik"),
        (["kesehatan", "sehat"], "sehat"),
        (["pelayanan", "layanan", "melayani"], "layan"),
        (["kepegawaian", "pegawai"], "gawai"),
        (["kepemudaan", "pemuda"], "muda"),
        (["perencanaan", "rencana"], "rencana"),
        (["pengelolaan", "dikelola", "kelola"], "kelola"),
        (["Karawaci"], "karawaci"),  # place names stay whole
        (["Larangan"], "larangan"),
        (["Disdukcapil"], "disdukcapil"),  # and acronyms
        (["Cipondóh"], "cipondoh"),  # folded
    ],
)
def test_indonesian_stems(words, stem):
    assert {w: _analyse(w) for w in words} == {w: [stem] for w in words}


def test_stop_words_are_dropped_and_content_words_kept():
    assert _analyse("data yang ada di kota dan untuk tahun ini") == ["data", "kota", "tahun"]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_queries_find_what_indonesians_type():
    sysadmin = factories.Sysadmin()["name"]
    orgs = {
        slug: factories.Organization(name=slug, title=title)["id"]
        for slug, title in DATA["organizations"].items()
    }
    for ds in DATA["datasets"]:
        helpers.call_action(
            "package_create",
            context={"user": sysadmin},
            name=ds["name"],
            title=ds["title"],
            notes=ds["notes"],
            owner_org=orgs[ds["org"]],
            tags=[{"name": t} for t in ds.get("tags", [])],
            klasifikasi="terbuka",
            sektor="1.02",
            frekuensi="tahunan",
            cakupan_wilayah=["36.71"],
        )

    failures = []
    for entry in QUERIES:
        result = helpers.call_action("package_search", context={"user": sysadmin}, q=entry["q"], rows=10)
        names = [d["name"] for d in result["results"]]
        missing = sorted(set(entry["expect"]) - set(names))
        if missing:
            failures.append(f"{entry['q']!r}: missing {missing}, got {names}")
        if names and names[0] in entry.get("not_first", []):
            failures.append(f"{entry['q']!r}: {names[0]} must not come first, got {names}")
    assert not failures, "\n".join(failures)


def test_recall_against_ckans_stock_schema(capsys):
    outcomes = recall_bench.run()
    rows = recall_bench.summary(outcomes)
    with capsys.disabled():
        print("\nrecall@10 (ours / stock), mean hits (ours / stock):")
        for group, (n, ours, stock, hits_ours, hits_stock) in rows.items():
            print(
                f"  {group:10} {n:3} queries  {ours:.2f} / {stock:.2f}   {hits_ours:.1f} / {hits_stock:.1f}"
            )
    _, ours, stock, _, _ = rows["overall"]
    assert ours >= 0.9
    assert ours > stock
    # English text keeps CKAN's English behaviour.
    assert rows["english"][1] >= rows["english"][2]
