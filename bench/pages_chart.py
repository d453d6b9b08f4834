"""The chart of bench/bench_pages.py: p95 per page against the targets, an SVG written by hand
(a few dozen bars need no plotting library)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape


def chart(pages: list[Any], path: Path, *, page_target_ms: float, floor_target_ms: float) -> None:
    """p95 per page (the worst persona of each), a bar each, against the 50 ms target: an SVG
    written by hand, so the benchmark needs no plotting library."""
    worst: dict[str, Any] = {}
    for page in pages:
        if page.journey == "exports":
            continue
        key = page.label
        if key not in worst or page.p95 > worst[key].p95:
            worst[key] = page
    rows = sorted(worst.values(), key=lambda p: p.p95, reverse=True)
    width, left, bar_h, gap, top = 900, 300, 14, 4, 48
    scale_max = max(100.0, *(p.p95 for p in rows))
    plot_w = width - left - 60
    height = top + len(rows) * (bar_h + gap) + 40

    def x(ms: float) -> float:
        return left + plot_w * ms / scale_max

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{left}" y="18" font-size="13" font-weight="bold">p95 per page, ms '
        f"(the slowest persona of each; target {page_target_ms:.0f} ms)</text>",
    ]
    for tick in range(0, int(scale_max) + 1, 25):
        out.append(
            f'<line x1="{x(tick):.1f}" y1="{top - 6}" x2="{x(tick):.1f}" y2="{height - 30}" '
            'stroke="#ddd"/>'
            f'<text x="{x(tick):.1f}" y="{height - 16}" text-anchor="middle">{tick}</text>'
        )
    for i, page in enumerate(rows):
        y = top + i * (bar_h + gap)
        colour = "#2b7a3d" if page.p95 <= page_target_ms else "#b3261e"
        if not page.persona:
            colour = "#8a8a8a"  # the floors: what the server costs before any page's work
        label = page.label if page.persona else f"{page.label} (floor)"
        out.append(
            f'<text x="{left - 6}" y="{y + bar_h - 3}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{left}" y="{y}" width="{x(page.p95) - left:.1f}" height="{bar_h}" '
            f'fill="{colour}"/>'
            f'<text x="{x(page.p95) + 4:.1f}" y="{y + bar_h - 3}">{page.p95:.0f}</text>'
        )
    for target, dashes, label in (
        (page_target_ms, "4 3", "every page"),
        (floor_target_ms, "1 3", "home page"),
    ):
        out.append(
            f'<line x1="{x(target):.1f}" y1="{top - 6}" x2="{x(target):.1f}" '
            f'y2="{height - 30}" stroke="#000" stroke-dasharray="{dashes}"/>'
            f'<text x="{x(target) + 3:.1f}" y="{top - 8}" font-size="10">{label} '
            f"{target:.0f} ms</text>"
        )
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
