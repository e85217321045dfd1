"""Preflight: before any item, is there a SCIM API at `--url` that takes the run's credentials?

Three reads: `GET /ServiceProviderConfig` and a one-user page of `GET /Users` (a server may serve
its configuration to anyone, so only the list proves the credentials), and, with `--app-url`,
one member lookup on the app probe. What stops the run is said in one line, cause and fix:

- exit 2, the fix is in the command line or the environment: the credentials refused (401/403),
  no SCIM API at the URL (404), TLS where the URL says http or the reverse, an untrusted
  certificate;
- exit 3, the target is not fit to be graded: it cannot be reached (refused, DNS), it answers a
  plain read with a 5xx, or with something that is not SCIM (HTML, text, JSON that is no SCIM
  object).

A connected server that then breaks its answer (a timeout, a reset, invalid JSON labelled as
JSON, an oversized body, a redirect) is left to the run: docs/verdict.md makes that a FAIL
of an always-on check, which the items show with the evidence. So is a SCIM object that merely
lacks `schemas`: `schemas-present` is the check for that.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from harness.engine.session import RunSettings
from harness.transport.auth import AuthError
from harness.transport.client import Transport
from harness.transport.exchange import Exchange, RecordedResponse
from harness.transport.redactor import Redactor
from verdict.status import ExitCode

SCIM_BASE_EXAMPLE = "https://example.com/scim/v2"
USERS_PAGE = {"startIndex": "1", "count": "1"}
# A member id no app can hold: authenticated, the probe answers 404 with a SCIM Error.
MEMBERS = "/members"
NO_MEMBER = f"{MEMBERS}/00000000-0000-0000-0000-000000000000"
APP_URL_FIX = "--app-url must be the App probe URL (docs/app-probe.md)"
SPC_KEYS = ("schemas", "patch", "filter", "bulk", "authenticationSchemes")
LIST_KEYS = ("schemas", "Resources", "totalResults")
JSON_TYPES = ("json",)  # application/json, application/scim+json, application/problem+json...
TLS_PROBE_SECONDS = 3.0
DETAIL_CHARS = 120


@dataclass(frozen=True)
class Problem:
    """Why nothing runs: one line naming the cause and the fix, and the exit code."""

    line: str
    exit_code: int


def preflight(settings: RunSettings) -> Problem | None:
    """None when the target takes the run; else the first problem found."""
    redactor = Redactor()  # one for both reads: each API's token is a secret in the other's
    try:
        return _scim(settings, redactor) or (_app(settings, redactor) if settings.app_url else None)
    except AuthError as error:  # an OAuth token endpoint that refused or could not be reached
        return Problem(f"no credentials for {settings.url}: {error}", ExitCode.USAGE)


# --- The SCIM API -------------------------------------------------------------------------------


def _scim(settings: RunSettings, redactor: Redactor) -> Problem | None:
    url = settings.url
    with Transport(url, settings.auth(), settings.transport_options(), redactor) as scim:
        config = scim.send("GET", "/ServiceProviderConfig")
        found = _read_problem(config, settings, SPC_KEYS)
        if found is not None:
            return found
        users = scim.send("GET", "/Users", params=USERS_PAGE)
        found = _read_problem(users, settings, LIST_KEYS)
    if found is not None:
        return found
    if _status(users) == 404:
        return Problem(
            f"no SCIM API at {url}: GET /Users answered 404 (GET /ServiceProviderConfig "
            f"{_status(config) or 'failed'}){_said(users)}; --url must be the SCIM base URL, "
            f"the one /Users sits under, e.g. {SCIM_BASE_EXAMPLE}",
            ExitCode.USAGE,
        )
    return None


def _read_problem(exchange: Exchange, settings: RunSettings, keys: Sequence[str]) -> Problem | None:
    """What one SCIM read says is wrong; a 404 is judged once both reads are in."""
    url, path = settings.url, _path(exchange, settings.url)
    found = _connection_problem(exchange, url)
    if found is not None:
        return found
    response = exchange.response
    if response is None:
        return None
    if response.status in (401, 403):
        return Problem(
            f"the server refused the credentials: GET {path} answered {response.status}"
            f"{_said(exchange)}; {_credentials(settings)}",
            ExitCode.USAGE,
        )
    if response.status >= 500:
        return Problem(
            f"the server at {url} failed a plain read: GET {path} answered {response.status}"
            f"{_said(exchange)}; nothing can be graded until it answers",
            ExitCode.ERROR,
        )
    if 200 <= response.status < 300:
        wrong = _not_scim(response, keys)
        if wrong is not None:
            return Problem(
                f"not a SCIM API at {url}: GET {path} answered {response.status} with {wrong}; "
                f"--url must be the SCIM base URL, e.g. {SCIM_BASE_EXAMPLE}",
                ExitCode.ERROR,
            )
    return _plain_http_on_tls(exchange, url) if response.status == 400 else None


def _credentials(settings: RunSettings) -> str:
    """The fix for refused credentials, naming where they came from: never a value."""
    mode = settings.auth_mode
    if mode == "bearer":
        return "check the token in SCIM_TOKEN (sent after `Bearer`; --auth header sends it bare)"
    if mode == "header":
        return "check the Authorization value in SCIM_TOKEN (--auth bearer prefixes `Bearer`)"
    if mode == "basic":
        return "check SCIM_BASIC_USER and SCIM_BASIC_PASSWORD (--auth basic)"
    if mode == "oauth":
        return "check the OAuth client (--client-id, SCIM_CLIENT_SECRET) and its --token-url"
    if mode == "oauth-jwt":
        return "check the OAuth client (--client-id, the key in SCIM_CLIENT_KEY), its --token-url"
    return "--auth none sent no credentials: set SCIM_TOKEN and use --auth bearer"


# --- The app probe ------------------------------------------------------------------------------


def _app(settings: RunSettings, redactor: Redactor) -> Problem | None:
    url = settings.app_url or ""
    with Transport(url, settings.app_auth(), settings.transport_options(), redactor) as app:
        lookup = app.send("GET", NO_MEMBER)
        found = _probe_problem(lookup, url)
        if found is not None or _status(lookup) != 404:
            return found
        # "No such member" and "no such endpoint" are both 404: only POST is served at
        # /members (405 for a GET, docs/app-probe.md), so a 404 there means no probe at all.
        members = app.send("GET", MEMBERS)
    if _status(members) == 404:
        return Problem(
            f"no app probe at {url}: GET {MEMBERS} answered 404{_said(members)}; {APP_URL_FIX}",
            ExitCode.USAGE,
        )
    return _probe_problem(members, url)


def _probe_problem(exchange: Exchange, url: str) -> Problem | None:
    found = _connection_problem(exchange, url)
    response = exchange.response
    if found is not None or response is None:
        return found
    where = f"the app probe at {url}: GET {_path(exchange, url)} answered {response.status}"
    if response.status in (401, 403):
        return Problem(
            f"{where}{_said(exchange)}; check the token in SCIM_APP_TOKEN", ExitCode.USAGE
        )
    if response.status >= 500:
        return Problem(f"{where}{_said(exchange)}; the probe must answer a lookup", ExitCode.ERROR)
    if response.body.strip() and _json(response) is None:
        media = response.headers.get("content-type") or "no content type"
        return Problem(
            f"not an app probe: {where} with {media}, not JSON; {APP_URL_FIX}", ExitCode.ERROR
        )
    return None


# --- Shared judgements --------------------------------------------------------------------------


def _connection_problem(exchange: Exchange, url: str) -> Problem | None:
    """Unreachable, or TLS in the way; any other transport error is the run's to grade."""
    error = exchange.error
    if error is None:
        return None
    if error.kind == "unreachable":
        return Problem(
            f"cannot reach {url}: {error.detail}; is the server running there?", ExitCode.ERROR
        )
    if error.kind == "tls":
        return _tls_problem(error.detail, url)
    if error.kind == "connection-reset":
        return _plain_http_on_tls(exchange, url)
    return None


