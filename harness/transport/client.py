"""One HTTP round trip to the target: bounded in time and size, recorded, redacted.

The target may be hostile or broken (docs/robustness.md#a-hostile-target), so every exchange has a
wall-clock deadline, a decoded-body cap, no cross-origin redirects and no ambient proxies, cookies
or netrc. `send` never raises for what the network or the server did: it returns an `Exchange` whose
`error` says what went wrong. Only programming errors (and `AuthError`, which is configuration, not
the target's doing) propagate."""

from __future__ import annotations

import contextlib
import heapq
import http.client
import itertools
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import HTTPResponse
from urllib3.util import SKIP_HEADER
from urllib3.util.response import assert_header_parsing

from harness.transport.auth import Auth
from harness.transport.breaker import Breaker, path_shape
from harness.transport.exchange import (
    Exchange,
    RecordedRequest,
    RecordedResponse,
    TransportError,
)
from harness.transport.redactor import Redactor

SCIM_JSON = "application/scim+json"
CHUNK_BYTES = 8192
MAX_HOPS = 3
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RESENDING_REDIRECTS = frozenset({307, 308})  # the only ones that keep the method and the body
DEFAULT_PORTS = {"http": 80, "https": 443}
_INVALID_URL = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.URLRequired,
)


@dataclass(frozen=True)
class TransportOptions:
    timeout: float = 30.0
    max_body_bytes: int = 10 * 1024 * 1024
    ca_bundle: str | None = None
    insecure: bool = False
    user_agent: str = "scimcert"
    # Shared by every transport built from these options: a run's endpoints that stopped
    # answering (harness/transport/breaker.py). None sends every request, whatever happened before.
    breaker: Breaker | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.max_body_bytes <= 0:
            raise ValueError("timeout and max_body_bytes must be positive")


DEFAULT_OPTIONS = TransportOptions()


# --- The wall-clock deadline -------------------------------------------------------------------
# Socket timeouts only measure inactivity, and a blocking read of N bytes (or of a status line)
# keeps waiting while a server drips one byte at a time. So a timer shuts the exchange's socket
# down at the deadline: the blocked read returns at once and the exchange ends as a timeout.

_current = threading.local()


def _shutdown(sock: socket.socket) -> None:
    # Already closed means nothing is left to wake. The base method on purpose: it acts on the
    # descriptor and leaves an SSL object alone, which another thread may be reading through.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.expired = False
        self.done = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._outer: _Deadline | None = None

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shutdown(sock)

    def expire(self) -> None:
        with self._lock:
            if not self.done:  # after `done` the socket may already serve another exchange
                self.expired = True
                for sock in self._sockets:
                    _shutdown(sock)

    def __enter__(self) -> _Deadline:
        self._outer = getattr(_current, "deadline", None)
        _current.deadline = self
        _WATCHDOG.watch(self)
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        with self._lock:
            self.done = True
        _current.deadline = self._outer


