"""Redaction by meaning (password attributes, PATCH paths, cookies) and what a run learns."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from harness.checks import load_all
from harness.checks.context import CheckContext
from harness.checks.registry import registry
from harness.transport.exchange import Exchange, RecordedRequest, RecordedResponse
from harness.transport.redaction import (
    REDACTED,
    body_secrets,
    cookie_values,
    redact_body,
    redact_text,
    secret_leaves,
)
from harness.transport.redactor import Redactor
from verdict.events import CheckEvaluated, ExchangeRecorded, ItemFinished
from verdict.outcomes import Outcome

TOKEN = "tok-0123456789"
EXT = "urn:ietf:params:scim:schemas:extension:acme:2.0:User"


@dataclass
class Credentials:
    secrets: tuple[str, ...]


def exchange(
    method: str = "GET",
    body: object = None,
    answer: object = None,
    headers: dict[str, str] | None = None,
    url: str = "http://127.0.0.1:1/scim/v2/Users",
) -> Exchange:
    request = RecordedRequest(
        method=method,
        url=url,
        headers={"Authorization": f"Bearer {TOKEN}"},
        body=None if body is None else json.dumps(body),
    )
    response = RecordedResponse(
        status=200,
        headers=headers or {},
        body=answer if isinstance(answer, str) else json.dumps(answer),
        truncated=False,
    )
    return Exchange(request=request, response=response, elapsed_ms=1.0, error=None)


@pytest.mark.parametrize(
    "document",
    [
        {"password": "hunter22"},
        {"PASSWORD": "hunter22"},
        {f"{EXT}:password": "hunter22"},
        {EXT: {"Password": "hunter22"}},
        {"Operations": [{"op": "replace", "path": "password", "value": "hunter22"}]},
        {"Operations": [{"op": "Replace", "path": "PassWord", "value": "hunter22"}]},
        {"Operations": [{"op": "add", "path": f"{EXT}:password", "value": "hunter22"}]},
        {"Operations": [{"op": "replace", "value": {"password": "hunter22"}}]},
        {"Operations": [{"op": "replace", "value": {f"{EXT}:password": "hunter22"}}]},
        {"client_secret": "hunter22", "access_token": "hunter22"},
    ],
)
def test_a_password_is_found_by_meaning_in_every_spelling(document: object) -> None:
    assert set(body_secrets(json.dumps(document))) == {"hunter22"}
    scrubbed = redact_body(json.dumps(document), frozenset())
    assert "hunter22" not in scrubbed and REDACTED in scrubbed


def test_other_attributes_and_paths_are_left_alone() -> None:
    document = {
        "userName": "passwordless@example.test",
        "Operations": [{"op": "replace", "path": "displayName", "value": "Password Pat"}],
        "attributes": "password",
    }
    assert list(secret_leaves(document)) == []
    assert redact_body(json.dumps(document), frozenset()) == json.dumps(document)


def test_the_body_keeps_its_spelling_unless_a_value_cannot_be_found_as_text() -> None:
    body = '{ "userName" : "a",\n  "password":"hunter22" }'
    assert redact_body(body, frozenset()) == f'{{ "userName" : "a",\n  "password":"{REDACTED}" }}'
    # A one-letter password or a number is not safe to replace as text: the document is
    # written out again from its redacted form.
    short = '{"Operations": [{"op": "replace", "path": "password", "value": "x"}], "n": 1}'
    again = json.loads(redact_body(short, frozenset()))
    assert again["Operations"][0]["value"] == REDACTED and again["n"] == 1
    assert json.loads(redact_body('{"password": 12345}', frozenset())) == {"password": REDACTED}
    assert json.loads(redact_body('{"password": null}', frozenset())) == {"password": None}


def test_a_body_cut_short_or_not_json_is_still_scrubbed_by_meaning() -> None:
    assert redact_body('{"a": 1, "password": "hunter22", "b": [', frozenset()).count(REDACTED) == 1
    assert "hunter22" not in redact_body('{"a": 1, "password": "hunter2', frozenset())


def test_cookie_values_are_credentials_but_cookie_attributes_are_not() -> None:
    headers = {
        "set-cookie": "sid=abcdef123; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT, b=zz99yy",
        "cookie": "a=1; theme=dark-mode",
        "content-type": "application/scim+json",
    }
    assert set(cookie_values(headers)) == {"abcdef123", "zz99yy", "1", "dark-mode"}


def test_trie_pattern_replaces_the_longest_spelling_and_nothing_else() -> None:
    secrets = ["abcd", "abcdef", "abcxyz", "zzzz"]
    assert redact_text("abcdefg abcd abcx abcxyz zzz", secrets) == (
        f"{REDACTED}g {REDACTED} abcx {REDACTED} zzz"
    )


def test_a_password_sent_once_is_scrubbed_wherever_it_comes_back_later() -> None:
    redactor = Redactor(Credentials((TOKEN,)))
    redactor.exchange(exchange("POST", {"userName": "a", "password": "Sent-Passw0rd"}, {}))
    echo = exchange(
        answer={"detail": "Sent-Passw0rd is wrong", f"{EXT}:note": f"was Sent-Passw0rd {TOKEN}"},
        headers={"location": "http://h/Users/1?pw=Sent-Passw0rd", "x-echo": TOKEN},
        url=f"http://127.0.0.1:1/scim/v2/Users?pw=Sent-Passw0rd&t={TOKEN}",
    )
    dumped = json.dumps(redactor.exchange(echo).to_dict())
    assert "Sent-Passw0rd" not in dumped and TOKEN not in dumped
    assert dumped.count(REDACTED) == 8  # URL 2, Authorization, Location, X-Echo, body 3


def test_a_password_a_server_answers_with_is_not_learnt_for_other_exchanges() -> None:
    """A broken server's `password: "member"` must not blank out `member` everywhere."""
    redactor = Redactor()
    first = redactor.exchange(exchange(answer={"password": "member", "note": "member"}))
    assert first.response is not None and "member" not in first.response.body
    later = redactor.exchange(exchange(answer={"roles": [{"value": "member"}]}))
    assert later.response is not None and "member" in later.response.body


