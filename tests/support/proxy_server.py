"""A loopback proxy in front of a real server that holds chosen requests forever: a target whose
one endpoint stopped answering while the others still work."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import requests

# Hop-by-hop headers (RFC 9110 7.6.1) and those the proxy's own client recomputes.
NOT_FORWARDED = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "content-encoding"}
)

Hang = Callable[[str, str], bool]  # (method, path with query) -> hold the request forever


@contextmanager
def proxying(upstream: str, hang: Hang) -> Iterator[tuple[str, list[str]]]:
    """The proxy's origin (`http://127.0.0.1:port`) and the requests it held, while it runs."""
    parts = urlsplit(upstream)
    origin = f"{parts.scheme}://{parts.netloc}"
    held: list[str] = []
    stop = threading.Event()
    session = requests.Session()
    session.trust_env = False

    class _Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if hang(self.command, self.path):
                held.append(f"{self.command} {self.path}")
                stop.wait()  # until the test ends: the client gives up first
                self.close_connection = True
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in NOT_FORWARDED}
            answer = session.request(
                self.command,
                origin + self.path,
                headers=headers,
                data=body,
                allow_redirects=False,
                timeout=30,
            )
            self.send_response(answer.status_code)
            for name, value in answer.headers.items():
                if name.lower() not in NOT_FORWARDED:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        # http.server dispatches on these names.
        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the tests read the harness's record, not a log

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Forward)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", held
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        session.close()


def holds_user_list(method: str, path: str) -> bool:
    """A rule for `proxying`: every GET of the reference server's user list is held."""
    return method == "GET" and urlsplit(path).path.rstrip("/").endswith("/scim/v2/Users")