class _Watchdog:
    """One thread per process that expires the deadlines of exchanges still running.

    A timer thread per exchange cost the harness more CPU than the exchange's checks did
    (benchmarks/RESULTS.md); finished deadlines leave the queue when they reach its head.
    """

    def __init__(self) -> None:
        self._wakeup = threading.Condition()
        self._queue: list[tuple[float, int, _Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: _Deadline) -> None:
        with self._wakeup:
            heapq.heappush(self._queue, (deadline.at, next(self._order), deadline))
            if self._thread is None or not self._thread.is_alive():  # first use, or a fork
                self._thread = threading.Thread(
                    target=self._run, name="scimcert-deadlines", daemon=True
                )
                self._thread.start()
            elif self._queue[0][2] is deadline:
                self._wakeup.notify()

    def _run(self) -> None:
        with self._wakeup:
            while True:
                while self._queue and self._queue[0][2].done:
                    heapq.heappop(self._queue)
                if not self._queue:
                    self._wakeup.wait()
                    continue
                wait = self._queue[0][0] - time.monotonic()
                if wait > 0:
                    self._wakeup.wait(wait)
                    continue
                heapq.heappop(self._queue)[2].expire()


_WATCHDOG = _Watchdog()


def _watch(sock: socket.socket | None) -> None:
    deadline: _Deadline | None = getattr(_current, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.attach(sock)


class _MalformedHeaders(http.client.HTTPException):
    """The header block did not parse: a broken line, or the connection cut in the middle."""


class _LastLine:
    """The response's reader, remembering the last line read: http.client ends a header block
    at EOF as quietly as at the empty line, so only this tells a cut one from a complete one."""

    def __init__(self, fp: Any) -> None:
        self.fp = fp
        self.last: bytes | None = None

    def readline(self, *args: Any) -> bytes:
        self.last = self.fp.readline(*args)
        return self.last

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fp, name)


class _StrictResponse(http.client.HTTPResponse):
    def begin(self) -> None:
        watched = _LastLine(self.fp)
        self.fp = watched  # type: ignore[assignment]
        try:
            super().begin()
        finally:
            current: object = self.fp  # None once http.client has closed it
            if current is watched:
                self.fp = watched.fp
        if watched.last == b"":
            # The status line arrived, then the connection closed before the empty line.
            raise _MalformedHeaders("the connection closed before the header block ended")
        # http.client only notes a broken header block as "defects"; urllib3 merely logs them.
        try:
            assert_header_parsing(self.msg)
        except urllib3.exceptions.HeaderParsingError as exc:
            raise _MalformedHeaders(str(exc)[:200]) from None


class _WatchedHTTPConnection(HTTPConnection):
    response_class = _StrictResponse

    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        _watch(self.sock)  # the request is sent; from here on the server holds the pace
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    response_class = _StrictResponse

    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        _watch(self.sock)
        return super().getresponse()


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


# --- URLs ---------------------------------------------------------------------------------------


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme)


def _same_origin(url: str, other: str) -> bool:
    try:
        return _origin(url) == _origin(other)
    except ValueError:  # an unparseable port is never "the same place"
        return False


def _encode_params(params: Mapping[str, str]) -> str:
    # quote(safe=""), not urlencode: spaces become %20 (Okta 2019+), and "/" or "@" are escaped.
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params.items())


def _present(headers: Mapping[str, str | None]) -> dict[str, str]:
    """Headers as sent: a None value withholds a default header (requests drops it)."""
    return {name: value for name, value in headers.items() if value is not None}


def _withheld(headers: Mapping[str, str | None]) -> dict[str, str | None]:
    """The headers for requests: a withheld User-Agent must not become urllib3's own.

    requests drops a None value, and urllib3 then adds `python-urllib3/x` for a missing
    User-Agent; its SKIP_HEADER marker sends none (Okta's SPEC POSTs carry none,
    docs/idp/okta.md#headers).
    """
    return {
        name: SKIP_HEADER if value is None and name.lower() == "user-agent" else value
        for name, value in headers.items()
    }


def join_url(base_url: str, path: str, params: Mapping[str, str] | None = None) -> str:
    """`path` under the base URL, keeping the base path and query (Entra's aadOptscim062020)."""
    base = urlsplit(base_url)
    target = urlsplit(path)
    if target.scheme:  # "//x" stays a path: a doubled slash must never pick another host
        if not _same_origin(path, base_url):
            raise ValueError(f"{path} is not on the target's origin; not sent")
        joined, query = target.path, target.query
    else:
        relative, _, own_query = path.partition("?")
        relative = relative.partition("#")[0].lstrip("/")
        joined = f"{base.path.rstrip('/')}/{relative}" if relative else base.path
        query = "&".join(q for q in (base.query, own_query) if q)
    if params:
        query = "&".join(q for q in (query, _encode_params(params)) if q)
    return urlunsplit((base.scheme, base.netloc, joined, query, ""))


