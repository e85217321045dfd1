"""Code checks for the OpenID IPSIE AL1 SCIM 2.0 Profile (docs/ipsie-profile.md): what its
expectations cannot say. The draft has no numbered revision; the one graded is named in
`verdict.questions.IPSIE_REVISION`, and each reference links to the section of its published text.
"""

from __future__ import annotations

from collections.abc import Iterator

from harness.checks.context import CheckContext
from harness.checks.registry import Finding, Level, check
from verdict.questions import IPSIE_DRAFT_URL

SCOPE = "scim"


@check(
    "ipsie-token-scope-scim",
    Level.MUST,
    f"{IPSIE_DRAFT_URL}#section-3.1; RFC 6749 5.1",
    'A token asked for with the scope "scim" is granted the scope "scim"',
    quote='The Acess Token MUST include the "scim" scope and not grant broader permissions.',
)
def ipsie_token_scope_scim(ctx: CheckContext) -> Iterator[Finding]:
    """The scope is what a client can see of a token (RFC 6749 3.3: space-delimited, compared
    case-sensitively); a token answer without `scope` grants what was asked (RFC 6749 5.1:
    OPTIONAL "if identical to the scope requested"), which the step asks as "scim". Whether the
    token grants more than its scope says is not seen from outside."""
    body = ctx.json()
    if not isinstance(body, dict) or "access_token" not in body:
        return  # not a token answer: `oauth-token-issued` says so
    granted = body.get("scope", SCOPE)
    words = granted.split() if isinstance(granted, str) else []
    if SCOPE not in words:
        yield Finding(f"the token's scope is {granted!r}, without {SCOPE!r}", SCOPE, granted)
