"""Every profile's every verb, on the wire, pinned: what each sends, byte for byte.

Each verb of each shipped profile runs against a fake server in four moods (the lookup finds
nothing, finds the resource, the create is refused, answered 200 instead of 201, the list is
paged), and every request it sends
(method, path with its query, params, headers, JSON body) is compared with `wire_record.json`,
which keeps each request's line (method, path, params) and a digest of all of it.
A refactoring of the strategies must leave this file unchanged; a deliberate change of a dialect
regenerates it (`SCIMCERT_WRITE_WIRE_RECORD=1`) and shows in the diff what moved on the wire.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from mock_idp.directory import Directory
from mock_idp.profile import all_profiles
from mock_idp.strategies import run_verb
from tests.support.fake_wire import Reply, Sent, listing

RECORD = Path(__file__).with_name("wire_record.json")
MOODS = ("miss", "hit", "refused", "ok-200", "paged")
PREFIX = "scimcert-wire-0001"
WITH = {"title": "Boss", "name.givenName": "Al", 'emails[type eq "work"].value': "a@example.com"}
ARGS: dict[str, dict[str, Any]] = {
    "set_manager": {"user": "alice", "manager": "bob"},
    "change_manager": {"user": "alice", "manager": "bob"},
    "remove_manager": {"user": "alice"},
    "assign_role": {"user": "alice", "role": "Designer"},
    "update_members": {"group": "team", "add": ["bob"], "remove": ["alice"]},
    "update_group": {"group": "team", "with": {"displayName": f"{PREFIX}-new"}},
    "pull_groups": {"groups": {"team": f"{PREFIX}-team", "other": "elsewhere"}},
    "create_users": {"users": ["carol", "dave"]},
    "bulk_over_limit": {"limit": "payload"},
}
GROUP_ARGS = {"group": "team", "members": ["alice", "bob"], "to": "renamed"}
USER_ARGS = {"user": "alice", "with": WITH, "add": {"nickName": "Ally"}}


def _args(verb: str) -> dict[str, Any]:
    if verb in ARGS:
        return ARGS[verb]
    return GROUP_ARGS if "group" in verb or "members" in verb or verb == "push_now" else USER_ARGS


@dataclass
class World:
    """A server in one mood that answers every request and records it."""

    mood: str
    sent: list[dict[str, Any]] = field(default_factory=list)

    def send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> Sent:
        self.sent.append(
            {
                "method": method,
                "path": path,
                "params": dict(params or {}),
                "headers": dict(headers or {}),
                "body": json_body,
            }
        )
        reply = self._answer(method, urlsplit(path).path, path, json_body, dict(params or {}))
        return Sent(method, path, dict(headers or {}), json_body, dict(params or {}), reply)

    def _answer(
        self, method: str, route: str, path: str, body: Any, params: dict[str, str]
    ) -> Reply:
        if method == "GET" and route in ("/Users", "/Groups"):
            return Reply(
                200, self._list(route, {**dict(parse_qsl(urlsplit(path).query)), **params})
            )
        if method == "POST":
            if self.mood == "refused":
                return Reply(409, {"status": "409", "scimType": "uniqueness"})
            return Reply(
                200 if self.mood == "ok-200" else 201, {**body, "id": f"new-{len(self.sent)}"}
            )
        if method == "DELETE":
            return Reply(204)
        if method == "GET":
            return Reply(200, _document(route))
        return Reply(200, {**(body if isinstance(body, dict) else {}), "id": route.split("/")[-1]})

    def _list(self, route: str, params: dict[str, str]) -> Any:
        if self.mood not in ("hit", "paged"):
            return listing([])
        resource = _document(f"{route}/found-1")
        if self.mood == "paged":
            return listing([resource], total=250, start=int(params.get("startIndex", "1")))
        return listing([resource])


def _document(route: str) -> dict[str, Any]:
    kind, _, scim_id = route.strip("/").partition("/")
    if kind == "ServiceProviderConfig":
        return {"bulk": {"supported": True, "maxOperations": 2, "maxPayloadSize": 300}}
    if kind == "Groups":
        return {"id": scim_id, "displayName": f"{PREFIX}-team", "members": []}
    return {
        "id": scim_id,
        "userName": f"{PREFIX}-alice@example.com",
        "active": True,
        "name": {"givenName": "Alice", "familyName": "Doe"},
        "meta": {"resourceType": "User"},
    }


def _directory() -> Directory:
    people = Directory(run_prefix=PREFIX, seed=42)
    for alias in ("alice", "bob"):
        people.person(alias)
        people.scim_ids[alias] = f"u-{alias}"
    people.group_ids["team"] = "g-team"
    people.group_name("team")
    return people


def _record(profile: str, verb: str, mood: str) -> list[str]:
    """The requests sent, then the ids the IdP holds afterwards (what it linked or created)."""
    world, people = World(mood), _directory()
    run_verb(world, people, all_profiles()[profile], verb, _args(verb))
    ids = [f"{alias}={scim_id}" for alias, scim_id in sorted(people.scim_ids.items())]
    ids += [f"group:{alias}={scim_id}" for alias, scim_id in sorted(people.group_ids.items())]
    return [*(_pinned(request) for request in world.sent), "ids " + " ".join(ids)]


def _pinned(request: dict[str, Any]) -> str:
    """`GET /Users {"filter": ...} <digest>`: readable in a diff, exact through the digest, which
    keeps the order of keys (a body is serialised in the order the strategy wrote it)."""
    whole = hashlib.sha256(json.dumps(request).encode()).hexdigest()[:16]
    params = json.dumps(request["params"]) if request["params"] else ""
    return f"{request['method']} {request['path']} {params} {whole}".replace("  ", " ")


def recording() -> dict[str, list[str]]:
    return {
        f"{profile.id} {verb} {mood}": _record(profile.id, verb, mood)
        for profile in all_profiles().values()
        for verb in sorted(profile.verbs)
        for mood in MOODS
    }


def test_every_profile_sends_what_it_sent() -> None:
    now = recording()
    if os.environ.get("SCIMCERT_WRITE_WIRE_RECORD"):
        RECORD.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    pinned = json.loads(RECORD.read_text(encoding="utf-8"))
    assert sorted(now) == sorted(pinned)
    for case, requests in now.items():
        assert requests == pinned[case], case


@pytest.mark.parametrize("mood", MOODS)
def test_each_mood_is_met_by_some_verb(mood: str) -> None:
    """The record is not the same few requests four times: each mood changes some verb's traffic."""
    cases = recording()
    changed = [
        key
        for key in cases
        if key.endswith(f" {mood}") and cases[key] != cases[key[: -len(mood)] + "miss"]
    ]
    assert changed or mood == "miss"
