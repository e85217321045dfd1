"""What the dialect tests' fake wires share: a reply, a recorded request, a list, a directory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from mock_idp.directory import Directory
from mock_idp.profile import all_profiles
from mock_idp.strategies import run_verb
from mock_idp.wire import Wire

PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

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


def listing(resources: list[dict[str, Any]], total: int | None = None, start: int = 1) -> Any:
    return {
        "schemas": [LIST],
        "totalResults": len(resources) if total is None else total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def directory(**ids: str) -> Directory:
    """A directory whose aliases already have SCIM ids (`alice="u1"`)."""
    people = Directory(run_prefix="scimcert-test-0001", seed=42)
    for alias, scim_id in ids.items():
        people.person(alias)
        people.scim_ids[alias] = scim_id
    return people


def verb(wire: Wire, people: Directory, profile: str, name: str, **args: Any) -> Sent:
    sent = run_verb(wire, people, all_profiles()[profile], name, args)
    assert isinstance(sent, Sent)
    return sent
