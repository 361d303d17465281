"""Schemathesis runs the committed OpenAPI schema (docs/openapi.yaml) against the app, as an applicant and as a
chief: no answer may be a server error, and every documented answer must match its documented schema.

Bounded in time: a few examples per operation (SCHEMA_FUZZ_EXAMPLES, default 3), no shrinking, no example
database; the demo district is seeded once for the module and each example runs in the test's transaction.
"""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

SCHEMA = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "3"))


def _app():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


schema = schemathesis.openapi.from_path(SCHEMA)
schema.app = _app()
ROLES = ["applicant", "chief_cg"]  # an enterprise applicant; the chief of 区城市管理局


@contextmanager
def connection_kept():
    """The WSGI app closes old connections at the start and end of each request, which would close the test's
    own transaction on PostgreSQL; Django's test client unhooks the same signals while it runs a request (and
    hooks them again after, so this wraps each call rather than the whole test)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def token(request, login):
    client = login(request.param)
    return client._credentials["HTTP_AUTHORIZATION"]


@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                     phases=[Phase.explicit, Phase.generate],
                     suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_documented(case, token):
    with connection_kept():
        case.call_and_validate(headers={"Authorization": token, "Accept-Language": "en"},
                               checks=[not_a_server_error, response_schema_conformance])
