"""The one table of a recording's pseudonyms: each original name, e-mail or phone number gets one
stand-in for the whole recording.

Stand-ins are numbered in the order the originals are first met, so scrubbing the same recording
twice gives the same file. They keep the shape a SCIM server checks: an e-mail stays a valid
address in the reserved `.invalid` domain (RFC 2606), a phone number a `+1-555-...` string, a
given name a word. Comparison folds case (`Ann@X.com` and `ann@x.com` are one address); phone
numbers compare by their digits.

Finding originals in a text takes one pass whatever the table holds: e-mail-shaped strings and
runs of digit groups are looked up, and names are looked up as runs of whole words. A regex of
every original would have to be compiled afresh whenever a proxied exchange brings a new person
(tens of seconds for a tenant of thousands).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote, unquote

from harness.capture.personal import EMAIL_SHAPE

KINDS = ("name", "email", "phone")
EMAIL_DOMAIN = "example.invalid"
# Our own stand-ins are not personal data: scrubbing a scrubbed recording changes nothing.
_ONE = (
    r"(?:person-\d{4,}@example\.invalid|(?:Given|Family|Middle|Person)\d{4,}"
    r"|(?:tel:)?\+1-555-000-\d{4,})"
)
OWN = re.compile(rf"{_ONE}(?:\s+{_ONE})*", re.IGNORECASE)
# An address written into a URL with its `@` escaped (a filter kept encoded in a text).
_EMAIL_ENCODED = re.compile(
    r"(?<![\w.+'-])[A-Za-z0-9._+'-]+%40(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}", re.IGNORECASE
)
_WORD = re.compile(r"[^\W_]+")
_DIGITS = re.compile(r"\d+")
# What may stand between two digit groups of one phone number: `+1 (425) 555-0143`.
_PHONE_GAP = re.compile(r"[ ().-]{0,3}")
_PHONE_LEAD = re.compile(r"(?:tel:)?\+?\(?$", re.IGNORECASE)
_ADDRESS_CHAR = re.compile(r"[\w.+'@-]")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
MIN_PHONE_DIGITS = 5
MAX_PHONE_GROUPS = 8

Span = tuple[int, int, str]  # start, end, what replaces text[start:end]


class Pseudonyms:
    def __init__(self) -> None:
        self._by_kind: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        self._counters: dict[str, int] = {}
        self._emails: dict[str, str] = {}  # lower-cased address -> stand-in
        self._phones: dict[str, str] = {}  # digits -> stand-in number
        self._names: dict[str, str] = {}  # lower-cased name -> stand-in
        self._name_words = 0  # the most words a known name has
        self._first_words: set[str] = set()  # the first word of each known name

    @property
    def replaced(self) -> dict[str, int]:
        return {kind: len(found) for kind, found in self._by_kind.items() if found}

    def email(self, value: str) -> None:
        value = value.strip()
        if len(value) >= 3 and not OWN.fullmatch(value):
            key = value.lower()
            self._emails[key] = self._stand_in("email", key, "person-", "@" + EMAIL_DOMAIN)
            if not EMAIL_SHAPE.fullmatch(value):  # `ann@localhost`: found as a word run instead
                self._add_name(value, self._emails[key])

    def phone(self, value: str) -> None:
        value = value.strip()
        digits = re.sub(r"\D", "", value)
        if len(digits) >= MIN_PHONE_DIGITS and not OWN.fullmatch(value):
            self._phones[digits] = self._stand_in("phone", digits, "", "")

    def part(self, prefix: str, value: str) -> None:
        """A given, family or middle name: `Given0001`."""
        value = _EDGES.sub("", value)
        if value and not OWN.fullmatch(value):
            self._add_name(value, self._stand_in("name", value.lower(), prefix, ""))

    def whole(self, value: str) -> None:
        """A formatted or display name: its known parts already spell it (`Given0001
        Family0001`); otherwise it gets a stand-in of its own (`Person0001`)."""
        value = _EDGES.sub("", value)
        if not _WORD.search(value) or OWN.fullmatch(value) or self._spelt_by_known(value):
            return
        self._add_name(value, self._stand_in("name", value.lower(), "Person", ""))

    def replace(self, text: str, *, names: bool = True) -> str:
        """`text` with every known original replaced by its stand-in."""
        if not text:
            return text
        text = _EMAIL_ENCODED.sub(self._encoded_email, EMAIL_SHAPE.sub(self._email, text))
        text = _apply(text, self._phone_spans(text))
        if names and self._names:
            text = _apply(text, self._name_spans(text))
        return text

    def found_in(self, text: str, *, names: bool = True) -> bool:
        return self.replace(text, names=names) != text

    def _email(self, match: re.Match[str]) -> str:
        return self._emails.get(match[0].lower(), match[0])

    def _encoded_email(self, match: re.Match[str]) -> str:
        stand_in = self._emails.get(unquote(match[0]).lower())
        return match[0] if stand_in is None else quote(stand_in, safe="")

    def _phone_spans(self, text: str) -> Iterator[Span]:
        """Runs of digit groups whose digits are a known number; the longest run wins."""
        if not self._phones:
            return
        groups = list(_DIGITS.finditer(text))
        index = 0
        while index < len(groups):
            found = self._phone_at(text, groups, index)
            if found is None:
                index += 1
                continue
            last, stand_in = found
            lead = _PHONE_LEAD.search(text, 0, groups[index].start())
            start = lead.start() if lead else groups[index].start()
            prefix = "tel:" if text[start : start + 4].lower() == "tel:" else ""
            yield start, groups[last].end(), f"{prefix}+1-555-000-{stand_in}"
            index = last + 1

    def _phone_at(
        self, text: str, groups: list[re.Match[str]], first: int
    ) -> tuple[int, str] | None:
        if first > 0 and groups[first].start() == groups[first - 1].end():
            return None
        best: tuple[int, str] | None = None
        digits = ""
        for last in range(first, min(first + MAX_PHONE_GROUPS, len(groups))):
            if last > first:
                gap = text[groups[last - 1].end() : groups[last].start()]
                if not _PHONE_GAP.fullmatch(gap):
                    break
            digits += groups[last][0]
            stand_in = self._phones.get(digits)
            if stand_in is not None:
                best = (last, stand_in)
        if best is None:
            return None
        after = groups[best[0]].end()
        return None if after < len(text) and text[after].isalnum() else best

    def _name_spans(self, text: str) -> Iterator[Span]:
        """Runs of whole words that are a known name, never inside an e-mail-shaped string.
        Only a word that starts some known name is looked at further: a body of megabytes has
        millions of words, and few of them begin a name."""
        resume = 0
        for word in _WORD.finditer(text):
            if word.start() < resume or word[0].lower() not in self._first_words:
                continue
            best: tuple[int, str] | None = None
            following = _WORD.finditer(text, word.start())
            for _, last in zip(range(self._name_words), following, strict=False):
                stand_in = self._names.get(text[word.start() : last.end()].lower())
                if stand_in is not None:
                    best = (last.end(), stand_in)
            if best is not None and not _in_email(text, word.start()):
                yield word.start(), best[0], best[1]
                resume = best[0]

    def _spelt_by_known(self, value: str) -> bool:
        spans = list(self._name_spans(value)) if self._names else []
        return all(
            any(start <= word.start() < end for start, end, _ in spans)
            for word in _WORD.finditer(value)
        )

    def _add_name(self, value: str, stand_in: str) -> None:
        words = _WORD.findall(value.lower())
        if words:
            self._names[value.lower()] = stand_in
            self._first_words.add(words[0])
            self._name_words = max(self._name_words, len(words))

    def _stand_in(self, kind: str, key: str, prefix: str, suffix: str) -> str:
        known = self._by_kind[kind]
        if key not in known:
            self._counters[prefix] = self._counters.get(prefix, 0) + 1
            known[key] = f"{prefix}{self._counters[prefix]:04d}{suffix}"
        return known[key]


def _in_email(text: str, position: int) -> bool:
    """Whether `position` is inside an e-mail-shaped string (an address or a stand-in)."""
    start, end = position, position
    while start > 0 and _ADDRESS_CHAR.match(text[start - 1]):
        start -= 1
    while end < len(text) and _ADDRESS_CHAR.match(text[end]):
        end += 1
    run = text[start:end]
    return "@" in run and EMAIL_SHAPE.search(run) is not None


def _apply(text: str, spans: Iterator[Span]) -> str:
    pieces, position = [], 0
    for start, end, replacement in spans:
        pieces += [text[position:start], replacement]
        position = end
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)
