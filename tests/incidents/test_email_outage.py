"""A submission while Redis is down (issue 10, "Done when"): the case is saved, its email waits
in the outbox, and once Redis is back the resend task hands it to a real worker, which sends it
once. Redis here is a private server the test stops and starts; the shared one stays up."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_string
from pathlib import Path

import pytest
import time_machine

from incidents import services
from notifications.models import Notification, NotificationStatus
from notifications.tasks import resend_unsent
from tests.celery_worker import PrivateRedis, broker, start_worker, stop, wait_until_sent
from tests.e2e.conftest import reference_catalogs  # noqa: F401  (the catalogs after a flush)
from tests.incidents.conftest import FILING_MOMENT, draft


def _messages(mail_dir: Path) -> list:
    """Every message the worker's file backend wrote (one file per connection)."""
    found = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found.append(message_from_string(chunk.strip()))
    return found


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_case_submitted_while_redis_is_down_is_saved_and_emailed_once_it_is_back(
    tmp_path, lea_coordinator, tree, windows, submitted_students, caplog
):
    # rule N-1: the submitter gets the case number, even after a broker outage
    redis = PrivateRedis()
    redis.start()
    worker = None
    try:
        with broker(redis.url):
            redis.stop()
            case = services.case_submit(
                case=draft(lea_coordinator, tree.school_a1, students=submitted_students),
                actor=lea_coordinator,
            )
            # The case is saved and numbered; its email waits, unsent, for the resend task.
            case.refresh_from_db()
            assert case.number and case.submitted_at is not None
            row = Notification.objects.get(recipient=lea_coordinator.email)
            assert (row.status, row.attempts) == (NotificationStatus.PENDING, 0)
            assert "stays pending for the resend task" in caplog.text

            redis.start()
            worker = start_worker(tmp_path, redis_url=redis.url)
            # A minute on, beat's resend task finds the row and hands it to the worker.
            with time_machine.travel(FILING_MOMENT + timedelta(minutes=2), tick=False):
                assert resend_unsent() == 1
            wait_until_sent(row, worker)
            # Nothing is left to resend, so the email goes once.
            with time_machine.travel(FILING_MOMENT + timedelta(minutes=3), tick=False):
                assert resend_unsent() == 0
    finally:
        if worker is not None:
            stop(worker)
        redis.stop()
    [message] = _messages(tmp_path)
    assert message["To"] == lea_coordinator.email
    assert case.number in message["Subject"]
    assert row.attempts == 1
