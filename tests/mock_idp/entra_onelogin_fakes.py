"""A fake wire for the Entra, OneLogin and Ping dialect tests: it records and answers as told."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from mock_idp.directory import Directory
from mock_idp.profile import all_profiles
from mock_idp.strategies import run_verb

PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


@dataclass
class Reply:
    status: int
    body: Any = None

    def json(self) -> Any:
        if self.body is None:
            raise ValueError("no body")
        return self.body


@dataclass
class Sent:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    params: dict[str, str]
    response: Reply | None

    @property
    def route(self) -> str:
        """The path without its query: `/Users/u1`."""
        return urlsplit(self.path).path

    @property
    def query(self) -> str:
        """The raw query the dialect wrote into the path, encoding included."""
        return urlsplit(self.path).query

    def query_params(self) -> dict[str, str]:
        """The query decoded as a server would (`+` is a space), with `params` merged."""
        return {**dict(parse_qsl(self.query, keep_blank_values=True)), **self.params}


Answer = Callable[[str, str, Any], Reply]


def listing(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": [LIST],
        "totalResults": len(resources),
        "startIndex": 1,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def server(found: list[dict[str, Any]] | None = None) -> Answer:
    """A server whose lists hold `found`, that creates anything as `new-id` and echoes writes."""

    def answer(method: str, route: str, body: Any) -> Reply:
        if method == "GET" and route in ("/Users", "/Groups"):
            return Reply(200, listing(found or []))
        if method == "POST":
            return Reply(201, {**body, "id": "new-id"})
        if method == "DELETE":
            return Reply(204)
        return Reply(200, {**(body if isinstance(body, dict) else {}), "id": "u1"})

    return answer


@dataclass
class FakeWire:
    answer: Answer = field(default_factory=server)
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
        reply = self.answer(method, urlsplit(path).path, json_body)
        sent = Sent(method, path, dict(headers or {}), json_body, dict(params or {}), reply)
        self.sent.append(sent)
        return sent

    def lines(self) -> list[str]:
        return [f"{sent.method} {sent.route}" for sent in self.sent]

    def last(self, method: str) -> Sent:
        return [sent for sent in self.sent if sent.method == method][-1]


def directory(**ids: str) -> Directory:
    """A directory whose aliases already have SCIM ids (`alice="u1"`)."""
    people = Directory(run_prefix="scimcert-test-0001", seed=42)
    for alias, scim_id in ids.items():
        people.person(alias)
        people.scim_ids[alias] = scim_id
    return people


def verb(wire: FakeWire, people: Directory, profile: str, name: str, **args: Any) -> Sent:
    sent = run_verb(wire, people, all_profiles()[profile], name, args)
    assert isinstance(sent, Sent)
    return sent


def operations(sent: Sent) -> list[dict[str, Any]]:
    assert sent.method == "PATCH" and sent.body["schemas"] == [PATCH]
    found: list[dict[str, Any]] = sent.body["Operations"]
    return found
