"""Checking a harvest source's config: small checks, combinators to build a source's spec as data, and
:func:`parse_config`, which applies a spec and lists every problem in both languages.

A check takes a value and returns ``None`` or a message (Indonesian / English). A source declares its keys as a
dict of checks (``CONFIG`` of the harvester), e.g. ``{"per_page": is_int(1, 500), "tables": table_list(...)}``;
:data:`COMMON_CONFIG` holds the keys every source has. Pure: no CKAN, no network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ckanext.tangerang.bilingual import msg

from .http import Limits
from .mapping import DATASET_FIELDS

Check = Callable[[Any], str | None]

SECRET_KEYS = re.compile(
    r"(token|password|passwd|secret|api[_-]?key|authorization|dsn|credential|cookie|session|signature"
    r"|private[_-]?key|access[_-]?key)",
    re.I,
)
# Headers a stored config may carry literally: none of them can hold a credential. Any other header (Cookie,
# X-Api-Key, Proxy-Authorization, ...) comes from the worker's environment through "auth".
PLAIN_HEADERS = frozenset(
    {
        "accept",
        "accept-charset",
        "accept-language",
        "cache-control",
        "if-modified-since",
        "if-none-match",
        "pragma",
        "user-agent",
        "x-requested-with",
    }
)
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
DATA_PRIBADI = {"tahan": "tahan", "hold": "tahan", "drop": "drop", "aggregate": "aggregate"}


class ConfigError(ValueError):
    """A source config that does not validate; the message lists every problem, in both languages."""


# --- checks of one value ---------------------------------------------------------------------------------


def anything(value: Any) -> str | None:
    """Any value: a key that is known but not checked here (its user copes with what it gets)."""
    return None


def is_str(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else msg("harus teks", "must be text")


def is_text(value: Any) -> str | None:
    """Text, possibly empty."""
    return None if isinstance(value, str) else msg("harus teks", "must be text")


def is_name(value: Any) -> str | None:
    """Non-empty text (a path, a key), taken as written."""
    return None if isinstance(value, str) and value else msg("harus teks", "must be text")


def is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else msg("harus true/false", "must be true/false")


def is_int(minimum: int = 0, maximum: int | None = None) -> Check:
    """A whole number (not a boolean) ≥ ``minimum`` and, when given, ≤ ``maximum``."""

    def check(value: Any) -> str | None:
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and value >= minimum
            and (maximum is None or value <= maximum)
        ):
            return None
        if maximum is None:
            return msg(f"harus bilangan bulat ≥ {minimum}", f"must be a whole number ≥ {minimum}")
        return msg(f"harus bilangan bulat {minimum}-{maximum}", f"must be a whole number {minimum}-{maximum}")

    return check


def is_number(value: Any) -> str | None:
    """A number ≥ 0 (whole or not)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return None
    return msg("harus angka ≥ 0", "must be a number ≥ 0")


def is_str_list(value: Any) -> str | None:
    if isinstance(value, list) and all(is_name(v) is None for v in value):
        return None
    return msg("harus daftar teks", "must be a list of texts")


def is_dict(value: Any) -> str | None:
    return None if isinstance(value, dict) else msg("harus objek JSON", "must be a JSON object")


def one_of(*choices: str) -> Check:
    def check(value: Any) -> str | None:
        if value in choices:
            return None
        listed = ", ".join(choices)
        return msg(f"harus salah satu dari: {listed}", f"must be one of: {listed}")

    return check


def optional(check: Check) -> Check:
    """``check``, or ``null``."""
    return lambda value: None if value is None else check(value)


def explained(check: Check, message: str) -> Check:
    """``check`` with its own ``message`` when it fails."""
    return lambda value: message if check(value) else None


def all_of(*checks: Check) -> Check:
    """Every check in turn; the first problem."""

    def check(value: Any) -> str | None:
        return next((problem for c in checks if (problem := c(value))), None)

    return check


