"""The appeals' write paths (style.md: one per use case, `<entity>_<verb>`, keyword-only).

Filing (`appeal_create`, called by `incidents.services.case_submit`) and withdrawal with the case
(`appeal_withdraw_open`) live here; the review services (claim, release, approve for filing,
approve, reject, reject by system, withdraw, resubmit, the bulk decision) are in
appeals/decisions.py, the queue workers' (assignment, hand-back, overdue sweep) in
appeals/assignment.py.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from appeals import business_days, review, transitions
from appeals.models import Appeal, AppealEvent, AppealEventKind, ClosureDay
from stairs.vocabulary import AppealStatus, AppealType, Reviewer
from students.dates import local_date
from students.models import Student, TestEvent


def _record(
    appeal: Appeal,
    *,
    kind: str,
    actor: User | None,
    from_status: str,
    detail: str,
    reason: str = "",
    at: datetime,
) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        actor=actor,
        at=at,
        kind=kind,
        from_status=from_status,
        to_status=appeal.status,
        detail=detail[:300],
        reason=reason,
    )


def filed_state(event: TestEvent | None, now: datetime) -> dict:
    """The test facts a reviewer compares with the moment of filing (appeals/review.py)."""
    if event is None:
        return {}
    return review.event_facts(
        status=event.effective_status(now),
        questions_completed=event.questions_completed,
        expires_at=event.expires_at,
    )


def appeal_closures(received_at: datetime) -> frozenset[date]:
    """The closure days that can fall inside the four business days of an appeal received at
    ``received_at``: one query."""
    first = local_date(received_at)
    return ClosureDay.dates_between(first, first + business_days.CLOSURE_HORIZON)


def _case_closures(case: models.Model, received_at: datetime) -> frozenset[date]:
    """The closure days of ``appeal_closures``, kept on the case instance: a case's submission
    files all its appeals on one instance, at one moment, in one transaction, and the closure
    days are read for its first appeal only (a query per appeal would grow with the SSIDs)."""
    memo: dict[date, frozenset[date]] = case.__dict__.setdefault("_appeal_closures", {})
    day = local_date(received_at)
    if day not in memo:
        memo[day] = appeal_closures(received_at)
    return memo[day]


# No savepoint of its own: a case files up to 500 appeals in its one transaction, and a failed
# appeal fails the whole submission anyway.
@transaction.atomic(savepoint=False)
def appeal_create(
    *,
    case: models.Model,
    student: Student,
    test_event: TestEvent | None,
    appeal_type: str | None,
    reviewer: str | None,
    rule: str,
    reason: str,
    manual_review: bool,
    actor: User,
    received_at: datetime | None = None,
    closures: frozenset[date] | None = None,
    dei_only: bool = False,
    notation: bool = False,
) -> Appeal:
    """File one appeal of a submitted case.

    Steps: check the type and reviewer; choose the first status (pending, or pending approval
    for Grace Period Extension and Restore, A-1); save; write the timeline. An appeal the rules
    left to CDE by hand has no type yet and CDE as its reviewer (manual review). The caller
    (the case's submission) holds the case lock and sends the one email for the whole case.

    ``due_at`` (A-2: four business days after ``received_at``, appeals/business_days.py) is
    computed here once and stored. ``closures`` are the closure days from the day of receipt
    (``appeal_closures``); without them they are read once per case instance and day of receipt
    (``_case_closures``), so a submission of 500 appeals reads them once.
    """
    if appeal_type and appeal_type not in AppealType:
        raise ValidationError({"appeal_type": f"Unknown appeal {appeal_type!r}."})
    if not appeal_type and not manual_review:
        raise ValidationError({"appeal_type": "Only an appeal CDE decides by hand has no type."})
    if manual_review or not reviewer:
        # Whatever the rules suggested, the choice is CDE's when a person must decide (D-3).
        reviewer = Reviewer.CDE
    if reviewer not in Reviewer:
        raise ValidationError({"reviewer": f"Unknown reviewer {reviewer!r}."})
    now = timezone.now()
    received_at = received_at or now
    if closures is None:
        closures = _case_closures(case, received_at)
    appeal = Appeal.objects.create(
        case=case,
        lea_id=case.lea_id,
        school_id=case.school_id,
        program=case.program,
        student=student,
        test_event=test_event,
        appeal_type=appeal_type or "",
        reviewer=reviewer,
        status=transitions.initial_status(appeal_type),
        manual_review=manual_review,
        rule=rule,
        reason=reason,
        received_at=received_at,
        due_at=business_days.appeal_due_at(received_at, closures),
        created_at=now,
        dei_only=dei_only,
        notation=notation,
        filed_state=filed_state(test_event, now),
    )
    what = AppealType(appeal_type).label if appeal_type else "Appeal for CDE to choose"
    _record(
        appeal,
        kind=AppealEventKind.CREATED,
        actor=actor,
        from_status="",
        detail=f"{what} filed; {Reviewer(reviewer).label} decides.",
        reason=reason,
        at=now,
    )
    return appeal


def _withdraw(appeal: Appeal, *, actor: User, reason: str) -> Appeal:
    """Withdraw a locked appeal along the transition table and write the timeline; refuses a
    move the table does not list."""
    to_status = AppealStatus.WITHDRAWN
    if not transitions.allows(appeal.status, to_status):
        raise ValidationError(
            f"An appeal that is {AppealStatus(appeal.status).in_sentence} cannot become "
            f"{AppealStatus(to_status).in_sentence}."
        )
    from_status = appeal.status
    appeal.status = to_status
    appeal.claimed_by = appeal.claimed_at = None
    appeal.save(update_fields=["status", "claimed_by", "claimed_at", "updated_at"])
    _record(
        appeal,
        kind=AppealEventKind.STATUS_CHANGED,
        actor=actor,
        from_status=from_status,
        detail=f"{AppealStatus(from_status).label} → {AppealStatus(to_status).label}",
        reason=reason,
        at=timezone.now(),
    )
    return appeal


@transaction.atomic
def appeal_withdraw_open(*, case: models.Model, actor: User, reason: str) -> list[Appeal]:
    """Withdraw every appeal of ``case`` still waiting for a decision (its case is withdrawn).

    Steps: lock the case's open appeals; move each to withdrawn; timeline. Decided appeals keep
    their decision.
    """
    appeals = list(
        Appeal.objects.select_for_update()
        .filter(case=case, status__in=transitions.OPEN)
        .order_by("pk")
    )
    for appeal in appeals:
        _withdraw(appeal, actor=actor, reason=reason)
    return appeals
