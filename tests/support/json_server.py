"""A loopback HTTP server answering every request with one SCIM JSON body: a target whose every
answer is well-formed, so only what a scenario expects of it can fail."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@contextmanager
def serving_json(status: int, body: Any) -> Iterator[str]:
    """The server's SCIM base URL while it runs."""
    encoded = json.dumps(body).encode()

    class _Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/scim+json")
            self.send_header("Content-Length", str(len(encoded)))
            self.end_headers()
            self.wfile.write(encoded)

        def _drained(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.do_GET()

        def do_POST(self) -> None:
            self._drained()

        def do_PUT(self) -> None:
            self._drained()

        def do_PATCH(self) -> None:
            self._drained()

        def do_DELETE(self) -> None:
            self._drained()

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the tests read outcomes, not a log

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/scim/v2"
    finally:
        server.shutdown()
        server.server_close()
