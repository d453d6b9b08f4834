"""In-app notices written beside each email (issue 10, item 2): the same people as the email
(active users only), SSIDs and case numbers, never a student's name, and in the same transaction
as the change: a change rolled back leaves no notice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from appeals import decisions
from appeals.assignment import appeals_mark_overdue
from incidents import services
from notifications.models import Notice
from stairs.vocabulary import Reviewer
from tests.factories import user_with_role
from tests.incidents.conftest import draft
from tests.incidents.review.conftest import add_appeals, appeals_of

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def _notices() -> list[tuple[int, str, str]]:
    return sorted(Notice.objects.values_list("recipient_id", "text", "url"))


def _case_url(case) -> str:
    return reverse("incidents:detail", args=[case.pk])


def _assert_no_names(students) -> None:
    for text in Notice.objects.values_list("text", flat=True):
        for student in students:
            assert student.first_name not in text and student.last_name not in text


def test_a_site_coordinators_submission_notifies_them_and_the_lea_coordinator(
    lea_coordinator, colleague, outsider, tree, windows, submitted_students
):
    # rule N-1: the same people as the submission email.
    user_with_role(Role.LEA_ELPAC_COORDINATOR, tree.lea_a)  # another program: no notice
    user_with_role(Role.LEA_CAASPP_COORDINATOR, tree.lea_a, is_active=False)
    case = services.case_submit(
        case=draft(colleague, tree.school_a1, students=submitted_students), actor=colleague
    )
    text = f"STAIRS case {case.number} was submitted."
    assert _notices() == sorted(
        [(colleague.pk, text, _case_url(case)), (lea_coordinator.pk, text, _case_url(case))]
    )
    _assert_no_names(submitted_students)


def test_a_rolled_back_submission_leaves_no_notice(
    lea_coordinator, tree, windows, submitted_students
):
    case = draft(lea_coordinator, tree.school_a1, students=submitted_students)
    with pytest.raises(Rollback), transaction.atomic():
        services.case_submit(case=case, actor=lea_coordinator)
        # Written inside the change's transaction, not after it commits.
        assert Notice.objects.filter(recipient=lea_coordinator).count() == 1
        raise Rollback
    assert not Notice.objects.exists()


def test_a_note_notifies_the_cases_people_but_not_its_author(
    lea_coordinator, colleague, tree, windows, submitted_students
):
    # rule N-2
    case = services.case_submit(
        case=draft(colleague, tree.school_a1, students=submitted_students),
        actor=colleague,
    )
    Notice.objects.all().delete()
    services.case_note_add(case=case, actor=lea_coordinator, body="Ask Ana Garcia.")
    assert _notices() == [
        (colleague.pk, f"STAIRS case {case.number} has a new note.", _case_url(case))
    ]
    with pytest.raises(Rollback), transaction.atomic():
        services.case_note_add(case=case, actor=colleague, body="Sent.")
        raise Rollback
    assert Notice.objects.count() == 1


def test_each_decision_notifies_the_cases_people_once_per_case(
    reopen_case, lea_coordinator, colleague, caltac_agent
):
    # rule A-2: the submitter and filer are told when an appeal is processed; SSIDs only.
    first, second = appeals_of(reopen_case)
    Notice.objects.all().delete()
    decisions.appeal_approve(appeal=first, actor=caltac_agent, reason="Checked.")
    assert _notices() == [
        (
            lea_coordinator.pk,
            f"Appeal decision on STAIRS case {reopen_case.number}: "
            f"SSID {first.student.ssid} approved.",
            _case_url(reopen_case),
        )
    ]
    _assert_no_names([first.student, second.student])
    with pytest.raises(Rollback), transaction.atomic():
        decisions.appeal_reject(appeal=second, actor=caltac_agent, reason="Not early.")
        raise Rollback
    assert Notice.objects.count() == 1


def test_a_bulk_decision_writes_one_notice_per_case(reopen_case, lea_coordinator, caltac_agent):
    appeals = appeals_of(reopen_case)
    Notice.objects.all().delete()
    decisions.appeals_decide_bulk(
        appeal_ids=[a.pk for a in appeals], actor=caltac_agent, action="approve", reason="Checked."
    )
    notice = Notice.objects.get()
    assert notice.recipient == lea_coordinator
    for appeal in appeals:
        assert f"SSID {appeal.student.ssid} approved" in notice.text


def test_a_withdrawal_notifies_the_filer_and_the_submitter(
    lea_coordinator, colleague, tree, windows, submitted_students
):
    case = services.case_submit(
        case=draft(colleague, tree.school_a1, students=submitted_students), actor=colleague
    )
    Notice.objects.all().delete()
    services.case_withdraw(case=case, actor=lea_coordinator, reason="Wrong school.")
    assert _notices() == [
        (colleague.pk, f"STAIRS case {case.number} was withdrawn.", _case_url(case))
    ]
    with pytest.raises(Rollback), transaction.atomic():
        Notice.objects.all().delete()
        case2 = services.case_submit(
            case=draft(colleague, tree.school_a1, students=submitted_students[:1]),
            actor=colleague,
        )
        services.case_withdraw(case=case2, actor=colleague, reason="Mistake.")
        assert Notice.objects.filter(text__endswith="withdrawn.").count() == 1
        raise Rollback
    assert Notice.objects.count() == 1


def test_the_overdue_sweep_notifies_the_available_team_members(
    reopen_case, caltac_agent, caltac_colleague, cde_reviewer, lea_coordinator, filing_day
):
    # rule A-2: the team whose appeals became overdue, once.
    add_appeals(reopen_case, 2, due_at=filing_day - timedelta(minutes=1))
    caltac_colleague.away_since = filing_day
    caltac_colleague.save(update_fields=["away_since"])
    Notice.objects.all().delete()
    with pytest.raises(Rollback), transaction.atomic():
        appeals_mark_overdue()
        raise Rollback
    assert not Notice.objects.exists()
    assert appeals_mark_overdue() == {Reviewer.CALTAC: 2}
    assert _notices() == [
        (
            caltac_agent.pk,
            "2 CalTAC appeals are now overdue.",
            reverse("review:queue") + "?view=overdue",
        )
    ]
    appeals_mark_overdue()
    assert Notice.objects.count() == 1
