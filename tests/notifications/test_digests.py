"""The daily digest (issue 10, item 1, "digest choice"): who chose one email a day gets the
emails about notes and decisions held (HELD) and gathered each morning into one digest, while
submission (N-1) and account emails stay immediate. The clock is pinned: a digest is dated."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core import mail

from accounts.emails import ROLE_ADDED, role_notice_queue
from accounts.models import Role
from appeals import decisions
from appeals.decision_emails import DECISION
from appeals.models import Appeal
from incidents import case_emails, services
from notifications.digests import DIGEST, digests_queue
from notifications.models import EmailPreference, Notification, NotificationStatus
from notifications.services import email_preference_set
from students import dates
from tests.factories import user_with_role
from tests.incidents import conftest as case_fixtures
from tests.incidents.conftest import draft
from tests.incidents.review.conftest import file_case

pytestmark = pytest.mark.django_db

windows = case_fixtures.windows
filing_day = case_fixtures.filing_day
submitted_students = case_fixtures.submitted_students

# Later the same day as the filing (a Wednesday), and the next morning's digest run.
AFTERNOON = datetime(2027, 3, 10, 14, 0, tzinfo=dates.PACIFIC)
EVENING = datetime(2027, 3, 10, 18, 0, tzinfo=dates.PACIFIC)
NEXT_MORNING = datetime(2027, 3, 11, 6, 30, tzinfo=dates.PACIFIC)
DIGEST_SUBJECT = "STAIRS daily summary for March 11, 2027"


@pytest.fixture
def caltac_agent(tree):
    return user_with_role(
        Role.CALTAC_AGENT, tree.caltac, email="carl@caltac.example.org", full_name="Carl Help"
    )


def _daily(*users) -> None:
    for user in users:
        EmailPreference.objects.create(user=user, daily_digest=True)


def _rows(user, kind: str) -> list[str]:
    return list(
        Notification.objects.filter(user=user, kind=kind)
        .order_by("pk")
        .values_list("status", flat=True)
    )


def _digest(address: str):
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message


def test_a_digest_reader_gets_notes_and_decisions_held_but_submission_and_account_at_once(
    lea_coordinator, colleague, caltac_agent, tree, windows, filing_day, run_outbox
):
    _daily(lea_coordinator)
    with run_outbox():
        case = file_case(lea_coordinator, tree.school_a1, count=2)
        role_notice_queue(
            user=lea_coordinator,
            role=Role.LEA_ELPAC_COORDINATOR,
            organization=tree.lea_a,
            site_url="https://stairs.example.org",
        )
    # N-1 and account emails are always immediate.
    assert _rows(lea_coordinator, case_emails.SUBMITTED) == [NotificationStatus.SENT]
    assert _rows(lea_coordinator, ROLE_ADDED) == [NotificationStatus.SENT]
    assert len(mail.outbox) == 2
    mail.outbox.clear()

    first, second = Appeal.objects.filter(case=case).order_by("pk")
    with run_outbox():
        services.case_note_add(case=case, actor=caltac_agent, body="Which class period?")
        decisions.appeal_approve(appeal=first, actor=caltac_agent, reason="Checked.")
        decisions.appeal_reject(appeal=second, actor=caltac_agent, reason="No record.")
    # Notes, decisions and "processed" wait for the digest: nothing is sent now.
    assert mail.outbox == []
    assert _rows(lea_coordinator, case_emails.NOTE) == [NotificationStatus.HELD]
    assert _rows(lea_coordinator, DECISION) == [NotificationStatus.HELD] * 2
    assert _rows(lea_coordinator, case_emails.PROCESSED) == [NotificationStatus.HELD]


def test_someone_who_did_not_choose_the_digest_gets_each_email_at_once(
    lea_coordinator, colleague, caltac_agent, tree, windows, filing_day, run_outbox
):
    _daily(lea_coordinator)  # the LEA coordinator's choice is theirs alone
    case = file_case(colleague, tree.school_a1)
    mail.outbox.clear()
    with run_outbox():
        services.case_note_add(case=case, actor=caltac_agent, body="Which class period?")
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    assert _rows(lea_coordinator, case_emails.NOTE) == [NotificationStatus.HELD]
    assert _rows(colleague, case_emails.NOTE) == [NotificationStatus.SENT]


def test_the_morning_run_sends_one_digest_per_person_oldest_first_and_only_once(
    lea_coordinator, colleague, caltac_agent, tree, windows, filing_day, run_outbox
):
    _daily(lea_coordinator, colleague)
    case = file_case(colleague, tree.school_a1)
    appeal = Appeal.objects.get(case=case)
    with time_machine.travel(AFTERNOON, tick=False), run_outbox():
        services.case_note_add(case=case, actor=caltac_agent, body="Which class period?")
    with time_machine.travel(EVENING, tick=False), run_outbox():
        decisions.appeal_reject(appeal=appeal, actor=caltac_agent, reason="No attendance record.")
    mail.outbox.clear()
    held = {
        user.pk: list(
            Notification.objects.filter(user=user, status=NotificationStatus.HELD).order_by("pk")
        )
        for user in (colleague, lea_coordinator)
    }
    # The submitter: the note, the decision and "processed"; the LEA coordinator: the note.
    assert [len(rows) for rows in held.values()] == [3, 1]

    with time_machine.travel(NEXT_MORNING, tick=False), run_outbox():
        assert digests_queue() == 2

    assert sorted(m.to[0] for m in mail.outbox) == sorted([colleague.email, lea_coordinator.email])
    mine = _digest(colleague.email)
    assert mine.subject == f"{DIGEST_SUBJECT}: 3 updates"
    note_subject = f"STAIRS case {case.number}: a new note from Carl Help"
    decision_subject = f"STAIRS case {case.number}: appeal rejected by CalTAC"
    processed_subject = f"STAIRS case {case.number} processed: every appeal decided"
    html = mine.alternatives[0][0]
    for part in (mine.body, html):
        # Each entry's own subject and part, in the order they happened.
        # (The decision and "processed" happened in one transaction, at the same moment.)
        note_at = part.index(note_subject)
        assert note_at < part.index(decision_subject) and note_at < part.index(processed_subject)
        assert "No attendance record." in part  # the decision's reason
        assert "Which class period?" not in part  # a note's text is never emailed
        assert appeal.student.ssid in part
        assert appeal.student.last_name not in part and appeal.student.first_name not in part
    assert "<li>SSID" in html  # the entries' HTML parts, not their text
    theirs = _digest(lea_coordinator.email)
    assert theirs.subject == f"{DIGEST_SUBJECT}: 1 update"
    assert note_subject in theirs.body and decision_subject not in theirs.body

    for user_id, rows in held.items():
        digest = Notification.objects.get(user_id=user_id, kind=DIGEST)
        assert digest.status == NotificationStatus.SENT
        assert list(
            Notification.objects.filter(digest=digest).order_by("pk").values_list("pk", "status")
        ) == [(row.pk, NotificationStatus.DIGESTED) for row in rows]

    # A second run, even the same morning, finds nothing left to send.
    mail.outbox.clear()
    with time_machine.travel(NEXT_MORNING, tick=False), run_outbox():
        assert digests_queue() == 0
    assert mail.outbox == []
    assert Notification.objects.filter(kind=DIGEST).count() == 2


def test_an_entry_whose_case_was_deleted_is_left_out_and_an_empty_digest_is_not_sent(
    lea_coordinator, colleague, tree, windows, filing_day, submitted_students, run_outbox
):
    _daily(lea_coordinator, colleague)
    # The colleague's draft gets a note from the LEA coordinator, then is deleted.
    gone = draft(colleague, tree.school_a1, students=submitted_students[:1])
    with time_machine.travel(AFTERNOON, tick=False), run_outbox():
        services.case_note_add(case=gone, actor=lea_coordinator, body="Add the seating chart.")
    # The LEA coordinator's submitted case gets a note from the colleague.
    kept = draft(lea_coordinator, tree.school_a1, students=submitted_students[1:])
    kept = services.case_submit(case=kept, actor=lea_coordinator)
    with time_machine.travel(EVENING, tick=False), run_outbox():
        services.case_note_add(case=kept, actor=colleague, body="Chart attached.")
        services.case_note_add(case=gone, actor=colleague, body="Ready to submit?")
    services.case_delete_draft(case=gone, actor=colleague)
    mail.outbox.clear()

    with time_machine.travel(NEXT_MORNING, tick=False), run_outbox():
        assert digests_queue() == 2

    # The LEA coordinator's digest has the kept case's note only.
    [message] = mail.outbox
    assert message.to == [lea_coordinator.email]
    assert message.subject == f"{DIGEST_SUBJECT}: 1 update"
    assert f"STAIRS case {kept.number}: a new note" in message.body
    assert f"draft case {gone.pk}" not in message.body
    # The colleague's digest held only the deleted draft's note: not sent, and said why.
    empty = Notification.objects.get(user=colleague, kind=DIGEST)
    assert empty.status == NotificationStatus.SKIPPED
    assert "Nothing held" in empty.last_error
    assert not Notification.objects.filter(status=NotificationStatus.HELD).exists()


def test_choosing_immediate_emails_again_sends_what_was_held(
    lea_coordinator, caltac_agent, tree, windows, filing_day, run_outbox
):
    _daily(lea_coordinator)
    case = file_case(lea_coordinator, tree.school_a1)
    with run_outbox():
        services.case_note_add(case=case, actor=caltac_agent, body="Which class period?")
    mail.outbox.clear()
    with run_outbox():
        email_preference_set(user=lea_coordinator, daily_digest=False)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([lea_coordinator.email], f"STAIRS case {case.number}: a new note from Carl Help")
    ]
    assert _rows(lea_coordinator, case_emails.NOTE) == [NotificationStatus.SENT]
    assert not EmailPreference.objects.get(user=lea_coordinator).daily_digest
    # Nothing is left for the morning, and what comes next is immediate.
    with time_machine.travel(NEXT_MORNING, tick=False), run_outbox():
        assert digests_queue() == 0
        services.case_note_add(case=case, actor=caltac_agent, body="Thanks.")
    assert len(mail.outbox) == 2
    assert _rows(lea_coordinator, case_emails.NOTE) == [NotificationStatus.SENT] * 2
