"""The per-day tally of decisions (appeals/tally.py, appeals.models.DecisionTally) behind the
reviewers' dashboard: written by approve, reject, the system's rejection and the bulk decision,
in their transaction; not by a claim, a release or a withdrawal; one statement per team, day and
reviewer; two reviewers deciding at once do not wait on each other; a resubmission keeps the
earlier decision counted; the backfill of appeals/0010.

Rule A-2 (an appeal is processed within four business days of receipt): "on time" is decided
by the appeal's due moment."""

from __future__ import annotations

import importlib
import threading
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appeals import decisions, tally, transitions
from appeals.models import Appeal, DecisionTally
from incidents import services
from stairs.vocabulary import AppealStatus, Reviewer
from students import dates
from students.models import TestEvent
from tests.incidents.review import conftest as review_fixtures
from tests.incidents.review.conftest import add_appeals, appeals_of, file_case

pytestmark = pytest.mark.django_db

windows = review_fixtures.windows
filing_day = review_fixtures.filing_day
reopen_case = review_fixtures.reopen_case
caltac_colleague = review_fixtures.caltac_colleague


def _tally() -> dict[tuple[str, object, int | None], tuple[int, int]]:
    return {
        (row.team, row.day, row.decided_by_id): (row.decided, row.on_time)
        for row in DecisionTally.objects.all()
    }


def _old_grouped() -> dict[tuple[str, object], tuple[int, int]]:
    """What the dashboard counted before the tally: the decided appeals per team and Pacific
    day, and those decided by their due moment."""
    return {
        (team, day): (total, on_time)
        for team, day, total, on_time in Appeal.objects.filter(
            decided_at__isnull=False, status__in=transitions.DECIDED
        )
        .annotate(day=TruncDate("decided_at", tzinfo=dates.PACIFIC))
        .values_list("reviewer", "day")
        .annotate(
            total=Count("*"), on_time=Count("decided_at", filter=Q(decided_at__lte=F("due_at")))
        )
        .order_by()
    }


def _tally_per_team_day() -> dict[tuple[str, object], tuple[int, int]]:
    summed: dict[tuple[str, object], tuple[int, int]] = {}
    for (team, day, _), (total, on_time) in _tally().items():
        seen_total, seen_on_time = summed.get((team, day), (0, 0))
        summed[(team, day)] = (seen_total + total, seen_on_time + on_time)
    return summed


def _tally_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "appeals_decisiontally"')]


def test_approve_and_reject_add_to_the_reviewers_row_of_the_day(
    reopen_case, caltac_agent, caltac_colleague, filing_day
):
    first, second = appeals_of(reopen_case)
    third = add_appeals(reopen_case, 1)[0]
    decisions.appeal_approve(appeal=first, actor=caltac_agent)
    decisions.appeal_reject(appeal=second, actor=caltac_agent, reason="Not early.")
    decisions.appeal_reject(appeal=third, actor=caltac_colleague, reason="Duplicate.")
    day = dates.local_date(filing_day)
    # rule A-2: each decided within four business days of receipt, so on time.
    assert _tally() == {
        (Reviewer.CALTAC, day, caltac_agent.pk): (2, 2),
        (Reviewer.CALTAC, day, caltac_colleague.pk): (1, 1),
    }
    assert _tally_per_team_day() == _old_grouped()


def test_a_late_decision_counts_but_not_on_time(reopen_case, caltac_agent):
    first, _ = appeals_of(reopen_case)
    # rule A-2: due four business days after receipt; decided a day after that.
    late = first.due_at + timedelta(days=1)
    with time_machine.travel(late, tick=False):
        decisions.appeal_reject(appeal=first, actor=caltac_agent, reason="Late look.")
    assert _tally() == {(Reviewer.CALTAC, dates.local_date(late), caltac_agent.pk): (1, 0)}
    assert _tally_per_team_day() == _old_grouped()


def test_the_day_is_the_pacific_day_of_the_decision(reopen_case, caltac_agent):
    first, _ = appeals_of(reopen_case)
    # 23:30 in California is already the next day in UTC.
    evening = datetime(2027, 3, 10, 23, 30, tzinfo=dates.PACIFIC)
    with time_machine.travel(evening, tick=False):
        decisions.appeal_reject(appeal=first, actor=caltac_agent, reason="Evening.")
    assert list(_tally()) == [(Reviewer.CALTAC, evening.date(), caltac_agent.pk)]
    assert _tally_per_team_day() == _old_grouped()


