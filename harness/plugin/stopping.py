"""Ending a run early, cleanly: Ctrl-C, SIGTERM and the run's time budget.

Each becomes a `RunInterrupted` raised in the main thread. It is a KeyboardInterrupt, so pytest
stops the run the way it stops on Ctrl-C and still finishes the session: every report is
written, and the run's status is INCOMPLETE with the reason. The budget is a real signal
(SIGALRM), so it also breaks a main thread blocked in a socket read of a target that hangs.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

Handler = Any  # what signal.signal accepts and returns


class RunInterrupted(KeyboardInterrupt):
    """The run was told to stop; `reason` says by what."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def stop_reason(error: BaseException) -> str:
    if isinstance(error, RunInterrupted):
        return error.reason
    return "interrupted (Ctrl-C)"


def _raiser(reason: str) -> Handler:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise RunInterrupted(reason)

    return handler


class StopSignals:
    """Installs the handlers for the run's duration, and puts back what was there before."""

    def __init__(self, budget: float | None) -> None:
        self.budget = budget
        self.saved: dict[int, Handler] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signals reach only the main thread; a run elsewhere keeps the defaults
        wanted = {
            signal.SIGINT: _raiser("interrupted (Ctrl-C, SIGINT)"),
            signal.SIGTERM: _raiser("stopped by SIGTERM"),
        }
        if self.budget:
            wanted[signal.SIGALRM] = _raiser(f"the run's time budget of {self.budget:g} s ran out")
        for number, handler in wanted.items():
            self.saved[number] = signal.signal(number, handler)
        if self.budget:
            signal.setitimer(signal.ITIMER_REAL, self.budget)

    def restore(self) -> None:
        if signal.SIGALRM in self.saved:
            signal.setitimer(signal.ITIMER_REAL, 0)
        for number, handler in self.saved.items():
            signal.signal(number, handler)
        self.saved.clear()
