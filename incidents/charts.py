"""Charts drawn on the server (issue 10, item 5): plain numbers in, the geometry of an SVG out.

No JavaScript and no external host: templates/includes/bar_chart.svg draws a `StackedBars`
layout, and templates/includes/chart_table.html gives the same numbers as a table, the version
screen readers read (the SVG is hidden from them). The reviewer dashboard reuses both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

# Colours that stay apart for the common colour blindnesses (Okabe-Ito) and hold 3:1 against
# white, in the order series are given.
PALETTE: Final = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8B6D00", "#56B4E9", "#000000")

WIDTH: Final = 640
HEIGHT: Final = 260
_LEFT: Final = 40  # room for the value axis' labels
_BOTTOM: Final = 36  # room for the category labels
_TOP: Final = 12
# At most this many category labels under the bars (about 80 px each); with more bars every
# second or third is labelled, and the table beside the chart names them all.
MAX_LABELS: Final = 8


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str
    value: int


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class Bar:
    category: str
    total: int
    x: float
    label_x: float
    top: float  # where the total is written, above the bar
    segments: list[Segment]
    labelled: bool = True  # its category written under it (see MAX_LABELS)
    caption: str = ""  # written above the bar: its total with the unit, or nothing


@dataclass(frozen=True)
class Row:
    category: str
    values: list[int | None]  # None: no data for this category (see stacked_bars' no_data)
    total: int
    extra: list[int] = field(default_factory=list)  # the chart's extra columns, in order

    @property
    def has_data(self) -> bool:
        return any(value is not None for value in self.values)


@dataclass(frozen=True)
class StackedBars:
    """A stacked bar chart's numbers (``rows``, for the table) and drawing (``bars``)."""

    title: str
    series: list[Series]
    rows: list[Row]
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = _LEFT
    plot_bottom: float = HEIGHT - _BOTTOM
    # False for a share, whose "total" is no sum of anything, and for a single series, whose
    # total would only repeat it.
    show_total: bool = True
    unit: str = ""  # written after each value: "%" for a share
    # What the table says for a category without data (see stacked_bars), and the labels of
    # the extra columns the table shows after the series (each row's ``extra``).
    no_data: str = ""
    extra_labels: list[str] = field(default_factory=list)

    @property
    def fits_a_phone(self) -> bool:
        """Few enough columns for a phone's width: its table need not scroll sideways."""
        columns = len(self.series) + len(self.extra_labels) + (1 if self.show_total else 0)
        return columns <= 3

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: every total 0 and, where no data is told apart, no data at all."""
        return not any(row.total for row in self.rows) and not (
            self.no_data and any(row.has_data for row in self.rows)
        )

    @property
    def series_totals(self) -> list[int]:
        return [sum(row.values[i] or 0 for row in self.rows) for i in range(len(self.series))]


def _nice_max(value: int) -> int:
    """The smallest of 1, 2, 5 x 10^n at or above ``value`` (an axis that reads easily)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if value <= factor * step:
                return factor * step
        step *= 10


def stacked_bars(
    title: str,
    series: list[tuple[str, str]],
    categories: list[str],
    values: dict[tuple[str, str], int],
    *,
    top: int | None = None,
    show_total: bool = True,
    unit: str = "",
    no_data: str = "",
    extra_columns: list[tuple[str, dict[str, int]]] | None = None,
) -> StackedBars:
    """Lay out a stacked bar per category, a segment per series (``values`` by (category,
    series key); a missing pair is 0). ``top`` fixes the value axis (100 for a percentage);
    by default it is the tallest bar, rounded up to a number that reads easily.

    ``no_data`` tells a category without data from one whose values are 0 (a week without
    decisions from one where none was on time): a category with no pair in ``values`` then has
    no bar and the table says ``no_data`` ("No decisions"), while one whose values are 0 gets
    "0" written at the axis. ``extra_columns`` adds columns to the table only, after the series:
    (label, value by category; a missing category is 0), e.g. each week's number of decisions
    beside its share."""
    coloured = [
        Series(key, label, PALETTE[i % len(PALETTE)]) for i, (key, label) in enumerate(series)
    ]
    extra_columns = extra_columns or []
    rows = []
    for category in categories:
        counts: list[int | None] = [values.get((category, s.key), 0) for s in coloured]
        if no_data and not any((category, s.key) in values for s in coloured):
            counts = [None] * len(coloured)
        rows.append(
            Row(
                category,
                counts,
                sum(count or 0 for count in counts),
                [column.get(category, 0) for _, column in extra_columns],
            )
        )
    top = top or _nice_max(max((row.total for row in rows), default=0) or 1)
    plot_height = HEIGHT - _BOTTOM - _TOP
    plot_width = WIDTH - _LEFT - 8
    slot = plot_width / max(len(rows), 1)
    bar_width = slot * 0.6
    every = -(-len(rows) // MAX_LABELS)  # the ceiling: 14 days, every second one labelled
    bars = []
    for i, row in enumerate(rows):
        x = _LEFT + i * slot + (slot - bar_width) / 2
        y = float(HEIGHT - _BOTTOM)
        segments = []
        for s, value in zip(coloured, row.values, strict=True):
            if not value:  # 0, or no data
                continue
            height = plot_height * value / top
            y -= height
            segments.append(
                Segment(
                    round(x, 1),
                    round(y, 1),
                    round(bar_width, 1),
                    round(height, 1),
                    s.colour,
                    s.label,
                    value,
                )
            )
        bars.append(
            Bar(
                row.category,
                row.total,
                round(x, 1),
                round(x + bar_width / 2, 1),
                round(y, 1),
                segments,
                labelled=(len(rows) - 1 - i) % every == 0,  # the latest always
                caption=f"{row.total}{unit}" if row.total or (no_data and row.has_data) else "",
            )
        )
    ticks = [
        Tick(round(HEIGHT - _BOTTOM - plot_height * k / 4, 1), top * k // 4)
        for k in range(5)
        if top * k % 4 == 0
    ]
    return StackedBars(
        title=title,
        series=coloured,
        rows=rows,
        bars=bars,
        ticks=ticks,
        show_total=show_total and len(coloured) > 1,
        unit=unit,
        no_data=no_data,
        extra_labels=[label for label, _ in extra_columns],
    )
