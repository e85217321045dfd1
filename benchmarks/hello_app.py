"""The ceiling of the stack: a hello-world Starlette app on the reference server's uvicorn.

Same uvicorn, same settings as `reference_server.server` (no access log, no lifespan, no server
header, one process, a socket bound before the banner, with TCP_NODELAY as uvicorn's own binding
gets it); one catch-all route answering a small JSON body for GET and PATCH. Whatever the
reference server loses against it is its own work.
`python -m benchmarks.hello_app --port 0` prints `Hello URL: <url>` once it is bound.
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .nodelay_server import bind_nodelay

BANNER = "Hello URL:"


async def hello(_: Request) -> Response:
    return JSONResponse({"message": "hello, world"}, media_type="application/scim+json")


def create_app() -> Starlette:
    return Starlette(routes=[Route("/{path:path}", hello, methods=["GET", "PATCH"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    sock = bind_nodelay(args.host, args.port)
    print(f"{BANNER} http://{args.host}:{sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(
        create_app(), access_log=False, log_level="warning", lifespan="off", server_header=False
    )
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
