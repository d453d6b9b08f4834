"""Fixtures for the reviewers' pages: cases filed through the real services (the rules decide
their appeals), more appeals on a case made directly for the list tests, and the personas of
the review teams (a second CalTAC agent, a CDE reviewer, a CDE administrator)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from accounts.models import Role, User
from appeals import business_days, tally
from appeals.models import Appeal
from appeals.services import filed_state
from incidents import services
from incidents.case_models import Case
from stairs.vocabulary import AppealStatus, AppealType, Reviewer, TestStatus
from tests.factories import user_with_role
from tests.incidents import conftest as case_fixtures
from tests.incidents.conftest import draft
from tests.students.factories import StudentFactory, make_event

windows = case_fixtures.windows
filing_day = case_fixtures.filing_day


def file_case(
    actor,
    school,
    *,
    status=TestStatus.SUBMITTED,
    questions=5,
    count=1,
    test="SB_MATH",
    part="NON_PT",
    **kwargs,
):
    """A submitted case of ``count`` students whose Math non-PT is in ``status``; by default a
    Submitted Early incident: Re-open appeals for CalTAC."""
    students = [StudentFactory(school=school, grade=5) for _ in range(count)]
    for student in students:
        make_event(student, test=test, part=part, status=status, questions_completed=questions)
    case = draft(actor, school, students=students, test=test, part=part, **kwargs)
    return services.case_submit(case=case, actor=actor)


def add_appeals(
    case: Case,
    n: int,
    *,
    appeal_type: str = AppealType.REOPEN,
    reviewer: str = Reviewer.CALTAC,
    received_at: datetime | None = None,
    **fields,
) -> list[Appeal]:
    """``n`` more open appeals on ``case``, each for a new student of its school."""
    received_at = received_at or timezone.now()
    status = fields.pop("status", AppealStatus.PENDING)
    due_at = fields.pop("due_at", None) or business_days.appeal_due_at(received_at)
    appeals = []
    for _ in range(n):
        student = StudentFactory(school=case.school, grade=5)
        event = make_event(student, status=TestStatus.SUBMITTED, questions_completed=5)
        appeals.append(
            Appeal.objects.create(
                case=case,
                lea_id=case.lea_id,
                school_id=case.school_id,
                program=case.program,
                student=student,
                test_event=event,
                appeal_type=appeal_type,
                reviewer=reviewer,
                status=status,
                rule="A-REOPEN-1",
                reason="Submitted early.",
                received_at=received_at,
                due_at=due_at,
                filed_state=filed_state(event, received_at),
                **fields,
            )
        )
    # Decided ones are counted in the day's tally, as the decision services do.
    tally.record(appeals)
    return appeals


@pytest.fixture
def caltac_colleague(tree) -> User:
    return user_with_role(
        Role.CALTAC_AGENT, tree.caltac, email="cat@caltac.example.org", full_name="Cat Help"
    )


@pytest.fixture
def reopen_case(lea_coordinator, tree, windows, filing_day) -> Case:
    """A submitted case with two Re-open appeals for CalTAC."""
    return file_case(lea_coordinator, tree.school_a1, count=2)


@pytest.fixture
def manual_case(lea_coordinator, tree, windows, filing_day) -> Case:
    """A case whose appeal CDE chooses by hand: exactly 10 non-PT questions under nonallowable
    materials (the gap between A-RESET-9 and A-INVAL-1)."""
    return file_case(
        lea_coordinator,
        tree.school_a1,
        status=TestStatus.PAUSED,
        questions=10,
        incident_code="NONALLOWABLE_MATERIALS",
    )


def appeals_of(case: Case) -> list[Appeal]:
    return list(Appeal.objects.filter(case=case).order_by("pk"))
