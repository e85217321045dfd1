"""A hostile target: a loopback proxy in front of the reference server that echoes secrets.

Every answer carries back what it was sent: the Authorization value in a header, in an error's
`detail` and in a custom attribute of each resource; each password the request carried, and the
one an earlier request carried (in a header of answers whose body names no password); for a
resource, the one its create sent, as `password` itself in GET answers; a session cookie it
sets, which it also writes into bodies; and all of them in the Location URL. It finds passwords
on its own terms (not with the harness's code), so a blind spot of the redactor cannot hide one
from the scanner.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

COOKIE = "sess-a+b/c%-planted-cookie"
NOTE = "urn:example:echo:note"
HOP_HEADERS = frozenset({"connection", "content-length", "transfer-encoding", "keep-alive"})


def passwords_in(document: Any) -> Iterator[str]:
    """Strings held by any key ending in `password`, or by a PATCH value whose path names it."""
    if isinstance(document, list):
        for item in document:
            yield from passwords_in(item)
    elif isinstance(document, dict):
        patching = "password" in str(document.get("path", "")).lower()
        for key, item in document.items():
            if str(key).lower().endswith("password") or (patching and key == "value"):
                yield from _strings(item)
            else:
                yield from passwords_in(item)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _strings(item)


def _resources(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    listed = body.get("Resources")
    if isinstance(listed, list):
        return [r for r in listed if isinstance(r, dict)]
    return [body] if "id" in body else []


class _Echo(BaseHTTPRequestHandler):
    upstream: ClassVar[tuple[str, int]] = ("127.0.0.1", 0)
    seen: ClassVar[set[str]] = set()  # every password any request carried
    stored: ClassVar[dict[str, str]] = {}  # resource id -> the password its create carried
    last: ClassVar[list[str]] = []  # the last password any request carried
    echoed: ClassVar[Counter[str]] = Counter()  # what was planted, by channel
    lock: ClassVar[threading.Lock] = threading.Lock()

    def _relay(self) -> None:
        sent = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization", "")
        try:
            passwords = sorted(set(passwords_in(json.loads(sent)))) if sent else []
        except ValueError:
            passwords = []
        with self.lock:
            self.seen.update(passwords)
            # What an earlier request sent, in an answer whose body names no password.
            earlier = self.last[0] if self.last else ""
            self.last[:] = passwords[-1:] or self.last
        status, headers, body = self._forward(sent)
        body = self._poisoned(status, body, auth, passwords)
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP_HEADERS:
                if name.lower() == "location":
                    value = f"{value}?session={quote(COOKIE)}&auth={quote(auth)}"
                    value += f"&pw={quote(' '.join(passwords))}"
                    self._count("location")
                self.send_header(name, value)
        self.send_header("Set-Cookie", f"scimsession={COOKIE}; Path=/; HttpOnly")
        self.send_header("X-Echo", f"{auth} {' '.join(passwords)} {COOKIE}")
        self.send_header("X-Echo-Earlier", earlier)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _forward(self, sent: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
            connection.request(self.command, self.path, body=sent or None, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.getheaders(), answer.read()
        finally:
            connection.close()

    def _poisoned(self, status: int, data: bytes, auth: str, passwords: list[str]) -> bytes:
        try:
            body = json.loads(data) if data else None
        except ValueError:
            return data
        if not isinstance(body, dict):
            return data
        said = f"{auth} {' '.join(passwords)} {COOKIE}"
        if status >= 400:
            body["detail"] = f"{body.get('detail', '')} (you sent {said})"
            self._count("detail")
        for resource in _resources(body):
            with self.lock:
                if passwords and self.command in ("POST", "PUT"):
                    self.stored[str(resource["id"])] = passwords[0]
                kept = self.stored.get(str(resource.get("id")))
            if kept and self.command == "GET":  # a create's answer says it in other places
                resource["password"] = kept
                self._count("password")
            resource[NOTE] = f"{said} {kept or ''}"
            self._count("attribute")
        return json.dumps(body).encode()

    def _count(self, channel: str) -> None:
        with self.lock:
            self.echoed[channel] += 1

    def do_GET(self) -> None:
        self._relay()

    def do_POST(self) -> None:
        self._relay()

    def do_PUT(self) -> None:
        self._relay()

    def do_PATCH(self) -> None:
        self._relay()

    def do_DELETE(self) -> None:
        self._relay()

    def do_HEAD(self) -> None:
        self._relay()

    def log_message(self, *args: object) -> None:
        """Quiet: the test reads its own output."""


class HostileEcho:
    """The proxy, started on a free loopback port in front of `upstream_url`'s server."""

    def __init__(self, upstream_url: str) -> None:
        parts = urlsplit(upstream_url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        # Each proxy its own class state, so two echoes in one process never share what they saw.
        fresh: dict[str, object] = {"seen": set(), "stored": {}, "echoed": Counter(), "last": []}
        handler = type("Echo", (_Echo,), {"upstream": self.upstream, **fresh})
        self.handler: type[_Echo] = handler
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def front(self, upstream_url: str) -> str:
        """The same URL, through the proxy."""
        port = self.server.server_address[1]
        return upstream_url.replace(f"{self.upstream[0]}:{self.upstream[1]}", f"127.0.0.1:{port}")

    @property
    def passwords(self) -> set[str]:
        return set(self.handler.seen)

    @property
    def echoed(self) -> Counter[str]:
        return Counter(self.handler.echoed)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
