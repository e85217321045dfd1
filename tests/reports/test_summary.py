"""`index.html`: a self-contained certification summary that shows every failure reproducibly."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from harness.scenario.model import shown_path
from reports.model import build
from reports.summary import render
from reports.transcript import BODY_LIMIT
from tests.support.page import Node, parse
from tests.support.reference import RunningServer
from tests.support.report_runs import SCENARIOS, ReportRun, failing_run
from tests.support.sample_records import check, one_item

FAILING = SCENARIOS / "report" / "wrong-display-name.yaml"


@pytest.fixture(scope="session")
def run(server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> ReportRun:
    return failing_run(server, tmp_path_factory)


@pytest.fixture(scope="session")
def page(run: ReportRun) -> Node:
    return parse(run.text("index.html"))


def _step_line(path: Any, index: int) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    steps = [n for n, line in enumerate(lines, start=1) if line.startswith("  - ")]
    return steps[index]


def _article(page: Node, item: str) -> Node:
    return next(a for a in page.all("article") if str(a.attrs["id"]).endswith(item))


@pytest.mark.slow
def test_nothing_on_the_page_can_make_a_request(run: ReportRun, page: Node) -> None:
    html = run.text("index.html")
    tags = {node.tag for node in page.walk()}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "video", "audio"}
    for node in page.walk():
        assert "src" not in node.attrs and "srcset" not in node.attrs
        href = str(node.attrs.get("href", "#"))
        # Only a reader's click leaves the page: a check's source (the RFC text, a vendor's
        # page), opened without telling it where the report lives.
        # The run's other reports lie beside the page: relative links, no request of their own.
        beside = href in ("report.html", "junit.xml", "results.jsonl")
        assert (
            beside
            or href.startswith("#")
            or (href.startswith("https://") and node.attrs.get("rel") == "noreferrer")
        ), node.attrs
    assert "url(" not in html and "@import" not in html
    assert "default-src 'none'" in html


@pytest.mark.slow
def test_server_text_is_escaped(run: ReportRun, page: Node) -> None:
    html = run.text("index.html")
    assert "<script>alert" not in html and "<b>co</b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;" in html
    assert "<script>alert('x')</script> & <b>co</b>" in page.text()


@pytest.mark.slow
def test_verdicts_matrix_and_counts(page: Node) -> None:
    # The fixture run is a subset (its own --scenarios) that met an ERROR: the worst leads.
    assert page.all("h1")[0].text() == "SCIM certification: ERROR PARTIAL"
    matrix = page.by_id("matrix").text()
    for scenario in ("report/wrong-display-name", "report/passes", "report/known-gap"):
        assert scenario in matrix
    cells = [td.text() for td in page.by_id("matrix").all("td", "o")]
    assert sorted(cells) == ["ERROR", "FAIL", "FAIL", "FAIL (waived)", "PASS", "SKIP", "WARN"]
    counts = page.by_id("counts").text()
    assert "MUST" in counts and "SHOULD" in counts and "MAY" in counts


@pytest.mark.slow
def test_a_failure_shows_check_level_ref_expected_actual_line_and_curl(page: Node) -> None:
    failure = _article(page, "report-wrong-display-name-rfc")
    text = failure.text()
    assert "user-created" in text and "MUST" in text and "RFC 7644 3.3" in text
    expected, actual = [dd.text() for dd in failure.all("dd")]
    assert expected == '"Somebody Else"'
    assert actual == "\"<script>alert('x')</script> & <b>co</b>\""
    assert f"{shown_path(FAILING)}:{_step_line(FAILING, 0)}, step 1" in text
    assert not Path(shown_path(FAILING)).is_absolute()
    links = {a.text(): a.attrs["href"] for a in failure.all("a")}
    assert links["RFC 7644 3.3"] == "https://www.rfc-editor.org/rfc/rfc7644#section-3.3"
    assert "POST http://127.0.0.1:" in failure.all("pre", "request")[0].text()
    assert failure.all("pre", "response")[0].text().startswith("HTTP 201")
    curl = failure.all("pre", "curl")[0].text()
    assert curl.startswith("curl ") and '"Authorization: Bearer $SCIM_TOKEN"' in curl
    assert "--data-raw" in curl


@pytest.mark.slow
def test_matrix_cells_link_to_their_failure(page: Node) -> None:
    links = [a.attrs["href"] for a in page.by_id("matrix").all("a")]
    ids = {node.attrs.get("id") for node in page.walk()}
    assert links and all(str(link)[1:] in ids for link in links)


@pytest.mark.slow
def test_what_was_not_verified_is_said_plainly(page: Node) -> None:
    text = page.by_id("not-verified").text()
    assert "SKIP: /ServiceProviderConfig does not declare changePassword.supported" in text
    assert "ERROR: step 1 (line 7)" in text and "report/harness-error[rfc]" in text


@pytest.mark.slow
def test_expected_failures_are_shown_apart(page: Node) -> None:
    assert "report/known-gap" not in page.by_id("failures").text()
    expected = page.by_id("expected").text()
    assert "report/known-gap" in expected and "unknown-id-404" in expected
    assert "report/warns" in page.by_id("warnings").text()
    assert "/changePassword/supported" in page.by_id("notes").text()


def test_long_bodies_are_elided_in_html_but_whole_in_the_records() -> None:
    body = json.dumps({"detail": "x" * (BODY_LIMIT * 2)})
    records = one_item("FAIL", [check("s/one[rfc]", "user-created")], body=body)
    html = render(build(records), "now")
    assert "x" * (BODY_LIMIT * 2) not in html
    assert re.search(r"elided: \d+ more characters; see results.jsonl", html)
    assert records[2]["exchange"]["response"]["body"] == body


def test_the_generation_time_is_the_only_varying_part() -> None:
    records = one_item("PASS", [check("s/one[rfc]", "user-created", passed=True)])
    first, second = render(build(records), "t1"), render(build(records), "t2")
    assert first != second
    assert first.replace(">t1<", "><") == second.replace(">t2<", "><")


def _timeline(card: Node) -> list[list[str]]:
    (steps,) = card.all("table", "timeline")
    return [[td.text() for td in row.all("td")] for row in steps.all("tr")][1:]


@pytest.mark.slow
def test_a_failure_card_shows_the_steps_from_the_write_to_the_read(page: Node) -> None:
    """A read whose body was not judged, the refused write, and the read it blocked."""
    read, refused, blocked = _timeline(_article(page, "report-cascade-rfc"))
    assert read[4] == (
        "failed: user-readable; not evaluated: schema-valid (status 404, expected 200)"
    )
    assert refused[:3] == ["2", "14", "POST /Users"]
    assert re.fullmatch(r"POST /t/acme/scim/v2/Users → 400", refused[3])
    assert refused[4] == "failed: user-created"
    assert blocked[2:4] == ["GET /Users/${uid}", ""]
    assert blocked[4].startswith("blocked by step 2: needs ${uid}, which step 2 (line 14) did")


@pytest.mark.slow
def test_what_was_expected_is_said_in_words(page: Node) -> None:
    card = _article(page, "report-cascade-rfc")
    pairs = [dd.text() for dd in card.all("dd")]
    assert pairs == ["200", "404", "a 2xx status", "400"]
    assert "{" not in "".join(pairs)
