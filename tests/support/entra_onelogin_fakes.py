"""A fake wire for the Entra, OneLogin and Ping dialect tests: it records and answers as told."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tests.support.fake_wire import PATCH, Reply, Sent, directory, listing, verb

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

__all__ = [
    "ENTERPRISE",
    "FakeWire",
    "Reply",
    "Sent",
    "directory",
    "listing",
    "operations",
    "server",
    "verb",
]


Answer = Callable[[str, str, Any], Reply]


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


def operations(sent: Sent) -> list[dict[str, Any]]:
    assert sent.method == "PATCH" and sent.body["schemas"] == [PATCH]
    found: list[dict[str, Any]] = sent.body["Operations"]
    return found
