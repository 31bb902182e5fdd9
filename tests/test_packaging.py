"""The built wheel carries everything the plugin reads at run time, and the tree passes ruff."""

from __future__ import annotations

import configparser
import importlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    (built,) = out.glob("ckanext_tangerang-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_names(wheel) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def test_wheel_has_the_mapped_packages(wheel_names):
    for module in (
        "ckanext/tangerang/plugin.py",
        "ckanext/tangerang/harvesters/__init__.py",
        "ckanext/tangerang/harvesters/queue.py",
        "ckanext/tangerang/schemas/__init__.py",
    ):
        assert module in wheel_names


def test_wheel_has_the_non_python_files(wheel_names):
    expected = {
        "ckanext/tangerang/config_declaration.yaml",
        "ckanext/tangerang/schemas/dataset.yaml",
        "ckanext/tangerang/schemas/organization.yaml",
        "ckanext/tangerang/schemas/codelists/wilayah_3671.csv",
        "ckanext/tangerang/schemas/codelists/opd_tangerang.csv",
        "ckanext/tangerang/assets/webassets.yml",
        # `ckan db upgrade -p tangerang` needs the whole alembic folder, not just its Python files.
        "ckanext/tangerang/migration/tangerang/alembic.ini",
        "ckanext/tangerang/migration/tangerang/env.py",
        "ckanext/tangerang/migration/tangerang/script.py.mako",
        "ckanext/tangerang/migration/tangerang/versions/4b716cbdeae8_link_check_results.py",
    }
    assert expected <= wheel_names, sorted(expected - wheel_names)
    # Every file the source tree ships next to the code reaches the wheel.
    for folder, package in (
        ("ckanext-tangerang/ckanext/tangerang", "ckanext/tangerang"),
        ("schemas", "ckanext/tangerang/schemas"),
    ):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".yaml", ".yml", ".html", ".csv", ".css", ".js", ".svg", ".po", ".mo"}:
                relative = path.relative_to(ROOT / folder).as_posix()
                assert f"{package}/{relative}" in wheel_names, relative


@pytest.fixture(scope="module")
def wheel_entry_points(wheel, wheel_names) -> dict[str, dict[str, str]]:
    """The wheel's entry_points.txt, group by group."""
    (name,) = [n for n in wheel_names if n.endswith(".dist-info/entry_points.txt")]
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read(name).decode("utf-8")
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # entry point names keep their case
    parser.read_string(text)
    return {group: dict(parser[group]) for group in parser.sections()}


def test_wheel_declares_the_entry_points_of_pyproject(wheel_entry_points):
    # pyproject.toml as the build backend reads it (tomllib is Python 3.11's; the project supports 3.10)
    from setuptools.config.pyprojecttoml import load_file

    assert wheel_entry_points == load_file(ROOT / "pyproject.toml")["project"]["entry-points"]
    plugins = wheel_entry_points["ckan.plugins"]
    harvesters = {n for n in plugins if n.startswith("tangerang_") and n.endswith("_harvester")}
    assert harvesters, "each harvester is a plugin of its own"
    assert plugins.keys() == {"tangerang", *harvesters}


def test_every_plugin_entry_point_is_a_plugin_class(wheel_entry_points):
    import ckan.plugins as p
    from ckanext.harvest.interfaces import IHarvester

    from ckanext.tangerang.plugin import TangerangPlugin

    for name, target in wheel_entry_points["ckan.plugins"].items():
        module, _, attribute = target.partition(":")
        found = getattr(importlib.import_module(module), attribute)
        assert isinstance(found, type) and issubclass(found, p.SingletonPlugin), name
        if name == "tangerang":
            assert found is TangerangPlugin
        else:
            assert IHarvester.implemented_by(found), f"{name}: {target} is no harvester"


def test_ruff_passes():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", str(ROOT)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:]
