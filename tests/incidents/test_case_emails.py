"""The emails of a case (issue 10): N-1 on submission, N-2 and N-3 on a note, the withdrawal, A-2's
decision emails, N-2's "processed", and the overdue alert to a review team. Sent through the
outbox after commit and written by the worker (``run_outbox``); both the text and the HTML part
carry SSIDs only, never a student's name, and subjects carry the case number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from appeals import decisions
from appeals.assignment import appeals_mark_overdue
from appeals.models import Appeal
from incidents import services
from incidents.case_models import CaseStudent
from notifications.models import Notice, Notification
from tests.factories import user_with_role
from tests.incidents.conftest import draft
from tests.incidents.review.conftest import file_case, manual_case, reopen_case

pytestmark = pytest.mark.django_db


manual_case = manual_case
reopen_case = reopen_case


def _submit(actor, school, students, run_outbox):
    return _submit_with(actor, school, students, run_outbox, "SUBMITTED_EARLY")


def _submit_with(actor, school, students, run_outbox, incident_code, **kwargs):
    case = draft(actor, school, students=students, incident_code=incident_code, **kwargs)
    with run_outbox():
        return services.case_submit(case=case, actor=actor)


def _away_colleague(reviewer, role: str, email: str):
    """A colleague of ``reviewer``'s team, marked away (no team emails while away)."""
    away = user_with_role(role, reviewer.grants.get().organization, email=email)
    away.away_since = timezone.now()
    away.save(update_fields=["away_since"])
    return away


def test_a_site_coordinators_case_emails_them_and_the_lea_coordinator(
    lea_coordinator, colleague, tree, windows, submitted_students, run_outbox
):
    # rule N-1: the submitter and, for a site coordinator, the program's LEA coordinator
    elpac_lea = user_with_role(
        Role.LEA_ELPAC_COORDINATOR, tree.lea_a, email="eve@alder.example.org"
    )
    case = _submit(colleague, tree.school_a1, submitted_students, run_outbox)

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([colleague.email, lea_coordinator.email])
    assert elpac_lea.email not in recipients  # another program's coordinator
    message = mail.outbox[0]
    assert case.number in message.subject
    for student in submitted_students:
        assert student.ssid in message.body
        # SSIDs only, never names
        assert student.first_name not in message.body and student.last_name not in message.body
    assert "Re-open, decided by CalTAC" in message.body


def test_an_lea_coordinators_case_emails_only_them(
    lea_coordinator, colleague, tree, windows, submitted_students, run_outbox
):
    # rule N-1
    _submit(lea_coordinator, tree.school_a1, submitted_students, run_outbox)
    assert [message.to for message in mail.outbox] == [[lea_coordinator.email]]


def test_no_email_is_queued_when_the_submission_fails(
    lea_coordinator, tree, windows, filing_day, run_outbox
):
    case = draft(lea_coordinator, tree.school_a1, plan_of_action="")
    with run_outbox(), pytest.raises(ValidationError):
        services.case_submit(case=case, actor=lea_coordinator)
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_note_emails_the_cases_people_but_not_its_author(
    lea_coordinator, colleague, tree, windows, submitted_students, run_outbox
):
    # rule N-2
    case = _submit(colleague, tree.school_a1, submitted_students, run_outbox)
    mail.outbox.clear()
    with run_outbox():
        services.case_note_add(
            case=case, actor=lea_coordinator, body="Please send the seating chart."
        )
    assert [message.to for message in mail.outbox] == [[colleague.email]]
    assert "Please send" not in mail.outbox[0].body  # read in STAIRS, not in an inbox
    assert case.number in mail.outbox[0].subject
    mail.outbox.clear()
    with run_outbox():
        services.case_note_add(case=case, actor=colleague, body="Sent by fax.")
    # The earlier note's author is one of the case's people now.
    assert [message.to for message in mail.outbox] == [[lea_coordinator.email]]


# --- helpers for the tests below ----------------------------------------------------------------


def _parts(message) -> tuple[str, str]:
    """The plain-text part and the HTML part of a sent email."""
    assert message.alternatives, "every STAIRS email has an HTML part"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return message.body, html