def test_the_systems_rejections_share_the_teams_row_without_a_reviewer(
    reopen_case, caltac_agent, filing_day
):
    first, second = appeals_of(reopen_case)
    # The test changed since filing: the approval becomes a rejection by the system.
    TestEvent.objects.filter(pk=first.test_event_id).update(questions_completed=9)
    outcome = decisions.appeal_approve(appeal=first, actor=caltac_agent)
    assert outcome.status == AppealStatus.REJECTED_BY_SYSTEM
    decisions.appeal_reject_by_system(appeal=second, reason="The test was invalidated.")
    # Two rejections by the system, one row: the partial unique index of NULL reviewers.
    assert _tally() == {(Reviewer.CALTAC, dates.local_date(filing_day), None): (2, 2)}
    assert _tally_per_team_day() == _old_grouped()


def test_a_bulk_decision_writes_one_statement_per_reviewer_and_day(
    lea_coordinator, tree, windows, filing_day, caltac_agent
):
    case = file_case(lea_coordinator, tree.school_a1, count=12)
    changed, *rest = appeals_of(case)
    TestEvent.objects.filter(pk=changed.test_event_id).update(questions_completed=9)
    with CaptureQueriesContext(connection) as queries:
        result = decisions.appeals_decide_bulk(
            appeal_ids=[a.pk for a in [changed, *rest]],
            actor=caltac_agent,
            action="approve",
            reason="Confirmed.",
        )
    assert result.count(AppealStatus.APPROVED) == 11
    assert result.count(AppealStatus.REJECTED_BY_SYSTEM) == 1
    # One for the reviewer's eleven approvals, one for the system's rejection: not twelve.
    assert len(_tally_statements(queries.captured_queries)) == 2
    day = dates.local_date(filing_day)
    assert _tally() == {
        (Reviewer.CALTAC, day, caltac_agent.pk): (11, 11),
        (Reviewer.CALTAC, day, None): (1, 1),
    }
    assert _tally_per_team_day() == _old_grouped()


def test_claims_releases_withdrawals_and_refusals_write_nothing(
    reopen_case, caltac_agent, cde_reviewer, lea_coordinator
):
    first, second = appeals_of(reopen_case)
    decisions.appeal_claim(appeal=first, actor=caltac_agent)
    decisions.appeal_release(appeal=first, actor=caltac_agent)
    decisions.appeal_withdraw(appeal=second, actor=lea_coordinator, reason="Filed twice.")
    with pytest.raises(ValidationError):
        decisions.appeal_reject(appeal=first, actor=cde_reviewer, reason="Not ours.")
    with pytest.raises(ValidationError):
        decisions.appeal_reject(appeal=first, actor=caltac_agent, reason="")
    assert not DecisionTally.objects.exists()
    assert _old_grouped() == {}


def test_the_tally_rolls_back_with_its_decision(reopen_case, caltac_agent):
    first, _ = appeals_of(reopen_case)

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        decisions.appeal_reject(appeal=first, actor=caltac_agent, reason="Not early.")
        assert DecisionTally.objects.count() == 1
        raise Abandoned
    first.refresh_from_db()
    assert first.status == AppealStatus.PENDING
    assert not DecisionTally.objects.exists()


def test_a_resubmission_keeps_the_systems_decision_counted(
    reopen_case, caltac_agent, lea_coordinator, filing_day
):
    """The system's rejection was made that day; resubmitting starts a new review with a new
    due date (A-2), counted again when decided. The past day's figures stay as they were, where
    the old grouped query lost the first decision (its decision time cleared)."""
    appeal = appeals_of(reopen_case)[0]
    TestEvent.objects.filter(pk=appeal.test_event_id).update(questions_completed=9)
    decisions.appeal_approve(appeal=appeal, actor=caltac_agent)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REJECTED_BY_SYSTEM
    day = dates.local_date(filing_day)
    assert _tally() == {(Reviewer.CALTAC, day, None): (1, 1)}
    next_day = filing_day + timedelta(days=1)
    with time_machine.travel(next_day, tick=False):
        appeal = services.case_appeal_resubmit(
            case=reopen_case, appeal=appeal, actor=lea_coordinator
        )
        assert _tally() == {(Reviewer.CALTAC, day, None): (1, 1)}
        decisions.appeal_approve(appeal=appeal, actor=caltac_agent)
    assert _tally() == {
        (Reviewer.CALTAC, day, None): (1, 1),
        (Reviewer.CALTAC, dates.local_date(next_day), caltac_agent.pk): (1, 1),
    }
    assert _old_grouped() == {(Reviewer.CALTAC, dates.local_date(next_day)): (1, 1)}


