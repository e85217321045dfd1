"""One HAR 1.2 entry as an exchange, with what it tells about secrets; errors name the entry.

HAR facts this relies on (HAR 1.2, http://www.softwareishard.com/blog/har-12-spec/): headers
are lists of name/value objects (a name may repeat); `postData` holds either `text` or `params`
(a URL-encoded form); `content.text` may be base64 when `content.encoding` says so, and
is absent when the file was saved without bodies; `time` is the sum of the `timings` that apply
(-1 where one does not); a browser writes status 0 for a request that got no answer.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from harness.capture.recording import RecordingError
from harness.transport.exchange import Exchange, RecordedRequest, RecordedResponse
from harness.transport.redaction import MIN_SESSION_COOKIE, SECRET_ATTRIBUTES, body_secrets

_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key"})
# OAuth and login forms and query strings: the transport only meets JSON, a HAR meets these too.
_SECRET_PARAMS = SECRET_ATTRIBUTES | {"id_token", "client_assertion", "assertion", "code", "token"}
_TIMINGS = ("blocked", "dns", "connect", "send", "wait", "receive")


@dataclass(frozen=True, slots=True)
class HarEntry:
    label: str  # `log.entries[N]`, N its place in the file, so a reader can find it there
    started: str
    exchange: Exchange  # not yet redacted; response None when the HAR records no answer
    body_missing: bool
    credentials: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return urlsplit(self.exchange.request.url).path


class _MalformedError(ValueError):
    pass


def entry_at(raw: Any, index: int, name: str) -> HarEntry:
    label = f"log.entries[{index}]"
    try:
        return _entry(raw, label)
    except _MalformedError as problem:
        raise RecordingError(f"{name}: {label}: {problem}") from None


def _entry(raw: Any, label: str) -> HarEntry:
    entry = _object(raw, "the entry")
    request = _object(entry.get("request"), "request")
    response = _object(entry.get("response"), "response")
    method = request.get("method")
    if not isinstance(method, str) or not method:
        raise _MalformedError("request.method is missing or not a string")
    url = _string(request.get("url"), "request.url")
    request_headers = _headers(request.get("headers", []), "request.headers")
    body, secrets = _post_data(request.get("postData"))
    answer, body_missing = _response(response)
    credentials = secrets + _header_credentials(request_headers) + _query_secrets(url)
    credentials += _cookies(request) + _cookies(response)
    if answer is not None:
        credentials += list(body_secrets(answer.body))
        credentials += [v for v in _json_secrets(answer.body) if isinstance(v, str)]
    exchange = Exchange(
        request=RecordedRequest(method=method.upper(), url=url, headers=request_headers, body=body),
        response=answer,
        elapsed_ms=round(_elapsed(entry), 3),  # the precision a recording keeps
        error=None,
    )
    started = entry.get("startedDateTime")
    return HarEntry(
        label=label,
        started=started if isinstance(started, str) else "",
        exchange=exchange,
        body_missing=body_missing,
        credentials=credentials,
    )


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _MalformedError(f"{what} is missing or not an object")
    return value


def _string(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise _MalformedError(f"{what} is missing or not a string")
    return value


def _headers(value: Any, what: str) -> dict[str, str]:
    """Repeated names joined with ", " (RFC 9110 5.3); HTTP/2 pseudo-headers (`:path`) left out."""
    if not isinstance(value, list):
        raise _MalformedError(f"{what} is not a list")
    headers: dict[str, str] = {}
    for number, header in enumerate(value):
        pair = _object(header, f"{what}[{number}]")
        name = _string(pair.get("name"), f"{what}[{number}].name")
        text = _string(pair.get("value"), f"{what}[{number}].value")
        if name.startswith(":"):
            continue
        known = next((k for k in headers if k.lower() == name.lower()), None)
        if known is None:
            headers[name] = text
        else:
            headers[known] = f"{headers[known]}, {text}"
    return headers


def _post_data(value: Any) -> tuple[str | None, list[str]]:
    """The request body (text, or the form `params` encoded back) and the secrets of a form."""
    if value is None:
        return None, []
    data = _object(value, "request.postData")
    if isinstance(data.get("text"), str):
        text = _decoded(data["text"], data.get("encoding"), "request.postData")
        return text, _form_secrets(text, str(data.get("mimeType", "")))
    params = data.get("params", [])
    if not isinstance(params, list):
        raise _MalformedError("request.postData.params is not a list")
    pairs = []
    for number, param in enumerate(params):
        item = _object(param, f"request.postData.params[{number}]")
        name = _string(item.get("name"), f"request.postData.params[{number}].name")
        pairs.append((name, str(item.get("value", ""))))
    secrets = [v for k, v in pairs if k.lower() in _SECRET_PARAMS]
    return urlencode(pairs), secrets


def _response(response: dict[str, Any]) -> tuple[RecordedResponse | None, bool]:
    status = response.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or status > 999:
        raise _MalformedError(f"response.status {status!r} is not an HTTP status")
    headers = _headers(response.get("headers", []), "response.headers")
    if status < 100:  # 0: blocked, aborted, never answered
        return None, False
    content = _object(response.get("content", {}), "response.content")
    text = content.get("text")
    if text is None:
        # -1 is "unknown": a body the file does not hold, unless the status has none.
        size = max(_number(content.get("size"), -1), _number(response.get("bodySize"), -1))
        body, missing = "", status not in (204, 304) and size != 0
    else:
        body = _decoded(_string(text, "response.content.text"), content.get("encoding"), "content")
        missing = False
    lowered = {name.lower(): value for name, value in headers.items()}
    return RecordedResponse(status=status, headers=lowered, body=body, truncated=False), missing


def _decoded(text: str, encoding: Any, what: str) -> str:
    if encoding in (None, ""):
        return text
    if str(encoding).lower() != "base64":
        raise _MalformedError(f"{what}.encoding {encoding!r} is not one this reader knows (base64)")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _MalformedError(f"{what}.text is not valid base64") from None
    return raw.decode("utf-8", errors="replace")


def _number(value: Any, default: float = 0.0) -> float:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if number else default


def _elapsed(entry: dict[str, Any]) -> float:
    """`time`, else the sum of the timings that apply (the spec: `time` is that sum)."""
    total = entry.get("time")
    if isinstance(total, int | float) and not isinstance(total, bool) and total >= 0:
        return float(total)
    timings = entry.get("timings")
    if not isinstance(timings, dict):
        return 0.0
    return sum(max(_number(timings.get(name)), 0.0) for name in _TIMINGS)


def _header_credentials(headers: dict[str, str]) -> list[str]:
    """The token of `Bearer xyz`, a Basic credential and its decoded password, an API key."""
    found: list[str] = []
    for name, value in headers.items():
        if name.lower() not in _CREDENTIAL_HEADERS:
            continue
        scheme, _, credential = value.strip().partition(" ")
        credential = credential.strip() or scheme
        found += [value.strip(), credential]
        if scheme.lower() == "basic":
            found += _basic(credential)
    return found


def _basic(credential: str) -> list[str]:
    try:
        pair = base64.b64decode(credential, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return []
    return [pair, pair.partition(":")[2]]


def _form_secrets(text: str, mime_type: str) -> list[str]:
    if "x-www-form-urlencoded" not in mime_type.lower():
        return []
    return [v for k, v in parse_qsl(text, keep_blank_values=True) if k.lower() in _SECRET_PARAMS]


def _query_secrets(url: str) -> list[str]:
    query = urlsplit(url).query
    return [v for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() in _SECRET_PARAMS]


def _cookies(message: dict[str, Any]) -> list[str]:
    """HAR lists cookies apart from the headers too; a session cookie is a credential."""
    cookies = message.get("cookies", [])
    if not isinstance(cookies, list):
        return []
    values = (c.get("value") for c in cookies if isinstance(c, dict))
    return [v for v in values if isinstance(v, str) and len(v) >= MIN_SESSION_COOKIE]


def _json_secrets(body: str) -> list[Any]:
    """An OpenID `id_token` beside the access token: not a SCIM attribute, still a credential."""
    if "id_token" not in body:
        return []
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return []
    return [document.get("id_token")] if isinstance(document, dict) else []
