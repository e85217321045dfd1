"""Allowed variants: what a server may rightly do where the reference server does another thing.

Each is registered like a fault (`allowed=True`) and switched on the same way (`--fault NAME`,
`PUT /faults`); `tests/faults/test_variants.py` runs the scenarios under each and requires that the
checks it names all hold. They keep the checks honest: a check that failed a server for what its
text allows fails one of these runs.
"""

from __future__ import annotations

import re
from typing import Any

from .exchange import Exchange
from .registry import fault, hook

# RFC 7644 3.5.2.3: "If the target location is a multi-valued attribute for which a value
# selection filter ("valuePath") has been supplied and no record match was made, the service
# provider SHALL indicate failure by returning HTTP status code 400 and a "scimType" error code
# of "noTarget"." The reference server creates the entry instead, as Entra expects of an add.
VALUE_PATH_REPLACE_NO_TARGET = hook(
    "value-path-replace-no-target",
    "A replace whose value filter matches no entry is 400 noTarget (RFC 7644 3.5.2.3)",
    allowed=True,
)


def _user_name(body: dict[str, Any]) -> Any:
    return next((v for k, v in body.items() if k.lower() == "username"), None)


@fault(
    "put-defaults-omitted",
    "A PUT that omits emails gets a default work email made from the userName (RFC 7644 3.5.1)",
    phase="request",
    allowed=True,
)
def _put_defaults_omitted(x: Exchange) -> None:
    # 3.5.1: for an omitted readWrite attribute the server may clear it or assign a default.
    if not (x.on("Users", "PUT", item=True) and isinstance(x.body, dict)):
        return
    user_name = _user_name(x.body)
    if any(k.lower() == "emails" for k in x.body) or not isinstance(user_name, str):
        return
    if "@" in user_name:
        x.body = {**x.body, "emails": [{"value": user_name, "type": "work", "primary": True}]}


@fault(
    "complete-lists-without-paging",
    "A list holding every result leaves out itemsPerPage and startIndex (RFC 7644 3.4.2)",
    allowed=True,
)
def _complete_lists_without_paging(x: Exchange) -> None:
    # 3.4.2: both are "REQUIRED when partial results are returned due to pagination" only.
    listed = x.listed()
    resources = listed.get("Resources") if listed is not None else None
    if (
        listed is not None
        and isinstance(resources, list)
        and len(resources) == listed.get("totalResults")
    ):
        listed.pop("itemsPerPage", None)
        listed.pop("startIndex", None)


def _endpoints(x: Exchange, spell: Any) -> None:
    if x.on("ResourceTypes", "GET"):
        for resource in x.resources():
            endpoint = resource.get("endpoint")
            if isinstance(endpoint, str):
                resource["endpoint"] = spell(endpoint)


@fault(
    "resource-type-endpoint-without-slash",
    'ResourceTypes name their endpoint "Users", as RFC 7643 6 writes it',
    allowed=True,
)
def _resource_type_endpoint_without_slash(x: Exchange) -> None:
    _endpoints(x, lambda endpoint: endpoint.lstrip("/"))


@fault(
    "resource-type-endpoint-absolute",
    "ResourceTypes name their endpoint by its full URL",
    allowed=True,
)
def _resource_type_endpoint_absolute(x: Exchange) -> None:
    # `x.path` is below the SCIM base URL: the full URL puts the team's base path back before it,
    # or a client following it (Okta's Entitlements test does) would leave the SCIM API.
    base = x.request_headers.get("host", "127.0.0.1")
    prefix = f"/t/{x.team}/{x.api}"
    _endpoints(x, lambda endpoint: f"http://{base}{prefix}/{endpoint.lstrip('/')}")


CORE_RESOURCE_TYPES = ("User", "Group")


@fault(
    "no-entitlement-resource-types",
    "/ResourceTypes lists User and Group only, as a server with no roles to discover does",
    allowed=True,
)
def _no_entitlement_resource_types(x: Exchange) -> None:
    # RFC 7644 4: a server lists the resource types it has; an app without roles or entitlements
    # (https://developer.okta.com/docs/guides/scim-with-entitlements/main/) has only these two.
    if x.on("ResourceTypes", "GET", item=False) and x.listed() is not None:
        x.answer_list([r for r in x.resources() if r.get("name") in CORE_RESOURCE_TYPES])
    elif x.on("ResourceTypes", "GET", item=True) and x.item_id not in CORE_RESOURCE_TYPES:
        x.answer_error(404, f"ResourceType {x.item_id!r} not found")


@fault(
    "unsupported-operation-501",
    "PUT /ServiceProviderConfig is 501 Not Implemented (RFC 7644 3.12)",
    allowed=True,
)
def _unsupported_operation_501(x: Exchange) -> None:
    # 3.12: 501 "Service provider does not support the request operation, e.g., PATCH".
    if x.on("ServiceProviderConfig", "PUT"):
        x.answer_error(501, "Changing the configuration is not supported")


# Where a section names the scimType: 409 uniqueness (3.3), noTarget (3.5.2.2, 3.5.2.3), and
# invalidFilter for an ordering comparison (3.4.2.2: "Boolean and Binary attributes SHALL cause
# a failed response ... with "scimType" of "invalidFilter"").
ORDERING = re.compile(r"\b(gt|ge|lt|le)\b", re.IGNORECASE)


def _named_by_the_text(x: Exchange, scim_type: Any) -> bool:
    if scim_type in ("uniqueness", "noTarget"):
        return True
    return scim_type == "invalidFilter" and bool(ORDERING.search(x.filter_text() or ""))


@fault(
    "errors-without-scim-type",
    "Errors leave out scimType wherever no section of RFC 7644 names one (3.12: OPTIONAL)",
    allowed=True,
)
def _errors_without_scim_type(x: Exchange) -> None:
    error = x.error()
    if error is not None and not _named_by_the_text(x, error.get("scimType")):
        error.pop("scimType", None)


def _without_title(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k.lower() != "title"}
    return value


@fault(
    "title-not-stored",
    "The server keeps no `title`: a difference only checks that read `title` may blame",
    phase="request",
    allowed=True,
)
def _title_not_stored(x: Exchange) -> None:
    # A finding blames what it names (issue 15): a retry after 429 or a suspension that works
    # is not failed for a `title` the server does not keep; the update checks say that.
    if not x.on("Users") or not isinstance(x.body, dict):
        return
    if x.method in ("POST", "PUT"):
        x.body = _without_title(x.body)
    elif x.method == "PATCH" and isinstance(x.body.get("Operations"), list):
        kept = [
            {**op, "value": _without_title(op.get("value"))} if isinstance(op, dict) else op
            for op in x.body["Operations"]
            if not (isinstance(op, dict) and str(op.get("path", "")).lower() == "title")
        ]
        x.body = {**x.body, "Operations": kept}
