"""The review services of appeals/decisions.py: each transition allowed and refused, the effects
on the test, rejected by system and resubmission, A-1's approval for filing, manual review, the
case status that follows, the decision email."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import Role, RoleGrant
from appeals import decisions
from appeals.models import Appeal, AppealEvent, AppealEventKind, AppealOverdue
from incidents import services
from incidents.case_models import CaseEvent
from stairs.vocabulary import AppealStatus, AppealType, CaseStatus, Reviewer, TestStatus
from students.effects import event_reset
from students.models import TestEvent
from tests.factories import user_with_role
from tests.incidents import conftest as case_fixtures
from tests.incidents.conftest import draft
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db

windows = case_fixtures.windows
filing_day = case_fixtures.filing_day


def _file(actor, school, *, status=TestStatus.SUBMITTED, questions=5, count=1, **kwargs):
    students = [StudentFactory(school=school, grade=5) for _ in range(count)]
    for student in students:
        make_event(student, status=status, questions_completed=questions)
    case = draft(actor, school, students=students, **kwargs)
    return services.case_submit(case=case, actor=actor)


@pytest.fixture
def reopen_case(lea_coordinator, tree, windows, filing_day):
    """A submitted case with two Re-open appeals (submitted early), CalTAC's to decide."""
    return _file(lea_coordinator, tree.school_a1, count=2)


def _appeals(case) -> list[Appeal]:
    return list(Appeal.objects.filter(case=case).order_by("pk"))


def test_caltac_approves_a_reopen_and_the_test_reopens(reopen_case, caltac_agent, run_outbox):
    first, second = _appeals(reopen_case)
    with run_outbox():
        outcome = decisions.appeal_approve(appeal=first, actor=caltac_agent, reason="Checked.")
    first.refresh_from_db()
    assert (first.status, first.decided_by, first.decision_reason) == (
        AppealStatus.APPROVED,
        caltac_agent,
        "Checked.",
    )
    assert first.decided_at is not None
    assert outcome.status == AppealStatus.APPROVED
    assert TestEvent.objects.get(pk=first.test_event_id).status == TestStatus.PAUSED
    # The case follows its appeals: one decided, one still CalTAC's.
    reopen_case.refresh_from_db()
    assert reopen_case.status == CaseStatus.PARTIAL_CALTAC_APPROVAL
    assert CaseEvent.objects.filter(case=reopen_case, kind="STATUS_CHANGED").count() == 1
    with run_outbox():
        decisions.appeal_approve(appeal=second, actor=caltac_agent)
    reopen_case.refresh_from_db()
    assert reopen_case.status == CaseStatus.COMPLETED
    # rule A-2: the submitter is emailed when an appeal is processed; SSIDs, never names.
    decided = [m for m in mail.outbox if "appeal approved" in m.subject]
    assert len(decided) == 2
    assert all(reopen_case.number in m.subject for m in decided)
    assert first.student.ssid in decided[0].body
    assert first.student.last_name not in decided[0].body


def test_cde_cannot_decide_a_caltac_appeal_nor_the_reverse(
    reopen_case, cde_reviewer, caltac_agent, lea_coordinator, tree, windows, filing_day
):
    appeal = _appeals(reopen_case)[0]
    with pytest.raises(ValidationError, match="CalTAC's to decide"):
        decisions.appeal_approve(appeal=appeal, actor=cde_reviewer)
    with pytest.raises(ValidationError, match="CalTAC's to decide"):
        decisions.appeal_approve(appeal=appeal, actor=lea_coordinator)
    manual = _file(
        lea_coordinator,
        tree.school_a1,
        status=TestStatus.PAUSED,
        questions=10,
        incident_code="NONALLOWABLE_MATERIALS",
    )
    cde_appeal = _appeals(manual)[0]
    with pytest.raises(ValidationError, match="CDE's to decide"):
        decisions.appeal_reject(appeal=cde_appeal, actor=caltac_agent, reason="No.")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING


def test_nobody_decides_an_appeal_of_a_case_they_filed(tree, windows, filing_day):
    # issue 9, item 10: someone who both coordinates and reviews files a case; another decides.
    both = user_with_role(Role.LEA_CAASPP_COORDINATOR, tree.lea_a, email="x@alder.example.org")
    RoleGrant.objects.create(user=both, role=Role.CDE_REVIEWER, organization=tree.state)
    case = _file(
        both,
        tree.school_a1,
        status=TestStatus.PAUSED,
        questions=10,
        incident_code="NONALLOWABLE_MATERIALS",
    )
    with pytest.raises(ValidationError, match="You filed this case"):
        decisions.appeal_approve(appeal=_appeals(case)[0], actor=both, choice=AppealType.RESET)