def test_the_backfill_counts_the_decisions_made_before_the_tally(
    reopen_case, caltac_agent, cde_reviewer, filing_day
):
    """appeals/0010's one INSERT ... SELECT: per team, Pacific day and reviewer, on time by the
    due moment (A-2); open and withdrawn appeals not counted."""
    yesterday = filing_day - timedelta(days=1)
    evening = datetime(2027, 3, 8, 23, 30, tzinfo=dates.PACIFIC)
    made = [
        *add_appeals(
            reopen_case, 2, status=AppealStatus.APPROVED, decided_at=yesterday,
            decided_by=caltac_agent, due_at=filing_day,
        ),
        # Decided at its due moment exactly: by it, so on time.
        *add_appeals(
            reopen_case, 1, status=AppealStatus.APPROVED, decided_at=yesterday,
            decided_by=caltac_agent, due_at=yesterday,
        ),
        *add_appeals(
            reopen_case, 1, status=AppealStatus.REJECTED_BY_CALTAC, decided_at=evening,
            decided_by=caltac_agent, due_at=evening - timedelta(hours=1), decision_reason="Late.",
        ),
        *add_appeals(
            reopen_case, 1, status=AppealStatus.REJECTED_BY_SYSTEM, decided_at=evening,
            due_at=filing_day, decision_reason="The test changed.",
        ),
        *add_appeals(
            reopen_case, 1, reviewer=Reviewer.CDE, appeal_type="",
            status=AppealStatus.REJECTED_BY_CDE, decided_at=yesterday, decided_by=cde_reviewer,
            due_at=filing_day, decision_reason="No.",
        ),
        *add_appeals(reopen_case, 1, status=AppealStatus.WITHDRAWN, decided_at=yesterday),
    ]  # fmt: skip
    expected = tally.counts(made)
    DecisionTally.objects.all().delete()  # as before the migration
    migration = importlib.import_module("appeals.migrations.0010_decision_tally")
    migration.backfill(apps, SimpleNamespace(connection=connection))
    assert (
        _tally()
        == expected
        == {
            (Reviewer.CALTAC, dates.local_date(yesterday), caltac_agent.pk): (3, 3),
            (Reviewer.CALTAC, evening.date(), caltac_agent.pk): (1, 0),
            (Reviewer.CALTAC, evening.date(), None): (1, 1),
            (Reviewer.CDE, dates.local_date(yesterday), cde_reviewer.pk): (1, 1),
        }
    )
    assert _tally_per_team_day() == _old_grouped()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_deciding_at_once_do_not_wait_on_each_other(caltac_agent, caltac_colleague):
    """Each reviewer adds to a row of their own: while one reviewer's decision is uncommitted,
    a colleague's is written at once; only the same reviewer's row would wait."""
    now = timezone.now()

    def decided(by) -> Appeal:
        return Appeal(
            reviewer=Reviewer.CALTAC,
            status=AppealStatus.APPROVED,
            decided_at=now,
            due_at=now,
            decided_by=by,
        )

    holding, release = threading.Event(), threading.Event()

    def first_reviewer() -> None:
        try:
            with transaction.atomic():
                tally.record([decided(caltac_agent)])
                holding.set()
                release.wait(30)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=first_reviewer)
    thread.start()
    try:
        assert holding.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            tally.record([decided(caltac_colleague)])
        with pytest.raises(OperationalError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            tally.record([decided(caltac_agent)])
    finally:
        release.set()
        thread.join(30)
    day = dates.local_date(now)
    assert _tally() == {
        (Reviewer.CALTAC, day, caltac_agent.pk): (1, 1),
        (Reviewer.CALTAC, day, caltac_colleague.pk): (1, 1),
    }
