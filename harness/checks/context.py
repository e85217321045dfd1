"""What a check sees: one recorded exchange, and what the run knows around it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.transport.exchange import Exchange


@dataclass(frozen=True, slots=True)
class CheckContext:
    exchange: Exchange
    variables: Mapping[str, Any] = field(default_factory=dict)
    # Attribute definitions the target publishes under /Schemas, when it does.
    target_schemas: tuple[Mapping[str, Any], ...] = ()
    etag_supported: bool = False
    # The schema a step expects its answer to follow (`expect.schema`), by name.
    schema: str | None = None

    def json(self) -> Any:
        """The response body as JSON, or None when there is none or it is not JSON."""
        response = self.exchange.response
        if response is None or not response.body:
            return None
        try:
            return response.json()
        except ValueError:
            return None
