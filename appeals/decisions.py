"""The review of appeals (issue 9): claim, release, approve for filing (A-1), approve, reject,
reject by system, withdraw, resubmit, and the bulk decision.

Every service follows the same steps (style.md): lock the rows (the cases first, then their
appeals, always in id order, as `incidents.services.case_withdraw` does, so two services never
wait on each other crosswise); check the move against appeals/transitions.py and the actor
against the appeal (its reviewer team; never the person who filed the case); change; write the
timeline row; add a decision to its day's tally (appeals/tally.py, the reviewers' charts); send
``appeals_changed`` so incidents recomputes the case status in the same transaction; queue the
decision email through the outbox (sent after commit).

A refusal raises ``ValidationError`` with one sentence for people and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.access import scope_for
from accounts.models import ROLE_PROGRAM, Role, RoleGrant, User
from appeals import business_days, review, tally, transitions
from appeals.decision_emails import Outcome, queue_decision_emails
from appeals.models import Appeal, AppealEvent, AppealEventKind, AppealOverdue
from appeals.services import _record, _withdraw, appeal_closures, filed_state
from appeals.signals import appeals_changed
from appeals.transitions import Action
from stairs.vocabulary import AppealStatus, AppealType, Reviewer
from students import effects
from students.dates import local_date
from students.effects import EffectError
from students.queries import window_is_open

# Who decides for which team (domain.md section A's "decided by"; U-2's roles).
TEAM_ROLES: dict[str, frozenset[str]] = {
    Reviewer.CDE: frozenset({Role.CDE_REVIEWER, Role.CDE_ADMINISTRATOR}),
    Reviewer.CALTAC: frozenset({Role.CALTAC_AGENT}),
}

# The effects that give the student testing time, which a closed window no longer allows
# (A-3, C-4); an Invalidate, a Rescore or a Restore act on a finished test.
_NEEDS_OPEN_WINDOW = frozenset(
    {AppealType.RESET, AppealType.REOPEN, AppealType.GRACE_PERIOD_EXTENSION}
)


def reviewer_teams(user: User) -> frozenset[str]:
    """The reviewer teams ``user`` decides for: CDE (reviewers and administrators), CalTAC."""
    roles = scope_for(user).roles
    return frozenset(team for team, team_roles in TEAM_ROLES.items() if roles & team_roles)


def _case_model() -> type[models.Model]:
    # The case, through the appeal's foreign key: appeals never imports incidents.
    return Appeal._meta.get_field("case").related_model  # type: ignore[return-value]


def _lock(appeal_ids: Iterable[int]) -> list[Appeal]:
    """Lock the cases of ``appeal_ids`` then the appeals, in id order; the appeals come with
    their case, student, test event and people."""
    ids = sorted(set(appeal_ids))
    case_ids = sorted(
        set(Appeal.objects.filter(pk__in=ids).values_list("case_id", flat=True).distinct())
    )
    list(
        _case_model()
        .objects.select_for_update()
        .filter(pk__in=case_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(
        Appeal.objects.select_for_update(of=("self",))
        .select_related("case", "student", "test_event__part__assessment", "claimed_by")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def _lock_one(appeal: Appeal) -> Appeal:
    locked = _lock([appeal.pk])
    if not locked:
        raise ValidationError("This appeal no longer exists.")
    return locked[0]


def _require_action(appeal: Appeal, action: Action) -> None:
    if not transitions.action_allowed(action, appeal.status):
        raise ValidationError(transitions.refusal(action, appeal.status))


def _require_reviewer(appeal: Appeal, actor: User) -> None:
    """The actor is on the appeal's reviewer team and did not file its case (issue 9, item 10)."""
    if appeal.reviewer not in reviewer_teams(actor):
        team = Reviewer(appeal.reviewer).label
        raise ValidationError(f"This appeal is {team}'s to decide; only {team} can decide it.")
    case = appeal.case
    if actor.pk in (case.created_by_id, case.submitted_by_id):
        raise ValidationError("You filed this case, so another reviewer decides its appeals.")


