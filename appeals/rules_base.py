"""Shared vocabulary of the appeal rules: the input and output values of contracts.md and the
small builders every rule family uses. Pure: no Django, no I/O.

The appeal and test-status codes, and the table of which statuses each appeal may act on, come
from `students/transitions.py`, the table the effect services enforce: a decision never names an
appeal whose service would refuse the test's status.

The irregularity notation (S-2, D-1) follows one principle: it is recorded when the incident
happened on a test the student took, that is any status but NOT_STARTED, whether or not an
appeal can be filed (the status, a limit or a closed window, C-4, may stop the appeal; they do
not erase the incident). Which incidents carry one is the rule families' business: the ELPAC
validity incidents (C-2) and the ELPAC resets (003). `appeals/rules.py` applies the principle;
a decision's reason says when a notation is recorded without an appeal, or why none is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from appeals.assessments import ONLINE, PAPER, Assessment
from appeals.rules_catalog import RulesCatalog
from stairs.vocabulary import AppealType, Reviewer, TestStatus
from students.transitions import ALLOWED_FROM

# Short names of the vocabulary for this release's rule modules (appeals/rules/ replaces them).
NOT_STARTED: Final = TestStatus.NOT_STARTED
IN_PROGRESS: Final = TestStatus.IN_PROGRESS
PAUSED: Final = TestStatus.PAUSED
SUBMITTED: Final = TestStatus.SUBMITTED
EXPIRED: Final = TestStatus.EXPIRED
RESET_STATUS: Final = TestStatus.RESET
INVALIDATED: Final = TestStatus.INVALIDATED
TEST_STATUSES: Final = tuple(TestStatus)
STATUS_LABELS: Final = MappingProxyType({s: s.label.lower() for s in TestStatus})
RESET: Final = AppealType.RESET
REOPEN: Final = AppealType.REOPEN
RESTORE: Final = AppealType.RESTORE
GRACE_PERIOD_EXTENSION: Final = AppealType.GRACE_PERIOD_EXTENSION
RESCORE: Final = AppealType.RESCORE
INVALIDATE: Final = AppealType.INVALIDATE
APPEALS: Final = tuple(AppealType)
APPEAL_LABELS: Final = MappingProxyType({a: a.label for a in AppealType})

CALTAC: Final = Reviewer.CALTAC
CDE: Final = Reviewer.CDE
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


def manual_review(
    rule: str, reason: str, *, appeal: str | None = None, notation: bool = False
) -> Decision:
    # Every open question goes to CDE (brief of issue #4; D-3: CDE may review any case).
    return Decision(
        appeal=appeal,
        reviewer=CDE,
        appealable=True,
        manual_review=True,
        irregularity_notation=notation,
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


# The vocabulary re-exported from students/transitions.py is part of this module's interface.
__all__ = [
    "ALLOWED_FROM",
    "APPEALS",
    "APPEAL_LABELS",
    "CALTAC",
    "CDE",
    "EXPIRED",
    "GRACE_PERIOD_EXTENSION",
    "INVALIDATE",
    "INVALIDATED",
    "IN_PROGRESS",
    "NOT_STARTED",
    "PAUSED",
    "REOPEN",
    "RESCORE",
    "RESET",
    "RESET_STATUS",
    "RESTORE",
    "REVIEWERS",
    "STATUS_LABELS",
    "SUBMITTED",
    "TEST_STATUSES",
    "Decision",
    "Handler",
    "Situation",
    "SituationError",
    "completed",
    "file_appeal",
    "grade_name",
    "manual_review",
    "no_appeal",
    "no_limit",
    "place",
    "questions",
    "were",
]
