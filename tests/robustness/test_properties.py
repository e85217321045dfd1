"""Property tests against a running server: whatever filter, PATCH document or JSON body a
client sends, the answer is never a 5xx, and every 4xx is a SCIM Error with a string status."""

from __future__ import annotations

import json
from typing import Any

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.reference import SCIM_TOKEN, RunningServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ATTRIBUTES = [
    "userName",
    "USERNAME",
    "displayName",
    "active",
    "emails",
    "emails.value",
    "emails.type",
    "name.givenName",
    "meta.created",
    "meta.lastModified",
    "id",
    "externalId",
    "password",
    "roles",
    "groups",
    "title",
    "nope",
    "name",
    "meta",
    "x.y.z",
]
OPERATORS = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr", "EQ", "xx"]
VALUES = st.one_of(
    st.text(max_size=12).map(json.dumps),
    st.sampled_from(["true", "false", "null", "1", "-1.5", "1e999", '"2020-01-01T00:00:00Z"']),
    st.text(alphabet='()[]" \\andortx', max_size=10),
)
COMPARISON = st.builds(
    lambda a, o, v: f"{a} {o} {v}" if o != "pr" else f"{a} pr",
    st.sampled_from(ATTRIBUTES),
    st.sampled_from(OPERATORS),
    VALUES,
)
FILTERS = st.recursive(
    COMPARISON,
    lambda inner: st.one_of(
        st.builds(
            lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from(["and", "or", "AND"]), inner
        ),
        inner.map(lambda f: f"not ({f})"),
        inner.map(lambda f: f"({f})"),
        st.builds(lambda a, f: f"{a}[{f}]", st.sampled_from(["emails", "roles", "name"]), inner),
    ),
    max_leaves=6,
) | st.text(max_size=40)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)
PATHS = st.one_of(
    st.sampled_from(ATTRIBUTES),
    st.sampled_from(['emails[type eq "work"].value', 'emails[value eq "x"]', "members", "", " "]),
    st.text(max_size=20),
    st.builds(lambda a, f: f"{a}[{f}]", st.sampled_from(["emails", "members"]), FILTERS),
)
OPERATIONS = st.fixed_dictionaries(
    {"op": st.sampled_from(["add", "remove", "replace", "Replace", "ADD", "move", ""])},
    optional={"path": PATHS | JSON_VALUES, "value": JSON_VALUES},
)
PATCH_BODIES = st.one_of(
    st.builds(
        lambda ops: {"schemas": [PATCH_OP], "Operations": ops},
        st.lists(OPERATIONS, min_size=0, max_size=4),
    ),
    st.dictionaries(st.sampled_from(["schemas", "Operations", "operations", "x"]), JSON_VALUES),
    JSON_VALUES,
)
USER_BODIES = st.one_of(
    st.dictionaries(
        st.sampled_from(
            [
                "schemas",
                "userName",
                "UserName",
                "name",
                "emails",
                "active",
                "password",
                "id",
                "meta",
                "groups",
                "roles",
                "externalId",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                "displayName",
                "x",
            ]
        ),
        JSON_VALUES,
    ).map(lambda body: {"schemas": [USER], **body}),
    JSON_VALUES,
)


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.headers.update(
        {"Authorization": f"Bearer {SCIM_TOKEN}", "Content-Type": "application/scim+json"}
    )
    return session


def _assert_scim_answer(answer: requests.Response) -> None:
    assert answer.status_code < 500, answer.text[:500]
    if 400 <= answer.status_code < 500:
        body = answer.json()
        assert body["schemas"] == [ERROR], body
        assert body["status"] == str(answer.status_code), body
        assert "Traceback" not in answer.text


def _user(server: RunningServer, session: requests.Session, name: str) -> dict[str, Any]:
    answer = session.post(
        f"{server.url}/Users",
        json={
            "schemas": [USER],
            "userName": name,
            "emails": [{"value": f"{name}", "type": "work"}],
        },
    )
    if answer.status_code == 409:
        found = session.get(f"{server.url}/Users", params={"filter": f'userName eq "{name}"'})
        result: dict[str, Any] = found.json()["Resources"][0]
        return result
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def test_filters_never_crash(server: RunningServer) -> None:
    session = _session()
    _user(server, session, "prop-filter@example.test")

    @SETTINGS
    @given(expression=FILTERS, via_search=st.booleans())
    def check(expression: str, via_search: bool) -> None:
        if via_search:
            answer = session.post(
                f"{server.url}/Users/.search",
                json={
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                    "filter": expression,
                },
            )
        else:
            answer = session.get(f"{server.url}/Users", params={"filter": expression})
        _assert_scim_answer(answer)
        if answer.status_code == 400:
            assert answer.json().get("scimType") in ("invalidFilter", "invalidValue", "tooMany")

    check()


def test_patch_documents_never_crash(server: RunningServer) -> None:
    session = _session()
    user = _user(server, session, "prop-patch@example.test")

    @SETTINGS
    @given(body=PATCH_BODIES)
    def check(body: Any) -> None:
        answer = session.patch(f"{server.url}/Users/{user['id']}", data=json.dumps(body))
        _assert_scim_answer(answer)
        if answer.status_code == 200:
            # Whatever was applied, the user is still readable and still has a userName.
            assert "password" not in answer.json()
            again = session.get(f"{server.url}/Users/{user['id']}")
            assert again.status_code == 200
            assert again.json()["userName"]

    check()


def test_json_bodies_never_crash(server: RunningServer) -> None:
    session = _session()

    @SETTINGS
    @given(body=USER_BODIES)
    def check(body: Any) -> None:
        answer = session.post(f"{server.url}/Users", data=json.dumps(body))
        _assert_scim_answer(answer)
        if answer.status_code == 201:
            assert "password" not in answer.json()
            session.delete(f"{server.url}/Users/{answer.json()['id']}")

    check()


def test_raw_bodies_never_crash(server: RunningServer) -> None:
    session = _session()

    @SETTINGS
    @given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
    def check(raw: bytes) -> None:
        answer = session.post(f"{server.url}/Users", data=raw)
        _assert_scim_answer(answer)
        if answer.status_code == 201:
            session.delete(f"{server.url}/Users/{answer.json()['id']}")

    check()
