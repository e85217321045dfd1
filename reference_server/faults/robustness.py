"""Faults that robustness probes and the core group and reactivation checks catch: what a server
does with hostile or unusual input (scenarios/robustness, ../shared/robustness.md)."""

from __future__ import annotations

import math
import re
import unicodedata
import uuid
from collections.abc import Callable
from typing import Any

from ..limits import Limits
from ..scim.attributes import ResourceDefinition, group_definition, user_definition
from ..scim.errors import ScimError
from ..scim.nesting import nesting_depth
from .exchange import JSON_TYPES, Exchange
from .protocol import QUOTED, _canonical_names
from .registry import fault, hook
from .writes import drop_operations

LIMITS = Limits()  # what a server started with the defaults enforces and advertises


def _definition(x: Exchange) -> ResourceDefinition | None:
    if x.on("Users"):
        return user_definition()
    return group_definition() if x.on("Groups") else None


def _written(x: Exchange) -> dict[str, Any] | None:
    """The body of a POST creating a user or group, or of a PUT replacing one."""
    creates = x.method == "POST" and x.item_id is None and len(x.parts) == 1
    replaces = x.method == "PUT" and x.item_id is not None
    wanted = _definition(x) is not None and (creates or replaces)
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


# RFC 7644 3.1, 8.1 (robustness.md 4 B): a body in another media type is refused, not guessed at.
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
# json reads them by default, which is how a server comes to accept them (robustness.md 4 C).
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


# robustness.md 0.5 and 4 C: every parser needs a depth cap. Without one, the deep attribute is
# parsed and (being unknown) ignored: simulated by handing the server the body without it.
@fault("json-depth-unlimited", "JSON bodies may nest without limit", phase="request")
def _json_depth_unlimited(x: Exchange) -> None:
    if isinstance(x.body, dict):
        for key, value in x.body.items():
            if _depth(value) >= LIMITS.max_json_depth:
                x.body[key] = None


# robustness.md 4 C: an integer longer than Python's int_max_str_digits makes json raise
# ValueError; uncaught, it is a 500. The only body that Python's json refuses (x.body is None)
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
    body, definition = _written(x), _definition(x)
    if body is None or definition is None:
        return
    key = _key(body, "schemas") or "schemas"
    if not isinstance(body.get(key), list):
        body[key] = [definition.core.id]


# RFC 7643 2.1: attribute names are case-insensitive (Entra sends `UserName`, robustness.md 1.7).
@fault(
    "attribute-names-case-sensitive",
    "Attributes spelled in another case (`UserName`) are ignored",
    phase="request",
)
def _attribute_names_case_sensitive(x: Exchange) -> None:
    body, canonical = _written(x) or {}, _canonical_names()
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
# quietly dropped (robustness.md 4 E).
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
    return x.method == "GET" and x.item_id is None and _definition(x) is not None


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


# robustness.md 1.3 and 4 G: a non-integer startIndex or count is 400 invalidValue, not ignored.
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


# RFC 7644 3.4.2.2 and 3.12: a filter on an attribute the server does not know is 400
# invalidFilter; matching nothing hides the IdP's mistake (robustness.md 4 H).
@fault(
    "unknown-filter-attribute-matches-nothing",
    "A filter on an unknown attribute answers an empty list, not 400",
)
def _unknown_filter_attribute_matches_nothing(x: Exchange) -> None:
    error, found = x.error(), FIRST_NAME.match(x.filter_text() or "")
    if error is None or error.get("scimType") != "invalidFilter" or found is None:
        return
    if found[1].lower() not in _canonical_names():
        x.status = 200
        x.answer_list([])


LIKE_OPERAND = re.compile(r'(?i)\b(sw|co)(\s+)"((?:[^"\\]|\\.)*)"')


def _as_like_pattern(found: re.Match[str]) -> str:
    # `sw "ab%"` as LIKE 'ab%%' matches what `sw "ab"` does; `_` (one character) is read the same
    # way, a superset that the probes (a run prefix and one more character) cannot tell apart.
    literal = re.split(r"[%_]", found[3], maxsplit=1)[0]
    return f'{found[1]}{found[2]}"{literal}"'


# RFC 7644 7.7 and robustness.md 5: filter values match literally; `%` and `_` are escaped when a
# filter becomes SQL LIKE (powerhome/power-tools#436).
@fault(
    "like-wildcards-unescaped",
    "`%` and `_` in sw and co filter values act as SQL LIKE wildcards",
    phase="request",
)
def _like_wildcards_unescaped(x: Exchange) -> None:
    text = x.filter_text()
    if text and _definition(x) is not None:
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


