"""Recorded exchanges: redaction of every spelling of a secret, strict JSON, curl reproduction."""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

import pytest

from harness.transport.exchange import (
    Exchange,
    RecordedRequest,
    RecordedResponse,
    TransportError,
    curl_command,
)
from harness.transport.redaction import REDACTED, body_secrets, redact_headers, redact_text
from harness.transport.redactor import Redactor

TOKEN = 'a+b/c"d<e%'
FORMS = {
    "raw": TOKEN,
    "quote": quote(TOKEN, safe=""),
    "quote-path": quote(TOKEN),
    "quote_plus": quote_plus(TOKEN),
    "lower-hex": quote(TOKEN, safe="").lower(),  # the token itself is lower case
    "json": json.dumps(TOKEN)[1:-1],
    "html": html.escape(TOKEN),
    "html-noquote": html.escape(TOKEN, quote=False),
}


@dataclass(frozen=True)
class Credentials:
    secrets: tuple[str, ...]


def redact_exchange(recorded: Exchange, secrets: tuple[str, ...]) -> Exchange:
    return Redactor(Credentials(secrets)).exchange(recorded)


def response(body: str = "{}", status: int = 200) -> RecordedResponse:
    return RecordedResponse(status=status, headers={}, body=body, truncated=False)


def exchange(
    body: str | None = None,
    answer: RecordedResponse | None = None,
    error: TransportError | None = None,
) -> Exchange:
    request = RecordedRequest(
        method="POST",
        url=f"http://127.0.0.1:8000/scim/v2/Users?x={quote(TOKEN, safe='')}",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/scim+json"},
        body=body,
    )
    return Exchange(request=request, response=answer, elapsed_ms=1.5, error=error)


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_every_spelling_of_a_secret_is_scrubbed_from_text(form: str) -> None:
    assert redact_text(f"before {form} after", [TOKEN]) == f"before {REDACTED} after"


def test_the_longest_spelling_wins_and_other_text_stays() -> None:
    text = f'{{"token": "{json.dumps(TOKEN)[1:-1]}", "other": "a+b"}}'
    assert redact_text(text, (TOKEN,)) == f'{{"token": "{REDACTED}", "other": "a+b"}}'


def test_short_secrets_stay_in_text_but_not_in_headers() -> None:
    assert redact_text("the abc of it", ["abc"]) == "the abc of it"
    headers = {"X-Key": "abc", "X-Auth": "Token abc", "X-Other": "abcdef"}
    assert redact_headers(headers, ["abc"]) == {
        "X-Key": REDACTED,
        "X-Auth": REDACTED,
        "X-Other": "abcdef",
    }


def test_credential_headers_are_redacted_whatever_their_case() -> None:
    headers = {
        "authorization": "Basic eA==",
        "Proxy-Authorization": "x",
        "COOKIE": "s=1",
        "Set-Cookie": "s=2",
        "X-API-Key": "k",
        "Accept": "application/scim+json",
    }
    redacted = redact_headers(headers, [])
    assert redacted.pop("Accept") == "application/scim+json"
    assert set(redacted.values()) == {REDACTED}


def test_a_redacted_exchange_holds_no_secret_anywhere() -> None:
    answer = RecordedResponse(
        status=401,
        headers={"www-authenticate": f'Bearer realm="{TOKEN}"'},
        body=f'{{"detail": "{html.escape(TOKEN)}"}}',
        truncated=False,
    )
    error = TransportError(kind="redirect-refused", detail=f"redirected to http://x/?t={TOKEN}")
    clean = redact_exchange(
        exchange(body=f'{{"t": "{TOKEN}"}}', answer=answer, error=error), (TOKEN,)
    )
    dumped = json.dumps(clean.to_dict())
    assert all(form not in dumped for form in FORMS.values())
    assert clean.request.headers["Authorization"] == REDACTED
    assert clean.request.headers["Content-Type"] == "application/scim+json"
    assert clean.response is not None and clean.response.status == 401


def test_to_dict_is_plain_json() -> None:
    data = exchange(answer=response('{"a": 1}')).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["response"]["status"] == 200 and data["error"] is None
    assert exchange().to_dict()["response"] is None


def test_json_is_strict() -> None:
    assert response('{"a": [1, 2]}').json() == {"a": [1, 2]}
    for bad in ("{not json", "", '{"a": NaN}', "[Infinity]", "[" * 100_000 + "]" * 100_000):
        with pytest.raises(ValueError):
            response(bad).json()


def test_json_hands_each_caller_its_own_copy() -> None:
    answer = response('{"a": {"b": 1}}')
    answer.json()["a"].clear()
    assert answer.json() == {"a": {"b": 1}}


def test_only_unreachable_counts_as_never_reached() -> None:
    assert exchange().reachable
    assert not exchange(error=TransportError(kind="unreachable", detail="refused")).reachable
    assert exchange(error=TransportError(kind="timeout", detail="slow")).reachable


def test_an_unknown_error_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unreachable"):
        TransportError(kind="teapot", detail="?")


def _argv_of(command: str, token: str) -> list[str]:
    """What a shell passes to curl for `command`: a Python stand-in prints its argv as JSON."""
    echo = f"{sys.executable} -c 'import json, sys; print(json.dumps(sys.argv[1:]))'"
    env = {"PATH": os.environ.get("PATH", ""), "SCIM_TOKEN": token}
    bash = shutil.which("bash") or "/bin/bash"
    shell_line = echo + command.removeprefix("curl")
    done = subprocess.run(
        [bash, "-c", shell_line], env=env, capture_output=True, text=True, check=True
    )
    return list(json.loads(done.stdout))


def test_curl_reproduces_the_request_with_the_token_from_the_environment() -> None:
    body = '{"name": "O\'Brien",\n "note": "$HOME `id`"}'
    recorded = redact_exchange(exchange(body=body), (TOKEN,))
    command = curl_command(recorded)
    assert '-H "Authorization: Bearer $SCIM_TOKEN"' in command
    assert TOKEN not in command and f"Authorization: {REDACTED}" not in command
    argv = _argv_of(command, token="real token")
    assert argv[:5] == ["-sS", "-i", "-g", "-X", "POST"]
    assert argv[5] == recorded.request.url
    assert "Authorization: Bearer real token" in argv
    assert "Content-Type: application/scim+json" in argv
    assert argv[-2:] == ["--data-raw", body]


def test_curl_options() -> None:
    request = RecordedRequest(
        method="HEAD",
        url="http://h/x",
        headers={"Authorization": REDACTED, "Accept-Encoding": "gzip", "Content-Length": "0"},
        body=None,
    )
    command = curl_command(
        Exchange(request=request, response=None, elapsed_ms=0, error=None), "TOK", scheme=""
    )
    assert command == 'curl -sS -i -g --head http://h/x -H "Authorization: $TOK" --compressed'
    with pytest.raises(ValueError, match="variable"):
        curl_command(exchange(), token_env="X; rm -rf /")
    with pytest.raises(ValueError, match="scheme"):
        curl_command(exchange(), scheme='Bearer $(id)"')


def test_passwords_in_bodies_are_secrets_and_hostile_depth_is_survived() -> None:
    assert body_secrets('{"userName": "a", "PassWord": "hunter22"}') == ("hunter22",)
    assert body_secrets('{"x": [{"client_secret": "s3cr3t"}]}') == ("s3cr3t",)
    assert body_secrets("[" * 5000 + "]" * 5000) == ()
    assert body_secrets("not json") == ()
