"""Validators of the Tangerang schemas. Registered by the blanket in plugin.py under their own names.

Messages are bilingual, Indonesian first ("... / ..."): the same text reaches the web form, next to the
field, and the API's 409 response, whatever the visitor's locale.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.tangerang import codelists, jsonlist, usage
from ckanext.tangerang.bilingual import msg as _msg
from ckanext.tangerang.web_security import BUILT_LINK_URL_TYPES, is_web_link

# The blanket in plugin.py registers exactly these names as validators: add yours here.
__all__ = [
    "tangerang_always_public",
    "tangerang_aplikasi_exists",
    "tangerang_bool_choice",
    "tangerang_data_dictionary",
    "tangerang_default_license",
    "tangerang_email",
    "tangerang_http_url",
    "tangerang_klasifikasi_sets_private",
    "tangerang_kode_daftar_data",
    "tangerang_kode_standar_data",
    "tangerang_next_update",
    "tangerang_non_negative_int",
    "tangerang_required",
    "tangerang_required_list",
    "tangerang_resource_url",
    "tangerang_usage_series",
    "tangerang_year",
    "tangerang_year_not_before",
]

Invalid = tk.Invalid
missing = tk.missing

FIRST_YEAR = 1945
DEFAULT_LICENSE = "cc-by"


def _is_empty(value: Any) -> bool:
    return value is missing or value is None or (isinstance(value, str | list | dict) and not value)


def tangerang_required(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Like ``not_empty``, with the message in Indonesian and English."""
    if _is_empty(data.get(key)):
        errors[key].append(_msg("Wajib diisi", "Missing value"))
        raise tk.StopOnError


