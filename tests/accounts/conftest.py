"""Fixtures for the accounts tests: the outbox worker, run in the test process."""

from __future__ import annotations

import pytest

from notifications.tasks import send_notification


@pytest.fixture
def run_outbox(django_capture_on_commit_callbacks, monkeypatch):
    """Run the on-commit handoff with the worker in this process: ``with run_outbox(): ...``.

    The request's transaction commits inside the block; its callbacks then hand the rows to
    ``send_notification``, which runs here instead of on a Celery worker.
    """
    monkeypatch.setattr(send_notification, "delay", lambda pk: send_notification(pk))

    def capture():
        return django_capture_on_commit_callbacks(execute=True)

    return capture
