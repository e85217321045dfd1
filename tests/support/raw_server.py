"""A raw TCP server on loopback for transport tests: each connection runs a handler that may
answer anything, slowly, partly, or not at all."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable


class RawServer:
    """A TCP server on loopback that runs `handler(server, conn)` for each accepted connection."""

    def __init__(self, handler: Callable[[RawServer, socket.socket], None], host: str) -> None:
        self.handler = handler
        self.listener = socket.create_server((host, 0))
        self.listener.settimeout(0.05)
        self.url = f"http://{host}:{self.listener.getsockname()[1]}"
        self.connections = 0
        self.requests: list[bytes] = []
        self.stop = threading.Event()
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            # The client giving up on us (reset, broken pipe) is the point of most of these servers.
            with contextlib.suppress(OSError):
                self.handler(self, conn)

    def read_request(self, conn: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        while len(body) < length:
            body += conn.recv(65536)
        self.requests.append(data[: len(head) + 4] + body)
        return self.requests[-1]

    def close(self) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(5)
        self.listener.close()
