"""A transport that records every exchange and remembers what the run created on the target."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.transport.auth import bearer, no_auth
from harness.transport.client import Transport
from harness.transport.exchange import Exchange

Recorder = Callable[[Exchange, bool], None]
INVALID_TOKEN = "scimcert-invalid-token"


@dataclass
class Created:
    """Ids of users and groups the item created, in creation order."""

    users: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


class RecordingTransport:
    """Wraps a `Transport`; it is also the mock IdP's `Wire`."""

    def __init__(self, transport: Transport, record: Recorder, *, scim: bool = True) -> None:
        self.transport = transport
        self.scim = scim
        self.record = record
        self.created = Created()
        self._anonymous: Transport | None = None
        self._invalid: Transport | None = None

    def send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str | None] | None = None,
        json_body: Any = None,
        data: bytes | str | None = None,
        params: Mapping[str, str] | None = None,
        auth: str = "default",
        judged: bool = True,
    ) -> Exchange:
        transport = self._for_auth(auth)
        exchange = transport.send(
            method, path, headers=headers, json_body=json_body, data=data, params=params
        )
        self._remember(method, path, exchange)
        self.record(exchange, judged and self.scim)
        return exchange

    def _for_auth(self, auth: str) -> Transport:
        """`none` sends no credentials, `invalid` a wrong token; both for 401 probes."""
        if auth == "default":
            return self.transport
        base, options = self.transport.base_url, self.transport.options
        if auth == "none":
            if self._anonymous is None:
                self._anonymous = Transport(base, no_auth(), options, self.transport.redactor)
            return self._anonymous
        if self._invalid is None:
            self._invalid = Transport(base, bearer(INVALID_TOKEN), options, self.transport.redactor)
        return self._invalid

    def _remember(self, method: str, path: str, exchange: Exchange) -> None:
        response = exchange.response
        if method.upper() != "POST" or response is None or response.status != 201:
            return
        try:
            body = response.json()
        except ValueError:
            return
        resource_id = body.get("id") if isinstance(body, dict) else None
        if not isinstance(resource_id, str):
            return
        collection = path.strip("/").split("?")[0].lower()
        if collection == "users":
            self.created.users.append(resource_id)
        elif collection == "groups":
            self.created.groups.append(resource_id)
