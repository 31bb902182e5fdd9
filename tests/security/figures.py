"""The probe suite's tally: every probe counts, every failed probe is a finding, and a full run of
``tests/security`` writes the figures into SECURITY.md, so the page always shows the latest run."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECURITY_MD = ROOT / "SECURITY.md"
START, END = "<!-- probe-figures:start -->", "<!-- probe-figures:end -->"

# What a failed probe of each kind is called in SECURITY.md. A kind names what must never happen.
KINDS = {
    "leak": "leaks (a withheld marker where the class forbids it, or a dataset that must not exist answered)",
    "payload": "executable payloads (script, handler or javascript: URL that runs in the portal's origin)",
    "get_state": "state changes on GET",
    "csrf": "POSTs accepted without a CSRF token from a cookie session",
    "5xx": "5xx answers",
    "bad_input": "bad inputs not answered 4xx with a bilingual message, or stored half-made",
    "secret": "secrets stored, logged or returned",
    "pii": "public resources with personal data behind them",
    "steward": "stewards' pages or actions answering someone who does not steer the OPD",
}


@dataclass
class Tally:
    probes: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    findings: list[str] = field(default_factory=list)


TALLY = Tally()


class Probe:
    """Per-test recorder. ``check(kind, ok, what)`` counts a probe; the test fails at its end, listing every
    failed probe, so one run shows all findings rather than the first."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def check(self, kind: str, ok: bool, what: str) -> bool:
        if kind not in KINDS:
            raise ValueError(f"unknown probe kind {kind!r}")
        TALLY.probes[kind] += 1
        if not ok:
            TALLY.failures[kind] += 1
            finding = f"[{kind}] {what}"
            TALLY.findings.append(finding)
            self.failed.append(finding)
        return ok

    def answer(self, response, what: str) -> bool:
        """Every HTTP answer a probe gets is also a 5xx probe."""
        status = getattr(response, "status_code", None) or getattr(response, "status", 0)
        return self.check("5xx", int(status) < 500, f"{what} answered {status}")


def render() -> str:
    lines = ["| what must never happen | probes | found |", "|---|---:|---:|"]
    for kind, label in KINDS.items():
        lines.append(f"| {label} | {TALLY.probes[kind]} | {TALLY.failures[kind]} |")
    total, found = sum(TALLY.probes.values()), sum(TALLY.failures.values())
    lines.append(f"| **all probes** | **{total}** | **{found}** |")
    return "\n".join(lines)


def write_security_md(run_note: str) -> None:
    """Replace the figures block of SECURITY.md (and var/security-figures.json for machines)."""
    if not SECURITY_MD.exists():
        return
    text = SECURITY_MD.read_text(encoding="utf-8")
    block = f"{START}\n{run_note}\n\n{render()}\n{END}"
    new = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    if new != text:
        SECURITY_MD.write_text(new, encoding="utf-8")
    out = ROOT / "var" / "security-figures.json"
    if out.parent.exists():
        out.write_text(
            json.dumps({"probes": dict(TALLY.probes), "failures": dict(TALLY.failures)}, indent=1),
            encoding="utf-8",
        )
