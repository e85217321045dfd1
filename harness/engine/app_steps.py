"""App-probe steps (`app.*`): what SCIM cannot show, read and steered through the app probe.

The contract is `docs/app-probe.md`. Names the run creates (spaces, documents) carry the run
prefix, like every user and group, so runs sharing a server never collide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.transport.exchange import Exchange
from harness.transport.recording import RecordingTransport
from mock_idp.directory import Directory
from mock_idp.moves import remember_created
from mock_idp.strategies import user_body
from registry import Registry, UnknownNameError


class AppStepError(Exception):
    """An app step that cannot be built from its arguments (a usage error in the scenario)."""


@dataclass(frozen=True, slots=True)
class AppCall:
    app: RecordingTransport
    directory: Directory
    args: Mapping[str, Any]

    def member_id(self) -> str:
        if "member" in self.args:
            return str(self.args["member"])
        if "user" in self.args:
            return self.directory.scim_id(str(self.args["user"]))
        raise AppStepError("an app step about a member needs `user` (an alias) or `member` (an id)")

    def named(self, key: str) -> str:
        return f"{self.directory.run_prefix}-{self.args[key]}"


AppStep = Callable[[AppCall], Exchange]
APP_STEPS: Registry[AppStep] = Registry("app step")
app_step = APP_STEPS.register


def run_app_step(
    name: str, app: RecordingTransport, directory: Directory, args: Mapping[str, Any]
) -> Exchange:
    try:
        step = APP_STEPS.get(name)
    except UnknownNameError as error:
        raise AppStepError(str(error)) from None
    return step(AppCall(app, directory, args))


@app_step("app.create_member")
def create_member(call: AppCall) -> Exchange:
    """A member who joined in the app before SCIM: what an import will find."""
    alias = str(call.args["user"])
    person = call.directory.person(alias)
    body = {
        "userName": person.user_name,
        "name": {"givenName": person.given_name, "familyName": person.family_name},
        "displayName": person.display_name,
        "emails": [{"value": person.email, "type": "work", "primary": True}],
        "role": call.args.get("role", "member"),
    }
    if "active" in call.args:
        body["active"] = bool(call.args["active"])
    exchange = call.app.send("POST", "/members", json_body=body)
    remember_created(exchange, call.directory.scim_ids, alias)
    return exchange


def create_member_over_scim(
    scim: RecordingTransport, directory: Directory, args: Mapping[str, Any]
) -> Exchange:
    """The fallback of a setup `app.create_member` on a target without an app probe."""
    alias = str(args["user"])
    body = user_body(directory.person(alias), {"active": bool(args.get("active", True))})
    exchange = scim.send("POST", "/Users", json_body=body)
    remember_created(exchange, directory.scim_ids, alias)
    return exchange


@app_step("app.member")
def member(call: AppCall) -> Exchange:
    return call.app.send("GET", f"/members/{call.member_id()}")


@app_step("app.set_role")
def set_role(call: AppCall) -> Exchange:
    return call.app.send(
        "PUT", f"/members/{call.member_id()}/role", json_body={"role": call.args["role"]}
    )


@app_step("app.sign_in")
def sign_in(call: AppCall) -> Exchange:
    return call.app.send("POST", f"/members/{call.member_id()}/sign-in", json_body={})


@app_step("app.create_space")
def create_space(call: AppCall) -> Exchange:
    return call.app.send("POST", "/spaces", json_body={"name": call.named("space")})


@app_step("app.create_document")
def create_document(call: AppCall) -> Exchange:
    body: dict[str, Any] = {"title": call.named("document")}
    if "space" in call.args:
        body["space"] = call.named("space")
    return call.app.send("POST", "/documents", json_body=body)


def _grant_body(call: AppCall) -> dict[str, str]:
    targets = [key for key in ("space", "document") if key in call.args]
    if len(targets) != 1:
        raise AppStepError("a grant names exactly one of `space` or `document`")
    body = {targets[0]: call.named(targets[0])}
    if "group" in call.args:
        body["group"] = call.directory.group_ids[str(call.args["group"])]
    else:
        body["member"] = call.member_id()
    return body


@app_step("app.grant")
def grant(call: AppCall) -> Exchange:
    return call.app.send("POST", "/grants", json_body=_grant_body(call))


@app_step("app.revoke")
def revoke(call: AppCall) -> Exchange:
    return call.app.send("POST", "/grants/revoke", json_body=_grant_body(call))
