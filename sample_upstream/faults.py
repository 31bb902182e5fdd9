"""Fault switches: rules set through ``POST /_control/faults`` that turn a normal reply into a broken one.

A rule matches request paths by prefix and fires ``times`` times (unlimited when absent). Faults that need the
normal answer (malformed, truncated, duplicated, re-encoded) transform the route's ``Reply``; the others
replace it. Everything that waits (``hang``, ``slow_drip``) waits on the server's stop event, so shutting the
server down ends it at once."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .data import SAMPLE_NOTICE
from .dcat import billion_laughs
from .reply import JSON_TYPE, Reply, dumps

FAULTS = (
    "500",
    "502",
    "503_retry_after",
    "429",
    "hang",
    "slow_drip",
    "malformed_json",
    "truncated_page",
    "empty_listing",
    "non_utf8",
    "huge_payload",
    "gzip_bomb",
    "xml_bomb",
    "duplicate_ids",
)
# Per-fault options a rule may carry, with their defaults.
DEFAULT_PARAMS: dict[str, dict[str, float]] = {
    "hang": {"seconds": 60.0},
    "slow_drip": {"interval": 0.5, "chunk": 8},
    "huge_payload": {"size_mb": 40},
    "gzip_bomb": {"size_mb": 1100},
    "429": {"retry_after": 1},
    "503_retry_after": {"retry_after": 1},
}


@dataclass
class FaultRule:
    path_prefix: str
    fault: str
    times: int | None = None
    params: dict[str, float] = field(default_factory=dict)
    fired: int = 0

    def as_dict(self) -> dict[str, Any]:
        left = None if self.times is None else self.times - self.fired
        return {
            "path_prefix": self.path_prefix,
            "fault": self.fault,
            "times": self.times,
            "fired": self.fired,
            "remaining": left,
            "params": self.params,
        }


class FaultRegistry:
    """Thread-safe list of rules; the first matching rule with firings left wins."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, spec: dict[str, Any]) -> FaultRule:
        fault = str(spec.get("fault", ""))
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        prefix = str(spec.get("path_prefix", "/"))
        if not prefix.startswith("/"):
            raise ValueError("path_prefix must start with '/'")
        times = spec.get("times")
        if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
            raise ValueError("times must be a positive integer or absent")
        params = dict(DEFAULT_PARAMS.get(fault, {}))
        for key in params:
            if key in spec:
                value = spec[key]
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise ValueError(f"{key} must be a non-negative number")
                params[key] = float(value)
        rule = FaultRule(prefix, fault, times, params)
        with self._lock:
            self._rules.append(rule)
        return rule

    def reset(self) -> None:
        with self._lock:
            self._rules.clear()

    def take(self, path: str) -> FaultRule | None:
        with self._lock:
            for rule in self._rules:
                if path.startswith(rule.path_prefix) and (rule.times is None or rule.fired < rule.times):
                    rule.fired += 1
                    return rule
        return None

    def armed(self, path: str) -> bool:
        """Whether a rule would fire on ``path`` (without firing it)."""
        with self._lock:
            return any(
                path.startswith(r.path_prefix) and (r.times is None or r.fired < r.times) for r in self._rules
            )

    def as_list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r.as_dict() for r in self._rules]


