"""The outbox: rows first, sent after commit by the worker, which writes each email from its
kind's templates; once, even when a task runs twice; retried with backoff; given up on
visibly."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError
from django.utils import timezone

from notifications import renderers
from notifications.models import Notification, NotificationStatus
from notifications.services import (
    emails_queue,
    notification_queue,
    notifications_retry,
    scheduled_emails_queue,
)
from notifications.tasks import MAX_ATTEMPTS, backoff, resend_unsent, send_notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.datetime(2026, 12, 2, 9, 0, tzinfo=timezone.UTC)


@pytest.fixture
def greeting_kind():
    """A kind registered for the test only, on the role-added templates: its context holds a
    secret written only at sending time."""

    def context(payload):
        if payload.get("gone"):
            raise renderers.NotificationNotNeeded("nobody to greet")
        return {
            "role": payload["name"],
            "organization": "Alder <USD> & s3cr3t",
            "sign_in_url": "https://stairs.example.org/accounts/login/",
        }

    kind = renderers.EmailKind("tests.greeting", "accounts/email/role_added", context)
    renderers.register_kind(kind)
    yield kind.name
    renderers._kinds.pop(kind.name)


@pytest.fixture
def no_delay(monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(send_notification, "delay", queued.append)
    return queued


@pytest.fixture
def broken_mail(monkeypatch):
    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)


def _queue(kind, **payload):
    return notification_queue(recipient="alice@alder.example.org", kind=kind, payload=payload)


def test_a_row_is_handed_to_a_worker_only_after_commit(
    greeting_kind, django_capture_on_commit_callbacks, no_delay
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = _queue(greeting_kind, name="Ada")
    assert no_delay == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert no_delay == [notification.pk]


def test_the_worker_writes_text_and_html_from_the_templates_and_never_stores_them(
    greeting_kind, settings
):
    notification = _queue(greeting_kind, name="Ada")
    assert send_notification(notification.pk) == "sent"
    [message] = mail.outbox
    # rule N-4: one configured sender, which the footer asks people to allow
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "STAIRS sends every email from no-reply@stairs.example.org." in message.body
    assert message.subject == "STAIRS: you are now Ada at Alder <USD> & s3cr3t"
    assert "Alder <USD> & s3cr3t" in message.body  # plain text: not escaped
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "Alder &lt;USD&gt; &amp; s3cr3t" in html  # HTML: escaped
    assert "<h1" in html and "your email settings" in html
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.extra_headers["X-STAIRS-Notification"] == str(notification.pk)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.subject == message.subject  # shown to administrators once sent
    assert notification.body == ""
    assert "s3cr3t" not in repr(Notification.objects.values("body", "payload").get())


def test_a_task_that_runs_twice_sends_once(greeting_kind):
    notification = _queue(greeting_kind, name="Ada")
    assert send_notification(notification.pk) == "sent"
    assert send_notification(notification.pk) == "skipped"
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_a_failed_send_is_retried_after_a_growing_pause(greeting_kind, monkeypatch):
    notification = _queue(greeting_kind, name="Ada")
    sends = {"fail": True}
    real_send = EmailMultiAlternatives.send

    def flaky(self, *args, **kwargs):
        if sends["fail"]:
            raise ConnectionRefusedError("SMTP server down")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    with time_machine.travel(NOW, tick=False):
        assert send_notification(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert notification.next_attempt_at == NOW + timedelta(minutes=1)
    assert "ConnectionRefusedError: SMTP server down" in notification.last_error

    # Before its pause is over, neither a stray task nor the resend task sends it.
    with time_machine.travel(NOW + timedelta(seconds=59), tick=False):
        assert send_notification(notification.pk) == "skipped"
        assert resend_unsent() == 0
    # The second failure doubles the pause.
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert send_notification(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.next_attempt_at == NOW + timedelta(minutes=3)

    # Once the mail server is back, the resend task hands it on and it is sent, once.
    sends["fail"] = False
    queued: list[int] = []
    monkeypatch.setattr(send_notification, "delay", queued.append)
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        assert resend_unsent() == 1
        assert send_notification(queued[0]) == "sent"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == (
        NotificationStatus.SENT,
        3,
        "",
    )
    assert len(mail.outbox) == 1


def test_the_pause_doubles_up_to_an_hour():
    assert [backoff(n) for n in range(1, MAX_ATTEMPTS)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)
    ]


def test_a_row_is_given_up_after_the_last_attempt_and_said_so(greeting_kind, broken_mail, caplog):
    notification = _queue(greeting_kind, name="Ada")
    Notification.objects.filter(pk=notification.pk).update(
        attempts=MAX_ATTEMPTS - 1, next_attempt_at=timezone.now()
    )
    assert send_notification(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert "SMTP server down" in notification.last_error
    assert any(r.levelname == "ERROR" for r in caplog.records)
    # A failed row is neither sent by a stray task nor picked up by the resend task.
    assert send_notification(notification.pk) == "skipped"
    assert resend_unsent() == 0


def test_a_retry_gives_failed_rows_fresh_attempts_and_leaves_the_others(
    greeting_kind, django_capture_on_commit_callbacks, no_delay
):
    failed = _queue(greeting_kind, name="Ada")
    sent = _queue(greeting_kind, name="Bob")
    Notification.objects.filter(pk=failed.pk).update(
        status="FAILED", attempts=MAX_ATTEMPTS, next_attempt_at=timezone.now()
    )
    Notification.objects.filter(pk=sent.pk).update(status="SENT", sent_at=timezone.now())
    no_delay.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_retry(notification_ids=[failed.pk, sent.pk]) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.next_attempt_at) == ("PENDING", 0, None)
    assert Notification.objects.get(pk=sent.pk).status == NotificationStatus.SENT
    assert no_delay == [failed.pk]
    assert send_notification(failed.pk) == "sent"


def test_the_resend_task_picks_up_rows_whose_time_has_come(greeting_kind, no_delay):
    with time_machine.travel(NOW - timedelta(minutes=5), tick=False):
        never_delivered = _queue(greeting_kind, name="Ada")  # broker was down at commit
        retry_due = _queue(greeting_kind, name="Bob")
        retry_later = _queue(greeting_kind, name="Cy")
    with time_machine.travel(NOW, tick=False):
        just_queued = _queue(greeting_kind, name="Di")  # its on-commit task is on its way
        Notification.objects.filter(pk=retry_due.pk).update(
            attempts=1, next_attempt_at=NOW - timedelta(seconds=1)
        )
        Notification.objects.filter(pk=retry_later.pk).update(
            attempts=2, next_attempt_at=NOW + timedelta(minutes=1)
        )
        stuck = _queue(greeting_kind, name="Ed")  # a worker died while sending it
        Notification.objects.filter(pk=stuck.pk).update(
            status=NotificationStatus.SENDING, attempts=1, claimed_at=NOW - timedelta(hours=1)
        )
        no_delay.clear()
        assert resend_unsent() == 3
    assert sorted(no_delay) == sorted([never_delivered.pk, retry_due.pk, stuck.pk])
    assert just_queued.pk not in no_delay


def test_a_task_that_lost_its_claim_does_not_mark_the_row(greeting_kind, monkeypatch):
    """A stale-claim resend took the row over while the first task was still sending."""
    notification = _queue(greeting_kind, name="Ada")

    def slow_send(self, *args, **kwargs):
        Notification.objects.filter(pk=notification.pk).update(
            claimed_at=timezone.now() + timedelta(seconds=1)
        )

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", slow_send)
    send_notification(notification.pk)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENDING


def test_an_email_no_longer_needed_is_skipped_not_retried(greeting_kind):
    notification = _queue(greeting_kind, gone=True)
    assert send_notification(notification.pk) == "not needed"
    notification.refresh_from_db()
    assert (notification.status, notification.last_error) == ("SKIPPED", "nobody to greet")
    assert mail.outbox == []
    assert resend_unsent() == 0


def test_a_template_error_leaves_the_row_for_a_retry(greeting_kind):
    notification = _queue(greeting_kind)  # no "name" in the payload
    assert send_notification(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert "KeyError" in notification.last_error


def test_queueing_needs_a_registered_kind():
    with pytest.raises(LookupError):
        _queue("no.such.kind")


def test_an_address_given_twice_gets_one_email(greeting_kind, run_outbox):
    user = UserFactory(email="a@example.org")
    with run_outbox():
        rows = emails_queue(
            kind=greeting_kind,
            payload={"name": "Ada"},
            recipients=[(None, "a@example.org"), (user.pk, "a@example.org"), (None, "")],
        )
    # The row keeps the account, whose digest choice would apply.
    assert [(row.recipient, row.user_id) for row in rows] == [("a@example.org", user.pk)]
    assert len(mail.outbox) == 1


def test_a_scheduled_email_is_written_once_however_often_its_task_runs(greeting_kind, run_outbox):
    long_address = "a" * 200 + "@example.org"  # the key stays short whatever the address
    emails = [
        ("tests.greeting:2026-12-02", {"name": "Ada"}, [(None, "a@example.org")]),
        ("tests.greeting:2026-12-02", {"name": "Ada"}, [(None, long_address)]),
    ]
    for written in (2, 0):
        with run_outbox():
            assert scheduled_emails_queue(kind=greeting_kind, emails=emails) == written
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", long_address]


def test_a_row_queued_before_kinds_existed_is_still_sent_as_text():
    notification = Notification.objects.create(
        recipient="a@example.org", subject="Old subject", body="Old body"
    )
    assert send_notification(notification.pk) == "sent"
    assert (mail.outbox[0].subject, mail.outbox[0].body) == ("Old subject", "Old body")
    assert mail.outbox[0].alternatives == []


def test_the_table_refuses_a_stored_body_for_a_rendered_kind():
    with pytest.raises(IntegrityError):
        Notification.objects.create(
            recipient="a@example.org", subject="s", body="link", kind="tests.greeting"
        )
