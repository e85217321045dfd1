"""Checks of a token endpoint's answer that its expectations cannot say (`do: oauth_token`)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from harness.checks.context import CheckContext
from harness.checks.registry import Finding, Level, check

MIN_MINUTES, MAX_MINUTES = 60, 360
ABSENT_SECONDS = 3600  # what Microsoft's test reads when `expires_in` is left out


def _seconds(value: Any) -> float | None:
    """`expires_in` as seconds: a JSON number, or a string of one (Microsoft's test takes both)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) else None


@check(
    "entra-token-lifetime",
    Level.MUST,
    "docs/idp/entra.md#oauth-client-credentials; RFC 6749 5.1",
    "Validate_Credentials_Test: the token lives 60 to 360 minutes",
    quote="A server MUST issue access tokens that live between 60 and 360 minutes, inclusive.",
)
def token_lifetime(ctx: CheckContext) -> Iterator[Finding]:
    """Microsoft divides `expires_in` by 60 and wants 60 to 360 minutes; an answer without
    `expires_in` (RECOMMENDED only, RFC 6749 5.1) is read as 3600 seconds, as Microsoft does."""
    body = ctx.json()
    if not isinstance(body, dict):
        return  # not a token answer: `oauth-token-issued` says so
    given = body.get("expires_in", ABSENT_SECONDS)
    seconds = _seconds(given)
    if seconds is None:
        yield Finding("`expires_in` is not a number of seconds", "a number", given)
        return
    minutes = seconds // 60
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        wanted = f"{MIN_MINUTES * 60} to {MAX_MINUTES * 60 + 59} seconds"
        yield Finding(f"the token lives {minutes:g} minutes", wanted, given)
