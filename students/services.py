"""The effects of appeal decisions on test events (domain.md section A), and the expiry sweep.

Each effect is one function: keyword-only, ``@transaction.atomic``, it locks the event row,
catches up a lapsed expiry (T-1), checks the event's status against the transition table of
``students/transitions.py`` (``ALLOWED_FROM``, the same table the appeal rules read) and the
effect's own conditions, and only then changes the row and writes its timeline row. A refused
effect raises ``TestEventError`` with one plain sentence before anything is written, so a caller
never leaves a half change behind.

Who may decide an appeal is the appeals service's business; these functions check the event.
The expiry sweep, ``test_events_expire``, lives in students/timeline.py and is re-exported here.
Each returns the locked, updated event and also updates the instance it was given.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Program, User
from stairs.vocabulary import AppealType, AssessmentCode
from students import dates, transitions
from students.models import (
    ChangeKind,
    ConditionCode,
    Delivery,
    IrregularityNotation,
    PartCode,
    TestEvent,
    TestStatus,
)
from students.timeline import catch_up_expiry, day_label, record_change, test_events_expire
from students.transitions import ALLOWED_FROM, EventFacts

__all__ = [
    "ALLOWED_FROM",
    "TestEventError",
    "allowed_effects",
    "effects_for",
    "event_facts",
    "test_event_add_notation",
    "test_event_extend_grace_period",
    "test_event_invalidate",
    "test_event_reopen",
    "test_event_rescore",
    "test_event_reset",
    "test_event_restore",
    "test_events_expire",
]

S = TestStatus


class TestEventError(Exception):
    """An effect the event's state does not allow; ``str()`` is a plain sentence for people."""

    __test__ = False


# A-REOPEN-4: a CAASPP test re-opened after expiry is open 10 calendar days from the re-open.
CAASPP_REOPEN_DAYS: Final = 10

_SNAPSHOT_FIELDS: Final = (
    "status",
    "opened_at",
    "expires_at",
    "submitted_at",
    "questions_completed",
    "dei_entries",
    "grace_period_extended_at",
    "rescore_opened_at",
)
_DATETIME_FIELDS: Final = frozenset(
    {"opened_at", "expires_at", "submitted_at", "grace_period_extended_at", "rescore_opened_at"}
)


def allowed_effects(status: str) -> list[str]:
    """Labels of the effects the transition table allows from ``status`` alone.

    A page about one test event wants ``effects_for(event)``, which also applies each effect's
    own conditions (an ELPAC test is never invalidated, C-2; only Initial ELPAC Writing is
    rescored, A-RESCORE-1; ...).
    """
    return [a.label for a in transitions.appeals_from(status)]


def event_facts(event: TestEvent, *, now: datetime | None = None) -> EventFacts:
    """The plain values the effects check on ``event`` (its part and assessment are read)."""
    return EventFacts(
        status=event.effective_status(now or timezone.now()),
        program=event.program,
        test=event.test_code,
        part=event.part_code,
        delivery=event.delivery,
        grade=event.grade,
        pause_rule=event.part.pause_rule,
        grace_period_waiting=event.grace_period_extended_at is not None,
        restorable=event.reset_by_appeal and bool(event.prior_state),
    )


def effects_for(event: TestEvent, *, now: datetime | None = None) -> list[str]:
    """Labels of the effects an approved appeal could have on ``event`` now, for its page.

    The transition table from the event's effective status (an open test past its expiry counts
    as expired, T-1), then each effect's own conditions: Invalidate only for the CAASPP (C-2);
    Rescore only for online Initial ELPAC Writing in grades 3-12 (A-RESCORE-1); Grace Period
    Extension only online on a part with the pause rule and none already waiting (A-GPE-1, T-3);
    Restore only after a Reset Appeal (A-RESTORE-1). Each listed effect is one its service
    accepts; the tests hold the two together.
    """
    return [a.label for a in transitions.appeals_for(event_facts(event, now=now))]


# --- helpers -----------------------------------------------------------------------------------


def _lock(event: TestEvent) -> TestEvent:
    return (
        TestEvent.objects.select_for_update(of=("self",))
        .select_related("part__assessment", "student")
        .get(pk=event.pk)
    )


def _sync(target: TestEvent, source: TestEvent) -> None:
    for field in TestEvent._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _recorded(
    original: TestEvent,
    event: TestEvent,
    *,
    kind: str,
    actor: User | None,
    before: str,
    detail: str,
    reason: str,
    reference: str,
    now: datetime,
) -> TestEvent:
    """Write the timeline row of a change already saved, and hand the caller the new state."""
    record_change(
        event,
        kind=kind,
        actor=actor,
        from_status=before,
        detail=detail,
        reason=reason,
        reference=reference,
        at=now,
    )
    _sync(original, event)
    return event


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise TestEventError("Give the reason for this change; it goes on the test's timeline.")


