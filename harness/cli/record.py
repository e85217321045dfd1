"""`scimcert record --upstream URL`: a recording proxy between an IdP and a SCIM server.

It listens on 127.0.0.1 (the user's own tunnel brings the IdP in), prints one line per exchange,
and on Ctrl-C or SIGTERM stops, finishes the recording and says where it is, how many exchanges
it holds and which IdP sent them (docs/recordings.md#recording-with-the-proxy). What can be wrong
with the command line (a bad URL, a taken port, a file it must not or cannot write) is one line
on stderr and exit 2, before anything listens.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from harness.capture.proxy import (
    LOOPBACK,
    ProxyError,
    ProxySettings,
    RecordingProxy,
    Summary,
    check_upstream,
)
from harness.capture.recording import Take
from harness.capture.scrub import Scrubber, scrub_note
from harness.plugin.options import add_argument
from harness.transport.client import TransportOptions
from verdict.status import ExitCode

# Okta gives up on a request after 60 s (docs/idp/okta.md#transport): the proxy waits as long.
DEFAULT_TIMEOUT = 60.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def add_parser(commands: Any) -> None:
    record = commands.add_parser(
        "record", help="a recording proxy between an IdP and a SCIM server (docs/recordings.md)"
    )
    record.add_argument("--upstream", required=True, help="the SCIM server's base URL")
    record.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one)")
    record.add_argument("--host", default=LOOPBACK, help=f"address to listen on ({LOOPBACK} only)")
    record.add_argument("--out", type=Path, help="recording file (recording-<UTC time>.jsonl)")
    record.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    record.add_argument(
        "--scrub",
        action="store_true",
        help="pseudonymise names, e-mails and phone numbers as they pass (docs/recordings.md)",
    )
    add_argument(record, "insecure")
    add_argument(record, "ca_bundle")
    add_argument(record, "timeout", default=DEFAULT_TIMEOUT, help="seconds to wait for the server")
    record.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    try:
        proxy = RecordingProxy(_settings(args))
    except ProxyError as error:
        print(f"scimcert record: {error}", file=sys.stderr)
        return ExitCode.USAGE
    stop = threading.Event()

    def stopping(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, stopping) for sig in STOP_SIGNALS}
    try:
        proxy.start()
        print(
            f"Recording on {proxy.url} -> {args.upstream}, into {args.out}; Ctrl-C stops",
            flush=True,
        )
        stop.wait()
    except ProxyError as error:
        print(f"scimcert record: {error}", file=sys.stderr)
        return ExitCode.ERROR
    finally:
        summary = proxy.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    _print_summary(summary)
    if args.scrubber is not None:
        print(scrub_note(args.scrubber.replaced), flush=True)
    return ExitCode.OK


def _settings(args: argparse.Namespace) -> ProxySettings:
    check_upstream(args.upstream)
    if args.timeout <= 0:
        raise ProxyError("--timeout must be positive")
    if args.ca_bundle and not Path(args.ca_bundle).is_file():
        raise ProxyError(f"--ca-bundle {args.ca_bundle}: no such file")
    args.out = args.out or Path(f"recording-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.jsonl")
    if args.out.is_dir():
        raise ProxyError(f"--out {args.out} is a folder; name a file")
    if args.out.exists() and not args.force:
        raise ProxyError(f"--out {args.out} exists; --force overwrites it")
    # Scrubbed as each exchange passes, before it is written: a killed proxy leaves no original.
    args.scrubber = Scrubber() if args.scrub else None
    return ProxySettings(
        upstream=args.upstream,
        out=args.out,
        host=args.host,
        port=args.port,
        options=TransportOptions(
            timeout=args.timeout, ca_bundle=args.ca_bundle, insecure=bool(args.insecure)
        ),
        listener=_print_take,
        transform=None if args.scrubber is None else args.scrubber.take,
        scrubbed=None if args.scrubber is None else (lambda: args.scrubber.replaced),
    )


def _print_take(take: Take) -> None:
    """Method, path (no query: filters carry personal data), status or error, time."""
    exchange = take.exchange
    path = urlsplit(exchange.request.url).path
    if exchange.response is not None and exchange.error is None:
        outcome = str(exchange.response.status)
    else:
        outcome = exchange.error.kind if exchange.error is not None else "no answer"
    print(f"{exchange.request.method} {path} {outcome} {exchange.elapsed_ms:.0f} ms", flush=True)


def _print_summary(summary: Summary) -> None:
    idp = summary.recognised.idp or "not recognised"
    print(f"Recorded {summary.exchanges} exchanges into {summary.path}")
    print(f"IdP: {idp} ({summary.recognised.evidence})", flush=True)
