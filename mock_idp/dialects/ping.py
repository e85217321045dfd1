"""Ping Identity's SCIM provisioner (PingOne / PingFederate), docs/idp/ping.md.

Two things differ from a plain RFC client, each an admin setting: the user lookup is the
admin's **filter expression** (`username Eq "%s"`: capitalised operator, lower-case attribute),
and the **Remove User Action** is Disable (Ping's default) or Delete. Everything else in the
profile is the RFC strategies: Ping's update and group wire shapes are not documented (5).
"""

from __future__ import annotations

from ..moves import link_or_create_user, patch
from ..options import choice, text
from ..strategies import VerbCall, strategy
from ..wire import Sent


def _identifier(call: VerbCall) -> str:
    """The unique user identifier the admin picked: `userName` (default) or `email`."""
    person = call.person()
    chosen = call.profile.options.get("unique_identifier", "userName")
    return person.email if chosen == "email" else person.user_name


@strategy(
    "ping-filter-then-create",
    text("filter_expression"),
    choice("unique_identifier", "userName", "email"),
)
def filter_then_create(call: VerbCall) -> Sent:
    """docs/idp/ping.md (filter expression): the override with `%s` for the value;
    link the user found, else POST the user."""
    expression = str(call.profile.options.get("filter_expression", 'userName eq "%s"'))
    lookup = call.send(
        "GET", "/Users", params={"filter": expression.replace("%s", _identifier(call))}
    )
    return link_or_create_user(call, lookup)


@strategy("ping-remove-user", choice("remove_action", "disable", "delete"))
def remove_user(call: VerbCall) -> Sent:
    """docs/idp/ping.md (removal): the Remove User Action, `disable` (Ping's default: the user is
    set inactive, by PATCH here, an inferred shape) or `delete` (DELETE /Users/{id})."""
    action = call.args.get("action") or call.profile.options.get("remove_action", "disable")
    path = f"/Users/{call.user_id()}"
    if action == "delete":
        return call.send("DELETE", path)
    return patch(call, path, [{"op": "replace", "path": "active", "value": False}])
