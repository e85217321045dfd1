"""A diagnosis, not a product path: the reference server with TCP_NODELAY on its sockets.

asyncio sets TCP_NODELAY on accepted sockets only when the listening socket says it is TCP
(`proto == IPPROTO_TCP`); a socket made as `socket(family, SOCK_STREAM)` has `proto` 0, so
Nagle's algorithm stays on and uvicorn's two writes per response (head, then body) can wait for
the client's delayed ACK (40 ms on Linux). `nodelay_needed()` checks the reference server's own
`bind()`; while it leaves Nagle on, the benchmark also serves the same application through this
wrapper, whose socket is made as uvicorn itself would, to measure what the fix gains. The hello-
world ceiling always binds this way.
"""

from __future__ import annotations

import socket
import sys

import reference_server.__main__ as server_main
from reference_server import server


def bind_nodelay(host: str, port: int) -> socket.socket:
    """`reference_server.server.bind` with the protocol named, so asyncio sets TCP_NODELAY."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def nodelay_needed() -> bool:
    """True while the reference server's own socket would leave Nagle on."""
    sock = server.bind("127.0.0.1", 0)
    try:
        named = sock.proto == socket.IPPROTO_TCP
        return not named and not sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        sock.close()


if __name__ == "__main__":
    server_main.bind = bind_nodelay  # type: ignore[attr-defined]
    sys.exit(server_main.main())
