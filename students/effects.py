"""The effects of approved appeals on test events (domain.md section A).

Every effect runs through one scaffold, ``_apply``: inside one transaction it locks the event
row, catches up a lapsed expiry (T-1), checks the event's status against the transition table of
``students/transitions.py`` (``ALLOWED_FROM``, the same table the appeal rules read), lets the
effect check its own conditions and change the row, saves, and writes the timeline row. A
refused effect raises ``EffectError`` with one plain sentence before anything is written, so a
caller never leaves a half change behind.

Who may decide an appeal is the appeals service's business; these functions check the event.
Each returns the locked, updated event and also updates the instance it was given.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Program, User
from stairs.vocabulary import AppealType, AssessmentCode
from students import dates, transitions
from students.expiry import catch_up_expiry
from students.models import (
    ChangeKind,
    ConditionCode,
    Delivery,
    IrregularityNotation,
    PartCode,
    TestEvent,
    TestStatus,
)
from students.timeline import day_label, record_change
from students.transitions import EVENT_STATE_FIELDS


class EffectError(Exception):
    """An effect the event's state does not allow; ``str()`` is a plain sentence for people."""


# A-REOPEN-4: a CAASPP test re-opened after expiry is open 10 calendar days from the re-open.
CAASPP_REOPEN_DAYS: Final = 10

DEFAULT_INVALIDATION_NOTE: Final = (
    "Invalidated: an irregularity occurred. Scored, counted as participated and as not proficient."
)

_DATETIME_FIELDS: Final = frozenset(
    {"opened_at", "expires_at", "submitted_at", "grace_period_extended_at", "rescore_opened_at"}
)


@dataclass(frozen=True, slots=True)
class Approval:
    """Who applies an approved appeal's effect, when, and on what grounds."""

    actor: User | None
    reason: str
    reference: str
    now: datetime


@dataclass(frozen=True, slots=True)
class Change:
    """What an effect did, for its timeline row."""

    kind: str
    detail: str


# An effect's own part: check the event's conditions, change it (unsaved), say what it did.
Effect = Callable[..., Change]
EffectService = Callable[..., TestEvent]


def appeal_effect(appeal: AppealType) -> Callable[[Effect], EffectService]:
    """Make ``effect(event, approval, **options) -> Change`` into its service, called as
    ``service(*, event, actor, reason, reference="", now=None, **options)``, that runs the
    effect inside ``_apply`` and returns the updated event."""

    def decorate(effect: Effect) -> EffectService:
        @functools.wraps(effect)
        def service(
            *,
            event: TestEvent,
            actor: User | None,
            reason: str,
            reference: str = "",
            now: datetime | None = None,
            **options: Any,
        ) -> TestEvent:
            return _apply(
                event,
                appeal=appeal,
                effect=functools.partial(effect, **options),
                actor=actor,
                reason=reason,
                reference=reference,
                now=now,
            )

        return service

    return decorate


# --- the scaffold ------------------------------------------------------------------------------


@transaction.atomic
def _apply(
    event: TestEvent,
    *,
    appeal: AppealType,
    effect: Effect,
    actor: User | None,
    reason: str,
    reference: str,
    now: datetime | None,
) -> TestEvent:
    """Lock; catch up expiry; check the transition table; the effect; save; timeline row."""
    original, now = event, now or timezone.now()
    if not reason or not reason.strip():
        raise EffectError("Give the reason for this change; it goes on the test's timeline.")
    event = _lock(event)
    catch_up_expiry(event, now)
    if not transitions.allows(appeal, event.status):
        raise EffectError(
            f"{_what(event, first=True)} is {TestStatus(event.status).label.lower()}, so an "
            f"approved {appeal.label} cannot be applied: it needs a test that is "
            f"{transitions.statuses_text(appeal)}."
        )
    before = event.status
    change = effect(event, Approval(actor, reason, reference, now))
    event.save()
    record_change(
        event,
        kind=change.kind,
        actor=actor,
        from_status=before,
        detail=change.detail,
        reason=reason,
        reference=reference,
        at=now,
    )
    for field in TestEvent._meta.concrete_fields:
        setattr(original, field.attname, getattr(event, field.attname))
    return event


def _lock(event: TestEvent) -> TestEvent:
    return (
        TestEvent.objects.select_for_update(of=("self",))
        .select_related("part__assessment", "student")
        .get(pk=event.pk)
    )


def _what(event: TestEvent, *, first: bool = False) -> str:
    """How messages name the event: by test and SSID, never by the student's name."""
    return f"{'The' if first else 'the'} {event.part.label} test of SSID {event.student.ssid}"


def _snapshot(event: TestEvent, **extra: Any) -> dict[str, Any]:
    state = {name: getattr(event, name) for name in EVENT_STATE_FIELDS}
    state.update(extra)
    return state


