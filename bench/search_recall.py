"""Recall@10 of CKAN's dataset search on what Indonesians type: our Solr schema against CKAN's stock schema.

The datasets of ``tests/search/datasets.yaml`` go into two temporary cores of the running Solr (created through
the CoreAdmin API under ``var/solr``, removed at the end): ``recall_ours`` with ``solr/configsets/ckan/conf`` and
``recall_stock`` with CKAN 2.12's own ``schema.xml`` (from the installed ``ckan`` package) and our solrconfig.xml
without its search additions (the ``dismax`` -> extended dismax mapping and ``qf=text_en``). Documents carry the
fields CKAN's indexer fills for these datasets (``ckan/lib/search/index.py``); every query of
``tests/search/queries.yaml`` runs with the parameters CKAN's ``package_search`` sends
(``ckan/lib/search/query.py``: dismax, its ``qf``, ``mm``, ``tie``, ``q.op=AND``, 10 rows).

    .venv/bin/python bench/search_recall.py            # prints the table, replaces its section in RESULTS.md
    .venv/bin/python bench/search_recall.py --no-write # prints only

The Solr base URL comes from ``CKAN_SOLR_URL`` (``var/test.env``) or ``TANGERANG_SOLR_PORT``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "search"
OUR_CONF = ROOT / "solr" / "configsets" / "ckan" / "conf"
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Indonesian search recall"
SITE_ID = "recall-bench"
ROWS = 10
MACHINE = "2 cores, 24 GiB"

# What ckan/lib/search/query.py sends for a free-text package_search (tests/search checks they still agree).
CKAN_MM = "2<-1 5<80%"
CKAN_TIE = "0.1"


def ckan_query_fields() -> str:
    from ckan.lib.search.query import QUERY_FIELDS

    return QUERY_FIELDS


def load_datasets() -> dict:
    return yaml.safe_load((DATA / "datasets.yaml").read_text(encoding="utf-8"))


def load_queries() -> list[dict]:
    return yaml.safe_load((DATA / "queries.yaml").read_text(encoding="utf-8"))


def solr_base() -> str:
    url = os.environ.get("CKAN_SOLR_URL")
    if url:
        return url.rstrip("/").rsplit("/", 1)[0]
    return f"http://127.0.0.1:{os.environ.get('TANGERANG_SOLR_PORT', '58983')}/solr"


def solr_home() -> Path:
    return Path(os.environ.get("TANGERANG_VAR", ROOT / "var")) / "solr"


def _get(url: str, params: dict | list) -> dict:
    query = urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(f"{url}?{query}", timeout=60) as response:  # noqa: S310 (local Solr)
        return json.load(response)


def _post(url: str, body: object) -> dict:
    request = urllib.request.Request(  # noqa: S310 (local Solr)
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (local Solr)
        return json.load(response)


def stock_solrconfig(ours: str) -> str:
    """Our solrconfig.xml without the search additions: what the project ran on before them."""
    patterns = [
        r'\s*<queryParser name="dismax" class="solr.ExtendedDismaxQParserPlugin"/>',
        r'\s*<lst name="appends">\s*<str name="qf">text_en</str>\s*</lst>',
        r'\s*<str name="sow">false</str>',
        r'\s*<str name="mm.autoRelax">true</str>',
    ]
    for pattern in patterns:
        ours, found = re.subn(pattern, "", ours)
        if found != 1:
            raise RuntimeError(f"solrconfig.xml changed: {pattern!r} not found once")
    return ours


def write_conf(kind: str, dest: Path) -> None:
    shutil.copytree(OUR_CONF, dest)
    if kind == "stock":
        import ckan

        shutil.copy(Path(ckan.__file__).parent / "config" / "solr" / "schema.xml", dest / "schema.xml")
        config = dest / "solrconfig.xml"
        config.write_text(stock_solrconfig(config.read_text(encoding="utf-8")), encoding="utf-8")


def drop_core(name: str) -> None:
    status = _get(f"{solr_base()}/admin/cores", {"action": "STATUS", "core": name, "wt": "json"})
    if status.get("status", {}).get(name):
        _get(
            f"{solr_base()}/admin/cores",
            {"action": "UNLOAD", "core": name, "deleteInstanceDir": "true", "wt": "json"},
        )
    shutil.rmtree(solr_home() / name, ignore_errors=True)


def make_core(name: str, kind: str) -> None:
    drop_core(name)
    write_conf(kind, solr_home() / name / "conf")
    _get(f"{solr_base()}/admin/cores", {"action": "CREATE", "name": name, "instanceDir": name, "wt": "json"})


def solr_docs(data: dict) -> list[dict]:
    """The fields CKAN's PackageSearchIndex.index_package fills for these datasets."""
    docs = []
    for ds in data["datasets"]:
        docs.append(
            {
                "index_id": f"{SITE_ID}-{ds['name']}",
                "id": ds["name"],
                "site_id": SITE_ID,
                "name": ds["name"],
                "title": ds["title"],
                "title_string": ds["title"],
                "notes": ds["notes"],
                "tags": ds.get("tags", []),
                "organization": ds["org"],
                "state": "active",
                "private": False,
                "capacity": "public",
                "entity_type": "package",
                "dataset_type": "dataset",
            }
        )
    return docs


