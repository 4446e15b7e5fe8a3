"""schemathesis against /openapi.json: no generated request gets a 500, answers match the schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from mynacard.serve.app import create_app
from mynacard.serve.settings import Settings

# Small uploads keep generated bodies cheap; the models load lazily on the first photo.
APP = create_app(Settings(max_upload_bytes=256 * 1024), load_models=False)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_server_error_for_any_generated_request(case):
    # No 5xx; statuses, content types and bodies as documented. (Not "schema-valid data is
    # accepted": the schema cannot say that a reading must be kana or a check digit right.)
    case.call_and_validate(checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                   response_schema_conformance])
