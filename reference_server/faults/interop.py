"""Faults that break draft-zollner-scim-interop-profile-01 (docs/interop-profile.md), one rule
each, on a server that claims the profile (`scimcert serve --interop-profile`), and the one that
withdraws the claim, under which the interop scenarios must SKIP rather than fail.

Three undo a strict decision of the profile's behaviour (`FaultBehaviour`); the others are
rewrites.
"""

from __future__ import annotations

import re

from .exchange import Exchange
from .idp import patch_operations
from .registry import fault, hook

CLAIM = "interopProfileConformant"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
# `externalId eq "<value>"`, the attribute name in any case (RFC 7644 3.4.2.2).
_EXTERNAL_ID_EQ = re.compile(r'(externalId\s+eq\s+")((?:[^"\\]|\\.)*)(")', re.IGNORECASE)

UNKNOWN_ATTRIBUTE_IGNORED = hook(
    "interop-unknown-attribute-ignored",
    "An attribute /Schemas does not define is ignored in a POST, not refused with 400",
)
PATHLESS_PATCH_ACCEPTED = hook(
    "interop-pathless-patch-accepted",
    "A PATCH operation without a path is applied, not refused with 400",
)
COMPLEX_REPLACE_MERGES = hook(
    "interop-complex-replace-merges",
    'PATCH replace of "name" keeps the sub-attributes its value leaves out (as RFC 7644 has it)',
)


def _spc(x: Exchange) -> dict[str, object] | None:
    answer = x.json
    on_spc = x.parts == ["ServiceProviderConfig"] and isinstance(answer, dict)
    return answer if on_spc and isinstance(answer, dict) else None


@fault(
    "interop-profile-not-claimed",
    "/ServiceProviderConfig leaves out interopProfileConformant; the strict rules still hold",
)
def _not_claimed(x: Exchange) -> None:
    if (spc := _spc(x)) is not None:
        spc.pop(CLAIM, None)


@fault("interop-claim-as-string", '/ServiceProviderConfig says interopProfileConformant: "true"')
def _claim_as_string(x: Exchange) -> None:
    # Section 4 defines it as a Boolean: a string is a claim a client cannot read as one.
    if (spc := _spc(x)) is not None and CLAIM in spc:
        spc[CLAIM] = "true"


@fault(
    "interop-resource-type-id-not-name",
    'A /ResourceTypes entry has the id "Users", its endpoint, not its name "User"',
)
def _resource_type_id_not_name(x: Exchange) -> None:
    # RFC 7643 6 lets any id do; section 5.1 of the profile asks for the name.
    for resource in x.resources() if x.on("ResourceTypes", "GET", item=False) else []:
        if resource.get("name") == "User":
            resource["id"] = "Users"


@fault(
    "interop-schema-not-served",
    "/Schemas leaves out the enterprise User extension that the User resource type names",
)
def _schema_not_served(x: Exchange) -> None:
    listed = x.listed() if x.on("Schemas", "GET", item=False) else None
    if listed is not None:
        kept = [r for r in x.resources() if "enterprise" not in str(r.get("id", ""))]
        x.answer_list(kept)


def _lowered_external_id(body: object) -> None:
    if isinstance(body, dict):
        for key in [k for k in body if k.lower() == "externalid"]:
            if isinstance(body[key], str):
                body[key] = body[key].lower()


@fault(
    "interop-external-id-case-folded",
    "externalId is stored and looked up lower-cased: ABC-123 finds abc-123",
    phase="request",
)
def _external_id_case_folded(x: Exchange) -> None:
    # The common bug the profile's section 5.2 names: externalId compared as userName is.
    if x.on("Users", "POST", item=False) or x.on("Users", "PUT", item=True):
        _lowered_external_id(x.body)
    filter_text = x.param("filter")
    if x.on("Users", "GET", item=False) and filter_text:
        lowered = _EXTERNAL_ID_EQ.sub(lambda m: m[1] + m[2].lower() + m[3], filter_text)
        x.query = {k: (lowered if k.lower() == "filter" else v) for k, v in x.query.items()}


