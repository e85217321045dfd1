"""The ids, ETags and cursors a target assigns travel into later steps as variables; what cannot
be replayed is kept, with its reason."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from harness.capture.recording import Take
from harness.capture.replay import derive
from harness.capture.replay_base import Base, recorded_base
from harness.capture.replay_ids import Learned
from harness.transport.exchange import TransportError
from tests.support.replay_records import BASE, derived_steps, recording, take

HOST = "http://10.0.0.9:8443"
ANN = "2819c223-7f76-453a-919d-413861904646"
DESIGNERS = "e9e30dba-f08f-4109-8486-d5c6a331660a"
USER = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": ANN, "userName": "ann"}
GROUP = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": DESIGNERS}


def test_an_id_is_replaced_where_it_stands_as_a_word() -> None:
    learned = Learned()
    name = learned.add_id("a1", "Users")
    assert name == "user_id_1"
    assert learned.text("/Users/a1") == "/Users/${user_id_1}"
    # In an encoded filter, %22 before the id ends the word before it.
    assert learned.text("filter=id%20eq%20%22a1%22") == "filter=id%20eq%20%22${user_id_1}%22"
    assert learned.text('members[value eq "a1"]') == 'members[value eq "${user_id_1}"]'
    assert learned.text("xa1 a1-b a1_2 ba1") == "xa1 a1-b a1_2 ba1"
    # Recorded text that looks like a variable stays data.
    assert learned.text("${a1}") == "$${${user_id_1}}"


def test_an_etag_sent_back_is_the_replays_own_and_other_headers_stay() -> None:
    learned = Learned()
    learned.add_version('W/"3"')
    assert learned.header("If-Match", 'W/"3"') == "${etag_1}"
    assert learned.header("If-Match", 'W/"4"') == 'W/"4"'
    assert learned.header("Accept", 'W/"3"') == 'W/"3"'


def test_the_base_is_the_prefix_before_the_first_scim_endpoint() -> None:
    urls = [
        "https://h.example/t/users/scim/v2/Users?filter=x",
        "https://h.example/t/users/scim/v2/Groups/1",
        "https://h.example/oauth/token",
        "https://h.example/t/users/scim/v2/.search",
    ]
    base = recorded_base(urls)
    assert base == Base("h.example", "/t/users/scim/v2")
    assert base.relative(urls[0]) == "/Users?filter=x"
    assert base.relative("https://h.example/t/users/scim/v2") == "/"
    assert base.relative("https://other.example/t/users/scim/v2/Users") is None
    assert base.relative("https://h.example/t/users/scim/v2x/Users") is None
    assert recorded_base(["https://h.example/oauth/token"]) is None


def test_ids_the_target_assigns_travel_into_paths_filters_bodies_and_expectations(
    tmp_path: Path,
) -> None:
    member = {"value": ANN, "$ref": f"{BASE}/Users/{ANN}", "display": "ann"}
    manager = {"manager": {"value": ANN}}
    derived, steps = derived_steps(
        tmp_path,
        take("POST", "/Users", 201, USER, sent={"userName": "ann"}),
        take("POST", "/Groups", 201, {**GROUP, "members": [member]}, sent={"members": [member]}),
        take("GET", f"/Users?filter=id%20eq%20%22{ANN}%22", 200, {"Resources": [USER]}),
        take("PATCH", f"/Users/{ANN}", 200, USER, sent={"Operations": [{"value": manager}]}),
    )
    assert derived.replayed == 4 and derived.skipped == ()
    created, grouped, found, patched = (step.request for step in steps)
    assert created is not None and grouped is not None and found is not None
    assert patched is not None
    assert steps[0].save == {"user_id_1": "/id"} and steps[1].save == {"group_id_1": "/id"}
    assert grouped.body == {
        "members": [{**member, "value": "${user_id_1}", "$ref": (f"{BASE}/Users/${{user_id_1}}")}]
    }
    assert found.path == "/Users?filter=id%20eq%20%22${user_id_1}%22"
    assert patched.path == "/Users/${user_id_1}"
    assert patched.body == {"Operations": [{"value": {"manager": {"value": "${user_id_1}"}}}]}
    members = dict(steps[1].expects[0].json)["/members"]
    assert members == {"same_items": [{"value": "${user_id_1}", "display": "ann"}]}
    assert dict(steps[3].expects[0].json)["/id"] == "${user_id_1}"


def test_an_etag_and_a_cursor_that_come_back_are_saved_from_the_replays_answers(
    tmp_path: Path,
) -> None:
    page = {"Resources": [], "nextCursor": "VZUTiy"}
    _, steps = derived_steps(
        tmp_path,
        take("POST", "/Users", 201, USER, answer_headers={"etag": 'W/"1"'}),
        take("GET", "/Users?cursor=&count=1", 200, page, answer_headers={"etag": 'W/"9"'}),
        take("GET", "/Users?cursor=VZUTiy&count=1", 200, {"Resources": []}),
        take("PUT", f"/Users/{ANN}", 200, USER, headers={"If-Match": 'W/"1"'}),
    )
    assert steps[0].save == {"user_id_1": "/id", "etag_1": {"header": "ETag"}}
    assert steps[1].save == {"cursor_1": "/nextCursor"}  # its ETag never comes back
    assert (
        steps[2].request is not None
        and steps[2].request.path == "/Users?cursor=${cursor_1}&count=1"
    )
    assert steps[3].request is not None and steps[3].request.headers["If-Match"] == "${etag_1}"


def test_credentials_are_the_replays_own_and_a_recorded_refusal_gets_a_wrong_one(
    tmp_path: Path,
) -> None:
    error = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "401"}
    _, steps = derived_steps(
        tmp_path,
        take("GET", "/Users", 200, {"Resources": []}),
        take("GET", "/Users", 401, error, auth=False),
        take("GET", "/Users", 401, error),
    )
    assert [step.request.auth for step in steps if step.request] == ["default", "none", "invalid"]
    assert all(
        "Authorization" not in (step.request.headers if step.request else {}) for step in steps
    )


def test_what_cannot_be_replayed_is_kept_with_its_reason(tmp_path: Path) -> None:
    timed_out = take("GET", "/Groups", 200, {})
    error = TransportError(kind="timeout", detail="no answer in 30 s")
    broken = replace(timed_out.exchange, response=None, error=error)
    derived, steps = derived_steps(
        tmp_path,
        take("POST", "/oauth/token", 200, {"access_token": "x"}, url=f"{HOST}/oauth/token"),
        take("POST", "/Users", 201, USER, sent={"userName": "ann", "secret": "[REDACTED]"}),
        take("GET", f"/Users/{ANN}", 200, USER),
        Take(exchange=broken, label="a timeout"),
        take("GET", "/app/members", 200, {}, url=f"{HOST}/t/acme/app/members"),
        take("POST", "/Groups", 201, GROUP, sent={"displayName": "designers"}),
    )
    reasons = {one.number: one.reason for one in derived.skipped}
    assert reasons == {
        1: "a token endpoint request: a replay authenticates with its own options (--auth)",
        2: "its body was redacted when recorded ([REDACTED] stands where a secret other than a "
        "password was)",
        3: f"it names id {ANN}, which exchange 2 assigned and was not replayed",
        4: "no recorded answer to compare with (timeout: no answer in 30 s)",
        5: "not a request to the recorded SCIM base 10.0.0.9:8443/t/acme/scim/v2",
    }
    assert derived.summary("capture.jsonl") == (
        "a replay of capture.jsonl: 6 exchanges, 1 replayed, 5 not replayable"
    )
    assert len(steps) == 1
    # Each one stays in the scenario file, a comment with its reason.
    for number, reason in reasons.items():
        assert f"exchange {number} of 6" in derived.text and reason in derived.text


def test_a_recording_cut_short_says_so_in_its_title() -> None:
    derived = derive(recording(take("GET", "/Users", 200, {}), complete=False), "cut.jsonl")
    assert (
        derived.title == "Replay of cut.jsonl: 1 exchanges, 1 replayed, 0 not replayable, cut short"
    )
    assert derived.summary("cut.jsonl").endswith(
        "; the recording was cut short (no closing line): what followed is missing"
    )


def test_a_redacted_password_is_replaced_by_the_replays_own_placeholder(tmp_path: Path) -> None:
    patch = {"Operations": [{"op": "replace", "path": "password", "value": "[REDACTED]"}]}
    derived, steps = derived_steps(
        tmp_path,
        take("POST", "/Users", 201, USER, sent={"userName": "ann", "password": "[REDACTED]"}),
        take("PATCH", f"/Users/{ANN}", 200, USER, sent=patch),
        take("PATCH", f"/Users/{ANN}", 200, USER, sent={"Operations": [{"value": "[REDACTED]"}]}),
    )
    created, changed = (step.request for step in steps)
    assert created is not None and changed is not None
    assert created.body == {"userName": "ann", "password": "Replay-${run.item}-${run.id}!"}
    assert changed.body["Operations"][0]["value"] == "Replay-${run.item}-${run.id}!"
    # A redacted value that names no password cannot be sent as it was.
    assert [one.number for one in derived.skipped] == [3]
