"""What the mock IdP needs from an HTTP client; the harness's transport provides it.

The IdP only speaks: it reads statuses and bodies to decide its next request (link or create,
which page next), and never judges them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class Reply(Protocol):
    @property
    def status(self) -> int: ...

    def json(self) -> Any: ...


class Sent(Protocol):
    @property
    def response(self) -> Reply | None: ...


class Wire(Protocol):
    def send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> Sent: ...


@dataclass(frozen=True, slots=True)
class Several:
    """What a verb sent one request per thing the server listed (Okta's Entitlements test: one
    page per entitlement endpoint), each answer to be judged alike; with nothing listed, `none`
    says why nothing was sent. The last request stands for the verb where one answer is read."""

    sent: tuple[Sent, ...]
    none: str = ""

    @property
    def response(self) -> Reply | None:
        return self.sent[-1].response if self.sent else None


def body_of(sent: Sent) -> Any:
    """The JSON of a reply, or None: an IdP shrugs at what it cannot parse."""
    if sent.response is None:
        return None
    try:
        return sent.response.json()
    except ValueError:
        return None


def status_of(sent: Sent) -> int | None:
    return sent.response.status if sent.response is not None else None
