"""The emails sent each morning (issue 10, item 1): the draft reminder to LEA coordinators while
drafts exist and the testing window is open (N-5), and CDE's daily digest of what waits for its
decision or approval (N-3). Keyed once a day, written by the worker when it sends, counted then.

The clock is pinned: drafts are filed on Wednesday March 10, 2027 (``filing_day``) and the
reminders go out the next morning at 6:30 in California; the windows run January 11 to June 4.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from appeals.models import Appeal
from incidents import services, tasks
from incidents.case_models import Case
from incidents.scheduled_emails import (
    CDE_DIGEST,
    DRAFT_REMINDER,
    cde_digest_queue,
    draft_reminders_queue,
)
from notifications.models import Notification, NotificationStatus
from notifications.renderers import NotificationNotNeeded, render
from notifications.services import row_key
from notifications.tasks import send_notification
from stairs.vocabulary import AppealStatus, AppealType, CaseStatus, Reviewer, TestStatus
from students import dates
from students.models import TestingWindow
from tests.factories import LeaFactory, SchoolFactory, user_with_role
from tests.incidents.conftest import draft
from tests.incidents.review.conftest import add_appeals, file_case
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db

MORNING = datetime(2027, 3, 11, 6, 30, tzinfo=dates.PACIFIC)  # Thursday, after filing_day


def _morning(day: datetime = MORNING):
    return time_machine.travel(day, tick=False)


def _to(outbox) -> list[str]:
    return sorted(message.to[0] for message in outbox)


def _html(message) -> str:
    return message.alternatives[0][0]


def _no_names(students, *texts: str) -> None:
    for student in students:
        for text in texts:
            assert student.first_name not in text and student.last_name not in text


# --- N-5: the draft reminder ------------------------------------------------------------------


@pytest.fixture
def drafts(lea_coordinator, colleague, tree, windows, filing_day):
    """Two CAASPP drafts of LEA A, one by its LEA coordinator and one by a site coordinator of
    school A1, with students entered; one CAASPP draft of LEA B."""
    students = [StudentFactory(school=tree.school_a1, grade=5) for _ in range(2)]
    for student in students:
        make_event(student, status=TestStatus.SUBMITTED)
    mine = draft(lea_coordinator, tree.school_a1, students=students[:1])
    theirs = draft(colleague, tree.school_a1, students=students[1:])
    birch = user_with_role(Role.SITE_CAASPP_COORDINATOR, tree.school_b1)
    other = draft(birch, tree.school_b1)
    return {"a": [mine, theirs], "b": other, "students": students}


def test_the_reminder_reaches_the_programs_lea_coordinators_of_the_lea_only(
    drafts, lea_coordinator, colleague, outsider, tree, run_outbox
):
    # rule N-5: LEA A's CAASPP drafts, the site coordinator's among them, to LEA A's CAASPP
    # coordinators; not to its ELPAC coordinator, its site coordinator, an inactive coordinator,
    # nor to LEA B's coordinator (who gets LEA B's own reminder).
    second = user_with_role(Role.LEA_CAASPP_COORDINATOR, tree.lea_a, email="al@alder.example.org")
    user_with_role(Role.LEA_ELPAC_COORDINATOR, tree.lea_a, email="eve@alder.example.org")
    gone = user_with_role(Role.LEA_CAASPP_COORDINATOR, tree.lea_a, email="gone@alder.example.org")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    mail.outbox.clear()
    with _morning(), run_outbox():
        assert draft_reminders_queue() == 3

    assert _to(mail.outbox) == sorted([lea_coordinator.email, second.email, outsider.email])
    to_a = next(m for m in mail.outbox if m.to == [lea_coordinator.email])
    assert to_a.subject == (
        "STAIRS reminder: 2 CAASPP drafts not submitted, 85 days left in the window"
    )
    for body in (to_a.body, _html(to_a)):
        assert "Alder Unified has" in body
        assert "June 4, 2027" in body
        assert "85 days left" in body
        assert settings.SITE_URL.rstrip("/") + "/cases/?status=DRAFT" in body
    _no_names(drafts["students"], to_a.body, _html(to_a))
    to_b = next(m for m in mail.outbox if m.to == [outsider.email])
    assert "Birch Unified has 1 CAASPP case in draft" in to_b.body
    assert "Alder" not in to_b.body


def test_the_reminders_content_rendered_from_ids_has_no_student_names(drafts, tree):
    # rule N-5, and emails carry no names (architecture.md)
    payload = {"lea_id": tree.lea_a.pk, "program": "CAASPP", "date": "2027-03-11"}
    with _morning():
        email = render(DRAFT_REMINDER, payload)
    assert "2 CAASPP cases in draft" in email.text
    assert "/cases/?status=DRAFT" in email.text and "/cases/?status=DRAFT" in email.html
    _no_names(drafts["students"], email.subject, email.text, email.html)
    for case in drafts["a"]:
        assert case.description not in email.text


def test_on_the_windows_last_day_the_reminder_says_it_closes_today(drafts, lea_coordinator):
    # rule N-5: the days left, down to the last day (A-3: no appeal once it closes)
    mail.outbox.clear()
    with _morning(datetime(2027, 6, 4, 6, 30, tzinfo=dates.PACIFIC)):
        draft_reminders_queue()
        row = Notification.objects.get(recipient=lea_coordinator.email)
        email = render(row.kind, row.payload)
    assert email.subject.endswith("the window closes today")
    assert "today is its last day" in email.text


def test_no_reminder_once_the_window_has_closed_or_before_it_opens(drafts):
    # rule N-5: only while the window is open
    for day in (date(2027, 6, 5), date(2027, 1, 10)):
        with _morning(datetime.combine(day, MORNING.timetz())):
            assert draft_reminders_queue() == 0
    assert not Notification.objects.exists()


def test_no_reminder_for_an_lea_without_drafts(drafts, lea_coordinator, outsider, run_outbox):
    # rule N-5: LEA B's only draft is submitted-or-gone: nothing for LEA B
    services.case_delete_draft(case=drafts["b"], actor=drafts["b"].created_by)
    mail.outbox.clear()
    with _morning(), run_outbox():
        draft_reminders_queue()
    assert _to(mail.outbox) == [lea_coordinator.email]


def test_no_reminder_for_a_program_whose_window_is_closed(drafts, lea_coordinator, outsider, tree):
    # rule N-5: windows are per program; LEA A's CAASPP window ended early this year
    TestingWindow.objects.filter(lea=tree.lea_a, program="CAASPP").update(
        end_date=date(2027, 3, 10)
    )
    with _morning():
        draft_reminders_queue()
    assert not Notification.objects.filter(recipient=lea_coordinator.email).exists()
    assert list(Notification.objects.values_list("recipient", flat=True)) == [outsider.email]


def test_running_twice_on_one_day_writes_and_sends_once(
    drafts, lea_coordinator, outsider, run_outbox
):
    # A task that runs twice sends once (issue 10, item 1); the next morning, a new reminder.
    mail.outbox.clear()
    with _morning():
        with run_outbox():
            assert tasks.send_draft_reminders() == 2
        with run_outbox():
            assert tasks.send_draft_reminders() == 0
    assert _to(mail.outbox) == sorted([lea_coordinator.email, outsider.email])
    assert Notification.objects.filter(status=NotificationStatus.SENT).count() == 2
    keys = set(Notification.objects.values_list("key", flat=True))
    key = f"draft-reminder:2027-03-11:{drafts['a'][0].lea_id}:CAASPP"
    assert row_key(key, lea_coordinator.email) in keys
    with _morning(MORNING + timedelta(days=1)), run_outbox():
        assert tasks.send_draft_reminders() == 2
    assert len(mail.outbox) == 4


def test_drafts_submitted_before_the_email_is_written_stop_it(drafts, lea_coordinator, tree):
    # rule N-5: counted when sent; all of LEA A's drafts gone by then: not sent
    with _morning():
        draft_reminders_queue()
        row = Notification.objects.get(recipient=lea_coordinator.email)
        for case in drafts["a"]:
            services.case_delete_draft(case=case, actor=case.created_by)
        with pytest.raises(NotificationNotNeeded):
            render(row.kind, row.payload)
        mail.outbox.clear()
        assert send_notification(row.pk) == "not needed"
    assert mail.outbox == []
    row.refresh_from_db()
    assert row.status == NotificationStatus.SKIPPED


def test_a_reminder_held_up_past_midnight_is_not_sent(drafts, lea_coordinator):
    # rule N-5: the next morning's reminder replaces it
    with _morning():
        draft_reminders_queue()
    row = Notification.objects.get(recipient=lea_coordinator.email)
    with _morning(MORNING + timedelta(days=1)):
        assert send_notification(row.pk) == "not needed"


def _lea_with_drafts(n: int) -> None:
    """An LEA with an open CAASPP window, a CAASPP coordinator and ``n`` drafts."""
    lea = LeaFactory()
    school = SchoolFactory(parent=lea)
    TestingWindow.objects.create(
        lea=lea, program="CAASPP", start_date=date(2027, 1, 11), end_date=date(2027, 6, 4)
    )
    filer = user_with_role(Role.LEA_CAASPP_COORDINATOR, lea)
    Case.objects.bulk_create(
        Case(lea=lea, school=school, program="CAASPP", test="SB_MATH", created_by=filer)
        for _ in range(n)
    )


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def test_the_reminder_task_costs_the_same_queries_for_2_or_8_leas(db):
    # Set-based at state scale: one query finds every (LEA, program), one their coordinators.
    with _morning():
        for _ in range(2):
            _lea_with_drafts(2)
        few = _queries(draft_reminders_queue)
        assert Notification.objects.count() == 2
        Notification.objects.all().delete()
        for _ in range(6):
            _lea_with_drafts(3)
        many = _queries(draft_reminders_queue)
        assert Notification.objects.count() == 8
    assert few == many


# --- N-3: CDE's daily digest ------------------------------------------------------------------


@pytest.fixture
def cde_team(cde_reviewer, cde_admin, tree):
    """CDE's available reviewers, plus one away and one inactive (who get nothing)."""
    away = user_with_role(Role.CDE_REVIEWER, tree.state, email="away@cde.example.org")
    away.away_since = timezone.now()
    away.save(update_fields=["away_since"])
    gone = user_with_role(Role.CDE_REVIEWER, tree.state, email="gone@cde.example.org")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    return [cde_reviewer, cde_admin]


