"""The `scimcert run` command lines that repeat a recorded run, or one item of it.

Built from the options the run recorded in its header (`invocation.options`, flag -> value; a
flag that takes no value is `true`), so a report can say how to reproduce what it shows.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any


def command(options: Mapping[str, Any], *, workers: int = 0, **changed: str | None) -> str:
    """`scimcert run ...` with the recorded options; `changed` replaces some (`idp="entra"`)
    or drops them (`tags=None`), keyed by the flag without dashes (`run_id`)."""
    chosen = dict(options)
    for key, value in changed.items():
        flag = "--" + key.replace("_", "-")
        if value is None:
            chosen.pop(flag, None)
        else:
            chosen[flag] = value
    if workers:
        chosen["--workers"] = str(workers)
    words = ["scimcert", "run"]
    for flag, value in chosen.items():
        words += [flag] if value is True else [flag, str(value)]
    return shlex.join(words)


def item_command(options: Mapping[str, Any], scenario: str, profile: str) -> str:
    """The command that reruns one item with the same data (its seed derives from the run's
    seed, the scenario and the profile), dropping what selected the others (a `--suite` too: it
    chooses its own scenarios)."""
    return command(options, idp=profile, scenario=scenario, tags=None, suite=None)
