"""Where a serial `scimcert run` spends its time: py-spy samples a run of its own.

py-spy runs the harness in `--nonblocking` mode (it reads the process's memory without pausing
it) at 20 samples a second, on a serial run apart from the timed ones: the bench counts a run's
CPU from the children it waited for, and py-spy between them hides the run's. Activities are
inclusive and may overlap: a sample counts for "module imports" when any frame of it is
importing, and so on.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from . import venvs
from .profile import Profile, function_of

SAMPLE_RATE = 20  # samples a second: light enough not to change what it measures

ACTIVITIES = (
    ("module imports (pytest plugins included)", ("_find_and_load",)),
    ("reading scenario files (YAML, schema check)", ("load_scenario", "yaml/")),
    ("HTTP exchanges (requests, waiting included)", ("requests/sessions.py",)),
    ("JSON Schema validation", ("jsonschema/",)),
    (
        "writing events and reports",
        ("harness/plugin/results.py", "harness/events.py", "reports/", "pytest_html/", "junitxml"),
    ),
    ("Faker", ("faker/",)),
)
OWN = ("harness/", "mock_idp/")
WRAPPERS = ("harness/cli/main.py", "harness/cli/run.py")


def wrap(argv: list[str], raw: Path) -> list[str]:
    """`argv` run under py-spy, writing raw folded stacks to `raw`."""
    return [
        str(venvs.PROFILERS.bin("py-spy")),
        "record",
        "--nonblocking",
        "-r",
        str(SAMPLE_RATE),
        "-f",
        "raw",
        "-o",
        str(raw),
        "--",
        *argv,
    ]


def summarize(stacks: list[tuple[list[str], int]], label: str, top: int = 10) -> Profile:
    total = sum(count for _, count in stacks) or 1
    activities: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for frames, count in stacks:
        for name, markers in ACTIVITIES:
            if any(marker in frame for frame in frames for marker in markers):
                activities[name] += count
        for function in {function_of(f) for f in frames if _own(f)}:
            own[function] += count
    return Profile(
        server=label,
        users=0,
        load="full run",
        samples=total,
        categories=[(name, activities[name] / total) for name, _ in ACTIVITIES],
        hottest=[(f, count / total) for f, count in own.most_common(top)],
        category_heading="activity (inclusive, may overlap)",
        own_heading="harness or mock IdP function (inclusive)",
    )


def _own(frame: str) -> bool:
    return any(p in frame for p in OWN) and not any(w in frame for w in WRAPPERS)
