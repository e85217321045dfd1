"""HAR files read as recordings: a real Chromium session against the reference server, the HAR
fields browsers and proxies write, secrets redacted, and hostile files refused with the entry."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from harness.capture import har
from harness.capture.har import read_har
from harness.capture.recording import RecordingError, read_recording, write_recording
from harness.capture.scrub import scrub_recording
from harness.transport.redaction import REDACTED, secret_forms
from tests.support.reference import (
    CLIENT_ID,
    CLIENT_SECRET,
    SCIM_TOKEN,
    RunningServer,
    start_server,
)
from tests.support.replaying import replay

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"Chromium is not installed at {CHROMIUM} (apt: chromium)"
)

# What the browser session sends: a person the scrub test then looks for.
PERSON = {
    "given": "Ysolde",
    "family": "Brackenridge",
    "email": "ysolde.brackenridge@corp.example.com",
    "phone": "+44 20 7946 0321",
}
SESSION = """async ([scim, tokenUrl, token, clientId, clientSecret, person]) => {
  const headers = {"Authorization": "Bearer " + token, "Content-Type": "application/scim+json"};
  const send = async (method, url, body) => {
    const answer = await fetch(url, {method, headers, body: body && JSON.stringify(body)});
    return [answer.status, await answer.text()];
  };
  const form = new URLSearchParams({grant_type: "client_credentials", client_id: clientId,
                                    client_secret: clientSecret});
  const granted = await fetch(tokenUrl, {method: "POST", body: form});
  await granted.text();
  const [created, text] = await send("POST", scim + "/Users", {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    userName: person.email,
    name: {givenName: person.given, familyName: person.family},
    displayName: person.given + " " + person.family,
    emails: [{value: person.email, type: "work", primary: true}],
    phoneNumbers: [{value: person.phone, type: "work"}],
  });
  const id = JSON.parse(text).id;
  const statuses = [created];
  statuses.push((await send("PATCH", scim + "/Users/" + id, {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    Operations: [{op: "replace", path: "active", value: false}],
  }))[0]);
  statuses.push((await send("GET", scim + "/Users/" + id))[0]);
  const filter = encodeURIComponent('userName eq "' + person.email + '"');
  statuses.push((await send("GET", scim + "/Users?filter=" + filter))[0]);
  statuses.push((await send("DELETE", scim + "/Users/" + id))[0]);
  return statuses;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def session_har(
    browser: Browser, server: RunningServer, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A HAR Chromium wrote itself, bodies embedded, of a page on the server's own origin."""
    path = tmp_path_factory.mktemp("har") / "session.har"
    context = browser.new_context(record_har_path=str(path), record_har_content="embed")
    page = context.new_page()
    page.goto(server.url.split("/t/")[0] + "/")  # a 404 page, but the server's origin: no CORS
    arguments = [server.url, server.token_url, SCIM_TOKEN, CLIENT_ID, CLIENT_SECRET, PERSON]
    statuses = page.evaluate(SESSION, arguments)
    assert statuses == [201, 200, 200, 200, 204]
    context.close()  # writes the HAR
    return path


@pytest.mark.slow
@needs_chromium
def test_a_chromium_session_imports_with_its_scim_exchanges_and_bodies(
    session_har: Path, tmp_path: Path
) -> None:
    recording = read_har(session_har)
    exchanges = recording.exchanges
    assert [e.request.method for e in exchanges] == ["POST", "PATCH", "GET", "GET", "DELETE"]
    assert [e.response.status for e in exchanges if e.response] == [201, 200, 200, 200, 204]
    created = json.loads(exchanges[0].response.body if exchanges[0].response else "")
    assert created["userName"] == PERSON["email"]
    assert PERSON["phone"] in (exchanges[0].request.body or "")
    assert "active" in (exchanges[1].request.body or "")
    listed = exchanges[3]
    assert "filter=" in listed.request.url
    assert listed.response is not None and json.loads(listed.response.body)["totalResults"] == 1
    assert all(e.request.headers["Authorization"] == REDACTED for e in exchanges)
    assert recording.header.source == "har" and recording.header.origin == "session.har"
    notes = " ".join(recording.header.notes)
    assert "1 OAuth token request(s)" in notes and "1 request(s) to no SCIM endpoint" in notes

    # Written and read back whole; no secret in any spelling anywhere in the file.
    path = tmp_path / "session.jsonl"
    write_recording(path, recording)
    assert read_recording(path) == recording
    text = path.read_text("utf-8")
    for secret in (SCIM_TOKEN, CLIENT_SECRET):
        assert not [form for form in secret_forms(secret) if form in text]


@pytest.mark.slow
@needs_chromium
def test_all_keeps_the_page_but_never_the_token_request(session_har: Path) -> None:
    recording = read_har(session_har, keep_all=True)
    paths = [e.request.url.rsplit("/", 2)[-1] for e in recording.exchanges]
    assert len(recording.exchanges) == 6  # the page, then the five SCIM calls
    assert "token" not in paths
    assert any("OAuth token" in note for note in recording.header.notes)


@pytest.mark.slow
@needs_chromium
def test_a_scrubbed_chromium_session_names_nobody(session_har: Path, tmp_path: Path) -> None:
    path = tmp_path / "scrubbed.jsonl"
    write_recording(path, scrub_recording(read_har(session_har)))
    text = path.read_text("utf-8").lower()
    for original in PERSON.values():
        assert original.lower() not in text
    assert "%40corp.example.com" not in text  # the filter's encoded spelling
    scrubbed = read_recording(path)
    # The display name is spelt by the given and family names: it is not a third name.
    assert scrubbed.header.scrubbed == {"name": 2, "email": 1, "phone": 1}
    created = scrubbed.exchanges[0].response
    assert created is not None
    assert json.loads(created.body)["displayName"] == "Given0001 Family0001"


# --- HAR fields, written by hand the way tools write them --------------------------------------


def _entry(method: str = "GET", url: str = "http://h/scim/v2/Users", **fields: Any) -> Any:
    entry: dict[str, Any] = {
        "startedDateTime": fields.pop("started", "2024-05-01T10:00:00.000Z"),
        "time": fields.pop("time", 12.5),
        "request": {"method": method, "url": url, "headers": fields.pop("headers", [])},
        "response": {
            "status": fields.pop("status", 200),
            "headers": fields.pop("response_headers", []),
            "content": fields.pop("content", {"size": 2, "mimeType": "x", "text": "{}"}),
        },
        "timings": {"send": 1, "wait": 2, "receive": 3},
    }
    if "post" in fields:
        entry["request"]["postData"] = fields.pop("post")
    assert not fields
    return entry


def _har(tmp_path: Path, *entries: Any) -> Path:
    path = tmp_path / "made.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": list(entries)}}), "utf-8")
    return path


