"""OneLogin's SCIM provisioner speaking to /Users (docs/idp/onelogin.md).

OneLogin never PATCHes a user: it creates with POST after a userName filter, and every change,
suspension included, is a PUT of the whole admin-written template (onelogin_template.py).
Deprovisioning is what the admin chose: Delete, Suspend or Do nothing (`deprovision` option).
"""

from __future__ import annotations

from ..moves import find_or_create, first_id
from ..options import ACTIVE_VALUE, choice, table, text
from ..profile_model import ProfileError
from ..strategies import VerbCall, strategy
from ..wire import Sent, body_of, status_of
from .onelogin_template import render, user_state, with_active

DEPROVISION_ACTIONS = ("delete", "suspend", "nothing")
# What rendering a user's template reads (onelogin_template.py).
TEMPLATE = (text("template"), table("templates", {"type": "object"}), table("parameters"))


def _filter(call: VerbCall, user_name: str) -> Sent:
    return call.send("GET", "/Users", params={"filter": f'userName eq "{user_name}"'})


def _probe_accepts(sent: Sent) -> bool:
    """docs/idp/onelogin.md#connection-test: an empty list or a 404 both pass OneLogin's test."""
    body = body_of(sent)
    empty = isinstance(body, dict) and body.get("totalResults") == 0
    return status_of(sent) == 404 or (status_of(sent) == 200 and empty)


@strategy("onelogin-test-connection")
def test_connection(call: VerbCall) -> Sent:
    """docs/idp/onelogin.md#connection-test: "Enable" filters on a userName known not to exist;
    OneLogin's verdict goes to `facts["probe_connection"]["accepted"]`."""
    # The name OneLogin uses is not documented; one under the run prefix cannot exist.
    probe = _filter(call, f"{call.directory.run_prefix}-onelogin-connection-test@example.com")
    call.directory.facts["probe_connection"] = {
        "accepted": _probe_accepts(probe),
        "status": status_of(probe),
    }
    return probe


@strategy("onelogin-filter-then-post", *TEMPLATE)
def filter_then_post(call: VerbCall) -> Sent:
    """docs/idp/onelogin.md#provisioning: `GET /Users?filter=userName eq "<scimusername>"`; link
    the user found, else POST the template (`template` option: the v2 core or enterprise one)."""
    state = user_state(call)
    state["changes"].update(call.args.get("with") or {})
    person = call.person()
    lookup = _filter(call, person.user_name)
    return find_or_create(
        call.directory.scim_ids,
        person.alias,
        lookup,
        first_id(lookup),
        lambda: call.send("POST", "/Users", json_body=render(call, state)),
    ).answer


def _put(call: VerbCall, active: bool | None = None) -> Sent:
    state = user_state(call)
    if active is not None:
        state["active"] = active
    body = render(call, state)
    if active is not None:
        body = with_active(body, active)
    return call.send("PUT", f"/Users/{call.user_id()}", json_body=body)


@strategy("onelogin-put-update", *TEMPLATE)
def put_update(call: VerbCall) -> Sent:
    """docs/idp/onelogin.md#updates: the full template, with the changed attributes, by PUT;
    `active` only if the template carries it (a template without it must not deactivate)."""
    user_state(call)["changes"].update(call.args.get("with") or {})
    return _put(call)


@strategy("onelogin-put-active", ACTIVE_VALUE, *TEMPLATE)
def put_active(call: VerbCall) -> Sent:
    """docs/idp/onelogin.md#deprovisioning: suspension (and its undoing) is a user update, a PUT of
    the template with `active` false (true), templated or added."""
    return _put(call, bool(call.options["value"]))


@strategy("onelogin-deprovision", choice("deprovision", *DEPROVISION_ACTIONS), *TEMPLATE)
def deprovision(call: VerbCall) -> Sent:
    """docs/idp/onelogin.md#deprovisioning: app access removed, the admin's action is `delete`
    (DELETE /Users/{id}), `suspend` (a PUT with active false) or `nothing`. With nothing, no
    write is sent; the mock reads the user by id (OneLogin's "Get User by ID" call) so the step
    has an answer to judge, and reports the action in `facts["deprovision"]`."""
    action = str(call.args.get("action") or call.profile.options.get("deprovision", "delete"))
    if action not in DEPROVISION_ACTIONS:
        choices = ", ".join(DEPROVISION_ACTIONS)
        raise ProfileError(f"unknown deprovision action {action!r}; choose from {choices}")
    call.directory.facts["deprovision"] = {"action": action}
    if action == "delete":
        return call.send("DELETE", f"/Users/{call.user_id()}")
    if action == "suspend":
        return _put(call, False)
    return call.send("GET", f"/Users/{call.user_id()}")
