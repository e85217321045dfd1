"""Everything one `make bench` measured, as the report and the findings read it."""

from __future__ import annotations

from dataclasses import dataclass, field

from .index_probe import IndexProbe
from .profile import Profile
from .server_bench import Row, Timing
from .targets import Figures


@dataclass
class Run:
    when: str
    command: str
    seconds: float
    revision: str
    machine: dict[str, str]
    versions: dict[str, dict[str, str]]
    timing: Timing
    sizes: tuple[int, ...]
    figures: Figures
    diagnosis: list[Row] = field(default_factory=list)  # the reference server with TCP_NODELAY
    profiles: list[Profile] = field(default_factory=list)
    index_probe: IndexProbe | None = None
    nodelay_missing: bool = False
    live_index_missing: bool = False
