"""Values the target assigns, mapped onto the recorded ones: ids, ETags and cursors.

A recording holds the ids the recorded server gave (a created user's `id`, used again in later
paths, filters and member values), its ETags (sent back in `If-Match`) and its RFC 9865 cursors
(sent back as `cursor=`). The server a replay runs against assigns its own. Each such value is
saved into a scenario variable from the answer that first shows it, and every later mention of
the recorded value is written as that variable (docs/replay.md#ids-versions-and-cursors).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.scenario.source import escape

# A value stands as a word: not inside a longer run of letters, digits, `-` or `_`. A
# percent-escape before it (`%22` in an encoded filter) ends the run before the value.
_BEFORE = r"(?:(?<=%[0-9A-Fa-f]{2})|(?<![\w-]))"
_AFTER = r"(?![\w-])"
VERSION_HEADERS = ("if-match", "if-none-match")
CURSOR_POINTERS = ("/nextCursor", "/previousCursor")
_NAMES = {"Users": "user_id", "Groups": "group_id"}


def literal(text: str) -> str:
    """Recorded text as a scenario writes it: a `${` that is data, not a variable, is `$${`."""
    return text.replace("${", "$${")


def variable(name: str) -> str:
    return f"${{{name}}}"


@dataclass
class Learned:
    """Recorded value -> the scenario variable that holds what the target assigned instead."""

    ids: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    cursors: dict[str, str] = field(default_factory=dict)
    # Ids a recorded answer assigned in an exchange that is not replayed: the exchange number.
    lost: dict[str, int] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = None

    def name(self, kind: str) -> str:
        self._counts[kind] = self._counts.get(kind, 0) + 1
        return f"{kind}_{self._counts[kind]}"

    def add_id(self, recorded: str, endpoint: str) -> str:
        name = self.name(_NAMES.get(endpoint, "id"))
        self.ids[recorded] = name
        self._pattern = None
        return name

    def add_cursor(self, recorded: str) -> str:
        name = self.name("cursor")
        self.cursors[recorded] = name
        self._pattern = None
        return name

    def add_version(self, recorded: str) -> str:
        # A counter-based ETag (W/"2") recurs across resources: the latest answer showing it
        # is the one a client read before sending it back.
        name = self.name("etag")
        self.versions[recorded] = name
        return name

    def _words(self) -> re.Pattern[str] | None:
        tokens = {**self.cursors, **self.ids}
        if not tokens:
            return None
        if self._pattern is None:
            longest_first = sorted(tokens, key=len, reverse=True)
            alternatives = "|".join(re.escape(token) for token in longest_first)
            self._pattern = re.compile(f"{_BEFORE}(?:{alternatives}){_AFTER}")
        return self._pattern

    def text(self, recorded: str) -> str:
        """Recorded text with `${` escaped and each known id or cursor written as its variable."""
        pattern = self._words()
        escaped = literal(recorded)
        if pattern is None:
            return escaped
        tokens = {**self.cursors, **self.ids}
        return pattern.sub(lambda match: variable(tokens[match.group(0)]), escaped)

    def value(self, recorded: Any) -> Any:
        """A recorded JSON value with `text` applied to every string, keys escaped only."""
        if isinstance(recorded, str):
            return self.text(recorded)
        if isinstance(recorded, Mapping):
            return {literal(str(k)): self.value(v) for k, v in recorded.items()}
        if isinstance(recorded, list):
            return [self.value(item) for item in recorded]
        return recorded

    def header(self, name: str, recorded: str) -> str:
        """A request header: an ETag sent back is its variable, anything else literal."""
        if name.lower() in VERSION_HEADERS and recorded in self.versions:
            return variable(self.versions[recorded])
        return literal(recorded)

    def lose(self, ids: Iterable[str], exchange: int) -> None:
        for recorded in ids:
            self.lost.setdefault(recorded, exchange)

    def lost_in(self, text: str) -> tuple[str, int] | None:
        """A lost id the text mentions, with the exchange that assigned it."""
        for recorded, exchange in self.lost.items():
            if re.search(f"{_BEFORE}{re.escape(recorded)}{_AFTER}", text):
                return recorded, exchange
        return None


def pointer(*parts: object) -> str:
    """A JSON pointer as a scenario writes it: `~` and `/` escaped, and `${` as `$${`."""
    return "".join(f"/{escape(literal(str(part)))}" for part in parts)


def assigned_ids(body: Any, endpoint: str) -> list[tuple[str, str]]:
    """(pointer, id) of what an answer shows as its resource's id: the body's `id`, or the only
    resource of a list (a lookup by filter); never a discovery endpoint's fixed names."""
    if not isinstance(body, Mapping):
        return []
    found = body.get("id")
    if isinstance(found, str) and found:
        return [("/id", found)]
    resources = body.get("Resources")
    if isinstance(resources, list) and len(resources) == 1 and isinstance(resources[0], Mapping):
        only = resources[0].get("id")
        if isinstance(only, str) and only:
            return [(pointer("Resources", 0, "id"), only)]
    return []


def cursors_in(body: Any) -> list[tuple[str, str]]:
    """(pointer, cursor) of the RFC 9865 cursors an answer hands out."""
    if not isinstance(body, Mapping):
        return []
    return [
        (where, found)
        for where in CURSOR_POINTERS
        if isinstance(found := body.get(where[1:]), str) and found
    ]
