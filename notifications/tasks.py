"""Celery tasks of the outbox.

Two tasks for one row never both send it: each claims the row with a conditional UPDATE first,
so a task that runs twice sends once. A failed attempt is tried again after a growing pause
(``backoff``), picked up by ``resend_unsent``; after MAX_ATTEMPTS the row is FAILED, shown to
CDE administrators with its error, and can be sent again from there. A worker that dies between
handing the email to the mail server and marking the row sent leaves it claimed; after
STALE_CLAIM it is sent again, so delivery is at least once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from notifications.digests import digests_queue
from notifications.models import Notification, NotificationStatus
from notifications.renderers import NotificationNotNeeded, RenderedEmail, render

logger = logging.getLogger(__name__)

# 1, 2, 4, 8, 16, 32, 60 minutes between attempts: about two hours before giving up.
MAX_ATTEMPTS = 8
FIRST_PAUSE = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=1)
# A worker that died mid-send leaves a row in SENDING; after this long it is tried again.
STALE_CLAIM = timedelta(minutes=10)
# Rows younger than this are left to the on-commit task that is already on its way.
RESEND_GRACE = timedelta(minutes=1)
RESEND_BATCH = 500


def backoff(attempts: int) -> timedelta:
    """The pause after the ``attempts``-th failed attempt: doubling from a minute, at most an
    hour."""
    return min(FIRST_PAUSE * 2 ** max(attempts - 1, 0), LONGEST_PAUSE)


def _message(notification: Notification) -> EmailMultiAlternatives:
    if notification.kind:
        # Written now, from the database as it is now, and never stored: it may hold a
        # one-time link.
        email = render(notification.kind, notification.payload)
    else:  # a row queued before kinds existed
        email = RenderedEmail(notification.subject, notification.body, "")
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={
            # RFC 3834: no out-of-office replies to a machine's email.
            "Auto-Submitted": "auto-generated",
            "X-STAIRS-Notification": str(notification.pk),
        },
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message


@shared_task
def send_notification(notification_id: int) -> str:
    """Claim the row with a conditional UPDATE, write the email, send it, and mark it sent."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        Q(status=NotificationStatus.PENDING, attempts=0)
        | Q(status=NotificationStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=NotificationStatus.SENDING, claimed_at__lt=now - STALE_CLAIM),
        pk=notification_id,
    ).update(status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return "skipped"
    notification = Notification.objects.get(pk=notification_id)
    # Only the claim this task holds is marked: a stale-claim resend may have taken over.
    mine = Notification.objects.filter(
        pk=notification_id, status=NotificationStatus.SENDING, claimed_at=now
    )
    try:
        message = _message(notification)
        message.send()
    except NotificationNotNeeded as reason:
        mine.update(status=NotificationStatus.SKIPPED, last_error=str(reason)[:500])
        logger.info("Notification %s not sent: %s", notification_id, reason)
        return "not needed"
    except Exception as error:
        error_text = f"{type(error).__name__}: {error}"[:500]
        if notification.attempts >= MAX_ATTEMPTS:
            mine.update(status=NotificationStatus.FAILED, last_error=error_text)
            # Given up: an error, so that monitoring raises an alert.
            logger.error("Notification %s failed for good: %s", notification_id, error_text)
        else:
            pause = backoff(notification.attempts)
            mine.update(
                status=NotificationStatus.PENDING,
                next_attempt_at=now + pause,
                last_error=error_text,
            )
            logger.warning(
                "Notification %s not sent (attempt %s), next try in %s: %s",
                notification_id,
                notification.attempts,
                pause,
                error_text,
            )
        return "failed"
    mine.update(
        status=NotificationStatus.SENT,
        sent_at=timezone.now(),
        subject=message.subject[:200],
        last_error="",
    )
    return "sent"


@shared_task
def resend_unsent() -> int:
    """Beat task, every minute: hand on every row whose time has come. That is a first attempt
    its on-commit task never delivered (a broker outage), a retry whose pause is over, or a
    row a dead worker left claimed."""
    now = timezone.now()
    ids = list(
        Notification.objects.filter(
            Q(status=NotificationStatus.PENDING, attempts=0, created_at__lt=now - RESEND_GRACE)
            | Q(status=NotificationStatus.PENDING, attempts__gt=0, next_attempt_at__lte=now)
            | Q(status=NotificationStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:RESEND_BATCH]
    )
    for notification_id in ids:
        send_notification.delay(notification_id)
    return len(ids)


@shared_task
def send_daily_digests() -> int:
    """Beat task, each morning: one digest per person of the notes and decisions held."""
    return digests_queue()
