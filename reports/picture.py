"""A picture of the run for `index.html`: a legend for every word and profile, the matrix grouped
by IdP family, and where the time went. Plain HTML and CSS: no script, no image, no font."""

from __future__ import annotations

from collections.abc import Mapping

from verdict.outcomes import MEANING, Outcome
from verdict.status import STATUS_MEANING, Status

from .html import Markup, join, tag
from .model import NOT_RUN, WAIVED, Item, RunView

SHOWN_WORDS = {
    **{outcome.value: MEANING[outcome] for outcome in Outcome},
    WAIVED: "a FAIL the baseline lists: shown, not counted by the gate",
    NOT_RUN: "planned, but the run ended before the item finished",
}
SLOWEST = 8
COMMON = "common"  # scenarios every profile runs (no IdP folder)
FAMILY_FOLDERS = ("okta", "entra", "onelogin", "ping", "robustness")


def _profile_titles(view: RunView) -> Mapping[str, str]:
    titles = (view.header.get("invocation") or {}).get("profile_titles") or {}
    return {str(k): str(v) for k, v in titles.items()}


def legend(view: RunView) -> Markup:
    """What every profile id and every word on the page means."""
    titles = _profile_titles(view)
    profiles = [tag("li", tag("code", p), ": ", titles.get(p, "")) for p in view.profiles]
    words = [tag("li", tag("strong", word), ": ", text) for word, text in SHOWN_WORDS.items()]
    statuses = [tag("li", tag("strong", s.value), ": ", STATUS_MEANING[s]) for s in Status]
    return tag(
        "details",
        tag("summary", "Legend: profiles, outcomes and statuses"),
        tag(
            "div",
            tag("div", tag("h4", "IdP profiles"), tag("ul", *profiles)),
            tag("div", tag("h4", "Item outcomes"), tag("ul", *words)),
            tag("div", tag("h4", "Run status"), tag("ul", *statuses)),
            class_="pair",
        ),
        id="legend",
    )


def family_of(scenario: str) -> str:
    """The IdP family a scenario belongs to, from its folder; the rest every profile runs."""
    folder = scenario.split("/", 1)[0]
    return folder if folder in FAMILY_FOLDERS else COMMON


def groups(view: RunView) -> dict[str, list[str]]:
    """Scenarios by family, common ones first, in the order the view lists them."""
    found: dict[str, list[str]] = {COMMON: []}
    for scenario in view.scenarios:
        found.setdefault(family_of(scenario), []).append(scenario)
    return {family: scenarios for family, scenarios in found.items() if scenarios}


def _seconds(item: Item) -> str:
    return f"{item.duration_ms / 1000:.2f} s"


def _bar(label: Markup, value: float, widest: float, text: str) -> Markup:
    width = 100 * value / widest if widest else 0
    return tag(
        "div",
        tag("span", label, class_="bar-label"),
        tag("span", tag("span", class_="bar-fill", style=f"width:{width:.1f}%"), class_="bar"),
        tag("span", text, class_="bar-value"),
        class_="bar-row",
    )


def durations(view: RunView) -> Markup:
    """The slowest items and the slowest exchanges, named, as bars: where the run spent its time."""
    ran = sorted((i for i in view.items if i.finished), key=lambda i: -i.duration_ms)[:SLOWEST]
    exchanges = sorted(
        ((i, x) for i in view.items for x in i.exchanges),
        key=lambda pair: -float(pair[1]["exchange"].get("elapsed_ms") or 0),
    )[:SLOWEST]
    if not ran:
        return Markup()
    widest = ran[0].duration_ms
    item_bars = [_bar(tag("code", i.item), i.duration_ms, widest, _seconds(i)) for i in ran]
    slowest = float(exchanges[0][1]["exchange"].get("elapsed_ms") or 0) if exchanges else 0.0
    exchange_bars = [
        _bar(
            tag("code", f"{x['exchange']['request']['method']} {_path(x)}"),
            float(x["exchange"].get("elapsed_ms") or 0),
            slowest,
            f"{float(x['exchange'].get('elapsed_ms') or 0):.0f} ms in {i.item}",
        )
        for i, x in exchanges
    ]
    total = sum(i.duration_ms for i in view.items) / 1000
    return tag(
        "section",
        tag("h2", "Where the time went"),
        tag("p", f"Items took {total:.1f} s in all (summed over workers).", class_="muted"),
        tag(
            "div",
            tag("div", tag("h4", "Slowest items"), join(item_bars)),
            tag("div", tag("h4", "Slowest exchanges"), join(exchange_bars)),
            class_="pair",
        ),
        id="durations",
    )


def _path(recorded: Mapping[str, object]) -> str:
    exchange = recorded["exchange"]
    assert isinstance(exchange, Mapping)
    url = str(exchange["request"]["url"])
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    return "/" + path.split("?", 1)[0]
