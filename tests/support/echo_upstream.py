"""A loopback upstream that answers every request with what it received, for proxy tests.

The answer's body is JSON: the method, the request target, the headers in order (repeated names
kept) and the body. It also sets two cookies (two `Set-Cookie` headers, which a proxy must not
merge) and, on `/token`, answers as an OAuth token endpoint would (RFC 6749 5.1).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCESS_TOKEN = "at-issued-0123456789"
REFRESH_TOKEN = "rt-issued-0123456789"
SESSION = "sess-0123456789abcdef0123"


class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else None
        if self.path.startswith("/token"):
            answer = {
                "access_token": ACCESS_TOKEN,
                "refresh_token": REFRESH_TOKEN,
                "token_type": "Bearer",
                "expires_in": 3600,
            }
        else:
            answer = {
                "method": self.command,
                "target": self.path,
                "headers": [[name, value] for name, value in self.headers.items()],
                "body": body,
            }
        encoded = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", f"session={SESSION}; Path=/; HttpOnly")
        self.send_header("Set-Cookie", "theme=dark; Path=/")
        self.send_header("X-Upstream", "echo")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(encoded)

    def __getattr__(self, name: str) -> Callable[[], None]:
        """http.server dispatches on `do_<METHOD>`: every method, even one it has never heard
        of (PROPFIND), gets the echo."""
        if name.startswith("do_"):
            return self._answer
        raise AttributeError(name)

    def log_message(self, *args: object) -> None:
        """Quiet: the tests read the answers."""


@contextmanager
def echo_upstream() -> Iterator[str]:
    """The upstream's origin while it runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