@fault(
    "interop-unknown-filter-attribute-matches-nothing",
    "A /Users filter on an attribute no schema defines answers an empty list, not 400",
)
def _unknown_filter_attribute_matches_nothing(x: Exchange) -> None:
    error = x.error() if x.on("Users", "GET", item=False) else None
    if error is None or error.get("scimType") != "invalidFilter":
        return
    if "unknown attribute" in str(error.get("detail", "")).lower():
        x.status = 200
        x.answer_list([])


@fault(
    "interop-patch-conflict-400",
    "A PATCH that would duplicate a userName is refused with 400 invalidValue, not 409",
)
def _patch_conflict_400(x: Exchange) -> None:
    error = x.error()
    if x.on("Users", "PATCH", item=True) and x.status == 409 and error is not None:
        x.answer_error(400, str(error.get("detail", "")), "invalidValue")


@fault(
    "interop-delete-deactivates",
    "DELETE of a user sets active to false and answers 204; the user is still served",
    phase="request",
)
def _delete_deactivates(x: Exchange) -> None:
    # The soft delete section 6.6 of the profile forbids by name.
    if x.on("Users", "DELETE", item=True):
        x.route_as = "PATCH"
        x.request_headers["content-type"] = "application/scim+json"
        x.body = {
            "schemas": [PATCH_OP],
            "Operations": [{"op": "replace", "path": "active", "value": False}],
        }


@fault("interop-delete-deactivates", phase="response")
def _delete_deactivates_answer(x: Exchange) -> None:
    if x.method == "DELETE" and x.route_as == "PATCH" and x.status == 200:
        x.answer(204)


def _swap_op(x: Exchange, path: str, was: str, now: str) -> None:
    for operation in patch_operations(x, "Users"):
        if not isinstance(operation, dict):
            continue
        given, op = operation.get("path"), operation.get("op")
        if isinstance(given, str) and given.lower() == path and str(op).lower() == was:
            operation["op"] = now


@fault(
    "interop-complex-add-replaces",
    'PATCH add of "name" is applied as a replace: the sub-attributes it leaves out are dropped',
    phase="request",
)
def _complex_add_replaces(x: Exchange) -> None:
    _swap_op(x, "name", "add", "replace")


@fault(
    "interop-multi-add-replaces",
    'PATCH add of "emails" (no filter) replaces the collection instead of appending to it',
    phase="request",
)
def _multi_add_replaces(x: Exchange) -> None:
    _swap_op(x, "emails", "add", "replace")


@fault(
    "interop-multi-replace-appends",
    'PATCH replace of "emails" (no filter) appends to the collection instead of replacing it',
    phase="request",
)
def _multi_replace_appends(x: Exchange) -> None:
    _swap_op(x, "emails", "replace", "add")


@fault(
    "interop-json-media-type",
    "SCIM answers are labelled application/json, which RFC 7644 allows and the profile does not",
)
def _json_media_type(x: Exchange) -> None:
    given = x.headers.get("content-type", "")
    if given.split(";")[0].strip().lower() == "application/scim+json":
        x.headers["content-type"] = "application/json"


@fault(
    "interop-filter-and-refused",
    "A /Users filter joining comparisons with `and` is refused with 400 invalidFilter",
)
def _filter_and_refused(x: Exchange) -> None:
    text = x.param("filter") or ""
    if x.on("Users", "GET", item=False) and x.ok and " and " in text.lower():
        x.answer_error(400, "Only a single comparison is supported", "invalidFilter")


@fault(
    "interop-page-capped-at-2",
    "/Users list pages hold at most 2 resources, whatever count asks for",
    phase="request",
)
def _page_capped_at_2(x: Exchange) -> None:
    # A server maximum below the profile's 100, made small enough for a run's few users.
    if x.on("Users", "GET", item=False):
        x.query = {k: v for k, v in x.query.items() if k.lower() != "count"} | {"count": "2"}
