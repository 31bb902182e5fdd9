"""The personal-data audit of a running portal: what an anonymous visitor finds, followed and screened.

Every dataset the portal's ``package_search`` shows an anonymous visitor, every resource URL it shows (files
stored in the portal and links alike) on a host of the harvest allow-list, read as a sample and screened by the
guard of stored tables (:func:`.linked.screen_url`, without the clean-screen cache). ``ckan tangerang
audit-data-pribadi`` prints the result and fails when a resource has personal data behind it; the demo runs it
last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ckanext.tangerang.bilingual import msg

from . import linked
from .http import HarvestHttpError, SafeClient, UrlNotAllowed, check_url

PAGE = 1000


@dataclass
class AuditResult:
    datasets: int = 0
    screened: int = 0
    skipped: int = 0  # resource URLs outside the allow-list, or not a data format
    personal: list[str] = field(default_factory=list)  # one readable line per resource with personal data
    unreadable: list[str] = field(default_factory=list)


def public_datasets(client: SafeClient, portal: str) -> list[dict[str, Any]]:
    """Every dataset an anonymous visitor's ``package_search`` returns (no API token is sent)."""
    out: list[dict[str, Any]] = []
    start = 0
    while True:
        answer = client.get_json(
            f"{portal.rstrip('/')}/api/3/action/package_search", {"rows": PAGE, "start": start}
        )
        results = (answer.get("result") or {}).get("results") or []
        out.extend(results)
        start += PAGE
        if not results or start >= int((answer.get("result") or {}).get("count") or 0):
            return out


def audit(client: SafeClient, portal: str, progress: Callable[[str], None] = lambda _: None) -> AuditResult:
    """Screen what every public resource's URL serves; see the module docstring."""
    result = AuditResult()
    for dataset in public_datasets(client, portal):
        result.datasets += 1
        for resource in dataset.get("resources") or []:
            url = str(resource.get("url") or "").strip()
            declared = str(resource.get("format") or "").strip().lower()
            if urlsplit(url).scheme not in ("http", "https") or (
                declared and declared not in linked.DATA_FORMATS
            ):
                result.skipped += 1
                continue
            try:
                check_url(url, client.allowed_hosts)
            except UrlNotAllowed:
                result.skipped += 1
                continue
            where = f"{dataset.get('name')}: {resource.get('name') or resource.get('id')} ({url})"
            try:
                findings = linked.screen_url(client, url, declared, use_cache=False) or []
            except (HarvestHttpError, ValueError) as error:
                result.unreadable.append(f"{where}: {error}")
                continue
            result.screened += 1
            if findings:
                result.personal.append(
                    f"{where}: "
                    + msg(
                        f"data pribadi di kolom {linked.findings_text(findings, 0)}",
                        f"personal data in columns {linked.findings_text(findings, 1)}",
                    )
                )
                progress(f"  ! {result.personal[-1]}")
    return result
