"""Check references: what a check's `ref` names, and the links a reader can open.

A `ref` is one or more references joined by "; ", each of one of four forms:

- `RFC 7644 3.5.1`: a section of an RFC, linked to its text on rfc-editor.org;
- `draft-zollner-scim-interop-profile-01 5.2`: a section of one revision of an Internet-Draft,
  linked to that revision's text on datatracker.ietf.org;
- `docs/idp/okta.md#spec-test-6`: a heading of a document shipped with the project (GitHub-style
  anchor), given as its path from the project root;
- `https://...`: a public page.

The first reference is the one the check's `quote` comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

SEPARATOR = "; "
RFC_URL = "https://www.rfc-editor.org/rfc/rfc{number}#section-{section}"
_RFC = re.compile(r"RFC (?P<number>\d{4}) (?P<section>\d+(?:\.\d+)*)")
DRAFT_URL = "https://datatracker.ietf.org/doc/html/{name}#section-{section}"
_DRAFT = re.compile(r"(?P<name>draft-[a-z0-9-]+-\d{2}) (?P<section>\d+(?:\.\d+)*)")
_DOC = re.compile(r"(?P<path>docs/[\w./-]+\.md)#(?P<anchor>[\w-]+)")
_WEB = re.compile(r"https://[^\s;]+")
# Names of the developers' private research notes, which never ship: a reference or report naming
# them points a reader at nothing.
_PRIVATE_NOTES = re.compile(
    r"(?<![\w/.-])(?:[\w.-]+/)*(?:okta|entra_onelogin|robustness|DESIGN)\.md"
)
_LOCAL_PATH = re.compile(r"(?<![\w.])(?:/(?:home|work|tmp|root|usr|var|opt|mnt|srv)/|[A-Z]:\\)")
_HEADING = re.compile(r"#{1,6} +(.*?) *#*$")


@dataclass(frozen=True, slots=True)
class Link:
    """One reference as shown to a reader: its text and where it leads."""

    text: str
    url: str


def parts(ref: str) -> list[str]:
    return [part.strip() for part in ref.split(SEPARATOR) if part.strip()]


def link(part: str) -> Link:
    """The link of one reference: an RFC section's URL, a project document's path from the
    project root, a public page's URL; nothing (`url` empty) for what is none of these, which
    `problems` names."""
    if rfc := _RFC.fullmatch(part):
        return Link(part, RFC_URL.format(**rfc.groupdict()))
    if draft := _DRAFT.fullmatch(part):
        return Link(part, DRAFT_URL.format(**draft.groupdict()))
    if _DOC.fullmatch(part) or _WEB.fullmatch(part):
        return Link(part, part)
    return Link(part, "")


def links(ref: str) -> list[Link]:
    return [link(part) for part in parts(ref)]


@cache
def rfc_sections() -> dict[str, dict[str, str]]:
    """RFC number (or a draft's name with its revision) -> section number -> title, from
    `rfc_sections.yaml`."""
    text = resources.files(__package__).joinpath("rfc_sections.yaml").read_text("utf-8")
    loaded = yaml.safe_load(text)
    return {
        str(number): {str(s): str(t) for s, t in sections.items()}
        for number, sections in loaded.items()
    }


def _headings(markdown: str) -> list[tuple[int, str]]:
    """(line number, GitHub anchor) of each heading; a repeated heading gets -1, -2 ..."""
    seen: dict[str, int] = {}
    found: list[tuple[int, str]] = []
    in_code = False
    for number, line in enumerate(markdown.splitlines()):
        if line.startswith("```"):
            in_code = not in_code
        heading = _HEADING.match(line)
        if in_code or heading is None:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.append((number, slug if count == 0 else f"{slug}-{count}"))
    return found


def github_anchors(markdown: str) -> set[str]:
    return {anchor for _, anchor in _headings(markdown)}


def section_text(markdown: str, anchor: str) -> str:
    """The text under the heading with this anchor up to the next heading, on one line."""
    headings = _headings(markdown)
    lines = markdown.splitlines()
    for index, (number, found) in enumerate(headings):
        if found == anchor:
            end = headings[index + 1][0] if index + 1 < len(headings) else len(lines)
            return " ".join(" ".join(lines[number + 1 : end]).split())
    return ""


def problems(ref: str, root: Path) -> list[str]:
    """Why each reference of `ref` does not resolve (nothing when all do); `root` holds docs/."""
    found: list[str] = []
    if not parts(ref):
        return ["no reference"]
    for part in parts(ref):
        found += _part_problems(part, root)
    return found


def _part_problems(part: str, root: Path) -> list[str]:
    if rfc := _RFC.fullmatch(part):
        sections = rfc_sections().get(rfc["number"])
        if sections is None or rfc["section"] not in sections:
            return [f"{part}: no such section in rfc_sections.yaml"]
        return []
    if draft := _DRAFT.fullmatch(part):
        sections = rfc_sections().get(draft["name"])
        if sections is None or draft["section"] not in sections:
            return [f"{part}: no such draft section in rfc_sections.yaml"]
        return []
    if doc := _DOC.fullmatch(part):
        path = root / doc["path"]
        if not path.is_file():
            return [f"{part}: no file {doc['path']}"]
        if doc["anchor"] not in github_anchors(path.read_text("utf-8")):
            return [f"{part}: no heading with anchor #{doc['anchor']} in {doc['path']}"]
        return []
    if _WEB.fullmatch(part):
        return []
    return [
        f"{part}: not a reference (want 'RFC NNNN S.S', 'draft-...-NN S.S', 'docs/...md#anchor' "
        "or https)"
    ]


def private_mentions(text: str) -> list[str]:
    """What in `text` points at the developers' private notes or at a path of this machine."""
    found = [
        m.group(0) for m in _PRIVATE_NOTES.finditer(text) if not m.group(0).startswith("docs/")
    ]
    if "shared/" in text:
        found.append("shared/")
    found += [m.group(0) for m in _LOCAL_PATH.finditer(text)]
    return found


# RFC 2119 keywords (capitalised, as RFC 7643/7644 and the project's docs use them) and the level
# each one gives a check: a broken MUST fails, a broken SHOULD warns, a broken MAY is a note.
_KEYWORDS = {
    "MUST": "MUST",
    "SHALL": "MUST",
    "REQUIRED": "MUST",
    "SHOULD": "SHOULD",
    "RECOMMENDED": "SHOULD",
    "MAY": "MAY",
    "OPTIONAL": "MAY",
}
_KEYWORD = re.compile(r"\b(" + "|".join(_KEYWORDS) + r")\b")


def keyword_levels(quote: str) -> set[str]:
    """The levels the quote's keywords give (MUST NOT is MUST, NOT RECOMMENDED is SHOULD)."""
    return {_KEYWORDS[word] for word in _KEYWORD.findall(quote)}