def _apply_snapshot(event: TestEvent, state: Mapping[str, Any]) -> None:
    for name in EVENT_STATE_FIELDS:
        value = state.get(name)
        if name in _DATETIME_FIELDS and isinstance(value, str):
            value = parse_datetime(value)
        setattr(event, name, value)


def _clear_test(event: TestEvent) -> None:
    """What the TDS loses when a test is removed: the opening, the clock and the answers."""
    for name in EVENT_STATE_FIELDS:
        if name != "status":
            setattr(event, name, TestEvent._meta.get_field(name).get_default())


# --- the effects -------------------------------------------------------------------------------


@appeal_effect(AppealType.RESET)
def event_reset(
    event: TestEvent, approval: Approval, *, tds: bool = True, dei: bool = True
) -> Change:
    """Reset a test event after an approved Reset Appeal; the prior state is kept for a Restore.

    - Online, ``tds``: the test leaves the TDS (status Reset) with its DEI entries, if any (003:
      the Reset "also" removes DEI entries, so a TDS-only reset of a test that has some is
      refused rather than leaving orphaned entries).
    - Online, ``dei`` only: only the DEI entries are removed (A-RESET-4 under a Data Entry Issue,
      A-RESET-10); the TDS test keeps its status.
    - Paper: the test lives in the DEI, so resetting its DEI event resets the test.
    """
    if not (tds or dei):
        raise EffectError("Say what to reset: the TDS test event, its DEI entries, or both.")
    if event.delivery == Delivery.PAPER:
        if not dei:
            raise EffectError(
                f"{_what(event, first=True)} was given on paper, so it has no TDS event; "
                "reset its DEI event instead."
            )
        scope, detail = "DEI", "Paper test reset in the DEI: its entries were removed."
    elif tds:
        if event.dei_entries and not dei:
            raise EffectError(
                f"{_what(event, first=True)} also has DEI entries, and a Reset of the TDS "
                "event removes them too (003); reset both."
            )
        scope = "TDS+DEI" if event.dei_entries else "TDS"
        detail = "Test removed from the TDS" + (
            " and its DEI entries removed." if event.dei_entries else "."
        )
    else:
        if not event.dei_entries:
            raise EffectError(f"{_what(event, first=True)} has no DEI entries to reset.")
        event.prior_state = _snapshot(event, reset_scope="DEI")
        event.dei_entries = False
        return Change(ChangeKind.RESET, "DEI entries removed; the TDS test event is unchanged.")
    event.prior_state = _snapshot(event, reset_scope=scope)
    _clear_test(event)
    event.status = TestStatus.RESET
    event.reset_by_appeal = True
    return Change(ChangeKind.RESET, f"{detail} The prior state is kept for a Restore.")


@appeal_effect(AppealType.REOPEN)
def event_reopen(event: TestEvent, approval: Approval, *, dei_only: bool = False) -> Change:
    """Re-open a submitted or expired test after an approved Re-open Appeal (status Paused).

    The re-opened test waits for the student as a paused test does: it resumes at the last
    unanswered item or the last page, and reviewing earlier items needs a Grace Period Extension
    (003, A-REOPEN-4). New expiry:
    - CAASPP after an expiry: 10 calendar days from the re-open (A-REOPEN-4).
    - A submitted test whose own expiry is still ahead keeps it; it never expired.
    - Otherwise the documents are silent: a CAASPP test gets the same 10 days, an ELPAC domain
      its own expiry period (20 days, T-1) counted from the re-open.

    ``dei_only`` re-opens the DEI entries of an online test for correction (A-REOPEN-3); the TDS
    test keeps its status and only the timeline records it.
    """
    if dei_only and event.delivery == Delivery.ONLINE:
        if not event.dei_entries:
            raise EffectError(f"{_what(event, first=True)} has no DEI entries to re-open.")
        return Change(
            ChangeKind.REOPENED,
            "DEI entries re-opened for correction; the TDS test event is unchanged.",
        )
    event.expires_at = _reopen_expiry(event, approval.now)
    event.status = TestStatus.PAUSED
    event.submitted_at = None
    event.grace_period_extended_at = None
    until = f" until the end of {day_label(event.expires_at)}" if event.expires_at else ""
    return Change(
        ChangeKind.REOPENED, f"Re-opened{until}; the student resumes where the test left off."
    )


def _reopen_expiry(event: TestEvent, now: datetime) -> datetime | None:
    if event.expiry_for(now) is None:  # paper, or a test without an expiry (the CAAs)
        return None
    if event.status == TestStatus.SUBMITTED and not dates.is_expired(event.expires_at, now):
        return event.expires_at
    if event.program == Program.CAASPP:
        return dates.expires_at(now, CAASPP_REOPEN_DAYS)
    return event.expiry_for(now)


