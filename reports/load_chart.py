"""The load generator's CPU beside the request rate, second by second: a small inline SVG.

No script and nothing fetched: a polyline per series in one `<svg>`, so the chart reads the
same in a mail attachment as in a browser. Rate on the left scale (requests started per second,
the asked rate dashed), the busiest generator process's CPU on the right (0 to 100 % of a core):
used, and wanted (used plus the time it waited for a core, dashed) when the row has it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .html import Markup, join, tag

WIDTH, HEIGHT = 640, 170
LEFT, RIGHT, TOP, BOTTOM = 48, 48, 12, 28
RATE_COLOUR, CPU_COLOUR, ASKED_COLOUR = "#1f5fbf", "#c0392b", "#888"


def _points(xs: Sequence[float], ys: Sequence[float], x_max: float, y_max: float) -> str:
    width, height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    return " ".join(
        f"{LEFT + width * x / x_max:.1f},{TOP + height * (1 - min(y, y_max) / y_max):.1f}"
        for x, y in zip(xs, ys, strict=True)
    )


def _text(x: float, y: float, words: str, **attributes: str) -> Markup:
    return tag("text", words, x=f"{x:.0f}", y=f"{y:.0f}", **attributes)


def chart(series: Sequence[Sequence[float]], asked_rate: float) -> Markup:
    """`series`: [second, requests started, CPU % used, CPU % wanted] rows."""
    if len(series) < 2:
        return Markup()
    seconds = [float(row[0]) for row in series]
    rates, cpus = [float(row[1]) for row in series], [float(row[2]) for row in series]
    wanted = [float(row[3]) if len(row) > 3 else float(row[2]) for row in series]
    x_max = max(seconds[-1], 1.0)
    rate_max = max([*rates, asked_rate, 1.0]) * 1.1
    bottom, right = HEIGHT - BOTTOM, WIDTH - RIGHT
    asked = _points([0.0, x_max], [asked_rate, asked_rate], x_max, rate_max)
    parts = [
        tag(
            "rect",
            x=str(LEFT),
            y=str(TOP),
            width=str(right - LEFT),
            height=str(bottom - TOP),
            fill="none",
            stroke="#ccc",
        ),
        tag(
            "polyline",
            points=asked,
            fill="none",
            stroke=ASKED_COLOUR,
            **{"stroke-dasharray": "4 3"},
        ),
        tag(
            "polyline",
            points=_points(seconds, rates, x_max, rate_max),
            fill="none",
            stroke=RATE_COLOUR,
            **{"stroke-width": "1.5"},
        ),
        tag(
            "polyline",
            points=_points(seconds, cpus, x_max, 100.0),
            fill="none",
            stroke=CPU_COLOUR,
            **{"stroke-width": "1.5"},
        ),
        tag(
            "polyline",
            points=_points(seconds, wanted, x_max, 100.0),
            fill="none",
            stroke=CPU_COLOUR,
            **{"stroke-dasharray": "2 2"},
        ),
        _text(LEFT - 4, TOP + 10, f"{rate_max:.0f}", fill=RATE_COLOUR, **{"text-anchor": "end"}),
        _text(LEFT - 4, bottom, "0", fill=RATE_COLOUR, **{"text-anchor": "end"}),
        _text(right + 4, TOP + 10, "100 %", fill=CPU_COLOUR),
        _text(right + 4, bottom, "0 %", fill=CPU_COLOUR),
        _text(LEFT, HEIGHT - 8, "0 s"),
        _text(right, HEIGHT - 8, f"{x_max:.0f} s", **{"text-anchor": "end"}),
        _text(
            (LEFT + right) / 2,
            HEIGHT - 8,
            "requests started/s (blue; asked: grey) and generator CPU (red; wanted: dotted)",
            **{"text-anchor": "middle"},
        ),
    ]
    label = f"Requests started per second and the generator's CPU over {x_max:.0f} s"
    return tag(
        "svg",
        tag("title", label),
        join(parts),
        xmlns="http://www.w3.org/2000/svg",
        width=str(WIDTH),
        height=str(HEIGHT),
        viewBox=f"0 0 {WIDTH} {HEIGHT}",
        role="img",
        class_="chart",
        **{"font-size": "11", "font-family": "system-ui,sans-serif"},
    )
