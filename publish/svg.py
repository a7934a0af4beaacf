"""Bar charts as inline SVG text, drawn in Python: no JavaScript, no library, no network.

The release page must work offline and be archivable as one file, so charts are plain SVG
elements in the HTML. Amounts arrive as exact Decimals in yuan; only the pixel geometry uses
floats, and every label and tooltip prints the exact amount in 万元.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from publish.htmlkit import FONT, esc

WAN = Decimal(10000)


@dataclass(frozen=True)
class Series:
    """One named row of values (yuan) over the chart's categories; None where there is none."""

    label: str
    color: str
    values: tuple[Decimal | None, ...]


def wan(yuan: Decimal) -> str:
    """An amount in 万元 with two places and thousands separators (exact)."""
    return f"{(yuan / WAN).quantize(Decimal('0.01')):,}"


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 2.5, 5, 10):
        if raw <= mult * power:
            return mult * power
    return 10 * power


def _text_width(text: str, size: float = 11) -> float:
    """Approximate width of text in pixels: CJK characters are about twice as wide as Latin."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.56 for ch in text)


def _tick_label(value: float, step: float) -> str:
    places = 0 if step >= 1 else min(4, -math.floor(math.log10(step)))
    return f"{value:,.{places}f}"


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    unit: str = "万元",
    divisor: Decimal = WAN,
    reference: float | None = None,
    width: int = 350,
    height: int = 240,
) -> str:
    """An SVG bar chart, grouped or stacked, with a legend and a tooltip on every bar.

    Values are divided by `divisor` for display (yuan to 万元 by default; 1 for counts and
    percentages). `reference` draws a dashed line at that value (100 for a completion rate).
    """
    left, right, top, bottom = 64, 10, 64, 26
    plot_w, plot_h = width - left - right, height - top - bottom

    def label(v: Decimal) -> str:
        return wan(v) if divisor == WAN else f"{v / divisor:,}"

    def tip(category: str, s: Series, i: int) -> str:
        return f"{esc(category)} {esc(s.label)}: {label(s.values[i])} {esc(unit)}"

    as_wan = [[float(v / divisor) if v is not None else None for v in s.values] for s in series]
    if stacked:
        totals = [sum(max(0.0, s[i] or 0.0) for s in as_wan) for i in range(len(categories))]
        hi, lo = max(totals, default=0.0), 0.0
    else:
        flat = [v for s in as_wan for v in s if v is not None]
        hi, lo = max([0.0, *flat]), min([0.0, *flat])
    if reference is not None:
        hi = max(hi, reference)
    step = _nice_step(hi - lo)
    if divisor == 1:  # counts: whole ticks
        step = max(1.0, round(step))
    hi = math.ceil(hi / step) * step if hi > 0 else 0.0
    lo = math.floor(lo / step) * step if lo < 0 else 0.0
    if hi == lo:
        hi = lo + step

    def y(v: float) -> float:
        return top + plot_h * (hi - v) / (hi - lo)

    parts = [
        f'<svg class="chart" role="img" aria-label="{esc(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family=\'{FONT}\' font-size="11">',
        f"<title>{esc(title)}</title>",
        f'<text x="{left - 56}" y="15" font-size="13" font-weight="bold">{esc(title)}</text>',
    ]
    legend_x = left - 56
    for s in series:
        parts.append(
            f'<rect x="{legend_x}" y="24" width="10" height="10" fill="{s.color}"/>'
            f'<text x="{legend_x + 14}" y="33">{esc(s.label)}</text>'
        )
        legend_x += 24 + _text_width(s.label)
    parts.append(f'<text x="{left - 56}" y="{top - 14}" fill="#52606d">{esc(unit)}</text>')
    tick = lo
    while tick <= hi + step / 2:
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="{"#7b8794" if tick == 0 else "#e4e7eb"}"/>'
            f'<text x="{left - 4}" y="{ty + 4:.1f}" text-anchor="end" fill="#52606d">'
            f"{_tick_label(tick, step)}</text>"
        )
        tick += step
    if reference is not None:
        ry = y(reference)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{ry:.1f}" y2="{ry:.1f}" '
            'stroke="#d64545" stroke-dasharray="4 3"/>'
        )
    band = plot_w / max(1, len(categories))
    for i, category in enumerate(categories):
        x0 = left + band * i
        parts.append(
            f'<text x="{x0 + band / 2:.1f}" y="{height - 8}" text-anchor="middle">'
            f"{esc(category)}</text>"
        )
        if stacked:
            bar_w, base = band * 0.6, 0.0
            for s, values in zip(series, as_wan, strict=True):
                v = values[i]
                if v is None or v <= 0:
                    continue
                y_top, y_bottom = y(base + v), y(base)
                parts.append(
                    f'<rect x="{x0 + band * 0.2:.1f}" y="{y_top:.1f}" width="{bar_w:.1f}" '
                    f'height="{max(0.5, y_bottom - y_top):.1f}" fill="{s.color}">'
                    f"<title>{tip(category, s, i)}</title></rect>"
                )
                base += v
            total = sum((s.values[i] or Decimal(0)) for s in series)
            if any(s.values[i] is not None for s in series):
                parts.append(
                    f'<text x="{x0 + band / 2:.1f}" y="{y(base) - 3:.1f}" text-anchor="middle" '
                    f'font-size="10">{label(total)}</text>'
                )
        else:
            bar_w = band * 0.7 / max(1, len(series))
            for j, (s, values) in enumerate(zip(series, as_wan, strict=True)):
                v = values[i]
                if v is None:
                    continue
                bx = x0 + band * 0.15 + bar_w * j
                y_a, y_b = sorted((y(v), y(0.0)))
                parts.append(
                    f'<rect x="{bx:.1f}" y="{y_a:.1f}" width="{bar_w * 0.92:.1f}" '
                    f'height="{max(0.5, y_b - y_a):.1f}" fill="{s.color}">'
                    f"<title>{tip(category, s, i)}</title></rect>"
                )
                if len(series) == 1:  # one bar per category: room for its value
                    parts.append(
                        f'<text x="{bx + bar_w * 0.46:.1f}" y="{y_a - 3:.1f}" '
                        f'text-anchor="middle" font-size="10">{label(s.values[i])}</text>'
                    )
    parts.append("</svg>")
    return "".join(parts)
