"""A replayed answer is held to the recorded one: volatile parts loosely, everything else exactly,
and each difference fails `replay-status-matches` or `replay-body-matches`."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from harness.scenario.model import Step
from tests.support.replay_records import BASE, derived_steps, judged, take

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_URN = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR_URN = "urn:ietf:params:scim:api:messages:2.0:Error"
ANN, BOB, GROUP = "a-1111", "b-2222", "g-3333"
MAPPED = {"user_id_1": "new-ann", "user_id_2": "new-bob", "group_id_1": "new-g"}


def _user(uid: str, name: str, when: str, host: str = BASE) -> dict[str, Any]:
    return {
        "schemas": [USER_URN],
        "id": uid,
        "userName": name,
        "active": True,
        "emails": [{"value": f"{name}@example.com", "primary": True}],
        "meta": {
            "resourceType": "User",
            "created": when,
            "lastModified": when,
            "version": f'W/"{len(when)}"',
            "location": f"{host}/Users/{uid}",
        },
    }


def _group(gid: str, members: list[tuple[str, str]], host: str = BASE) -> dict[str, Any]:
    return {
        "schemas": [GROUP_URN],
        "id": gid,
        "displayName": "designers",
        "members": [
            {"value": uid, "display": name, "$ref": f"{host}/Users/{uid}"} for uid, name in members
        ],
        "meta": {"resourceType": "Group", "version": 'W/"1"', "location": f"{host}/Groups/{gid}"},
    }


def _steps(tmp_path: Path) -> tuple[Step, ...]:
    """ann and bob created, a group of both, read back, a filtered and an unfiltered list."""
    recorded_list = {
        "schemas": [LIST_URN],
        "totalResults": 1,
        "Resources": [_user(ANN, "ann", "t")],
    }
    _, steps = derived_steps(
        tmp_path,
        take("POST", "/Users", 201, _user(ANN, "ann", "2026-01-01T10:00:00Z")),
        take("POST", "/Users", 201, _user(BOB, "bob", "2026-01-01T10:00:01Z")),
        take("POST", "/Groups", 201, _group(GROUP, [(ANN, "ann"), (BOB, "bob")])),
        take("GET", f"/Groups/{GROUP}", 200, _group(GROUP, [(ANN, "ann"), (BOB, "bob")])),
        take("GET", "/Users?filter=userName%20eq%20%22ann%22", 200, recorded_list),
        take("GET", "/Users", 200, {**recorded_list, "totalResults": 40}),
    )
    return steps


def test_a_replayed_answer_that_differs_only_in_what_is_volatile_holds(tmp_path: Path) -> None:
    steps = _steps(tmp_path)
    other = "https://scim.elsewhere.test/v9"
    later = _user("new-ann", "ann", "2031-05-05T09:09:09.123+02:00", host=other)
    assert judged(steps[0], 201, later, Location=f"{other}/Users/new-ann", ETag='W/"7"') == {
        "replay-body-matches": [],
        "schema-valid": [],
        "replay-status-matches": [],
    }
    # Members in another order, ids the replay assigned, another host in $ref and location.
    group = _group("new-g", [("new-bob", "bob"), ("new-ann", "ann")], host=other)
    assert judged(steps[3], 200, group, MAPPED)["replay-body-matches"] == []
    # A list asked for without a filter depends on everything else the server holds.
    listed = {"schemas": [LIST_URN], "totalResults": 3, "Resources": []}
    assert judged(steps[5], 200, listed, MAPPED)["replay-body-matches"] == []


def test_a_value_that_differs_fails_the_body_check(tmp_path: Path) -> None:
    steps = _steps(tmp_path)
    changed = _user("new-ann", "ann", "2031-05-05T09:09:09Z")
    changed["active"] = False
    assert judged(steps[0], 201, changed)["replay-body-matches"] == [
        "/active: expected true, got false"
    ]
    later = _user("new-ann", "ann", "2031-05-05T09:09:09Z")
    later["meta"]["created"] = "yesterday"  # no longer a timestamp
    later["title"] = "Designer"  # an attribute the recorded answer did not have
    found = judged(steps[0], 201, later)["replay-body-matches"]
    assert found[0].startswith("(body): expected a value of length 6, got")
    assert found[1].startswith("/meta/created: expected a string matching")


def test_a_mapped_id_must_be_the_one_the_replay_saved(tmp_path: Path) -> None:
    steps = _steps(tmp_path)
    wrong = _group("new-g", [("new-ann", "ann"), ("someone-else", "bob")])
    found = judged(steps[3], 200, wrong, MAPPED)["replay-body-matches"]
    assert found == [
        '/members: expected 2 item(s) in any order, got 2: none like {"value": "new-bob", '
        '"display": "bob"}'
    ]
    gone = _group("new-g", [("new-ann", "ann")])
    assert judged(steps[3], 200, gone, MAPPED)["replay-body-matches"] == [
        '/members: expected 2 item(s) in any order, got 1: none like {"value": "new-bob", '
        '"display": "bob"}'
    ]
    assert judged(steps[3], 200, _group("other", []), MAPPED)["replay-body-matches"][0] == (
        '/id: expected "new-g", got "other"'
    )


def test_a_filtered_list_is_compared_whole(tmp_path: Path) -> None:
    steps = _steps(tmp_path)
    ann = _user("new-ann", "ann", "2031-05-05T09:09:09Z")
    fine = {"schemas": [LIST_URN], "totalResults": 1, "Resources": [ann]}
    assert judged(steps[4], 200, fine, MAPPED)["replay-body-matches"] == []
    two = {"schemas": [LIST_URN], "totalResults": 2, "Resources": [ann, copy.deepcopy(ann)]}
    assert [m.split(":")[0] for m in judged(steps[4], 200, two, MAPPED)["replay-body-matches"]] == [
        "/totalResults",
        "/Resources",
    ]


def test_a_status_that_differs_fails_the_status_check_and_leaves_the_body_unjudged(
    tmp_path: Path,
) -> None:
    steps = _steps(tmp_path)
    refused = {"schemas": [ERROR_URN], "status": "409", "detail": "exists"}
    assert judged(steps[0], 409, refused) == {
        "replay-status-matches": ["expected status 201, got 409"]
    }


def test_an_errors_wording_may_change_its_status_may_not(tmp_path: Path) -> None:
    recorded = {"schemas": [ERROR_URN], "status": "404", "detail": f"User {ANN} not found"}
    _, steps = derived_steps(tmp_path, take("GET", f"/Users/{ANN}", 404, recorded))
    reworded = {**recorded, "detail": "No such user"}
    assert judged(steps[0], 404, reworded)["replay-body-matches"] == []
    assert judged(steps[0], 404, {**reworded, "status": "400"})["replay-body-matches"] == [
        '/status: expected "404", got "400"'
    ]


def test_a_cursor_is_the_servers_own_and_only_its_presence_is_compared(tmp_path: Path) -> None:
    page = {"schemas": [LIST_URN], "Resources": [], "nextCursor": "VZUTiy.aa", "startIndex": 1}
    _, steps = derived_steps(tmp_path, take("GET", "/Users?cursor=&count=1", 200, page))
    assert judged(steps[0], 200, {**page, "nextCursor": "Qx9.bb"})["replay-body-matches"] == []
    assert judged(steps[0], 200, {**page, "nextCursor": ""})["replay-body-matches"] == [
        '/nextCursor: expected a non-empty value, got ""'
    ]


def test_recorded_text_that_looks_like_a_variable_stays_data(tmp_path: Path) -> None:
    odd = {"schemas": [USER_URN], "id": ANN, "title": "${run.id}", "${key}": {"a/b~": "$${x}"}}
    _, steps = derived_steps(
        tmp_path, take("POST", "/Users?x=${y}", 201, odd, sent={"title": "${run.id}"})
    )
    request = steps[0].request
    assert request is not None and request.path == "/Users?x=$${y}"
    assert request.body == {"title": "$${run.id}"}
    assert judged(steps[0], 201, {**odd, "id": "new"})["replay-body-matches"] == []
    changed = {**odd, "id": "new", "${key}": {"a/b~": "x"}}
    assert judged(steps[0], 201, changed)["replay-body-matches"] == [
        '/${key}/a~1b~0: expected "$${x}", got "x"'
    ]
