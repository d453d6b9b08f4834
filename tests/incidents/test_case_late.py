"""The late flag (S-5): more than 24 hours after the incident; with no time given, after the end
of the next calendar day; California time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine

from incidents import services
from incidents.filing import is_late
from students import dates
from tests.incidents.conftest import draft

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


def pacific(*args: int) -> datetime:
    return datetime(*args, tzinfo=dates.PACIFIC)


@pytest.mark.parametrize(
    ("incident_time", "submitted_at", "late"),
    [
        # rule S-5: exactly 24 hours is on time, a second more is late
        (time(9, 30), pacific(2027, 3, 10, 9, 30), False),
        (time(9, 30), pacific(2027, 3, 10, 9, 30) + SECOND, True),
        # with no time given: the whole next calendar day is on time
        (None, pacific(2027, 3, 10, 23, 59, 59), False),
        (None, pacific(2027, 3, 11, 0, 0, 0), True),
        (None, pacific(2027, 3, 9, 8, 0), False),
    ],
)
def test_late_edges(incident_time, submitted_at, late):
    # rule S-5
    assert (
        is_late(
            incident_date=date(2027, 3, 9), incident_time=incident_time, submitted_at=submitted_at
        )
        is late
    )


def test_24_hours_are_elapsed_hours_across_daylight_saving():
    # rule S-5: 11 p.m. on the Saturday before the spring change; 24 hours later the clock
    # says midnight, not 11 p.m.
    incident = date(2027, 3, 13)
    assert not is_late(
        incident_date=incident, incident_time=time(23, 0), submitted_at=pacific(2027, 3, 14, 23, 30)
    )
    assert is_late(
        incident_date=incident, incident_time=time(23, 0), submitted_at=pacific(2027, 3, 15, 0, 1)
    )


@pytest.mark.parametrize(
    ("moment", "late"),
    [
        (pacific(2027, 3, 10, 23, 59), False),
        (pacific(2027, 3, 11, 0, 1), True),
    ],
)
def test_submission_sets_the_late_flag(lea_coordinator, tree, windows, moment, late):
    # rule S-5, through case_submit with the clock pinned
    with time_machine.travel(moment, tick=False):
        case = draft(lea_coordinator, tree.school_a1, incident_time=None)
        case = services.case_submit(case=case, actor=lea_coordinator)
    assert case.late is late
    submitted = case.events.get(kind="SUBMITTED").detail
    assert ("late" in submitted) is late
