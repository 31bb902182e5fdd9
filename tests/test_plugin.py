"""The plugin list: its one home, config/plugins.ini, read the same by the test suite and the local stack (the
Docker image's reader is in test_docker_compose.py), and the portal running exactly those plugins."""

from __future__ import annotations

import configparser
import os
import subprocess
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
PLUGINS_INI = ROOT / "config" / "plugins.ini"
STACK_ENV = ROOT / "scripts" / "stack.env"


def home_plugins(path: Path = PLUGINS_INI) -> list[str]:
    """The plugins, in order, as an ini parser reads the home (CKAN's own loader does the same)."""
    parser = configparser.ConfigParser(interpolation=None)
    assert parser.read(path, encoding="utf-8"), f"{path} is missing"
    return parser["app:main"]["ckan.plugins"].split()


def stack_plugins(root: Path) -> list[str]:
    """TANGERANG_PLUGINS as scripts/stack.env sets it for the stack whose root is ``root``."""
    env = {k: v for k, v in os.environ.items() if k != "TANGERANG_PLUGINS"}
    result = subprocess.run(
        ["bash", "-c", '. "$1" && printf %s "$TANGERANG_PLUGINS"', "bash", str(STACK_ENV)],
        env={**env, "TANGERANG_ROOT": str(root)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    return result.stdout.split()


def test_the_home_names_installed_plugins_once_tangerang_first():
    plugins = home_plugins()
    assert plugins[0] == "tangerang", "tangerang comes first so that its templates override the others'"
    assert len(set(plugins)) == len(plugins), plugins
    installed = entry_points(group="ckan.plugins")
    assert set(plugins) <= set(installed.names), sorted(set(plugins) - set(installed.names))
    # Every plugin of this extension is enabled (each harvester is a plugin of its own).
    ours = {ep.name for ep in installed if ep.dist and ep.dist.name == "ckanext-tangerang"}
    assert "tangerang" in ours
    assert ours <= set(plugins), sorted(ours - set(plugins))


def test_test_ini_takes_the_list_from_the_home():
    from ckan.cli import CKANConfigLoader

    raw = configparser.RawConfigParser()
    raw.read(ROOT / "test.ini", encoding="utf-8")
    assert not raw.has_option("app:main", "ckan.plugins"), "test.ini keeps a copy of the plugin list"
    loaded = CKANConfigLoader(str(ROOT / "test.ini")).get_config()
    assert loaded["ckan.plugins"].split() == home_plugins()


def test_the_local_stack_takes_the_list_from_the_home(tmp_path):
    assert stack_plugins(ROOT) == home_plugins()
    # Read from the file, not written out again: a plugin added to the home (with a comment) reaches the stack.
    (tmp_path / "config").mkdir()
    text = PLUGINS_INI.read_text(encoding="utf-8")
    edited = tmp_path / "config" / "plugins.ini"
    edited.write_text(
        text + "    # a plugin added later\n    tangerang_example_harvester\n", encoding="utf-8"
    )
    assert home_plugins(edited) == [*home_plugins(), "tangerang_example_harvester"]
    assert stack_plugins(tmp_path) == home_plugins(edited)
    # config/ckan.options hands it to the stack's ckan.ini.
    options = (ROOT / "config" / "ckan.options").read_text(encoding="utf-8").splitlines()
    assert "ckan.plugins = ${TANGERANG_PLUGINS}" in options


def test_status_show_lists_the_plugins(app):
    result = app.get("/api/3/action/status_show").json["result"]
    assert result["ckan_version"].startswith("2.12.")
    assert result["extensions"] == home_plugins()


def test_running_portal_answers_with_the_plugins(live_url):
    """The portal started by the stack script (gunicorn workers, not the development server)."""
    response = requests.get(f"{live_url}/api/3/action/status_show", timeout=10)
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["ckan_version"].startswith("2.12.")
    assert result["extensions"] == home_plugins()
    assert result["locale_default"] == "id"


def test_running_portal_has_solr_core(live_url):
    from ckan.plugins.toolkit import config

    solr = config["solr_url"].rsplit("/", 1)[0]
    ping = requests.get(f"{solr}/ckan/admin/ping", params={"wt": "json"}, timeout=10)
    assert ping.json()["status"] == "OK"


@pytest.mark.ckan_config("ckanext.tangerang.portal.walidata_email", "walidata@example.go.id")
def test_walidata_helper_reads_config():
    import ckan.plugins.toolkit as tk

    assert tk.h.tangerang_walidata()["email"] == "walidata@example.go.id"
