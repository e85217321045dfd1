"""A fake wire for the Okta dialect tests: it records what is sent and answers as told."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mock_idp.directory import Directory
from tests.support.fake_wire import PATCH, Reply, Sent, directory, listing, verb

USER = "urn:ietf:params:scim:schemas:core:2.0:User"

__all__ = [
    "PATCH",
    "USER",
    "FakeWire",
    "Reply",
    "Sent",
    "directory",
    "listing",
    "stored",
    "user_doc",
    "verb",
]


Answer = Callable[[str, str, Mapping[str, str], Any], Reply]


@dataclass
class FakeWire:
    """Records every request; `answer` decides each reply (default: 200 with an empty list)."""

    answer: Answer = lambda method, path, params, body: Reply(200, listing([]))
    sent: list[Sent] = field(default_factory=list)

    def send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> Sent:
        reply = self.answer(method, path, params or {}, json_body)
        sent = Sent(method, path, dict(headers or {}), json_body, dict(params or {}), reply)
        self.sent.append(sent)
        return sent

    def lines(self) -> list[str]:
        return [f"{s.method} {s.path}" for s in self.sent]


def user_doc(user_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "schemas": [USER],
        "id": user_id,
        "userName": "x@example.test",
        "active": True,
        "meta": {"resourceType": "User", "version": 'W/"1"'},
        "groups": [],
        "roles": [{"value": "member", "primary": True}],
        **extra,
    }


def stored(user_id: str) -> Answer:
    """A server holding one user: GET and PUT of it answer its document."""

    def answer(method: str, path: str, params: Mapping[str, str], body: Any) -> Reply:
        if method == "GET" and path == "/Users":
            return Reply(200, listing([]))
        if method == "PUT":
            return Reply(200, body)
        return Reply(200, user_doc(user_id))

    return answer


def fact(people: Directory, name: str) -> dict[str, Any]:
    """What an IdP verb reported (`Directory.facts`, typed `object` there), as the dict it is."""
    found = people.facts[name]
    assert isinstance(found, dict), found
    return found
