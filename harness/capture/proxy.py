"""The recording reverse proxy: an IdP talks to it, it talks to the server, a recording remembers.

It listens on loopback only (a tunnel the user already runs brings the IdP in) and passes every
request on to the upstream URL unchanged but for hop-by-hop headers, and every answer back
unchanged but for its content coding (`forward.py`). Each exchange becomes one `Take`, scrubbed of
secrets by a `Redactor` that lives as long as the proxy (a password the IdP sent is scrubbed from
every later answer; the IdP's token, learnt from its `Authorization`, wherever the server echoes
it), then handed to `transform` (the lead's scrubber of personal data), then written and flushed
before the IdP gets its answer: the file's order is the wire's, and a killed proxy loses nothing
it answered. The header is written first with no IdP; a clean `stop` recognises the IdP
(`recognise.py`) and rewrites the header in place, atomically (docs/recordings.md).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from harness.capture.forward import Forwarded, Forwarder
from harness.capture.recognise import Recogniser, Recognition
from harness.capture.recording import RecordingHeader, RecordingWriter, Take, header_record
from harness.transport.client import DEFAULT_OPTIONS, TransportOptions
from harness.transport.exchange import Exchange
from harness.transport.redaction import credential_values
from harness.transport.redactor import Redactor

LOOPBACK = "127.0.0.1"
SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
STARTUP_SECONDS = 10.0
# In-flight exchanges get this long to finish when the proxy stops; the rest are not recorded.
GRACE_SECONDS = 5

Transform = Callable[[Take], Take]
Listener = Callable[[Take], None]


class ProxyError(ValueError):
    """A setting the proxy cannot start with; the message is one line for the user."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProxySettings:
    upstream: str
    out: Path
    host: str = LOOPBACK
    port: int = 0
    options: TransportOptions = DEFAULT_OPTIONS  # timeout, body limit, TLS
    # Applied to each take (already free of secrets) before it is written: the scrubber's hook.
    # Called on a worker thread, one take at a time, in the file's order.
    transform: Transform | None = None
    # Told of each take as written (the command prints a line); likewise one at a time.
    listener: Listener | None = None
    # What the transform replaced, kind -> count, read once when the recording is finished.
    scrubbed: Callable[[], Mapping[str, int]] | None = None
    notes: tuple[str, ...] = ()  # what the header says from the start


@dataclass(frozen=True, slots=True)
class Summary:
    """A finished recording: where, how many exchanges, which IdP and why."""

    path: Path
    exchanges: int
    recognised: Recognition
    notes: tuple[str, ...]


def check_upstream(url: str) -> str:
    """The upstream URL, or ProxyError saying what is wrong with it."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - read for the ValueError of a bad port
    except ValueError as error:
        raise ProxyError(f"--upstream {url!r} is not a URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProxyError(f"--upstream {url!r} must be an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise ProxyError("--upstream must not carry credentials; the IdP sends its own")
    if parts.fragment:
        raise ProxyError(f"--upstream {url!r} must not have a #fragment")
    return url


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is written, so a taken port fails first."""
    if host != LOOPBACK:
        raise ProxyError(
            f"the proxy listens on {LOOPBACK} only, not {host!r}; bring the IdP in through a "
            "tunnel to that address"
        )
    if not 0 <= port <= 65535:
        raise ProxyError(f"--port {port} is not a TCP port (0 picks a free one)")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise ProxyError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


