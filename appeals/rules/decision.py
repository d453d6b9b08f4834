"""The output of the rules: a `Decision` (the fields of contracts.md), the three ways to build
one (an appeal to file, no appeal, CDE by hand), who reviews each appeal, and the small wording
helpers every rule family uses for its reason. Pure: no Django, no I/O.

The irregularity notation (S-2, D-1) follows one principle: it is recorded when the incident
happened on a test the student took, that is any status but NOT_STARTED, whether or not an
appeal can be filed (the status, a limit or a closed window, C-4, may stop the appeal; they do
not erase the incident). Which incidents carry one is the rule families' business: the ELPAC
validity incidents (C-2) and the ELPAC resets (003). `appeals.rules.status` applies the
principle; a decision's reason says when a notation is recorded without an appeal, or why none
is.

Reasons are for the coordinator: plain words, no rule ids (the `rule` field has them), no
references to the source documents. Every refusal ends with what the coordinator can do now
(`advice`); where that advice is to file again later or differently, `next_step` holds the
change to the situation it means ({"test_status": "PAUSED"}, {"incident": ..., "answers": ...}),
so a test can feed it back to `decide` and check that the advice leads to an appeal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from appeals.rules.catalog import AssessmentFacts, RulesCatalog
from appeals.rules.situation import Situation
from stairs.vocabulary import AppealType, Delivery, Reviewer

# Section A's table. Rescore's reviewer is "not stated" in 003: a Rescore re-opens score entry in
# the THSS, the same kind of operational re-entry CalTAC approves for the DEI (A-REOPEN-3), and
# no score's validity is judged, so CalTAC takes it; the reason says so.
REVIEWERS: Final = MappingProxyType(
    {
        AppealType.RESET: Reviewer.CALTAC,
        AppealType.REOPEN: Reviewer.CALTAC,
        AppealType.RESTORE: Reviewer.CDE,
        AppealType.GRACE_PERIOD_EXTENSION: Reviewer.CDE,
        AppealType.RESCORE: Reviewer.CALTAC,
        AppealType.INVALIDATE: Reviewer.CDE,
    }
)


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
    # Not part of contracts.md's output: what a refusal's reason advises, and as data.
    advice: str = field(default="", compare=False)
    next_step: Mapping[str, Any] | None = field(default=None, compare=False)

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


# A rule family's entry point for one incident code.
Rule = Callable[[Situation, AssessmentFacts, RulesCatalog], Decision]


def file_appeal(appeal: AppealType, rule: str, reason: str, *, notation: bool = False) -> Decision:
    return Decision(
        appeal=appeal,
        reviewer=REVIEWERS[appeal],
        appealable=True,
        manual_review=False,
        irregularity_notation=notation,
        rule=rule,
        reason=reason,
    )


def no_appeal(
    rule: str,
    why: str,
    *,
    advice: str,
    next_step: Mapping[str, Any] | None = None,
    notation: bool = False,
) -> Decision:
    """A refusal: why nothing is filed, then what the coordinator can do now (both without a
    final period; the reason is "<why>; <advice>.")."""
    return Decision(
        appeal=None,
        reviewer=None,
        appealable=False,
        manual_review=False,
        irregularity_notation=notation,
        rule=rule,
        reason=f"{why}; {advice}.",
        advice=advice,
        next_step=MappingProxyType(dict(next_step)) if next_step is not None else None,
    )


def manual_review(
    rule: str, reason: str, *, appeal: AppealType | None = None, notation: bool = False
) -> Decision:
    # Every open question goes to CDE (issue #4; D-3: CDE may review any case).
    return Decision(
        appeal=appeal,
        reviewer=Reviewer.CDE,
        appealable=True,
        manual_review=True,
        irregularity_notation=notation,
        rule=rule,
        reason=reason,
    )


# --- wording -----------------------------------------------------------------------------------


def were(count: int) -> str:
    return f"{count} was" if count == 1 else f"{count} were"


def count_completed(count: int, kind: str = "") -> str:
    """ "no question was completed", "1 PT question was completed", "4 questions were ..."."""
    noun = f"{kind} question" if kind else "question"
    if count == 0:
        return f"no {noun} was completed"
    return f"{count} {noun}{'' if count == 1 else 's'} {'was' if count == 1 else 'were'} completed"


def reset_needs(limit: int) -> str:
    """What a "fewer than" limit asks, in words: "none completed" for a limit of 1."""
    return "none completed" if limit == 1 else f"fewer than {limit}"


def questions(count: int) -> str:
    return f"{count} question" if count == 1 else f"{count} questions"


def completed(count: int) -> str:
    """ "1 question was completed", "6 questions were completed"."""
    return f"{questions(count)} {'was' if count == 1 else 'were'} completed"


def grade_name(grade: int) -> str:
    return "kindergarten" if grade == 0 else f"grade {grade}"


def place(situation: Situation, assessment: AssessmentFacts) -> str:
    """The test as a reason names it: "Smarter Balanced Mathematics non-PT (paper)"."""
    where = assessment.part_label(situation.part)
    return f"{where} (paper)" if situation.delivery == Delivery.PAPER else where


def no_limit(rule: str, where: str) -> Decision:
    # An admin deleted a limit row: say so and let CDE decide rather than assume a number.
    return manual_review(
        rule, f"No question limit is recorded for the {where} in the catalog, so CDE decides."
    )