def _check(event: TestEvent, appeal: str) -> None:
    if not transitions.allows(appeal, event.status):
        raise TestEventError(
            f"{_what(event, first=True)} is {S(event.status).label.lower()}, so an approved "
            f"{AppealType(appeal).label} cannot be applied: it needs a test that is "
            f"{transitions.statuses_text(appeal)}."
        )


def _what(event: TestEvent, *, first: bool = False) -> str:
    """How messages name the event: by test and SSID, never by the student's name."""
    return f"{'The' if first else 'the'} {event.part.label} test of SSID {event.student.ssid}"


def _snapshot(event: TestEvent, **extra: Any) -> dict[str, Any]:
    state = {name: getattr(event, name) for name in _SNAPSHOT_FIELDS}
    state.update(extra)
    return state


def _apply_snapshot(event: TestEvent, state: Mapping[str, Any]) -> None:
    for name in _SNAPSHOT_FIELDS:
        value = state.get(name)
        if name in _DATETIME_FIELDS and isinstance(value, str):
            value = parse_datetime(value)
        setattr(event, name, value)


def _clear_test(event: TestEvent) -> None:
    """What the TDS loses when a test is removed: the opening, the clock and the answers."""
    event.opened_at = None
    event.expires_at = None
    event.submitted_at = None
    event.questions_completed = 0
    event.dei_entries = False
    event.grace_period_extended_at = None
    event.rescore_opened_at = None


# --- the effects ---------------------------------------------------------------------------------


@transaction.atomic
def test_event_reset(
    *,
    event: TestEvent,
    actor: User | None,
    reason: str,
    tds: bool = True,
    dei: bool = True,
    reference: str = "",
    now: datetime | None = None,
) -> TestEvent:
    """Reset a test event after an approved Reset Appeal.

    Steps: lock; catch up expiry; check the table and what is to be reset (TDS, DEI or both,
    A-RESET-4/7/10); keep the prior state for a Restore; remove the test; timeline row.

    - Online, ``tds``: the test leaves the TDS (status Reset) with its DEI entries, if any (003:
      the Reset "also" removes DEI entries, so a TDS-only reset of a test that has some is
      refused rather than leaving orphaned entries).
    - Online, ``dei`` only: only the DEI entries are removed (A-RESET-4 under a Data Entry Issue,
      A-RESET-10); the TDS test keeps its status.
    - Paper: the test lives in the DEI, so resetting its DEI event resets the test.
    """
    original, now = event, now or timezone.now()
    _require_reason(reason)
    event = _lock(event)
    catch_up_expiry(event, now)
    _check(event, AppealType.RESET)
    if not (tds or dei):
        raise TestEventError("Say what to reset: the TDS test event, its DEI entries, or both.")
    before = event.status
    if event.delivery == Delivery.PAPER:
        if not dei:
            raise TestEventError(
                f"{_what(event, first=True)} was given on paper, so it has no TDS event; reset "
                "its DEI event instead."
            )
        scope, detail = "DEI", "Paper test reset in the DEI: its entries were removed."
    elif tds:
        if event.dei_entries and not dei:
            raise TestEventError(
                f"{_what(event, first=True)} also has DEI entries, and a Reset of the TDS event "
                "removes them too (003); reset both."
            )
        scope = "TDS+DEI" if event.dei_entries else "TDS"
        detail = "Test removed from the TDS" + (
            " and its DEI entries removed." if event.dei_entries else "."
        )
    else:
        if not event.dei_entries:
            raise TestEventError(f"{_what(event, first=True)} has no DEI entries to reset.")
        event.prior_state = _snapshot(event, reset_scope="DEI")
        event.dei_entries = False
        event.save()
        return _recorded(
            original,
            event,
            kind=ChangeKind.RESET,
            actor=actor,
            before=before,
            detail="DEI entries removed; the TDS test event is unchanged.",
            reason=reason,
            reference=reference,
            now=now,
        )
    event.prior_state = _snapshot(event, reset_scope=scope)
    _clear_test(event)
    event.status = S.RESET
    event.reset_by_appeal = True
    event.save()
    return _recorded(
        original,
        event,
        kind=ChangeKind.RESET,
        actor=actor,
        before=before,
        detail=f"{detail} The prior state is kept for a Restore.",
        reason=reason,
        reference=reference,
        now=now,
    )


