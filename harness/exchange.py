"""What one HTTP round trip recorded, redacted before anything downstream can see it.

The transport builds an `Exchange` per request and scrubs it with the run's secrets at once, so
checks, the event stream and every report only ever hold `[REDACTED]` where a credential was
(DESIGN.md "Reports"; robustness.md section 5 "Secrets and PII").
"""

from __future__ import annotations

import html
import json
import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

REDACTED = "[REDACTED]"
# X-API-Key is not in the brief's list, but robustness.md section 5 names it as a credential header.
SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
# Scrubbing a two-letter secret from text would blank out half of every body.
MIN_TEXT_SECRET = 4
ERROR_KINDS = (
    "unreachable",
    "timeout",
    "connection-reset",
    "body-too-large",
    "redirect-refused",
    "invalid-url",
    "tls",
    "not-sent",  # held back after the endpoint timed out repeatedly (harness/breaker.py)
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
        """False only when nothing was ever received: DESIGN.md makes that an ERROR, not a FAIL."""
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


def _secret_forms(secret: str) -> set[str]:
    """The spellings a secret takes in URLs, JSON and HTML, including lower-case percent-escapes."""
    json_form = json.dumps(secret)[1:-1]
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        json_form,
        json_form.replace("/", "\\/"),
        json.dumps(secret, ensure_ascii=False)[1:-1],
        html.escape(secret),
        html.escape(secret, quote=False),
    }
    return forms | {re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), f) for f in forms}


@lru_cache(maxsize=64)
def _pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    forms: set[str] = set()
    for secret in secrets:
        if len(secret) >= MIN_TEXT_SECRET:
            forms |= _secret_forms(secret)
    if not forms:
        return None
    # Longest first, so a form that contains another is replaced whole, in one pass.
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))


def redact_text(text: str, secrets: Sequence[str]) -> str:
    pattern = _pattern(tuple(secrets))
    return text if pattern is None else pattern.sub(REDACTED, text)


def _redact_header(name: str, value: str, secrets: tuple[str, ...]) -> str:
    if name.lower() in SENSITIVE_HEADERS:
        return REDACTED
    short = {s for s in secrets if s and len(s) < MIN_TEXT_SECRET}
    if short & set(value.split()) or value in short:
        return REDACTED  # a short secret is only safe to match as a whole token
    return redact_text(value, secrets)


def redact_headers(headers: dict[str, str], secrets: Sequence[str]) -> dict[str, str]:
    scrubbed = tuple(secrets)
    return {name: _redact_header(name, value, scrubbed) for name, value in headers.items()}


# Attributes whose values are secrets wherever they appear in a body (RFC 7643 4.1.1, 7).
SECRET_ATTRIBUTES = frozenset({"password", "client_secret", "secret"})


def _secret_values(value: Any) -> Iterator[str]:
    """Every string held under a secret attribute name, at any depth of a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key).lower() in SECRET_ATTRIBUTES and isinstance(item, str):
                yield item
            else:
                yield from _secret_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _secret_values(item)


def body_secrets(body: str | None) -> tuple[str, ...]:
    """Passwords and secrets a request body carries (Okta sends one on every create)."""
    if not body:
        return ()
    try:
        return tuple(_secret_values(json.loads(body)))
    except (ValueError, RecursionError):  # a hostile depth is not ours to walk
        return ()


def redact_exchange(exchange: Exchange, secrets: tuple[str, ...]) -> Exchange:
    """The same exchange with every credential and every form of every secret scrubbed.

    Besides the run's own credentials, a password a request carries is a secret too: it is
    scrubbed from the request, from the answer (a server echoing it) and so from every report.
    """
    request = exchange.request
    secrets = (*secrets, *body_secrets(request.body))
    clean_request = replace(
        request,
        url=redact_text(request.url, secrets),
        headers=redact_headers(request.headers, secrets),
        body=None if request.body is None else redact_text(request.body, secrets),
    )
    response = exchange.response
    clean_response = None
    if response is not None:
        clean_response = RecordedResponse(
            status=response.status,
            headers=redact_headers(response.headers, secrets),
            body=redact_text(response.body, secrets),
            truncated=response.truncated,
        )
    error = exchange.error
    if error is not None:
        error = replace(error, detail=redact_text(error.detail, secrets))
    return replace(exchange, request=clean_request, response=clean_response, error=error)


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