def test_entries_are_read_in_started_order_with_their_timings(tmp_path: Path) -> None:
    late = _entry("DELETE", "http://h/scim/v2/Users/1", started="2024-05-01T10:00:02+00:00")
    early = _entry("GET", "http://h/scim/v2/Users/1", started="2024-05-01T11:59:59+02:00", time=-1)
    recording = read_har(_har(tmp_path, late, early))
    assert [t.label for t in recording.takes] == ["log.entries[1]", "log.entries[0]"]
    assert recording.exchanges[0].elapsed_ms == 6.0  # no `time`: the sum of the timings
    assert recording.exchanges[1].elapsed_ms == 12.5


def test_bodies_in_every_form_a_har_holds(tmp_path: Path) -> None:
    encoded = base64.b64encode('{"id":"7","userName":"zoë"}'.encode()).decode()
    entries = [
        _entry(
            "POST",
            "http://h/scim/v2/Users",
            post={"mimeType": "application/scim+json", "text": '{"userName":"zoë"}'},
            content={
                "size": 30,
                "mimeType": "application/scim+json",
                "text": encoded,
                "encoding": "base64",
            },
        ),
        _entry(
            "POST",
            "http://h/scim/v2/Users/.search",
            post={
                "mimeType": "application/x-www-form-urlencoded",
                "params": [{"name": "filter", "value": 'userName eq "a b"'}],
            },
        ),
        _entry("GET", "http://h/scim/v2/Groups", content={"size": 120, "mimeType": "x"}),
    ]
    recording = read_har(_har(tmp_path, *entries))
    first, search, groups = recording.exchanges
    assert first.request.body == '{"userName":"zoë"}'
    assert first.response is not None and json.loads(first.response.body)["userName"] == "zoë"
    assert search.request.body == "filter=userName+eq+%22a+b%22"
    assert groups.response is not None and groups.response.body == ""
    assert any("no body in the HAR" in n and "log.entries[2]" in n for n in recording.header.notes)


def test_headers_are_joined_and_pseudo_headers_dropped(tmp_path: Path) -> None:
    entry = _entry(
        headers=[
            {"name": ":authority", "value": "h"},
            {"name": "Accept", "value": "application/scim+json"},
            {"name": "accept", "value": "application/json"},
        ],
        response_headers=[{"name": "ETag", "value": 'W/"1"'}],
    )
    exchange = read_har(_har(tmp_path, entry)).exchanges[0]
    assert exchange.request.headers == {"Accept": "application/scim+json, application/json"}
    assert exchange.response is not None and exchange.response.headers == {"etag": 'W/"1"'}


def test_only_scim_endpoints_are_kept_and_unanswered_requests_are_noted(tmp_path: Path) -> None:
    entries = [
        _entry("GET", "http://h/app.js"),
        _entry("GET", "http://h/scim/v2/ServiceProviderConfig"),
        _entry("POST", "http://h/scim/v2/.search"),
        _entry("GET", "http://h/scim/v2/Users/9", status=0),
        _entry("GET", "http://h/api/Usersettings"),
    ]
    recording = read_har(_har(tmp_path, *entries))
    assert [t.label for t in recording.takes] == ["log.entries[1]", "log.entries[2]"]
    notes = " ".join(recording.header.notes)
    assert "no answer for (status 0" in notes and "log.entries[3]" in notes
    assert "2 request(s) to no SCIM endpoint" in notes
    assert len(read_har(_har(tmp_path, *entries), keep_all=True).takes) == 4


