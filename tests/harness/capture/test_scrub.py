"""Scrubbing: no original name, e-mail or phone number survives anywhere in a recording file, and
each person keeps one pseudonym across every exchange and every spelling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from harness.capture.recording import (
    Recording,
    RecordingHeader,
    Take,
    read_recording,
    write_recording,
)
from harness.capture.scrub import Scrubber, scrub_recording
from harness.transport.exchange import Exchange, RecordedRequest, RecordedResponse
from tests.support.reference import RunningServer

BASE = "http://127.0.0.1:9/scim/v2"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ORIGINALS = {
    "email": [
        "Zoe.Okonkwo-Baptiste@Contoso.example.com",
        "zob@private.example.org",
        "marek.wisniewski@contoso.example.com",
        "z.baptiste@contoso.example.com",
    ],
    "name": ["Zoë", "Okonkwo-Baptiste", "Marek", "Wiśniewski", "Zed"],
    "phone": ["+1 (425) 555-0143", "tel:+48-22-555-0199", "(206) 555-0187"],
}


def _take(
    method: str,
    url: str,
    body: Any = None,
    status: int = 200,
    answer: Any = None,
    headers: dict[str, str] | None = None,
    raw_answer: str | None = None,
) -> Take:
    return Take(
        exchange=Exchange(
            request=RecordedRequest(
                method=method,
                url=url,
                headers={"Content-Type": "application/scim+json"},
                body=None if body is None else json.dumps(body),
            ),
            response=RecordedResponse(
                status=status,
                headers=headers or {},
                body=raw_answer if raw_answer is not None else json.dumps(answer or {}),
                truncated=False,
            ),
            elapsed_ms=3.0,
            error=None,
        ),
        label=f"{method} step",
    )


def _zoe(user_id: str = "2819c223-7f76-453a-919d-413861904646") -> dict[str, Any]:
    return {
        "schemas": [USER],
        "id": user_id,
        "userName": "Zoe.Okonkwo-Baptiste@Contoso.example.com",
        "name": {
            "givenName": "Zoë",
            "familyName": "Okonkwo-Baptiste",
            "formatted": "Zoë Okonkwo-Baptiste",
        },
        "displayName": "Zoë Okonkwo-Baptiste",
        "nickName": "Zed",
        "emails": [
            {"value": "Zoe.Okonkwo-Baptiste@Contoso.example.com", "type": "work", "primary": True},
            {"value": "zob@private.example.org", "type": "home"},
        ],
        "phoneNumbers": [
            {"value": "+1 (425) 555-0143", "type": "work"},
            {"value": "(206) 555-0187", "type": "mobile"},
        ],
        "meta": {"resourceType": "User", "location": f"{BASE}/Users/{user_id}"},
    }


def _recording() -> Recording:
    zoe = _zoe()
    filter_encoded = quote('userName eq "zoe.okonkwo-baptiste@contoso.example.com"', safe="")
    filter_plus = quote_plus('emails.value eq "zob@private.example.org"')
    takes = [
        _take(
            "POST",
            f"{BASE}/Users",
            {k: v for k, v in zoe.items() if k != "id"},
            201,
            zoe,
            headers={"location": f"{BASE}/Users/{zoe['id']}", "content-type": "x"},
        ),
        _take(
            "GET",
            f"{BASE}/Users?filter={filter_encoded}",
            answer={
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": 1,
                "Resources": [zoe],
            },
        ),
        _take("GET", f"{BASE}/Users?filter={filter_plus}&startIndex=1"),
        # Unencoded, as some tools write a filter; a family name alone, quoted.
        _take("GET", f'{BASE}/Users?filter=name.familyName eq "Okonkwo-Baptiste"'),
        _take(
            "PATCH",
            f"{BASE}/Users/{zoe['id']}",
            {
                "schemas": [PATCH],
                "Operations": [
                    {
                        "op": "replace",
                        "path": 'emails[type eq "work"].value',
                        "value": "z.baptiste@contoso.example.com",
                    },
                    {
                        "op": "add",
                        "path": "phoneNumbers",
                        "value": [{"value": "tel:+48-22-555-0199"}],
                    },
                ],
            },
        ),
        # An e-mail as the id, in the path and in the Location header.
        _take(
            "GET",
            f"{BASE}/Users/marek.wisniewski%40contoso.example.com",
            answer={
                "schemas": [USER],
                "id": "marek.wisniewski@contoso.example.com",
                "userName": "marek.wisniewski@contoso.example.com",
                "name": {"givenName": "Marek", "familyName": "Wiśniewski"},
            },
            headers={"content-location": f"{BASE}/Users/marek.wisniewski@contoso.example.com"},
        ),
        # A group keeps its name; a member's display name is a person's.
        _take(
            "POST",
            f"{BASE}/Groups",
            {
                "schemas": [GROUP],
                "displayName": "Finance",
                "members": [{"value": zoe["id"], "display": "Zoë Okonkwo-Baptiste"}],
            },
            201,
        ),
        # A name inside a sentence, JSON-escaped; an answer that is not JSON.
        _take(
            "POST",
            f"{BASE}/Users",
            {"schemas": [USER], "userName": "x"},
            409,
            raw_answer='{"detail": "Zo\\u00eb Okonkwo-Baptiste (Zed) exists; call +1 (425) '
            '555-0143"}',
        ),
        _take(
            "DELETE",
            f"{BASE}/Users/x",
            status=500,
            raw_answer="<html>Marek Wi&#347;niewski: marek.wisniewski%40contoso.example.com</html>",
        ),
    ]
    return Recording(header=RecordingHeader(source="proxy", origin=BASE), takes=tuple(takes))


def _spellings(original: str) -> set[str]:
    return {
        original.lower(),
        quote(original, safe="").lower(),
        quote_plus(original).lower(),
        json.dumps(original)[1:-1].lower(),
    }


def test_no_original_survives_anywhere_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "scrubbed.jsonl"
    write_recording(path, scrub_recording(_recording()))
    text = path.read_text("utf-8").lower()
    for originals in ORIGINALS.values():
        for original in originals:
            left = [spelling for spelling in _spellings(original) if spelling in text]
            assert not left, f"{original} survives as {left}"
    assert "wi&#347;niewski" not in text  # an HTML page's escaped spelling
    # Some original must have been there, or the test proves nothing.
    unscrubbed = tmp_path / "raw.jsonl"
    write_recording(unscrubbed, _recording())
    assert "zob@private.example.org" in unscrubbed.read_text("utf-8")


def test_the_same_person_keeps_one_pseudonym_everywhere() -> None:
    scrubbed = scrub_recording(_recording())
    create, listed, by_mail, by_name, patch, marek, group, conflict, _ = scrubbed.exchanges
    sent = json.loads(create.request.body or "")
    work_mail, home_mail = (e["value"] for e in sent["emails"])
    assert sent["userName"] == work_mail == "person-0001@example.invalid"
    assert sent["name"] == {
        "givenName": "Given0001",
        "familyName": "Family0001",
        "formatted": "Given0001 Family0001",
    }
    assert sent["displayName"] == "Given0001 Family0001"
    assert sent["phoneNumbers"][0]["value"] == "+1-555-000-0001"
    # The filter, encoded as it came, names the same pseudonym (case folded).
    assert quote(f'userName eq "{work_mail}"', safe="") in listed.request.url
    assert listed.response is not None
    assert json.loads(listed.response.body)["Resources"][0]["emails"][1]["value"] == home_mail
    assert quote_plus(f'emails.value eq "{home_mail}"') + "&startIndex=1" in by_mail.request.url
    assert by_name.request.url.endswith('filter=name.familyName eq "Family0001"')
    operations = json.loads(patch.request.body or "")["Operations"]
    assert operations[1]["value"] == [{"value": "tel:+1-555-000-0003"}]
    assert marek.request.url.endswith("/Users/person-0004%40example.invalid")
    assert marek.response is not None
    assert marek.response.headers["content-location"].endswith("/Users/person-0004@example.invalid")
    assert json.loads(group.request.body or "")["members"][0]["display"] == "Given0001 Family0001"
    assert conflict.response is not None
    assert json.loads(conflict.response.body)["detail"] == (
        "Given0001 Family0001 (Person0001) exists; call +1-555-000-0001"
    )


def test_counts_what_was_replaced_and_says_so() -> None:
    scrubbed = scrub_recording(_recording())
    # Names: Zoë, Okonkwo-Baptiste, the nickname Zed, Marek, Wiśniewski; the e-mails of ORIGINALS
    # with the one the PATCH brings; phones by their digits.
    assert scrubbed.header.scrubbed == {"name": 5, "email": 4, "phone": 3}
    assert scrubbed.header.notes[-1].startswith(
        "scrubbed: 5 name(s), 4 e-mail address(es), 3 phone number(s) replaced"
    )


def test_what_is_not_personal_stays_byte_for_byte() -> None:
    recording = _recording()
    scrubbed = scrub_recording(recording)
    group = json.loads(scrubbed.exchanges[6].request.body or "")
    assert group["displayName"] == "Finance" and group["schemas"] == [GROUP]
    created = scrubbed.exchanges[0].response
    assert created is not None
    answer = json.loads(created.body)
    assert answer["id"] == "2819c223-7f76-453a-919d-413861904646"
    assert answer["meta"] == {"resourceType": "User", "location": f"{BASE}/Users/{answer['id']}"}
    assert created.headers["location"] == f"{BASE}/Users/{answer['id']}"
    # A body with nothing personal in it is not rewritten at all.
    untouched = _take("GET", f"{BASE}/Groups", answer={"schemas": [GROUP], "displayName": "Ops"})
    assert Scrubber().take(untouched) == untouched


def test_a_person_named_like_a_scim_word_does_not_rewrite_the_protocol() -> None:
    odd = {
        "schemas": [USER],
        "userName": "w@example.com",
        "name": {"givenName": "User", "familyName": "Work"},
        "emails": [{"value": "w@example.com", "type": "work"}],
        "meta": {"resourceType": "User"},
    }
    scrubbed = Scrubber().take(_take("POST", f"{BASE}/Users", odd, 201, odd))
    assert scrubbed.exchange.response is not None
    answer = json.loads(scrubbed.exchange.response.body)
    assert answer["schemas"] == [USER] and answer["meta"] == {"resourceType": "User"}
    assert answer["emails"][0]["type"] == "work"
    assert answer["name"] == {"givenName": "Given0001", "familyName": "Family0001"}


def test_scrubbing_is_deterministic_and_a_scrubbed_recording_stays_as_it_is(
    tmp_path: Path,
) -> None:
    once, twice = tmp_path / "once.jsonl", tmp_path / "twice.jsonl"
    write_recording(once, scrub_recording(_recording()))
    write_recording(twice, scrub_recording(_recording()))
    assert once.read_text("utf-8") == twice.read_text("utf-8")
    again = scrub_recording(read_recording(once))
    assert again.takes == read_recording(once).takes
    assert again.header.scrubbed == {"name": 5, "email": 4, "phone": 3}  # nothing new


def test_a_whole_recording_is_learnt_before_any_exchange_is_rewritten() -> None:
    """A name first seen in free text is only known as a name later: the offline scrub still
    removes it from the earlier exchange, which a streaming scrubber cannot know yet."""
    mention = _take(
        "POST", f"{BASE}/Users", {"userName": "x"}, 409, answer={"detail": "Marek already exists"}
    )
    named = _take(
        "GET", f"{BASE}/Users/1", answer={"schemas": [USER], "name": {"givenName": "Marek"}}
    )
    recording = Recording(
        header=RecordingHeader(source="proxy", origin=BASE), takes=(mention, named)
    )
    first = scrub_recording(recording).exchanges[0].response
    assert first is not None and "Marek" not in first.body
    streaming = Scrubber()
    streamed = streaming.take(mention).exchange.response
    assert streamed is not None and "Marek" in streamed.body
    streaming.take(named)
    assert streaming.replaced == {"name": 1}


def test_a_scrubbed_create_is_accepted_by_a_scim_server(server: RunningServer) -> None:
    scrubbed = scrub_recording(_recording()).exchanges[0].request.body or ""
    created = server.scim().post(f"{server.url}/Users", data=scrubbed, timeout=10)
    assert created.status_code == 201, created.text
    assert created.json()["emails"][0]["value"] == "person-0001@example.invalid"
    server.scim().delete(f"{server.url}/Users/{created.json()['id']}", timeout=10)


def test_a_body_cut_short_or_hostile_is_still_scrubbed_in_one_pass() -> None:
    """A truncated answer is no JSON document: it is scrubbed as text, and a tail of escaped
    quotes (each would start a scan to the end in a string-by-string walk) costs one pass."""
    cut = '{"Resources": [{"userName": "zob@private.example.org", "title": "' + '\\"' * 300_000
    take = _take("GET", f"{BASE}/Users", raw_answer=cut)
    scrubbed = Scrubber().take(take).exchange.response
    assert scrubbed is not None
    assert "zob@private.example.org" not in scrubbed.body
    assert scrubbed.body.startswith('{"Resources": [{"userName": "person-0001@example.invalid"')
