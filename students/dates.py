"""Calendar arithmetic for test events: expiry (T-1, A-REOPEN-4) and school years. Pure.

Expiry is counted in calendar days of America/Los_Angeles, the time zone of the program (T-2):
a test opened on a local date D with an expiry of N days stays open through the whole local day
D + N and expires at its last instant, 23:59:59.999999 local time. The documents say "45 calendar
days after the student starts" without a time of day; counting local dates, not 24-hour periods,
means a student who starts at 7:55 a.m. and one who starts at 2:30 p.m. on the same day lose the
test on the same evening, and a daylight-saving change inside the period neither adds nor removes
an hour. The result is an aware datetime, stored once on the event ("deadlines are computed once
and stored").
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")

# A school year (and an administration) runs from July 1 to June 30: CDE's Initial ELPAC window
# and the CALPADS academic year both start on July 1.
SCHOOL_YEAR_FIRST_MONTH = 7


def local_date(moment: datetime) -> date:
    """The date in California of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("An aware datetime is needed to know its date in California.")
    return moment.astimezone(PACIFIC).date()


def end_of_local_day(day: date) -> datetime:
    """The last instant of ``day`` in California, as an aware datetime."""
    return datetime.combine(day, time.max, tzinfo=PACIFIC)


def expires_at(opened_at: datetime, days: int) -> datetime:
    """When a test opened at ``opened_at`` expires, ``days`` calendar days later (T-1).

    Also used from the moment of a re-open (A-REOPEN-4: 10 calendar days from the re-open).
    """
    if days < 0:
        raise ValueError("An expiry period cannot be negative.")
    return end_of_local_day(local_date(opened_at) + timedelta(days=days))


def is_expired(expiry: datetime | None, now: datetime) -> bool:
    """True once ``now`` is past the stored expiry; a test without an expiry never expires."""
    return expiry is not None and now > expiry


def school_year_for(day: date) -> int:
    """The school year of a date, named by the calendar year it starts in (2026-27: 2026)."""
    return day.year if day.month >= SCHOOL_YEAR_FIRST_MONTH else day.year - 1


def school_year_label(year: int) -> str:
    """ "2026-27" for 2026."""
    return f"{year}\u2013{(year + 1) % 100:02d}"


def grade_label(grade: int) -> str:
    """ "K" for kindergarten (0), else the number."""
    return "K" if grade == 0 else str(grade)
