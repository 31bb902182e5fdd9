"""The data.europa.eu MQA score of every public dataset of a running portal, as an aggregator would compute it.

Anonymous, over HTTP: the dataset names from package_search, each dataset's own ``/dataset/<name>.rdf``, scored by
``ckanext.tangerang.quality.mqa`` with its links tried here (HEAD, then a ranged GET; 5 s), as data.europa.eu
tries them. Prints the mean, the ratings and the indicators most often missed, and writes the section
"## Metadata quality (MQA) of the demo" of bench/RESULTS.md (``--no-write`` to only print).

    .venv/bin/python bench/quality_mqa.py --base http://127.0.0.1:5000
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import statistics
import sys
from functools import cache

import requests
from rdflib import Graph
from results import machine, publish_table

from ckanext.tangerang.quality import mqa

SECTION = "## Metadata quality (MQA) of the demo"


@cache
def reachable(url: str) -> bool:
    try:
        answer = requests.head(url, timeout=5, allow_redirects=True)
        if answer.status_code in (403, 405, 501):
            answer = requests.get(url, timeout=5, headers={"Range": "bytes=0-0"}, stream=True)
            answer.close()
        return answer.status_code < 400
    except requests.RequestException:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    found = requests.get(
        f"{base}/api/3/action/package_search",
        params={"fq": "dataset_type:dataset", "rows": 1000, "fl": "name"},
        timeout=60,
    ).json()["result"]
    scores = []
    missed: collections.Counter[str] = collections.Counter()
    for row in found["results"]:
        answer = requests.get(f"{base}/dataset/{row['name']}.rdf", timeout=60)
        answer.raise_for_status()
        graph = Graph().parse(data=answer.text, format="xml")
        result = mqa.score(graph, reachable)
        scores.append(result)
        for dimension in result["dimensions"].values():
            for indicator in dimension["indicators"]:
                if not indicator["met"]:
                    missed[f"{indicator['key']} ({indicator['advice_en']})"] += 1
    if not scores:
        sys.exit("quality_mqa: the portal shows no public dataset; run `make demo` first.")
    points = [s["points"] for s in scores]
    ratings = collections.Counter(s["rating"] for s in scores)
    dims = {name: statistics.mean(s["dimensions"][name]["points"] for s in scores) for name in mqa.DIMENSIONS}
    intro = [
        f"`bench/quality_mqa.py`, {dt.date.today().isoformat()}, machine: {machine()}; {len(scores)} public "
        f"datasets of {base} (of {found['count']}), each scored from its own `/dataset/<name>.rdf`, links tried "
        "from here. 405 points; Excellent 351+, Good 221+, Sufficient 121+.",
        "",
        f"Mean {statistics.mean(points):.0f} points ({statistics.mean(points) / mqa.MAX_POINTS:.0%}), median "
        f"{statistics.median(points):.0f}, lowest {min(points)}; mean rating "
        f"**{mqa.rating(statistics.mean(points))}**. Ratings: "
        + ", ".join(f"{name} {ratings.get(name, 0)}" for name in ("excellent", "good", "sufficient", "bad"))
        + ". Mean per dimension: "
        + ", ".join(f"{name} {value:.0f}" for name, value in dims.items())
        + ".",
    ]
    table = ["| indicator most often missed | datasets |", "|---|---:|"] + [
        f"| {key} | {count} |" for key, count in missed.most_common(10)
    ]
    publish_table(SECTION, intro, table, write=not args.no_write)


if __name__ == "__main__":
    main()