def test_credentials_the_har_carries_are_redacted_wherever_they_come_back(tmp_path: Path) -> None:
    basic = base64.b64encode(b"svc:hunter2-long-password").decode()
    token_answer = json.dumps({"access_token": "eyJ-issued-token-value", "token_type": "Bearer"})
    entries = [
        _entry(
            "POST",
            "http://h/oauth2/v2.0/token",
            post={
                "mimeType": "application/x-www-form-urlencoded",
                "text": "grant_type=client_credentials&client_secret=s3cr3t-value-xyz",
            },
            content={"size": 60, "mimeType": "application/json", "text": token_answer},
        ),
        _entry(
            "GET",
            "http://h/scim/v2/Users?access_token=eyJ-issued-token-value",
            headers=[
                {"name": "Authorization", "value": f"Basic {basic}"},
                {"name": "Cookie", "value": "session=abcdefghijklmnopqrstuvwxyz"},
            ],
            content={
                "size": 90,
                "mimeType": "application/json",
                "text": '{"detail": "bad password hunter2-long-password, '
                'secret s3cr3t-value-xyz, cookie abcdefghijklmnopqrstuvwxyz"}',
            },
        ),
    ]
    recording = read_har(_har(tmp_path, *entries))
    path = tmp_path / "out.jsonl"
    write_recording(path, recording)
    text = path.read_text("utf-8")
    for secret in (
        "eyJ-issued-token-value",
        "hunter2-long-password",
        "s3cr3t-value-xyz",
        "abcdefghijklmnopqrstuvwxyz",
        basic,
    ):
        assert secret not in text
    assert len(recording.takes) == 1


# --- files that are not a HAR -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json at all", "not JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'{"entries": []}', "no `log` object"),
        (b'{"log": {"entries": {}}}', "`log.entries` is not a list"),
        (b'{"log": {"entries": [7]}}', r"log.entries\[0\]: the entry is missing or not an object"),
        (b"[" * 200_000, "nested too deeply"),
        (b'{"log": {"entries": ' + b"[" * 11_000_000, "nested too deeply"),
    ],
    ids=["text", "binary", "no-log", "entries-object", "entry-number", "deep", "10MB-deep"],
)
def test_a_file_that_is_not_a_har_is_refused_in_one_sentence(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.har"
    path.write_bytes(content)
    with pytest.raises(RecordingError, match=message):
        read_har(path)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"request": {"url": "http://h/scim/v2/Users", "headers": []}}, "request.method"),
        ({"request": {"method": "GET", "headers": []}}, "request.url"),
        ({"response": {"status": "200"}}, "response.status '200'"),
        ({"request": {"method": "GET", "url": "u", "headers": {}}}, "request.headers is not"),
        (
            {"response": {"status": 200, "content": {"text": "%%", "encoding": "base64"}}},
            "not valid base64",
        ),
    ],
    ids=["no-method", "no-url", "status-text", "headers-object", "bad-base64"],
)
def test_a_broken_entry_is_named_by_its_place(
    tmp_path: Path, broken: dict[str, Any], message: str
) -> None:
    entry = {**_entry(), **broken}
    with pytest.raises(RecordingError, match=r"made\.har: log\.entries\[1\]: .*" + message):
        read_har(_har(tmp_path, _entry(), entry))


def test_a_file_past_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _har(tmp_path, _entry())
    monkeypatch.setattr(har, "MAX_HAR_BYTES", 100)
    with pytest.raises(RecordingError, match="more than the 100 a HAR may have"):
        read_har(path)


def test_a_missing_file_or_a_folder_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="no such file"):
        read_har(tmp_path / "absent.har")
    with pytest.raises(RecordingError, match="cannot be read"):
        read_har(tmp_path)


@pytest.mark.slow
@needs_chromium
def test_a_chromium_session_replays_against_a_fresh_server(
    session_har: Path, tmp_path: Path
) -> None:
    """Issue 19: a HAR from a real browser session imports and replays, with no difference."""
    path = tmp_path / "session.jsonl"
    write_recording(path, read_har(session_har))
    fresh = start_server(tmp_path / "fresh.db")
    try:
        replayed = replay(path, fresh, tmp_path / "replay")
    finally:
        fresh.stop()
    assert replayed.code == 0, replayed.output
    assert replayed.summary["replay"]["replayed"] == 5
    assert replayed.summary["verdict"] == "PASS"


def test_the_idp_is_recognised_from_what_the_har_holds(tmp_path: Path) -> None:
    okta = [{"name": "User-Agent", "value": "Okta SCIM Client 1.0.0"}]
    recording = read_har(_har(tmp_path, _entry(headers=okta)))
    assert recording.header.idp == "okta"
    assert "okta" in recording.header.notes[-1]
    unknown = read_har(_har(tmp_path, _entry()))
    assert unknown.header.idp == ""
    assert unknown.header.notes[-1].startswith("not recognised")
