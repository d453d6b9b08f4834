"""Shared vocabulary of the appeal rules: the input and output values of contracts.md and the
small builders every rule family uses. Pure: no Django, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from appeals.assessments import ONLINE, PAPER, Assessment
from appeals.rules_catalog import RulesCatalog

RESET: Final = "RESET"
REOPEN: Final = "REOPEN"
RESTORE: Final = "RESTORE"
GRACE_PERIOD_EXTENSION: Final = "GRACE_PERIOD_EXTENSION"
RESCORE: Final = "RESCORE"
INVALIDATE: Final = "INVALIDATE"
APPEALS: Final = (RESET, REOPEN, RESTORE, GRACE_PERIOD_EXTENSION, RESCORE, INVALIDATE)
APPEAL_LABELS: Final = MappingProxyType(
    {
        RESET: "Reset",
        REOPEN: "Re-open",
        RESTORE: "Restore",
        GRACE_PERIOD_EXTENSION: "Grace Period Extension",
        RESCORE: "Rescore",
        INVALIDATE: "Invalidate",
    }
)

CALTAC: Final = "CALTAC"
CDE: Final = "CDE"
# Section A's table. Rescore's reviewer is "not stated" in 003: a Rescore re-opens score entry in
# the THSS, the same kind of operational re-entry CalTAC approves for the DEI (A-REOPEN-3), and
# no score's validity is judged, so CalTAC takes it; the reason says the documents are silent.
REVIEWERS: Final = MappingProxyType(
    {
        RESET: CALTAC,
        REOPEN: CALTAC,
        RESTORE: CDE,
        GRACE_PERIOD_EXTENSION: CDE,
        RESCORE: CALTAC,
        INVALIDATE: CDE,
    }
)

NOT_STARTED: Final = "NOT_STARTED"
IN_PROGRESS: Final = "IN_PROGRESS"
PAUSED: Final = "PAUSED"
SUBMITTED: Final = "SUBMITTED"
EXPIRED: Final = "EXPIRED"
RESET_STATUS: Final = "RESET"
INVALIDATED: Final = "INVALIDATED"
TEST_STATUSES: Final = (
    NOT_STARTED,
    IN_PROGRESS,
    PAUSED,
    SUBMITTED,
    EXPIRED,
    RESET_STATUS,
    INVALIDATED,
)


class SituationError(ValueError):
    """A situation the rules cannot take; `str()` is contracts.md's "<field>: <what is wrong>"."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True, kw_only=True)
class Situation:
    """One student's test in one incident: the input fields of contracts.md."""

    incident: str
    test: str
    grade: int
    part: str | None = None
    delivery: str = ONLINE
    questions_completed: int = 0
    iep_or_504: bool = False
    test_status: str = IN_PROGRESS
    reset_by_appeal: bool = False
    within_window: bool = True
    answers: Mapping[str, str | bool] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """The output fields of contracts.md, in its order."""

    appeal: str | None
    reviewer: str | None
    appealable: bool
    manual_review: bool
    irregularity_notation: bool
    rule: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "appeal": self.appeal,
            "reviewer": self.reviewer,
            "appealable": self.appealable,
            "manual_review": self.manual_review,
            "irregularity_notation": self.irregularity_notation,
            "rule": self.rule,
            "reason": self.reason,
        }


def file_appeal(appeal: str, rule: str, reason: str, *, notation: bool = False) -> Decision:
    return Decision(
        appeal=appeal,
        reviewer=REVIEWERS[appeal],
        appealable=True,
        manual_review=False,
        irregularity_notation=notation,
        rule=rule,
        reason=reason,
    )


def no_appeal(rule: str, reason: str, *, notation: bool = False) -> Decision:
    return Decision(
        appeal=None,
        reviewer=None,
        appealable=False,
        manual_review=False,
        irregularity_notation=notation,
        rule=rule,
        reason=reason,
    )


def manual_review(rule: str, reason: str, *, appeal: str | None = None) -> Decision:
    # Every open question goes to CDE (brief of issue #4; D-3: CDE may review any case).
    return Decision(
        appeal=appeal,
        reviewer=CDE,
        appealable=True,
        manual_review=True,
        irregularity_notation=False,
        rule=rule,
        reason=reason,
    )


def were(n: int) -> str:
    return f"{n} was" if n == 1 else f"{n} were"


def questions(n: int) -> str:
    return f"{n} question" if n == 1 else f"{n} questions"


def grade_name(grade: int) -> str:
    return "kindergarten" if grade == 0 else f"grade {grade}"


def completed(n: int) -> str:
    """ "1 question was completed", "6 questions were completed"."""
    return f"{n} question was completed" if n == 1 else f"{n} questions were completed"


def place(s: Situation, a: Assessment) -> str:
    where = a.part_label(s.part)
    return f"{where} (paper)" if s.delivery == PAPER else where


def no_limit(rule: str, where: str) -> Decision:
    # An admin deleted a limit row: say so and let CDE decide rather than assume a number.
    return manual_review(
        rule, f"No {rule} limit is recorded for the {where}, so CDE decides by hand."
    )


# A rule family's entry point for one incident code.
Handler = Callable[[Situation, Assessment, RulesCatalog], Decision]