def _require_filer_side(appeal: Appeal, actor: User) -> None:
    """The actor files for the appeal's case: its filer, or a coordinator of the case's program
    at its school or LEA (F-7)."""
    case = appeal.case
    if actor.pk in (case.created_by_id, case.submitted_by_id):
        return
    roles = RoleGrant.objects.filter(
        user=actor,
        role__in=[role for role, program in ROLE_PROGRAM.items() if program == case.program],
        organization_id__in=[case.school_id, case.lea_id],
    )
    if not roles.exists():
        raise ValidationError(
            "Only the case's filer or a coordinator of its program at its school or LEA can do "
            "this."
        )


def _event(
    appeal: Appeal,
    kind: str,
    actor: User | None,
    detail: str,
    *,
    now: datetime,
    from_status: str | None = None,
    reason: str = "",
) -> AppealEvent:
    return _record(
        appeal,
        kind=kind,
        actor=actor,
        from_status=appeal.status if from_status is None else from_status,
        detail=detail,
        reason=reason,
        at=now,
    )


def _after_decisions(outcomes: list[Outcome], actor: User | None) -> None:
    """What follows every decision, in the deciding transaction: the day's tally (one statement
    per team, day and reviewer for a whole bulk decision), the decision's email, then the case
    following its appeals (whose "processed" email, N-2, comes after the decision's)."""
    appeals = [outcome.appeal for outcome in outcomes]
    tally.record(appeals)
    queue_decision_emails(outcomes)
    _changed(appeals, actor)


def _changed(appeals: Iterable[Appeal], actor: User | None) -> None:
    case_ids = sorted({appeal.case_id for appeal in appeals})
    if case_ids:
        appeals_changed.send(sender=Appeal, case_ids=case_ids, actor=actor)


# --- claim and release -------------------------------------------------------------------------


@transaction.atomic
def appeal_claim(*, appeal: Appeal, actor: User) -> Appeal:
    """Take an open appeal into one's own queue (Mine).

    Steps: lock; check it is open, the actor's team's and not of a case they filed; refuse one
    another reviewer holds; set claimed by and at; timeline.
    """
    appeal = _lock_one(appeal)
    if not appeal.is_open:
        raise ValidationError(
            f"This appeal is {AppealStatus(appeal.status).in_sentence}, so there is nothing "
            "left to review."
        )
    _require_reviewer(appeal, actor)
    if appeal.claimed_by_id == actor.pk:
        return appeal
    if appeal.claimed_by_id is not None:
        raise ValidationError(
            f"{appeal.claimed_by.full_name} is reviewing this appeal; ask them to release it."
        )
    now = timezone.now()
    appeal.claimed_by, appeal.claimed_at = actor, now
    appeal.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
    _event(appeal, AppealEventKind.CLAIMED, actor, f"Claimed by {actor.full_name}.", now=now)
    return appeal


@transaction.atomic
def appeal_release(*, appeal: Appeal, actor: User) -> Appeal:
    """Give an appeal one holds back to the team's Unclaimed queue.

    Steps: lock; check the actor holds it (a CDE administrator may release anyone's); clear the
    claim; timeline.
    """
    appeal = _lock_one(appeal)
    if appeal.claimed_by_id is None:
        return appeal
    if appeal.claimed_by_id != actor.pk and Role.CDE_ADMINISTRATOR not in scope_for(actor).roles:
        raise ValidationError("Only the reviewer who holds this appeal can release it.")
    now = timezone.now()
    held_by = appeal.claimed_by
    appeal.claimed_by, appeal.claimed_at = None, None
    appeal.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
    _event(appeal, AppealEventKind.RELEASED, actor, f"Released by {held_by.full_name}.", now=now)
    return appeal


# --- decisions ---------------------------------------------------------------------------------


def _decide(
    appeal: Appeal, *, to_status: str, actor: User | None, reason: str, now: datetime
) -> None:
    """Move a locked appeal to a decision and write its timeline row."""
    if not transitions.allows(appeal.status, to_status):
        raise ValidationError(
            f"An appeal that is {AppealStatus(appeal.status).in_sentence} cannot become "
            f"{AppealStatus(to_status).in_sentence}."
        )
    from_status = appeal.status
    appeal.status = to_status
    appeal.decided_at = now
    appeal.decided_by = actor
    appeal.decision_reason = reason
    appeal.save()
    _event(
        appeal,
        AppealEventKind.DECIDED,
        actor,
        f"{AppealStatus(from_status).label} → {AppealStatus(to_status).label}",
        now=now,
        from_status=from_status,
        reason=reason,
    )


