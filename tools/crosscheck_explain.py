"""What an explanation of a cross-check failure is, and how it is held to the recorded run.

An explanation names one cause on one server: the checks and scenarios it covers, and a pattern
the recorded exchange (the `did` text: request, status, scimType, detail, finding) must match.
A failure no explanation matches is unexplained; an explanation that matches nothing is stale.
Both are reported, so the document cannot drift from what the servers really do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# A failed setup ends the item in ERROR before any check runs; tables list it under this name.
SETUP = "(setup)"
# The basis of a row that is scimcert's mistake, not fixed yet (crosscheck lists them apart).
OPEN = "open harness bug"

BASES = {
    "RFC": "the server breaks a MUST, SHALL or REQUIRED of RFC 7643/7644",
    "RFC (SHOULD)": "the server departs from a SHOULD or RECOMMENDED of RFC 7643/7644",
    "IdP": "RFC-conformant or not, the server refuses or mishandles what the IdP really sends",
    "robustness": "not an RFC rule: a defensive limit docs/robustness.md asks for (SHOULD)",
    "consequence": "the same exchange as another explained row, graded by one more check",
    "open harness bug": "scimcert is wrong here and not yet fixed: not the server's fault",
}


@dataclass(frozen=True)
class Explanation:
    """One cause, verified against the recorded exchanges of the scenarios it names."""

    cause: str  # a short id, unique per server: the anchor of its paragraph
    basis: str  # a key of BASES
    ref: str  # what the server breaks, when not the check's own reference (IdP pages...)
    why: str
    checks: frozenset[str]
    scenarios: frozenset[str]
    did: re.Pattern[str]  # must match the failure's `did` text
    profiles: frozenset[str] = field(default_factory=frozenset)  # empty: any profile

    def covers(self, check: str, scenario: str, profiles: Sequence[str], did: str) -> bool:
        return (
            check in self.checks
            and scenario in self.scenarios
            and (not self.profiles or set(profiles) <= self.profiles)
            and self.did.search(did) is not None
        )


def explain(
    basis: str,
    why: str,
    *,
    ref: str = "",
    cause: str,
    checks: Iterable[str],
    scenarios: Iterable[str],
    did: str,
    profiles: Iterable[str] = (),
) -> Explanation:
    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r}")
    return Explanation(
        cause,
        basis,
        ref,
        " ".join(why.split()),
        frozenset(checks),
        frozenset(scenarios),
        re.compile(did),
        frozenset(profiles),
    )


RFC_REF = re.compile(r"RFC (\d{4}) (\d+(?:\.\d+)*)")
DOC_REF = re.compile(r"(?<![\w/(])docs/([\w./-]+\.md(?:#[\w-]+)?)")


def linked(ref: str) -> str:
    """A reference as docs/crosscheck.md shows it: RFC sections and the project's docs linked."""
    ref = RFC_REF.sub(
        lambda m: f"[RFC {m[1]} {m[2]}](https://www.rfc-editor.org/rfc/rfc{m[1]}#section-{m[2]})",
        ref,
    )
    return DOC_REF.sub(lambda m: f"[docs/{m[1]}]({m[1]})", ref)
