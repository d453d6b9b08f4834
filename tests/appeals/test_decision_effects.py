"""What an approval does to the test (issue 9, item 5), one effect at a time, and what it refuses:
each through `appeals.decisions.appeal_approve`, on real test events."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from accounts.models import Role, RoleGrant
from appeals import decisions
from appeals.models import Appeal
from incidents import services
from stairs.vocabulary import AppealStatus, AppealType, Reviewer, TestStatus
from students import effects
from students.models import TestEvent, TestingWindow
from tests.incidents import conftest as case_fixtures
from tests.incidents.conftest import FILING_MOMENT, draft
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db

windows = case_fixtures.windows
filing_day = case_fixtures.filing_day


def _submit(actor, school, event_kwargs, **case_kwargs) -> Appeal:
    student = StudentFactory(school=school, grade=case_kwargs.pop("grade", 5))
    make_event(student, **event_kwargs)
    case = draft(actor, school, students=[student], **case_kwargs)
    case = services.case_submit(case=case, actor=actor)
    return Appeal.objects.get(case=case)


def _event(appeal: Appeal) -> TestEvent:
    return TestEvent.objects.get(pk=appeal.test_event_id)


@pytest.fixture
def school(tree, windows, filing_day):
    return tree.school_a1


def test_an_approved_reset_removes_the_test_and_keeps_its_prior_state(
    lea_coordinator, school, caltac_agent
):
    # rule A-RESET-7: an incorrect SSID is reset whether or not the test was completed
    appeal = _submit(
        lea_coordinator,
        school,
        {"status": TestStatus.SUBMITTED},
        incident_code="INCORRECT_SSID",
    )
    decisions.appeal_approve(appeal=appeal, actor=caltac_agent)
    event = _event(appeal)
    assert (event.status, event.reset_by_appeal) == (TestStatus.RESET, True)
    assert event.prior_state["status"] == TestStatus.SUBMITTED
    assert event.changes.filter(reference__contains=f"appeal {appeal.pk}").exists()


def test_an_approved_elpac_reset_records_an_irregularity_notation(
    lea_coordinator, tree, windows, filing_day, caltac_agent
):
    # rule A-RESET-2 (within the limits) and D-1: the ELPAC reset records a notation
    coordinator = lea_coordinator
    RoleGrant.objects.create(
        user=coordinator, role=Role.LEA_ELPAC_COORDINATOR, organization=tree.lea_a
    )
    appeal = _submit(
        coordinator,
        tree.school_a1,
        {
            "test": "SUMMATIVE_ELPAC",
            "part": "LISTENING",
            "status": TestStatus.IN_PROGRESS,
            "questions_completed": 2,
        },
        incident_code="DESIGNATED_SUPPORT_ELPAC",
        test="SUMMATIVE_ELPAC",
        part="LISTENING",
    )
    assert (appeal.appeal_type, appeal.notation) == (AppealType.RESET, True)
    decisions.appeal_approve(appeal=appeal, actor=caltac_agent)
    event = _event(appeal)
    assert event.status == TestStatus.RESET
    assert [n.reference for n in event.notations.all()] == [
        f"STAIRS case {appeal.case.number}, appeal {appeal.pk}"
    ]


def test_a_restore_returns_the_test_from_reset_after_cdes_two_approvals(
    school, caltac_agent, cde_reviewer
):
    # rule A-RESTORE-1 and A-1: CalTAC files it for the LEA, CDE approves it for filing, then
    # approves it; the test returns to its status before the Reset
    student = StudentFactory(school=school, grade=5)
    event = make_event(student, status=TestStatus.SUBMITTED)
    effects.event_reset(event=event, actor=caltac_agent, reason="Reset Appeal approved")
    case = draft(caltac_agent, school, students=[student], incident_code="RESET_IN_ERROR")
    case = services.case_submit(case=case, actor=caltac_agent)
    appeal = Appeal.objects.get(case=case)
    assert (appeal.appeal_type, appeal.status) == (
        AppealType.RESTORE,
        AppealStatus.PENDING_APPROVAL,
    )
    decisions.appeal_preapprove(appeal=appeal, actor=cde_reviewer)
    decisions.appeal_approve(appeal=appeal, actor=cde_reviewer, reason="The wrong test was reset.")
    event.refresh_from_db()
    assert (event.status, event.reset_by_appeal) == (TestStatus.SUBMITTED, False)


def test_a_rescore_opens_the_writing_scores(
    lea_coordinator, tree, windows, filing_day, caltac_agent
):
    # rule A-RESCORE-1: Initial ELPAC Writing, grades 3-12
    from accounts.models import Role, RoleGrant

    RoleGrant.objects.create(
        user=lea_coordinator, role=Role.LEA_ELPAC_COORDINATOR, organization=tree.lea_a
    )
    appeal = _submit(
        lea_coordinator,
        tree.school_a1,
        {"test": "INITIAL_ELPAC", "part": "WRITING", "status": TestStatus.SUBMITTED},
        incident_code="HAND_SCORING_ERROR",
        test="INITIAL_ELPAC",
        part="WRITING",
    )
    assert appeal.appeal_type == AppealType.RESCORE
    decisions.appeal_approve(appeal=appeal, actor=caltac_agent)
    assert _event(appeal).rescore_opened_at is not None


@pytest.mark.parametrize(
    ("entries", "appeal_type", "rule"),
    [("ALL", AppealType.RESET, "A-RESET-4"), ("SELECTED", AppealType.REOPEN, "A-REOPEN-3")],
)
def test_a_data_entry_issue_acts_on_the_dei_entries_only(
    lea_coordinator, tree, windows, filing_day, caltac_agent, entries, appeal_type, rule
):
    # rule A-RESET-4 (under a Data Entry Issue only the DEI event), A-REOPEN-3
    RoleGrant.objects.create(
        user=lea_coordinator, role=Role.LEA_ELPAC_COORDINATOR, organization=tree.lea_a
    )
    appeal = _submit(
        lea_coordinator,
        tree.school_a1,
        {
            "test": "SUMMATIVE_ELPAC",
            "part": "SPEAKING",
            "status": TestStatus.SUBMITTED,
            "dei_entries": True,
        },
        incident_code="DATA_ENTRY_ISSUE",
        answers={"entries": entries},
        test="SUMMATIVE_ELPAC",
        part="SPEAKING",
    )
    assert (appeal.appeal_type, appeal.rule, appeal.dei_only) == (appeal_type, rule, True)
    decisions.appeal_approve(appeal=appeal, actor=caltac_agent)
    event = _event(appeal)
    assert event.status == TestStatus.SUBMITTED  # the TDS test is untouched
    assert event.dei_entries is (appeal_type == AppealType.REOPEN)


def test_a_grace_period_extension_for_a_pt_is_a_recorded_exception(
    lea_coordinator, school, cde_reviewer
):
    # rule A-GPE-1 against 003's sentence on the PT (domain.md): CDE may approve it as an
    # exception that changes nothing on the test
    appeal = _submit(
        lea_coordinator,
        school,
        {"test": "SB_MATH", "part": "PT", "status": TestStatus.PAUSED},
        incident_code="TECHNICAL_DISRUPTION",
        answers={"pause_expired": True, "student_break": False},
        part="PT",
    )
    assert (appeal.appeal_type, appeal.manual_review) == (AppealType.GRACE_PERIOD_EXTENSION, True)
    before = _event(appeal)
    decisions.appeal_preapprove(appeal=appeal, actor=cde_reviewer)
    outcome = decisions.appeal_approve(appeal=appeal, actor=cde_reviewer, choice="EXCEPTION")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.exception) == (AppealStatus.APPROVED, True)
    assert "open a new test session" in outcome.message
    after = _event(appeal)
    assert (after.status, after.grace_period_extended_at, after.updated_at) == (
        before.status,
        None,
        before.updated_at,
    )


def test_a_closed_window_rejects_a_reset_by_system(lea_coordinator, school, caltac_agent):
    # rule A-3, C-4: no testing time is left once the LEA's window closed
    appeal = _submit(
        lea_coordinator, school, {"status": TestStatus.SUBMITTED}, incident_code="INCORRECT_SSID"
    )
    TestingWindow.objects.filter(lea=school.parent).update(end_date=date(2027, 3, 12))
    with time_machine.travel(FILING_MOMENT.replace(day=15), tick=False):
        outcome = decisions.appeal_approve(appeal=appeal, actor=caltac_agent)
    assert outcome.status == AppealStatus.REJECTED_BY_SYSTEM
    assert "testing window is closed" in outcome.message
    assert _event(appeal).status == TestStatus.SUBMITTED
    assert appeal.reviewer == Reviewer.CALTAC
