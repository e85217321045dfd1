"""The summary as a person sees it: headless Chromium, no network, a phone and a printer.

Chromium comes from Debian (`apt-get install chromium`; `.ci/run` installs it) and is driven by
the Playwright Python package with the system executable. The test skips only when that
executable is absent. The pictures in docs/screenshots/ are made by `make screenshots`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from tests.support.reference import RunningServer
from tests.support.report_runs import ReportRun, failing_run, scimcert

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
A4 = {"width": 794, "height": 1123}  # A4 at 96 dpi, the width a browser lays out print at
FAILURE = "article[id$='report-wrong-display-name-rfc']"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"Chromium is not installed at {CHROMIUM} (apt: chromium)"
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def run(server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> ReportRun:
    return failing_run(server, tmp_path_factory)


def _open(
    browser: Browser, html: str, viewport: dict[str, int], media: str
) -> tuple[Page, list[str]]:
    """The page with every request refused and remembered, so a test can assert there was none."""
    page = browser.new_page(viewport={"width": viewport["width"], "height": viewport["height"]})
    attempted: list[str] = []
    page.on("request", lambda request: attempted.append(request.url))

    def refuse(route: Route) -> None:
        attempted.append(route.request.url)
        route.abort()

    page.route("**/*", refuse)
    page.emulate_media(media="print" if media == "print" else "screen")
    page.set_content(html, wait_until="load")
    return page, attempted


def _open_failure(page: Page) -> None:
    """Two clicks from the top: the cause, then the item (failures are grouped by cause)."""
    page.locator("details.cause", has=page.locator(FAILURE)).locator("> summary").click()
    page.locator("details.item", has=page.locator(FAILURE)).locator("> summary").click()


def _assert_readable(page: Page) -> None:
    assert page.locator("h1").is_visible()
    assert page.locator("#matrix table").is_visible()
    _open_failure(page)
    failure = page.locator(FAILURE)
    expected, actual = failure.locator("dl.ea dd").all()[:2]
    assert expected.is_visible() and "Somebody Else" in expected.inner_text()
    assert actual.is_visible() and "<script>" in actual.inner_text()
    curl = failure.locator("pre.curl")
    assert curl.is_visible() and curl.inner_text().startswith("curl ")
    assert page.locator("script").count() == 0  # the escaped <script> stayed text


def _no_request_and_no_sideways_scroll(page: Page, attempted: list[str], width: int) -> None:
    assert attempted == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_on_a_390px_phone_the_matrix_and_a_failure_are_shown(
    browser: Browser, run: ReportRun, tmp_path: Path
) -> None:
    page, attempted = _open(browser, run.text("index.html"), PHONE, "screen")
    _assert_readable(page)
    _no_request_and_no_sideways_scroll(page, attempted, PHONE["width"])
    page.locator(FAILURE).scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "phone.png"))
    page.close()


def test_printed_everything_is_shown_and_nothing_clipped(
    browser: Browser, run: ReportRun, tmp_path: Path
) -> None:
    page, attempted = _open(browser, run.text("index.html"), A4, "print")
    _assert_readable(page)
    _no_request_and_no_sideways_scroll(page, attempted, A4["width"])
    assert page.evaluate("matchMedia('print').matches")
    page.pdf(path=str(tmp_path / "summary.pdf"))
    assert (tmp_path / "summary.pdf").stat().st_size > 10_000
    page.close()


def test_a_screenshot_of_a_failing_run(browser: Browser, run: ReportRun, tmp_path: Path) -> None:
    """The picture kept in docs/: the top of a failing run's summary, on a laptop screen."""
    page, attempted = _open(
        browser, run.text("index.html"), {"width": 1000, "height": 2000}, "screen"
    )
    target = Path(os.environ.get("SCIMCERT_SCREENSHOT") or tmp_path / "summary.png")
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
    assert attempted == []
    page.close()


@pytest.mark.parametrize("width", [768, 1400])
def test_at_tablet_and_desktop_width_a_failure_is_two_clicks_away(
    browser: Browser, run: ReportRun, width: int
) -> None:
    page, attempted = _open(
        browser, run.text("index.html"), {"width": width, "height": 900}, "screen"
    )
    _assert_readable(page)  # opens the cause, then the item: two clicks from the top
    _no_request_and_no_sideways_scroll(page, attempted, width)
    page.close()


def test_report_html_is_useful_without_javascript(browser: Browser, run: ReportRun) -> None:
    """A CI artefact store may serve report.html under a policy that blocks its script."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1400, "height": 900}
    )
    page = context.new_page()
    page.route("**/*", lambda route: route.abort())
    page.set_content(run.text("report.html"), wait_until="load")
    static = page.locator("table.scimcert-static")
    assert page.get_by_text("scimcert: ").first.is_visible()
    assert static.is_visible()
    assert "report/wrong-display-name[rfc]" in static.inner_text()
    assert "Somebody Else" in static.inner_text()
    assert page.locator("a[href='index.html']").is_visible()
    context.close()


def test_a_faulty_server_gives_one_card_per_cause(
    browser: Browser, server_factory: Callable[..., RunningServer], tmp_path: Path
) -> None:
    """Two faults break a few checks in many items: the summary names each cause once, says
    where it struck, and stays short."""
    faulty = server_factory("--fault", "put-ignores-active", "--fault", "unknown-id-400")
    report = tmp_path / "report"
    done = scimcert(
        "run",
        "--url",
        faulty.url,
        "--app-url",
        faulty.app_url,
        "--idp",
        "okta",
        "--report-dir",
        str(report),
    )
    assert done.returncode == 1, done.stdout
    page, _ = _open(
        browser,
        (report / "index.html").read_text(encoding="utf-8"),
        {"width": 1400, "height": 900},
        "screen",
    )
    causes = page.locator("#failures details.cause")
    items = page.locator("#failures details.item")
    assert 0 < causes.count() < items.count()
    first = causes.first.locator("> summary").inner_text()
    assert " item(s), " in first and " profile(s)" in first
    assert page.evaluate("document.documentElement.scrollHeight") < 15_000
    page.close()