@pytest.fixture
def cde_work(lea_coordinator, tree, windows, filing_day):
    """Appeals for CDE: 12 pending its decision (1 overdue, 2 due tomorrow, 9 later), 3 pending
    its approval for filing (A-1); 4 for CalTAC, which CDE's digest leaves out."""
    case = file_case(lea_coordinator, tree.school_a1, count=1)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.PENDING_CDE_APPROVAL)
    now = timezone.now()
    appeals = {
        "overdue": add_appeals(
            case,
            1,
            reviewer=Reviewer.CDE,
            appeal_type=AppealType.INVALIDATE,
            due_at=now - timedelta(hours=1),
        ),
        "due": add_appeals(
            case,
            2,
            reviewer=Reviewer.CDE,
            appeal_type=AppealType.INVALIDATE,
            due_at=now + timedelta(days=1),
        ),
        "later": add_appeals(
            case,
            9,
            reviewer=Reviewer.CDE,
            appeal_type=AppealType.INVALIDATE,
            due_at=now + timedelta(days=6),
        ),
        "approval": add_appeals(
            case,
            3,
            reviewer=Reviewer.CDE,
            appeal_type=AppealType.GRACE_PERIOD_EXTENSION,
            status=AppealStatus.PENDING_APPROVAL,
            due_at=now + timedelta(days=5),
        ),
        "caltac": add_appeals(case, 4, reviewer=Reviewer.CALTAC, due_at=now - timedelta(days=2)),
    }
    # The case's own appeal (CalTAC's Re-open) is decided; a second case waits in part.
    case.appeals.exclude(pk__in=[a.pk for group in appeals.values() for a in group]).update(
        status=AppealStatus.APPROVED, decided_at=now
    )
    partial = file_case(lea_coordinator, tree.school_a1, count=1)
    Case.objects.filter(pk=partial.pk).update(status=CaseStatus.PARTIAL_CDE_APPROVAL)
    partial.appeals.update(status=AppealStatus.APPROVED, decided_at=now)
    return {"case": case, **appeals}


