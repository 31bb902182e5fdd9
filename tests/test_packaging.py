"""The built wheel carries everything the plugin reads at run time, and the tree passes ruff."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    (wheel,) = out.glob("ckanext_tangerang-*.whl")
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


def test_wheel_declares_the_plugin_entry_point(wheel_names, tmp_path):
    entry_points = [n for n in wheel_names if n.endswith(".dist-info/entry_points.txt")]
    assert entry_points


def test_ruff_passes():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", str(ROOT)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:]
