"""Faults in how a server handles unusual writes and identifiers: PATCH, readOnly attributes,
uniqueness, ids and methods, ETags (scenarios/robustness, docs/robustness.md); and the
core group filter and reactivation checks."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from ..scim.attributes import ResourceDefinition, user_definition
from ..scim.errors import ScimError
from ..scim.normalize import normalize_resource
from ..scim.patch import PATCH_OP_SCHEMA, apply_patch
from .exchange import Exchange
from .registry import fault, hook
from .robust_input import definition_of
from .writes import drop_operations

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
    definition = definition_of(x)
    if definition is not None:
        _drop_if_any(x, lambda operation: _targets_read_only(definition, operation))


def _standalone_error(operation: Any) -> ScimError | None:
    """The error one operation meets on its own, applied to a minimal user."""
    body = {"schemas": [PATCH_OP_SCHEMA], "Operations": [operation]}
    try:
        patched = apply_patch(user_definition(), {"userName": "placeholder"}, body)
        normalize_resource(user_definition(), patched, require_schemas=False)
    except ScimError as error:
        return error
    return None


# RFC 7644 3.5.2: a PATCH "SHALL be treated as atomic"; here the operations before the failing
# one are applied and kept, and the failure is reported after the fact.
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


# docs/idp/okta.md#reactivation, docs/domain.md#reactivation: a deactivated member is reactivated by
# active true.
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
# never returned. A POST answer built from the request body says otherwise.
@fault(
    "create-echoes-request",
    "The POST /Users answer is the request body laid over the stored user",
)
def _create_echoes_request(x: Exchange) -> None:
    created = x.on("Users", "POST", item=False) and x.status == 201
    if created and isinstance(x.body, dict) and isinstance(x.json, dict):
        x.json = {**x.json, **x.body}


# --- K. Uniqueness -------------------------------------------------------------------------------


# RFC 7644 3.3 and 3.12: a duplicate is 409 with scimType uniqueness (one server
# left it out: https://github.com/getsentry/sentry/issues/117860).
@fault("conflict-without-scim-type", "409 answers carry no scimType")
def _conflict_without_scim_type(x: Exchange) -> None:
    error = x.error()
    if error is not None and x.status == 409:
        error.pop("scimType", None)


# RFC 7644 7.8 and 5: strings are prepared (PRECIS) before uniqueness and filters compare them;
# SQLite's NOCASE folds ASCII A-Z only (docs/robustness.md#uniqueness-and-case). Decided by
# `FaultBehaviour.case_folding`, which `scim/folding.py` consults.
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


# RFC 7644 3.12: an unknown resource is 404 whatever its id looks like; Okta's SPEC test sends
# made-up ids and expects 404 (docs/idp/okta.md#spec-test-12), and WSO2 answered 500
# (https://github.com/wso2/product-is/issues/7455).
@fault("malformed-id-400", "An id that is not a UUID answers 400 invalidValue, not 404")
def _malformed_id_400(x: Exchange) -> None:
    unknown = x.status == 404 and definition_of(x) is not None
    if unknown and x.item_id is not None and not _uuid_shaped(x.item_id):
        x.answer_error(400, "The id is not a valid identifier", "invalidValue")


_DELETED: set[tuple[str, str]] = set()


# RFC 7644 3.6: after a DELETE, every operation on the resource is 404, a second DELETE too.
@fault("second-delete-succeeds", "DELETE of an already deleted resource answers 204 again")
def _second_delete_succeeds(x: Exchange) -> None:
    if x.method != "DELETE" or x.item_id is None or definition_of(x) is None:
        return
    key = (x.team, x.item_id)
    if x.status == 204:
        _DELETED.add(key)
    elif x.status == 404 and key in _DELETED:
        x.answer(204)


# RFC 9110 15.5.6: a method the target resource does not support is 405
# (docs/robustness.md#unsupported-methods).
@fault("unsupported-method-404", "A method a route does not support answers 404, not 405")
def _unsupported_method_404(x: Exchange) -> None:
    if x.status == 405:
        x.headers.pop("allow", None)
        x.answer_error(404, "Not found")


# --- M. ETags ------------------------------------------------------------------------------------


# RFC 7644 3.14: a stale If-Match is 412 and changes nothing; SCIMple once ignored it entirely
# (https://github.com/apache/directory-scimple/issues/534).
@fault("if-match-ignored", "If-Match is ignored: a stale version is overwritten", phase="request")
def _if_match_ignored(x: Exchange) -> None:
    x.request_headers.pop("if-match", None)