def _assert_no_names(message, students) -> None:
    # SSIDs only, never a student's name: neither in the subject, the text nor the HTML part.
    for part in (message.subject, *_parts(message)):
        for student in students:
            assert student.first_name not in part
            assert student.last_name not in part


def _to(messages) -> list[str]:
    return sorted(address for message in messages for address in message.to)


def _case_url(case) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("incidents:detail", args=[case.pk])


def _students(case):
    return [row.student for row in CaseStudent.objects.filter(case=case).select_related("student")]


@pytest.fixture
def caltac_colleague(tree):
    return user_with_role(
        Role.CALTAC_AGENT, tree.caltac, email="cat@caltac.example.org", full_name="Cat Help"
    )


# --- N-1: submission ----------------------------------------------------------------------------


def test_the_submission_email_has_the_case_its_appeals_and_a_link_in_both_parts(
    lea_coordinator, colleague, tree, windows, submitted_students, run_outbox
):
    # rule N-1: the case number, whether appeals were filed, and the way to the case
    case = _submit(colleague, tree.school_a1, submitted_students, run_outbox)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted([colleague.email, lea_coordinator.email])
    for message in mail.outbox:
        text, html = _parts(message)
        assert message.subject == f"STAIRS case {case.number} submitted"
        assert message.from_email == settings.DEFAULT_FROM_EMAIL  # rule N-4
        for part in (text, html):
            assert case.number in part
            assert _case_url(case) in part
            assert "Appeals filed (3)" in part
            for student in submitted_students:
                assert student.ssid in part
        _assert_no_names(message, submitted_students)


def test_a_case_with_no_appeal_says_so(
    lea_coordinator, tree, windows, submitted_students, run_outbox
):
    # rule N-1: "whether appeals were filed", also when none was
    case = _submit_with(
        lea_coordinator,
        tree.school_a1,
        submitted_students,
        run_outbox,
        "STUDENT_DISRUPTION",
        select=[],
    )
    assert not Appeal.objects.filter(case=case).exists()
    [message] = mail.outbox
    assert message.to == [lea_coordinator.email]
    for part in _parts(message):
        assert "No appeal was filed with this case." in part
        assert "Appeals filed" not in part
    _assert_no_names(message, submitted_students)


# --- N-2 / N-3: notes ---------------------------------------------------------------------------


def test_a_note_reaches_every_person_of_the_case_but_its_author(
    lea_coordinator,
    colleague,
    outsider,
    test_administrator,
    caltac_agent,
    caltac_colleague,
    cde_reviewer,
    tree,
    windows,
    submitted_students,
    run_outbox,
):
    # rule N-2: the filer and submitter, the program's LEA coordinator(s), the reviewers
    # involved (holding or having decided an appeal) and earlier note authors; never the author
    elpac_lea = user_with_role(
        Role.LEA_ELPAC_COORDINATOR, tree.lea_a, email="eve@alder.example.org"
    )
    second_lea = user_with_role(
        Role.LEA_CAASPP_COORDINATOR, tree.lea_a, email="ann@alder.example.org"
    )
    idle_agent = user_with_role(Role.CALTAC_AGENT, tree.caltac, email="ian@caltac.example.org")
    case = _submit(colleague, tree.school_a1, submitted_students, run_outbox)
    first, second, _third = Appeal.objects.filter(case=case).order_by("pk")
    decisions.appeal_claim(appeal=first, actor=caltac_agent)
    decisions.appeal_reject(appeal=second, actor=caltac_colleague, reason="No proof of it.")
    services.case_note_add(case=case, actor=test_administrator, body="The proctor's account.")
    mail.outbox.clear()

    with run_outbox():
        services.case_note_add(
            case=case, actor=lea_coordinator, body="Student Ana said she pressed submit."
        )

    assert _to(mail.outbox) == sorted(
        [
            colleague.email,  # filer and submitter
            second_lea.email,  # the program's other LEA coordinator
            caltac_agent.email,  # holds an appeal
            caltac_colleague.email,  # decided one
            test_administrator.email,  # wrote an earlier note
        ]
    )
    for left_out in (lea_coordinator, elpac_lea, outsider, idle_agent, cde_reviewer):
        assert left_out.email not in _to(mail.outbox)
    for message in mail.outbox:
        text, html = _parts(message)
        assert case.number in message.subject
        for part in (message.subject, text, html):
            # The note's text is read in STAIRS, never in an inbox.
            assert "pressed submit" not in part
        assert _case_url(case) in text and _case_url(case) in html
        _assert_no_names(message, submitted_students)