def test_a_rejection_needs_a_reason_and_keeps_it(reopen_case, caltac_agent):
    appeal = _appeals(reopen_case)[0]
    with pytest.raises(ValidationError, match="reason"):
        decisions.appeal_reject(appeal=appeal, actor=caltac_agent, reason="  ")
    decisions.appeal_reject(appeal=appeal, actor=caltac_agent, reason="Not an accident.")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decision_reason) == (
        AppealStatus.REJECTED_BY_CALTAC,
        "Not an accident.",
    )
    event = AppealEvent.objects.filter(appeal=appeal).last()
    assert (event.kind, event.from_status, event.to_status, event.reason) == (
        AppealEventKind.DECIDED,
        AppealStatus.PENDING,
        AppealStatus.REJECTED_BY_CALTAC,
        "Not an accident.",
    )
    # A decision is final: neither approve nor reject again.
    with pytest.raises(ValidationError, match="rejected by CalTAC"):
        decisions.appeal_approve(appeal=appeal, actor=caltac_agent)


def test_a_test_changed_since_filing_is_rejected_by_system_then_resubmitted(
    reopen_case, caltac_agent, lea_coordinator
):
    appeal = _appeals(reopen_case)[0]
    TestEvent.objects.filter(pk=appeal.test_event_id).update(questions_completed=9)
    outcome = decisions.appeal_approve(appeal=appeal, actor=caltac_agent)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REJECTED_BY_SYSTEM
    assert "questions completed: 5 → 9" in appeal.decision_reason
    assert outcome.message == appeal.decision_reason
    # Nothing changed on the test.
    assert TestEvent.objects.get(pk=appeal.test_event_id).status == TestStatus.SUBMITTED
    due_before = appeal.due_at
    # It had been marked overdue while it waited; its new due date starts the clock again.
    AppealOverdue.objects.create(appeal=appeal, reviewer=appeal.reviewer, at=appeal.due_at)
    appeal = services.case_appeal_resubmit(case=reopen_case, appeal=appeal, actor=lea_coordinator)
    assert not AppealOverdue.objects.filter(appeal=appeal).exists()
    assert appeal.status == AppealStatus.PENDING
    assert appeal.filed_state["questions_completed"] == 9
    assert appeal.due_at >= due_before
    assert appeal.decided_at is None and appeal.decision_reason == ""
    decisions.appeal_approve(appeal=appeal, actor=caltac_agent)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.APPROVED


def test_an_effect_the_test_refuses_rejects_by_system_and_changes_nothing(
    lea_coordinator, tree, windows, filing_day, caltac_agent
):
    case = _file(
        lea_coordinator,
        tree.school_a1,
        status=TestStatus.IN_PROGRESS,
        incident_code="INCORRECT_SSID",
    )
    appeal = _appeals(case)[0]
    assert appeal.appeal_type == AppealType.RESET
    event = TestEvent.objects.get(pk=appeal.test_event_id)
    # The test is reset meanwhile by another appeal (its prior state kept), and the stored
    # facts at filing say it was in progress.
    decisions_before = AppealEvent.objects.count()
    event_reset(event=event, actor=caltac_agent, reason="Another appeal.")
    outcome = decisions.appeal_approve(appeal=appeal, actor=caltac_agent)
    assert outcome.status == AppealStatus.REJECTED_BY_SYSTEM
    assert "status: in progress → reset" in outcome.message
    assert AppealEvent.objects.count() == decisions_before + 1


def test_a_grace_period_extension_is_approved_for_filing_first(
    lea_coordinator, tree, windows, filing_day, cde_reviewer, caltac_agent
):
    # rule A-1
    case = _file(
        lea_coordinator,
        tree.school_a1,
        status=TestStatus.PAUSED,
        incident_code="TECHNICAL_DISRUPTION",
        answers={"pause_expired": True, "student_break": False},
    )
    appeal = _appeals(case)[0]
    assert appeal.status == AppealStatus.PENDING_APPROVAL
    with pytest.raises(ValidationError, match="approved for filing"):
        decisions.appeal_approve(appeal=appeal, actor=cde_reviewer)
    with pytest.raises(ValidationError, match="CDE's to decide"):
        decisions.appeal_preapprove(appeal=appeal, actor=caltac_agent)
    decisions.appeal_preapprove(appeal=appeal, actor=cde_reviewer)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.preapproved_by) == (AppealStatus.PENDING, cde_reviewer)
    decisions.appeal_approve(appeal=appeal, actor=cde_reviewer)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.APPROVED
    assert TestEvent.objects.get(pk=appeal.test_event_id).grace_period_extended_at is not None


