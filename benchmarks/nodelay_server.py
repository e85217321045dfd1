"""A diagnosis, not a product path: the reference server with TCP_NODELAY on its sockets.

`reference_server.server.bind` creates its socket as `socket(family, SOCK_STREAM)`, whose
`proto` is 0; asyncio sets TCP_NODELAY on accepted sockets only when `proto == IPPROTO_TCP`, so
Nagle's algorithm stays on and uvicorn's two writes per response (head, then body) wait for the
client's delayed ACK (about 40 ms on Linux loopback). This wrapper serves exactly the same
application with the socket created as uvicorn itself would (`IPPROTO_TCP`), so one run can
measure what the one-line fix gains. `nodelay_needed()` tells whether the fix is still missing.
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