def test_a_cookie_a_server_sets_is_scrubbed_from_later_bodies() -> None:
    redactor = Redactor()
    headers = {"set-cookie": "session=S3ss10n-value-0123456; Path=/, theme=dark-mode"}
    redactor.exchange(exchange(answer={}, headers=headers))
    later = redactor.exchange(exchange(answer={"detail": "session S3ss10n-value-0123456"}))
    assert later.response is not None
    assert later.response.body == f'{{"detail": "session {REDACTED}"}}'
    # A short cookie is a preference, not a session: it would blank out ordinary words.
    theme = redactor.exchange(exchange(answer={"theme": "dark-mode"}))
    assert theme.response is not None and "dark-mode" in theme.response.body


def test_a_short_password_is_redacted_where_it_stands_but_not_learnt() -> None:
    """A password "true" sent once must not turn every later `true` into `[REDACTED]`."""
    redactor = Redactor()
    sent = redactor.exchange(exchange("POST", {"password": "true", "active": True}, {}))
    assert sent.request.body == json.dumps({"password": REDACTED, "active": True})
    later = redactor.exchange(exchange(answer={"active": True}))
    assert later.response is not None and later.response.json() == {"active": True}


def test_credentials_are_read_afresh_so_a_new_oauth_token_is_scrubbed() -> None:
    rotating = Credentials(())
    redactor = Redactor(rotating)
    rotating.secrets = ("fresh-token-1",)
    assert redactor.text("Bearer fresh-token-1") == f"Bearer {REDACTED}"


def test_events_quote_no_secret_but_still_say_what_came_back() -> None:
    redactor = Redactor(Credentials((TOKEN,)))
    redactor.learn(["Sent-Passw0rd"])
    finding = {
        "message": "/password: the answer contains `password`",
        "expected": {"/password": "Sent-Passw0rd"},
        "actual": [f"Bearer {TOKEN}"],
    }
    checked = CheckEvaluated(
        item="i",
        step=0,
        sequence=1,
        check="password-never-returned",
        level="MUST",
        ref="r",
        title="t",
        passed=False,
        findings=(finding,),
    )
    clean = redactor.event(checked).findings[0]
    assert clean == {
        "message": "/password: the answer contains `password`",
        "expected": {"/password": REDACTED},
        "actual": [f"Bearer {REDACTED}"],
    }
    finished = ItemFinished(
        item="i",
        scenario="s",
        profile="p",
        outcome=Outcome.ERROR,
        reason="harness error: KeyError: 'Sent-Passw0rd'",
        not_verified=(TOKEN,),
    )
    assert redactor.event(finished).reason == f"harness error: KeyError: '{REDACTED}'"
    assert redactor.event(finished).not_verified == (REDACTED,)
    recorded = ExchangeRecorded(item="i", step=0, sequence=1, exchange={}, curl="")
    assert redactor.event(recorded) is recorded  # scrubbed when it was recorded, not twice


def test_the_check_still_says_a_password_came_back_and_where() -> None:
    load_all()
    redactor = Redactor()
    redactor.exchange(exchange("POST", {"userName": "a", "password": "Sent-Passw0rd"}, {}))
    answer = {"Resources": [{"userName": "a", EXT: {"PASSWORD": "Sent-Passw0rd"}}]}
    recorded = redactor.exchange(exchange(answer=answer))
    context = CheckContext(exchange=recorded, variables={}, target_schemas=(), schema=None)
    findings = registry.get("password-never-returned").run(context)
    assert [f.message for f in findings] == [
        f"/Resources/0/{EXT}/PASSWORD: the answer contains `password`"
    ]
    assert "Sent-Passw0rd" not in json.dumps(recorded.to_dict())


@pytest.mark.parametrize(
    "key", ["password", "PassWord", "client_SECRET", "access_to\u212aen", "pa\\u0073sword"]
)
def test_a_secret_key_in_any_case_is_scrubbed(key: str) -> None:
    """The quick test for a body that may hold a secret folds case as the regex after it does:
    upper case, the Kelvin sign that folds to k, and an escaped key spelling all get through."""
    body = f'{{"userName": "a", "{key}": "s3cr3t-value"}}'
    assert "s3cr3t-value" not in redact_body(body, frozenset())
