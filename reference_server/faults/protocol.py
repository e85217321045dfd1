"""Faults in what every answer says: status, media type, error shape, resources, lists, filters,
paging, discovery."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from ..scim.attributes import group_definition, user_definition
from .exchange import Exchange
from .registry import fault, hook

# Always-on checks: transport, status, media type, error shape, `schemas`.


@fault("slow-service-provider-config", "GET /ServiceProviderConfig answers only after 3 s")
def _slow_service_provider_config(x: Exchange) -> None:
    if x.on("ServiceProviderConfig", "GET"):
        x.delay = 3.0


@fault("server-error-on-read", "GET /Users/{id} answers 500, whatever the id")
def _server_error_on_read(x: Exchange) -> None:
    if x.on("Users", "GET", item=True) and x.status != 401:
        x.answer_error(500, "Internal error (deliberate fault)")


@fault("text-plain-media-type", "JSON answers are labelled text/plain")
def _text_plain_media_type(x: Exchange) -> None:
    if x.json is not None:
        x.headers["content-type"] = "text/plain; charset=utf-8"


@fault("text-errors", "4xx answers are plain text, not SCIM Errors")
def _text_errors(x: Exchange) -> None:
    if 400 <= x.status < 500:
        x.text = f"Error {x.status}"
        x.headers["content-type"] = "text/plain; charset=utf-8"


@fault("error-status-number", "Error bodies give `status` as a JSON number")
def _error_status_number(x: Exchange) -> None:
    error = x.error()
    if error is not None and isinstance(error.get("status"), str):
        error["status"] = int(error["status"])


@fault("no-schemas", "Resources are returned without `schemas`")
def _no_schemas(x: Exchange) -> None:
    for resource in x.resources():
        resource.pop("schemas", None)


# Code checks: schema, attribute names, list counts, password, Location, ETag, detail.


@fault("emails-not-a-list", "`emails` is rendered as one object instead of a list")
def _emails_not_a_list(x: Exchange) -> None:
    for resource in x.resources():
        emails = resource.get("emails")
        if isinstance(emails, list) and emails:
            resource["emails"] = emails[0]


KEEP_SPELLING = ("schemas", "id", "meta")


@fault("pascal-case-names", "A resource's own attributes are named in PascalCase (`UserName`)")
def _pascal_case_names(x: Exchange) -> None:
    if x.item_id is not None or x.status == 201:
        for resource in x.resources():
            renamed = [k for k in resource if k not in KEEP_SPELLING and k[:1].islower()]
            for key in [k for k in renamed if ":" not in k]:
                resource[key[0].upper() + key[1:]] = resource.pop(key)


@fault("items-per-page-wrong", "List answers give the `count` asked for as `itemsPerPage`")
def _items_per_page_wrong(x: Exchange) -> None:
    listed, count = x.listed(), x.param("count")
    if listed is not None and count is not None and count.isdigit():
        listed["itemsPerPage"] = int(count)


_ECHOED: dict[tuple[str, str], str] = {}


@fault("password-echoed", "A password sent with a user is stored and returned")
def _password_echoed(x: Exchange) -> None:
    if not x.on("Users"):
        return
    sent = x.body.get("password") if isinstance(x.body, dict) else None
    for resource in x.resources():
        key = (x.team, str(resource["id"]))
        if isinstance(sent, str) and x.method in ("POST", "PUT"):
            _ECHOED[key] = sent
        if key in _ECHOED:
            resource["password"] = _ECHOED[key]


@fault("no-location-header", "201 answers have no Location header")
def _no_location_header(x: Exchange) -> None:
    if x.status == 201:
        x.headers.pop("location", None)


@fault("etag-mismatch", "The ETag header differs from meta.version")
def _etag_mismatch(x: Exchange) -> None:
    if "etag" in x.headers:
        x.headers["etag"] = 'W/"stale"'


@fault("errors-without-detail", "Error bodies have no `detail`")
def _errors_without_detail(x: Exchange) -> None:
    error = x.error()
    if error is not None:
        error.pop("detail", None)


# Expectations of the scenarios: userName, filters, paging, errors, authentication.


@fault("lowercase-user-name", "userName is stored lower-cased", phase="request")
def _lowercase_user_name(x: Exchange) -> None:
    if x.on("Users") and x.method in ("POST", "PUT") and isinstance(x.body, dict):
        for key, value in x.body.items():
            if key.lower() == "username" and isinstance(value, str):
                x.body[key] = value.lower()


OPERATORS = frozenset({"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr", "and", "or"})
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


@cache
def canonical_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for definition in (user_definition(), group_definition()):
        for schema in (*definition.all_schemas(), definition.common):
            for attribute in schema.attributes.values():
                names[attribute.name.lower()] = attribute.name
                names.update({s.name.lower(): s.name for s in attribute.sub_attributes.values()})
    return names


def _spelled_canonically(filter_text: str) -> bool:
    """Whether operators are lower-case and attribute names spelled as the schema spells them."""
    canonical = canonical_names()
    for token in re.findall(r"[A-Za-z$][\w$-]*", QUOTED.sub('""', filter_text)):
        folded = token.lower()
        expected = folded if folded in OPERATORS else canonical.get(folded, token)
        if token != expected:
            return False
    return True


@fault("case-sensitive-filter", "Filters match attribute names and operators case-sensitively")
def _case_sensitive_filter(x: Exchange) -> None:
    filter_text = x.filter_text()
    if x.listed() is not None and filter_text and not _spelled_canonically(filter_text):
        x.answer_list([])


@fault("filter-miss-404", "A filter that matches nothing answers 404")
def _filter_miss_404(x: Exchange) -> None:
    listed = x.listed()
    if listed is not None and x.filter_text() and listed.get("totalResults") == 0:
        x.answer_error(404, "No resource matches the filter")


@fault("filter-error-wrong-scim-type", "A malformed filter is 400 invalidSyntax, not invalidFilter")
def _filter_error_wrong_scim_type(x: Exchange) -> None:
    error = x.error()
    if error is not None and error.get("scimType") == "invalidFilter":
        error["scimType"] = "invalidSyntax"


@fault("eq-filter-finds-nothing", "`eq` filters match nothing")
def _eq_filter_finds_nothing(x: Exchange) -> None:
    filter_text = x.filter_text() or ""
    if x.listed() is not None and " eq " in QUOTED.sub('""', filter_text).lower():
        x.answer_list([])


@fault("conflict-as-400", "A userName conflict answers 400 invalidValue, not 409 uniqueness")
def _conflict_as_400(x: Exchange) -> None:
    error = x.error()
    if error is not None and x.status == 409:
        x.answer_error(400, str(error.get("detail", "Conflict")), "invalidValue")


@fault(
    "paging-ignored", "startIndex and count are ignored: lists start at 1, whole", phase="request"
)
def _paging_ignored(x: Exchange) -> None:
    x.query = {k: v for k, v in x.query.items() if k.lower() not in ("startindex", "count")}


@fault("unknown-id-400", "An unknown resource id answers 400, not 404")
def _unknown_id_400(x: Exchange) -> None:
    if x.status == 404 and x.item_id is not None and (x.on("Users") or x.on("Groups")):
        x.answer_error(400, "Invalid resource id", "invalidValue")


AUTH_NOT_ENFORCED = hook(
    "auth-not-enforced", "SCIM requests without valid credentials are served anyway"
)


# Discovery.


@fault("service-provider-config-without-patch", "/ServiceProviderConfig leaves out `patch`")
def _service_provider_config_without_patch(x: Exchange) -> None:
    if x.on("ServiceProviderConfig") and isinstance(x.json, dict):
        x.json.pop("patch", None)


def _unlist(x: Exchange, collection: str, unwanted: Callable[[dict[str, Any]], bool]) -> None:
    if x.on(collection, "GET", item=False) and x.listed() is not None:
        x.answer_list([r for r in x.resources() if not unwanted(r)])


@fault("user-schema-unlisted", "/Schemas leaves out the core User schema")
def _user_schema_unlisted(x: Exchange) -> None:
    _unlist(x, "Schemas", lambda r: r.get("id") == user_definition().core.id)


@fault("users-resource-type-unlisted", "/ResourceTypes leaves out Users")
def _users_resource_type_unlisted(x: Exchange) -> None:
    _unlist(x, "ResourceTypes", lambda r: r.get("endpoint") == "/Users")
