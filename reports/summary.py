"""`index.html`: the certification summary, one self-contained page rendered from the records.

Inline CSS, no script, no font, no image, no link to another host: opening it makes no network
request. Every string from the target or a scenario is escaped by the `html` helpers. The only
part that differs when the page is rebuilt from `results.jsonl` is the `<time id="generated">`.
"""

from __future__ import annotations

from . import picture
from .failures import expected, failures, notes
from .html import Markup, join, tag
from .model import RunView
from .sections import (
    anchors,
    baseline_rules,
    counts,
    header,
    matrix,
    not_verified,
    profiles,
    questions,
)
from .style import STYLE
from .suite import section as suite_section

GENERATED_ID = "generated"
NOTHING = Markup()


def _head() -> Markup:
    return join(
        [
            Markup('<meta charset="utf-8">'),
            Markup('<meta name="viewport" content="width=device-width, initial-scale=1">'),
            # Belt and braces: even a future mistake could not make the page fetch anything.
            Markup(
                '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
                "style-src 'unsafe-inline'\">"
            ),
            tag("title", "scimcert certification summary"),
            tag("style", Markup(STYLE)),
        ]
    )


def _footer(generated_at: str) -> Markup:
    return tag(
        "footer",
        tag(
            "p",
            "Generated ",
            tag("time", generated_at, id=GENERATED_ID),
            " by scimcert from results.jsonl, the canonical record of this run "
            "(every exchange, with whole bodies).",
            class_="muted",
        ),
    )


def render(view: RunView, generated_at: str, appendix: Markup = NOTHING) -> str:
    """The page; `appendix` (the load section, when loads were recorded) goes last, where
    `reports.load.attach` would splice it, so a rebuilt page equals an attached one."""
    links = anchors(view)
    body = join(
        [
            header(view),
            suite_section(view.suite),
            profiles(view),
            questions(view),
            matrix(view, links),
            counts(view),
            picture.durations(view),
            failures(view, links),
            not_verified(view),
            expected(view, links, baseline_rules(view)),
            notes(view),
            _footer(generated_at),
            appendix,
        ]
    )
    return f'<!doctype html>\n<html lang="en">{tag("head", _head())}{tag("body", body)}</html>\n'
