"""On real PostgreSQL and a real Celery worker (issue 9, "Done when"): two transactions deciding
the same appeal at once end with exactly one decision; the assignment task spreads new appeals by
workload and hands back an away reviewer's appeals."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections

from accounts.models import Role
from appeals import decisions
from appeals.models import Appeal, AppealEvent, AppealEventKind
from appeals.tasks import assign_appeals
from notifications.tasks import send_notification
from stairs.vocabulary import AppealStatus, Reviewer
from stairs_site.celery import app
from tests.celery_worker import start_worker
from tests.e2e.conftest import reference_catalogs  # noqa: F401  (the catalogs after a flush)
from tests.factories import user_with_role
from tests.incidents.review.conftest import add_appeals, appeals_of

ROOT = Path(__file__).resolve().parents[3]

transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@transactional
def test_two_reviewers_deciding_one_appeal_at_once_make_one_decision(
    reopen_case, caltac_agent, caltac_colleague, monkeypatch
):
    # The decision email goes through the outbox after commit; no broker is needed here.
    monkeypatch.setattr(send_notification, "delay", lambda pk: None)
    appeal = appeals_of(reopen_case)[0]
    barrier = threading.Barrier(2, timeout=30)
    results: dict[str, object] = {}

    def decide(name: str, call) -> None:
        try:
            barrier.wait()
            results[name] = call()
        except ValidationError as error:
            results[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=decide,
            args=(
                "approve",
                lambda: decisions.appeal_approve(
                    appeal=Appeal.objects.get(pk=appeal.pk), actor=caltac_agent, reason="Yes."
                ),
            ),
        ),
        threading.Thread(
            target=decide,
            args=(
                "reject",
                lambda: decisions.appeal_reject(
                    appeal=Appeal.objects.get(pk=appeal.pk), actor=caltac_colleague, reason="No."
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    errors = [r for r in results.values() if isinstance(r, ValidationError)]
    outcomes = [r for r in results.values() if isinstance(r, decisions.Outcome)]
    assert (len(outcomes), len(errors)) == (1, 1), results
    assert "so it cannot be" in errors[0].messages[0]
    appeal.refresh_from_db()
    assert appeal.status == outcomes[0].status
    assert appeal.status in (AppealStatus.APPROVED, AppealStatus.REJECTED_BY_CALTAC)
    assert AppealEvent.objects.filter(appeal=appeal, kind=AppealEventKind.DECIDED).count() == 1


@pytest.mark.celery_worker
@transactional
def test_a_real_worker_assigns_by_workload_and_hands_back_an_away_reviewer_s_appeals(
    tmp_path, tree, reopen_case, manual_case
):
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: the Celery integration test needs the local Redis.")
    Appeal.objects.filter(case=reopen_case).delete()
    idle, busy, busiest = (
        user_with_role(Role.CALTAC_AGENT, tree.caltac, email=f"agent{n}@caltac.example.org")
        for n in range(3)
    )
    add_appeals(reopen_case, 2, claimed_by=busy)
    add_appeals(reopen_case, 5, claimed_by=busiest)
    new = add_appeals(reopen_case, 6)
    # A CDE reviewer marked away holds the manual review; no other CDE reviewer is available.
    away = user_with_role(Role.CDE_REVIEWER, tree.state, email="away@cde.example.org")
    away.away_since = away.date_joined
    away.save()
    (held,) = appeals_of(manual_case)
    Appeal.objects.filter(pk=held.pk).update(claimed_by=away)
    app.control.purge()
    worker = start_worker(tmp_path)
    try:
        result = assign_appeals.delay().get(timeout=60)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    # No CDE reviewer is available, so CDE's team is not assigned at all.
    assert result == {"handed_back": 1, Reviewer.CALTAC: 6}
    holders = list(
        Appeal.objects.filter(pk__in=[a.pk for a in new]).values_list("claimed_by", flat=True)
    )
    # The least loaded first: 0, 2 and 5 open appeals become 4, 4 and 5.
    assert (holders.count(idle.pk), holders.count(busy.pk), holders.count(busiest.pk)) == (4, 2, 0)
    assert AppealEvent.objects.filter(kind=AppealEventKind.ASSIGNED).count() == 6
    held.refresh_from_db()
    assert held.claimed_by is None
    assert held.appeal_type == "" and held.reviewer == Reviewer.CDE
    assert AppealEvent.objects.filter(appeal=held, kind=AppealEventKind.RELEASED).count() == 1
