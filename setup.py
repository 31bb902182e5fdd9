"""Path mapping for ckanext-tangerang; everything else lives in pyproject.toml.

The repository keeps the entries the product brief names at its top level: the extension tree under
``ckanext-tangerang/``, the harvesters under ``harvesters/`` and the scheming YAML under ``schemas/``.
``package_dir`` maps those folders onto one importable package, ``ckanext.tangerang`` with its sub-packages
``ckanext.tangerang.harvesters`` and ``ckanext.tangerang.schemas``. The mapping works for an editable install,
for scheming's ``ckanext.tangerang.schemas:dataset.yaml`` references and in a built wheel (MANIFEST.in and
``package_data`` carry the YAML, templates and assets). pyproject.toml cannot express a package_dir that
maps sub-packages onto sibling folders, hence this file.
"""

from setuptools import find_namespace_packages, setup

# ckanext is a namespace shared with CKAN and the other extensions, so it has no __init__.py; folders of
# templates, assets and code lists are found as namespace packages too, which is how their files reach the wheel.
packages = find_namespace_packages("ckanext-tangerang", include=["ckanext.tangerang", "ckanext.tangerang.*"])
for mapped, folder in (
    ("ckanext.tangerang.harvesters", "harvesters"),
    ("ckanext.tangerang.schemas", "schemas"),
):
    packages += [mapped] + [f"{mapped}.{sub}" for sub in find_namespace_packages(folder)]

setup(
    package_dir={
        "": "ckanext-tangerang",
        "ckanext.tangerang.harvesters": "harvesters",
        "ckanext.tangerang.schemas": "schemas",
    },
    packages=packages,
)
