"""What the project ships cites only what a reader can open (issue 14, "sources a reader can open").

Every file git tracks outside `tests/` and `.ci/` ships with the project. None may point at the
developers' private notes (they never leave the developers' machines) or at a path of this
machine, and every `docs/....md#anchor` it cites must name a heading that exists, as GitHub
renders it. The private-note and local-path patterns are those of `harness.checks.references`,
which keeps the check references of `scimcert checks` and the reports clean the same way, plus
the shorter forms the notes were cited by (`okta.md 2.1`, `robustness.md 4 (B)`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.checks.references import github_anchors, private_mentions, problems

ROOT = Path(__file__).resolve().parents[1]
NOT_SHIPPED = ("tests/", ".ci/")
# Citations of the private notes in the short forms code and data used for them, the file named
# (`okta.md 2.1`) or only its numbering (`4.3 step 4`, `3.1 test 11`, `§2.5`), which no RFC uses.
NOTE_CITATION = re.compile(
    r"(?:^|[^/])(?P<name>(?:okta|entra_onelogin)\.md|robustness\.md(?= [0-9])|DESIGN\.md|shared/)"
    r"|(?<![\w.])(?P<number>[1-9]\.[0-9]+ (?:steps?|tests?|rows?) [0-9]+|(?<!RFC \d{4} )§[0-9])"
)
# A document of the project and one of its headings: `docs/idp/okta.md#spec-test-6`.
DOC_ANCHOR = re.compile(r"docs/(?:[\w-]+/)*[\w-]+\.md#[\w-]+")
# A coverage page names the headings of its IdP's page as `§anchor` (docs/coverage/*.md).
SECTION = re.compile(r"§([a-z0-9-]+)")
# The detector names what it detects: its patterns and messages spell the private notes' names.
DETECTOR = "harness/checks/references.py"


def shipped(root: Path = ROOT) -> list[str]:
    """The files git tracks outside the test and CI folders."""
    git = shutil.which("git")
    assert git is not None, "the walk needs git"
    listed = subprocess.run(
        [git, "ls-files", "-z"], cwd=root, capture_output=True, check=True, text=True
    ).stdout
    return sorted(p for p in listed.split("\0") if p and not p.startswith(NOT_SHIPPED))


def _text(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError:  # images and other binary files cite nothing
        return None


def findings(root: Path, relative: str) -> list[str]:
    """What in one shipped file a reader could not open, as `path:line: why`."""
    text = _text(root / relative)
    if text is None:
        return []
    found: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{relative}:{number}"
        if relative != DETECTOR:
            shown = _without_resolved_links(line, root / relative)
            notes = [m["name"] or m["number"] for m in NOTE_CITATION.finditer(shown)]
            leaks = private_mentions(shown) + notes
            found += [f"{where}: cites {leak!r}" for leak in dict.fromkeys(leaks)]
        for cited in DOC_ANCHOR.findall(line):
            found += [f"{where}: {problem}" for problem in problems(cited, root)]
    return found + _section_findings(root, relative, text)


MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _without_resolved_links(line: str, path: Path) -> str:
    """A Markdown link's target that is a file of the project beside this page
    (`[docs/idp/okta.md](idp/okta.md#import)`) can be opened: it is no private note."""
    if path.suffix != ".md":
        return line

    def target(match: re.Match[str]) -> str:
        file = match.group(1).split("#", 1)[0]
        return "]()" if file and (path.parent / file).is_file() else match.group(0)

    return MARKDOWN_LINK.sub(target, line)


def _section_findings(root: Path, relative: str, text: str) -> list[str]:
    """`docs/coverage/okta.md` names the headings of `docs/idp/okta.md` as `§anchor`."""
    if not relative.startswith("docs/coverage/"):
        return []
    target = root / "docs" / "idp" / Path(relative).name
    anchors = github_anchors(target.read_text("utf-8")) if target.is_file() else set()
    return [
        f"{relative}: §{name} is no heading of docs/idp/{target.name}"
        for name in sorted(set(SECTION.findall(text)) - anchors)
    ]


@pytest.mark.parametrize("relative", shipped())
def test_shipped_file_cites_only_what_a_reader_can_open(relative: str) -> None:
    assert findings(ROOT, relative) == []


def test_the_walk_covers_what_ships() -> None:
    files = shipped()
    assert {"README.md", "pyproject.toml", "docs/idp/okta.md", DETECTOR} <= set(files)
    assert "mock_idp/profiles/okta-oin.yaml" in files
    assert not [p for p in files if p.startswith(NOT_SHIPPED)]


def test_the_check_catches_what_a_reader_cannot_open(tmp_path: Path) -> None:
    """Each kind of bad citation, planted in a file, is reported; a good one is not."""
    (tmp_path / "docs" / "idp").mkdir(parents=True)
    (tmp_path / "docs" / "coverage").mkdir()
    (tmp_path / "docs" / "idp" / "okta.md").write_text("# Okta\n\n## Group Push\n\ntext\n")
    (tmp_path / "docs" / "coverage" / "okta.md").write_text("| 1 | §group-push | §imports |\n")
    (tmp_path / "bad.py").write_text(
        "# Okta links the user (okta.md 2.3).\n"
        "# entra_onelogin.md 4.3 step 4 and robustness.md 4 (B)\n"
        '"""DESIGN.md (deactivate); see ../shared/idp/x"""\n'
        "# written in /work/wt/citations/bad.py\n"
        "# docs/idp/okta.md#group-push is right; docs/idp/okta.md#group-pushes is not\n"
        "# nor is docs/idp/nowhere.md#x\n"
        "# the validator's own (3.1 test 11), as in §4, not RFC 7644 §3.4.3\n"
    )
    found = findings(tmp_path, "bad.py")
    assert [f.split(": ", 1)[0] for f in found] == [
        "bad.py:1",
        "bad.py:2",
        "bad.py:2",
        "bad.py:2",
        "bad.py:3",
        "bad.py:3",
        "bad.py:4",
        "bad.py:5",
        "bad.py:6",
        "bad.py:7",
        "bad.py:7",
    ]
    assert "bad.py:4: cites '/work/'" in found
    assert "bad.py:7: cites '3.1 test 11'" in found
    assert any("no heading with anchor #group-pushes" in f for f in found)
    assert any("no file docs/idp/nowhere.md" in f for f in found)
    assert findings(tmp_path, "docs/coverage/okta.md") == [
        "docs/coverage/okta.md: §imports is no heading of docs/idp/okta.md"
    ]
    assert findings(tmp_path, "docs/idp/okta.md") == []
