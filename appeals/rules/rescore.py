"""Rescore: A-RESCORE-1, Initial ELPAC Writing in grades 3-12 after a THSS scoring error."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from appeals.rules.catalog import AssessmentFacts, RulesCatalog
from appeals.rules.decision import Decision, Rule, file_appeal, grade_name, no_appeal
from appeals.rules.situation import Situation
from stairs.vocabulary import AppealType


def _hand_scoring_error(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    if situation.grade < 3:
        # rule A-RESCORE-1: grades 3-12 only; K-2 Writing scores are keyed in the DEI.
        return no_appeal(
            "A-RESCORE-1",
            f"A Rescore is only for Initial ELPAC Writing in grades 3-12, not "
            f"{grade_name(situation.grade)}",
            advice="Writing scores of kindergarten through grade 2 are entered in the DEI, so "
            "file a Data Entry Issue case to enter them again",
            next_step={"incident": "DATA_ENTRY_ISSUE", "answers": {"entries": "ALL"}},
        )
    # rule A-RESCORE-1; reviewer not stated in 003, CalTAC chosen (see decision.REVIEWERS).
    return file_appeal(
        AppealType.RESCORE,
        "A-RESCORE-1",
        "A THSS scoring error in Initial ELPAC Writing lets the examiner re-enter all Writing "
        "scores; no reviewer is named for a Rescore, so CalTAC approves it like other "
        "re-entries.",
    )


RULES: Final[MappingProxyType[str, Rule]] = MappingProxyType(
    {"HAND_SCORING_ERROR": _hand_scoring_error}
)
