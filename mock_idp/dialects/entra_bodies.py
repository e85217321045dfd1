"""The bodies Entra POSTs: the provisioning service's user, and Microsoft's SCIM Validator's.

Both carry the enterprise extension. Values Entra has no source for are never sent
(docs/idp/entra.md#create: empty source values are left out), so the bodies hold only what the
directory knows.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..directory import Person
from ..strategies import GROUP_SCHEMA, USER_SCHEMA
from .entra_wire import ENTERPRISE, object_id

# The second schema URI of Microsoft's group example (docs/idp/entra.md#groups): not RFC's.
AD_GROUP_SCHEMA = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
DEPARTMENT = "Product Design"


def _digits(person: Person, count: int) -> str:
    """Stable digits for a person (employee number, phone numbers): the same on every replay."""
    digest = hashlib.sha256(person.idp_id.encode()).hexdigest()
    return str(int(digest, 16))[:count]


def service_user(person: Person) -> dict[str, Any]:
    """docs/idp/entra.md#create: Microsoft's example create, with its `meta` and `roles: []`,
    plus its example mappings: mailNickname->externalId, jobTitle->title, department and
    employeeId->employeeNumber in the enterprise extension."""
    return {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "externalId": person.idp_id,
        "userName": person.user_name,
        "active": True,
        "displayName": person.display_name,
        "title": person.title,
        "emails": [{"primary": True, "type": "work", "value": person.email}],
        "meta": {"resourceType": "User"},
        "name": {
            "formatted": person.display_name,
            "familyName": person.family_name,
            "givenName": person.given_name,
        },
        "roles": [],
        ENTERPRISE: {"employeeNumber": _digits(person, 6), "department": DEPARTMENT},
    }


def validator_user(person: Person) -> dict[str, Any]:
    """docs/idp/entra.md#scim-validator: the validator's POST carries `roles[].primary` as the
    string "True", `timezone`, `userType`, `locale`, `profileUrl`, full `addresses` and
    `phoneNumbers` (work, mobile, fax) and the enterprise extension."""
    phone = _digits(person, 7)
    return {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "userName": person.user_name,
        "externalId": person.idp_id,
        "active": True,
        "displayName": person.display_name,
        "nickName": person.given_name,
        "title": person.title,
        "userType": "Employee",
        "locale": "en-US",
        "preferredLanguage": "en-US",
        "timezone": "America/Los_Angeles",
        "profileUrl": f"https://profiles.example.com/{person.idp_id}",
        "name": {
            "formatted": person.display_name,
            "familyName": person.family_name,
            "givenName": person.given_name,
        },
        "emails": [{"type": "work", "primary": True, "value": person.email}],
        "phoneNumbers": [
            {"type": "work", "primary": True, "value": f"+1 425 {phone[:3]} {phone[3:]}"},
            {"type": "mobile", "value": f"+1 206 {phone[:3]} {phone[3:]}"},
            {"type": "fax", "value": f"+1 425 {phone[3:6]} {phone[:4]}"},
        ],
        "addresses": [
            {
                "type": "work",
                "primary": True,
                "streetAddress": "1 Microsoft Way",
                "locality": "Redmond",
                "region": "WA",
                "postalCode": "98052",
                "country": "US",
                "formatted": "1 Microsoft Way, Redmond, WA 98052, US",
            }
        ],
        "roles": [
            {
                "primary": "True",
                "display": "Designer",
                "value": "Designer",
                "type": "WindowsAzureActiveDirectoryRole",
            }
        ],
        ENTERPRISE: {
            "employeeNumber": _digits(person, 6),
            "department": DEPARTMENT,
            "costCenter": "CC-" + _digits(person, 4),
            "organization": "Contoso",
            "division": "Design",
        },
    }


def service_group(display_name: str) -> dict[str, Any]:
    """docs/idp/entra.md#groups: created without members, with the ADSCIM URI and an objectId."""
    return {
        "schemas": [GROUP_SCHEMA, AD_GROUP_SCHEMA],
        "externalId": object_id(display_name),
        "displayName": display_name,
        "meta": {"resourceType": "Group"},
    }


def validator_group(display_name: str, member_ids: list[str]) -> dict[str, Any]:
    """docs/idp/entra.md#scim-validator (Microsoft's tools POST groups with `members`): core schema
    only, members given as `{value}`."""
    return {
        "schemas": [GROUP_SCHEMA],
        "externalId": object_id(display_name),
        "displayName": display_name,
        "members": [{"value": member} for member in member_ids],
    }
