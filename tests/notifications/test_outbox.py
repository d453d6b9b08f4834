"""The outbox: rows first, sent after commit, once, even when a task runs twice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from notifications.services import notification_queue
from notifications.tasks import resend_unsent, send_notification

pytestmark = pytest.mark.django_db


def test_notification_is_handed_to_a_worker_only_after_commit(
    django_capture_on_commit_callbacks, monkeypatch
):
    queued: list[int] = []
    monkeypatch.setattr(send_notification, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notification_queue(
            recipient="alice@alder.example.org", subject="Case 1 submitted", body="SSID 1234567890"
        )
    assert queued == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert queued == [notification.pk]


def test_sending_marks_the_row_sent_and_is_idempotent():
    notification = Notification.objects.create(
        recipient="alice@alder.example.org", subject="Case 1 submitted", body="SSID 1234567890"
    )
    assert send_notification(notification.pk) == "sent"
    assert send_notification(notification.pk) == "skipped"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.sent_at is not None
    assert notification.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@alder.example.org"]


def test_emails_come_from_the_one_configured_sender(settings):
    # rule N-4
    notification = Notification.objects.create(recipient="a@example.org", subject="s", body="b")
    send_notification(notification.pk)
    assert mail.outbox[0].from_email == settings.DEFAULT_FROM_EMAIL


def test_transport_failure_leaves_the_row_pending_for_a_retry(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("notifications.tasks.send_mail", broken)
    notification = Notification.objects.create(recipient="a@example.org", subject="s", body="b")
    assert send_notification(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert "SMTP server down" in notification.last_error


def test_resend_picks_up_rows_left_unsent(monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(send_notification, "delay", queued.append)
    old = Notification.objects.create(
        recipient="a@example.org",
        subject="s",
        body="b",
        created_at=timezone.now() - timedelta(minutes=5),
    )
    Notification.objects.create(recipient="b@example.org", subject="s", body="b")  # just queued
    stuck = Notification.objects.create(
        recipient="c@example.org",
        subject="s",
        body="b",
        status=NotificationStatus.SENDING,
        claimed_at=timezone.now() - timedelta(hours=1),
    )
    assert resend_unsent() == 2
    assert sorted(queued) == sorted([old.pk, stuck.pk])


def test_row_is_marked_failed_after_the_last_attempt(monkeypatch, caplog):
    from notifications.tasks import MAX_ATTEMPTS

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("notifications.tasks.send_mail", broken)
    notification = Notification.objects.create(
        recipient="a@example.org", subject="s", body="b", attempts=MAX_ATTEMPTS - 1
    )
    send_notification(notification.pk)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert any(r.levelname == "ERROR" for r in caplog.records)
    # A failed row is not picked up again by the resend task.
    assert send_notification(notification.pk) == "skipped"


def test_a_task_that_lost_its_claim_does_not_mark_the_row(monkeypatch):
    """A stale-claim resend took the row over while the first task was still sending."""
    notification = Notification.objects.create(recipient="a@example.org", subject="s", body="b")

    def slow_send(*args, **kwargs):
        Notification.objects.filter(pk=notification.pk).update(
            claimed_at=timezone.now() + timedelta(seconds=1)
        )

    monkeypatch.setattr("notifications.tasks.send_mail", slow_send)
    send_notification(notification.pk)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENDING
