"""The harvesters' HTTP client: every call bounded in time and size, every URL checked against the allow-list.

- Timeouts: connect and read per socket operation (requests), and a total deadline per call that covers
  retries, Retry-After waits and the streamed body (a server that drips a few bytes at a time is cut off).
- Retries with exponential backoff on connection errors, 5xx and 429, honouring ``Retry-After`` up to a cap.
- Size caps on the body as received *after* decompression: the body is streamed and counted, so a gzip bomb
  stops at the cap and never reaches memory whole; a ``Content-Length`` above the cap is refused at once.
- Redirects are followed by hand (at most five) and every target is checked like the first URL.
- JSON and XML decoding with readable messages; XML with a DTD or entities is refused before parsing and parsed
  with entity resolution and network access off.

Messages are Indonesian / English, because they end up in harvest reports that stewards read.
"""

from __future__ import annotations

import email.utils
import fnmatch
import ipaddress
import json
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from ckanext.tangerang.bilingual import msg

MAX_REDIRECTS = 5
CHUNK = 64 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class HarvestHttpError(Exception):
    """A network call that failed for good (after retries): the message is ready for a harvest report."""


class UrlNotAllowed(HarvestHttpError):
    """A URL outside the allow-list, with a scheme other than http(s), or pointing at an internal address."""