@transaction.atomic
def appeal_preapprove(*, appeal: Appeal, actor: User, reason: str = "") -> Appeal:
    """A-1: CDE approves a Grace Period Extension or a Restore for filing; it is then pending,
    with CDE as its reviewer, and its effect applies when CDE approves it.

    Steps: lock; check (pending approval; a CDE reviewer who did not file the case); pending;
    approved for filing at and by; timeline; case status.
    """
    appeal = _lock_one(appeal)
    _require_action(appeal, Action.PREAPPROVE)
    _require_reviewer(appeal, actor)
    now = timezone.now()
    from_status = appeal.status
    appeal.status = AppealStatus.PENDING
    appeal.preapproved_at, appeal.preapproved_by = now, actor
    appeal.save()
    _event(
        appeal,
        AppealEventKind.APPROVED_FOR_FILING,
        actor,
        "Approved for filing by CDE (A-1); CDE now decides it.",
        now=now,
        from_status=from_status,
        reason=reason.strip(),
    )
    _changed([appeal], actor)
    return appeal


def approval_choices(appeal: Appeal) -> tuple[review.Choice, ...]:
    """The ways ``appeal`` may be approved (appeals/review.py): what the decision page offers
    and what ``appeal_approve`` accepts."""
    return review.approval_choices(
        appeal_type=appeal.appeal_type,
        manual_review=appeal.manual_review,
        program=appeal.program,
        part=appeal.case.part,
    )


def _window_open(case: models.Model, now: datetime, memo: dict[tuple, bool]) -> bool:
    """The LEA's window for the case's program today, read once per LEA and program in a bulk
    decision (``memo``)."""
    key = (case.lea_id, case.program)
    if key not in memo:
        memo[key] = window_is_open(lea=case.lea_id, program=case.program, on=local_date(now))
    return memo[key]


def _system_refusal(
    appeal: Appeal, choice: review.Choice, now: datetime, windows: dict[tuple, bool]
) -> str | None:
    """Why the test no longer allows the approved effect, before trying it: the LEA's window
    closed for an effect that gives testing time (A-3, C-4), or the test changed since filing."""
    event = appeal.test_event
    if event is None:
        return "The appeal has no test event to act on."
    if choice.exception:
        return None
    case = appeal.case
    if choice.appeal_type in _NEEDS_OPEN_WINDOW and not _window_open(case, now, windows):
        return (
            f"The LEA's {case.program} testing window is closed, so the test can no longer be "
            f"changed by a {AppealType(choice.appeal_type).label} (A-3, C-4)."
        )
    changes = review.event_changes(appeal.filed_state, filed_state(event, now))
    if changes:
        return (
            "The test changed since the case was filed ("
            + "; ".join(changes)
            + "), so the decision the rules made then may no longer hold. Resubmit the appeal "
            "to have it decided on the test as it is now."
        )
    return None


def _apply(appeal: Appeal, choice: review.Choice, actor: User, reason: str, now: datetime) -> str:
    """Apply the approved effect to the test through the students services; returns what it did
    in a sentence. Raises EffectError when the test does not allow it."""
    event = appeal.test_event
    assert event is not None
    reference = f"STAIRS case {appeal.case.number}, appeal {appeal.pk}"
    common = {"event": event, "actor": actor, "reason": reason, "reference": reference, "now": now}
    kind = choice.appeal_type
    if choice.exception:
        return (
            "Approved as a recorded exception: nothing changed on the test. A CAASPP PT has no "
            "pause rule (A-GPE-1): open a new test session for the student."
        )
    if kind == AppealType.RESET:
        effects.event_reset(**common, tds=not appeal.dei_only, dei=True)
    elif kind == AppealType.REOPEN:
        effects.event_reopen(**common, dei_only=appeal.dei_only)
    elif kind == AppealType.RESTORE:
        effects.event_restore(**common)
    elif kind == AppealType.GRACE_PERIOD_EXTENSION:
        effects.event_extend_grace_period(**common)
    elif kind == AppealType.RESCORE:
        effects.event_rescore(**common)
    elif kind == AppealType.INVALIDATE:
        effects.event_invalidate(**common)
    done = f"{AppealType(kind).label} applied to the test."
    if appeal.notation and kind != AppealType.INVALIDATE:
        # rule D-1: the ELPAC resets record a domain-level irregularity notation.
        effects.event_add_notation(
            event=event,
            actor=actor,
            text=f"Irregularity: {AppealType(kind).label} approved (STAIRS case "
            f"{appeal.case.number}).",
            reason=reason,
            reference=reference,
            now=now,
        )
        done += " An irregularity notation was recorded (D-1)."
    return done


