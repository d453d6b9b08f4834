"""The business-day clock of A-2 and T-2: the one module that counts business days. Pure.

A-2: an appeal is processed within four business days of receipt. T-2: business days skip
weekends and California state holidays; the time zone is America/Los_Angeles.

- A **business day** is a Monday to Friday that is neither in the California calendar of the
  ``holidays`` package (``holidays.US(subdiv="CA")``: state holidays with their observed days,
  Cesar Chavez Day, the day after Thanksgiving; days of the calendar falling on a weekend change
  nothing, as a weekend day is never a business day anyway) nor an extra **closure day** of CDE
  (``appeals.models.ClosureDay``, edited in the admin).
- **Receipt** is counted on its local date in California. A receipt on a day that is not a
  business day (a Saturday, a holiday) counts as a receipt on the next business day.
- The **due moment** of an appeal received on business day R is the end of the fourth business
  day after R: 23:59:59.999999 Pacific time on that day, an aware datetime. Received Friday at
  3 p.m., due Thursday at the end of the day; received Saturday, due Friday at the end of the
  day. Counting local dates means a daylight-saving change neither adds nor removes an hour:
  the due moment is always the local end of the day. It is computed once and stored
  (``Appeal.due_at``).

The functions take the closure days as a ``frozenset`` of dates, read once per call site
(``ClosureDay.dates_between``), so they stay pure and testable without a database.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Final

import holidays

from students.dates import end_of_local_day, local_date

# "within four business days of receipt".
APPEAL_BUSINESS_DAYS: Final = 4
NO_CLOSURES: Final[frozenset[date]] = frozenset()
# How far past a receipt the closure days are read: four business days never span more than
# this, even over the winter holidays with a fortnight of closures.
CLOSURE_HORIZON: Final = timedelta(days=60)


@lru_cache(maxsize=64)
def california_holidays(year: int) -> frozenset[date]:
    """The dates of ``year`` in the ``holidays`` package's California calendar."""
    return frozenset(holidays.US(subdiv="CA", years=year).keys())


def is_business_day(day: date, closures: frozenset[date] = NO_CLOSURES) -> bool:
    """True for a weekday that is neither a California holiday nor a closure day (T-2)."""
    return day.weekday() < 5 and day not in california_holidays(day.year) and day not in closures


def next_business_day(day: date, closures: frozenset[date] = NO_CLOSURES) -> date:
    """``day`` itself if it is a business day, otherwise the first business day after it."""
    while not is_business_day(day, closures):
        day += timedelta(days=1)
    return day


def add_business_days(
    moment: datetime, n: int = APPEAL_BUSINESS_DAYS, closures: frozenset[date] = NO_CLOSURES
) -> datetime:
    """The due moment of something received at ``moment``: the end (23:59:59.999999 Pacific)
    of the ``n``-th business day after the day of receipt, a receipt on a day that is not a
    business day counting from the next business day (see the module's docstring)."""
    if n < 0:
        raise ValueError("A number of business days to add cannot be negative.")
    day = next_business_day(local_date(moment), closures)
    for _ in range(n):
        day = next_business_day(day + timedelta(days=1), closures)
    return end_of_local_day(day)


def appeal_due_at(received_at: datetime, closures: frozenset[date] = NO_CLOSURES) -> datetime:
    """When an appeal received at ``received_at`` is due (A-2: four business days)."""
    return add_business_days(received_at, APPEAL_BUSINESS_DAYS, closures)


@lru_cache(maxsize=4096)
def _business_days_after(first: date, last: date, closures: frozenset[date]) -> int:
    """How many business days d have first < d <= last. Remembered: a queue's 25 rows ask for
    the same few spans on every page (a day at a time, up to a few months back)."""
    count = 0
    day = first + timedelta(days=1)
    while day <= last:
        count += is_business_day(day, closures)
        day += timedelta(days=1)
    return count


def business_days_between(
    now: datetime, due: datetime, closures: frozenset[date] = NO_CLOSURES
) -> int:
    """The business days from ``now`` to ``due``, counted on local dates: how many business days
    come after today up to and including the due date (0 when due today). Negative when the due
    date has passed: minus the business days after the due date up to and including today."""
    today, due_day = local_date(now), local_date(due)
    if due_day >= today:
        return _business_days_after(today, due_day, closures)
    return -_business_days_after(due_day, today, closures)


def _days(n: int) -> str:
    return f"{n} business day" if n == 1 else f"{n} business days"


def due_phrase(now: datetime, due: datetime, closures: frozenset[date] = NO_CLOSURES) -> str:
    """What pages say of a due moment: "due today", "due in 2 business days", "overdue by 1
    business day".

    Overdue as soon as ``now`` is past ``due``; it stays "overdue by 1 business day" until the
    second business day after the due date begins (a Saturday after a Friday due date included).
    """
    if now > due:
        return f"overdue by {_days(max(1, -business_days_between(now, due, closures)))}"
    ahead = business_days_between(now, due, closures)
    return "due today" if ahead == 0 else f"due in {_days(ahead)}"
