"""Faults in how a server reads unusual input: authentication, media types, JSON, `schemas`,
attribute names and values, paging and filters (scenarios/robustness, docs/robustness.md)."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from ..limits import Limits
from ..scim.attributes import ResourceDefinition, group_definition, user_definition
from ..scim.nesting import nesting_depth
from .exchange import JSON_TYPES, Exchange
from .protocol import QUOTED, canonical_names
from .registry import fault

LIMITS = Limits()  # what a server started with the defaults enforces and advertises


def definition_of(x: Exchange) -> ResourceDefinition | None:
    if x.on("Users"):
        return user_definition()
    return group_definition() if x.on("Groups") else None


def _written(x: Exchange) -> dict[str, Any] | None:
    """The body of a POST creating a user or group, or of a PUT replacing one."""
    creates = x.method == "POST" and x.item_id is None and len(x.parts) == 1
    replaces = x.method == "PUT" and x.item_id is not None
    wanted = definition_of(x) is not None and (creates or replaces)
    return x.body if wanted and isinstance(x.body, dict) else None


def _key(body: dict[str, Any], name: str) -> str | None:
    """The body's spelling of an attribute name (names are case-insensitive, RFC 7643 2.1)."""
    return next((key for key in body if key.lower() == name.lower()), None)


def _integer(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


# --- A. Authentication ---------------------------------------------------------------------------


# RFC 7644 2 and RFC 7235 4.1: a 401 SHALL name the supported scheme in WWW-Authenticate.
@fault("auth-challenge-missing", "401 answers carry no WWW-Authenticate challenge")
def _auth_challenge_missing(x: Exchange) -> None:
    if x.status == 401:
        x.headers.pop("www-authenticate", None)


# --- B and C. Media types and JSON ---------------------------------------------------------------


# RFC 7644 3.1, 8.1 (docs/robustness.md#media-types): a body in another media type is refused, not
# guessed at.
@fault(
    "content-type-ignored", "A JSON body is read whatever its Content-Type says", phase="request"
)
def _content_type_ignored(x: Exchange) -> None:
    declared = x.request_headers.get("content-type", "application/json")
    if x.body is not None and declared.split(";")[0].strip().lower() not in JSON_TYPES:
        x.request_headers["content-type"] = "application/scim+json"


def _finite(value: Any) -> Any:
    """The value with NaN and infinities as null: what a lenient parser's caller then ignores."""
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return None if isinstance(value, float) and not math.isfinite(value) else value


# RFC 8259 6 forbids NaN and Infinity; RFC 7644 3.12 makes such a body 400 invalidSyntax. Python's
# json reads them by default, which is how a server comes to accept them
# (docs/robustness.md#refusals).
@fault(
    "json-constants-accepted",
    "NaN and Infinity in a JSON body are read as numbers, not refused",
    phase="request",
)
def _json_constants_accepted(x: Exchange) -> None:
    if isinstance(x.body, dict):
        x.body = _finite(x.body)


def _depth(value: Any) -> int:
    children = (
        value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    )
    return 1 + max((_depth(child) for child in children), default=0)


# docs/robustness.md#parser-limits: every parser needs a depth cap. Without one, the deep attribute
# is parsed and (being unknown) ignored: simulated by handing the server the body without it.
@fault("json-depth-unlimited", "JSON bodies may nest without limit", phase="request")
def _json_depth_unlimited(x: Exchange) -> None:
    if isinstance(x.body, dict):
        for key, value in x.body.items():
            if _depth(value) >= LIMITS.max_json_depth:
                x.body[key] = None


# docs/robustness.md#parser-limits: an integer longer than Python's int_max_str_digits makes json
# raise ValueError; uncaught, it is a 500. The only body that Python's json refuses (x.body is None)
# while the server answers 400 invalidValue (not invalidSyntax) is such a number.
@fault("long-integer-server-error", "A JSON integer over 4300 digits answers 500")
def _long_integer_server_error(x: Exchange) -> None:
    error = x.error()
    if error is not None and x.body is None and error.get("scimType") == "invalidValue":
        x.answer_error(500, "Internal error (deliberate fault)")


# --- D and E. Schemas, attribute names, values ---------------------------------------------------


# RFC 7643 3: `schemas` is REQUIRED, a list of URNs; a server that supplies it hides the bug.
@fault(
    "schemas-not-required",
    "A resource without a `schemas` list is accepted as the endpoint's type",
    phase="request",
)
def _schemas_not_required(x: Exchange) -> None:
    body, definition = _written(x), definition_of(x)
    if body is None or definition is None:
        return
    key = _key(body, "schemas") or "schemas"
    if not isinstance(body.get(key), list):
        body[key] = [definition.core.id]


# RFC 7643 2.1: attribute names are case-insensitive (Microsoft's tests send `UserName`,
# docs/idp/entra.md#attribute-names).
@fault(
    "attribute-names-case-sensitive",
    "Attributes spelled in another case (`UserName`) are ignored",
    phase="request",
)
def _attribute_names_case_sensitive(x: Exchange) -> None:
    body, canonical = _written(x) or {}, canonical_names()
    for key in [k for k in body if ":" not in k and canonical.get(k.lower(), k) != k]:
        del body[key]


# RFC 7643 2.3.1 and 4.1.1: userName is a string; RFC 7644 3.12: a wrong type is invalidValue.
@fault(
    "user-name-coerced-to-string",
    "A userName sent as a number or boolean is stored as its string form",
    phase="request",
)
def _user_name_coerced_to_string(x: Exchange) -> None:
    body = _written(x) if x.on("Users") else None
    key = _key(body, "userName") if body is not None else None
    if body is not None and key is not None and isinstance(body[key], int | float):
        body[key] = str(body[key])


# RFC 7644 7.8 and 5 (PRECIS IdentifierClass, RFC 8265): control characters are refused, not
# quietly dropped (docs/robustness.md#control-characters).
@fault(
    "control-characters-stripped",
    "Control characters in a userName are silently removed instead of refused",
    phase="request",
)
def _control_characters_stripped(x: Exchange) -> None:
    body = _written(x) if x.on("Users") else None
    key = _key(body, "userName") if body is not None else None
    if body is not None and key is not None and isinstance(body[key], str):
        body[key] = "".join(c for c in body[key] if unicodedata.category(c) != "Cc")


# --- F and G. Paging -----------------------------------------------------------------------------


def _listing(x: Exchange) -> bool:
    return x.method == "GET" and x.item_id is None and definition_of(x) is not None


# RFC 7644 3.4.2.4: a count above the maximum gets at most the maximum, it is not refused.
@fault("large-count-refused", "A count above the server's maximum page answers 400")
def _large_count_refused(x: Exchange) -> None:
    count = _integer(x.param("count"))
    if x.ok and _listing(x) and count is not None and count > LIMITS.max_results:
        x.answer_error(400, f"count must not exceed {LIMITS.max_results}", "invalidValue")


# RFC 7644 3.4.2.4: "A value less than 1 SHALL be interpreted as 1."
@fault("start-index-below-one-refused", "startIndex below 1 answers 400, not the first page")
def _start_index_below_one_refused(x: Exchange) -> None:
    start = _integer(x.param("startIndex"))
    if x.ok and _listing(x) and start is not None and start < 1:
        x.answer_error(400, "startIndex must be 1 or more", "invalidValue")


# docs/robustness.md#paging-parameters: a non-integer startIndex or count is 400 invalidValue, not
# ignored.
@fault(
    "non-integer-paging-ignored",
    "A startIndex or count that is not an integer is ignored",
    phase="request",
)
def _non_integer_paging_ignored(x: Exchange) -> None:
    paging = ("startindex", "count")
    x.query = {
        k: v for k, v in x.query.items() if k.lower() not in paging or _integer(v) is not None
    }


# --- H. Filters ----------------------------------------------------------------------------------


def _set_filter(x: Exchange, text: str) -> None:
    key = next((k for k in x.query if k.lower() == "filter"), None)
    if key is not None:
        x.query[key] = text
    elif isinstance(x.body, dict) and isinstance(x.body.get("filter"), str):
        x.body["filter"] = text


FIRST_NAME = re.compile(r"\s*([A-Za-z][\w$-]*)")


# An allowed variant: RFC 7644 3.12 lets a server refuse a filter on an attribute it does not
# know (invalidFilter, "the specified attribute and filter comparison combination is not
# supported") but no sentence requires it; matching nobody keeps 3.4.2.2's "only those resources
# matching the filter expression SHALL be returned". The reference server refuses it.
@fault(
    "unknown-filter-attribute-matches-nothing",
    "A filter on an unknown attribute answers an empty list, not 400",
    allowed=True,
)
def _unknown_filter_attribute_matches_nothing(x: Exchange) -> None:
    error, found = x.error(), FIRST_NAME.match(x.filter_text() or "")
    if error is None or error.get("scimType") != "invalidFilter" or found is None:
        return
    if found[1].lower() not in canonical_names():
        x.status = 200
        x.answer_list([])


# RFC 7644 3.4.2.2: "Providers MUST decline to filter results if the specified filter operation
# is not recognized and return an HTTP 400 error"; `userName xx "x"` or an unterminated string on
# a known attribute answered as an empty list breaks it (the unknown attribute is the variant).
@fault(
    "known-attribute-bad-filter-matches-nothing",
    "A malformed filter on a known attribute answers an empty list, not 400",
)
def _known_attribute_bad_filter_matches_nothing(x: Exchange) -> None:
    error, found = x.error(), FIRST_NAME.match(x.filter_text() or "")
    if error is None or error.get("scimType") != "invalidFilter" or found is None:
        return
    if found[1].lower() in canonical_names():
        x.status = 200
        x.answer_list([])


LIKE_OPERAND = re.compile(r'(?i)\b(sw|co)(\s+)"((?:[^"\\]|\\.)*)"')


def _as_like_pattern(found: re.Match[str]) -> str:
    # `sw "ab%"` as LIKE 'ab%%' matches what `sw "ab"` does; `_` (one character) is read the same
    # way, a superset that the probes (a run prefix and one more character) cannot tell apart.
    literal = re.split(r"[%_]", found[3], maxsplit=1)[0]
    return f'{found[1]}{found[2]}"{literal}"'


# RFC 7644 7.7 and docs/robustness.md#filter-values: filter values match literally; `%` and `_` are
# escaped when a filter becomes SQL LIKE (powerhome/power-tools#436).
@fault(
    "like-wildcards-unescaped",
    "`%` and `_` in sw and co filter values act as SQL LIKE wildcards",
    phase="request",
)
def _like_wildcards_unescaped(x: Exchange) -> None:
    text = x.filter_text()
    if text and definition_of(x) is not None:
        _set_filter(x, LIKE_OPERAND.sub(_as_like_pattern, text))


def _wrapped(text: str) -> bool:
    """Whether the first `(` closes at the very end: `((a) and (b))` is, `(a) and (b)` is not."""
    return text.startswith("(") and _closes_last(QUOTED.sub('""', text))


def _closes_last(text: str) -> bool:
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return index == len(text) - 1
    return False


# docs/robustness.md#parser-limits: parsers need a depth cap. Without one,
# redundant parentheses are parsed away and the filter runs: simulated by removing them.
@fault("filter-depth-unlimited", "Filters may nest without limit", phase="request")
def _filter_depth_unlimited(x: Exchange) -> None:
    text = (x.filter_text() or "").strip()
    if definition_of(x) is None or nesting_depth(text) <= LIMITS.max_filter_depth:
        return
    while _wrapped(text):
        text = text[1:-1].strip()
    _set_filter(x, text)


# docs/robustness.md#filter-values: a Groups filter that returns every group
# breaks Entra's group matching; RFC 7644 3.4.2.2.
@fault(
    "group-filter-ignored", "GET /Groups ignores `filter` and lists every group", phase="request"
)
def _group_filter_ignored(x: Exchange) -> None:
    if x.on("Groups", "GET", item=False):
        x.query = {k: v for k, v in x.query.items() if k.lower() != "filter"}
