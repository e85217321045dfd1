"""The transport against small hostile servers on real loopback sockets, each bounded in time."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import pathlib
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, quote_plus

import pytest

from harness.transport.auth import bearer
from harness.transport.client import Transport, TransportOptions, join_url
from harness.transport.exchange import Exchange, curl_command
from harness.transport.redaction import REDACTED
from tests.support.raw_server import RawServer
from tests.support.tls_server import self_signed

SECRET = 'tok-a+b/c"d<e%42'
TIMEOUT = 1.0
BOUND_S = TIMEOUT + 2.0
OK_JSON = b'{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]}'


def reply(conn: socket.socket, status: str, headers: dict[str, str], body: bytes) -> None:
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)


def respond(status: str, headers: dict[str, str], body: bytes) -> Callable[..., None]:
    def handler(server: RawServer, conn: socket.socket) -> None:
        server.read_request(conn)
        reply(conn, status, headers, body)

    return handler


def drip(prefix: bytes, filler: bytes) -> Callable[..., None]:
    """Sends `prefix`, then `filler` forever one byte every 0.3 s: never idle, never done."""

    def handler(server: RawServer, conn: socket.socket) -> None:
        server.read_request(conn)
        conn.sendall(prefix)
        for byte in itertools.cycle(filler):
            conn.sendall(bytes([byte]))
            if server.stop.wait(0.3):
                return

    return handler


def hang(server: RawServer, conn: socket.socket) -> None:
    server.read_request(conn)
    server.stop.wait()


Serve = Callable[..., RawServer]
Connect = Callable[..., Transport]


@pytest.fixture
def serve() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def start(handler: Callable[..., None], host: str = "127.0.0.1") -> RawServer:
        servers.append(RawServer(handler, host))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def connect() -> Iterator[Callable[..., Transport]]:
    transports: list[Transport] = []

    def make(base_url: str, max_body_bytes: int = 1024 * 1024) -> Transport:
        settings = TransportOptions(timeout=TIMEOUT, max_body_bytes=max_body_bytes)
        transports.append(Transport(base_url, bearer(SECRET), settings))
        return transports[-1]

    yield make
    for transport in transports:
        transport.close()


def timed_send(transport: Transport, method: str = "GET", path: str = "Users") -> Exchange:
    started = time.monotonic()
    exchange = transport.send(method, path)
    assert time.monotonic() - started < BOUND_S
    assert exchange.elapsed_ms < BOUND_S * 1000
    assert_no_secret(exchange)
    return exchange


def assert_no_secret(exchange: Exchange) -> None:
    dumped = json.dumps(exchange.to_dict())
    for form in (SECRET, quote(SECRET, safe=""), quote_plus(SECRET), json.dumps(SECRET)[1:-1]):
        assert form not in dumped


def kind(exchange: Exchange) -> str | None:
    return None if exchange.error is None else exchange.error.kind


def test_a_server_that_never_answers_times_out(serve: Serve, connect: Connect) -> None:
    exchange = timed_send(connect(serve(hang).url))
    assert kind(exchange) == "timeout" and exchange.reachable
    assert exchange.error is not None
    assert exchange.error.detail == f"no complete answer within {TIMEOUT} s"
    assert exchange.response is None
    assert exchange.elapsed_ms >= TIMEOUT * 1000 * 0.9


def test_a_dripped_body_is_cut_at_the_deadline_with_what_arrived(
    serve: Serve, connect: Connect
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/scim+json\r\nContent-Length: 9999\r\n\r\n"
    server = serve(drip(head, b"x"))
    exchange = timed_send(connect(server.url))
    assert kind(exchange) == "timeout"
    assert exchange.response is not None and exchange.response.status == 200
    assert exchange.response.truncated
    assert exchange.response.headers["content-type"] == "application/scim+json"


@pytest.mark.parametrize(
    "prefix", [b"", b"HTTP/1.1 200 OK\r\nX-Slow: "], ids=["status-line", "header"]
)
def test_a_dripped_head_is_cut_at_the_deadline(
    serve: Serve, connect: Connect, prefix: bytes
) -> None:
    server = serve(drip(prefix, b"HTTP/1.1 200 OK"))
    exchange = timed_send(connect(server.url))
    assert kind(exchange) == "timeout"
    # Cut mid-headers, http.client may hand over what it parsed: kept, marked truncated.
    assert exchange.response is None or exchange.response.truncated


def test_invalid_json_is_returned_and_json_raises(serve: Serve, connect: Connect) -> None:
    server = serve(respond("200 OK", {"Content-Type": "application/scim+json"}, b"{not json"))
    exchange = timed_send(connect(server.url))
    assert exchange.error is None and exchange.response is not None
    assert exchange.response.body == "{not json"
    with pytest.raises(ValueError):
        exchange.response.json()


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_a_body_over_the_cap_is_truncated(serve: Serve, connect: Connect, compress: bool) -> None:
    body = b"[" + b"0," * 200_000 + b"0]"
    headers = {"Content-Encoding": "gzip"} if compress else {}
    wire = gzip.compress(body) if compress else body
    cap = 64 * 1024
    assert (len(wire) < cap) is compress  # the bomb is small on the wire, large once decoded
    exchange = timed_send(connect(serve(respond("200 OK", headers, wire)).url, max_body_bytes=cap))
    assert kind(exchange) == "body-too-large"
    assert exchange.response is not None and exchange.response.truncated
    assert len(exchange.response.body) == cap


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Ty",
        # Well-formed lines, but no empty line: http.client alone takes the EOF for the end.
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sc",
        b"HTTP/1.1 200 OK\r\nContent-Type: application/scim+json\r\n",
        b"HTTP/1.1 20",
        b"HTT",
        b"",
        b"SCIM/2.0 200 OK\r\n\r\n",
    ],
    ids=[
        "mid-headers",
        "mid-header-value",
        "no-empty-line",
        "mid-status",
        "mid-version",
        "nothing",
        "garbage-status",
    ],
)
def test_a_broken_answer_is_a_connection_reset(
    serve: Serve, connect: Connect, answer: bytes
) -> None:
    def handler(server: RawServer, conn: socket.socket) -> None:
        server.read_request(conn)
        conn.sendall(answer)

    exchange = timed_send(connect(serve(handler).url))
    assert kind(exchange) == "connection-reset" and exchange.reachable
    assert exchange.response is None


def test_a_body_cut_short_is_a_connection_reset(serve: Serve, connect: Connect) -> None:
    def handler(server: RawServer, conn: socket.socket) -> None:
        server.read_request(conn)
        conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"partial":')

    exchange = timed_send(connect(serve(handler).url))
    assert kind(exchange) == "connection-reset"
    assert exchange.response is not None and exchange.response.truncated


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_host_is_never_followed(
    serve: Serve, connect: Connect, status: int
) -> None:
    elsewhere = serve(hang, host="127.0.0.2")
    target = f"{elsewhere.url}/steal"
    server = serve(respond(f"{status} Moved", {"Location": target}, b""))
    exchange = timed_send(connect(server.url), method="POST")
    assert kind(exchange) == "redirect-refused"
    assert exchange.error is not None and target in exchange.error.detail
    assert exchange.response is not None and exchange.response.status == status
    time.sleep(0.2)  # a connection, had one been opened, would have been accepted by now
    assert elsewhere.connections == 0
    assert f"Bearer {SECRET}".encode() in server.requests[0]  # the target itself did get it


def _moving(server: RawServer, conn: socket.socket) -> None:
    request = server.read_request(conn)
    path = request.split(b" ")[1]
    if path.endswith(b"/moved"):
        reply(conn, "200 OK", {"Content-Type": "application/scim+json"}, OK_JSON)
    else:
        reply(conn, "307 Temporary Redirect", {"Location": "/scim/v2/moved"}, b"")


def test_a_307_to_the_same_origin_is_followed_once_with_the_same_request(
    serve: Serve, connect: Connect
) -> None:
    server = serve(_moving)
    transport = connect(f"{server.url}/scim/v2")
    exchange = transport.send("POST", "Users", json_body={"userName": "a"})
    assert_no_secret(exchange)
    assert exchange.error is None and exchange.response is not None
    assert exchange.response.status == 200 and exchange.elapsed_ms < BOUND_S * 1000
    assert exchange.request.url.endswith("/scim/v2/moved")
    assert len(server.requests) == 2
    assert all(r.startswith(b"POST ") and r.endswith(b'{"userName": "a"}') for r in server.requests)
    assert all(f"Bearer {SECRET}".encode() in r for r in server.requests)


def test_a_same_origin_redirect_loop_stops_after_three_hops(serve: Serve, connect: Connect) -> None:
    server = serve(respond("308 Permanent Redirect", {"Location": "/again"}, b""))
    exchange = timed_send(connect(server.url))
    assert kind(exchange) == "redirect-refused"
    assert len(server.requests) == 4


def test_a_same_origin_302_is_recorded_not_followed(serve: Serve, connect: Connect) -> None:
    server = serve(respond("302 Found", {"Location": "/elsewhere"}, b""))
    exchange = timed_send(connect(server.url))
    assert exchange.error is None and exchange.response is not None
    assert exchange.response.status == 302 and len(server.requests) == 1


def test_a_refused_port_is_unreachable(connect: Connect) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    exchange = timed_send(connect(f"http://127.0.0.1:{port}/scim/v2"))
    assert kind(exchange) == "unreachable" and not exchange.reachable
    assert exchange.error is not None and "refused" in exchange.error.detail


def test_an_unresolvable_host_is_unreachable(
    connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_dns(*_: object) -> None:  # no DNS traffic leaves this machine
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    exchange = timed_send(connect("http://scim.example.test/scim/v2"))
    assert kind(exchange) == "unreachable" and not exchange.reachable
    assert exchange.error is not None and "resolved" in exchange.error.detail


def test_https_to_a_plain_http_server_is_a_tls_error(serve: Serve, connect: Connect) -> None:
    def plain(server: RawServer, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    server = serve(plain)
    exchange = timed_send(connect(server.url.replace("http://", "https://")))
    assert kind(exchange) == "tls"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.mark.parametrize("trust", ["default", "ca_bundle", "insecure"])
def test_certificates_are_verified_unless_told_otherwise(
    serve: Serve, certificate: tuple[str, str], trust: str
) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)

    def tls(server: RawServer, conn: socket.socket) -> None:
        with context.wrap_socket(conn, server_side=True) as secure:
            respond("200 OK", {}, OK_JSON)(server, secure)

    url = serve(tls).url.replace("http://", "https://")
    options = TransportOptions(
        timeout=TIMEOUT,
        ca_bundle=certificate[0] if trust == "ca_bundle" else None,
        insecure=trust == "insecure",
    )
    with Transport(url, bearer(SECRET), options) as transport:
        exchange = transport.send("GET", "Users")
    assert_no_secret(exchange)
    if trust == "default":
        assert kind(exchange) == "tls" and exchange.reachable
        assert exchange.error is not None and "certificate" in exchange.error.detail.lower()
    else:
        assert exchange.error is None and exchange.response is not None
        assert exchange.response.status == 200


@pytest.mark.parametrize(
    ("base", "path"),
    [("not a url", "Users"), ("http://127.0.0.1:99999/scim", "Users"), ("ftp://127.0.0.1/x", "")],
)
def test_a_bad_url_is_invalid_url(connect: Connect, base: str, path: str) -> None:
    exchange = timed_send(connect(base), path=path)
    assert kind(exchange) == "invalid-url" and exchange.reachable


def test_an_absolute_url_on_another_origin_is_never_sent(serve: Serve, connect: Connect) -> None:
    elsewhere = serve(hang, host="127.0.0.2")
    server = serve(hang)
    exchange = timed_send(connect(server.url), path=f"{elsewhere.url}/Users")
    assert kind(exchange) == "invalid-url"
    time.sleep(0.2)
    assert elsewhere.connections == 0 and server.connections == 0


def test_a_withheld_user_agent_is_not_sent_at_all(serve: Serve, connect: Connect) -> None:
    """okta.md 1: the SPEC suite's POSTs carry no User-Agent, not urllib3's default one."""
    server = serve(respond("201 Created", {"Content-Type": "application/scim+json"}, OK_JSON))
    exchange = connect(server.url).send("POST", "Users", json_body={}, headers={"User-Agent": None})
    assert b"user-agent" not in server.requests[0].lower()
    assert "User-Agent" not in exchange.request.headers


def test_the_request_is_recorded_as_sent_and_redacted(serve: Serve, connect: Connect) -> None:
    server = serve(respond("201 Created", {"Content-Type": "application/scim+json"}, OK_JSON))
    transport = connect(f"{server.url}/scim/v2?aadOptscim062020")
    exchange = transport.send(
        "POST", "Users", json_body={"userName": "zoë"}, params={"filter": 'userName eq "a b"'}
    )
    wire = server.requests[0]
    assert wire.startswith(
        b"POST /scim/v2/Users?aadOptscim062020&filter=userName%20eq%20%22a%20b%22 HTTP/1.1"
    )
    assert b"Content-Type: application/scim+json; charset=utf-8" in wire
    assert b"Accept: application/scim+json" in wire and b"User-Agent: scimcert" in wire
    assert wire.endswith('{"userName": "zoë"}'.encode())
    request = exchange.request
    assert (
        request.url
        == f"{server.url}/scim/v2/Users?aadOptscim062020&filter=userName%20eq%20%22a%20b%22"
    )
    assert request.headers["Authorization"] == REDACTED
    assert request.body == '{"userName": "zoë"}'
    assert exchange.response is not None and exchange.response.status == 201
    assert exchange.response.json()["schemas"]
    assert_no_secret(exchange)


def test_a_server_echoing_the_token_is_scrubbed(serve: Serve, connect: Connect) -> None:
    echo = json.dumps({"detail": f"bad token {SECRET}", "url": quote(SECRET, safe="")}).encode()
    headers = {"WWW-Authenticate": f'Bearer error="{quote_plus(SECRET)}"', "Set-Cookie": "s=1"}
    exchange = timed_send(connect(serve(respond("401 Unauthorized", headers, echo)).url))
    assert exchange.response is not None
    assert exchange.response.headers["set-cookie"] == REDACTED
    assert REDACTED in exchange.response.body
    assert REDACTED in exchange.response.headers["www-authenticate"]


def test_cookies_are_never_stored_or_resent(serve: Serve, connect: Connect) -> None:
    server = serve(respond("200 OK", {"Set-Cookie": "session=abc; Path=/"}, OK_JSON))
    transport = connect(server.url)
    transport.send("GET", "Users")
    transport.send("GET", "Users", authenticate=False)
    assert len(server.requests) == 2
    assert b"cookie" not in server.requests[1].lower()
    assert b"authorization" not in server.requests[1].lower()


def _header(request: bytes, name: bytes) -> bytes | None:
    lines = request.partition(b"\r\n\r\n")[0].split(b"\r\n")
    return next((ln.split(b": ", 1)[1] for ln in lines if ln.lower().startswith(name)), None)


def test_the_curl_command_replays_the_request(
    serve: Serve, connect: Connect, tmp_path: pathlib.Path
) -> None:
    curl, bash = shutil.which("curl"), shutil.which("bash")
    if curl is None or bash is None:
        pytest.skip("curl and bash are needed to replay the command")
    server = serve(respond("201 Created", {}, OK_JSON))
    transport = connect(f"{server.url}/scim/v2?aadOptscim062020")
    body = {"userName": "O'Brien [x] $HOME"}
    exchange = transport.send("POST", "Users", json_body=body, params={"filter": 'a eq "b"'})
    # No proxy variables and an empty HOME (no .curlrc): the replay goes to the server only.
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "SCIM_TOKEN": SECRET}
    subprocess.run(
        [bash, "-c", curl_command(exchange)], env=env, check=True, capture_output=True, timeout=10
    )
    original, replayed = server.requests
    assert replayed.split(b"\r\n")[0] == original.split(b"\r\n")[0]
    assert replayed.partition(b"\r\n\r\n")[2] == original.partition(b"\r\n\r\n")[2]
    for name in (b"authorization:", b"content-type:", b"accept:", b"user-agent:"):
        assert _header(replayed, name) == _header(original, name)


class _KeepAlive(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(OK_JSON)))
        self.end_headers()
        self.wfile.write(OK_JSON)

    def log_message(self, *_: object) -> None:
        pass


def test_a_finished_exchange_deadline_never_cuts_a_later_one(connect: Connect) -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), _KeepAlive) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
        thread.start()
        transport = connect(f"http://127.0.0.1:{httpd.server_address[1]}")
        first = transport.send("GET", "Users")
        time.sleep(TIMEOUT + 0.3)  # the first exchange's timer would have fired by now
        second = transport.send("GET", "Users")
        transport.close()
        httpd.shutdown()
        thread.join(5)
    assert first.error is None and second.error is None


def test_join_url_keeps_the_base_path_and_query() -> None:
    base = "http://h/scim/v2?aadOptscim062020"
    assert join_url(base, "Users") == "http://h/scim/v2/Users?aadOptscim062020"
    assert join_url(base, "/Users/x") == "http://h/scim/v2/Users/x?aadOptscim062020"
    assert join_url(base, "Users?filter=a") == "http://h/scim/v2/Users?aadOptscim062020&filter=a"
    assert join_url("http://h/scim/v2/", "//Users") == "http://h/scim/v2/Users"
    assert join_url("http://h/scim/v2//", "/Users/x") == "http://h/scim/v2/Users/x"
    assert join_url("http://h/scim/v2", "") == "http://h/scim/v2"


def test_join_url_encodes_params_with_percent_twenty() -> None:
    joined = join_url("http://h/s", "Users", {"filter": 'userName eq "j@x.test"', "count": "1"})
    assert joined == "http://h/s/Users?filter=userName%20eq%20%22j%40x.test%22&count=1"


def test_join_url_takes_absolute_urls_on_the_same_origin_only() -> None:
    assert join_url("http://h/scim", "http://H:80/scim/Users/1") == "http://h/scim/Users/1"
    for other in ("http://127.0.0.2/scim/Users", "https://h/scim/Users", "http://h:8080/x"):
        with pytest.raises(ValueError, match="origin"):
            join_url("http://h/scim", other)
    assert join_url("http://h/scim", "//evil/x") == "http://h/scim/evil/x"  # a path, not a host