def search(core: str, q: str) -> tuple[list[str], int]:
    params = {
        "q": q,
        "defType": "dismax",
        "qf": ckan_query_fields(),
        "mm": CKAN_MM,
        "tie": CKAN_TIE,
        "q.op": "AND",
        "df": "text",
        "fq": [f"+site_id:{SITE_ID}", "+state:active"],
        "rows": ROWS + 1,
        "fl": "name",
        "wt": "json",
    }
    response = _get(f"{solr_base()}/{core}/select", params)["response"]
    return [d["name"] for d in response["docs"]][:ROWS], response["numFound"]


def recall(found: list[str], expected: list[str]) -> float:
    return len(set(found) & set(expected)) / len(expected)


@dataclass
class Outcome:
    q: str
    group: str
    ours: float
    stock: float
    hits_ours: int
    hits_stock: int


def run() -> list[Outcome]:
    data, queries = load_datasets(), load_queries()
    cores = {"ours": "recall_ours", "stock": "recall_stock"}
    try:
        for kind, core in cores.items():
            make_core(core, kind)
            _post(f"{solr_base()}/{core}/update?commit=true", solr_docs(data))
        outcomes = []
        for q in queries:
            ours, hits_ours = search(cores["ours"], q["q"])
            stock, hits_stock = search(cores["stock"], q["q"])
            outcomes.append(
                Outcome(
                    q["q"],
                    q["group"],
                    recall(ours, q["expect"]),
                    recall(stock, q["expect"]),
                    hits_ours,
                    hits_stock,
                )
            )
        return outcomes
    finally:
        for core in cores.values():
            drop_core(core)


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def summary(outcomes: list[Outcome]) -> dict[str, tuple[int, float, float, float, float]]:
    """Per group and overall: queries, mean recall ours and stock, mean number of hits ours and stock."""
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault(o.group, []).append(o)
    groups["overall"] = outcomes
    return {
        g: (
            len(os_),
            mean([o.ours for o in os_]),
            mean([o.stock for o in os_]),
            mean([o.hits_ours for o in os_]),
            mean([o.hits_stock for o in os_]),
        )
        for g, os_ in groups.items()
    }


def markdown(outcomes: list[Outcome], seconds: float) -> str:
    lines = [
        HEADING,
        "",
        f"`bench/search_recall.py`, {dt.date.today().isoformat()}, machine: {MACHINE}, Solr 9.10.1 (local stack).",
        f"{len(load_datasets()['datasets'])} datasets (`tests/search/datasets.yaml`), {len(outcomes)} queries "
        "(`tests/search/queries.yaml`), each run with CKAN 2.12's package_search parameters. Recall@10: the share of "
        "a query's expected datasets among the first 10 results, averaged over queries. *ours*: "
        "`solr/configsets/ckan` (Indonesian analysis, OPD synonyms, English copy); *stock*: CKAN 2.12's schema.xml.",
        "",
        "The hits columns (mean number of matching datasets) show what the broader matching costs in precision.",
        "The queries were written together with the analysis (they are its acceptance tests), so *ours* is "
        "measured on the cases it was built for; *stock* shows what CKAN alone does with the same input.",
        "",
        "| group | queries | recall@10 ours | recall@10 stock | hits ours | hits stock |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for group, (n, ours, stock, hits_ours, hits_stock) in summary(outcomes).items():
        name = f"**{group}**" if group == "overall" else group
        lines.append(f"| {name} | {n} | {ours:.2f} | {stock:.2f} | {hits_ours:.1f} | {hits_stock:.1f} |")
    lines += [
        "",
        "| query | group | recall ours | recall stock | hits ours | hits stock |",
        "|---|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {o.q} | {o.group} | {o.ours:.2f} | {o.stock:.2f} | {o.hits_ours} | {o.hits_stock} |"
        for o in outcomes
    ]
    lines += ["", f"Run time (two cores created, indexed, queried, removed): {seconds:.1f} s.", ""]
    return "\n".join(lines)


def replace_section(text: str, section: str) -> str:
    start = text.find(HEADING)
    if start < 0:
        return (text.rstrip() + "\n\n" if text.strip() else "# Benchmark results\n\n") + section
    following = re.search(r"^## ", text[start + len(HEADING) :], flags=re.MULTILINE)
    end = start + len(HEADING) + following.start() if following else len(text)
    return text[:start] + section + ("\n" if following else "") + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help=f"do not update {RESULTS.name}")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    outcomes = run()
    section = markdown(outcomes, time.perf_counter() - started)
    print(section)
    if not args.no_write:
        old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        RESULTS.write_text(replace_section(old, section), encoding="utf-8")
        print(f"updated {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
