"""Regenerate the summary screenshots in docs/ (`make screenshots`).

Two runs against fresh reference servers on loopback: a clean one, and one with three deliberate
faults (a PUT that ignores `active`, a wrong `itemsPerPage`, and 400 for an unknown id). Each
`index.html` is drawn by Debian's Chromium (driven by Playwright, never a browser download) at
1,400 px wide; the top of the page is saved as a PNG, and the full height of each page printed,
so a change that makes the page grow shows here first.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from harness.cli.demo import _read_urls  # noqa: E402  (the banner reader `scimcert demo` uses)

CHROMIUM = Path(shutil.which("chromium") or "chromium")  # Debian's package
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FAULTS = ("put-ignores-active", "items-per-page-wrong", "unknown-id-400")
WIDTH, SHOWN_HEIGHT = 1400, 2200


@contextmanager
def server(folder: Path, env: dict[str, str], faults: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    command = [
        sys.executable,
        "-m",
        "reference_server",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--db",
        f"sqlite:///{folder / 'scim.db'}",
        *(part for name in faults for part in ("--fault", name)),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        yield _read_urls(process)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def certify(folder: Path, faults: tuple[str, ...]) -> Path:
    env = {
        **os.environ,
        "SCIM_TOKEN": secrets.token_urlsafe(24),
        "SCIM_APP_TOKEN": secrets.token_urlsafe(24),
    }
    report = folder / "report"
    with server(folder, env, faults) as (url, app_url):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "harness.cli.main",
                "run",
                "--url",
                url,
                "--app-url",
                app_url,
                "--idp",
                "all",
                "--seed",
                "1",
                "--report-dir",
                str(report),
            ],
            env=env,
            cwd=ROOT,
            check=False,
            stdout=subprocess.DEVNULL,
        )
    return report / "index.html"


def shoot(pages: dict[str, Path], out: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for name, page_file in pages.items():
            page = browser.new_page(viewport={"width": WIDTH, "height": SHOWN_HEIGHT})
            page.goto(page_file.as_uri())
            height = page.evaluate("document.documentElement.scrollHeight")
            page.screenshot(path=str(out / f"{name}.png"))
            print(f"{out / f'{name}.png'}: page {WIDTH} x {height} px")
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print("screenshots: Chromium is not installed (apt-get install chromium)")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scimcert-shots-") as temp:
        folder = Path(temp)
        (folder / "clean").mkdir()
        (folder / "faulty").mkdir()
        pages = {
            "summary-clean": certify(folder / "clean", ()),
            "summary-three-faults": certify(folder / "faulty", FAULTS),
        }
        shoot(pages, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