def tangerang_required_list(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """A required multiple choice: at least one value, whether sent as a list or a comma-separated string."""
    value = data.get(key)
    if isinstance(value, str):
        value = value.strip()
    if _is_empty(value):
        errors[key].append(_msg("Pilih paling sedikit satu", "Choose at least one"))
        raise tk.StopOnError


def tangerang_email(value: Any, context: Context) -> Any:
    """CKAN's ``email_validator`` (the HTML standard's pattern) with the message in both languages; a value that
    is not text gets the same message (core's validator would fail on it with a TypeError)."""
    if _is_empty(value):
        return value
    if isinstance(value, str):
        with contextlib.suppress(Invalid):
            return tk.get_validator("email_validator")(value, context)
    raise Invalid(_msg(f"Alamat surel tidak sah: {value!r}", f"Not a valid e-mail address: {value!r}"))


def tangerang_year(value: Any) -> Any:
    """A year in a sane range: from 1945 to next year (figures are planned at most a year ahead)."""
    if _is_empty(value):
        return value
    last = dt.date.today().year + 1
    try:
        year = int(str(value).strip())
    except ValueError:
        raise Invalid(
            _msg(f"Tahun harus berupa angka: {value!r}", f"Year must be a number: {value!r}")
        ) from None
    if not FIRST_YEAR <= year <= last:
        raise Invalid(
            _msg(
                f"Tahun harus antara {FIRST_YEAR} dan {last}", f"Year must be between {FIRST_YEAR} and {last}"
            )
        )
    return year


def tangerang_year_not_before(other_field: str):
    """The year in this field is not earlier than the one in ``other_field`` (end not before start)."""

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
        end, start = data.get(key), data.get((*key[:-1], other_field))
        if _is_empty(end) or _is_empty(start):
            return
        try:
            if int(end) < int(start):
                errors[key].append(
                    _msg(
                        f"Tahun akhir ({end}) sebelum tahun awal ({start})",
                        f"Last year ({end}) is before the first year ({start})",
                    )
                )
        except (TypeError, ValueError):
            return  # the year validator of each field has said what is wrong

    return validator


def tangerang_default_license(value: Any) -> Any:
    return DEFAULT_LICENSE if _is_empty(value) else value


def tangerang_klasifikasi_sets_private(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """The access class decides CKAN's ``private`` flag: tertutup is private, terbuka and terbatas are not.

    Whatever ``private`` the caller sent is overwritten, so the two can never disagree.
    """
    value = data.get(key)
    if isinstance(value, str) and value in codelists.by_code("klasifikasi"):
        data[(*key[:-1], "private")] = value == "tertutup"


def tangerang_always_public(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Application records are always public metadata."""
    data[(*key[:-1], "private")] = False


def _code(value: Any, shape: str, what_id: str, what_en: str) -> Any:
    """``value`` when it is empty or a code of the shape ``shape`` (see ``codelists.fits``), else ``Invalid``."""
    if _is_empty(value) or codelists.fits(shape, value):
        return value
    raise Invalid(
        _msg(
            f"{what_id} tidak sesuai format {shape}: {value!r}",
            f"{what_en} does not match {shape}: {value!r}",
        )
    )


def tangerang_kode_daftar_data(value: Any) -> Any:
    """An entry of the city's data list (Satu Data), ``3671.X.XX.XXXX``."""
    return _code(value, codelists.KODE_DAFTAR_DATA, "Kode daftar data", "Data list code")


def tangerang_kode_standar_data(value: Any) -> Any:
    """A data standard (Satu Data), ``SD.X.XX.XXXX``."""
    return _code(value, codelists.KODE_STANDAR_DATA, "Kode standar data", "Data standard code")


def tangerang_aplikasi_exists(value: Any, context: Context) -> Any:
    """The source application is an existing ``aplikasi`` record (by name or id)."""
    if _is_empty(value):
        return value
    if not isinstance(value, str):
        raise Invalid(_msg("Harus berupa teks", "Must be text"))
    model = context["model"]
    found = (
        model.Session.query(model.Package.name)
        .filter(model.Package.type == "aplikasi", model.Package.state == "active")
        .filter((model.Package.name == value) | (model.Package.id == value))
        .first()
    )
    if found is None:
        raise Invalid(_msg(f"Aplikasi tidak ditemukan: {value!r}", f"No such application: {value!r}"))
    return found[0]


def tangerang_next_update(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Derive the next expected update from the frequency and the last change; never taken from input."""
    prefix = key[:-1]
    code = data.get((*prefix, "frekuensi"))
    frekuensi = codelists.by_code("frekuensi").get(code) if isinstance(code, str) else None
    days = (frekuensi or {}).get("hari_maksimum", "")
    if not days.strip().isdigit():
        data[key] = None  # "tidak tetap" and unknown frequencies have no schedule
        return
    base = data.get((*prefix, "metadata_modified"))
    if isinstance(base, str):
        try:
            base = dt.datetime.fromisoformat(base)
        except ValueError:
            base = None
    if not isinstance(base, dt.datetime):
        base = dt.datetime.now(dt.timezone.utc)
    data[key] = (base.date() + dt.timedelta(days=int(days))).isoformat()


def _json_list_of_objects(value: Any, what_id: str, what_en: str, items_id: str, items_en: str) -> list[dict]:
    """``value`` (a list, or JSON text of one) as a list of objects, or ``Invalid`` naming the field."""
    try:
        value = jsonlist.read(value)
    except ValueError:
        raise Invalid(_msg(f"{what_id} bukan JSON yang sah", f"{what_en} is not valid JSON")) from None
    except TypeError:
        value = None
    if value is None or not all(isinstance(item, dict) for item in value):
        raise Invalid(
            _msg(f"{what_id} harus berupa daftar {items_id}", f"{what_en} must be a list of {items_en}")
        )
    return value


def tangerang_data_dictionary(value: Any) -> Any:
    """A data dictionary: a JSON list of columns, each with ``kolom`` and optional ``tipe``, ``deskripsi``,
    ``satuan`` and profile figures. Stored as JSON text."""
    if _is_empty(value):
        return value
    value = _json_list_of_objects(value, "Kamus data", "Data dictionary", "kolom", "columns")
    for number, column in enumerate(value, 1):
        if not str(column.get("kolom") or "").strip():
            raise Invalid(_msg(f"Kolom ke-{number} tanpa nama", f"Column {number} has no name"))
    return json.dumps(value, ensure_ascii=False)


def tangerang_non_negative_int(value: Any) -> Any:
    if _is_empty(value):
        return value
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(_msg("Harus bilangan bulat", "Must be a whole number")) from None
    if number < 0:
        raise Invalid(_msg("Tidak boleh negatif", "Must not be negative"))
    return number


def tangerang_http_url(value: Any) -> Any:
    if _is_empty(value):
        return value
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise Invalid(
            _msg(
                f"URL harus diawali http:// atau https://: {value!r}",
                f"URL must start with http:// or https://: {value!r}",
            )
        )
    return value


def tangerang_resource_url(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """A resource's link is an http(s) or ftp(s) address, unless CKAN builds the link itself (an upload, a
    DataStore-only resource): a ``javascript:`` or ``data:`` link would run in the portal's origin."""
    value = data.get(key)
    if _is_empty(value) or data.get((*key[:-1], "url_type")) in BUILT_LINK_URL_TYPES:
        return
    if not is_web_link(value):
        errors[key].append(
            _msg(
                "Tautan harus alamat http://, https://, ftp:// atau ftps://, atau unggah berkas",
                "The link must be an http://, https://, ftp:// or ftps:// address, or upload a file",
            )
        )
        raise tk.StopOnError


def tangerang_bool_choice(value: Any) -> Any:
    if _is_empty(value):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "ya", "yes", "on"}:
        return "true"
    if text in {"false", "0", "tidak", "no", "off"}:
        return "false"
    raise Invalid(_msg(f"Pilih ya atau tidak: {value!r}", f"Choose yes or no: {value!r}"))


def tangerang_usage_series(value: Any) -> Any:
    """Monthly usage: a JSON list of ``{"bulan": "YYYY-MM", "pengguna_aktif": n, "transaksi": n}``."""
    if _is_empty(value):
        return value
    value = _json_list_of_objects(value, "Penggunaan bulanan", "Monthly usage", "bulan", "months")
    months = set()
    for entry in value:
        if not usage.MONTH_RE.match(str(entry.get("bulan", ""))):
            raise Invalid(_msg("Setiap entri perlu bulan YYYY-MM", "Every entry needs a month YYYY-MM"))
        for count in usage.COUNTS:
            if count in entry and (not isinstance(entry[count], int) or entry[count] < 0):
                raise Invalid(
                    _msg(f"{count} harus bilangan bulat >= 0", f"{count} must be a whole number >= 0")
                )
        if entry["bulan"] in months:
            raise Invalid(_msg(f"Bulan ganda: {entry['bulan']}", f"Duplicate month: {entry['bulan']}"))
        months.add(entry["bulan"])
    return json.dumps(sorted(value, key=lambda e: e["bulan"]), ensure_ascii=False)
