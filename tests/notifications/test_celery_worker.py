"""A real Celery worker on the local Redis sends an outbox row written in PostgreSQL."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from accounts.emails import role_notice_queue
from accounts.models import Role
from notifications.models import Notification
from stairs_site.celery import app
from tests.celery_worker import start_worker, stop, wait_until_sent
from tests.factories import LeaFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_sends_a_queued_notification_end_to_end(tmp_path):
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: the Celery integration test needs the local Redis.")
    app.control.purge()  # nothing left over from an earlier run reaches this worker
    worker = start_worker(tmp_path)
    try:
        user = UserFactory(email="alice@alder.example.org")
        lea = LeaFactory(name="Alder Unified")
        with transaction.atomic():
            notification = role_notice_queue(
                user=user,
                role=Role.LEA_CAASPP_COORDINATOR,
                organization=lea,
                site_url="https://stairs.example.org",
            )
        wait_until_sent(notification, worker)
        assert notification.sent_at is not None
        sent = "".join(p.read_text() for p in tmp_path.iterdir())
        # Written by the worker from the kind's templates: subject, text and HTML.
        assert "STAIRS: you are now LEA CAASPP Coordinator at Alder Unified" in sent
        assert "alice@alder.example.org" in sent
        assert "text/html" in sent
    finally:
        stop(worker)
    assert Notification.objects.filter(pk=notification.pk, attempts=1).exists()