# --- What went wrong ----------------------------------------------------------------------------


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps: requests nests urllib3, which nests the socket."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        pending += [e for e in [*inner, *current.args] if isinstance(e, BaseException)]


def _find(exc: BaseException, *kinds: type[BaseException]) -> BaseException | None:
    return next((e for e in _causes(exc) if isinstance(e, kinds)), None)


def _unreachable_detail(exc: BaseException, origin: str) -> str | None:
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"no connection to {origin} could be opened in time"
    if _find(exc, socket.gaierror, urllib3.exceptions.NameResolutionError):
        return f"the host name of {origin} could not be resolved"
    if _find(exc, ConnectionRefusedError):
        return f"nothing answered at {origin}: connection refused"
    refused = _find(exc, urllib3.exceptions.NewConnectionError)
    if refused is not None:
        return f"no connection to {origin} could be opened: {_short(refused)}"
    return None


def _reset_detail(exc: BaseException) -> str:
    bad = _find(exc, http.client.BadStatusLine)
    if bad is not None and not isinstance(bad, http.client.RemoteDisconnected):
        return f"the server sent a malformed status line {str(bad)[:80]!r}"
    malformed = _find(exc, _MalformedHeaders)
    if malformed is not None:
        return f"the server sent a malformed header block ({malformed})"
    if _find(exc, requests.exceptions.ContentDecodingError):
        return "the server's body could not be decompressed as its Content-Encoding says"
    return f"the server closed or broke the connection before a complete answer ({_short(exc)})"


def _short(exc: BaseException) -> str:
    innermost = list(_causes(exc))[-1]
    return f"{type(innermost).__name__}: {innermost}"[:200]


def _timed_out(timeout: float) -> TransportError:
    return TransportError(kind="timeout", detail=f"no complete answer within {timeout} s")


def _classify(exc: BaseException, deadline: _Deadline, url: str, timeout: float) -> TransportError:
    return classify_failure(exc, url, timeout, expired=deadline.expired)


def classify_failure(
    exc: BaseException, url: str, timeout: float, *, expired: bool = False
) -> TransportError:
    """The error kind and a sentence for a request to `url` that raised `exc` (the recording
    proxy's forwards are judged by it too); `expired`: the request's own deadline passed."""
    origin = urlunsplit((*urlsplit(url)[:2], "", "", ""))
    unreachable = _unreachable_detail(exc, origin)
    if unreachable is not None:
        return TransportError(kind="unreachable", detail=unreachable)
    timed_out = (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError)
    if expired or _find(exc, *timed_out):
        return _timed_out(timeout)
    if _find(exc, ssl.SSLError, requests.exceptions.SSLError):
        return TransportError(kind="tls", detail=f"TLS with {origin} failed: {_short(exc)}")
    if isinstance(exc, _INVALID_URL):
        return TransportError(kind="invalid-url", detail=f"{url!r} is not a usable URL: {exc}")
    return TransportError(kind="connection-reset", detail=_reset_detail(exc))


# --- Recording ----------------------------------------------------------------------------------


class _Result(NamedTuple):
    request: RecordedRequest
    response: RecordedResponse | None
    error: TransportError | None


def _body_bytes(json_body: Any, data: bytes | str | None) -> bytes | None:
    if json_body is not None and data is not None:
        raise ValueError("pass json_body or data, not both")
    if json_body is not None:
        return json.dumps(json_body, ensure_ascii=False).encode("utf-8")
    return data.encode("utf-8") if isinstance(data, str) else data


def _text(body: bytes | str | None) -> str | None:
    if isinstance(body, bytes):
        return body.decode("utf-8", errors="replace")
    return body


def _record_request(prepared: requests.PreparedRequest) -> RecordedRequest:
    headers = {name: str(value) for name, value in prepared.headers.items() if value != SKIP_HEADER}
    return RecordedRequest(
        method=prepared.method or "",
        url=prepared.url or "",
        headers=headers,
        body=_text(prepared.body),
    )


