"""Celery tasks of the outbox.

Two tasks for one row never both send it: each claims the row with a conditional UPDATE first.
A worker that dies between handing the email to the mail server and marking the row sent
leaves it claimed; after STALE_CLAIM it is sent again, so delivery is at least once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from notifications.renderers import NotificationNotNeeded, render_body

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A worker that died mid-send leaves a row in SENDING; after this long it is tried again.
STALE_CLAIM = timedelta(minutes=10)
# Rows younger than this are left to the on-commit task that is already on its way.
RESEND_GRACE = timedelta(minutes=1)


@shared_task
def send_notification(notification_id: int) -> str:
    """Claim the row with a conditional UPDATE, send, and mark it sent."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        Q(status=NotificationStatus.PENDING)
        | Q(status=NotificationStatus.SENDING, claimed_at__lt=now - STALE_CLAIM),
        pk=notification_id,
    ).update(status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return "skipped"
    notification = Notification.objects.get(pk=notification_id)
    try:
        body = notification.body
        if notification.kind:
            # Written now and never stored: it may hold a one-time link.
            body = render_body(notification.kind, notification.payload)
        send_mail(notification.subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient])
    except NotificationNotNeeded as reason:
        Notification.objects.filter(
            pk=notification_id, status=NotificationStatus.SENDING, claimed_at=now
        ).update(status=NotificationStatus.SKIPPED, last_error=str(reason)[:500])
        logger.info("Notification %s not sent: %s", notification_id, reason)
        return "not needed"
    except Exception as error:
        status = (
            NotificationStatus.FAILED
            if notification.attempts >= MAX_ATTEMPTS
            else NotificationStatus.PENDING
        )
        Notification.objects.filter(
            pk=notification_id, status=NotificationStatus.SENDING, claimed_at=now
        ).update(status=status, last_error=str(error)[:500])
        if status == NotificationStatus.FAILED:
            # Given up after MAX_ATTEMPTS: an error, so that monitoring raises an alert.
            logger.error("Notification %s failed for good: %s", notification_id, error)
        else:
            logger.warning("Notification %s not sent, will retry: %s", notification_id, error)
        return "failed"
    # Only the claim this task holds is marked: a stale-claim resend may have taken over.
    Notification.objects.filter(
        pk=notification_id, status=NotificationStatus.SENDING, claimed_at=now
    ).update(status=NotificationStatus.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


@shared_task
def resend_unsent() -> int:
    """Beat task: hand every row still unsent (broker outage, dead worker) to a worker again."""
    now = timezone.now()
    ids = list(
        Notification.objects.filter(
            Q(status=NotificationStatus.PENDING, created_at__lt=now - RESEND_GRACE)
            | Q(status=NotificationStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    for notification_id in ids:
        send_notification.delay(notification_id)
    return len(ids)