def _approve_locked(
    appeal: Appeal,
    *,
    actor: User,
    reason: str,
    choice_code: str | None,
    now: datetime,
    windows: dict[tuple, bool] | None = None,
) -> Outcome:
    _require_action(appeal, Action.APPROVE)
    _require_reviewer(appeal, actor)
    choices = approval_choices(appeal)
    choice = review.choice_for(choices, choice_code)
    if choice is None:
        offered = " or ".join(c.label.lower() for c in choices)
        raise ValidationError({"choice": f"Choose how to approve it: {offered}."})
    reason = reason.strip() or "Approved."
    refusal = _system_refusal(appeal, choice, now, {} if windows is None else windows)
    if refusal is None:
        try:
            with transaction.atomic():
                done = _apply(appeal, choice, actor, reason, now)
        except EffectError as error:
            refusal = str(error)
    if refusal is not None:
        _decide(
            appeal, to_status=AppealStatus.REJECTED_BY_SYSTEM, actor=None, reason=refusal, now=now
        )
        return Outcome(appeal, appeal.status, refusal)
    appeal.appeal_type = choice.appeal_type
    appeal.exception = choice.exception
    _decide(appeal, to_status=AppealStatus.APPROVED, actor=actor, reason=reason, now=now)
    return Outcome(appeal, appeal.status, done)


def _reject_locked(appeal: Appeal, *, actor: User, reason: str, now: datetime) -> Outcome:
    _require_action(appeal, Action.REJECT)
    _require_reviewer(appeal, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Give the reason for the rejection; the coordinator reads it."}
        )
    _decide(
        appeal,
        to_status=transitions.REJECTED_BY[appeal.reviewer],
        actor=actor,
        reason=reason,
        now=now,
    )
    return Outcome(appeal, appeal.status, f"Rejected: {reason}")


@transaction.atomic
def appeal_approve(
    *, appeal: Appeal, actor: User, reason: str = "", choice: str | None = None
) -> Outcome:
    """Approve a pending appeal and apply its effect to the test (issue 9, items 3 and 5).

    Steps: lock (case, appeal); check the move and the reviewer; the choice among
    `review.approval_choices` (a manual review's Reset or Invalidate, a PT's exception); refuse
    by system when the window closed or the test changed since filing, else apply the effect
    through students/effects.py in a savepoint (an effect the test refuses rolls back alone and
    the appeal becomes rejected by system with its sentence); approved with the choice's type;
    timeline; case status; decision email.
    """
    appeal = _lock_one(appeal)
    outcome = _approve_locked(
        appeal, actor=actor, reason=reason, choice_code=choice, now=timezone.now()
    )
    _after_decisions([outcome], actor)
    return outcome


@transaction.atomic
def appeal_reject(*, appeal: Appeal, actor: User, reason: str) -> Outcome:
    """Reject an appeal waiting for a decision, with the reason the coordinator reads.

    Steps: lock; check the move, the reviewer and the reason; rejected by the reviewer's team;
    timeline; case status; decision email.
    """
    appeal = _lock_one(appeal)
    outcome = _reject_locked(appeal, actor=actor, reason=reason, now=timezone.now())
    _after_decisions([outcome], actor)
    return outcome


@transaction.atomic
def appeal_reject_by_system(*, appeal: Appeal, reason: str) -> Appeal:
    """The system refuses an appeal whose test no longer allows it (the reason says why); the
    coordinator may resubmit it. Steps: lock; check the move; rejected by system; timeline;
    case status; decision email."""
    appeal = _lock_one(appeal)
    _require_action(appeal, Action.REJECT_BY_SYSTEM)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the system rejects the appeal."})
    now = timezone.now()
    _decide(
        appeal,
        to_status=AppealStatus.REJECTED_BY_SYSTEM,
        actor=None,
        reason=reason.strip(),
        now=now,
    )
    _after_decisions([Outcome(appeal, appeal.status, reason.strip())], None)
    return appeal


