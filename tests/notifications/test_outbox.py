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


@pytest.fixture
def greeting_kind():
    """A rendered kind registered for the test only: its body holds a secret."""
    from notifications import renderers

    def render(payload):
        if payload.get("gone"):
            raise renderers.NotificationNotNeeded("nobody to greet")
        return f"Hello {payload['name']}, your secret is s3cr3t."

    renderers.register_renderer("tests.greeting", render)
    yield "tests.greeting"
    renderers._renderers.pop("tests.greeting")


def test_a_rendered_kind_is_written_when_sent_and_never_stored(greeting_kind):
    notification = notification_queue(
        recipient="a@example.org", subject="Hi", kind=greeting_kind, payload={"name": "Ada"}
    )
    assert send_notification(notification.pk) == "sent"
    assert mail.outbox[0].body == "Hello Ada, your secret is s3cr3t."
    assert "s3cr3t" not in repr(list(Notification.objects.values()))


def test_a_rendered_kind_that_is_no_longer_needed_is_skipped_not_retried(greeting_kind):
    notification = notification_queue(
        recipient="a@example.org", subject="Hi", kind=greeting_kind, payload={"gone": True}
    )
    assert send_notification(notification.pk) == "not needed"
    notification.refresh_from_db()
    assert (notification.status, notification.last_error) == ("SKIPPED", "nobody to greet")
    assert mail.outbox == []
    assert resend_unsent() == 0


def test_a_renderer_error_leaves_the_row_for_a_retry(greeting_kind):
    notification = notification_queue(
        recipient="a@example.org", subject="Hi", kind=greeting_kind, payload={}
    )
    assert send_notification(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert "name" in notification.last_error


def test_queueing_needs_a_body_or_a_registered_kind(greeting_kind):
    with pytest.raises(ValueError):
        notification_queue(recipient="a@example.org", subject="s", kind="no.such.kind")
    with pytest.raises(ValueError):
        notification_queue(recipient="a@example.org", subject="s", body="b", kind=greeting_kind)
    with pytest.raises(ValueError):
        notification_queue(recipient="a@example.org", subject="s")


def test_the_table_refuses_a_stored_body_for_a_rendered_kind():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Notification.objects.create(
            recipient="a@example.org", subject="s", body="link", kind="tests.greeting"
        )


def test_retry_gives_failed_rows_fresh_attempts_and_leaves_the_others(
    django_capture_on_commit_callbacks, monkeypatch
):
    from notifications.services import notifications_retry

    queued: list[int] = []
    monkeypatch.setattr(send_notification, "delay", queued.append)
    failed = Notification.objects.create(
        recipient="a@example.org", subject="s", body="b", status="FAILED", attempts=5
    )
    sent = Notification.objects.create(
        recipient="b@example.org", subject="s", body="b", status="SENT", sent_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_retry(notification_ids=[failed.pk, sent.pk]) == 1
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts) == (NotificationStatus.PENDING, 0)
    assert sent.status == NotificationStatus.SENT
    assert queued == [failed.pk]