@dataclass(frozen=True)
class Limits:
    """Bounds of one harvest's network calls; a source config may lower them, never raise past the caps."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0
    retries: int = 3
    backoff: float = 0.5
    max_retry_after: float = 30.0
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 1000
    max_records: int = 100_000
    sample_bytes: int = 2 * 1024 * 1024  # how much of a linked file is read to screen it for personal data

    # The most a source config may ask for.
    CAPS = {
        "connect_timeout": 30.0,
        "read_timeout": 120.0,
        "total_timeout": 1800.0,
        "retries": 6,
        "backoff": 10.0,
        "max_retry_after": 120.0,
        "max_bytes": 500 * 1024 * 1024,
        "max_pages": 10_000,
        "max_records": 1_000_000,
        "sample_bytes": 20 * 1024 * 1024,
    }

    def with_overrides(self, overrides: dict[str, Any] | None) -> Limits:
        if not overrides:
            return self
        values = {}
        for key, value in overrides.items():
            kind = type(getattr(self, key))
            values[key] = kind(min(kind(value), self.CAPS[key]))
        return replace(self, **values)


@dataclass
class Response:
    url: str
    status: int
    headers: dict[str, str]
    content: bytes
    truncated: bool = False  # only with ``get(..., truncate=True)``: the body was cut at ``max_bytes``

    @property
    def charset(self) -> str | None:
        content_type = self.headers.get("content-type", "")
        for part in content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"'").lower()
        return None

    def text_utf8(self) -> str:
        """The body as UTF-8, strictly: JSON and our APIs are UTF-8; anything else is a readable error."""
        try:
            return self.content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise HarvestHttpError(
                msg(
                    f"Jawaban {self.url} bukan UTF-8 yang sah (byte {self.content[error.start]:#04x} "
                    f"di posisi {error.start}; charset yang dinyatakan: {self.charset or '-'})",
                    f"The answer of {self.url} is not valid UTF-8 (byte {self.content[error.start]:#04x} "
                    f"at offset {error.start}; declared charset: {self.charset or '-'})",
                )
            ) from None

    def json(self) -> Any:
        text = self.text_utf8()
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise HarvestHttpError(
                msg(
                    f"Jawaban {self.url} bukan JSON yang sah: {error.msg} pada baris {error.lineno} "
                    f"kolom {error.colno}",
                    f"The answer of {self.url} is not valid JSON: {error.msg} at line {error.lineno} "
                    f"column {error.colno}",
                )
            ) from None


# --- allow-list ------------------------------------------------------------------------------------------


def _host_matches(host: str, addresses: Iterable[str], entry: str) -> bool:
    entry = entry.strip().lower()
    if not entry:
        return False
    if "/" in entry:
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return False
        return any(ipaddress.ip_address(a) in network for a in addresses)
    if "*" in entry:
        return fnmatch.fnmatch(host, entry)
    return host == entry


def _resolve(host: str) -> list[str]:
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        raise UrlNotAllowed(msg(f"Nama host tidak dikenal: {host}", f"Unknown host name: {host}")) from None
    return sorted({str(info[4][0]).split("%")[0] for info in infos})


def check_url(url: str, allowed_hosts: Iterable[str]) -> str:
    """Refuse a URL the harvesters must not call; return it unchanged when it is fine.

    Only http and https. With a non-empty allow-list the host (a name, ``*.example.go.id``, an IP address or a
    CIDR range) must be on it; with an empty one any public host goes. Loopback, private, link-local and other
    non-public addresses (as resolved now, so a public name pointing inside is caught) only when the allow-list
    names the host or address explicitly.
    """
    allowed = [entry for entry in allowed_hosts if entry and entry.strip()]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UrlNotAllowed(
            msg(
                f"Hanya URL http:// atau https:// yang boleh dipanen, bukan {parts.scheme or '(tanpa skema)'}://",
                f"Only http:// or https:// URLs may be harvested, not {parts.scheme or '(no scheme)'}://",
            )
        )
    host = (parts.hostname or "").lower()
    if not host:
        raise UrlNotAllowed(msg(f"URL tanpa host: {url}", f"URL without a host: {url}"))
    addresses = _resolve(host)
    listed = any(_host_matches(host, addresses, entry) for entry in allowed)
    if allowed and not listed:
        raise UrlNotAllowed(
            msg(
                f"Host {host} tidak ada dalam daftar izin (ckanext.tangerang.harvest.allowed_hosts)",
                f"Host {host} is not in the allow-list (ckanext.tangerang.harvest.allowed_hosts)",
            )
        )
    if not listed:
        for address in addresses:
            ip = ipaddress.ip_address(address)
            if not ip.is_global or ip.is_multicast:
                raise UrlNotAllowed(
                    msg(
                        f"Host {host} menunjuk ke alamat internal {address}; tambahkan ke daftar izin "
                        "(ckanext.tangerang.harvest.allowed_hosts) bila memang dimaksudkan",
                        f"Host {host} points to the internal address {address}; add it to the allow-list "
                        "(ckanext.tangerang.harvest.allowed_hosts) if that is intended",
                    )
                )
    return url


# --- client ----------------------------------------------------------------------------------------------


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass
class SafeClient:
    """GET with the limits above. One client per harvest stage; not shared between threads."""

    limits: Limits = field(default_factory=Limits)
    allowed_hosts: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    sleep: Any = time.sleep

    def __post_init__(self) -> None:
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies or netrc credentials from the worker's environment
        self.session.headers.update(
            {"User-Agent": "ckanext-tangerang harvester", "Accept-Encoding": "gzip, deflate"}
        )
        self.session.headers.update(self.headers)

    def close(self) -> None:
        self.session.close()

    def get(
        self,
        url: str,
        params: dict[str, Any] | None = None,
        *,
        max_bytes: int | None = None,
        truncate: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """GET ``url``: retried, redirects checked, body capped. Raises :class:`HarvestHttpError`.

        ``truncate`` reads a sample: the body stops at ``max_bytes`` (``Response.truncated``) instead of being an
        error. ``headers`` are added to this request only (conditional-request validators)."""
        deadline = time.monotonic() + self.limits.total_timeout
        attempt = 0
        while True:
            try:
                response = self._get_once(
                    url, params, deadline, max_bytes or self.limits.max_bytes, truncate, headers
                )
            except (requests.ConnectionError, requests.Timeout) as error:
                if attempt >= self.limits.retries:
                    raise HarvestHttpError(self._network_message(url, error, attempt)) from None
                self._wait(self.limits.backoff * 2**attempt, deadline, url)
                attempt += 1
                continue
            if response.status in RETRY_STATUSES and attempt < self.limits.retries:
                delay = self.limits.backoff * 2**attempt
                retry_after = _retry_after_seconds(response.headers.get("retry-after"))
                if retry_after is not None:
                    delay = max(delay, min(retry_after, self.limits.max_retry_after))
                self._wait(delay, deadline, url)
                attempt += 1
                continue
            if response.status >= 400:
                raise HarvestHttpError(
                    msg(
                        f"{url} menjawab HTTP {response.status}"
                        + (f" setelah {attempt + 1} percobaan" if attempt else ""),
                        f"{url} answered HTTP {response.status}"
                        + (f" after {attempt + 1} attempts" if attempt else ""),
                    )
                )
            return response

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return self.get(url, params).json()

    # -- internals ---------------------------------------------------------------------------------------

    def _wait(self, seconds: float, deadline: float, url: str) -> None:
        if time.monotonic() + seconds > deadline:
            raise HarvestHttpError(
                msg(
                    f"Batas waktu total {self.limits.total_timeout:g} s untuk {url} habis sebelum percobaan ulang",
                    f"The total time limit of {self.limits.total_timeout:g} s for {url} ran out before a retry",
                )
            )
        self.sleep(seconds)

    def _network_message(self, url: str, error: Exception, attempt: int) -> str:
        if isinstance(error, requests.Timeout):
            what_id, what_en = "waktu tunggu habis", "timed out"
        else:
            what_id, what_en = "koneksi gagal", "connection failed"
        tries = attempt + 1
        return msg(
            f"{url}: {what_id} ({tries} percobaan; batas sambung {self.limits.connect_timeout:g} s, "
            f"baca {self.limits.read_timeout:g} s)",
            f"{url}: {what_en} ({tries} attempts; connect limit {self.limits.connect_timeout:g} s, "
            f"read {self.limits.read_timeout:g} s)",
        )

    def _get_once(
        self,
        url: str,
        params: dict[str, Any] | None,
        deadline: float,
        max_bytes: int,
        truncate: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Response:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(current, self.allowed_hosts)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._total_timeout(url)
            raw = self.session.get(
                current,
                params=params,
                headers=headers,
                stream=True,
                allow_redirects=False,
                timeout=(
                    min(self.limits.connect_timeout, remaining),
                    min(self.limits.read_timeout, remaining),
                ),
            )
            try:
                if raw.is_redirect and raw.headers.get("location"):
                    current = urljoin(raw.url, raw.headers["location"])
                    params = None  # the Location carries its own query
                    continue
                content, truncated = self._read_capped(raw, current, deadline, max_bytes, truncate)
                answer = {key.lower(): value for key, value in raw.headers.items()}
                return Response(
                    url=raw.url, status=raw.status_code, headers=answer, content=content, truncated=truncated
                )
            finally:
                raw.close()
        raise HarvestHttpError(
            msg(
                f"Terlalu banyak pengalihan (lebih dari {MAX_REDIRECTS}) dari {url}",
                f"Too many redirects (more than {MAX_REDIRECTS}) from {url}",
            )
        )

    def _total_timeout(self, url: str) -> HarvestHttpError:
        return HarvestHttpError(
            msg(
                f"{url}: batas waktu total {self.limits.total_timeout:g} s terlampaui",
                f"{url}: the total time limit of {self.limits.total_timeout:g} s was exceeded",
            )
        )

    def _too_big(self, url: str, max_bytes: int) -> HarvestHttpError:
        return HarvestHttpError(
            msg(
                f"{url}: jawaban melebihi batas {max_bytes:,} byte (setelah dekompresi); dihentikan",
                f"{url}: the answer exceeds the limit of {max_bytes:,} bytes (after decompression); stopped",
            )
        )

    def _read_capped(
        self, raw: requests.Response, url: str, deadline: float, max_bytes: int, truncate: bool = False
    ) -> tuple[bytes, bool]:
        declared = raw.headers.get("content-length")
        encoded = raw.headers.get("content-encoding", "identity").lower() not in ("", "identity")
        if declared and declared.isdigit() and not encoded and int(declared) > max_bytes and not truncate:
            raise self._too_big(url, max_bytes)
        chunks: list[bytes] = []
        size = 0
        try:
            # read1 returns what has arrived (so the deadline is checked while a server drips) and urllib3 2
            # decompresses at most the requested amount per call (so a bomb never inflates whole).
            while chunk := raw.raw.read1(CHUNK, decode_content=True):
                size += len(chunk)
                if size > max_bytes:
                    if truncate:
                        chunks.append(chunk[: max_bytes - (size - len(chunk))])
                        return b"".join(chunks), True
                    raise self._too_big(url, max_bytes)
                if time.monotonic() > deadline:
                    raise self._total_timeout(url)
                chunks.append(chunk)
        except requests.exceptions.RequestException:
            raise
        except HarvestHttpError:
            raise
        except Exception as error:  # urllib3 protocol, decode and read-timeout errors
            name = type(error).__name__
            if "Timeout" in name:
                raise requests.Timeout(str(error)) from None
            raise HarvestHttpError(
                msg(
                    f"{url}: jawaban terputus atau rusak ({name}) setelah {size:,} byte",
                    f"{url}: the answer broke off or is corrupt ({name}) after {size:,} bytes",
                )
            ) from None
        return b"".join(chunks), False


# --- XML -------------------------------------------------------------------------------------------------


def parse_xml(content: bytes, url: str = "") -> Any:
    """Parse XML safely: a DTD or entity declaration is refused outright; entities are never resolved."""
    from lxml import etree

    head = content[:65536].lower()
    if b"<!doctype" in head or b"<!entity" in content.lower():
        raise HarvestHttpError(
            msg(
                f"XML {url} memuat DTD atau deklarasi entitas; ditolak (perlindungan XML bomb/XXE)",
                f"The XML of {url} carries a DTD or entity declarations; refused (XML bomb/XXE protection)",
            )
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    try:
        return etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise HarvestHttpError(
            msg(f"XML {url} tidak sah: {error}", f"The XML of {url} is not well-formed: {error}")
        ) from None