class RecordingProxy:
    """Built bound and with its file open (ProxyError otherwise); `start`, then `stop` once."""

    def __init__(self, settings: ProxySettings) -> None:
        self.settings = settings
        upstream = check_upstream(settings.upstream)
        self._socket = bind(settings.host, settings.port)
        self.port: int = self._socket.getsockname()[1]
        self._header = RecordingHeader(
            source="proxy",
            origin=upstream,
            recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
            notes=settings.notes,
        )
        try:
            self._writer = RecordingWriter(settings.out, self._header)
        except OSError as error:
            self._socket.close()
            raise ProxyError(f"cannot write {settings.out}: {error.strerror or error}") from None
        self._forwarder = Forwarder(upstream, settings.options)
        self._redactor = Redactor()
        self._recogniser = Recogniser()
        self._lock = threading.Lock()
        self._count = 0
        self._late = 0  # exchanges that ended after the file was finished
        self._closed = False
        self._summary: Summary | None = None
        config = uvicorn.Config(
            self._app,
            access_log=False,  # a path's query holds personal data (filters); the command prints
            log_level="warning",
            lifespan="off",
            interface="asgi3",
            proxy_headers=False,  # the tunnel's X-Forwarded-* are recorded, never acted upon
            server_header=False,  # the upstream's Server and Date go back unchanged
            date_header=False,
            ws="none",
            timeout_graceful_shutdown=GRACE_SECONDS,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ProxyError(f"the proxy did not start on {self.url}")
            time.sleep(0.01)

    def stop(self) -> Summary:
        """Stop serving (in-flight exchanges get GRACE_SECONDS), finish the file, recognise.
        Once: a second call returns the same summary."""
        if self._summary is None:
            self._server.should_exit = True
            if self._thread.is_alive():
                self._thread.join()
            self._socket.close()
            self._forwarder.close()
            self._summary = self._finish_file()
        return self._summary

    # --- The ASGI application -------------------------------------------------------------

    async def _app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        body = await request.body()
        target = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string") or b""
        if query:
            target += b"?" + query
        headers = [
            (name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]
        ]
        forwarded = await run_in_threadpool(
            self._forwarder.send, scope["method"], target.decode("latin-1"), headers, body
        )
        await run_in_threadpool(self._record, forwarded)
        await _response(forwarded)(scope, receive, send)

    # --- The file -------------------------------------------------------------------------

    def _record(self, forwarded: Forwarded) -> None:
        exchange = Exchange(
            request=forwarded.request,
            response=forwarded.response,
            elapsed_ms=forwarded.elapsed_ms,
            error=forwarded.error,
        )
        # The IdP's own credentials: the proxy never held them, so it learns them as they pass.
        self._redactor.learn(credential_values(exchange.request.headers))
        take = Take(exchange=self._redactor.exchange(exchange))
        # One at a time: a scrubber keeping pseudonyms consistent needs no lock of its own.
        with self._lock:
            if self._closed:
                self._late += 1
                return
            if self.settings.transform is not None:
                take = self.settings.transform(take)
            self._writer.add(take)
            self._count += 1
            self._recogniser.see(take)
            if self.settings.listener is not None:
                self.settings.listener(take)

    def _finish_file(self) -> Summary:
        with self._lock:
            self._closed = True
            self._writer.close()
        recognised = self._recogniser.result()
        notes = [*self._header.notes, recognised.evidence]
        if self._late:
            notes.append(f"{self._late} exchanges still running at the stop were not recorded")
        scrubbed = dict(self.settings.scrubbed()) if self.settings.scrubbed else {}
        header = replace(self._header, idp=recognised.idp, notes=tuple(notes), scrubbed=scrubbed)
        _rewrite_header(self.settings.out, header)
        return Summary(self.settings.out, self._count, recognised, header.notes)


def _rewrite_header(path: Path, header: RecordingHeader) -> None:
    """The file with its first line replaced, through a sibling file and one rename: a reader
    (or a crash) sees the old file or the new one, never half of each."""
    staging = path.with_name(f".{path.name}.tmp")
    with path.open("r", encoding="utf-8") as source, staging.open("w", encoding="utf-8") as target:
        source.readline()
        target.write(json.dumps(header_record(header), ensure_ascii=False) + "\n")
        shutil.copyfileobj(source, target)
        target.flush()
        os.fsync(target.fileno())
    staging.replace(path)


def _response(forwarded: Forwarded) -> Response:
    answer = forwarded.answer
    if answer is None:
        return _failure(forwarded)
    response = Response(content=answer.body, status_code=answer.status)
    response.raw_headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers
    ]
    return response


def _failure(forwarded: Forwarded) -> Response:
    """502, or 504 for a timeout, with a SCIM error the IdP can show (RFC 7644 3.12)."""
    error = forwarded.error
    status = 504 if error is not None and error.kind == "timeout" else 502
    detail = error.detail if error is not None else "no answer"
    body: dict[str, Any] = {
        "schemas": [SCIM_ERROR],
        "status": str(status),
        "detail": f"scimcert record: the upstream server did not answer ({detail})",
    }
    return Response(
        content=json.dumps(body).encode(),
        status_code=status,
        media_type="application/scim+json",
    )
