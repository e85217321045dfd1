"""The recording proxy under test: `scimcert record` in a child process, its output read as it
comes and stopped by a signal, or the proxy in this process."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from harness.capture.proxy import ProxySettings, RecordingProxy
from harness.transport.exchange import Exchange
from tests.support.reference import read_until

LISTENING = re.compile(r"Recording on (http://127\.0\.0\.1:\d+) ")


@dataclass
class RunningRecorder:
    process: subprocess.Popen[str]
    url: str  # the proxy's origin
    out: Path
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        """Signal the recorder, wait for it; its exit code and everything it printed."""
        self.process.send_signal(signum)
        return self._wait()

    def kill(self) -> None:
        self.process.kill()
        self._wait()

    def _wait(self) -> tuple[int, str]:
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        if self.reader is not None:
            self.reader.join(timeout=10)
        return code, "\n".join(self.lines)


def record_argv(upstream: str, out: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "harness.cli.main",
        "record",
        "--upstream",
        upstream,
        "--out",
        str(out),
        *args,
    ]


def start_recorder(upstream: str, out: Path, *args: str) -> RunningRecorder:
    """The recorder once it listens; its stdout is drained by a thread (a full pipe would stall
    the proxy's per-exchange lines)."""
    process = subprocess.Popen(
        record_argv(upstream, out, *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = read_until(process, lambda line: LISTENING.search(line) is not None, "recorder")
    except RuntimeError:
        process.kill()
        raise
    found = LISTENING.search(lines[-1])
    assert found is not None
    recorder = RunningRecorder(process, found.group(1), out, lines)
    recorder.reader = threading.Thread(target=_drain, args=(process, lines), daemon=True)
    recorder.reader.start()
    return recorder


def _drain(process: subprocess.Popen[str], lines: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
    process.stdout.close()


def wire(exchanges: tuple[Exchange, ...] | list[Exchange], base: str) -> list[tuple[str, str, int]]:
    """Method, URL under `base` and status of each exchange: what a run and a recording of it
    must agree on, wherever each was addressed."""
    rows = []
    for exchange in exchanges:
        url = exchange.request.url
        assert url.startswith(base), (url, base)
        status = exchange.response.status if exchange.response is not None else 0
        rows.append((exchange.request.method, url.removeprefix(base), status))
    return rows


@contextmanager
def running_proxy(settings: ProxySettings) -> Iterator[RecordingProxy]:
    """The proxy in this process, started; stopped (and its file finished) at the end."""
    proxy = RecordingProxy(settings)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()
