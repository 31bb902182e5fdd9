"""The release calendar's logic: which datasets are past their next expected update (``pemutakhiran_berikutnya``,
derived by the validator ``tangerang_next_update``), and the daily e-mail digest that tells each OPD about its own
(and about its low-quality datasets).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import ckan.plugins.toolkit as tk
import pytz
from ckan.lib import mailer
from ckan.types import Context, DataDict

from ckanext.tangerang import codelists, dates
from ckanext.tangerang.bilingual import msg
from ckanext.tangerang.logic import quality, stewards
from ckanext.tangerang.logic.site_user import site_context

# The result fields a steward reads; stored in Solr, so the search returns them without loading any dataset.
FIELDS = ["name", "title", "organization", "frekuensi", "pemutakhiran_berikutnya"]
MAX_ROWS = 1000  # CKAN's default ckan.search.rows_max


def today() -> dt.date:
    """Today in the portal's display time zone (WIB for Kota Tangerang)."""
    zone = pytz.timezone(tk.config.get("ckan.display_timezone") or "UTC")
    return dt.datetime.now(zone).date()


def solr_day(day: dt.date) -> str:
    """A day as the start of that day in Solr's date syntax (the index stores the day at midnight UTC)."""
    return f"{day.isoformat()}T00:00:00Z"


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise tk.ValidationError(
            {field: [msg("Harus berupa tanggal YYYY-MM-DD", "Must be a date YYYY-MM-DD")]}
        ) from None


def _int(value: Any, field: str, default: int, maximum: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(str(value))
    except ValueError:
        number = -1
    if not 0 <= number <= maximum:
        raise tk.ValidationError(
            {
                field: [
                    msg(f"Harus bilangan bulat 0 sampai {maximum}", f"Must be a whole number 0 to {maximum}")
                ]
            }
        )
    return number


def overdue_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The datasets whose next expected update lies before ``as_of``, most overdue first (see the action)."""
    as_of = _date(data_dict.get("as_of") or today(), "as_of")
    rows = _int(data_dict.get("rows"), "rows", 100, MAX_ROWS)
    start = _int(data_dict.get("start"), "start", 0, 100_000)
    opds = stewards.solr_filter(context, data_dict.get("owner_org"))
    result = tk.get_action("package_search")(
        {"user": context.get("user"), "ignore_auth": context.get("ignore_auth", False)},
        {
            # "}" leaves as_of out: a dataset due today is not late yet.
            "fq": f"+dataset_type:dataset +pemutakhiran_berikutnya:[* TO {solr_day(as_of)}}} {opds}".strip(),
            "include_private": True,  # CKAN keeps to the caller's permission labels
            "sort": "pemutakhiran_berikutnya asc, title_string asc",
            "fl": FIELDS,
            "rows": rows,
            "start": start,
        },
    )
    datasets = []
    for found in result["results"]:
        due = dt.date.fromisoformat(found["pemutakhiran_berikutnya"][:10])
        datasets.append(
            {
                **{field: found.get(field) for field in FIELDS},
                "pemutakhiran_berikutnya": due.isoformat(),
                "days_overdue": (as_of - due).days,
            }
        )
    return {"count": result["count"], "as_of": as_of.isoformat(), "datasets": datasets}


# --- The digest -------------------------------------------------------------------------------------------------


def _all_overdue(owner_org: str, as_of: dt.date) -> list[dict[str, Any]]:
    """Every overdue dataset of one OPD, as the site user sees them (page after page)."""
    action = tk.get_action("tangerang_overdue_list")
    datasets: list[dict[str, Any]] = []
    while True:
        page = action(
            site_context(),
            {"owner_org": owner_org, "as_of": as_of.isoformat(), "rows": MAX_ROWS, "start": len(datasets)},
        )
        datasets.extend(page["datasets"])
        if not page["datasets"] or len(datasets) >= page["count"]:
            return datasets


def _stewards(org: dict[str, Any]) -> list[dict[str, Any]]:
    """The OPD's admins and editors who are active and have an e-mail address (``org`` with its users)."""
    users = []
    for member in org.get("users") or []:
        if member.get("capacity") not in ("admin", "editor"):
            continue
        user = tk.get_action("user_show")(site_context(), {"id": member["id"]})
        if user.get("state") == "active" and user.get("email"):
            users.append(user)
    return users


def _overdue_lines(datasets: list[dict[str, Any]], site_url: str) -> list[str]:
    lines = []
    for number, dataset in enumerate(datasets, 1):
        due = dates.format_long(dt.date.fromisoformat(dataset["pemutakhiran_berikutnya"]), "id", pytz.utc)
        frequency = codelists.label("frekuensi", dataset.get("frekuensi") or "", "id")
        lines += [
            f"{number}. {dataset['title']}",
            f"   Frekuensi: {frequency}; seharusnya diperbarui {due} (terlambat {dataset['days_overdue']} hari)",
            f"   {site_url}/dataset/{dataset['name']}",
        ]
    return lines


def _low_quality_lines(org: dict[str, Any], low: list[dict[str, Any]], site_url: str) -> list[str]:
    threshold = tk.config.get("ckanext.tangerang.quality.low")
    lines = [f"Dataset {org['title']} dengan skor kualitas di bawah {threshold} (dari 100):", ""]
    for number, dataset in enumerate(low, 1):
        lines.append(f"{number}. {dataset['title']} (skor {dataset['score']})")
        if dataset.get("advice"):
            lines.append(f"   Yang perlu dilakukan lebih dulu: {dataset['advice']['id']}")
        lines.append(f"   {site_url}/dataset/{dataset['name']}")
    return [*lines, "", "Seluruh dataset OPD menurut skor kualitasnya, terendah dahulu:",
            f"{site_url}/dataset/?organization={org['name']}&sort=skor_kualitas+asc"]  # fmt: skip


def digest_message(
    org: dict[str, Any], datasets: list[dict[str, Any]], as_of: dt.date, low: list[dict[str, Any]]
) -> tuple[str, str]:
    """The subject and the plain-text body, in Indonesian, of one OPD's digest: its overdue datasets, then its
    low-quality ones (``low``, from ``quality.low_scoring``)."""
    site_url = tk.config.get("ckan.site_url").rstrip("/")
    site_title = tk.config.get("ckan.site_title")
    day = dates.format_long(as_of, "id", pytz.utc)
    counts = [f"{len(datasets)} dataset {org['title']} terlambat dimutakhirkan"] if datasets else []
    if low:
        counts.append(
            f"{len(low)} berkualitas rendah"
            if datasets
            else f"{len(low)} dataset {org['title']} berkualitas rendah"
        )
    subject = f"[{site_title}] " + ", ".join(counts)
    lines = []
    if datasets:
        lines += [
            f"Berikut dataset {org['title']} yang melewati jadwal pemutakhirannya per {day}.",
            "Mohon perbarui data dan metadatanya, atau sesuaikan frekuensinya bila jadwalnya sudah berubah.",
            "",
            *_overdue_lines(datasets, site_url),
            "",
            "Seluruh dataset OPD menurut jadwal pemutakhirannya:",
            f"{site_url}/dataset/?organization={org['name']}&sort=pemutakhiran_berikutnya+asc",
            "",
        ]
    if low:
        lines += [*_low_quality_lines(org, low, site_url), ""]
    lines.append(
        f"Surel ini dikirim otomatis oleh {site_title} kepada admin dan editor OPD yang datasetnya terlambat "
        "dimutakhirkan atau berkualitas rendah; OPD tanpa keduanya tidak menerimanya."
    )
    return subject, "\n".join(lines) + "\n"


Digest = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]


