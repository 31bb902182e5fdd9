"""The probe suite plays the outsider. Each probe test takes the ``probe`` fixture and records every check
through it; a complete run of this folder writes its figures into SECURITY.md."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.security import figures


@pytest.fixture
def probe():
    recorder = figures.Probe()
    yield recorder
    if recorder.failed:
        shown = "\n".join(recorder.failed[:50])
        more = f"\n... and {len(recorder.failed) - 50} more" if len(recorder.failed) > 50 else ""
        pytest.fail(f"{len(recorder.failed)} probe(s) failed:\n{shown}{more}", pytrace=False)


def pytest_sessionfinish(session, exitstatus):
    # Only a run of the whole probe suite (no selection) speaks for the portal in SECURITY.md.
    config = session.config
    if config.getoption("keyword", "") or config.getoption("markexpr", "") or config.getoption("lf", False):
        return
    items = [i for i in session.items if "/tests/security/" in str(i.fspath)]
    if not items or not sum(figures.TALLY.probes.values()):
        return
    if len({str(i.fspath) for i in items}) < len(_security_modules()):
        return
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    figures.write_security_md(
        f"Last full run of `tests/security` ({len(items)} tests, exit status {int(exitstatus)}), {when}:"
    )


def _security_modules():
    return sorted(figures.ROOT.joinpath("tests", "security").glob("test_*.py"))
