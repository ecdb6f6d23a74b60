"""API fuzzing with schemathesis against the OpenAPI schema (/api/schema/), in-process through the
WSGI application so it runs in CI: every operation (so routes added later are fuzzed too), as a
district administrator and as a school administrator (token authentication). No 5xx; response
bodies and content types conform to the schema. Undocumented status codes are counted, not failed
(drf-spectacular documents the success code only). The schema itself must generate without a
single drf-spectacular warning: each one is a place where it documents something other than what
the API does."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from edugov.accounts.models import Role
from edugov.testing import make_mini_district

from .live import SOAK, record, soak

pytestmark = pytest.mark.django_db(transaction=False)

EXAMPLES = soak(3, 60)


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Calls go through the real WSGI handler, whose request signals close old connections: on
    PostgreSQL that would close the test's transaction under it. Django's own test client
    disconnects the same receiver for the same reason."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def test_schema_generates_without_warnings():
    """What `spectacular --validate --fail-on-warn` and `check --deploy` report, in-process."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.settings import spectacular_settings
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()  # warnings of earlier generations in this process are cached
    with GENERATOR_STATS.silence():
        schema = spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True)
    problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    validate_schema(schema)  # OpenAPI 3 JSON schema
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.SCHOOL_ADMIN])
def test_api_fuzz(role):
    d = make_mini_district()
    token = Token.objects.create(user=d.users[role]).key
    headers = {"Authorization": f"Token {token}"}
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=headers)
    tally = {"operations": 0, "requests": 0, "5xx": 0, "nonconforming": 0, "undocumented_status": 0}
    failures: list[str] = []
    for result in schema.get_all_operations():
        tally["operations"] += 1
        _fuzz(result.ok(), headers, tally, failures)
    record("api_fuzz", role=str(role), **tally)
    assert tally["operations"] >= 10
    assert not failures, "\n".join(failures[:20])


def _fuzz(operation, headers, tally, failures) -> None:  # type: ignore[no-untyped-def]
    documented = {str(code) for code in operation.definition.raw.get("responses", {})}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not SOAK,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):  # type: ignore[no-untyped-def]
        response = case.call(headers=headers)
        tally["requests"] += 1
        if response.status_code >= 500:
            tally["5xx"] += 1
        if str(response.status_code) not in documented:
            tally["undocumented_status"] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as exc:  # collect all, fail once with the list
            tally["nonconforming"] += 1
            failures.append(
                f"{operation.label} -> {response.status_code}: "
                + "; ".join(f"{f.title}: {str(getattr(f, 'message', ''))[:200]}" for f in exc.exceptions)
            )

    run()