def digests(as_of: dt.date) -> Iterator[Digest]:
    """Per OPD with overdue or low-quality datasets: the OPD, its stewards with an e-mail address, the overdue
    datasets and the low-quality ones (below ``ckanext.tangerang.quality.low``)."""
    threshold = tk.config.get("ckanext.tangerang.quality.low")
    names = tk.get_action("organization_list")(site_context(), {"limit": 1000})
    for name in names:
        org = tk.get_action("organization_show")(
            site_context(), {"id": name, "include_datasets": False, "include_users": True}
        )
        datasets = _all_overdue(org["id"], as_of)
        low = quality.low_scoring(org["id"], threshold)
        if datasets or low:
            yield org, _stewards(org), datasets, low


def send_digests(as_of: dt.date, dry_run: bool, echo: Callable[[str], None]) -> dict[str, int]:
    """Send each OPD's stewards its digest through CKAN's mailer (``smtp.*`` settings); with ``dry_run`` only say
    what would be sent. Returns the counts of OPDs, messages sent and messages that failed."""
    counts = {"opd": 0, "sent": 0, "failed": 0}
    for org, recipients, datasets, low in digests(as_of):
        counts["opd"] += 1
        subject, body = digest_message(org, datasets, as_of, low)
        echo(
            f"{org['name']}: {len(datasets)} dataset terlambat, {len(low)} berkualitas rendah, "
            f"{len(recipients)} penerima / recipients"
        )
        if not recipients:
            echo(
                f"  ! {org['name']}: tidak ada admin/editor dengan surel / no admin or editor with an e-mail"
            )
        for user in recipients:
            if dry_run:
                echo(f"  (dry run) {user['email']}: {subject}")
                continue
            try:
                mailer.mail_recipient(user.get("display_name") or user["name"], user["email"], subject, body)
            except mailer.MailerException as error:
                counts["failed"] += 1
                echo(f"  ! {user['email']}: {error}")
            else:
                counts["sent"] += 1
    return counts
