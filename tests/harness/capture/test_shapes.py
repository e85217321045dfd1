"""Request shapes: each request's kind and the features IdPs are known to write differently."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.capture.shapes import kind_of, shape_of
from harness.transport.exchange import RecordedRequest

BASE = "http://127.0.0.1:9/t/acme/scim/v2"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def _request(
    method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> RecordedRequest:
    text = None if body is None else json.dumps(body)
    return RecordedRequest(method=method, url=BASE + path, headers=headers or {}, body=text)


def _patch(path: str, *operations: dict[str, Any]) -> RecordedRequest:
    return _request("PATCH", path, {"schemas": [PATCH_SCHEMA], "Operations": list(operations)})


@pytest.mark.parametrize(
    ("request_", "kind"),
    [
        (_request("GET", "/Users?startIndex=1&count=100"), "list users"),
        (_request("GET", '/Users?filter=userName eq "a"'), "filter users"),
        (_request("GET", "/Users/42"), "get user"),
        (_request("POST", "/Users", {"userName": "a"}), "create user"),
        (_request("PUT", "/Users/42", {"userName": "a"}), "replace user"),
        (_request("DELETE", "/Users/42"), "delete user"),
        (_patch("/Users/42", {"op": "replace", "value": {"active": False}}), "deactivate user"),
        (
            _patch("/Users/42", {"op": "Replace", "path": "active", "value": "False"}),
            "deactivate user",
        ),
        (
            _patch("/Users/42", {"op": "replace", "path": "active", "value": True}),
            "reactivate user",
        ),
        (
            _patch("/Users/42", {"op": "replace", "path": "name.familyName", "value": "x"}),
            "patch user",
        ),
        (
            _request("GET", '/Groups?excludedAttributes=members&filter=displayName eq "g"'),
            "filter groups",
        ),
        (
            _patch("/Groups/7", {"op": "Add", "path": "members", "value": [{"value": "1"}]}),
            "add members",
        ),
        (_patch("/Groups/7", {"op": "remove", "path": 'members[value eq "1"]'}), "remove members"),
        (
            _patch(
                "/Groups/7",
                {"op": "remove", "path": 'members[value eq "1"]'},
                {"op": "add", "path": "members", "value": [{"value": "2"}]},
            ),
            "update members",
        ),
        (
            _patch("/Groups/7", {"op": "replace", "value": {"id": "7", "displayName": "n"}}),
            "rename group",
        ),
        (
            _patch(
                "/Users/42",
                {
                    "op": "Add",
                    "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
                    "value": "7",
                },
            ),
            "patch manager",
        ),
        (
            _patch("/Users/42", {"op": "Add", "path": "roles", "value": [{"value": "r"}]}),
            "patch roles",
        ),
        (_request("POST", "/Users/.search", {"filter": 'userName eq "a"'}), "search users"),
        (_request("GET", "/Schemas"), "read /Schemas"),
        (_request("GET", "/Me"), "other: GET /Me"),
    ],
)
def test_each_request_is_classified_by_what_it_does(request_: RecordedRequest, kind: str) -> None:
    assert kind_of(request_) == kind


def test_a_filter_reports_its_encoding_its_form_and_its_paging() -> None:
    okta = shape_of(
        _request("GET", "/Users?filter=userName%20eq%20%22a%40b%22&startIndex=1&count=100")
    )
    entra = shape_of(_request("GET", "/Users?filter=userName+eq+%22a%40b%22"))
    printed = shape_of(_request("GET", "/Users?filter=externalId eq jyoung"))
    assert okta.features["query encoding"] == ("%20",)
    assert okta.features["paging"] == ("count=100, startIndex=1",)
    assert entra.features["query encoding"] == ("+",)
    assert entra.features["paging"] == ("none",)
    assert entra.features["filter"] == ('userName eq "…"',)
    assert "query encoding" not in printed.features  # printed with spaces: encoding unknown
    assert printed.features["filter"] == ("externalId eq …",)


def test_a_tenant_url_flag_is_not_a_parameter() -> None:
    shape = shape_of(_request("GET", "/Users?aadOptscim062020&startIndex=1&count=100"))
    assert shape.features["query parameters"] == ("count&startIndex",)
    assert shape.features["tenant URL flags"] == ("aadOptscim062020",)
    patch = _patch("/Users/1?aadOptscim062020", {"op": "replace", "path": "active", "value": False})
    assert shape_of(patch).features["tenant URL flags"] == ("aadOptscim062020",)
    assert kind_of(patch) == "deactivate user"


def test_patch_features_tell_the_dialects_apart() -> None:
    entra = shape_of(_patch("/Users/1", {"op": "Replace", "path": "active", "value": "False"}))
    okta = shape_of(_patch("/Users/1", {"op": "replace", "value": {"active": False}}))
    flagged = shape_of(
        _patch(
            "/Users/1",
            {"op": "replace", "path": 'emails[type eq "work"].value', "value": "a@b"},
            {"op": "replace", "value": {"name.givenName": "A"}},
            {"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:x"},
        )
    )
    assert entra.features["op case"] == ("capitalised",)
    assert entra.features["value types"] == ("boolean string",)
    assert entra.features["path forms"] == ("attribute",)
    assert okta.features["op case"] == ("lowercase",)
    assert okta.features["path forms"] == ("none",)
    assert okta.features["path-less value"] == ("object",)
    assert okta.features["path-less value's member types"] == ("boolean",)
    assert flagged.features["path forms"] == ("none", "urn", "valuePath")


def test_members_report_their_fields_and_batching() -> None:
    entra = shape_of(
        _patch(
            "/Groups/7",
            {
                "op": "Add",
                "path": "members",
                "value": [{"$ref": None, "value": "1"}, {"$ref": None, "value": "2"}],
            },
        )
    )
    okta = shape_of(_patch("/Groups/7", {"op": "remove", "path": 'members[value eq "1"]'}))
    assert entra.features["member fields"] == ("$ref,value",)
    assert entra.features["member batching"] == ("a list",)
    assert entra.features["members per op"] == ("2",)
    assert okta.features["member batching"] == ("one op per member (filter path)",)


def test_a_missing_header_is_a_fact_in_a_capture_and_unknown_in_documentation() -> None:
    post = _request("POST", "/Users", {"userName": "a"}, {"User-Agent": "Okta SCIM Client 1.0.0"})
    captured, printed = shape_of(post), shape_of(post, printed=True)
    assert captured.features["content type"] == ("absent",)
    assert "content type" not in printed.features
    assert printed.features["user agent"] == ("Okta SCIM Client 1.0.0",)
    labelled = _request(
        "POST", "/Users", {}, {"Content-Type": "application/scim+json; charset=utf-8"}
    )
    assert shape_of(labelled).features["content type"] == ("application/scim+json;charset=utf-8",)


def test_a_create_reports_its_schemas_and_attributes() -> None:
    shape = shape_of(_request("POST", "/Groups", {"schemas": ["b", "a"], "displayName": "g"}))
    assert shape.features["schemas"] == ("a", "b")
    assert shape.features["attributes"] == ("displayName", "schemas")


def test_a_body_nested_beyond_reading_is_no_json_not_a_crash() -> None:
    """A hostile capture may nest a body past Python's recursion limit: it is read as no JSON."""
    deep = "[" * 100_000 + "]" * 100_000
    request = RecordedRequest(method="POST", url="http://h/scim/v2/Users", headers={}, body=deep)
    assert kind_of(request) == "create user"
    assert shape_of(request).request is request
