"""The server-drawn charts' layout (issue 10, item 5): labels that do not run into each other,
and a table without a Total column where it would only repeat the one series."""

from incidents import charts


def _days(n: int) -> list[str]:
    return [f"Nov {day}" for day in range(1, n + 1)]


def test_fourteen_days_label_every_second_bar_ending_on_the_latest():
    chart = charts.stacked_bars("Decisions", [("d", "Decisions")], _days(14), {})
    labelled = [bar.category for bar in chart.bars if bar.labelled]
    assert labelled == [f"Nov {day}" for day in range(2, 15, 2)]
    assert len(labelled) <= charts.MAX_LABELS


def test_eight_weeks_label_every_bar():
    chart = charts.stacked_bars("Cases", [("a", "A"), ("b", "B")], _days(8), {})
    assert all(bar.labelled for bar in chart.bars)


def test_a_single_series_has_no_total_column_and_several_do():
    single = charts.stacked_bars("Decisions", [("d", "Decisions")], _days(3), {})
    several = charts.stacked_bars("Cases", [("a", "A"), ("b", "B")], _days(3), {})
    assert not single.show_total
    assert several.show_total
