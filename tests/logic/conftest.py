"""Fixtures of the logic tests that run harvest jobs (test_harvest_report.py): those of tests/harvesters (the
sample upstream, the real consumer subprocesses, a portal with three OPDs)."""

from tests.harvesters.conftest import consumers, control, opds_env, upstream  # noqa: F401  (fixtures)
