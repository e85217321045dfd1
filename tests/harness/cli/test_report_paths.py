"""No report names a path of the machine that wrote it, and failure cards link their sources.

A real `scimcert demo` (reference server, one failing scenario from a folder outside the project)
writes its four report files; none may hold the temporary folder, the project's folder, the home
folder or the interpreter's prefix. The scenario file is named relative to its scenario root.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT

SCENARIO = """\
id: mine/wrong
title: A deliberately wrong expectation
tags: [mine]
steps:
  - request: {method: GET, path: /Users/010101001010101011001010101011}
    expect:
      check: unknown-id-404
      status: 200
"""


def local_paths(report_dir: Path, machine: list[str]) -> dict[str, list[str]]:
    """Report file -> the paths of this machine it contains."""
    found = {}
    for path in sorted(report_dir.iterdir()):
        text = path.read_text("utf-8", errors="replace")
        hits = [place for place in machine if place in text]
        if hits:
            found[path.name] = hits
    return found


def _machine(tmp_path: Path) -> list[str]:
    places = [str(tmp_path), str(ROOT), sys.prefix, str(Path.home())]
    return [place for place in places if len(place) > 1]


def test_reports_carry_no_path_of_this_machine(tmp_path: Path) -> None:
    scenarios = tmp_path / "scenarios-elsewhere"
    (scenarios / "mine").mkdir(parents=True)
    (scenarios / "mine" / "wrong.yaml").write_text(SCENARIO)
    report = tmp_path / "report"
    scimcert = Path(sys.executable).with_name("scimcert")
    # Given relative to where it runs, as a user would: the invocation records paths as given
    # (a rerun needs them), and the reports name scenario files relative to their root.
    ran = subprocess.run(
        [
            str(scimcert),
            "demo",
            "--scenarios",
            scenarios.name,
            "--idp",
            "rfc",
            "--report-dir",
            "report",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert sorted(p.name for p in report.iterdir()) == [
        "index.html",
        "junit.xml",
        "report.html",
        "results.jsonl",
    ]
    assert local_paths(report, _machine(tmp_path)) == {}
    started = [
        json.loads(line)
        for line in (report / "results.jsonl").read_text().splitlines()
        if '"ItemStarted"' in line
    ]
    # Relative to where the run started, as the user named the folder.
    assert [event["source"] for event in started] == ["scenarios-elsewhere/mine/wrong.yaml"]
    page = (report / "index.html").read_text()
    rfc = (
        'href="https://www.rfc-editor.org/rfc/rfc7644#section-3.12" rel="noreferrer">RFC 7644 3.12<'
    )
    assert rfc in page
    # report.html (pytest-html) keeps its rows in an escaped JSON blob: the link is in there.
    assert (
        "https://www.rfc-editor.org/rfc/rfc7644#section-3.12"
        in (report / "report.html").read_text()
    )


def test_a_planted_local_path_is_found(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(f"<p>{ROOT}/scenarios/core/errors.yaml</p>")
    assert local_paths(tmp_path, _machine(tmp_path / "elsewhere")) == {"index.html": [str(ROOT)]}
