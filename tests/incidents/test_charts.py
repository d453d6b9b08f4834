"""The server-drawn charts' layout (issue 10, item 5): labels that do not run into each other,
a table without a Total column where it would only repeat the one series, a category
without data told apart from a 0, and the extra columns of a table."""

from django.template.loader import render_to_string

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


def test_by_default_a_missing_value_is_0_and_a_zero_bar_has_no_label():
    chart = charts.stacked_bars("Cases", [("a", "A"), ("b", "B")], _days(2), {("Nov 1", "a"): 3})
    assert [row.values for row in chart.rows] == [[3, 0], [0, 0]]
    assert all(row.has_data for row in chart.rows)
    assert [bar.caption for bar in chart.bars] == ["3", ""]
    assert not chart.is_empty
    assert charts.stacked_bars("Cases", [("a", "A")], _days(2), {}).is_empty


def test_no_data_tells_a_category_without_data_from_a_zero():
    """The reviewers' share per week: a week without decisions is no share, unlike 0% on time."""
    chart = charts.stacked_bars(
        "Share",
        [("share", "On time")],
        _days(3),
        {("Nov 1", "share"): 0, ("Nov 2", "share"): 50},
        top=100,
        unit="%",
        no_data="No decisions",
        extra_columns=[("Decisions", {"Nov 1": 4, "Nov 2": 2})],
    )
    assert [row.values for row in chart.rows] == [[0], [50], [None]]
    assert [row.has_data for row in chart.rows] == [True, True, False]
    assert [row.extra for row in chart.rows] == [[4], [2], [0]]
    assert chart.extra_labels == ["Decisions"]
    # 0% is written at the axis; no data has neither bar nor label.
    assert [bar.caption for bar in chart.bars] == ["0%", "50%", ""]
    assert [len(bar.segments) for bar in chart.bars] == [0, 1, 0]
    assert chart.series_totals == [50]
    assert not chart.is_empty
    nothing = charts.stacked_bars("Share", [("s", "S")], _days(3), {}, no_data="No decisions")
    assert nothing.is_empty
    only_zero = charts.stacked_bars(
        "Share", [("s", "S")], _days(3), {("Nov 3", "s"): 0}, no_data="No decisions"
    )
    assert not only_zero.is_empty


def test_the_table_says_no_data_and_shows_the_extra_columns():
    chart = charts.stacked_bars(
        "Share",
        [("share", "On time")],
        _days(2),
        {("Nov 1", "share"): 0},
        unit="%",
        no_data="No decisions",
        extra_columns=[("Decisions", {"Nov 1": 4})],
    )
    html = render_to_string("includes/chart_table.html", {"chart": chart})
    cells = [cell.strip() for cell in html.split('<td class="text-end">')[1:]]
    assert [cell.split("<")[0] for cell in cells] == ["0%", "4", "No decisions", "0"]
    assert ">Decisions</th>" in html
    svg = render_to_string("includes/bar_chart.svg", {"chart": chart})
    assert ">0%</text>" in svg


def test_a_narrow_table_fits_a_phone_and_a_wide_one_scrolls():
    single = charts.stacked_bars("Decisions", [("d", "Decisions")], _days(14), {})
    statuses = [(f"s{i}", f"Status {i}") for i in range(6)]
    wide = charts.stacked_bars("Cases", statuses, _days(8), {})
    assert single.fits_a_phone
    assert not wide.fits_a_phone