# robustness.md 0.5 and 2: parsers need a depth cap (Keycloak #50472, SCIMple #1126). Without one,
# redundant parentheses are parsed away and the filter runs: simulated by removing them.
@fault("filter-depth-unlimited", "Filters may nest without limit", phase="request")
def _filter_depth_unlimited(x: Exchange) -> None:
    text = (x.filter_text() or "").strip()
    if _definition(x) is None or nesting_depth(text) <= LIMITS.max_filter_depth:
        return
    while _wrapped(text):
        text = text[1:-1].strip()
    _set_filter(x, text)


# robustness.md 3 (Metatavu/keycloak-scim-server#46): a Groups filter that returns every group
# breaks Entra's group matching; RFC 7644 3.4.2.2.
@fault(
    "group-filter-ignored", "GET /Groups ignores `filter` and lists every group", phase="request"
)
def _group_filter_ignored(x: Exchange) -> None:
    if x.on("Groups", "GET", item=False):
        x.query = {k: v for k, v in x.query.items() if k.lower() != "filter"}


# --- I. PATCH ------------------------------------------------------------------------------------


def _op(operation: Any) -> str:
    fields = (
        {str(k).lower(): v for k, v in operation.items()} if isinstance(operation, dict) else {}
    )
    return str(fields.get("op", "")).lower()


def _drop_if_any(x: Exchange, dropped: Callable[[Any], bool]) -> None:
    """The PATCH without the dropped operations, when there are some (none left: a GET)."""
    operations = x.body.get("Operations") if isinstance(x.body, dict) else None
    collection = "Users" if x.on("Users") else "Groups"
    if isinstance(operations, list) and any(dropped(operation) for operation in operations):
        drop_operations(x, collection, dropped)


# RFC 7644 3.5.2: `op` is add, remove or replace; anything else is 400 invalidSyntax.
@fault(
    "unknown-patch-ops-ignored",
    "PATCH operations with an unknown `op` are skipped",
    phase="request",
)
def _unknown_patch_ops_ignored(x: Exchange) -> None:
    _drop_if_any(x, lambda operation: _op(operation) not in ("add", "remove", "replace"))


def _targets_read_only(definition: ResourceDefinition, operation: Any) -> bool:
    path = operation.get("path") if isinstance(operation, dict) else None
    head = re.split(r"[.\[]", path, maxsplit=1)[0] if isinstance(path, str) else ""
    attribute = definition.top_level(head) if head else None
    return attribute is not None and attribute.read_only


# RFC 7644 3.5.2: a client MUST NOT modify a readOnly attribute; the answer is 400 mutability
# (3.12), so the client learns its change did not happen.
@fault(
    "patch-read-only-skipped",
    "PATCH operations on readOnly attributes (`id`, `meta`) are skipped, answered 200",
    phase="request",
)
def _patch_read_only_skipped(x: Exchange) -> None:
    definition = _definition(x)
    if definition is not None:
        _drop_if_any(x, lambda operation: _targets_read_only(definition, operation))


def _standalone_error(operation: Any) -> ScimError | None:
    """The error one operation meets on its own, applied to a minimal user."""
    # Imported here: the PATCH code folds strings, and folding.py calls back into the faults.
    from ..scim.normalize import normalize_resource
    from ..scim.patch import PATCH_OP_SCHEMA, apply_patch

    body = {"schemas": [PATCH_OP_SCHEMA], "Operations": [operation]}
    try:
        patched = apply_patch(user_definition(), {"userName": "placeholder"}, body)
        normalize_resource(user_definition(), patched, require_schemas=False)
    except ScimError as error:
        return error
    return None


# RFC 7644 3.5.2: a PATCH "SHALL be treated as atomic"; here the operations before the failing
# one are applied and kept (robustness.md 4 I), and the failure is reported after the fact.
@fault(
    "patch-partially-applied",
    "A PATCH keeps the operations before the one that fails, then answers 400",
    phase="request",
)
def _patch_partially_applied(x: Exchange) -> None:
    operations = x.body.get("Operations") if isinstance(x.body, dict) else None
    if not x.on("Users", "PATCH", item=True) or not isinstance(operations, list):
        return
    for index, operation in enumerate(operations):
        error = _standalone_error(operation)
        if error is not None:
            if index:
                x.body["Operations"] = operations[:index]
                x.notes["failed"] = (index, error)
            return


@fault("patch-partially-applied", phase="response")
def _patch_partially_applied_answer(x: Exchange) -> None:
    failed = x.notes.get("failed")
    if failed is not None and x.ok:
        index, error = failed
        scim_type = error.scim_type.value if error.scim_type is not None else None
        x.answer_error(error.status, f"Operations[{index}]: {error.detail}", scim_type)


