"""The business-day clock (appeals/business_days.py): T-2's calendar, A-2's due moment and the
phrases pages show. Pure: no database, no dependence on today's date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from appeals.business_days import (
    add_business_days,
    appeal_due_at,
    business_days_between,
    due_phrase,
    is_business_day,
    next_business_day,
)
from students.dates import PACIFIC


def pacific(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PACIFIC)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=PACIFIC)


# --- the calendar (rule T-2) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 1), True),  # a Tuesday
        (date(2026, 12, 5), False),  # Saturday
        (date(2026, 12, 6), False),  # Sunday
        (date(2026, 11, 26), False),  # Thanksgiving
        (date(2026, 11, 27), False),  # the day after Thanksgiving, a California state holiday
        (date(2027, 3, 31), False),  # Cesar Chavez Day (a Wednesday)
        (date(2026, 7, 3), False),  # July 4th on a Saturday: observed Friday the 3rd
        (date(2027, 7, 5), False),  # July 4th on a Sunday: observed Monday the 5th
        (date(2026, 12, 25), False),  # Christmas
        (date(2027, 1, 1), False),  # New Year's Day
        (date(2026, 11, 11), False),  # Veterans Day
        (date(2026, 11, 30), True),  # the Monday after Thanksgiving
    ],
)
def test_business_days_skip_weekends_and_california_holidays(day, expected):
    # rule T-2
    assert is_business_day(day) is expected


def test_a_closure_day_is_not_a_business_day():
    # rule T-2: CDE's extra closure days count like holidays
    tuesday = date(2026, 12, 1)
    assert not is_business_day(tuesday, frozenset({tuesday}))
    assert next_business_day(tuesday, frozenset({tuesday})) == date(2026, 12, 2)


# --- the due moment (rule A-2: four business days of receipt) --------------------------------


@pytest.mark.parametrize(
    ("received", "due_day"),
    [
        # rule A-2: received a Tuesday, due the Monday after (Wed, Thu, Fri, Mon)
        (pacific(date(2026, 12, 1)), date(2026, 12, 7)),
        # across a weekend: received Friday 3 p.m., due Thursday at the end of the day
        (pacific(date(2026, 12, 4), 15), date(2026, 12, 10)),
        # receipt on a Saturday counts from Monday: due Friday
        (pacific(date(2026, 12, 5), 10), date(2026, 12, 11)),
        # ... and on a Sunday too
        (pacific(date(2026, 12, 6), 23, 59), date(2026, 12, 11)),
        # Thanksgiving and the day after: received Wednesday 11-25, due Thursday 12-03 (Mon,
        # Tue, Wed, Thu)
        (pacific(date(2026, 11, 25)), date(2026, 12, 3)),
        # received on Thanksgiving itself: counts from Monday the 30th
        (pacific(date(2026, 11, 26)), date(2026, 12, 4)),
        # Cesar Chavez Day, Wednesday 2027-03-31: received Tuesday, due Tuesday (Thu, Fri, Mon,
        # Tue) instead of Monday
        (pacific(date(2027, 3, 30)), date(2027, 4, 6)),
        # July 4th 2026 observed on Friday the 3rd: received Wednesday the 1st, due Wednesday 8th
        (pacific(date(2026, 7, 1)), date(2026, 7, 8)),
        # July 4th 2027 observed on Monday the 5th: received Thursday the 1st, due Thursday 8th
        (pacific(date(2027, 7, 1)), date(2027, 7, 8)),
        # the winter holidays: received Tuesday 2026-12-22, skips Christmas (Fri) and New Year
        (pacific(date(2026, 12, 22)), date(2026, 12, 29)),
        (pacific(date(2026, 12, 29)), date(2027, 1, 5)),
    ],
)
def test_due_at_is_the_end_of_the_fourth_business_day_after_receipt(received, due_day):
    # rules A-2, T-2
    assert appeal_due_at(received) == end_of(due_day)
    assert add_business_days(received, 4) == end_of(due_day)


def test_a_closure_day_pushes_the_due_date():
    # rule T-2: Tuesday received, Thursday closed: due Tuesday instead of Monday
    received = pacific(date(2026, 12, 1))
    closed = frozenset({date(2026, 12, 3)})
    assert appeal_due_at(received, closed) == end_of(date(2026, 12, 8))
    # a closure day outside the four days changes nothing
    assert appeal_due_at(received, frozenset({date(2026, 12, 9)})) == end_of(date(2026, 12, 7))


def test_receipt_on_a_closure_day_counts_from_the_next_business_day():
    # rule T-2
    received = pacific(date(2026, 12, 1))
    assert appeal_due_at(received, frozenset({date(2026, 12, 1)})) == end_of(date(2026, 12, 8))


def test_receipt_is_counted_on_its_date_in_california_not_utc():
    # rule T-2: 23:59 Pacific on Monday is already Tuesday in UTC; 00:00 Tuesday is Tuesday.
    before = datetime(2026, 12, 1, 7, 59, tzinfo=UTC)  # Mon 2026-11-30 23:59 Pacific
    after = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # Tue 2026-12-01 00:00 Pacific
    assert appeal_due_at(before) == end_of(date(2026, 12, 4))
    assert appeal_due_at(after) == end_of(date(2026, 12, 7))


def test_the_due_moment_is_the_last_instant_of_the_local_day():
    due = appeal_due_at(pacific(date(2026, 12, 1)))
    local = due.astimezone(PACIFIC)
    assert (local.hour, local.minute, local.second, local.microsecond) == (23, 59, 59, 999999)
    # one microsecond later is the next local day
    assert (due + timedelta(microseconds=1)).astimezone(PACIFIC).date() == date(2026, 12, 8)


@pytest.mark.parametrize(
    ("received", "due_day", "utc_offset_hours"),
    [
        # spring forward: Sunday 2027-03-14. Received Friday the 12th (PST), due Thursday the
        # 18th at the end of the day in PDT (UTC-7)
        (pacific(date(2027, 3, 12), 16), date(2027, 3, 18), -7),
        # fall back: Sunday 2026-11-01. Received Friday 2026-10-30 (PDT), due Thursday 11-05 at
        # the end of the day in PST (UTC-8)
        (pacific(date(2026, 10, 30), 16), date(2026, 11, 5), -8),
    ],
)
def test_the_due_moment_stays_local_end_of_day_across_daylight_saving(
    received, due_day, utc_offset_hours
):
    # rule T-2: counted on local dates, the change of hour neither adds nor removes an hour
    due = appeal_due_at(received)
    local = due.astimezone(PACIFIC)
    assert local.date() == due_day and local.time() == time.max
    assert local.utcoffset() == timedelta(hours=utc_offset_hours)
    # as stored: UTC, the next morning
    expected_utc = datetime.combine(due_day + timedelta(days=1), time(), tzinfo=UTC) + timedelta(
        hours=-utc_offset_hours
    )
    assert due.astimezone(UTC) == expected_utc - timedelta(microseconds=1)


def test_zero_business_days_is_the_end_of_the_day_of_receipt_and_negative_is_refused():
    assert add_business_days(pacific(date(2026, 12, 1)), 0) == end_of(date(2026, 12, 1))
    assert add_business_days(pacific(date(2026, 12, 5)), 0) == end_of(date(2026, 12, 7))
    with pytest.raises(ValueError, match="negative"):
        add_business_days(pacific(date(2026, 12, 1)), -1)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="aware"):
        appeal_due_at(datetime(2026, 12, 1, 12))


# --- counting and the phrases -----------------------------------------------------------------

# Due at the end of Monday 2026-12-07 (received Tuesday 2026-12-01).
DUE = end_of(date(2026, 12, 7))


@pytest.mark.parametrize(
    ("now", "between", "phrase"),
    [
        (pacific(date(2026, 12, 7), 8), 0, "due today"),
        (end_of(date(2026, 12, 7)), 0, "due today"),  # the last instant is still on time
        (pacific(date(2026, 12, 4), 16), 1, "due in 1 business day"),
        # the weekend before: Monday is the next business day
        (pacific(date(2026, 12, 5)), 1, "due in 1 business day"),
        (pacific(date(2026, 12, 6)), 1, "due in 1 business day"),
        (pacific(date(2026, 12, 3)), 2, "due in 2 business days"),
        (pacific(date(2026, 12, 1), 9), 4, "due in 4 business days"),
        # one microsecond late is overdue
        (DUE + timedelta(microseconds=1), -1, "overdue by 1 business day"),
        (pacific(date(2026, 12, 8), 9), -1, "overdue by 1 business day"),
        (pacific(date(2026, 12, 9), 9), -2, "overdue by 2 business days"),
        # Monday of the week after: Tue..Fri and Mon
        (pacific(date(2026, 12, 14), 9), -5, "overdue by 5 business days"),
    ],
)
def test_phrases_count_business_days(now, between, phrase):
    # rules A-2, T-2
    assert business_days_between(now, DUE) == between
    assert due_phrase(now, DUE) == phrase


def test_overdue_over_a_weekend_stays_overdue_by_at_least_one():
    # Due at the end of Friday 2026-12-04; on Saturday no business day has passed yet, but it
    # is overdue: "overdue by 1", and still 1 on Monday, 2 on Tuesday.
    due = end_of(date(2026, 12, 4))
    assert business_days_between(pacific(date(2026, 12, 5)), due) == 0
    assert due_phrase(pacific(date(2026, 12, 5)), due) == "overdue by 1 business day"
    assert due_phrase(pacific(date(2026, 12, 7)), due) == "overdue by 1 business day"
    assert due_phrase(pacific(date(2026, 12, 8)), due) == "overdue by 2 business days"


def test_phrases_skip_holidays_and_closure_days():
    # rule T-2: Wednesday before Thanksgiving, due Monday 11-30: Thu and Fri are holidays
    due = end_of(date(2026, 11, 30))
    assert due_phrase(pacific(date(2026, 11, 25)), due) == "due in 1 business day"
    closed = frozenset({date(2026, 11, 30)})
    assert due_phrase(pacific(date(2026, 12, 1)), due, closed) == "overdue by 1 business day"
    assert due_phrase(pacific(date(2026, 12, 1)), due) == "overdue by 1 business day"
    assert business_days_between(pacific(date(2026, 11, 24)), due, closed) == 1
    assert business_days_between(pacific(date(2026, 11, 24)), due) == 2


def test_phrases_count_local_days_across_daylight_saving():
    # rule T-2: fall back on Sunday 2026-11-01; due Monday the 2nd, asked Friday night in UTC
    due = end_of(date(2026, 11, 2))
    friday_night = datetime(2026, 10, 31, 6, 30, tzinfo=UTC)  # Fri 10-30 23:30 PDT
    assert due_phrase(friday_night, due) == "due in 1 business day"
    monday_night = datetime(2026, 11, 3, 7, 30, tzinfo=UTC)  # Mon 11-02 23:30 PST
    assert due_phrase(monday_night, due) == "due today"