def _tls_problem(detail: str, url: str) -> Problem:
    origin = _origin(url)
    if "CERTIFICATE_VERIFY_FAILED" in detail or "certificate verify failed" in detail:
        return Problem(
            f"the certificate of {origin} is not trusted ({detail}); pass --ca-bundle FILE with "
            "the CA that signed it, or, knowingly, --insecure (every report then says so)",
            ExitCode.USAGE,
        )
    return Problem(
        f"{detail}; if the server speaks plain HTTP on that port, use http:// in --url",
        ExitCode.USAGE,
    )


def _plain_http_on_tls(exchange: Exchange, url: str) -> Problem | None:
    """http:// to a TLS port: servers hang up or answer 400, so the port is asked directly."""
    parts = urlsplit(url)
    if parts.scheme != "http" or (exchange.response is not None and _json(exchange.response)):
        return None
    if not _speaks_tls(parts.hostname or "", parts.port or 80):
        return None
    return Problem(
        f"{_origin(url)} speaks TLS, but --url says http://; use https:// in --url", ExitCode.USAGE
    )


def _speaks_tls(host: str, port: int) -> bool:
    # Only "is this a TLS server?": who it claims to be is the real request's business.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=TLS_PROBE_SECONDS) as raw,
            context.wrap_socket(raw, server_hostname=host),
        ):
            return True
    except OSError:  # ssl.SSLError included
        return False


def _not_scim(response: RecordedResponse, keys: Sequence[str]) -> str | None:
    """What makes a 2xx answer no SCIM answer, or None; invalid JSON labelled JSON is SCIM's own
    failure (graded by `json-media-type` in the run), not a sign of the wrong URL."""
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    body = _json(response)
    if body is None:
        if any(kind in media for kind in JSON_TYPES) and response.body.strip():
            return None
        return f"{media or 'no content type'}, not JSON"
    if not isinstance(body, dict) or not any(key in body for key in keys):
        return "JSON that is no SCIM object (no `schemas`)"
    return None


def _json(response: RecordedResponse) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _said(exchange: Exchange) -> str:
    """The server's own `detail` (already redacted by the transport), kept to one short line."""
    response = exchange.response
    body = _json(response) if response is not None else None
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, str) or not detail.strip():
        return ""
    return f' ("{" ".join(detail.split())[:DETAIL_CHARS]}")'


def _status(exchange: Exchange) -> int | None:
    return exchange.response.status if exchange.response is not None else None


def _path(exchange: Exchange, base_url: str) -> str:
    """The request's path under the base URL, as a user would name the endpoint."""
    path = urlsplit(exchange.request.url).path
    base = urlsplit(base_url).path.rstrip("/")
    return path[len(base) :] if base and path.startswith(base) else path


def _origin(url: str) -> str:
    return urlunsplit((*urlsplit(url)[:2], "", "", ""))
