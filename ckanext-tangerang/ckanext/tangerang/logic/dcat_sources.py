"""DCAT sources (ckanext-dcat's stock ``dcat_rdf`` harvester): the application a source's config names.

A DCAT source's JSON config may name the city application its catalogue comes from, as the Tangerang
harvesters' configs do::

    {"rdf_format": "text/turtle", "aplikasi_sumber": "satu-data"}

The name must be an existing ``aplikasi`` record when the source is saved (:func:`checked_source_config`, called
by the chained ``package_create``/``package_update`` through which every way of saving a source passes), and
it is put on every dataset the source creates or updates (:func:`apply_source_aplikasi`, the plugin's
``IDCATRDFHarvester.before_create``/``before_update``).

It takes precedence over an application that an upstream dataset names itself (``dct:relation``, or
``dct:source`` in feeds written before DCAT-AP 3, both parsed by the ``tangerang`` profile): the steward who set up the source states where its data come from on this portal,
whereas that link is another portal's URL whose last segment need not be one of our records (and a name
that is not fails the dataset's validation). The Tangerang harvesters let their config win the same way.
Without the key, the upstream's own link is kept, as before.
"""

from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import DataDict

from ckanext.tangerang.bilingual import msg
from ckanext.tangerang.logic.harvest_sources import SOURCE_TYPE as HARVEST_SOURCE
from ckanext.tangerang.logic.validators import tangerang_aplikasi_exists

SOURCE_TYPE = "dcat_rdf"
KEY = "aplikasi_sumber"


def _config(text: Any) -> dict[str, Any]:
    """The source config as a dict; ``{}`` when it is empty or not a JSON object (ckanext-dcat's own
    ``validate_config`` reports a config that is not JSON)."""
    if not isinstance(text, str) or not text.strip():
        return {}
    try:
        config = json.loads(text)
    except ValueError:
        return {}
    return config if isinstance(config, dict) else {}


def _source_type(data_dict: DataDict) -> str | None:
    """The harvester of the source being saved (``None`` for a dataset that is not a harvest source)."""
    if data_dict.get("type") not in (None, "", HARVEST_SOURCE):
        return None
    if data_dict.get("source_type"):
        return str(data_dict["source_type"])
    from ckanext.harvest.model import HarvestSource

    existing = HarvestSource.get(str(data_dict.get("id") or ""))
    return existing.type if existing is not None else None


def checked_source_config(data_dict: DataDict) -> DataDict:
    """Refuse a DCAT source whose config names an ``aplikasi_sumber`` that is not an existing application.

    :raises ckan.plugins.toolkit.ValidationError: under ``config``, in both languages
    """
    if not isinstance(data_dict, dict) or "config" not in data_dict:
        return data_dict
    config = _config(data_dict["config"])
    if KEY not in config or _source_type(data_dict) != SOURCE_TYPE:
        return data_dict
    value = config[KEY]
    if not isinstance(value, str) or not value.strip():
        problem = msg(
            "harus teks: nama aplikasi di portal ini (mis. satu-data)",
            "must be text: the name of an application on this portal (e.g. satu-data)",
        )
    else:
        try:
            tangerang_aplikasi_exists(value, {"model": model})
            return data_dict
        except tk.Invalid as error:
            problem = str(error.error)
    raise tk.ValidationError({"config": [f"{KEY}: {problem}"]})


def apply_source_aplikasi(harvest_object: Any, dataset_dict: dict[str, Any] | None) -> None:
    """Put the application the object's source config names on the dataset about to be written."""
    if not dataset_dict:
        return
    source = harvest_object.source or harvest_object.job.source
    if source is None or source.type != SOURCE_TYPE:
        return
    value = _config(source.config).get(KEY)
    if isinstance(value, str) and value.strip():
        dataset_dict[KEY] = value.strip()
