"""Which question a check answers, and each question's verdict.

"Does the server conform to RFC 7643/7644?" and "Will Okta (Entra, OneLogin, Ping) provisioning
work against it?" are different questions: refusing Entra's `"active": "False"` is RFC-correct
and still breaks Entra. A check answers the question of the source it quotes, the first part of
its reference: an RFC section, a section of the SCIM interoperability profile draft (a profile
that tightens the RFCs: a server may conform to the RFCs and not to it, so it is asked apart), a
section of the OpenID IPSIE AL1 SCIM profile (the same; by its published URL,
docs/ipsie-profile.md), an IdP's page under docs/idp/, the app's own contract (docs/domain.md) or
the robustness practice (docs/robustness.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .outcomes import LEVEL_EFFECT, Level, Outcome, combine

RFC = "rfc"
INTEROP = "interop-profile"
INTEROP_DRAFT = "draft-zollner-scim-interop-profile-01"
IPSIE = "ipsie-scim"
# The IPSIE draft has no numbered revision: its editor's copy is published at one URL, and the
# revision graded is named here and in docs/ipsie-profile.md.
IPSIE_DRAFT_URL = "https://openid.github.io/ipsie-scim-al1/draft-ipsie-scim-al1-profile.html"
IPSIE_REVISION = "editor's copy of 12 December 2025"
APP = "app"
ROBUSTNESS = "robustness"
# A server's own earlier answers, recorded (docs/replay.md): neither an RFC nor an IdP.
REPLAY = "replay"
IDPS = ("okta", "entra", "onelogin", "ping")
QUESTIONS = (RFC, INTEROP, IPSIE, *IDPS, APP, ROBUSTNESS, REPLAY)
ASKED = {
    RFC: "RFC 7643/7644 conformance",
    INTEROP: "conformance to the SCIM interoperability profile draft (-01)",
    IPSIE: f"conformance to the OpenID IPSIE AL1 SCIM 2.0 Profile ({IPSIE_REVISION})",
    "okta": "compatibility with Okta",
    "entra": "compatibility with Microsoft Entra ID",
    "onelogin": "compatibility with OneLogin",
    "ping": "compatibility with Ping Identity",
    APP: "the app's own contract (docs/domain.md)",
    ROBUSTNESS: "robustness against what IdPs send (docs/robustness.md)",
    REPLAY: "agreement with a recording of the server's own answers (docs/replay.md)",
}
_IDP_DOC = re.compile(r"docs/idp/([a-z]+)\.md")


def question_of(ref: str) -> str:
    """The question a check answers, from the source its reference names first."""
    first = ref.split(";", 1)[0].strip()
    if first.startswith("RFC"):
        return RFC
    if first.startswith(f"{INTEROP_DRAFT} "):
        return INTEROP
    if first.startswith(f"{IPSIE_DRAFT_URL}#"):
        return IPSIE
    found = _IDP_DOC.match(first)
    if found and found.group(1) in IDPS:
        return found.group(1)
    if first.startswith("docs/domain.md"):
        return APP
    if first.startswith("docs/replay.md"):
        return REPLAY
    return ROBUSTNESS


@dataclass(frozen=True, slots=True)
class Graded:
    """One evaluation of a check, as the questions need it."""

    ref: str
    level: str
    passed: bool
    waived: bool = False  # in an item the baseline waived: not counted, as by the gate
    family: str = ""  # the IdP family of the profile whose traffic the check graded


def answers(graded: Iterable[Graded]) -> dict[str, Outcome]:
    """Each question that some check answered, with its verdict: the worst effect of a broken
    check of that question (MUST fails, SHOULD warns, MAY is a note), else PASS.

    An IdP's question is answered only on that IdP's traffic: a check quoting Okta's document,
    graded on what Entra sent, says nothing of whether Okta's provisioning works, so a run of
    Entra's profiles alone leaves "compatibility with Okta" unanswered (and `--gate okta` with
    no verdict) rather than passed."""
    found: dict[str, list[str]] = {}
    for one in graded:
        question = question_of(one.ref)
        if question in IDPS and one.family != question:
            continue
        effect = Outcome.PASS
        if not one.passed and not one.waived:
            effect = LEVEL_EFFECT[Level(one.level)]
        found.setdefault(question, []).append(effect.value)
    return {q: combine(found[q]) for q in QUESTIONS if q in found}