def _record_response(response: requests.Response, body: bytes, truncated: bool) -> RecordedResponse:
    return RecordedResponse(
        status=response.status_code,
        headers={name.lower(): value for name, value in response.headers.items()},
        body=body.decode("utf-8", errors="replace"),
        truncated=truncated,
    )


def _redirect_target(result: _Result, url: str) -> str | None:
    response = result.response
    if result.error or response is None or response.status not in REDIRECTS:
        return None
    location = response.headers.get("location")
    if not location:
        return None
    try:
        return urljoin(url, location)
    except ValueError:
        return location  # unparseable: compared as is, so it can never pass as the same origin


def _new_session(options: TransportOptions) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # a stray HTTPS_PROXY or .netrc must not reroute the token
    session.verify = options.ca_bundle or not options.insecure
    if session.verify is False:
        # Opted into loudly (and recorded in the report) by the user; a per-request warning would
        # only turn into an exception under `-W error` and break the "never raises" promise.
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    session.headers.update({"User-Agent": options.user_agent, "Accept": SCIM_JSON})
    # No cookie jar: a session cookie would let an unauthenticated probe in and hide a 401.
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    adapter = _WatchedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _not_sent(
    method: str,
    url: str,
    headers: CaseInsensitiveDict[str | None],
    body: bytes | None,
    reason: str,
) -> _Result:
    """A request the breaker held back: recorded as it would have gone, with the reason."""
    request = RecordedRequest(
        method=method.upper(), url=url, headers=_present(headers), body=_text(body)
    )
    return _Result(request, None, TransportError(kind="not-sent", detail=reason))


# --- The transport ------------------------------------------------------------------------------


