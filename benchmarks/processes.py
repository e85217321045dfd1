"""Child processes of the benchmark: servers in their own session, their banner, their CPU time.

A server's output goes to a log file (never a pipe the benchmark must drain, which would cost the
benchmark's own CPU while it measures); the banner line is polled from that file.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

STARTUP_SECONDS = 60.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class StartError(Exception):
    """A server did not come up (it exited, or printed no banner in time)."""


class Service:
    """One server process (and its workers) in a new session, output in `log`."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._out = log.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_for(self, banner: re.Pattern[str], timeout: float = STARTUP_SECONDS) -> str:
        """The first group of `banner` once the server printed it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = banner.search(self.log.read_text(encoding="utf-8", errors="replace"))
            if match:
                return match.group(1)
            if self.proc.poll() is not None:
                raise StartError(f"exited with {self.proc.returncode}: {self.tail()}")
            time.sleep(0.05)
        raise StartError(f"no banner within {timeout:.0f} s: {self.tail()}")

    def tail(self, lines: int = 20) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return " | ".join(text.splitlines()[-lines:])

    def cpu_seconds(self) -> float:
        """User + system CPU of every live process in the server's session (workers too)."""
        return group_cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            if self.proc.poll() is not None:
                break
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(wait)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        self._out.close()


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds of the processes whose process group is `pgid`, read from /proc."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            # Fields after the parenthesised command name: state is [0], pgrp [2], utime [11].
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                ticks += int(fields[11]) + int(fields[12])
    return ticks / CLOCK_TICKS


def free_port(host: str = "127.0.0.1") -> int:
    """A port the kernel says is free now, for servers that cannot be told `--port 0`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(**extra: str) -> dict[str, str]:
    """The environment minus the caller's SCIM settings, plus `extra`; no proxy for loopback."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SCIM")}
    env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost", **extra)
    return env
