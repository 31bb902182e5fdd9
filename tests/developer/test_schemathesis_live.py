"""schemathesis against the live portal with the OpenAPI document it serves: every GET operation, with generated
parameters, must answer without a 5xx, with a documented status code and content type and a body that keeps to
the document. The examples per operation are bounded so that the run stays within a few minutes on two cores.

schemathesis's own pytest loader (``from_fixture``) does not work with pytest 9 (it sets ``node._nodeid``), so
each operation's Hypothesis strategy is driven here, and every operation's first failure is reported."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

EXAMPLES_PER_OPERATION = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _fuzz(operation) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(checks=CHECKS, timeout=60)

    run()


def test_the_live_api_keeps_to_its_openapi_document(live_url, live_catalogue):
    schema = schemathesis.openapi.from_url(f"{live_url}/pengembang/openapi.json", timeout=60)
    operations = [result.ok() for result in schema.include(method="GET").get_all_operations()]
    assert len(operations) >= 10
    failures = []
    for operation in operations:
        try:
            _fuzz(operation)
        except (Exception, FailureGroup) as error:  # one report per operation, then the next
            failures.append(f"{operation.label}: {str(error)[:1500]}")
    assert not failures, "\n\n".join(failures)
