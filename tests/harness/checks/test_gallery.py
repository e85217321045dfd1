"""`entra-gallery-schemas` flattens /Schemas as Microsoft's Schema_Discoverability_Test does
(docs/idp/entra.md#gallery-validation): bracketed names from the canonical types, else from
`primary`, extensions by their URN, references by name, case ignored."""

from __future__ import annotations

import json
from typing import Any

from harness.checks.context import CheckContext
from harness.checks.gallery import ENTERPRISE, GROUP, USER, gallery_schemas
from harness.transport.exchange import Exchange, RecordedRequest, RecordedResponse


def _findings(body: Any) -> list[str]:
    request = RecordedRequest(method="GET", url="http://127.0.0.1:9/Schemas", headers={}, body=None)
    response = RecordedResponse(
        status=200,
        headers={"content-type": "application/scim+json"},
        body=json.dumps(body),
        truncated=False,
    )
    ctx = CheckContext(Exchange(request=request, response=response, elapsed_ms=1.0, error=None))
    return [finding.message for finding in gallery_schemas(ctx)]


def _multi(name: str, types: list[str] | None) -> dict[str, Any]:
    subs = [{"name": "value", "type": "string"}, {"name": "primary", "type": "boolean"}]
    kind: dict[str, Any] = {"name": "type", "type": "string"}
    if types is not None:
        kind["canonicalValues"] = types
    return {"name": name, "type": "complex", "multiValued": True, "subAttributes": [*subs, kind]}


def _schemas(email_types: tuple[str, ...] | None = ("work", "home")) -> dict[str, Any]:
    name_subs = ["givenName", "familyName", "formatted"]
    address = ["streetAddress", "locality", "region", "postalCode", "country"]
    user: list[dict[str, Any]] = [
        {"name": n, "type": "string"}
        for n in ("UserName", "displayName", "title", "preferredLanguage")
    ]
    user += [
        {"name": "active", "type": "boolean"},
        {"name": "profileUrl", "type": "reference"},
        {
            "name": "name",
            "type": "complex",
            "subAttributes": [{"name": n, "type": "string"} for n in name_subs],
        },
        _multi("emails", None if email_types is None else list(email_types)),
        _multi("phoneNumbers", ["work", "mobile"]),
        {
            "name": "addresses",
            "type": "complex",
            "multiValued": True,
            "subAttributes": [
                *({"name": n, "type": "string"} for n in address),
                {"name": "type", "type": "string", "canonicalValues": ["work"]},
            ],
        },
    ]
    enterprise = [
        {"name": "employeeNumber", "type": "string"},
        {"name": "department", "type": "string"},
        {"name": "manager", "type": "complex", "subAttributes": [{"name": "value"}]},
    ]
    group = [{"name": "displayName", "type": "string"}, {"name": "members", "type": "complex"}]
    return {
        "Resources": [
            {"id": USER, "attributes": user},
            {"id": ENTERPRISE, "attributes": enterprise},
            {"id": GROUP, "attributes": group},
        ]
    }


def test_every_mapped_attribute_is_found_case_insensitively() -> None:
    assert _findings(_schemas()) == []


def test_without_canonical_types_the_work_email_is_missing() -> None:
    """Microsoft then names `emails[primary eq "True"].value`: the mapped work email is not it."""
    assert _findings(_schemas(email_types=None)) == [
        'user attribute emails[type eq "work"].value is not in /Schemas'
    ]


def test_an_unlisted_schema_and_an_empty_list_are_found_out() -> None:
    body = _schemas()
    body["Resources"] = [r for r in body["Resources"] if r["id"] != ENTERPRISE]
    assert _findings(body) == [
        f"user attribute {ENTERPRISE}:{name} is not in /Schemas"
        for name in ("employeeNumber", "department", "manager")
    ]
    assert _findings({"Resources": []}) == ["no schemas in `Resources`"]