def test_the_digest_reaches_cdes_available_reviewers_only(
    cde_team, cde_work, caltac_agent, lea_coordinator, run_outbox
):
    # rule N-3: CDE is emailed about what waits for its approval; not an away or inactive
    # reviewer, not CalTAC, not a coordinator.
    mail.outbox.clear()
    with run_outbox():
        assert cde_digest_queue() == 2
    assert _to(mail.outbox) == sorted(user.email for user in cde_team)


def test_the_digest_counts_what_waits_and_lists_the_soonest_due(cde_team, cde_work, run_outbox):
    # rule N-3 (A-1 pending approval apart; A-2 overdue and due within one business day)
    mail.outbox.clear()
    with run_outbox():
        cde_digest_queue()
    message = mail.outbox[0]
    assert message.subject == "STAIRS for CDE: 15 appeals and 2 cases waiting, 1 overdue"
    text, html = message.body, _html(message)
    for line in (
        "12 pending CDE's decision",
        "3 pending CDE's approval for filing",
        "1 overdue",
        "2 due within one business day",
        "Pending CDE approval, 1",
        "Partial CDE approval, 1",
    ):
        assert line in text
    assert "/review/?view=overdue" in text and "/review/?view=due" in html
    assert "/review/?view=unclaimed" in html
    assert "/cases/?status=PENDING_CDE_APPROVAL" in html
    # The 10 soonest due, in due order: the overdue one first; the last 5 of the 9 later ones
    # (due after the approvals) are left to the queue.
    soonest = [
        *cde_work["overdue"],
        *cde_work["due"],
        *cde_work["approval"],
        *cde_work["later"][:4],
    ]
    listed = [line for line in text.splitlines() if line.startswith("- Case ")]
    assert len(listed) == 10
    for line, appeal in zip(listed, soonest, strict=True):
        assert f"SSID {appeal.student.ssid}" in line
        assert cde_work["case"].number in line
        assert f"/review/{appeal.pk}/" in line
    assert "overdue by 1 business day" in listed[0]
    assert "Grace Period Extension (Pending approval)" in listed[3]
    for appeal in cde_work["later"][4:] + cde_work["caltac"]:
        assert appeal.student.ssid not in text
    students = [a.student for group in cde_work.values() if isinstance(group, list) for a in group]
    _no_names(students, message.subject, text, html)


