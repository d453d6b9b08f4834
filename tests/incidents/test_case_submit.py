"""Submitting a STAIRS case (issue 8, part 6): one transaction through `case_submit`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from appeals.models import Appeal
from incidents import services
from incidents.case_models import Case, CaseEvent, CaseEventKind
from stairs.vocabulary import AppealStatus, AppealType, CaseStatus, Reviewer
from students.models import TestStatus
from tests.incidents.conftest import draft
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db


def test_submission_numbers_the_case_files_appeals_and_writes_the_timeline(
    lea_coordinator, tree, windows, submitted_students
):
    # rule F-6: a number, the appeals of the selected SSIDs
    case = draft(lea_coordinator, tree.school_a1, students=submitted_students)
    case = services.case_submit(case=case, actor=lea_coordinator)

    assert case.number == "2026-000001"
    assert case.submitted_by == lea_coordinator and case.submitted_at is not None
    appeals = list(Appeal.objects.filter(case=case).order_by("pk"))
    assert [a.student for a in appeals] == submitted_students
    assert {(a.appeal_type, a.reviewer, a.status) for a in appeals} == {
        (AppealType.REOPEN, Reviewer.CALTAC, AppealStatus.PENDING)
    }
    assert all(a.received_at == case.submitted_at for a in appeals)
    assert case.status == CaseStatus.PENDING_CALTAC_APPROVAL
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.SUBMITTED)
    assert (event.actor, event.from_status, event.to_status) == (
        lea_coordinator,
        CaseStatus.DRAFT,
        CaseStatus.PENDING_CALTAC_APPROVAL,
    )


def test_only_selected_ssids_get_an_appeal(lea_coordinator, tree, windows, submitted_students):
    case = draft(
        lea_coordinator, tree.school_a1, students=submitted_students, select=submitted_students[:1]
    )
    services.case_submit(case=case, actor=lea_coordinator)
    assert list(Appeal.objects.filter(case=case).values_list("student", flat=True)) == [
        submitted_students[0].pk
    ]


def test_a_case_without_appeals_is_completed(lea_coordinator, tree, windows, filing_day):
    # rule F-2: an incident with no appeal files none; nothing is left to approve
    case = draft(lea_coordinator, tree.school_a1, incident_code="STUDENT_DISRUPTION")
    case = services.case_submit(case=case, actor=lea_coordinator)
    assert case.status == CaseStatus.COMPLETED
    assert not Appeal.objects.filter(case=case).exists()


def test_grace_period_extension_waits_for_cde_approval(lea_coordinator, tree, windows, filing_day):
    # rule A-1: Grace Period Extension is pending approval before it is filed
    student = StudentFactory(school=tree.school_a1, grade=5)
    make_event(student, test="SB_MATH", part="NON_PT", status=TestStatus.PAUSED)
    case = draft(
        lea_coordinator,
        tree.school_a1,
        students=[student],
        incident_code="TECHNICAL_DISRUPTION",
        answers={"pause_expired": True, "student_break": False},
    )
    case = services.case_submit(case=case, actor=lea_coordinator)
    appeal = Appeal.objects.get(case=case)
    assert (appeal.appeal_type, appeal.reviewer, appeal.status) == (
        AppealType.GRACE_PERIOD_EXTENSION,
        Reviewer.CDE,
        AppealStatus.PENDING_APPROVAL,
    )
    assert case.status == CaseStatus.PENDING_CDE_APPROVAL


def test_a_manual_review_files_an_untyped_appeal_for_cde(
    lea_coordinator, tree, windows, filing_day
):
    # Gap in the documents (domain.md): exactly 10 non-PT questions, CDE decides by hand
    student = StudentFactory(school=tree.school_a1, grade=5)
    make_event(
        student, test="SB_MATH", part="NON_PT", status=TestStatus.PAUSED, questions_completed=10
    )
    case = draft(
        lea_coordinator, tree.school_a1, students=[student], incident_code="NONALLOWABLE_MATERIALS"
    )
    case = services.case_submit(case=case, actor=lea_coordinator)
    appeal = Appeal.objects.get(case=case)
    assert (appeal.appeal_type, appeal.reviewer, appeal.manual_review, appeal.status) == (
        "",
        Reviewer.CDE,
        True,
        AppealStatus.PENDING,
    )
    assert appeal.reason
    assert case.status == CaseStatus.PENDING_CDE_APPROVAL


def test_submitting_twice_creates_one_case(lea_coordinator, tree, windows, submitted_students):
    case = draft(lea_coordinator, tree.school_a1, students=submitted_students)
    services.case_submit(case=case, actor=lea_coordinator)
    # The second tab still holds the draft as it read it.
    with pytest.raises(ValidationError, match="already submitted"):
        services.case_submit(case=case, actor=lea_coordinator)
    assert Case.objects.count() == 1
    assert Appeal.objects.filter(case=case).count() == 3


def test_the_incident_date_cannot_be_in_the_future(lea_coordinator, tree, windows, filing_day):
    # rule F-8
    case = draft(lea_coordinator, tree.school_a1, incident_date=date(2027, 3, 11))
    with pytest.raises(ValidationError) as err:
        services.case_submit(case=case, actor=lea_coordinator)
    assert "future" in str(err.value.message_dict["incident_date"])
    assert Case.objects.get().status == CaseStatus.DRAFT


def test_the_incident_date_must_fall_inside_the_window(lea_coordinator, tree, windows, filing_day):
    # rule F-8, C-4
    case = draft(lea_coordinator, tree.school_a1, incident_date=date(2027, 1, 8))
    with pytest.raises(ValidationError) as err:
        services.case_submit(case=case, actor=lea_coordinator)
    assert "testing window" in str(err.value.message_dict["incident_date"])


def test_a_breach_needs_its_call_record(lea_coordinator, tree, windows, filing_day):
    # rule S-3
    case = draft(lea_coordinator, tree.school_a1, incident_code="SOCIAL_MEDIA_ADULT")
    with pytest.raises(ValidationError) as err:
        services.case_submit(case=case, actor=lea_coordinator)
    assert "breach_call_record" in err.value.message_dict
    services.case_update_draft(
        case=case, actor=lea_coordinator, breach_call_record="CDE, 9:45 a.m., Ms. Lee"
    )
    assert services.case_submit(case=case, actor=lea_coordinator).number


def test_a_parent_exemption_is_not_filed(lea_coordinator, tree, windows, filing_day):
    # rule F-9
    case = draft(lea_coordinator, tree.school_a1, incident_code="PARENT_EXEMPTION")
    with pytest.raises(ValidationError, match="not a STAIRS incident"):
        services.case_submit(case=case, actor=lea_coordinator)


def test_plan_of_action_and_description_are_required(lea_coordinator, tree, windows, filing_day):
    case = draft(lea_coordinator, tree.school_a1, description="", plan_of_action="")
    with pytest.raises(ValidationError) as err:
        services.case_submit(case=case, actor=lea_coordinator)
    assert {"description", "plan_of_action"} <= set(err.value.message_dict)


def test_a_changed_eligibility_is_shown_again_before_filing(
    lea_coordinator, tree, windows, submitted_students
):
    # The data may change after the SSIDs were shown: a test reset since then gets no Re-open.
    case = draft(lea_coordinator, tree.school_a1, students=submitted_students)
    event = submitted_students[0].test_events.get()
    event.status, event.opened_at, event.expires_at = TestStatus.RESET, None, None
    event.submitted_at, event.questions_completed = None, 0
    event.save()
    with pytest.raises(ValidationError) as err:
        services.case_submit(case=case, actor=lea_coordinator)
    assert submitted_students[0].ssid in str(err.value.message_dict["selected"])
    assert not Appeal.objects.exists()
    assert Case.objects.get().status == CaseStatus.DRAFT


def test_a_student_without_a_test_event_gets_no_appeal(lea_coordinator, tree, windows, filing_day):
    student = StudentFactory(school=tree.school_a1, grade=5)
    case = draft(lea_coordinator, tree.school_a1)
    (row,) = services.case_set_students(case=case, actor=lea_coordinator, ssids=[student.ssid])
    assert row.test_event is None and not row.appealable
    assert "No Smarter Balanced Mathematics" in row.reason
    with pytest.raises(ValidationError):
        services.case_select_students(case=case, actor=lea_coordinator, ssids=[student.ssid])


def test_outside_the_window_the_rules_file_no_appeal(lea_coordinator, tree, submitted_students):
    # rule C-4: the window closed (no window at all here), so no SSID is appealable
    case = draft(lea_coordinator, tree.school_a1)
    rows = services.case_set_students(
        case=case, actor=lea_coordinator, ssids=[s.ssid for s in submitted_students]
    )
    assert not any(row.appealable for row in rows)


def test_numbers_are_sequential_and_restart_each_school_year(
    lea_coordinator, tree, windows, submitted_students
):
    numbers = []
    for student in submitted_students:
        case = draft(lea_coordinator, tree.school_a1, students=[student])
        numbers.append(services.case_submit(case=case, actor=lea_coordinator).number)
    assert numbers == ["2026-000001", "2026-000002", "2026-000003"]
    # The school year turns on July 1 (students/dates.py).
    with time_machine.travel(date(2027, 7, 2), tick=False):
        from students.models import TestingWindow

        TestingWindow.objects.create(
            lea=tree.lea_a, program="CAASPP", start_date=date(2027, 7, 1), end_date=date(2027, 9, 1)
        )
        case = draft(lea_coordinator, tree.school_a1, incident_date=date(2027, 7, 1))
        assert services.case_submit(case=case, actor=lea_coordinator).number == "2027-000001"


def test_a_rolled_back_submission_gives_its_number_back(lea_coordinator, tree, windows, filing_day):
    failing = draft(lea_coordinator, tree.school_a1, plan_of_action="")
    with pytest.raises(ValidationError):
        services.case_submit(case=failing, actor=lea_coordinator)
    case = draft(lea_coordinator, tree.school_a1)
    assert services.case_submit(case=case, actor=lea_coordinator).number == "2026-000001"


def test_student_count_must_match_the_ssids(lea_coordinator, tree, windows, submitted_students):
    case = draft(lea_coordinator, tree.school_a1, students=submitted_students)
    Case.objects.filter(pk=case.pk).update(student_count=4)
    with pytest.raises(ValidationError) as err:
        services.case_submit(case=case, actor=lea_coordinator)
    assert "student_count" in err.value.message_dict


def test_the_description_step_is_saved_on_the_draft(lea_coordinator, tree, windows, filing_day):
    # rule F-5: each step is saved on the draft row
    case = draft(lea_coordinator, tree.school_a1)
    services.case_update_draft(case=case, actor=lea_coordinator, comment="  Called CalTAC. ")
    case.refresh_from_db()
    assert case.comment == "Called CalTAC."
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.UPDATED).last().detail == (
        "Changed: comment."
    )
    assert timedelta(0) <= case.updated_at - case.created_at


def test_the_number_of_students_given_must_match_the_ssids(
    lea_coordinator, tree, windows, submitted_students
):
    # rule F-3: "the count must match the SSIDs" (issue 8, part 3)
    case = draft(lea_coordinator, tree.school_a1, student_count=2)
    services.case_set_students(
        case=case, actor=lea_coordinator, ssids=[s.ssid for s in submitted_students]
    )
    with pytest.raises(ValidationError) as err:
        services.case_submit(case=case, actor=lea_coordinator)
    assert "2 students and 3 SSIDs" in str(err.value.message_dict["student_count"])


def _queries_to_file(case, actor, students) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        services.case_set_students(case=case, actor=actor, ssids=[s.ssid for s in students])
        services.case_select_students(case=case, actor=actor, ssids=[s.ssid for s in students])
        services.case_submit(case=case, actor=actor)
    return len(captured)


def test_deciding_ssids_costs_a_fixed_number_of_queries_per_case(
    lea_coordinator, tree, windows, filing_day
):
    # Up to 500 SSIDs a case: the lookups are per case, only the appeals' inserts per SSID.
    def students(count):
        made = [StudentFactory(school=tree.school_a1, grade=5) for _ in range(count)]
        for student in made:
            make_event(student, test="SB_MATH", part="NON_PT", status=TestStatus.SUBMITTED)
        return made

    few, many = students(2), students(12)
    small = _queries_to_file(draft(lea_coordinator, tree.school_a1), lea_coordinator, few)
    large = _queries_to_file(draft(lea_coordinator, tree.school_a1), lea_coordinator, many)
    # Two inserts per appeal (the appeal and its timeline row), nothing else grows.
    assert large - small == 2 * (len(many) - len(few))
