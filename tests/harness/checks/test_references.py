"""Every check cites sources a reader can open, quotes the sentence it enforces, and its level
follows that sentence (docs/checks.md). Each rule is shown to catch a planted bad entry."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.checks import load_all
from harness.checks.references import (
    github_anchors,
    keyword_levels,
    links,
    parts,
    private_mentions,
    problems,
    section_text,
)
from harness.checks.registry import Check, Level, registry
from harness.cli.checks import lines
from tests.support.paths import ROOT

# Checks whose behaviour and level the helper "grading" is changing (issue 15): their quote is
# given, their level is left to that change. Each names the level its quote gives.
PENDING_LEVEL: dict[str, str] = {}


@pytest.fixture(scope="module")
def checks() -> list[Check]:
    load_all()
    return list(registry)


def reference_problems(check: Check, root: Path) -> list[str]:
    """Why `check.ref` does not resolve, or its quote is not in the project document it names."""
    found = problems(check.ref, root)
    first = parts(check.ref)[0] if parts(check.ref) else ""
    if not found and first.startswith("docs/"):
        path, anchor = first.split("#")
        text = section_text((root / path).read_text("utf-8"), anchor)
        if " ".join(check.quote.split()) not in text:
            found.append(f"the quote is not a sentence of {first}")
    return found


def level_problems(check: Check) -> list[str]:
    levels = keyword_levels(check.quote)
    if not levels:
        return ["the quote has no RFC 2119 keyword"]
    if len(levels) > 1:
        return [f"the quote mixes keywords of {sorted(levels)}: quote the part the check enforces"]
    if levels != {check.level.value}:
        return [f"level {check.level.value}, but the quote says {levels.pop()}"]
    return []


def test_every_reference_resolves(checks: list[Check]) -> None:
    broken = {c.id: reference_problems(c, ROOT) for c in checks}
    assert {name: found for name, found in broken.items() if found} == {}


def test_every_level_follows_its_quote(checks: list[Check]) -> None:
    wrong = {c.id: level_problems(c) for c in checks if c.id not in PENDING_LEVEL}
    assert {name: found for name, found in wrong.items() if found} == {}


def test_pending_checks_quote_what_they_are_said_to(checks: list[Check]) -> None:
    """The exceptions are real checks whose quote gives the level noted for the helper."""
    by_id = {c.id: c for c in checks}
    assert {name: keyword_levels(by_id[name].quote) for name in PENDING_LEVEL} == {
        name: {level} for name, level in PENDING_LEVEL.items()
    }


def test_no_check_cites_private_notes_or_local_paths(checks: list[Check]) -> None:
    leaks = {c.id: private_mentions(f"{c.ref} {c.quote} {c.title}") for c in checks}
    assert {name: found for name, found in leaks.items() if found} == {}


def test_the_documents_references_open_cite_no_private_notes(checks: list[Check]) -> None:
    cited = {
        part.split("#")[0] for c in checks for part in parts(c.ref) if part.startswith("docs/")
    }
    leaks = {doc: private_mentions((ROOT / doc).read_text("utf-8")) for doc in sorted(cited)}
    assert {doc: found for doc, found in leaks.items() if found} == {}
    assert {"docs/idp/okta.md", "docs/idp/entra.md", "docs/domain.md"} <= cited


def test_scimcert_checks_lists_every_check_cleanly(checks: list[Check]) -> None:
    listed = list(lines(show_links=True))
    assert [line for line in listed if private_mentions(line)] == []
    assert sum(1 for line in listed if not line.startswith(" ")) == len(checks)
    assert sum(1 for line in listed if line.startswith("    quote: ")) == len(checks)


def test_rfc_references_link_to_the_rfc_text() -> None:
    found = links("RFC 7644 3.5.1; docs/idp/okta.md#spec-test-6; https://example.com/x; okta.md 5")
    assert [link.url for link in found] == [
        "https://www.rfc-editor.org/rfc/rfc7644#section-3.5.1",
        "docs/idp/okta.md#spec-test-6",
        "https://example.com/x",
        "",
    ]


def test_draft_references_link_to_that_revision_and_name_a_listed_section(tmp_path: Path) -> None:
    draft = "draft-zollner-scim-interop-profile-01"
    assert [link.url for link in links(f"{draft} 6.5.1.1")] == [
        f"https://datatracker.ietf.org/doc/html/{draft}#section-6.5.1.1"
    ]
    assert problems(f"{draft} 5.3", tmp_path) == []
    assert "no such draft section" in problems(f"{draft} 5.9", tmp_path)[0]
    assert (
        "no such draft section"
        in problems("draft-zollner-scim-interop-profile-00 5.3", tmp_path)[0]
    )


def test_anchors_are_github_slugs() -> None:
    markdown = "# Top\n## What a member's state means\n```\n# not a heading\n```\n## Top\n"
    assert github_anchors(markdown) == {"top", "what-a-members-state-means", "top-1"}


# --- each rule catches a planted bad entry -------------------------------------------------------


def _planted(ref: str, quote: str, level: Level = Level.MUST) -> Check:
    return Check("planted", level, ref, "Planted", quote=quote)


def test_unresolvable_references_are_caught(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "idp.md").write_text("# IdP\n## Known\nA server MUST do it.\n")
    bad = {
        "RFC 7644 3.99": "no such section",
        "RFC 7644 3.1, 8.1": "not a reference",
        "okta.md 5 (SPEC test 6)": "not a reference",
        "docs/idp.md#unknown": "no heading",
        "docs/missing.md#known": "no file",
    }
    for ref, reason in bad.items():
        found = reference_problems(_planted(ref, "A server MUST do it."), tmp_path)
        assert len(found) == 1 and reason in found[0], (ref, found)
    misquoted = _planted("docs/idp.md#known", "A server MUST do something else.")
    assert reference_problems(misquoted, tmp_path) == [
        "the quote is not a sentence of docs/idp.md#known"
    ]
    assert reference_problems(_planted("docs/idp.md#known", "A server MUST do it."), tmp_path) == []


def test_levels_that_disagree_with_their_quote_are_caught() -> None:
    assert level_problems(_planted("RFC 7644 3.12", "detail ... OPTIONAL.", Level.SHOULD)) == [
        "level SHOULD, but the quote says MAY"
    ]
    assert level_problems(_planted("RFC 7644 3.3", "It SHALL NOT be.", Level.SHOULD)) == [
        "level SHOULD, but the quote says MUST"
    ]
    assert level_problems(_planted("RFC 7644 3.3", "no keyword here")) == [
        "the quote has no RFC 2119 keyword"
    ]
    assert "mixes" in level_problems(_planted("RFC 7644 3.3", "MUST x, MAY y"))[0]
    assert level_problems(_planted("RFC 7644 3.3", "it is NOT RECOMMENDED", Level.SHOULD)) == []


def test_private_notes_and_local_paths_are_caught() -> None:
    assert private_mentions("okta.md 5 (SPEC test 6)") == ["okta.md"]
    assert private_mentions("see ../shared/idp/entra_onelogin.md 4.3") == [
        "../shared/idp/entra_onelogin.md",
        "shared/",
    ]
    assert private_mentions("DESIGN.md (deactivate); robustness.md 4 (K)") == [
        "DESIGN.md",
        "robustness.md",
    ]
    assert private_mentions("file /work/wt/x/scenarios/a.yaml and /home/me") == ["/work/", "/home/"]
    assert private_mentions("docs/idp/okta.md#x; docs/robustness.md#y; GET /Users/{id}") == []


@pytest.mark.parametrize(("reader", "shown"), [("true", 0), ("head -n 1", 1)])
def test_scimcert_checks_survives_a_reader_that_stops(reader: str, shown: int) -> None:
    """`scimcert checks | head -n 1` prints one line, and a reader gone before the first line
    (`| true`) ends the listing quietly: no BrokenPipeError, exit 0."""
    scimcert = Path(sys.executable).with_name("scimcert")
    bash = shutil.which("bash") or "/bin/bash"
    piped = subprocess.run(
        [bash, "-o", "pipefail", "-c", f"'{scimcert}' checks --links | {reader}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (piped.returncode, piped.stderr) == (0, "")
    assert len(piped.stdout.splitlines()) == shown