def test_no_digest_when_nothing_waits_for_cde(cde_team, lea_coordinator, tree, windows, filing_day):
    # rule N-3: CalTAC's work only: nothing to tell CDE
    case = file_case(lea_coordinator, tree.school_a1, count=1)
    assert case.status == CaseStatus.PENDING_CALTAC_APPROVAL
    assert cde_digest_queue() == 0
    assert not Notification.objects.filter(kind=CDE_DIGEST).exists()


def test_a_digest_whose_work_was_done_before_sending_is_not_sent(cde_team, cde_work):
    # rule N-3: counted when sent
    cde_digest_queue()
    row = Notification.objects.filter(kind=CDE_DIGEST).first()
    Appeal.objects.filter(reviewer=Reviewer.CDE).update(
        status=AppealStatus.APPROVED, decided_at=timezone.now()
    )
    Case.objects.update(status=CaseStatus.COMPLETED)
    mail.outbox.clear()
    assert send_notification(row.pk) == "not needed"
    assert mail.outbox == []


def test_the_digest_runs_twice_and_sends_once(cde_team, cde_work, run_outbox):
    # A task that runs twice sends once (issue 10, item 1)
    mail.outbox.clear()
    with run_outbox():
        assert tasks.send_cde_digest() == 2
    with run_outbox():
        assert tasks.send_cde_digest() == 0
    assert len(mail.outbox) == 2
    assert set(Notification.objects.filter(kind=CDE_DIGEST).values_list("key", flat=True)) == {
        row_key("cde-digest:2027-03-10", user.email) for user in cde_team
    }


def test_the_digest_costs_the_same_queries_for_few_or_many_appeals(cde_team, cde_work):
    # Cheap at state scale: counts from the indexes, one joined query for the list.
    payload = {"date": "2027-03-10"}

    def run() -> None:
        cde_digest_queue()
        render(CDE_DIGEST, payload)
        Notification.objects.all().delete()

    few = _queries(run)
    add_appeals(cde_work["case"], 20, reviewer=Reviewer.CDE, appeal_type=AppealType.INVALIDATE)
    more = _queries(run)
    assert few == more


def test_the_beat_runs_both_each_morning_after_the_notes_digest():
    schedule = settings.CELERY_BEAT_SCHEDULE
    names = list(schedule)
    at = names.index("notifications-daily-digest")
    assert names[at + 1 : at + 3] == ["incidents-draft-reminders", "incidents-cde-digest"]
    for name, task in (
        ("incidents-draft-reminders", tasks.send_draft_reminders),
        ("incidents-cde-digest", tasks.send_cde_digest),
    ):
        assert schedule[name]["task"] == task.name
        assert schedule[name]["schedule"] == schedule["notifications-daily-digest"]["schedule"]
