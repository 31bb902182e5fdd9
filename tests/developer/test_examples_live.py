"""The developer page's examples, run as a newcomer would run them against the live portal: every curl command
in a shell, every Python example with the venv's python (ckanapi) and every JavaScript example with node; each
must exit 0 and print what the page says it prints."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser

import requests

# What a newcomer must be able to do from the page alone, in each language.
NEEDED = {
    *(
        (task, lang)
        for task in ("dataset", "search", "datastore", "token")
        for lang in ("curl", "python", "javascript")
    ),
    ("dcat", "curl"),
    ("dcat-dataset", "curl"),
    ("stats", "curl"),
    ("aplikasi", "python"),
    ("downloads", "curl"),
}


class _Examples(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[dict[str, str]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "pre" and "data-example" in attributes:
            self._current = {**attributes, "code": ""}

    def handle_endtag(self, tag):
        if tag == "pre" and self._current is not None:
            self.found.append(self._current)
            self._current = None

    def handle_data(self, data):
        if self._current is not None:
            self._current["code"] += data


def examples(html: str) -> list[dict[str, str]]:
    parser = _Examples()
    parser.feed(html)
    return parser.found


def _command(example: dict[str, str]) -> list[str]:
    code = example["code"]
    return {
        "curl": ["bash", "-euo", "pipefail", "-c", code],
        "python": [sys.executable, "-c", code],
        "javascript": ["node", "--input-type=module", "-e", code],
    }[example["data-lang"]]


def test_every_example_of_the_developer_page_runs_against_the_live_portal(
    live_url, live_catalogue, sysadmin_token
):
    page = requests.get(f"{live_url}/pengembang", timeout=60)
    assert page.status_code == 200
    found = examples(page.text)
    newest = live_catalogue["terbuka"]
    runnable = [e for e in found if e["data-run"] == "yes"]
    assert NEEDED <= {(e["data-example"], e["data-lang"]) for e in runnable}
    # The examples use the newest public dataset and its DataStore table, never a hidden one.
    assert newest["name"] in page.text and newest["resources"][0]["id"] in page.text
    for hidden in ("terbatas", "tertutup"):
        assert live_catalogue[hidden]["name"] not in page.text

    env = {**os.environ, "CKAN_API_TOKEN": sysadmin_token}
    failures = []
    for example in runnable:
        label = f"{example['data-example']}/{example['data-lang']}"
        run = subprocess.run(_command(example), env=env, capture_output=True, text=True, timeout=120)
        if run.returncode != 0 or example["data-expect"] not in run.stdout:
            failures.append(f"{label}: exit {run.returncode}, {run.stdout[-300:]!r} {run.stderr[-500:]!r}")
    assert not failures, "\n".join(failures)
    assert {e["data-expect"] for e in runnable if e["data-example"] == "dataset"} >= {newest["title"]}