# --------------------------------------------------------------------------------------------------- applying
def apply(rule: FaultRule, reply: Reply, stop: threading.Event, base_url: str) -> Reply:
    f, p = rule.fault, rule.params
    notice = {"_sample": SAMPLE_NOTICE, "fault": f}
    if f == "500":
        return Reply(500, dumps({**notice, "error": "Internal Server Error (fault)"}))
    if f == "502":
        return Reply(
            502,
            b"<html><body><h1>502 Bad Gateway</h1><p>nginx (sample fault)</p></body></html>",
            "text/html; charset=utf-8",
            kind="html",
        )
    if f == "503_retry_after":
        return Reply(
            503,
            dumps({**notice, "error": "Service Unavailable (fault)"}),
            headers={"Retry-After": str(int(p["retry_after"]))},
        )
    if f == "429":
        return Reply(
            429,
            dumps({**notice, "error": "Too Many Requests (fault)"}),
            headers={"Retry-After": str(int(p["retry_after"]))},
        )
    if f == "hang":
        return Reply(hang=p["seconds"])
    if f == "xml_bomb":
        return Reply(
            body=billion_laughs(base_url).encode(),
            content_type="application/rdf+xml; charset=utf-8",
            kind="rdf",
        )
    if f == "gzip_bomb":
        body, length = gzip_bomb_stream(int(p["size_mb"]))
        return Reply(
            body=body,
            length=length,
            content_type=reply.content_type,
            kind=reply.kind,
            headers={"Content-Encoding": "gzip"},
        )
    if f == "huge_payload":
        return Reply(
            body=_huge_stream(reply, int(p["size_mb"])),
            content_type=reply.content_type,
            kind=reply.kind,
            length=-1,
        )

    body = _materialise(reply)
    if f == "slow_drip":
        return Reply(
            reply.status,
            _drip(body, int(p["chunk"]), p["interval"], stop),
            reply.content_type,
            reply.headers,
            length=len(body),
            kind=reply.kind,
        )
    if f == "malformed_json":
        cut = body[: max(1, len(body) // 2)]
        return Reply(reply.status, cut + b'",,}{"rusak', JSON_TYPE, reply.headers, kind="json")
    if f == "non_utf8":
        return Reply(
            reply.status, _latin1(body, reply.kind), reply.content_type, reply.headers, kind=reply.kind
        )
    if f in ("truncated_page", "empty_listing", "duplicate_ids"):
        return _listing_fault(f, reply, body)
    raise AssertionError(f"unhandled fault {f}")  # FAULTS and this function are kept in step by the tests


def _materialise(reply: Reply) -> bytes:
    if isinstance(reply.body, bytes | bytearray):
        return bytes(reply.body)
    return b"".join(reply.body)


def _listing_fault(f: str, reply: Reply, body: bytes) -> Reply:
    listing = reply.listing
    if listing is None:
        if (
            f == "truncated_page"
        ):  # declare the full length, send half: the client sees the connection end early
            return Reply(
                reply.status,
                body[: len(body) // 2],
                reply.content_type,
                reply.headers,
                length=len(body),
                kind=reply.kind,
            )
        if f == "empty_listing":
            return Reply(reply.status, b"", reply.content_type, reply.headers, kind=reply.kind)
        return reply
    items = list(listing.items)
    if f == "empty_listing":
        new = listing.render([], "empty")
    elif f == "truncated_page":
        new = listing.render(items[: len(items) // 2], "truncated")
    else:
        new = listing.render([*items[:-1], items[0]] if len(items) > 1 else items * 2, None)
    return Reply(reply.status, new, reply.content_type, reply.headers, kind=reply.kind)


def _latin1(body: bytes, kind: str) -> bytes:
    """Latin-1 bytes under a UTF-8 label; JSON objects get an accented field so a strict decoder trips."""
    text = body.decode("utf-8", errors="replace")
    if kind == "json" and text.startswith("{"):
        text = '{"_catatan":"Café \u2013 Pasar Anyar: harga ± Rp 5.000, ½ kg",' + text[1:]
    elif all(ord(c) < 128 for c in text):
        text += "\r\n# catatan: café ± ½\r\n"
    return text.encode("latin-1", errors="replace")


def _drip(body: bytes, chunk: int, interval: float, stop: threading.Event) -> Iterator[bytes]:
    chunk = max(1, chunk)
    for i in range(0, len(body), chunk):
        if i and stop.wait(interval):
            return
        yield body[i : i + chunk]


def _huge_stream(reply: Reply, size_mb: int) -> Iterator[bytes]:
    """A valid but enormous JSON (or CSV) document, streamed without Content-Length."""
    target = size_mb * 1024 * 1024
    if reply.kind == "csv":
        line = b"36.71.01,Tangerang,contoh," + b"x" * 60 + b"\r\n"
        head, tail, sep = b"kecamatan_kode,kecamatan_nama,catatan,isi\r\n", b"", b""
    else:
        item = (
            reply.listing.items[0]
            if reply.listing and reply.listing.items
            else {"id": "besar", "isi": "x" * 200}
        )
        line, sep = dumps(item), b","
        head, tail = b'{"_sample":"' + SAMPLE_NOTICE.encode() + b'","data":[', b"]}"
    block = sep.join([line] * max(1, 65536 // (len(line) + 1)))
    yield head + block
    sent = len(head) + len(block)
    piece = sep + block
    while sent < target:
        yield piece
        sent += len(piece)
    yield tail


# A gzip member built from one repeated deflate block: Z_FULL_FLUSH makes the compressed form of every 1 MiB
# of zeros identical, so a body that inflates to more than 1 GB is about 1 MB and costs nothing to produce.
_ZERO_MB = bytes(1 << 20)


@cache
def _deflated_zero_block() -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(_ZERO_MB) + c.flush(zlib.Z_FULL_FLUSH)


@cache
def _zeros_crc(size_mb: int) -> int:
    crc = 0
    for _ in range(size_mb):
        crc = zlib.crc32(_ZERO_MB, crc)
    return crc


def gzip_bomb_stream(size_mb: int) -> tuple[Iterator[bytes], int]:
    block = _deflated_zero_block()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    # An empty final fixed-Huffman block (the stream is byte-aligned after a full flush), then CRC32 and
    # ISIZE.
    trailer = (
        b"\x03\x00"
        + _zeros_crc(size_mb).to_bytes(4, "little")
        + ((size_mb << 20) % (1 << 32)).to_bytes(4, "little")
    )
    length = len(header) + len(block) * size_mb + len(trailer)

    def gen() -> Iterator[bytes]:
        yield header
        batch = block * 64
        left = size_mb
        while left >= 64:
            yield batch
            left -= 64
        if left:
            yield block * left
        yield trailer

    return gen(), length
