"""What one run knows to be secret, and the one place its exchanges and events are scrubbed.

A `Redactor` is shared by every transport of a run (SCIM, app probe, the 401 probes), so the app
token is scrubbed from a SCIM answer and a password sent in one request from every later answer.
It learns as the run goes: each authenticator's credentials (an OAuth token appears after its
first fetch), each password the run sends, each cookie a server sets. The transport passes
every exchange through `exchange` before returning it, so checks already see `[REDACTED]`
(a check decides on the presence of `password`, never on its value); the runner passes every
event through `event`, for what a finding quotes from elsewhere (a scenario's expected value,
an error message).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from harness.transport.exchange import Exchange, RecordedResponse
from harness.transport.redaction import (
    MIN_LEARNT_PASSWORD,
    MIN_SESSION_COOKIE,
    MIN_TEXT_SECRET,
    body_secrets,
    cookie_values,
    redact_body,
    redact_headers,
    redact_text,
    secret_leaves,
)
from verdict.events import CheckEvaluated, ItemFinished

EventT = TypeVar("EventT")


class Credentials(Protocol):
    @property
    def secrets(self) -> tuple[str, ...]: ...


class Redactor:
    def __init__(self, *credentials: Credentials) -> None:
        self._credentials: list[Credentials] = list(credentials)
        self._learnt: set[str] = set()
        self._lock = threading.Lock()

    def trust(self, credentials: Credentials) -> None:
        """Scrub this authenticator's secrets too (read afresh each time: tokens rotate)."""
        with self._lock:
            if not any(known is credentials for known in self._credentials):
                self._credentials.append(credentials)

    def learn(self, values: Iterable[str], minimum: int = MIN_LEARNT_PASSWORD) -> None:
        """Scrub these values from every later text too (see MIN_LEARNT_PASSWORD)."""
        with self._lock:
            self._learnt.update(v for v in values if len(v) >= minimum)

    def learn_document(self, document: Any) -> None:
        """The passwords a JSON document the run sends carries (the load's mock IdP bodies)."""
        self.learn(leaf for leaf in secret_leaves(document) if isinstance(leaf, str))

    def secrets(self) -> frozenset[str]:
        with self._lock:
            sources = list(self._credentials)
            known = set(self._learnt)
        for source in sources:
            known.update(source.secrets)
        return frozenset(known)

    def text(self, text: str) -> str:
        return redact_text(text, self.secrets())

    def value(self, value: Any) -> Any:
        """A JSON-like value (a finding's expected and actual) with every secret scrubbed."""
        known = self.secrets()
        return _scrub_value(value, lambda text: redact_text(text, known))

    def exchange(self, exchange: Exchange) -> Exchange:
        """The exchange with every known secret, in every spelling, and every secret by meaning
        scrubbed. Passwords the request carries are learnt for the rest of the run first; those
        a server answers with are scrubbed from this exchange only (a broken server's value is
        not allowed to blank out text elsewhere)."""
        request, response = exchange.request, exchange.response
        self.learn(body_secrets(request.body))
        self.learn(cookie_values(request.headers), MIN_SESSION_COOKIE)
        if response is not None:
            self.learn(cookie_values(response.headers), MIN_SESSION_COOKIE)
        known = self.secrets()
        if response is not None:
            known |= {s for s in body_secrets(response.body) if len(s) >= MIN_TEXT_SECRET}
        clean_request = replace(
            request,
            url=redact_text(request.url, known),
            headers=redact_headers(request.headers, known),
            body=None if request.body is None else redact_body(request.body, known),
        )
        clean_response = None
        if response is not None:
            clean_response = RecordedResponse(
                status=response.status,
                headers=redact_headers(response.headers, known),
                body=redact_body(response.body, known),
                truncated=response.truncated,
            )
        error = exchange.error
        if error is not None:
            error = replace(error, detail=redact_text(error.detail, known))
        return replace(exchange, request=clean_request, response=clean_response, error=error)

    def event(self, event: EventT) -> EventT:
        """The event with what it quotes scrubbed; exchanges were scrubbed when recorded."""
        if isinstance(event, CheckEvaluated):
            findings = tuple(self.value(finding) for finding in event.findings)
            return replace(event, findings=findings)
        if isinstance(event, ItemFinished):
            return replace(
                event,
                reason=self.text(event.reason),
                not_verified=tuple(self.text(note) for note in event.not_verified),
            )
        return event

    def events(self, emit: Callable[[Any], None]) -> Callable[[Any], None]:
        """`emit`, with every event passed through `event` on its way."""
        return lambda event: emit(self.event(event))


def _scrub_value(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub(str(k)): _scrub_value(v, scrub) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub_value(item, scrub) for item in value)
    return value