# --- combinators for objects and lists -------------------------------------------------------------------


def dict_of(values: Check = anything, *, keys: Check = anything, message: str | None = None) -> Check:
    """A JSON object whose keys pass ``keys`` and values pass ``values``; ``message``, when given, is the one
    problem reported for any failure, else ``"<key>: <problem>"``."""

    def check(value: Any) -> str | None:
        if not isinstance(value, dict):
            return message or is_dict(value)
        for key, item in value.items():
            if problem := keys(key) or values(item):
                return message or f"{key}: {problem}"
        return None

    return check


def obj(
    spec: Mapping[str, Check],
    *,
    required: Sequence[str] = (),
    missing: str | None = None,
    rules: Sequence[Check] = (),
) -> Check:
    """A JSON object with only the keys of ``spec``, each passing its check.

    In order: unknown keys; the ``required`` keys (absent or failing their check: ``missing``, else
    "<key> required"); the whole-object ``rules`` (e.g. :func:`exactly_one`); then every present key.
    The first problem is reported."""

    def check(value: Any) -> str | None:
        if not isinstance(value, dict):
            return is_dict(value)
        unknown = sorted(str(k) for k in value if k not in spec)
        if unknown:
            known = ", ".join(spec)
            return msg(
                f"kunci tidak dikenal {unknown}; yang dikenal: {known}",
                f"unknown keys {unknown}; known: {known}",
            )
        for key in required:
            if key not in value or spec[key](value[key]):
                return missing or msg(f"{key} wajib diisi", f"{key} is required")
        for rule in rules:
            if problem := rule(value):
                return problem
        for key, key_check in spec.items():
            if key in value and (problem := key_check(value[key])):
                return f"{key}: {problem}"
        return None

    return check


def exactly_one(*keys: str) -> Check:
    """An object rule: exactly one of ``keys`` is present."""
    either = " atau ".join(f'"{k}"' for k in keys)
    listed = " or ".join(f'"{k}"' for k in keys)

    def check(value: Mapping[str, Any]) -> str | None:
        if sum(k in value for k in keys) == 1:
            return None
        return msg(f"isi tepat satu dari {either}", f"give exactly one of {listed}")

    return check


def table_list(table: Check) -> Check:
    """The ``tables`` of a source: a non-empty list of table specs (each an object with a text ``id``), ids
    unique; a problem names the table by its position."""

    def check(value: Any) -> str | None:
        if not isinstance(value, list) or not value:
            return msg("harus daftar tabel yang tidak kosong", "must be a non-empty list of tables")
        ids = set()
        for number, item in enumerate(value, 1):
            if problem := table(item):
                return f"tabel ke-{number} / table {number}: {problem}"
            if item["id"] in ids:
                return msg(f"id tabel ganda: {item['id']}", f"duplicate table id: {item['id']}")
            ids.add(item["id"])
        return None

    return check


# --- the checks every source shares ----------------------------------------------------------------------


def check_defaults(value: Any) -> str | None:
    """Dataset fields by schema field name (``defaults``, a table's ``dataset``)."""
    if not isinstance(value, dict):
        return is_dict(value)
    unknown = sorted(set(value) - DATASET_FIELDS)
    if unknown:
        return msg(f"bukan field skema: {unknown}", f"not schema fields: {unknown}")
    return None


def check_headers(value: Any) -> str | None:
    """Literal headers: only the known non-secret ones (:data:`PLAIN_HEADERS`), with text values."""
    if not isinstance(value, dict):
        return is_dict(value)
    refused = sorted(str(k) for k in value if str(k).strip().lower() not in PLAIN_HEADERS)
    if refused:
        allowed = ", ".join(sorted(h.title() for h in PLAIN_HEADERS))
        return msg(
            f"tajuk {refused} tidak boleh ditulis langsung di konfigurasi (hanya tajuk non-rahasia: {allowed}); "
            'ambil dari variabel lingkungan pada worker panen: "auth": {"header": "'
            + refused[0]
            + '", "token_env": "NAMA_VARIABEL"}',
            f"headers {refused} may not be written in the configuration (only non-secret headers: {allowed}); "
            'take them from an environment variable of the harvest worker: "auth": {"header": "'
            + refused[0]
            + '", "token_env": "VARIABLE_NAME"}',
        )
    if not all(isinstance(v, str) for v in value.values()):
        return msg("nilai tajuk harus teks", "header values must be text")
    return None


