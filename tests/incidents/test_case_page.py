"""The case page and its actions: continue or delete a draft, withdraw a pending case, add a
note (issue 8, parts 7 and 9; F-5, F-7, N-2), for each persona."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals.decisions import appeal_reject
from appeals.models import Appeal
from incidents import services
from incidents.case_models import Case, CaseEvent, CaseEventKind, CaseNote
from incidents.models import AnswerChoice
from stairs.vocabulary import AppealStatus, CaseStatus, TestStatus
from tests.factories import Role, user_with_role
from tests.incidents.conftest import draft
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db


def students_of(school, count: int) -> list:
    """``count`` grade-5 students of ``school`` whose SB Math non-PT was submitted (Re-open)."""
    students = [StudentFactory(school=school, grade=5) for _ in range(count)]
    for student in students:
        make_event(student, test="SB_MATH", part="NON_PT", status=TestStatus.SUBMITTED)
    return students


def submitted(actor, school, students=(), **fields) -> Case:
    return services.case_submit(case=draft(actor, school, students=students, **fields), actor=actor)


@pytest.fixture
def pending_case(colleague, tree, windows, submitted_students) -> Case:
    """Filed by the site coordinator of school A1: three Re-open appeals waiting for CalTAC."""
    case = submitted(colleague, tree.school_a1, submitted_students)
    assert case.status == CaseStatus.PENDING_CALTAC_APPROVAL
    return case


@pytest.fixture
def draft_case(colleague, tree, windows, filing_day) -> Case:
    return draft(colleague, tree.school_a1)


def _body(response) -> str:
    return response.content.decode()


def _h1(response) -> str:
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", _body(response), re.S)
    assert len(found) == 1
    return found[0].strip()


# --- who sees the case page (part 9) ---------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["colleague", "lea_coordinator", "cde_reviewer", "caltac_agent"]
)
def test_the_case_page_opens_for_everyone_in_scope(request, client, pending_case, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("incidents:detail", args=[pending_case.pk]))
    assert response.status_code == 200
    assert _h1(response) == f"Case {pending_case.number}"
    assert f"<title>Case {pending_case.number}" in _body(response)


def test_another_leas_case_is_a_404_like_a_missing_one(client, outsider, pending_case):
    # rule U-4: nobody sees another LEA's cases; out of scope answers as missing does
    client.force_login(outsider)
    assert client.get(reverse("incidents:detail", args=[pending_case.pk])).status_code == 404
    assert client.get(reverse("incidents:detail", args=[pending_case.pk + 999])).status_code == 404


def test_a_site_coordinator_does_not_see_the_other_schools_cases(
    client, tree, lea_coordinator, colleague, windows, filing_day
):
    # rule U-4: a site role sees its own school only
    other = draft(lea_coordinator, tree.school_a2)
    client.force_login(colleague)
    assert client.get(reverse("incidents:detail", args=[other.pk])).status_code == 404


def test_a_coordinator_sees_only_cases_of_their_own_program(client, tree, pending_case):
    # rule F-7: a coordinator files and sees the cases of their own program(s)
    elpac = user_with_role(Role.LEA_ELPAC_COORDINATOR, tree.lea_a)
    client.force_login(elpac)
    assert client.get(reverse("incidents:detail", args=[pending_case.pk])).status_code == 404


def test_a_test_administrator_sees_no_case(client, test_administrator, pending_case):
    client.force_login(test_administrator)
    assert client.get(reverse("incidents:detail", args=[pending_case.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, pending_case):
    for name in ("detail", "delete", "withdraw"):
        response = client.get(reverse(f"incidents:{name}", args=[pending_case.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# --- what the page shows ---------------------------------------------------------------------


def test_the_page_shows_details_students_appeals_and_timeline(
    client, lea_coordinator, pending_case, submitted_students
):
    client.force_login(lea_coordinator)
    body = _body(client.get(reverse("incidents:detail", args=[pending_case.pk])))
    assert "Pending CalTAC approval" in body
    for expected in (
        "Alder Elementary",
        "Alder Unified",
        "March 9, 2027, 9:30 a.m.",
        "Smarter Balanced Mathematics, non-PT (CAT)",
        "Student submitted the test before finishing",
        pending_case.description,
        pending_case.plan_of_action,
        "Bob Alder",  # filed and submitted by the site coordinator
    ):
        assert expected in body, expected
    for student in submitted_students:
        # SSIDs only, never a student's name (the page may be printed or screenshotted)
        assert student.ssid in body
        assert student.first_name not in body and student.last_name not in body
    assert body.count("Re-open") >= 3
    assert f"Submitted as case {pending_case.number} with 3 appeal(s)" in body
    assert "Draft → Pending CalTAC approval" in body


def test_a_draft_is_titled_by_its_id(client, colleague, draft_case):
    client.force_login(colleague)
    response = client.get(reverse("incidents:detail", args=[draft_case.pk]))
    assert _h1(response) == f"Draft case {draft_case.pk}"


def test_follow_up_answers_are_shown_in_words(client, tree, colleague, windows, filing_day):
    case = draft(
        colleague,
        tree.school_a1,
        incident_code="TEST_EXPIRED",
        answers={"cause": "EXCUSED_ABSENCE"},
    )
    choice = AnswerChoice.objects.get(
        question__incident_type__code="TEST_EXPIRED", code="EXCUSED_ABSENCE"
    )
    client.force_login(colleague)
    body = _body(client.get(reverse("incidents:detail", args=[case.pk])))
    assert choice.question.text in body
    assert choice.label in body
    assert "EXCUSED_ABSENCE" not in body


def test_a_late_case_says_so_and_an_early_one_does_not(
    client, tree, colleague, windows, submitted_students
):
    # rule S-5: a case submitted more than 24 hours after the incident shows as late
    late = submitted(
        colleague, tree.school_a1, submitted_students[:1], incident_date=date(2027, 3, 6)
    )
    on_time = submitted(colleague, tree.school_a1, submitted_students[1:], incident_time=time(11))
    assert (late.late, on_time.late) == (True, False)
    client.force_login(colleague)
    body = _body(client.get(reverse("incidents:detail", args=[late.pk])))
    assert "more than 24 hours after the incident" in body
    body = _body(client.get(reverse("incidents:detail", args=[on_time.pk])))
    assert "more than 24 hours after the incident" not in body
    assert ">Late<" not in body


def test_a_rejection_and_its_reason_come_first(client, lea_coordinator, caltac_agent, pending_case):
    appeal = Appeal.objects.filter(case=pending_case).order_by("pk").first()
    appeal_reject(
        appeal=appeal,
        actor=caltac_agent,
        reason="The test was completed after the incident",
    )
    client.force_login(lea_coordinator)
    body = _body(client.get(reverse("incidents:detail", args=[pending_case.pk])))
    top = body.index("An appeal was rejected")
    assert top < body.index("Details")
    assert "Rejected by CalTAC on <time" in body[top:]
    assert "Reason: The test was completed after the incident" in body[top:]
    assert appeal.student.ssid in body[top : body.index("Details")]


def test_the_page_costs_the_same_queries_for_3_or_30_students(
    client, tree, colleague, lea_coordinator, windows, filing_day
):
    def queries_for(count: int) -> int:
        case = submitted(colleague, tree.school_a1, students_of(tree.school_a1, count))
        services.case_note_add(case=case, actor=lea_coordinator, body=f"Seen, {count}.")
        client.force_login(lea_coordinator)
        url = reverse("incidents:detail", args=[case.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = queries_for(3)
    assert queries_for(30) == few
    assert few <= 14


# --- drafts: continue and delete (F-5) -------------------------------------------------------


def test_a_filer_may_continue_or_delete_a_draft(client, colleague, draft_case):
    client.force_login(colleague)
    body = _body(client.get(reverse("incidents:detail", args=[draft_case.pk])))
    # The incident type is chosen: Continue resumes at Confirm Details, which lists what is left.
    assert reverse("incidents:wizard_confirm", args=[draft_case.pk]) in body
    assert reverse("incidents:delete", args=[draft_case.pk]) in body


def test_a_draft_without_an_issue_resumes_at_the_issue_step(
    client, tree, colleague, windows, filing_day
):
    case = services.case_create_draft(
        actor=colleague, school=tree.school_a1, test="SB_MATH", part="NON_PT", grade=5
    )
    client.force_login(colleague)
    body = _body(client.get(reverse("incidents:detail", args=[case.pk])))
    assert reverse("incidents:wizard_issue", args=[case.pk]) in body


def test_cde_reads_a_draft_without_its_actions(client, cde_reviewer, draft_case):
    client.force_login(cde_reviewer)
    body = _body(client.get(reverse("incidents:detail", args=[draft_case.pk])))
    assert reverse("incidents:delete", args=[draft_case.pk]) not in body
    assert "Continue" not in body


def test_deleting_asks_first_then_deletes_on_post(client, colleague, draft_case):
    client.force_login(colleague)
    url = reverse("incidents:delete", args=[draft_case.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert _h1(response) == f"Delete draft case {draft_case.pk}?"
    assert Case.objects.filter(pk=draft_case.pk).exists()  # the GET changes nothing
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("incidents:search")
    assert f"Draft case {draft_case.pk} was deleted." in _body(response)
    assert not Case.objects.filter(pk=draft_case.pk).exists()


def test_a_colleague_of_the_lea_may_delete_the_draft_too(client, lea_coordinator, draft_case):
    client.force_login(lea_coordinator)
    client.post(reverse("incidents:delete", args=[draft_case.pk]))
    assert not Case.objects.filter(pk=draft_case.pk).exists()


def test_nobody_outside_deletes_a_draft(client, outsider, cde_reviewer, draft_case):
    url = reverse("incidents:delete", args=[draft_case.pk])
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(cde_reviewer)
    assert client.post(url).status_code == 403
    assert Case.objects.filter(pk=draft_case.pk).exists()


def test_a_submitted_case_is_not_deleted(client, colleague, pending_case):
    client.force_login(colleague)
    response = client.post(reverse("incidents:delete", args=[pending_case.pk]), follow=True)
    assert "a submitted case is kept" in _body(response)
    assert Case.objects.filter(pk=pending_case.pk).exists()


def test_deleting_needs_the_csrf_token(colleague, draft_case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(colleague)
    assert client.post(reverse("incidents:delete", args=[draft_case.pk])).status_code == 403
    assert Case.objects.filter(pk=draft_case.pk).exists()


# --- withdraw a pending case -----------------------------------------------------------------


def test_withdraw_asks_for_a_reason_then_withdraws_the_pending_appeals(
    client, lea_coordinator, pending_case
):
    client.force_login(lea_coordinator)
    detail = _body(client.get(reverse("incidents:detail", args=[pending_case.pk])))
    url = reverse("incidents:withdraw", args=[pending_case.pk])
    assert url in detail
    response = client.get(url)
    assert response.status_code == 200
    assert "3 appeals still waiting for a decision are withdrawn" in _body(response)
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert 'id="id_reason"' in _body(response) and "This field is required." in _body(response)
    pending_case.refresh_from_db()
    assert pending_case.status == CaseStatus.PENDING_CALTAC_APPROVAL
    response = client.post(url, {"reason": "Filed for the wrong school."}, follow=True)
    assert f"Case {pending_case.number} was withdrawn." in _body(response)
    pending_case.refresh_from_db()
    assert pending_case.status == CaseStatus.COMPLETED
    assert set(pending_case.appeals.values_list("status", flat=True)) == {AppealStatus.WITHDRAWN}
    event = CaseEvent.objects.get(case=pending_case, kind=CaseEventKind.WITHDRAWN)
    assert (event.actor, event.reason) == (lea_coordinator, "Filed for the wrong school.")
    assert "Filed for the wrong school." in _body(response)  # on the timeline


def test_readers_and_outsiders_do_not_withdraw(client, cde_reviewer, outsider, pending_case):
    url = reverse("incidents:withdraw", args=[pending_case.pk])
    client.force_login(cde_reviewer)
    assert url not in _body(client.get(reverse("incidents:detail", args=[pending_case.pk])))
    assert client.post(url, {"reason": "No."}).status_code == 403
    client.force_login(outsider)
    assert client.post(url, {"reason": "No."}).status_code == 404
    pending_case.refresh_from_db()
    assert pending_case.status == CaseStatus.PENDING_CALTAC_APPROVAL


def test_a_completed_case_cannot_be_withdrawn(client, colleague, pending_case):
    client.force_login(colleague)
    url = reverse("incidents:withdraw", args=[pending_case.pk])
    client.post(url, {"reason": "Once."})
    response = client.post(url, {"reason": "Twice."}, follow=True)
    assert "cannot be withdrawn" in _body(response)
    assert CaseEvent.objects.filter(case=pending_case, kind=CaseEventKind.WITHDRAWN).count() == 1


# --- notes (N-2) -----------------------------------------------------------------------------


def test_a_note_is_added_and_the_cases_people_are_emailed(
    client, lea_coordinator, colleague, pending_case, run_outbox
):
    # rule N-2: an email when a comment is added under Notes
    client.force_login(lea_coordinator)
    url = reverse("incidents:note_add", args=[pending_case.pk])
    with run_outbox():
        response = client.post(url, {"body": "CalTAC asked for the seating chart."})
    assert response.status_code == 302
    assert response["Location"].endswith("#notes")
    note = CaseNote.objects.get(case=pending_case)
    assert (note.author, note.body) == (lea_coordinator, "CalTAC asked for the seating chart.")
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    assert "seating chart" not in mail.outbox[0].body  # the email names the case, not the note
    body = _body(client.get(reverse("incidents:detail", args=[pending_case.pk])))
    assert "CalTAC asked for the seating chart." in body


def test_cde_may_add_a_note(client, cde_reviewer, pending_case):
    # rule D-3: CDE may review any case and ask the LEA for more
    client.force_login(cde_reviewer)
    client.post(reverse("incidents:note_add", args=[pending_case.pk]), {"body": "Please call."})
    assert CaseNote.objects.filter(case=pending_case, author=cde_reviewer).exists()


def test_a_note_with_personal_information_is_refused_and_kept_in_its_box(
    client, lea_coordinator, pending_case, submitted_students
):
    client.force_login(lea_coordinator)
    name = submitted_students[0].first_name
    text = f"Call {name} at parent@example.org."
    response = client.post(reverse("incidents:note_add", args=[pending_case.pk]), {"body": text})
    assert response.status_code == 400
    body = _body(response)
    assert "Remove the personal information first" in body
    assert "an email address" in body.lower() or "email" in body
    assert not CaseNote.objects.exists()
    # What was typed is not lost.
    assert "parent@example.org" in body


def test_a_note_may_name_a_student_by_ssid(client, lea_coordinator, pending_case):
    ssid = pending_case.students.first().student.ssid
    client.force_login(lea_coordinator)
    client.post(reverse("incidents:note_add", args=[pending_case.pk]), {"body": f"SSID {ssid}."})
    assert CaseNote.objects.filter(case=pending_case).exists()


def test_notes_are_post_only_and_scoped(client, lea_coordinator, outsider, pending_case):
    url = reverse("incidents:note_add", args=[pending_case.pk])
    client.force_login(lea_coordinator)
    assert client.get(url).status_code == 405
    client.force_login(outsider)
    assert client.post(url, {"body": "Hello."}).status_code == 404
    assert not CaseNote.objects.exists()


def test_an_empty_note_is_refused(client, lea_coordinator, pending_case):
    client.force_login(lea_coordinator)
    response = client.post(reverse("incidents:note_add", args=[pending_case.pk]), {"body": " "})
    assert response.status_code == 400
    assert not CaseNote.objects.exists()


def test_the_page_says_which_ssids_were_selected_for_appeal(
    client, tree, colleague, windows, submitted_students
):
    case = draft(
        colleague, tree.school_a1, students=submitted_students, select=submitted_students[1:]
    )
    client.force_login(colleague)
    body = _body(client.get(reverse("incidents:detail", args=[case.pk])))
    chosen = ", ".join(s.ssid for s in submitted_students[1:])
    assert f'<span class="font-monospace">{chosen}</span> (2 of 3)' in body


@pytest.mark.parametrize(
    "name, data", [("delete", {}), ("withdraw", {"reason": "Why."}), ("note_add", {"body": "Hi."})]
)
def test_every_action_needs_the_csrf_token(colleague, pending_case, draft_case, name, data):
    case = draft_case if name == "delete" else pending_case
    client = Client(enforce_csrf_checks=True)
    client.force_login(colleague)
    assert client.post(reverse(f"incidents:{name}", args=[case.pk]), data).status_code == 403
    assert Case.objects.filter(pk=draft_case.pk).exists()
    assert not CaseNote.objects.exists()
    pending_case.refresh_from_db()
    assert pending_case.status == CaseStatus.PENDING_CALTAC_APPROVAL


def test_anonymous_posts_change_nothing(client, pending_case, draft_case):
    client.post(reverse("incidents:delete", args=[draft_case.pk]))
    client.post(reverse("incidents:withdraw", args=[pending_case.pk]), {"reason": "x"})
    response = client.post(reverse("incidents:note_add", args=[pending_case.pk]), {"body": "x"})
    assert response.status_code == 302
    assert Case.objects.filter(pk=draft_case.pk).exists()
    assert not CaseNote.objects.exists()
    pending_case.refresh_from_db()
    assert pending_case.status == CaseStatus.PENDING_CALTAC_APPROVAL


def test_caltac_reads_a_case_it_did_not_file(client, caltac_agent, pending_case):
    # rule F-7: CalTAC files only a Restore on an LEA's behalf; other cases it reads
    client.force_login(caltac_agent)
    body = _body(client.get(reverse("incidents:detail", args=[pending_case.pk])))
    assert reverse("incidents:withdraw", args=[pending_case.pk]) not in body
    url = reverse("incidents:withdraw", args=[pending_case.pk])
    assert client.post(url, {"reason": "No."}).status_code == 403


def test_yes_no_answers_and_the_breach_call_record_are_shown(
    client, tree, lea_coordinator, windows, filing_day
):
    # rule S-3: a breach records who was called and when; the case page shows it
    case = draft(
        lea_coordinator,
        tree.school_a1,
        incident_code="TECHNICAL_DISRUPTION",
        answers={"pause_expired": True, "student_break": False},
    )
    client.force_login(lea_coordinator)
    body = _body(client.get(reverse("incidents:detail", args=[case.pk])))
    questions = dict(case.incident_type.questions.values_list("key", "text"))
    for key, word in (("pause_expired", "Yes"), ("student_break", "No")):
        row = re.search(
            rf"<dt>{re.escape(questions[key])}</dt>\s*<dd>([^<]*)</dd>", body.replace("&#x27;", "'")
        )
        assert row and row.group(1) == word
    assert "Breach call record" not in body  # an impropriety: nobody had to be called
    assert "Started by" in body and "Filed by" not in body
    breach = draft(
        lea_coordinator,
        tree.school_a1,
        incident_code="SOCIAL_MEDIA_ADULT",
        breach_call_record="Called CDE at 9:45 a.m.",
    )
    body = _body(client.get(reverse("incidents:detail", args=[breach.pk])))
    assert "Breach call record" in body and "Called CDE at 9:45 a.m." in body