@transaction.atomic
def appeal_withdraw(*, appeal: Appeal, actor: User, reason: str) -> Appeal:
    """The filer side withdraws one appeal still open (or one rejected by the system it will not
    resubmit). Steps: lock; check the move and the actor; withdrawn; timeline; case status."""
    appeal = _lock_one(appeal)
    _require_action(appeal, Action.WITHDRAW)
    _require_filer_side(appeal, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the appeal is withdrawn."})
    _withdraw(appeal, actor=actor, reason=reason)
    _changed([appeal], actor)
    return appeal


@transaction.atomic
def appeal_resubmit(
    *,
    appeal: Appeal,
    actor: User,
    appeal_type: str | None,
    reviewer: str | None,
    rule: str,
    reason: str,
    manual_review: bool,
    notation: bool = False,
) -> Appeal:
    """Resubmit an appeal the system rejected, with the rules' decision on the test as it is now
    (the caller, `incidents.services.case_appeal_resubmit`, decides it again).

    Steps: lock; check the move and the actor; the new decision and its first status (A-1);
    received now, so due four business days from now (A-2); the test's facts now; the earlier
    decision cleared (kept on the timeline); timeline; case status.
    """
    appeal = _lock_one(appeal)
    _require_action(appeal, Action.RESUBMIT)
    _require_filer_side(appeal, actor)
    if not appeal_type and not manual_review:
        raise ValidationError("The rules no longer file an appeal for this test.")
    now = timezone.now()
    from_status = appeal.status
    appeal.appeal_type = appeal_type or ""
    appeal.reviewer = Reviewer.CDE if manual_review or not reviewer else reviewer
    appeal.manual_review = manual_review
    appeal.rule, appeal.reason, appeal.notation = rule, reason, notation
    appeal.status = transitions.initial_status(appeal_type)
    appeal.received_at = now
    appeal.due_at = business_days.appeal_due_at(now, appeal_closures(now))
    appeal.filed_state = filed_state(appeal.test_event, now)
    appeal.claimed_by = appeal.claimed_at = None
    appeal.preapproved_by = appeal.preapproved_at = None
    appeal.decided_by = appeal.decided_at = None
    appeal.decision_reason = ""
    appeal.exception = False
    appeal.save()
    # Due again four business days from now: the team is told again if it passes.
    AppealOverdue.objects.filter(appeal=appeal).delete()
    _event(
        appeal,
        AppealEventKind.RESUBMITTED,
        actor,
        f"Resubmitted: {appeal.type_label}, {Reviewer(appeal.reviewer).label} decides.",
        now=now,
        from_status=from_status,
        reason=reason,
    )
    _changed([appeal], actor)
    return appeal


# --- bulk ---------------------------------------------------------------------------------------


@dataclass
class BulkResult:
    """A bulk decision's outcomes, and the appeals it left alone with why."""

    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[tuple[Appeal, str]] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)


@transaction.atomic
def appeals_decide_bulk(
    *, appeal_ids: Iterable[int], actor: User, action: str, reason: str
) -> BulkResult:
    """Approve or reject the selected appeals with one mandatory reason (issue 9, item 4).

    Steps: refuse an empty reason or an unknown action; lock every case then every appeal, in id
    order; decide each as the single services do (an approval of a manual review, which needs a
    choice, is left alone with why, and so is any appeal the actor may not decide); one
    ``appeals_changed`` for all their cases; one decision email per case and recipient.
    """
    if action not in (Action.APPROVE, Action.REJECT):
        raise ValidationError({"action": "Choose approve or reject."})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give one reason for the selected appeals."})
    now = timezone.now()
    result = BulkResult()
    windows: dict[tuple, bool] = {}
    for appeal in _lock(appeal_ids):
        try:
            with transaction.atomic():
                if action == Action.APPROVE:
                    outcome = _approve_locked(
                        appeal,
                        actor=actor,
                        reason=reason,
                        choice_code=None,
                        now=now,
                        windows=windows,
                    )
                else:
                    outcome = _reject_locked(appeal, actor=actor, reason=reason, now=now)
        except ValidationError as error:
            result.skipped.append((appeal, " ".join(error.messages)))
            continue
        result.outcomes.append(outcome)
    _after_decisions(result.outcomes, actor)
    return result