def is_env_name(value: Any) -> str | None:
    """The name of an environment variable of the harvest worker (which holds a secret the config must not)."""
    if isinstance(value, str) and ENV_NAME.match(value):
        return None
    return msg(
        "harus nama variabel lingkungan (huruf besar, angka, _)",
        "must be an environment variable name (capitals, digits, _)",
    )


check_auth = obj(
    {"header": is_str, "token_env": is_env_name, "prefix": anything},
    required=("token_env",),
    missing=msg(
        "token_env wajib: nama variabel lingkungan yang berisi token (mis. LAKSA_API_TOKEN)",
        "token_env is required: the name of the environment variable holding the token (e.g. LAKSA_API_TOKEN)",
    ),
)
check_limits = obj(dict.fromkeys(Limits.CAPS, is_number))

COMMON_CONFIG: dict[str, Check] = {
    "aplikasi_sumber": is_str,
    "data_pribadi": one_of(*DATA_PRIBADI),
    "agregasi": is_str_list,
    "defaults": check_defaults,
    "protected_fields": is_str_list,
    "limits": check_limits,
    "auth": check_auth,
    "headers": check_headers,
    "konfirmasi_penghapusan": is_int(0),
}


# --- the whole config ------------------------------------------------------------------------------------


def find_secrets(value: Any, path: str = "") -> list[str]:
    """Keys that look like stored secrets (``token``, ``password``, ...) with a literal value."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if SECRET_KEYS.search(str(key)) and not str(key).endswith("_env") and isinstance(item, str | int):
                found.append(here)
            found.extend(find_secrets(item, here))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(find_secrets(item, f"{path}.{index}"))
    return found


def parse_config(text: str | None, spec: dict[str, Check], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Parse and check a source config against ``spec``; raise :class:`ConfigError` listing every problem."""
    if not text or not text.strip():
        config: Any = {}
    else:
        try:
            config = json.loads(text)
        except json.JSONDecodeError as error:
            raise ConfigError(
                msg(
                    f"Konfigurasi bukan JSON yang sah: {error.msg} (baris {error.lineno}, kolom {error.colno})",
                    f"The configuration is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
                )
            ) from None
    if not isinstance(config, dict):
        raise ConfigError(
            msg("Konfigurasi harus objek JSON {...}", "The configuration must be a JSON object {...}")
        )
    problems = []
    for key in required:
        if key not in config:
            problems.append(msg(f"{key}: wajib diisi", f"{key}: required"))
    for key, value in config.items():
        check = spec.get(key)
        if check is None:
            problems.append(
                msg(
                    f"{key}: kunci tidak dikenal (yang dikenal: {', '.join(sorted(spec))})",
                    f"{key}: unknown key (known: {', '.join(sorted(spec))})",
                )
            )
            continue
        problem = check(value)
        if problem:
            problems.append(f"{key}: {problem}")
    for path in find_secrets(config):
        problems.append(
            msg(
                f"{path}: rahasia tidak boleh disimpan di konfigurasi; simpan di variabel lingkungan dan sebut "
                'namanya (mis. "auth": {"token_env": "LAKSA_API_TOKEN"})',
                f"{path}: secrets must not be stored in the configuration; put them in an environment variable "
                'and name it (e.g. "auth": {"token_env": "LAKSA_API_TOKEN"})',
            )
        )
    if problems:
        raise ConfigError("; ".join(problems))
    return config
