"""One request of the recording proxy sent on to the upstream server, and what came back.

The client is the one the transport uses (`requests`, no ambient proxies, netrc or cookie jar,
the run's TLS options), but nothing is added to what the IdP sent: no default User-Agent, Accept
or Accept-Encoding, no redirect followed. Only hop-by-hop headers (RFC 9110 7.6.1) stay behind.
`send` never raises for what the network or the upstream did: the result's `error` says it, in
the transport's error kinds, and the proxy answers the IdP 502 or 504.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy

import requests
import urllib3
from urllib3.util import SKIP_HEADER

from harness.transport.client import CHUNK_BYTES, TransportOptions, classify_failure, join_url
from harness.transport.exchange import RecordedRequest, RecordedResponse, TransportError

Headers = Sequence[tuple[str, str]]

# Hop-by-hop headers (RFC 9110 7.6.1), the proxy's own `Host`, and what the client recomputes for
# the body it sends. `Expect: 100-continue` is answered by the proxy's server already.
NOT_FORWARDED = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "expect",
    }
)
# urllib3 adds these when a request has none; the IdP sent none, so none is sent.
SKIPPABLE = ("user-agent", "accept-encoding")
# The answer is read decoded (a recording holds text), so its encoding and length are the proxy's.
NOT_RETURNED = NOT_FORWARDED | {"content-encoding"}
NO_BODY_STATUSES = frozenset({204, 304})


@dataclass(frozen=True, slots=True)
class Answer:
    """The upstream's answer as the IdP gets it, and as the recording keeps it."""

    status: int
    headers: list[tuple[str, str]]  # in order, repeated names kept (several Set-Cookie)
    body: bytes
    recorded: RecordedResponse


@dataclass(frozen=True, slots=True)
class Forwarded:
    request: RecordedRequest
    answer: Answer | None  # None: nothing to relay (the proxy answers 502/504), `error` says why
    error: TransportError | None
    elapsed_ms: float
    cut: RecordedResponse | None = None  # an answer too large to relay, its first bytes kept

    @property
    def response(self) -> RecordedResponse | None:
        """What the recording keeps of the upstream's answer."""
        return self.answer.recorded if self.answer is not None else self.cut


class Forwarder:
    def __init__(self, upstream: str, options: TransportOptions) -> None:
        self.upstream = upstream
        self.options = options
        self._session = _session(options)

    def send(self, method: str, target: str, headers: Headers, body: bytes) -> Forwarded:
        """`target` is the path and query the IdP asked of the proxy, resolved under the upstream
        URL as `scimcert run --url` resolves a scenario's paths (its path and query kept)."""
        started = time.perf_counter()
        url = join_url(self.upstream, target)
        limit = self.options.max_body_bytes
        recorded = RecordedRequest(
            method=method,
            url=url,
            headers=_recorded(headers),
            body=body[:limit].decode("utf-8", errors="replace") if body else None,
        )
        sends_body = bool(body) or any(name.lower() == "content-length" for name, _ in headers)
        timeout = self.options.timeout
        try:
            response = self._session.request(
                method,
                url,
                headers=_outgoing(headers),
                data=body if sends_body else None,
                stream=True,
                allow_redirects=False,
                timeout=(timeout, timeout),
            )
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            return Forwarded(recorded, None, classify_failure(exc, url, timeout), _since(started))
        with response:
            return self._read(response, recorded, started)

    def close(self) -> None:
        self._session.close()

    def _read(
        self, response: requests.Response, request: RecordedRequest, started: float
    ) -> Forwarded:
        limit = self.options.max_body_bytes
        body = bytearray()
        try:
            for chunk in response.iter_content(CHUNK_BYTES):
                body += chunk
                if len(body) > limit:
                    detail = f"the answer exceeded {limit} bytes once decoded; not relayed"
                    error = TransportError(kind="body-too-large", detail=detail)
                    cut = _recorded_response(response, bytes(body[:limit]), truncated=True)
                    return Forwarded(request, None, error, _since(started), cut)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            error = classify_failure(exc, request.url, self.options.timeout)
            cut = _recorded_response(response, bytes(body), truncated=True)
            return Forwarded(request, None, error, _since(started), cut)
        recorded = _recorded_response(response, bytes(body), truncated=False)
        headers = _returned(response, request.method, len(body))
        answer = Answer(response.status_code, headers, bytes(body), recorded)
        return Forwarded(request, answer, None, _since(started))


def _recorded_response(
    response: requests.Response, body: bytes, *, truncated: bool
) -> RecordedResponse:
    return RecordedResponse(
        status=response.status_code,
        headers={name.lower(): value for name, value in response.headers.items()},
        body=body.decode("utf-8", errors="replace"),
        truncated=truncated,
    )


def _session(options: TransportOptions) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # a stray HTTPS_PROXY or .netrc must not reroute the IdP's token
    session.verify = options.ca_bundle or not options.insecure
    if session.verify is False:
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    session.headers.clear()  # what the IdP sent, nothing of requests' own
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return session


def _joined(headers: Headers, keep: frozenset[str] | None = None) -> dict[str, str]:
    """Repeated names in one value, as HTTP allows (cookies with "; ", RFC 6265 5.4)."""
    joined: dict[str, str] = {}
    for name, value in headers:
        lowered = name.lower()
        if keep is not None and lowered in keep:
            continue
        if lowered in joined:
            joined[lowered] += ("; " if lowered == "cookie" else ", ") + value
        else:
            joined[lowered] = value
    return joined


def _recorded(headers: Headers) -> dict[str, str]:
    """What the IdP sent, but the proxy's own host (the tunnel's name, not the server's)."""
    return _joined(headers, frozenset({"host"}))


def _outgoing(headers: Headers) -> dict[str, str]:
    named = {
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
    }
    outgoing = _joined(headers, NOT_FORWARDED | named)
    for name in SKIPPABLE:
        outgoing.setdefault(name, SKIP_HEADER)
    return outgoing


def _returned(response: requests.Response, method: str, length: int) -> list[tuple[str, str]]:
    raw = list(response.raw.headers.items()) if response.raw is not None else []
    encoded = any(name.lower() == "content-encoding" for name, _ in raw)
    headers = [(name, value) for name, value in raw if name.lower() not in NOT_RETURNED]
    status = response.status_code
    if method.upper() == "HEAD":
        # The length of the body a GET would get: kept, unless that body was encoded.
        if not encoded:
            headers += [(n, v) for n, v in raw if n.lower() == "content-length"]
    elif status >= 200 and status not in NO_BODY_STATUSES:
        headers.append(("content-length", str(length)))
    return headers


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
