"""The emails of a case: N-1 on submission, N-2 on a note. Through the outbox, after commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import Role
from incidents import services
from notifications.models import Notification
from tests.factories import user_with_role
from tests.incidents.conftest import draft

pytestmark = pytest.mark.django_db


def _submit(actor, school, students, run_outbox):
    case = draft(actor, school, students=students)
    with run_outbox():
        return services.case_submit(case=case, actor=actor)


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