def test_a_note_on_a_case_for_cde_reaches_its_available_team_until_one_is_involved(
    lea_coordinator, cde_reviewer, cde_admin, manual_case, run_outbox
):
    # rule N-3: CDE hears of notes on cases involving its approval: the whole available team
    # while nobody at CDE holds the appeal, then only the reviewer involved.
    _away_colleague(cde_reviewer, Role.CDE_REVIEWER, "al@cde.example.org")
    mail.outbox.clear()
    with run_outbox():
        services.case_note_add(case=manual_case, actor=lea_coordinator, body="Seating chart.")
    assert _to(mail.outbox) == sorted([cde_reviewer.email, cde_admin.email])

    appeal = Appeal.objects.get(case=manual_case)
    decisions.appeal_claim(appeal=appeal, actor=cde_reviewer)
    mail.outbox.clear()
    with run_outbox():
        services.case_note_add(case=manual_case, actor=lea_coordinator, body="Second note.")
    assert _to(mail.outbox) == [cde_reviewer.email]

    # The involved CDE reviewer writes: the coordinator hears, CDE's team does not, nor they.
    mail.outbox.clear()
    with run_outbox():
        services.case_note_add(case=manual_case, actor=cde_reviewer, body="Please explain.")
    assert _to(mail.outbox) == [lea_coordinator.email]
    _assert_no_names(mail.outbox[0], _students(manual_case))


def test_a_note_on_a_case_without_cde_leaves_cde_alone(
    lea_coordinator, cde_reviewer, reopen_case, run_outbox
):
    # rule N-3 applies only to cases involving CDE's approval; CalTAC's appeals do not.
    mail.outbox.clear()
    with run_outbox():
        services.case_note_add(case=reopen_case, actor=lea_coordinator, body="A note.")
    assert mail.outbox == []  # the coordinator filed it alone, and nobody else is involved


# --- withdrawal ---------------------------------------------------------------------------------


def test_a_withdrawal_tells_the_cases_people_but_not_who_withdrew(
    lea_coordinator, colleague, tree, windows, submitted_students, run_outbox
):
    case = _submit(colleague, tree.school_a1, submitted_students, run_outbox)
    mail.outbox.clear()
    with run_outbox():
        services.case_withdraw(case=case, actor=lea_coordinator, reason="Filed twice.")
    [message] = mail.outbox
    assert message.to == [colleague.email]
    assert message.subject == f"STAIRS case {case.number} withdrawn"
    for part in _parts(message):
        assert _case_url(case) in part
        assert "Filed twice." not in part  # the reason is read on the case page
        for student in submitted_students:
            assert student.ssid in part
        assert "Withdrawn" in part
    _assert_no_names(message, submitted_students)


def test_a_coordinator_who_withdraws_their_own_case_tells_the_lea_coordinator(
    lea_coordinator, colleague, tree, windows, submitted_students, run_outbox
):
    case = _submit(colleague, tree.school_a1, submitted_students, run_outbox)
    mail.outbox.clear()
    with run_outbox():
        services.case_withdraw(case=case, actor=colleague, reason="Filed twice.")
    assert _to(mail.outbox) == [lea_coordinator.email]
    # Withdrawn, not processed: no "every appeal decided" email with it.
    assert "processed" not in mail.outbox[0].subject


# --- A-2 decisions and N-2 processed --------------------------------------------------------------


