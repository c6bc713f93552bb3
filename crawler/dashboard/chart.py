"""Grouped bar charts as inline SVG, drawn on the server.

The authority page charts requests and outcomes over the years. Drawing it here instead of in
the browser means no JavaScript library to ship or fetch (the tests and many users are offline),
and the chart is in the HTML the moment it arrives, so a screenshot or a text browser sees it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

#: Colour-blind-safe palette (Okabe–Ito), one colour per series in order.
PALETTE = ("#0072B2", "#009E73", "#56B4E9", "#D55E00", "#E69F00", "#CC79A7", "#999999", "#000000")


@dataclass(frozen=True, slots=True)
class Series:
    """One kind of bar: its label and a value per category (None: not reported)."""

    label: str
    values: Sequence[float | int | None]


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at or above ``value`` (an axis maximum people read)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop ends at 10


def text_width(text: str, size: float = 11) -> float:
    """About how wide ``text`` is at font size ``size``: a CJK character is one em, Latin about
    0.6 (enough to lay a legend out without measuring fonts)."""
    return sum(size if ord(char) > 0x2E7F else size * 0.6 for char in text)


def _number(value: float) -> str:
    return f"{value:g}" if value < 1e6 else f"{value:,.0f}"


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 600,
    height: int = 230,
) -> str:
    """An ``<svg>`` of ``series`` grouped by ``categories`` (the years), with a value axis from
    0, the value above each bar and a legend; empty bars for missing values."""
    left, right, bottom = 44, 10, 26
    legend: list[tuple[float, float]] = []  # (x, y) of each series' swatch, wrapped to the width
    x, y = float(left), 24.0
    for item in series:
        step = 22 + text_width(item.label)
        if x + step > width - right and x > left:
            x, y = float(left), y + 15
        legend.append((x, y))
        x += step
    top = int(y) + 24
    plot_w, plot_h = width - left - right, height - top - bottom
    present = [v for s in series for v in s.values if v is not None]
    ceiling = nice_ceiling(max(present, default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="nianbao-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (item, (x, y)) in enumerate(zip(series, legend, strict=True)):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14:.0f}" y="{y + 9:.0f}">{escape(item.label)}</text>')
    for tick in range(5):
        value = ceiling * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{_number(value)}</text>'
        )
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for position, category in enumerate(categories):
        x0 = left + group_w * position + group_w * 0.1
        for index, item in enumerate(series):
            value = item.values[position]
            if value is None:
                continue
            bar_h = plot_h * value / ceiling
            x, y = x0 + bar_w * index, top + plot_h - bar_h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.9:.1f}" height="{bar_h:.1f}" '
                f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(category)} '
                f"{escape(item.label)}: {_number(value)}</title></rect>"
            )
            parts.append(
                f'<text x="{x + bar_w * 0.45:.1f}" y="{y - 2:.1f}" text-anchor="middle" '
                f'font-size="9">{_number(value)}</text>'
            )
        parts.append(
            f'<text x="{x0 + group_w * 0.4:.1f}" y="{height - 8}" text-anchor="middle">'
            f"{escape(category)}</text>"
        )
    parts.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" '
        'stroke="#333"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
