"""The IPSIE profile's code check on token answers made up to break its rule, or to keep it in
each way RFC 6749 allows."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.checks.context import CheckContext
from harness.checks.ipsie import ipsie_token_scope_scim
from harness.transport.exchange import Exchange, RecordedRequest, RecordedResponse


def token_answer(body: Any) -> CheckContext:
    exchange = Exchange(
        request=RecordedRequest(method="POST", url="http://s/oauth/token", headers={}, body=None),
        response=RecordedResponse(status=200, headers={}, body=json.dumps(body), truncated=False),
        elapsed_ms=1.0,
        error=None,
    )
    return CheckContext(exchange=exchange)


TOKEN = {"access_token": "opaque", "token_type": "Bearer", "expires_in": 3600}


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        (TOKEN | {"scope": "scim"}, 0),
        (TOKEN | {"scope": "openid scim"}, 0),  # a space-delimited list holding it
        (TOKEN, 0),  # RFC 6749 5.1: no scope is the scope asked, "scim"
        (TOKEN | {"scope": "directory.read directory.write"}, 1),
        (TOKEN | {"scope": "SCIM"}, 1),  # RFC 6749 3.3: scopes are case-sensitive
        (TOKEN | {"scope": "scim:read"}, 1),  # another scope, not "scim"
        (TOKEN | {"scope": ["scim"]}, 1),  # not the string RFC 6749 3.3 defines
        ({"error": "invalid_client"}, 0),  # a refusal: `oauth-token-issued` grades it
    ],
)
def test_the_token_carries_the_scim_scope(answer: dict[str, Any], found: int) -> None:
    assert len(list(ipsie_token_scope_scim(token_answer(answer)))) == found