@transaction.atomic
def test_event_reopen(
    *,
    event: TestEvent,
    actor: User | None,
    reason: str,
    dei_only: bool = False,
    reference: str = "",
    now: datetime | None = None,
) -> TestEvent:
    """Re-open a submitted or expired test after an approved Re-open Appeal.

    Steps: lock; catch up expiry; check the table; set the new expiry; status Paused; timeline.

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
    original, now = event, now or timezone.now()
    _require_reason(reason)
    event = _lock(event)
    catch_up_expiry(event, now)
    _check(event, AppealType.REOPEN)
    before = event.status
    if dei_only and event.delivery == Delivery.ONLINE:
        if not event.dei_entries:
            raise TestEventError(f"{_what(event, first=True)} has no DEI entries to re-open.")
        return _recorded(
            original,
            event,
            kind=ChangeKind.REOPENED,
            actor=actor,
            before=before,
            detail="DEI entries re-opened for correction; the TDS test event is unchanged.",
            reason=reason,
            reference=reference,
            now=now,
        )
    event.expires_at = _reopen_expiry(event, now)
    event.status = S.PAUSED
    event.submitted_at = None
    event.grace_period_extended_at = None
    event.save()
    until = f" until the end of {day_label(event.expires_at)}" if event.expires_at else ""
    return _recorded(
        original,
        event,
        kind=ChangeKind.REOPENED,
        actor=actor,
        before=before,
        detail=f"Re-opened{until}; the student resumes where the test left off.",
        reason=reason,
        reference=reference,
        now=now,
    )


def _reopen_expiry(event: TestEvent, now: datetime) -> datetime | None:
    if event.expiry_for(now) is None:  # paper, or a test without an expiry (the CAAs)
        return None
    if event.status == S.SUBMITTED and not dates.is_expired(event.expires_at, now):
        return event.expires_at
    if event.program == Program.CAASPP:
        return dates.expires_at(now, CAASPP_REOPEN_DAYS)
    return event.expiry_for(now)


@transaction.atomic
def test_event_restore(
    *,
    event: TestEvent,
    actor: User | None,
    reason: str,
    reference: str = "",
    now: datetime | None = None,
) -> TestEvent:
    """Return a test reset by a Reset Appeal to exactly its prior state (A-RESTORE-1).

    Steps: lock; check status Reset, that a Reset Appeal made it and that the prior state was
    kept; put the prior state back; timeline. A restored open test whose expiry has passed
    meanwhile is then expired by the sweep, which the timeline shows.
    """
    original, now = event, now or timezone.now()
    _require_reason(reason)
    event = _lock(event)
    _check(event, AppealType.RESTORE)
    if not event.reset_by_appeal or not event.prior_state:
        raise TestEventError(
            f"{_what(event, first=True)} was not reset through a Reset Appeal, so it cannot be "
            "restored (A-RESTORE-1)."
        )
    before = event.status
    _apply_snapshot(event, event.prior_state)
    event.prior_state = None
    event.reset_by_appeal = False
    event.save()
    return _recorded(
        original,
        event,
        kind=ChangeKind.RESTORED,
        actor=actor,
        before=before,
        detail=f"Returned from Reset to its prior status, {S(event.status).label.lower()}.",
        reason=reason,
        reference=reference,
        now=now,
    )


@transaction.atomic
def test_event_extend_grace_period(
    *,
    event: TestEvent,
    actor: User | None,
    reason: str,
    reference: str = "",
    now: datetime | None = None,
) -> TestEvent:
    """Let the student review earlier answers after the 20-minute pause rule ran out (A-GPE-1).

    Steps: lock; catch up expiry; check status Paused, online, a part with the pause rule (T-3)
    and no extension already waiting; record the extension; timeline.
    """
    original, now = event, now or timezone.now()
    _require_reason(reason)
    event = _lock(event)
    catch_up_expiry(event, now)
    _check(event, AppealType.GRACE_PERIOD_EXTENSION)
    if event.delivery != Delivery.ONLINE or not event.part.pause_rule:
        # A-GPE-1 over the contradicting sentence of 003 about a PT (domain.md).
        raise TestEventError(
            f"{event.part.label} has no 20-minute pause rule"
            f"{' on paper' if event.delivery == Delivery.PAPER else ''}, so a grace period "
            "extension does not apply (A-GPE-1)."
        )
    if event.grace_period_extended_at is not None:
        raise TestEventError(
            f"{_what(event, first=True)} already has a grace period extension waiting for the "
            "student."
        )
    event.grace_period_extended_at = now
    event.save()
    return _recorded(
        original,
        event,
        kind=ChangeKind.GRACE_PERIOD_EXTENDED,
        actor=actor,
        before=event.status,
        detail="The student may review earlier answers when the test resumes.",
        reason=reason,
        reference=reference,
        now=now,
    )


@transaction.atomic
def test_event_rescore(
    *,
    event: TestEvent,
    actor: User | None,
    reason: str,
    reference: str = "",
    now: datetime | None = None,
) -> TestEvent:
    """Open the THSS for the examiner to re-enter all Writing scores (A-RESCORE-1).

    Steps: lock; check status Submitted, Initial ELPAC Writing, grades 3-12, online (the THSS
    scores online tests only; the catalog offers Hand-scoring error for online tests only);
    record; timeline.
    """
    original, now = event, now or timezone.now()
    _require_reason(reason)
    event = _lock(event)
    _check(event, AppealType.RESCORE)
    if event.test_code != AssessmentCode.INITIAL_ELPAC or event.part.code != PartCode.WRITING:
        raise TestEventError(
            f"A Rescore is only for Initial ELPAC Writing, not {event.part.label} (A-RESCORE-1)."
        )
    if event.grade < 3:
        raise TestEventError(
            f"A Rescore is only for Initial ELPAC Writing in grades 3-12, not grade "
            f"{event.grade_label} (A-RESCORE-1)."
        )
    if event.delivery != Delivery.ONLINE:
        raise TestEventError(
            f"{_what(event, first=True)} was given on paper, and a Rescore re-opens scores in "
            "the THSS, which scores online tests only; correct paper scores in the DEI through a "
            "Data Entry Issue case (A-RESCORE-1)."
        )
    event.rescore_opened_at = now
    event.save()
    return _recorded(
        original,
        event,
        kind=ChangeKind.RESCORE_OPENED,
        actor=actor,
        before=event.status,
        detail="The examiner may re-enter all Writing scores in the THSS.",
        reason=reason,
        reference=reference,
        now=now,
    )


DEFAULT_INVALIDATION_NOTE: Final = (
    "Invalidated: an irregularity occurred. Scored, counted as participated and as not proficient."
)


@transaction.atomic
def test_event_invalidate(
    *,
    event: TestEvent,
    actor: User | None,
    reason: str,
    notation: str = DEFAULT_INVALIDATION_NOTE,
    reference: str = "",
    now: datetime | None = None,
) -> TestEvent:
    """Invalidate a finished CAASPP test (A-INVAL-1): condition code INV and a notation.

    Steps: lock; catch up expiry; check the table and the program (C-2: never ELPAC, which gets
    a notation instead); status Invalidated, condition code; notation (D-1); timeline.
    """
    original, now = event, now or timezone.now()
    _require_reason(reason)
    event = _lock(event)
    catch_up_expiry(event, now)
    _check(event, AppealType.INVALIDATE)
    if event.program != Program.CAASPP:
        raise TestEventError(
            "An ELPAC test is never invalidated; record an irregularity notation instead (C-2)."
        )
    before = event.status
    event.status = S.INVALIDATED
    event.condition_code = ConditionCode.INV
    event.save()
    IrregularityNotation.objects.create(
        test_event=event, text=notation, reference=reference, recorded_by=actor, recorded_at=now
    )
    return _recorded(
        original,
        event,
        kind=ChangeKind.INVALIDATED,
        actor=actor,
        before=before,
        detail="Condition code INV set and an irregularity notation recorded.",
        reason=reason,
        reference=reference,
        now=now,
    )


@transaction.atomic
def test_event_add_notation(
    *,
    event: TestEvent,
    actor: User | None,
    text: str,
    reason: str = "",
    reference: str = "",
    now: datetime | None = None,
) -> IrregularityNotation:
    """Record a domain-level irregularity notation (S-2, D-1; ELPAC validity incidents, C-2).

    Steps: lock; check the text; notation; timeline. The status does not change.
    """
    now = now or timezone.now()
    if not text or not text.strip():
        raise TestEventError("Write the notation; it appears on the student's Score Status tab.")
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


# Their names start with "test_": tell pytest they are not tests when a test module imports them.
for _service in (
    test_event_reset,
    test_event_reopen,
    test_event_restore,
    test_event_extend_grace_period,
    test_event_rescore,
    test_event_invalidate,
    test_event_add_notation,
):
    _service.__test__ = False  # type: ignore[attr-defined]