def test_a_manual_review_needs_a_choice_from_the_rules(
    lea_coordinator, tree, windows, filing_day, cde_reviewer
):
    # The gap between A-RESET-9 and A-INVAL-1: exactly 10 non-PT questions, CDE chooses.
    case = _file(
        lea_coordinator,
        tree.school_a1,
        status=TestStatus.SUBMITTED,
        questions=10,
        incident_code="NONALLOWABLE_MATERIALS",
    )
    appeal = _appeals(case)[0]
    with pytest.raises(ValidationError, match="Choose how to approve"):
        decisions.appeal_approve(appeal=appeal, actor=cde_reviewer)
    with pytest.raises(ValidationError, match="Choose how to approve"):
        decisions.appeal_approve(appeal=appeal, actor=cde_reviewer, choice=AppealType.REOPEN)
    decisions.appeal_approve(appeal=appeal, actor=cde_reviewer, choice=AppealType.INVALIDATE)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.appeal_type) == (AppealStatus.APPROVED, AppealType.INVALIDATE)
    event = TestEvent.objects.get(pk=appeal.test_event_id)
    assert event.status == TestStatus.INVALIDATED
    assert event.notations.count() == 1


def test_a_bulk_decision_decides_what_it_may_and_says_why_not_the_rest(
    lea_coordinator, tree, windows, filing_day, caltac_agent, run_outbox
):
    case = _file(lea_coordinator, tree.school_a1, count=3)
    ids = [appeal.pk for appeal in _appeals(case)]
    decisions.appeal_reject(
        appeal=Appeal.objects.get(pk=ids[0]), actor=caltac_agent, reason="Duplicate."
    )
    with pytest.raises(ValidationError, match="one reason"):
        decisions.appeals_decide_bulk(
            appeal_ids=ids, actor=caltac_agent, action="approve", reason=""
        )
    mail.outbox.clear()
    with run_outbox():
        result = decisions.appeals_decide_bulk(
            appeal_ids=ids, actor=caltac_agent, action="approve", reason="Confirmed by phone."
        )
    assert result.count(AppealStatus.APPROVED) == 2
    assert [appeal.pk for appeal, _ in result.skipped] == [ids[0]]
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    # One email per case and recipient, not one per appeal.
    assert len([m for m in mail.outbox if "appeal decision" in m.subject]) == 1


def test_the_filer_side_withdraws_an_appeal_and_a_reviewer_cannot(
    reopen_case, lea_coordinator, colleague, outsider, caltac_agent
):
    first, second = _appeals(reopen_case)
    with pytest.raises(ValidationError, match="filer"):
        decisions.appeal_withdraw(appeal=first, actor=caltac_agent, reason="No.")
    with pytest.raises(ValidationError, match="filer"):
        decisions.appeal_withdraw(appeal=first, actor=outsider, reason="No.")
    decisions.appeal_withdraw(appeal=first, actor=colleague, reason="Filed twice.")
    first.refresh_from_db()
    assert first.status == AppealStatus.WITHDRAWN
    decisions.appeal_approve(appeal=second, actor=caltac_agent)
    reopen_case.refresh_from_db()
    assert reopen_case.status == CaseStatus.COMPLETED


def test_claim_and_release(reopen_case, caltac_agent, tree):
    other = user_with_role(Role.CALTAC_AGENT, tree.caltac, email="cat@caltac.example.org")
    appeal = _appeals(reopen_case)[0]
    decisions.appeal_claim(appeal=appeal, actor=caltac_agent)
    with pytest.raises(ValidationError, match="is reviewing this appeal"):
        decisions.appeal_claim(appeal=appeal, actor=other)
    with pytest.raises(ValidationError, match="Only the reviewer who holds"):
        decisions.appeal_release(appeal=appeal, actor=other)
    decisions.appeal_release(appeal=appeal, actor=caltac_agent)
    decisions.appeal_claim(appeal=appeal, actor=other)
    appeal.refresh_from_db()
    assert appeal.claimed_by == other
    kinds = list(AppealEvent.objects.filter(appeal=appeal).values_list("kind", flat=True))
    assert kinds[-3:] == [
        AppealEventKind.CLAIMED,
        AppealEventKind.RELEASED,
        AppealEventKind.CLAIMED,
    ]
    assert Reviewer.CALTAC in decisions.reviewer_teams(other)
