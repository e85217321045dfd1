"""What one HTTP round trip recorded, redacted before anything downstream can see it.

The transport builds an `Exchange` per request and passes it through the run's `Redactor` at
once, so checks, the event stream and every report only ever hold `[REDACTED]` where a secret
was (docs/secrets.md).
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any

from harness.transport.redaction import REDACTED

ERROR_KINDS = (
    "unreachable",
    "timeout",
    "connection-reset",
    "body-too-large",
    "redirect-refused",
    "invalid-url",
    "tls",
    "not-sent",  # held back after the endpoint timed out repeatedly (harness/transport/breaker.py)
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedResponse:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: str  # decoded as UTF-8 with errors="replace"
    truncated: bool

    def json(self) -> Any:
        """The body as strict JSON (no NaN/Infinity); ValueError when it is not JSON.

        Parsed afresh on each call (no cache) so that a check editing its copy cannot change
        what the next check sees.
        """
        return _strict_json(self.body)


@dataclass(frozen=True, slots=True, kw_only=True)
class TransportError:
    kind: str
    detail: str

    def __post_init__(self) -> None:
        if self.kind not in ERROR_KINDS:
            raise ValueError(
                f"unknown transport error kind {self.kind!r}; use one of {ERROR_KINDS}"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Exchange:
    request: RecordedRequest
    response: RecordedResponse | None
    elapsed_ms: float
    error: TransportError | None

    @property
    def reachable(self) -> bool:
        """False only when nothing was ever received: docs/verdict.md#items makes that an ERROR."""
        return self.error is None or self.error.kind != "unreachable"

    def to_dict(self) -> dict[str, Any]:
        response = self.response
        return {
            "request": {
                "method": self.request.method,
                "url": self.request.url,
                "headers": dict(self.request.headers),
                "body": self.request.body,
            },
            "response": None
            if response is None
            else {
                "status": response.status,
                "headers": dict(response.headers),
                "body": response.body,
                "truncated": response.truncated,
            },
            "elapsed_ms": round(self.elapsed_ms, 3),
            "error": None
            if self.error is None
            else {"kind": self.error.kind, "detail": self.error.detail},
        }


def _strict_json(text: str) -> Any:
    def reject(constant: str) -> Any:
        raise ValueError(f"{constant} is not valid JSON")

    try:
        return json.loads(text, parse_constant=reject)
    except RecursionError:
        # A hostile body nested a million levels deep is invalid input, not a harness crash.
        raise ValueError("JSON nested too deeply to parse") from None


# curl computes these itself, or they would only get in the way of reading the answer.
_CURL_SKIPPED = frozenset({"content-length", "connection", "host", "accept-encoding"})
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SCHEME = re.compile(r"[A-Za-z0-9._-]*")  # it sits inside double quotes: nothing the shell expands


def curl_command(
    exchange: Exchange, token_env: str = "SCIM_TOKEN", *, scheme: str = "Bearer"
) -> str:
    """A copy-pasteable curl for the recorded request; the token stays in `$token_env`."""
    if not _ENV_NAME.fullmatch(token_env):
        raise ValueError(f"{token_env!r} is not a shell variable name")
    if not _SCHEME.fullmatch(scheme):
        raise ValueError(f"{scheme!r} is not an authorization scheme")
    request = exchange.request
    method = request.method.upper()
    # -g: "[REDACTED]" and SCIM filters put brackets in URLs, which curl would read as a glob.
    parts = ["curl", "-sS", "-i", "-g"]
    parts += ["--head"] if method == "HEAD" else ["-X", shlex.quote(method)]
    parts.append(shlex.quote(request.url))
    for name, value in request.headers.items():
        lowered = name.lower()
        if lowered == "authorization":
            prefix = f"{scheme} " if scheme else ""
            # Double quotes on purpose: the shell must expand the variable, nothing else is inside.
            parts += ["-H", f'"Authorization: {prefix}${token_env}"']
        elif lowered == "accept-encoding":
            parts.append("--compressed")
        elif lowered not in _CURL_SKIPPED and value != REDACTED:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if request.body is not None:
        parts += ["--data-raw", shlex.quote(request.body)]
    return " ".join(parts)


def json_answer(exchange: Exchange, status: int = 200) -> Any:
    """The body of an answer with `status` as JSON, or None for anything else."""
    if exchange.response is None or exchange.response.status != status:
        return None
    try:
        return exchange.response.json()
    except ValueError:
        return None
