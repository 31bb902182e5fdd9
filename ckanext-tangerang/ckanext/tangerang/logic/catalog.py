"""The one-call catalogue actions' work: the catalogue's counts (``tangerang_stats``), the application list with
dataset counts and latest usage (``tangerang_aplikasi_list``) and an application with its datasets
(``tangerang_aplikasi_show``).

Every search runs as the caller (``include_private`` with CKAN's permission labels), so access classes decide
what is counted and listed; each call asks Solr a fixed number of times, however many applications there are.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args
from ckan.types import Context, Schema

from ckanext.tangerang import choices, codelists, searches, usage
from ckanext.tangerang.bilingual import msg
from ckanext.tangerang.logic import indexing, search_policy

APLIKASI_NOT_FOUND = msg("Aplikasi tidak ditemukan.", "Application not found.")

# The orders an application list may ask for; each adds the title as tie-break.
SORTS = (
    f"{indexing.LATEST_USERS} desc",
    f"{indexing.LATEST_USERS} asc",
    "title_string asc",
    "title_string desc",
    "metadata_modified desc",
)
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# An application's datasets listed in full by tangerang_aplikasi_show; dataset_count counts them all.
MAX_DATASETS = 100


def _caller(context: Context) -> Context:
    """The caller's identity alone, so that CKAN's permission labels (not an ``ignore_auth``) decide."""
    return {"user": context.get("user") or ""}  # type: ignore[typeddict-item]


def _search(context: Context, data_dict: dict[str, Any]) -> dict[str, Any]:
    return tk.get_action("package_search")(_caller(context), {"include_private": True, **data_dict})


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sorted_counts(facet: dict[str, int]) -> list[tuple[str, int]]:
    """Most first, then by value."""
    return sorted(facet.items(), key=lambda kv: (-kv[1], kv[0]))


def stats(context: Context, lang: str | None = None) -> dict[str, Any]:
    """The catalogue's counts as the caller may see them, labels in ``lang`` (default: the page's language):
    one search with no rows.

    ``by_opd`` counts an OPD's datasets and applications; ``by_access`` and ``by_kelompok`` list every value of
    their code list (zero included), the others the values found, most first."""
    facets = _search(
        context,
        {
            "q": "*:*",
            "fq": "+dataset_type:(dataset OR aplikasi)",
            "rows": 0,
            "facet.field": ["dataset_type", "sektor", "organization", "klasifikasi", "kelompok"],
            "facet.limit": -1,
        },
    )["facets"]
    lang = lang or choices.page_lang()
    types = facets.get("dataset_type", {})
    access = facets.get("klasifikasi", {})
    groups = facets.get("kelompok", {})
    kelompok_labels = choices.labels("aplikasi", "kelompok", lang)
    return {
        "datasets": types.get("dataset", 0),
        "applications": types.get("aplikasi", 0),
        "by_sector": [
            {"code": code, "label": codelists.label("urusan_pemerintahan", code, lang), "count": count}
            for code, count in _sorted_counts(facets.get("sektor", {}))
        ],
        "by_opd": [
            {"name": name, "title": searches.opd_title(name), "count": count}
            for name, count in _sorted_counts(facets.get("organization", {}))
        ],
        "by_access": [
            {
                "code": row["kode"],
                "label": codelists.label("klasifikasi", row["kode"], lang),
                "count": access.get(row["kode"], 0),
            }
            for row in codelists.rows("klasifikasi")
        ],
        "by_kelompok": [
            {"code": code, "label": label, "count": groups.get(code, 0)}
            for code, label in kelompok_labels.items()
        ],
    }


def dataset_counts(context: Context, names: list[str] | None = None) -> dict[str, int]:
    """Application name → how many datasets the caller may see name it as ``aplikasi_sumber``, in one facet
    search: of the applications ``names`` (an application without datasets is left out), or of all."""
    if names is not None and not names:
        return {}
    fq = "+dataset_type:dataset"
    if names is not None:
        fq += " +aplikasi_sumber:(" + " OR ".join(_quoted(n) for n in names) + ")"
    facets = _search(
        context,
        {
            "fq": fq,
            "rows": 0,
            "facet.field": ["aplikasi_sumber"],
            "facet.limit": len(names) if names is not None else search_policy.MAX_FACET_LIMIT,
            "facet.mincount": 1,
        },
    )["facets"]
    return dict(facets.get("aplikasi_sumber", {}))


def _latest_usage(app: dict[str, Any]) -> dict[str, Any] | None:
    months = usage.series(app.get("penggunaan_bulanan"))
    return {"month": months[-1]["bulan"], "users": months[-1]["pengguna_aktif"]} if months else None


def _app_url(app: dict[str, Any]) -> str | None:
    """The application's own address: its web platform's URL, else the first platform URL it has."""
    platforms = [p for p in app.get("platform") or [] if isinstance(p, dict) and p.get("url")]
    web = [p for p in platforms if p.get("jenis") == "web"]
    return (web or platforms)[0]["url"] if platforms else None


def _one_of(allowed: tuple[str, ...] | frozenset[str], what_id: str, what_en: str):
    listed = ", ".join(sorted(allowed))

    def validator(value: Any) -> Any:
        if value not in allowed:
            raise tk.Invalid(
                msg(f"{what_id} harus salah satu dari: {listed}", f"{what_en} must be one of: {listed}")
            )
        return value

    return validator


def _whole_number(minimum: int, maximum: int):
    def validator(value: Any) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise tk.Invalid(msg("Harus berupa bilangan bulat", "Must be a whole number")) from None
        if not minimum <= number <= maximum:
            raise tk.Invalid(
                msg(f"Harus antara {minimum} dan {maximum}", f"Must be between {minimum} and {maximum}")
            )
        return number

    return validator


@validator_args
def aplikasi_list_schema(default, ignore_empty, unicode_safe) -> Schema:
    return {
        "q": [ignore_empty, unicode_safe],
        "kelompok": [ignore_empty, _one_of(choices.values("aplikasi", "kelompok"), "Kelompok", "The group")],
        "status": [
            ignore_empty,
            _one_of(choices.values("aplikasi", "status_aplikasi"), "Status", "The status"),
        ],
        "sort": [default(SORTS[0]), _one_of(SORTS, "Urutan", "The sort")],
        "limit": [default(DEFAULT_LIMIT), _whole_number(1, MAX_LIMIT)],
        "offset": [default(0), _whole_number(0, search_policy.MAX_START)],
    }


def aplikasi_list(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One page of applications (validated ``data``), with their dataset counts: two searches in all."""
    fq = "+dataset_type:aplikasi"
    if data.get("kelompok"):
        fq += f" +kelompok:{_quoted(data['kelompok'])}"
    if data.get("status"):
        fq += f" +status_aplikasi:{_quoted(data['status'])}"
    sort = data["sort"] if data["sort"].startswith("title_string") else f"{data['sort']}, title_string asc"
    found = _search(
        context,
        {"q": data.get("q") or "", "fq": fq, "sort": sort, "rows": data["limit"], "start": data["offset"]},
    )
    apps = found["results"]
    counts = dataset_counts(context, [a["name"] for a in apps])
    return {
        "count": found["count"],
        "results": [
            {
                "name": app["name"],
                "title": app["title"],
                "kelompok": app.get("kelompok"),
                "status_aplikasi": app.get("status_aplikasi"),
                "url": _app_url(app),
                "datasets": counts.get(app["name"], 0),
                "latest_usage": _latest_usage(app),
            }
            for app in apps
        ],
    }


def aplikasi_show(context: Context, app_id: str) -> dict[str, Any]:
    """An application as ``package_show`` gives it to the caller, with the first ``MAX_DATASETS`` of the
    datasets the caller may see that name it as their source (by title) and how many there are in all."""
    try:
        app = tk.get_action("package_show")(_caller(context), {"id": app_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        raise tk.ObjectNotFound(APLIKASI_NOT_FOUND) from None
    if app.get("type") != "aplikasi":
        raise tk.ObjectNotFound(APLIKASI_NOT_FOUND)
    found = _search(
        context,
        {
            "fq": f"+dataset_type:dataset +aplikasi_sumber:{_quoted(app['name'])}",
            "rows": MAX_DATASETS,
            "sort": "title_string asc",
        },
    )
    keys = ("name", "title", "klasifikasi", "metadata_modified")
    return {
        **app,
        "datasets": [{key: ds.get(key) for key in keys} for ds in found["results"]],
        "dataset_count": found["count"],
    }
