"""The one transition table of test events: from which statuses each appeal's effect may start.

Pure: the codes of the vocabulary (stairs/vocabulary.py), no Django, no ORM. Two sides read it
so they cannot drift:
- `students/effects.py` refuses an effect whose event is in another status;
- the appeal rules (`appeals/rules/`) file no appeal that the service would then refuse (the
  wizard, the `stairs_rules` command and the benchmark all go through them).

`appeals_for(facts)` adds each effect's own conditions on the event (program, test, part,
delivery, grade, pause rule, a Restore's Reset Appeal), for pages that list what an approved
appeal could do to a given test event (`students.queries.effects_for`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from stairs.vocabulary import AppealType, AssessmentCode, Delivery, PartCode, Program, TestStatus

# A test event's state, written once: what the TDS and DEI report (a roster row sets these, the
# benchmark generator writes them), then what approved appeals add. A Reset keeps all of it for
# a Restore (students/effects.py).
REPORTED_STATE_FIELDS: Final = (
    "status",
    "opened_at",
    "expires_at",
    "submitted_at",
    "questions_completed",
    "dei_entries",
)
EVENT_STATE_FIELDS: Final = (
    *REPORTED_STATE_FIELDS,
    "grace_period_extended_at",
    "rescore_opened_at",
)

# appeal -> the test statuses its approved effect may start from.
ALLOWED_FROM: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        # 003: a Reset removes a test "whether or not the student completed testing" (A-RESET-7);
        # a test never opened has nothing to remove, and an invalidated one stays as CDE decided.
        AppealType.RESET: frozenset(
            {TestStatus.IN_PROGRESS, TestStatus.PAUSED, TestStatus.SUBMITTED, TestStatus.EXPIRED}
        ),
        # 003: "access a test that has already been submitted or has expired"; C-3 keeps
        # invalidated tests closed.
        AppealType.REOPEN: frozenset({TestStatus.SUBMITTED, TestStatus.EXPIRED}),
        # A-RESTORE-1: "returns it from the Reset status to its prior status".
        AppealType.RESTORE: frozenset({TestStatus.RESET}),
        # A-GPE-1, T-3: a paused test whose 20-minute pause rule ran out; once the student has
        # resumed, submitted or the test expired, there is no pause left to extend.
        AppealType.GRACE_PERIOD_EXTENSION: frozenset({TestStatus.PAUSED}),
        # A-RESCORE-1: scores must exist in the THSS to be re-entered.
        AppealType.RESCORE: frozenset({TestStatus.SUBMITTED}),
        # 003: an invalidated test "will be scored" on what the student answered, so the student
        # must have stopped answering. Cambium TIDE's status table allows invalidating paused
        # tests (a test administrator pauses a student caught cheating), submitted and expired
        # ones (scored on the questions completed, 002); not a test in progress or not started.
        AppealType.INVALIDATE: frozenset(
            {TestStatus.PAUSED, TestStatus.SUBMITTED, TestStatus.EXPIRED}
        ),
    }
)


def allows(appeal: str, status: str) -> bool:
    """Whether the approved ``appeal`` can act on a test in ``status``."""
    return status in ALLOWED_FROM[appeal]


def appeals_from(status: str) -> tuple[AppealType, ...]:
    """The appeals the table allows from ``status``, by status alone."""
    return tuple(appeal for appeal in AppealType if status in ALLOWED_FROM[appeal])


def statuses_text(appeal: str) -> str:
    """E.g. "submitted or expired", for sentences."""
    labels = [status.label.lower() for status in TestStatus if status in ALLOWED_FROM[appeal]]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"


# --- the effects' own conditions on an event -------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFacts:
    """What the effects check on one test event, as plain values."""

    status: str  # the effective status: an open test past its expiry counts as expired (T-1)
    program: str  # CAASPP or ELPAC
    test: str
    part: str | None
    delivery: str  # ONLINE or PAPER
    grade: int  # the grade tested
    pause_rule: bool  # the part has the 20-minute pause rule (T-3)
    grace_period_waiting: bool = False  # an extension already waits for the student
    restorable: bool = False  # reset through a Reset Appeal, with its prior state kept


def _meets_conditions(appeal: str, facts: EventFacts) -> bool:
    if appeal == AppealType.INVALIDATE:
        return facts.program == Program.CAASPP  # C-2: an ELPAC test gets a notation instead
    if appeal == AppealType.RESCORE:
        # A-RESCORE-1: Initial ELPAC Writing in grades 3-12, scored in the THSS (online only).
        return (
            facts.test == AssessmentCode.INITIAL_ELPAC
            and facts.part == PartCode.WRITING
            and facts.grade >= 3
            and facts.delivery == Delivery.ONLINE
        )
    if appeal == AppealType.GRACE_PERIOD_EXTENSION:
        # A-GPE-1, T-3: an online part with the pause rule, no extension already waiting.
        return (
            facts.delivery == Delivery.ONLINE
            and facts.pause_rule
            and not facts.grace_period_waiting
        )
    if appeal == AppealType.RESTORE:
        return facts.restorable  # A-RESTORE-1
    return True


def appeals_for(facts: EventFacts) -> tuple[AppealType, ...]:
    """The appeals whose approved effect could be applied to this event now: the table, then
    each effect's own conditions (the same the effects check)."""
    return tuple(
        appeal
        for appeal in AppealType
        if facts.status in ALLOWED_FROM[appeal] and _meets_conditions(appeal, facts)
    )
