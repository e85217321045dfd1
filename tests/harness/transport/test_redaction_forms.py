"""Secrets an OAuth token endpoint's traffic carries: form fields, JSON answers, credential headers.

The recording proxy sees an IdP fetch its token (RFC 6749 4.4, RFC 7523 2.2) and never held the
credentials itself, so redaction by meaning has to find them in those shapes too.
"""

from __future__ import annotations

import base64
import json

import pytest

from harness.transport.exchange import Exchange, RecordedRequest, RecordedResponse
from harness.transport.redaction import (
    REDACTED,
    body_secrets,
    credential_values,
    form_secrets,
    redact_body,
    redact_form,
)
from harness.transport.redactor import Redactor

SECRET = "s3cr3t+/=value"
ASSERTION = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjbGllbnQifQ.c2lnbmF0dXJl"


def test_a_token_request_form_has_its_secret_and_assertion_redacted() -> None:
    body = (
        "grant_type=client_credentials&client_id=app-1"
        "&client_secret=s3cr3t%2B%2F%3Dvalue&client_assertion=" + ASSERTION
    )
    scrubbed = redact_body(body, frozenset())
    assert scrubbed == (
        f"grant_type=client_credentials&client_id=app-1&client_secret={REDACTED}"
        f"&client_assertion={REDACTED}"
    )
    assert set(form_secrets(body)) == {SECRET, ASSERTION}
    assert set(body_secrets(body)) == {SECRET, ASSERTION}


@pytest.mark.parametrize(
    "body",
    [
        "grant_type=refresh_token&refresh_token=rt-0123456789",
        "grant_type=password&username=ann&password=rt-0123456789",
        "grant_type=authorization_code&code=rt-0123456789&code_verifier=v",
        "Client_Secret=rt-0123456789",
    ],
)
def test_every_credential_field_of_a_form_is_redacted(body: str) -> None:
    scrubbed = redact_body(body, frozenset())
    assert "rt-0123456789" not in scrubbed
    assert REDACTED in scrubbed


def test_a_form_keeps_what_is_not_a_credential() -> None:
    body = "grant_type=client_credentials&scope=scim&client_id=app-1"
    assert redact_form(body) == body
    assert form_secrets(body) == ()


def test_prose_and_json_are_not_read_as_a_form() -> None:
    assert form_secrets("the password=hunter22 was wrong") == ()
    assert form_secrets('{"a": "password=x"}') == ()


def test_a_token_answer_has_every_token_redacted() -> None:
    answer = json.dumps(
        {"access_token": "at-0123456789", "id_token": ASSERTION, "refresh_token": "rt-01234567"}
    )
    scrubbed = redact_body(answer, frozenset())
    assert json.loads(scrubbed) == {
        "access_token": REDACTED,
        "id_token": REDACTED,
        "refresh_token": REDACTED,
    }
    assert json.loads(redact_body('{"client_assertion": "x"}', frozenset())) == {
        "client_assertion": REDACTED
    }


def test_credential_headers_yield_the_token_and_a_basic_password() -> None:
    basic = base64.b64encode(b"ann:pw-0123456789").decode()
    values = set(
        credential_values(
            {"Authorization": f"Basic {basic}", "x-api-key": "key-1", "Accept": "text/plain"}
        )
    )
    assert values == {f"Basic {basic}", basic, "ann:pw-0123456789", "pw-0123456789", "key-1"}
    assert set(credential_values({"authorization": "Bearer tok-1"})) == {"Bearer tok-1", "tok-1"}


def test_a_redactor_taught_a_header_token_scrubs_it_where_a_server_echoes_it() -> None:
    redactor = Redactor()
    request = RecordedRequest(
        method="GET",
        url="http://127.0.0.1:1/Users",
        headers={"authorization": "Bearer tok-0123456789"},
        body=None,
    )
    redactor.learn(credential_values(request.headers), 4)
    echoed = RecordedResponse(
        status=401, headers={}, body='{"detail": "bad token tok-0123456789"}', truncated=False
    )
    clean = redactor.exchange(
        Exchange(request=request, response=echoed, elapsed_ms=1.0, error=None)
    )
    assert "tok-0123456789" not in json.dumps(clean.to_dict())
