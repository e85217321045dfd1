"""Faults in how /Users reads a filter: a malformed one answered as if it matched nothing, and
filtering switched off (and declared off) although Okta and Entra filter regardless."""

from __future__ import annotations

from .exchange import Exchange
from .registry import fault


# RFC 7644 3.4.2.2 and 3.12: a filter that does not parse is 400; an empty list hides the error.
@fault("invalid-filter-matches-nothing", "A filter that does not parse answers an empty list")
def _invalid_filter_matches_nothing(x: Exchange) -> None:
    error = x.error()
    if x.on("Users", "GET", item=False) and error is not None and x.filter_text():
        x.status = 200
        x.answer_list([])


UNDECLARED = "filter-undeclared-and-ignored"


# The server may declare filtering off (RFC 7643 5); Okta's and Entra's lookups filter all the same
# (docs/idp/okta.md#create-and-assign, docs/idp/entra.md#matching): `userName eq "nobody"` listing
# everyone makes them link the wrong user.
@fault(
    UNDECLARED,
    "/ServiceProviderConfig says filter.supported false, and GET /Users ignores `filter`",
    phase="request",
)
def _filter_ignored(x: Exchange) -> None:
    if x.on("Users", "GET", item=False):
        x.query = {k: v for k, v in x.query.items() if k.lower() != "filter"}


@fault(UNDECLARED)
def _filter_undeclared(x: Exchange) -> None:
    answer = x.json
    if x.on("ServiceProviderConfig", "GET") and isinstance(answer, dict):
        answer["filter"] = {**(answer.get("filter") or {}), "supported": False}
