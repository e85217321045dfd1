"""A self-signed certificate for 127.0.0.1 and a loopback TLS server answering with it."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.raw_server import RawServer

Handler = Callable[[RawServer, socket.socket], None]


def self_signed(folder: Path) -> tuple[str, str]:
    """(certificate, key) in PEM files; the test is skipped on a machine without openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            key,
            "-out",
            cert,
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def over_tls(certificate: tuple[str, str], handler: Handler) -> Handler:
    """`handler` behind a TLS handshake; a client that does not speak TLS is hung up on."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)

    def secured(server: RawServer, conn: socket.socket) -> None:
        with context.wrap_socket(conn, server_side=True) as secure:
            handler(server, secure)

    return secured
