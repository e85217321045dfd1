"""One SCIM exchange as a rewrite sees it (the ASGI side that buffers it is `rewriting.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
JSON_TYPES = ("application/scim+json", "application/json")


@dataclass
class Exchange:
    """A SCIM request and its answer. `path` is below the SCIM base URL (`/Users/2819c...`)."""

    team: str
    method: str
    path: str
    query: dict[str, str]
    body: Any = None  # the request's JSON body; None when there is none or it is not JSON
    route_as: str | None = None  # a request rewrite may have the server handle another method
    request_headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    notes: dict[str, Any] = field(default_factory=dict)  # a request rewrite's word to its answer's
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)  # the answer's, lower-case names
    json: Any = None  # the answer's JSON body; None when there is none or it is not JSON
    text: str | None = None  # set by a rewrite: send this text instead
    delay: float = 0.0  # seconds to hold the answer back
    api: str = "scim/v2"  # or "oauth": the team's token endpoint (`oauth.py`), path `/token`

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
