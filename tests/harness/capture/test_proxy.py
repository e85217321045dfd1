"""The recording proxy over real loopback HTTP: what it passes on, what it hands back, what it
writes (and what it never writes), and what it does when the upstream fails."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.capture.proxy import ProxyError, ProxySettings, RecordingProxy
from harness.capture.recording import Take, read_recording
from harness.transport.client import TransportOptions
from harness.transport.redaction import REDACTED, secret_forms
from tests.support.echo_upstream import ACCESS_TOKEN, REFRESH_TOKEN, SESSION, echo_upstream
from tests.support.raw_server import RawServer
from tests.support.recorder import running_proxy
from tests.support.tls_server import over_tls, self_signed

TOKEN = "idp-token-a+b/c-0123456789"
CLIENT_SECRET = "client-secret+/=-0123456789"
PASSWORD = "Sent-Passw0rd-1"


@pytest.fixture
def upstream() -> Iterator[str]:
    with echo_upstream() as url:
        yield url


def _call(method: str, url: str, **kwargs: Any) -> requests.Response:
    """One request on a session of its own, closed before returning (no socket left behind)."""
    with requests.Session() as session:
        session.trust_env = False
        return session.request(method, url, **kwargs)


def _leaks(path: Path, *secrets: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [secret for secret in secrets for form in secret_forms(secret) if form in text]


def test_a_request_goes_through_unchanged_and_comes_back_unchanged(
    upstream: str, tmp_path: Path
) -> None:
    out = tmp_path / "r.jsonl"
    with running_proxy(ProxySettings(upstream=upstream + "/base", out=out)) as proxy:
        answer = _call(
            "PATCH",
            proxy.url + "/Users/1?filter=userName+eq+%22a%40b%22",
            headers={
                "Authorization": f"Bearer {TOKEN}",
                "User-Agent": "Okta SCIM Client 1.0.0",
                "X-Trace": "t-1",
                "Connection": "keep-alive, X-Hop",
                "X-Hop": "only-to-the-proxy",
            },
            data=b'{"Operations": []}',
        )
    assert answer.status_code == 200
    echoed = answer.json()
    sent = {name.lower(): value for name, value in echoed["headers"]}
    # The path lands under the upstream's base path; the query keeps its own encoding.
    assert echoed["target"] == "/base/Users/1?filter=userName+eq+%22a%40b%22"
    assert echoed["method"] == "PATCH"
    assert echoed["body"] == '{"Operations": []}'
    assert sent["authorization"] == f"Bearer {TOKEN}"  # the server needs the IdP's credential
    assert sent["user-agent"] == "Okta SCIM Client 1.0.0"
    assert sent["x-trace"] == "t-1"
    assert "x-hop" not in sent  # named in Connection: for the proxy alone (RFC 9110 7.6.1)
    assert sent["host"] == upstream.removeprefix("http://")
    # Both cookies come back as two headers, not merged into one.
    cookies = answer.raw.headers.getlist("Set-Cookie")
    assert cookies == [f"session={SESSION}; Path=/; HttpOnly", "theme=dark; Path=/"]
    assert answer.headers["X-Upstream"] == "echo"

    recording = read_recording(out)
    [take] = recording.takes
    request = take.exchange.request
    assert request.url == upstream + "/base/Users/1?filter=userName+eq+%22a%40b%22"
    assert request.headers["authorization"] == REDACTED
    assert take.exchange.response is not None
    assert take.exchange.response.headers["set-cookie"] == REDACTED
    assert recording.header.source == "proxy"
    assert recording.header.origin == upstream + "/base"
    assert _leaks(out, TOKEN, SESSION) == []


def test_nothing_is_added_to_what_the_idp_sent(upstream: str, tmp_path: Path) -> None:
    """No User-Agent, Accept or Accept-Encoding of the proxy's own client: a request that had
    none (Okta's SPEC POSTs carry no User-Agent) reaches the server without one."""
    with running_proxy(ProxySettings(upstream=upstream, out=tmp_path / "r.jsonl")) as proxy:
        connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
        connection.putrequest("GET", "/Users", skip_accept_encoding=True)
        connection.endheaders()
        answer = connection.getresponse()
        echoed = json.loads(answer.read())
        connection.close()
    sent = {name.lower() for name, _ in echoed["headers"]}
    assert sent == {"host"}


def test_any_method_is_forwarded(upstream: str, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    with running_proxy(ProxySettings(upstream=upstream, out=out)) as proxy:
        answer = _call("PROPFIND", proxy.url + "/Users")
        head = _call("HEAD", proxy.url + "/Users")
    assert answer.json()["method"] == "PROPFIND"
    assert head.status_code == 200 and head.content == b""
    assert [t.exchange.request.method for t in read_recording(out).takes] == ["PROPFIND", "HEAD"]


def test_secrets_of_a_token_request_and_of_scim_bodies_never_reach_the_file(
    upstream: str, tmp_path: Path
) -> None:
    out = tmp_path / "r.jsonl"
    with running_proxy(ProxySettings(upstream=upstream, out=out)) as proxy:
        token = _call(
            "POST",
            proxy.url + "/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "app-1",
                "client_secret": CLIENT_SECRET,
            },
        )
        create = _call(
            "POST",
            proxy.url + "/Users",
            json={"userName": "ann", "password": PASSWORD},
            headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
        )
    # The IdP gets the real answer: only the file is scrubbed.
    assert token.json()["access_token"] == ACCESS_TOKEN
    assert json.loads(create.json()["body"])["password"] == PASSWORD
    assert _leaks(out, CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN, PASSWORD, SESSION) == []
    first, second = read_recording(out).takes
    assert first.exchange.request.body is not None
    assert f"client_secret={REDACTED}" in first.exchange.request.body
    assert first.exchange.response is not None
    assert first.exchange.response.json()["access_token"] == REDACTED
    assert second.exchange.request.body is not None
    assert json.loads(second.exchange.request.body)["password"] == REDACTED


def test_an_unreachable_upstream_is_a_502_and_recorded_as_unreachable(tmp_path: Path) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    out = tmp_path / "r.jsonl"
    with running_proxy(ProxySettings(upstream=f"http://127.0.0.1:{port}", out=out)) as proxy:
        answer = _call("GET", proxy.url + "/Users")
    assert answer.status_code == 502
    body = answer.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert body["status"] == "502"
    [take] = read_recording(out).takes
    assert take.exchange.response is None
    assert take.exchange.error is not None
    assert take.exchange.error.kind == "unreachable"


def test_an_upstream_that_never_answers_is_a_504_and_recorded_as_a_timeout(
    tmp_path: Path,
) -> None:
    def hold(server: RawServer, conn: socket.socket) -> None:
        conn.recv(65536)
        server.stop.wait(5)

    silent = RawServer(hold, "127.0.0.1")
    out = tmp_path / "r.jsonl"
    settings = ProxySettings(upstream=silent.url, out=out, options=TransportOptions(timeout=0.5))
    try:
        with running_proxy(settings) as proxy:
            answer = _call("GET", proxy.url + "/Users", timeout=10)
    finally:
        silent.close()
    assert answer.status_code == 504
    assert answer.json()["status"] == "504"
    [take] = read_recording(out).takes
    assert take.exchange.error is not None
    assert take.exchange.error.kind == "timeout"


def test_an_answer_over_the_body_limit_is_refused_and_kept_cut(
    upstream: str, tmp_path: Path
) -> None:
    out = tmp_path / "r.jsonl"
    settings = ProxySettings(
        upstream=upstream, out=out, options=TransportOptions(max_body_bytes=64)
    )
    with running_proxy(settings) as proxy:
        answer = _call("POST", proxy.url + "/Users", data="x" * 200)
    assert answer.status_code == 502
    [take] = read_recording(out).takes
    assert take.exchange.error is not None and take.exchange.error.kind == "body-too-large"
    assert take.exchange.response is not None
    assert take.exchange.response.truncated
    assert len(take.exchange.response.body) == 64


def test_the_transform_sees_each_take_after_redaction_and_its_result_is_written(
    upstream: str, tmp_path: Path
) -> None:
    seen: list[Take] = []

    def transform(take: Take) -> Take:
        seen.append(take)
        return replace(take, label="scrubbed")

    out = tmp_path / "r.jsonl"
    settings = ProxySettings(upstream=upstream, out=out, transform=transform)
    with running_proxy(settings) as proxy:
        _call("GET", proxy.url + "/Users", headers={"Authorization": f"Bearer {TOKEN}"})
    assert [take.exchange.request.headers["authorization"] for take in seen] == [REDACTED]
    assert [take.label for take in read_recording(out).takes] == ["scrubbed"]


def test_exchanges_are_written_before_the_idp_gets_its_answer(
    upstream: str, tmp_path: Path
) -> None:
    """Each line is on disk when the answer arrives: a proxy killed right after loses nothing."""
    out = tmp_path / "r.jsonl"
    with running_proxy(ProxySettings(upstream=upstream, out=out)) as proxy:
        for number in range(3):
            _call("GET", f"{proxy.url}/Users/{number}")
            lines = out.read_text(encoding="utf-8").splitlines()
            assert len(lines) == 2 + number  # the header, then one line per exchange so far


def test_a_clean_stop_names_the_idp_in_the_header(upstream: str, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    proxy = RecordingProxy(ProxySettings(upstream=upstream, out=out))
    proxy.start()
    _call("GET", proxy.url + "/Users", headers={"User-Agent": "Okta SCIM Client 1.0.0"})
    assert read_recording(out).header.idp == ""  # until the stop
    summary = proxy.stop()
    recording = read_recording(out)
    assert recording.complete
    assert recording.header.idp == "okta" == summary.recognised.idp
    assert summary.exchanges == 1
    assert any("User-Agent 'Okta SCIM Client 1.0.0'" in note for note in recording.header.notes)
    assert proxy.stop() is summary  # a second stop changes nothing
    assert [p.name for p in tmp_path.iterdir()] == ["r.jsonl"]  # no staging file left


def test_concurrent_exchanges_are_each_written_whole(upstream: str, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    with running_proxy(ProxySettings(upstream=upstream, out=out)) as proxy:
        threads = [
            threading.Thread(target=_call, args=("GET", f"{proxy.url}/Users/{n}")) for n in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    urls = sorted(take.exchange.request.url for take in read_recording(out).takes)
    assert urls == sorted(f"{upstream}/Users/{n}" for n in range(8))


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1", "localhost"])  # noqa: S104
def test_the_proxy_listens_on_loopback_only(host: str, tmp_path: Path) -> None:
    with pytest.raises(ProxyError, match=r"listens on 127\.0\.0\.1 only"):
        RecordingProxy(ProxySettings(upstream="http://127.0.0.1:1", out=tmp_path / "r", host=host))
    assert not (tmp_path / "r").exists()


def test_a_port_in_use_is_refused_before_the_file_is_written(tmp_path: Path) -> None:
    taken = socket.create_server(("127.0.0.1", 0))
    try:
        port = taken.getsockname()[1]
        with pytest.raises(ProxyError, match=rf"cannot listen on 127\.0\.0\.1:{port}"):
            RecordingProxy(
                ProxySettings(upstream="http://127.0.0.1:1", out=tmp_path / "r", port=port)
            )
    finally:
        taken.close()
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    "url", ["ftp://example.com", "example.com/scim", "http://", "http://u:p@example.com/scim"]
)
def test_an_unusable_upstream_is_refused(url: str, tmp_path: Path) -> None:
    with pytest.raises(ProxyError, match="--upstream"):
        RecordingProxy(ProxySettings(upstream=url, out=tmp_path / "r"))


@pytest.mark.parametrize("trust", ["default", "ca_bundle", "insecure"])
def test_an_https_upstream_is_verified_unless_told_otherwise(trust: str, tmp_path: Path) -> None:
    certificate = self_signed(tmp_path)

    def answer(server: RawServer, conn: socket.socket) -> None:
        server.read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")

    upstream = RawServer(over_tls(certificate, answer), "127.0.0.1")
    options = TransportOptions(
        ca_bundle=certificate[0] if trust == "ca_bundle" else None, insecure=trust == "insecure"
    )
    out = tmp_path / "r.jsonl"
    https = upstream.url.replace("http://", "https://")
    try:
        with running_proxy(ProxySettings(upstream=https, out=out, options=options)) as proxy:
            status = _call("GET", proxy.url + "/Users").status_code
    finally:
        upstream.close()
    [take] = read_recording(out).takes
    if trust == "default":
        assert status == 502
        assert take.exchange.error is not None and take.exchange.error.kind == "tls"
    else:
        assert status == 200
        assert take.exchange.error is None