def _sets_active(operation: Any) -> bool:
    """Whether the operation sets `active` to true (Entra writes it as the string "True")."""
    if not isinstance(operation, dict) or _op(operation) == "remove":
        return False
    path, value = str(operation.get("path") or "").lower(), operation.get("value")
    if not path and isinstance(value, dict) and [k.lower() for k in value] == ["active"]:
        path, value = "active", next(iter(value.values()))  # Okta: {"value": {"active": true}}
    return path == "active" and str(value).lower() == "true"


# okta.md 2.6 and DESIGN.md (Reactivate): a deactivated member is reactivated by active true.
@fault(
    "reactivation-ignored",
    "PATCH setting `active` back to true answers 200, the user stays inactive",
    phase="request",
)
def _reactivation_ignored(x: Exchange) -> None:
    if x.on("Users", "PATCH", item=True):
        _drop_if_any(x, _sets_active)


# --- J. readOnly attributes ----------------------------------------------------------------------


# RFC 7644 3.3: readOnly attributes in a POST "SHALL be ignored"; RFC 7643 4.1.1: a password is
# never returned. A POST answer built from the request body says otherwise (robustness.md 4 J).
@fault(
    "create-echoes-request",
    "The POST /Users answer is the request body laid over the stored user",
)
def _create_echoes_request(x: Exchange) -> None:
    created = x.on("Users", "POST", item=False) and x.status == 201
    if created and isinstance(x.body, dict) and isinstance(x.json, dict):
        x.json = {**x.json, **x.body}


# --- K. Uniqueness -------------------------------------------------------------------------------


# RFC 7644 3.3 and 3.12: a duplicate is 409 with scimType uniqueness (getsentry/sentry#117860
# left it out, robustness.md 1.2).
@fault("conflict-without-scim-type", "409 answers carry no scimType")
def _conflict_without_scim_type(x: Exchange) -> None:
    error = x.error()
    if error is not None and x.status == 409:
        error.pop("scimType", None)


# RFC 7644 7.8 and 5: strings are prepared (PRECIS) before uniqueness and filters compare them;
# SQLite's NOCASE folds ASCII A-Z only (robustness.md 0.4). Implemented in scim/folding.py.
ASCII_ONLY_CASE_FOLDING = hook(
    "ascii-only-case-folding",
    "userName and displayName compare folding ASCII A-Z only, without Unicode normalisation",
)

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def nocase(value: str) -> str:
    """For `ascii-only-case-folding`: SQLite's NOCASE comparison form."""
    return value.translate(_ASCII_LOWER)


# --- L. Ids and methods --------------------------------------------------------------------------


def _uuid_shaped(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


# RFC 7644 3.12: an unknown resource is 404 whatever its id looks like; Okta's validator sends
# random ids and expects 404 (robustness.md 3), and WSO2 answered 500 (product-is#7455).
@fault("malformed-id-400", "An id that is not a UUID answers 400 invalidValue, not 404")
def _malformed_id_400(x: Exchange) -> None:
    unknown = x.status == 404 and _definition(x) is not None
    if unknown and x.item_id is not None and not _uuid_shaped(x.item_id):
        x.answer_error(400, "The id is not a valid identifier", "invalidValue")


_DELETED: set[tuple[str, str]] = set()


# RFC 7644 3.6: after a DELETE, every operation on the resource is 404, a second DELETE too.
@fault("second-delete-succeeds", "DELETE of an already deleted resource answers 204 again")
def _second_delete_succeeds(x: Exchange) -> None:
    if x.method != "DELETE" or x.item_id is None or _definition(x) is None:
        return
    key = (x.team, x.item_id)
    if x.status == 204:
        _DELETED.add(key)
    elif x.status == 404 and key in _DELETED:
        x.answer(204)


# RFC 9110 15.5.6: a method the target resource does not support is 405 (robustness.md 4 L).
@fault("unsupported-method-404", "A method a route does not support answers 404, not 405")
def _unsupported_method_404(x: Exchange) -> None:
    if x.status == 405:
        x.headers.pop("allow", None)
        x.answer_error(404, "Not found")


# --- M. ETags ------------------------------------------------------------------------------------


# RFC 7644 3.14: a stale If-Match is 412 and changes nothing; SCIMple once ignored it entirely
# (apache/directory-scimple#534, robustness.md 1.4).
@fault("if-match-ignored", "If-Match is ignored: a stale version is overwritten", phase="request")
def _if_match_ignored(x: Exchange) -> None:
    x.request_headers.pop("if-match", None)