class Transport:
    """Sends requests to one SCIM base URL over one `requests.Session`."""

    def __init__(
        self,
        base_url: str,
        auth: Auth,
        options: TransportOptions = DEFAULT_OPTIONS,
        redactor: Redactor | None = None,
    ) -> None:
        self.base_url = base_url
        self.options = options
        self._auth = auth
        # One per run when given (`redactor.py`): what one transport learns, all of them scrub.
        self.redactor = redactor or Redactor()
        self.redactor.trust(auth)
        self._session = _new_session(options)

    def url(self, path: str) -> str:
        return join_url(self.base_url, path)

    def send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str | None] | None = None,
        json_body: Any = None,
        data: bytes | str | None = None,
        authenticate: bool = True,
        params: Mapping[str, str] | None = None,
    ) -> Exchange:
        started = time.perf_counter()
        body = _body_bytes(json_body, data)
        shape = self._shape(path)
        refusal = self._refusal(method, shape)
        with _Deadline(self.options.timeout) as deadline:
            merged: CaseInsensitiveDict[str | None] = CaseInsensitiveDict()
            if json_body is not None:
                merged["Content-Type"] = f"{SCIM_JSON}; charset=utf-8"
            if authenticate:
                merged.update(self._auth.headers(self._session))
            merged.update(headers or {})  # the caller's headers win, e.g. a deliberately bad token
            if refusal is not None:
                result = _not_sent(method, self._url_or_path(path, params), merged, body, refusal)
            else:
                result = self._dispatch(method, path, params, merged, body, deadline)
                self._remember(method, shape, result.error)
        exchange = Exchange(
            request=result.request,
            response=result.response,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            error=result.error,
        )
        return self.redactor.exchange(exchange)

    def close(self) -> None:
        self._session.close()

    def _shape(self, path: str) -> str | None:
        """The endpoint a path names, for the breaker; None when there is none to consult."""
        if self.options.breaker is None:
            return None
        try:
            return path_shape(self.base_url, join_url(self.base_url, path))
        except ValueError:
            return None  # an unusable or foreign URL: _dispatch says so without sending

    def _refusal(self, method: str, shape: str | None) -> str | None:
        breaker = self.options.breaker
        if breaker is None or shape is None:
            return None
        return breaker.refusal(self.base_url, method, shape, self.options.timeout)

    def _remember(self, method: str, shape: str | None, error: TransportError | None) -> None:
        if self.options.breaker is not None and shape is not None:
            timed_out = error is not None and error.kind == "timeout"
            self.options.breaker.record(self.base_url, method, shape, timed_out=timed_out)

    def _url_or_path(self, path: str, params: Mapping[str, str] | None) -> str:
        try:
            return join_url(self.base_url, path, params)
        except ValueError:
            return path

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def _dispatch(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        headers: CaseInsensitiveDict[str | None],
        body: bytes | None,
        deadline: _Deadline,
    ) -> _Result:
        try:
            url = join_url(self.base_url, path, params)
        except ValueError as exc:
            request = RecordedRequest(
                method=method.upper(), url=path, headers=_present(headers), body=_text(body)
            )
            return _Result(request, None, TransportError(kind="invalid-url", detail=str(exc)))
        hops = 0
        while True:
            result = self._round_trip(method, url, headers, body, deadline)
            target = _redirect_target(result, url)
            if target is None:
                return result
            if not _same_origin(target, url):
                detail = f"the server redirected to {target}; not followed, credentials withheld"
                return result._replace(error=TransportError(kind="redirect-refused", detail=detail))
            # A same-origin 301/302/303 is the server's answer, for the checks to judge.
            if result.response is None or result.response.status not in RESENDING_REDIRECTS:
                return result
            if hops == MAX_HOPS:
                detail = f"the server redirected more than {MAX_HOPS} times; stopped at {target}"
                return result._replace(error=TransportError(kind="redirect-refused", detail=detail))
            hops, url = hops + 1, target

    def _round_trip(
        self,
        method: str,
        url: str,
        headers: CaseInsensitiveDict[str | None],
        body: bytes | None,
        deadline: _Deadline,
    ) -> _Result:
        request = RecordedRequest(
            method=method.upper(), url=url, headers=_present(headers), body=_text(body)
        )
        try:
            prepared = self._session.prepare_request(
                requests.Request(method, url, headers=_withheld(headers), data=body)
            )
        except _INVALID_URL as exc:
            return _Result(request, None, _classify(exc, deadline, url, self.options.timeout))
        request = _record_request(prepared)
        remaining = deadline.remaining()
        if remaining <= 0:
            return _Result(request, None, _timed_out(self.options.timeout))
        try:
            # The read timeout only bounds waiting for the status line; _Deadline bounds the rest.
            response = self._session.send(
                prepared, stream=True, allow_redirects=False, timeout=(remaining, remaining)
            )
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            return _Result(request, None, _classify(exc, deadline, url, self.options.timeout))
        with response:
            recorded, error = self._read(response, deadline, url)
        return _Result(request, recorded, error)

    def _read(
        self, response: requests.Response, deadline: _Deadline, url: str
    ) -> tuple[RecordedResponse, TransportError | None]:
        limit = self.options.max_body_bytes
        body = bytearray()
        error: TransportError | None = None
        try:
            # Decoded chunks: a gzip bomb is measured after decompression, not on the wire.
            for chunk in response.iter_content(CHUNK_BYTES):
                body += chunk
                if len(body) > limit:
                    del body[limit:]
                    detail = f"the body exceeded {limit} bytes once decoded; reading stopped"
                    error = TransportError(kind="body-too-large", detail=detail)
                    break
                if deadline.remaining() <= 0:
                    error = _timed_out(self.options.timeout)
                    break
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            error = _classify(exc, deadline, url, self.options.timeout)
        if error is None and deadline.expired:
            # The cut socket read as an early end: http.client takes EOF for the end of headers.
            error = _timed_out(self.options.timeout)
        return _record_response(response, bytes(body), truncated=error is not None), error
