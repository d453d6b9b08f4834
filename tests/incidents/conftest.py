"""Fixtures for the STAIRS case tests: a CAASPP testing window for LEA A, students of school A1
with test events, and a helper that files a draft ready to submit.

The clock is pinned to a Wednesday inside the window (``filing_day``): "today" decides the late
flag, the future-date check and the window, so no test may depend on the real date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time

import pytest
import time_machine

from incidents import services
from incidents.case_models import Case
from incidents.models import IncidentType
from students import dates
from students.models import TestingWindow, TestStatus
from tests.students.factories import StudentFactory, make_event

FILING_MOMENT = datetime(2027, 3, 10, 10, 0, tzinfo=dates.PACIFIC)  # a Wednesday
INCIDENT_DAY = date(2027, 3, 9)


@pytest.fixture
def filing_day(db) -> Iterator[datetime]:
    with time_machine.travel(FILING_MOMENT, tick=False):
        yield FILING_MOMENT


@pytest.fixture
def windows(tree) -> None:
    for lea in (tree.lea_a, tree.lea_b):
        for program in ("CAASPP", "ELPAC"):
            TestingWindow.objects.create(
                lea=lea,
                program=program,
                start_date=date(2027, 1, 11),
                end_date=date(2027, 6, 4),
            )


@pytest.fixture
def submitted_students(tree, filing_day):
    """Three grade-5 students of school A1 whose Smarter Balanced Math non-PT was submitted."""
    students = [StudentFactory(school=tree.school_a1, grade=5) for _ in range(3)]
    for student in students:
        make_event(student, test="SB_MATH", part="NON_PT", status=TestStatus.SUBMITTED)
    return students


def incident(code: str) -> IncidentType:
    return IncidentType.objects.get(code=code)


def draft(
    actor,
    school,
    *,
    students=(),
    select=None,
    incident_code: str = "SUBMITTED_EARLY",
    answers: dict | None = None,
    incident_date: date = INCIDENT_DAY,
    incident_time: time | None = time(9, 30),
    test: str = "SB_MATH",
    part: str = "NON_PT",
    **fields,
) -> Case:
    """A draft with every step filled in, its SSIDs entered and (by default) all selected."""
    case = services.case_create_draft(
        actor=actor,
        school=school,
        incident_date=incident_date,
        incident_time=incident_time,
        grade=5,
        test=test,
        part=part,
        delivery="ONLINE",
        incident_type=incident(incident_code),
        answers=answers or {},
        description=fields.pop("description", "Submitted by mistake after question 4."),
        plan_of_action=fields.pop("plan_of_action", "Remind students before they submit."),
        **fields,
    )
    if students:
        services.case_set_students(case=case, actor=actor, ssids=[s.ssid for s in students])
        chosen = [s.ssid for s in (students if select is None else select)]
        services.case_select_students(case=case, actor=actor, ssids=chosen)
    return case
