"""SCIM errors (RFC 7644 3.12): one exception type, rendered as a SCIM Error body in one place."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
# A detail quotes at most this much: errors must not echo unbounded client input back.
MAX_DETAIL_LENGTH = 300


class ScimType(StrEnum):
    """The `scimType` values of RFC 7644 3.12, Table 9, and those RFC 9865 2.1 adds for cursors."""

    INVALID_FILTER = "invalidFilter"
    TOO_MANY = "tooMany"
    UNIQUENESS = "uniqueness"
    MUTABILITY = "mutability"
    INVALID_SYNTAX = "invalidSyntax"
    INVALID_PATH = "invalidPath"
    NO_TARGET = "noTarget"
    INVALID_VALUE = "invalidValue"
    INVALID_VERS = "invalidVers"
    SENSITIVE = "sensitive"
    INVALID_CURSOR = "invalidCursor"
    EXPIRED_CURSOR = "expiredCursor"
    INVALID_COUNT = "invalidCount"


class ScimError(Exception):
    """A request the server refuses; carries the HTTP status and the RFC 7644 `scimType`."""

    def __init__(
        self,
        status: int,
        detail: str,
        scim_type: ScimType | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if len(detail) > MAX_DETAIL_LENGTH:
            detail = detail[: MAX_DETAIL_LENGTH - 3] + "..."
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "schemas": [ERROR_SCHEMA],
            "status": str(self.status),  # RFC 7644 3.12: "expressed as a JSON string"
            "detail": self.detail,
        }
        if self.scim_type is not None:
            body["scimType"] = self.scim_type.value
        return body


def bad_request(detail: str, scim_type: ScimType) -> ScimError:
    return ScimError(400, detail, scim_type)


def not_found(detail: str = "Resource not found") -> ScimError:
    return ScimError(404, detail)


def conflict(detail: str) -> ScimError:
    return ScimError(409, detail, ScimType.UNIQUENESS)


def precondition_failed() -> ScimError:
    return ScimError(412, "The resource has changed since the version given in If-Match")
