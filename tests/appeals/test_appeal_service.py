"""Filing appeals (`appeal_create`) and the appeal table's guarantees in the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from appeals.models import Appeal, AppealEvent
from appeals.services import appeal_create, appeal_withdraw_open
from stairs.vocabulary import AppealStatus, AppealType, Reviewer
from tests.incidents import conftest as case_fixtures
from tests.incidents.conftest import draft
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db

# The incidents tests' fixtures: a testing window and a filing day pinned inside it.
windows = case_fixtures.windows
filing_day = case_fixtures.filing_day


@pytest.fixture
def case(lea_coordinator, tree, windows, filing_day):
    return draft(lea_coordinator, tree.school_a1)


def _file(case, actor, appeal_type, reviewer, **kwargs):
    return appeal_create(
        case=case,
        student=kwargs.pop("student", None) or StudentFactory(school=case.school),
        test_event=None,
        appeal_type=appeal_type,
        reviewer=reviewer,
        rule="A-TEST",
        reason="Because.",
        manual_review=kwargs.pop("manual_review", False),
        actor=actor,
    )


@pytest.mark.parametrize(
    ("appeal_type", "reviewer", "status"),
    [
        (AppealType.RESET, Reviewer.CALTAC, AppealStatus.PENDING),
        (AppealType.REOPEN, Reviewer.CALTAC, AppealStatus.PENDING),
        (AppealType.INVALIDATE, Reviewer.CDE, AppealStatus.PENDING),
        (AppealType.RESCORE, Reviewer.CALTAC, AppealStatus.PENDING),
        # rule A-1
        (AppealType.GRACE_PERIOD_EXTENSION, Reviewer.CDE, AppealStatus.PENDING_APPROVAL),
        (AppealType.RESTORE, Reviewer.CDE, AppealStatus.PENDING_APPROVAL),
    ],
)
def test_an_appeal_starts_pending_or_pending_approval(
    case, lea_coordinator, appeal_type, reviewer, status
):
    appeal = _file(case, lea_coordinator, appeal_type, reviewer)
    assert (appeal.status, appeal.reviewer) == (status, reviewer)
    event = AppealEvent.objects.get(appeal=appeal)
    assert (event.actor, event.from_status, event.to_status) == (lea_coordinator, "", status)


def test_a_manual_review_has_no_type_and_cde_decides(case, lea_coordinator):
    appeal = _file(case, lea_coordinator, None, Reviewer.CALTAC, manual_review=True)
    assert (appeal.appeal_type, appeal.reviewer, appeal.status) == (
        "",
        Reviewer.CDE,
        AppealStatus.PENDING,
    )


def test_an_untyped_appeal_is_only_for_a_manual_review(case, lea_coordinator):
    with pytest.raises(ValidationError):
        _file(case, lea_coordinator, None, Reviewer.CALTAC)


def test_the_database_refuses_what_a_1_forbids(case, lea_coordinator):
    # rule A-1: a Grace Period Extension is never plain pending
    appeal = _file(case, lea_coordinator, AppealType.GRACE_PERIOD_EXTENSION, Reviewer.CDE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(status=AppealStatus.PENDING)


def test_the_database_refuses_unknown_values_and_an_untyped_caltac_appeal(case, lea_coordinator):
    appeal = _file(case, lea_coordinator, AppealType.RESET, Reviewer.CALTAC)
    for changes in ({"status": "LOST"}, {"appeal_type": "REWIND"}, {"appeal_type": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Appeal.objects.filter(pk=appeal.pk).update(**changes)


def test_one_appeal_per_student_per_case(case, lea_coordinator):
    student = StudentFactory(school=case.school)
    _file(case, lea_coordinator, AppealType.RESET, Reviewer.CALTAC, student=student)
    with pytest.raises(IntegrityError), transaction.atomic():
        _file(case, lea_coordinator, AppealType.REOPEN, Reviewer.CALTAC, student=student)


def test_withdrawing_leaves_decided_appeals_alone(case, lea_coordinator):
    decided = _file(case, lea_coordinator, AppealType.RESET, Reviewer.CALTAC)
    # Decided as the review services leave it (their own tests are in test_decisions.py).
    Appeal.objects.filter(pk=decided.pk).update(
        status=AppealStatus.APPROVED, decided_at=decided.received_at
    )
    waiting = _file(case, lea_coordinator, AppealType.RESTORE, Reviewer.CDE)
    withdrawn = appeal_withdraw_open(case=case, actor=lea_coordinator, reason="Filed in error.")
    assert withdrawn == [waiting]
    decided.refresh_from_db()
    waiting.refresh_from_db()
    assert (decided.status, waiting.status) == (AppealStatus.APPROVED, AppealStatus.WITHDRAWN)
    assert waiting.events.last().reason == "Filed in error."