@appeal_effect(AppealType.RESTORE)
def event_restore(event: TestEvent, approval: Approval) -> Change:
    """Return a test reset by a Reset Appeal to exactly its prior state (A-RESTORE-1).

    A restored open test whose expiry has passed meanwhile is then expired by the sweep, which
    the timeline shows.
    """
    if not event.reset_by_appeal or not event.prior_state:
        raise EffectError(
            f"{_what(event, first=True)} was not reset through a Reset Appeal, so it cannot "
            "be restored (A-RESTORE-1)."
        )
    _apply_snapshot(event, event.prior_state)
    event.prior_state = None
    event.reset_by_appeal = False
    status = TestStatus(event.status).label.lower()
    return Change(ChangeKind.RESTORED, f"Returned from Reset to its prior status, {status}.")


@appeal_effect(AppealType.GRACE_PERIOD_EXTENSION)
def event_extend_grace_period(event: TestEvent, approval: Approval) -> Change:
    """Let the student review earlier answers after the 20-minute pause rule ran out (A-GPE-1):
    online, a part with the pause rule (T-3), no extension already waiting."""
    if event.delivery != Delivery.ONLINE or not event.part.pause_rule:
        # A-GPE-1 over the contradicting sentence of 003 about a PT (domain.md).
        on_paper = " on paper" if event.delivery == Delivery.PAPER else ""
        raise EffectError(
            f"{event.part.label} has no 20-minute pause rule{on_paper}, so a grace period "
            "extension does not apply (A-GPE-1)."
        )
    if event.grace_period_extended_at is not None:
        raise EffectError(
            f"{_what(event, first=True)} already has a grace period extension waiting for "
            "the student."
        )
    event.grace_period_extended_at = approval.now
    return Change(
        ChangeKind.GRACE_PERIOD_EXTENDED,
        "The student may review earlier answers when the test resumes.",
    )


@appeal_effect(AppealType.RESCORE)
def event_rescore(event: TestEvent, approval: Approval) -> Change:
    """Open the THSS for the examiner to re-enter all Writing scores (A-RESCORE-1): Initial
    ELPAC Writing, grades 3-12, online (the THSS scores online tests only; the catalog offers
    Hand-scoring error for online tests only)."""
    if event.test_code != AssessmentCode.INITIAL_ELPAC or event.part.code != PartCode.WRITING:
        raise EffectError(
            f"A Rescore is only for Initial ELPAC Writing, not {event.part.label} (A-RESCORE-1)."
        )
    if event.grade < 3:
        raise EffectError(
            f"A Rescore is only for Initial ELPAC Writing in grades 3-12, not grade "
            f"{event.grade_label} (A-RESCORE-1)."
        )
    if event.delivery != Delivery.ONLINE:
        raise EffectError(
            f"{_what(event, first=True)} was given on paper, and a Rescore re-opens scores "
            "in the THSS, which scores online tests only; correct paper scores in the DEI "
            "through a Data Entry Issue case (A-RESCORE-1)."
        )
    event.rescore_opened_at = approval.now
    return Change(
        ChangeKind.RESCORE_OPENED, "The examiner may re-enter all Writing scores in the THSS."
    )


@appeal_effect(AppealType.INVALIDATE)
def event_invalidate(
    event: TestEvent, approval: Approval, *, notation: str = DEFAULT_INVALIDATION_NOTE
) -> Change:
    """Invalidate a finished CAASPP test (A-INVAL-1): condition code INV and a domain-level
    notation (D-1). Never an ELPAC test, which gets a notation instead (C-2)."""
    if event.program != Program.CAASPP:
        raise EffectError(
            "An ELPAC test is never invalidated; record an irregularity notation instead (C-2)."
        )
    event.status = TestStatus.INVALIDATED
    event.condition_code = ConditionCode.INV
    IrregularityNotation.objects.create(
        test_event=event,
        text=notation,
        reference=approval.reference,
        recorded_by=approval.actor,
        recorded_at=approval.now,
    )
    return Change(
        ChangeKind.INVALIDATED, "Condition code INV set and an irregularity notation recorded."
    )


@transaction.atomic
def event_add_notation(
    *,
    event: TestEvent,
    actor: User | None,
    text: str,
    reason: str = "",
    reference: str = "",
    now: datetime | None = None,
) -> IrregularityNotation:
    """Record a domain-level irregularity notation (S-2, D-1; ELPAC validity incidents, C-2).
    Not an appeal's effect: the status does not change and any status takes a notation."""
    now = now or timezone.now()
    if not text or not text.strip():
        raise EffectError("Write the notation; it appears on the student's Score Status tab.")
    event = _lock(event)
    notation = IrregularityNotation.objects.create(
        test_event=event,
        text=text.strip()[:300],
        reference=reference,
        recorded_by=actor,
        recorded_at=now,
    )
    record_change(
        event,
        kind=ChangeKind.NOTATION_ADDED,
        actor=actor,
        from_status=event.status,
        detail=f"Notation: {notation.text}",
        reason=reason,
        reference=reference,
        at=now,
    )
    return notation