def test_each_decision_carries_its_reason_and_the_last_one_tells_every_ssids_outcome(
    lea_coordinator, caltac_agent, tree, windows, submitted_students, run_outbox
):
    # A student entered but not selected for appeal has no appeal: still listed (N-2).
    unselected = submitted_students[2]
    case = draft(
        lea_coordinator,
        tree.school_a1,
        students=submitted_students,
        select=submitted_students[:2],
    )
    with run_outbox():
        case = services.case_submit(case=case, actor=lea_coordinator)
    first, second = Appeal.objects.filter(case=case).order_by("pk")
    mail.outbox.clear()

    with run_outbox():
        decisions.appeal_reject(appeal=first, actor=caltac_agent, reason="No attendance record.")
    # rule A-2: the submitter is emailed when an appeal is processed, with the reason.
    [decision] = mail.outbox
    assert decision.to == [lea_coordinator.email]
    assert decision.subject == f"STAIRS case {case.number}: appeal rejected by CalTAC"
    for part in _parts(decision):
        assert first.student.ssid in part
        assert "No attendance record." in part
        assert second.student.ssid not in part  # only what was decided now
    _assert_no_names(decision, submitted_students)
    # The in-app notice beside it spells the team as the email does.
    assert Notice.objects.get(recipient=lea_coordinator, text__startswith="Appeal").text == (
        f"Appeal decision on STAIRS case {case.number}: "
        f"SSID {first.student.ssid} rejected by CalTAC."
    )
    mail.outbox.clear()

    with run_outbox():
        decisions.appeal_approve(appeal=second, actor=caltac_agent, reason="Checked the log.")
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        f"STAIRS case {case.number} processed: every appeal decided",
        f"STAIRS case {case.number}: appeal approved",
    ]
    processed = next(m for m in mail.outbox if "processed" in m.subject)
    assert processed.to == [lea_coordinator.email]
    text, html = _parts(processed)
    assert f"SSID {first.student.ssid}, Re-open: Rejected by CalTAC. No attendance record." in text
    assert f"SSID {second.student.ssid}, Re-open: Approved. Checked the log." in text
    assert f"SSID {unselected.ssid}: No appeal filed" in text
    for student in submitted_students:
        assert f"SSID {student.ssid}" in html
    assert "No appeal filed" in html and "No attendance record." in html
    _assert_no_names(processed, submitted_students)


def test_a_bulk_decision_sends_one_email_per_case_and_recipient(
    lea_coordinator, colleague, caltac_agent, tree, windows, filing_day, run_outbox
):
    # rule A-2, with one reason for all the selected appeals (issue 9, item 4)
    cases = [file_case(colleague, tree.school_a1, count=2) for _ in range(2)]
    ids = list(Appeal.objects.filter(case__in=cases).values_list("pk", flat=True))
    mail.outbox.clear()
    with run_outbox():
        result = decisions.appeals_decide_bulk(
            appeal_ids=ids, actor=caltac_agent, action="reject", reason="No evidence given."
        )
    assert len(result.outcomes) == 4
    decided = [m for m in mail.outbox if "appeal decisions" in m.subject]
    assert sorted((m.to[0], m.subject) for m in decided) == sorted(
        (colleague.email, f"STAIRS case {case.number}: 2 appeal decisions") for case in cases
    )
    for case in cases:
        [message] = [m for m in decided if case.number in m.subject]
        for part in _parts(message):
            assert part.count("No evidence given.") == 2
            for appeal in Appeal.objects.filter(case=case):
                assert appeal.student.ssid in part
        _assert_no_names(message, _students(case))
        other = next(c for c in cases if c != case)
        assert other.number not in message.body


# --- overdue ------------------------------------------------------------------------------------


def test_the_overdue_alert_goes_to_the_teams_available_members(
    reopen_case, caltac_agent, caltac_colleague, cde_reviewer, run_outbox
):
    _away_colleague(caltac_agent, Role.CALTAC_AGENT, "out@caltac.example.org")
    mail.outbox.clear()
    with run_outbox():
        counts = appeals_mark_overdue(now=timezone.now() + timedelta(days=30))
    assert counts == {"CALTAC": 2}
    assert _to(mail.outbox) == sorted([caltac_agent.email, caltac_colleague.email])
    for message in mail.outbox:
        assert message.subject == "STAIRS: 2 CalTAC appeals are now overdue"
        for part in _parts(message):
            assert "2 CalTAC appeals are now past the four-business-day target" in part
            assert "?view=overdue" in part
        _assert_no_names(message, _students(reopen_case))
    # Running it again finds nothing new: no second alert.
    mail.outbox.clear()
    with run_outbox():
        assert appeals_mark_overdue(now=timezone.now() + timedelta(days=31)) == {}
    assert mail.outbox == []
