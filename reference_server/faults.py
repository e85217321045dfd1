"""Deliberate, named faults: how the harness proves that every one of its checks can fail.

A fault is named after what it breaks in the server, never after a check. Most are small
rewrites of one SCIM exchange, registered with `@fault`: of the request before the application
sees it, or of the buffered answer before the client does. The few that change what the server
*does* rather than what it says (a deactivation that deletes, a reactivation that keeps the role)
are registered with `hook` and implemented by marked hook calls in the SCIM layer (and one in the
app probe), which test `name in ctx.faults`; the domain rules themselves are never touched.

Every fault is off unless switched on: `serve --fault NAME` for every team, or per team through
the app probe (`PUT /faults`). The middleware in `app.py` makes the request's faults current
(`active()`, read by `Context.faults`) and runs the rewrites (`rewrite_exchange`).
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Literal
from urllib.parse import urlencode

from sqlalchemy import Connection, delete
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .scim.attributes import group_definition, user_definition
from .storage.tables import grants, group_members

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
JSON_TYPES = ("application/scim+json", "application/json")
NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

# --- the registry -------------------------------------------------------------------------------

Phase = Literal["request", "response"]
Rewrite = Callable[["Exchange"], None]


@dataclass(frozen=True, slots=True)
class Fault:
    name: str
    description: str
    request: Rewrite | None = None
    response: Rewrite | None = None


FAULTS: dict[str, Fault] = {}


def _declare(name: str, description: str) -> Fault:
    if not NAME.fullmatch(name):
        raise ValueError(f"fault name {name!r} is not kebab-case")
    if name in FAULTS:
        raise ValueError(f"fault {name!r} is registered twice")
    if not description.strip():
        raise ValueError(f"fault {name!r} needs a description")
    FAULTS[name] = Fault(name, description)
    return FAULTS[name]


def fault(
    name: str, description: str = "", *, phase: Phase = "response"
) -> Callable[[Rewrite], Rewrite]:
    """Register a rewrite; a fault with two halves registers its second one without description."""

    def register(rewrite: Rewrite) -> Rewrite:
        found = FAULTS[name] if not description else _declare(name, description)
        if getattr(found, phase) is not None:
            raise ValueError(f"fault {name!r} already has a {phase} rewrite")
        halves = {"request": found.request, "response": found.response, phase: rewrite}
        FAULTS[name] = replace(found, request=halves["request"], response=halves["response"])
        return rewrite

    return register


def hook(name: str, description: str) -> str:
    """Register a fault that hook calls in the SCIM layer implement; returns its name."""
    return _declare(name, description).name


def check_names(names: Iterable[str]) -> frozenset[str]:
    """The names, if each is a registered fault; else ValueError listing the valid ones."""
    chosen = frozenset(names)
    for name in sorted(chosen):
        if name not in FAULTS:
            known = ", ".join(sorted(FAULTS))
            raise ValueError(f"unknown fault {name[:80]!r}; valid faults: {known}")
    return chosen


# --- the faults of the current request ----------------------------------------------------------

_ACTIVE: ContextVar[frozenset[str]] = ContextVar("scimcert_faults", default=frozenset())


def active() -> frozenset[str]:
    """The faults switched on for the request being served (empty outside a request)."""
    return _ACTIVE.get()


@contextmanager
def switched_on(names: frozenset[str]) -> Iterator[None]:
    token = _ACTIVE.set(names)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def rewriting(names: Iterable[str]) -> list[Fault]:
    """The faults among `names` that rewrite exchanges, in registration order."""
    chosen = set(names)
    return [f for f in FAULTS.values() if f.name in chosen and (f.request or f.response)]


# --- one exchange, as a rewrite sees it ---------------------------------------------------------


@dataclass
class Exchange:
    """A SCIM request and its answer. `path` is below the SCIM base URL (`/Users/2819c...`)."""

    team: str
    method: str
    path: str
    query: dict[str, str]
    body: Any = None  # the request's JSON body; None when there is none or it is not JSON
    route_as: str | None = None  # a request rewrite may have the server handle another method
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)  # the answer's, lower-case names
    json: Any = None  # the answer's JSON body; None when there is none or it is not JSON
    text: str | None = None  # set by a rewrite: send this text instead
    delay: float = 0.0  # seconds to hold the answer back

    @property
    def parts(self) -> list[str]:
        return [part for part in self.path.split("/") if part]

    def on(self, collection: str, method: str | None = None, *, item: bool | None = None) -> bool:
        """Whether the request is `method` on `collection` (`Users`...), one item or the list."""
        parts = self.parts
        if not parts or parts[0].lower() != collection.lower():
            return False
        if method is not None and self.method != method:
            return False
        return item is None or item == (self.item_id is not None)

    @property
    def item_id(self) -> str | None:
        parts = self.parts
        return parts[1] if len(parts) == 2 and parts[1] != ".search" else None

    def param(self, name: str) -> str | None:
        return next((v for k, v in self.query.items() if k.lower() == name.lower()), None)

    def filter_text(self) -> str | None:
        given = self.body.get("filter") if isinstance(self.body, dict) else None
        return self.param("filter") or (given if isinstance(given, str) else None)

    def listed(self) -> dict[str, Any] | None:
        """The answer, when it is a ListResponse."""
        answer = self.json
        return answer if self.ok and isinstance(answer, dict) and "Resources" in answer else None

    def resources(self) -> list[dict[str, Any]]:
        """The resources a successful answer carries: itself, or the entries of its list."""
        listed = self.listed()
        if listed is not None:
            return [r for r in listed["Resources"] if isinstance(r, dict)]
        answer = self.json
        return [answer] if self.ok and isinstance(answer, dict) and "id" in answer else []

    def error(self) -> dict[str, Any] | None:
        answer = self.json
        return answer if 400 <= self.status < 500 and isinstance(answer, dict) else None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def answer(self, status: int, body: Any = None) -> None:
        self.status, self.json, self.text = status, body, None
        if body is None:
            for name in ("content-type", "etag", "location"):
                self.headers.pop(name, None)

    def answer_error(self, status: int, detail: str, scim_type: str | None = None) -> None:
        body = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}
        self.answer(status, body if scim_type is None else {**body, "scimType": scim_type})

    def answer_list(self, resources: list[Any], total: int | None = None) -> None:
        start = self.listed() or {}
        self.json = {
            "schemas": [LIST_SCHEMA],
            "totalResults": len(resources) if total is None else total,
            "startIndex": start.get("startIndex", 1),
            "itemsPerPage": len(resources),
            "Resources": resources,
        }


# --- the ASGI side: buffer, rewrite, answer ------------------------------------------------------


def _parse(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body"):
            return b"".join(chunks)


def _with_header(headers: list[tuple[bytes, bytes]], name: bytes, value: bytes | None) -> list[Any]:
    kept = [(k, v) for k, v in headers if k.lower() != name]
    return kept if value is None else [*kept, (name, value)]


def _forwarded(scope: Scope, x: Exchange, raw: bytes, before: Any) -> tuple[Scope, bytes]:
    """The scope and body the application gets, after the request rewrites."""
    scope = dict(scope)
    if x.route_as is not None:
        scope["method"] = x.route_as
    if x.query != before[0]:
        scope["query_string"] = urlencode(x.query).encode("ascii")
    if x.body != before[1]:
        raw = _dump(x.body)
        length = str(len(raw)).encode("ascii")
        scope["headers"] = _with_header(list(scope["headers"]), b"content-length", length)
    return scope, raw


async def rewrite_exchange(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, x: Exchange, chosen: list[Fault]
) -> None:
    """Run one exchange through the chosen faults' rewrites."""
    raw = await _read_body(receive)
    x.body = _parse(raw)
    before = copy.deepcopy((x.query, x.body))
    for chosen_fault in chosen:
        if chosen_fault.request is not None:
            chosen_fault.request(x)
    forwarded, raw = _forwarded(scope, x, raw, before)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            message: Message = await receive()
            return message
        replayed = True
        return {"type": "http.request", "body": raw, "more_body": False}

    start: Message = {}
    chunks: list[bytes] = []

    async def capture(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    try:
        await app(forwarded, replay, capture)
    except Exception:
        if start:  # the application answered, then raised: the client still gets the answer
            await send(start)
            await send({"type": "http.response.body", "body": b"".join(chunks)})
        raise
    body = b"".join(chunks)
    x.status = int(start["status"])
    x.headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start["headers"]}
    media_type = x.headers.get("content-type", "").split(";")[0].strip().lower()
    x.json = _parse(body) if media_type in JSON_TYPES else None
    answered = copy.deepcopy((x.status, x.json))
    for chosen_fault in chosen:
        if chosen_fault.response is not None:
            chosen_fault.response(x)
    if x.text is not None:
        body = x.text.encode("utf-8")
    elif (x.status, x.json) != answered:
        body = b"" if x.json is None else _dump(x.json)
    if x.delay:
        await asyncio.sleep(x.delay)
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in x.headers.items()]
    length = None if not body and x.status in (204, 304) else str(len(body)).encode("ascii")
    headers = _with_header(headers, b"content-length", length)
    await send({"type": "http.response.start", "status": x.status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


# --- the faults ----------------------------------------------------------------------------------
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
def _canonical_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for definition in (user_definition(), group_definition()):
        for schema in (*definition.all_schemas(), definition.common):
            for attribute in schema.attributes.values():
                names[attribute.name.lower()] = attribute.name
                names.update({s.name.lower(): s.name for s in attribute.sub_attributes.values()})
    return names


def _spelled_canonically(filter_text: str) -> bool:
    """Whether operators are lower-case and attribute names spelled as the schema spells them."""
    canonical = _canonical_names()
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

# Writes: PUT, PATCH, DELETE of users and groups.


@fault(
    "put-without-active-deactivates",
    "A PUT of a user without `active` deactivates the user",
    phase="request",
)
def _put_without_active_deactivates(x: Exchange) -> None:
    body = x.body if x.on("Users", "PUT", item=True) else None
    if isinstance(body, dict) and not any(key.lower() == "active" for key in body):
        body["active"] = False


PUT_MERGES = hook("put-merges", "PUT keeps the attributes it does not carry")


def _members_op(operation: Any, op: str) -> bool:
    if not isinstance(operation, dict) or str(operation.get("op", "")).lower() != op:
        return False
    path, value = str(operation.get("path") or ""), operation.get("value")
    if path:
        return path.lower().startswith("members")
    return isinstance(value, dict) and any(key.lower() == "members" for key in value)


def _drop_operations(x: Exchange, collection: str, dropped: Callable[[Any], bool]) -> None:
    """A PATCH without the dropped operations; with none left it is answered like a GET."""
    operations = x.body.get("Operations") if isinstance(x.body, dict) else None
    if x.on(collection, "PATCH", item=True) and isinstance(operations, list):
        kept = [operation for operation in operations if not dropped(operation)]
        x.body["Operations"] = kept
        if not kept:
            x.route_as = "GET"


@fault("group-adds-ignored", "PATCH adding group members answers 200, adds no one", phase="request")
def _group_adds_ignored(x: Exchange) -> None:
    _drop_operations(x, "Groups", lambda operation: _members_op(operation, "add"))


@fault(
    "group-removes-ignored",
    "PATCH removing group members answers 200, removes no one",
    phase="request",
)
def _group_removes_ignored(x: Exchange) -> None:
    _drop_operations(x, "Groups", lambda operation: _members_op(operation, "remove"))


def _not_active(operation: Any) -> bool:
    if not isinstance(operation, dict):
        return True
    path, value = str(operation.get("path") or ""), operation.get("value")
    if path:
        return path.lower() != "active"
    return not (isinstance(value, dict) and {key.lower() for key in value} == {"active"})


@fault(
    "patch-only-active",
    "PATCH of a user applies `active` and ignores everything else",
    phase="request",
)
def _patch_only_active(x: Exchange) -> None:
    _drop_operations(x, "Users", _not_active)


@fault("delete-not-deleting", "DELETE answers 204 but removes nothing", phase="request")
def _delete_not_deleting(x: Exchange) -> None:
    if x.on("Users", "DELETE", item=True) or x.on("Groups", "DELETE", item=True):
        x.route_as = "GET"


@fault("delete-not-deleting", phase="response")
def _delete_not_deleting_answer(x: Exchange) -> None:
    if x.method == "DELETE" and x.route_as == "GET" and x.status == 200:
        x.answer(204)


@fault("delete-refused", "DELETE of a user answers 403")
def _delete_refused(x: Exchange) -> None:
    if x.on("Users", "DELETE", item=True) and x.status == 204:
        x.answer_error(403, "Users cannot be deleted here")


@fault("create-omits-active", "POST /Users answers without `active`")
def _create_omits_active(x: Exchange) -> None:
    if x.on("Users", "POST", item=False) and x.status == 201:
        for resource in x.resources():
            resource.pop("active", None)


@fault("read-omits-name", "GET /Users/{id} answers without `name`")
def _read_omits_name(x: Exchange) -> None:
    if x.on("Users", "GET", item=True):
        for resource in x.resources():
            resource.pop("name", None)


@fault("roles-omitted", "Users are returned without `roles`")
def _roles_omitted(x: Exchange) -> None:
    if x.on("Users"):
        for resource in x.resources():
            resource.pop("roles", None)


@fault("group-create-drops-members", "POST /Groups ignores `members`", phase="request")
def _group_create_drops_members(x: Exchange) -> None:
    if x.on("Groups", "POST", item=False) and isinstance(x.body, dict):
        for key in [key for key in x.body if key.lower() == "members"]:
            del x.body[key]


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


# The team lifecycle (app probe): implemented by hooks in scim/users.py and probe/api.py.

DEACTIVATION_DELETES = hook("deactivation-deletes", "Deactivating a user deletes them")
DEACTIVATION_IGNORED = hook(
    "deactivation-ignored",
    "Deactivation shows in SCIM, but the member stays in the team and can sign in",
)
ROLE_KEPT_ON_REACTIVATION = hook(
    "role-kept-on-reactivation", "A reactivated member keeps their old role"
)
ACCESS_LOST_ON_REACTIVATION = hook(
    "access-lost-on-reactivation",
    "Reactivation drops the member's direct grants and group memberships",
)
PROVISIONED_AS_ADMIN = hook("provisioned-as-admin", "Users created over SCIM get the role admin")


def drop_access(conn: Connection, member_id: str) -> None:
    """For `access-lost-on-reactivation`: the member's direct grants and memberships go."""
    conn.execute(
        delete(grants).where(grants.c.grantee_kind == "member", grants.c.grantee_id == member_id)
    )
    conn.execute(delete(group_members).where(group_members.c.member_id == member_id))


# Load (`scimcert load`, issue 10): a server that is slow under load, for the latency verdicts.


@fault("slow-answers", "Every SCIM answer is held back 300 ms")
def _slow_answers(x: Exchange) -> None:
    x.delay = max(x.delay, 0.3)


# Okta (issue 4; okta.md is ../shared/idp/okta.md): what breaks Okta's own traffic.

USER_NAME_EQ = re.compile(r'\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*', re.IGNORECASE)


@fault(
    "user-name-filter-case-sensitive",
    'A `userName eq "..."` filter compares the value case-sensitively',
)
def _user_name_filter_case_sensitive(x: Exchange) -> None:
    # okta.md 5 (SPEC test 9) and 8.5: Okta looks users up by an upper-cased userName too.
    found = USER_NAME_EQ.fullmatch(x.filter_text() or "")
    if x.on("Users", "GET", item=False) and x.listed() is not None and found:
        wanted = json.loads(f'"{found.group(1)}"')
        x.answer_list([r for r in x.resources() if r.get("userName") == wanted])


@fault(
    "pathless-patch-ignored",
    "PATCH operations without a `path` answer 200 and change nothing",
    phase="request",
)
def _pathless_patch_ignored(x: Exchange) -> None:
    # okta.md 8.1: Okta (de)activates users and renames groups with path-less `replace`.
    for collection in ("Users", "Groups"):
        _drop_operations(x, collection, lambda op: isinstance(op, dict) and not op.get("path"))


WRITES = ("POST", "PUT", "PATCH")


@fault(
    "rate-limit-never-lifts",
    "Writes to /Users answer 429 `Retry-After: 1`, however long the client waits",
    phase="request",
)
def _rate_limit_never_lifts(x: Exchange) -> None:
    if x.on("Users") and x.method in WRITES:
        x.route_as = "GET"  # the write never happens; the answer below replaces the read's


@fault("rate-limit-never-lifts", phase="response")
def _rate_limit_never_lifts_answer(x: Exchange) -> None:
    # okta.md 4: Okta honours integer Retry-After and retries, doubling, up to 10 attempts.
    if x.on("Users") and x.method in WRITES and x.route_as == "GET":
        x.answer_error(429, "Too many requests (deliberate fault)")
        x.headers["retry-after"] = "1"


# Entra ID and OneLogin (issue 5; entra_onelogin.md is ../shared/idp/entra_onelogin.md): a server
# that mishandles one quirk of their dialects. A refusal turns the write into a read first, so
# nothing is written, then answers the error in place of the read's answer.


def _refusal(
    name: str, description: str, refused: Callable[[Exchange], bool], answer: Rewrite
) -> None:
    @fault(name, description, phase="request")
    def _read_instead(x: Exchange) -> None:
        if x.method in ("POST", "PUT", "PATCH") and refused(x):
            x.route_as = "GET"

    @fault(name, phase="response")
    def _refuse(x: Exchange) -> None:
        if x.route_as == "GET" and x.method in ("POST", "PUT", "PATCH") and refused(x):
            answer(x)


def _patch_operations(x: Exchange, collection: str) -> list[Any]:
    operations = x.body.get("Operations") if isinstance(x.body, dict) else None
    on = x.on(collection, "PATCH", item=True) and isinstance(operations, list)
    return operations if on and isinstance(operations, list) else []


def _capitalised_op(x: Exchange) -> bool:
    ops = _patch_operations(x, "Users") + _patch_operations(x, "Groups")
    return any(
        isinstance(op, dict) and str(op.get("op")) != str(op.get("op")).lower() for op in ops
    )


# entra_onelogin.md 1.4 step 4, 1.7: Entra's default job writes `Add`, `Replace`, `Remove`.
_refusal(
    "capitalised-ops-rejected",
    "PATCH operations whose `op` is not lower case (Entra's `Replace`) are refused with 400",
    _capitalised_op,
    lambda x: x.answer_error(400, "op must be add, remove or replace", "invalidSyntax"),
)


def _string_active(x: Exchange) -> bool:
    """`active` as a JSON string: in a POST or PUT body, or in a PATCH operation's value."""
    found: list[Any] = []
    if isinstance(x.body, dict) and (x.on("Users", "POST") or x.on("Users", "PUT")):
        found += [value for key, value in x.body.items() if key.lower() == "active"]
    for op in _patch_operations(x, "Users"):
        if not isinstance(op, dict):
            continue
        path, value = str(op.get("path") or ""), op.get("value")
        if path.lower() == "active":
            found.append(value)
        elif not path and isinstance(value, dict):
            found += [item for key, item in value.items() if key.lower() == "active"]
    return any(isinstance(value, str) for value in found)


# entra_onelogin.md 1.1, 1.4 step 6 ("True"/"False" from Switch([IsSoftDeleted])), 4.2
# (OneLogin templates with "active": "{$user.active}").
_refusal(
    "string-booleans-rejected",
    'A user write giving `active` as a string ("False") is refused with 400 invalidValue',
    _string_active,
    lambda x: x.answer_error(400, "active must be a boolean", "invalidValue"),
)


def _members_by_value_list(operation: Any) -> bool:
    if not isinstance(operation, dict) or str(operation.get("op", "")).lower() != "remove":
        return False
    path = str(operation.get("path") or "").strip().lower()
    return path == "members" and bool(operation.get("value"))


@fault(
    "member-removal-value-list-ignored",
    'PATCH removing members named in `value` (path "members", no filter) answers 200, '
    "removes no one",
    phase="request",
)
def _member_removal_value_list_ignored(x: Exchange) -> None:
    # entra_onelogin.md 1.5: Entra's default job (and OneLogin, 4.3 step 5) remove this way.
    _drop_operations(x, "Groups", _members_by_value_list)


def _sub_attribute_key(key: Any) -> bool:
    return isinstance(key, str) and ("." in key or key.lower().startswith("urn:"))


@fault(
    "dotted-keys-ignored",
    "A path-less PATCH replace ignores keys naming a sub-attribute (`name.givenName`) or an "
    "extension attribute (`urn:...:employeeNumber`)",
    phase="request",
)
def _dotted_keys_ignored(x: Exchange) -> None:
    # entra_onelogin.md 1.6: with the flag, Entra collapses simple attributes into such keys.
    for op in _patch_operations(x, "Users"):
        if isinstance(op, dict) and not op.get("path") and isinstance(op.get("value"), dict):
            op["value"] = {k: v for k, v in op["value"].items() if not _sub_attribute_key(k)}
    _drop_operations(x, "Users", lambda op: isinstance(op, dict) and op.get("value") == {})


# entra_onelogin.md 4.3 step 3: OneLogin updates and suspends users only by PUT.
_refusal(
    "put-server-error",
    "PUT /Users/{id} answers 500 and changes nothing",
    lambda x: x.on("Users", "PUT", item=True),
    lambda x: x.answer_error(500, "Internal server error (deliberate fault)"),
)

# For `recreate-after-delete-refused`: a server whose uniqueness still counts deleted users. It
# learns userNames from its own answers while the fault is on: team -> folded names deleted, and
# (team, id) -> userName.
_DELETED_NAMES: dict[str, set[str]] = {}
_USER_NAMES: dict[tuple[str, str], str] = {}


def _posted_user_name(x: Exchange) -> str | None:
    body = x.body if x.on("Users", "POST", item=False) and isinstance(x.body, dict) else {}
    name = next((value for key, value in body.items() if key.lower() == "username"), None)
    return name.lower() if isinstance(name, str) else None


def _recreated(x: Exchange) -> bool:
    return _posted_user_name(x) in _DELETED_NAMES.get(x.team, set())


@fault(
    "recreate-after-delete-refused",
    "POST /Users with the userName of a user DELETEd before is refused with 409 uniqueness",
    phase="request",
)
def _recreate_after_delete_refused(x: Exchange) -> None:
    if _recreated(x):
        x.route_as = "GET"


@fault("recreate-after-delete-refused", phase="response")
def _recreate_after_delete_refused_answer(x: Exchange) -> None:
    # entra_onelogin.md 1.1, 1.4 step 7, 3.2 (Restore_User): Entra re-creates after a hard delete.
    if x.route_as == "GET" and _recreated(x):
        x.answer_error(409, "A User with this userName already exists", "uniqueness")
        return
    if x.on("Users") and x.ok:
        for resource in x.resources():
            if isinstance(resource.get("id"), str) and isinstance(resource.get("userName"), str):
                _USER_NAMES[(x.team, resource["id"])] = resource["userName"]
    if x.on("Users", "DELETE", item=True) and x.status == 204 and x.item_id is not None:
        deleted = _USER_NAMES.pop((x.team, x.item_id), None)
        if deleted is not None:
            _DELETED_NAMES.setdefault(x.team, set()).add(deleted.lower())
