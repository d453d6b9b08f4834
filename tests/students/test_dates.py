"""Expiry arithmetic (T-1, A-REOPEN-4) in California calendar days, around its boundaries and
the daylight-saving changes. Pure: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from students import dates
from tests.students.factories import pacific

ONE_MICROSECOND = timedelta(microseconds=1)


def test_pt_expires_at_the_end_of_the_tenth_local_day():
    # rule T-1: a PT is active for 10 calendar days after the student starts it.
    expiry = dates.expires_at(pacific(2027, 2, 1, 9, 30), 10)
    assert expiry == pacific(2027, 2, 11, 23, 59, 59, 999999)


def test_the_last_day_is_still_open_and_the_next_instant_is_expired():
    # rule T-1: the boundary, exactly.
    expiry = dates.expires_at(pacific(2027, 2, 1, 9, 30), 10)
    assert not dates.is_expired(expiry, pacific(2027, 2, 11, 23, 59, 59))
    assert not dates.is_expired(expiry, expiry)
    assert dates.is_expired(expiry, expiry + ONE_MICROSECOND)
    assert dates.is_expired(expiry, pacific(2027, 2, 12, 0, 0))


@pytest.mark.parametrize(
    ("days", "last_day"),
    [
        (45, date(2027, 3, 18)),
        (10, date(2027, 2, 11)),
        (20, date(2027, 2, 21)),
        (0, date(2027, 2, 1)),
    ],
)
def test_expiry_periods_of_the_catalog(days, last_day):
    # rule T-1: non-PT, CAST and CSA 45; PT 10; ELPAC domain 20.
    expiry = dates.expires_at(pacific(2027, 2, 1, 8, 0), days)
    assert dates.local_date(expiry) == last_day


def test_a_late_evening_start_counts_its_california_date_not_its_utc_date():
    # 8:00 p.m. on March 1 in California is already March 2 in UTC.
    opened = pacific(2027, 3, 1, 20, 0).astimezone(UTC)
    assert opened.date() == date(2027, 3, 2)
    assert dates.local_date(dates.expires_at(opened, 10)) == date(2027, 3, 11)


def test_spring_forward_inside_the_period_keeps_the_end_of_the_local_day():
    # DST starts on March 14, 2027: the last day is in PDT (UTC-7), the start in PST (UTC-8).
    opened = pacific(2027, 3, 10, 9, 0)
    expiry = dates.expires_at(opened, 10)
    assert expiry.utcoffset() == timedelta(hours=-7)
    assert expiry.astimezone(UTC) == datetime(2027, 3, 21, 6, 59, 59, 999999, tzinfo=UTC)
    # California days, not blocks of 24 hours: the period holds the 23-hour day of the change.
    elapsed = expiry.astimezone(UTC) - opened.astimezone(UTC)
    assert elapsed == timedelta(days=10, hours=13, minutes=59, seconds=59, microseconds=999999)


def test_fall_back_inside_the_period_keeps_the_end_of_the_local_day():
    # DST ends on November 1, 2026: the last day is in PST (UTC-8).
    expiry = dates.expires_at(pacific(2026, 10, 25, 9, 0), 10)
    assert expiry.utcoffset() == timedelta(hours=-8)
    assert expiry.astimezone(UTC) == datetime(2026, 11, 5, 7, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize(
    ("opened", "last_day", "offset"),
    [
        # The last day is the 23-hour spring-forward day.
        (pacific(2027, 3, 4, 10, 0), date(2027, 3, 14), -7),
        # The last day is the 25-hour fall-back day.
        (pacific(2026, 10, 22, 10, 0), date(2026, 11, 1), -8),
    ],
)
def test_a_last_day_on_a_dst_change_ends_at_its_local_midnight(opened, last_day, offset):
    expiry = dates.expires_at(opened, 10)
    assert dates.local_date(expiry) == last_day
    assert expiry.utcoffset() == timedelta(hours=offset)
    next_midnight = datetime.combine(
        last_day + timedelta(days=1), datetime.min.time(), dates.PACIFIC
    )
    assert next_midnight - expiry == ONE_MICROSECOND


def test_opening_during_the_repeated_hour_of_fall_back():
    # 1:30 a.m. happens twice on November 1, 2026; either way the date is November 1.
    first = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # 1:30 PDT
    second = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)  # 1:30 PST
    assert dates.expires_at(first, 20) == dates.expires_at(second, 20)
    assert dates.local_date(dates.expires_at(first, 20)) == date(2026, 11, 21)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        dates.expires_at(datetime(2027, 3, 1, 9, 0), 10)


def test_a_test_without_an_expiry_never_expires():
    assert not dates.is_expired(None, pacific(2099, 1, 1))


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2026, 6, 30), 2025), (date(2026, 7, 1), 2026), (date(2027, 6, 30), 2026)],
)
def test_school_years_start_on_july_first(day, year):
    assert dates.school_year_for(day) == year


def test_labels():
    assert dates.school_year_label(2026) == "2026\u201327"
    assert dates.school_year_label(2099) == "2099\u201300"
    assert dates.grade_label(0) == "K"
    assert dates.grade_label(11) == "11"
