"""Restore: A-RESTORE-1, a test reset in error by a Reset Appeal goes back to its prior
status; CalTAC files it for the LEA and CDE approves (A-1)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from appeals.rules.catalog import AssessmentFacts, RulesCatalog
from appeals.rules.decision import Decision, Rule, file_appeal, no_appeal, place
from appeals.rules.situation import Situation
from stairs.vocabulary import AppealType, TestStatus


def _reset_in_error(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    where = place(situation, assessment)
    if situation.test_status != TestStatus.RESET:
        # rule A-RESTORE-1: Restore returns a test from Reset status only.
        status = TestStatus(situation.test_status).label.lower()
        return no_appeal(
            "A-RESTORE-1",
            f"The {where} is {status} rather than reset, so there is nothing to restore",
            advice="file the incident that describes what went wrong with the test instead",
        )
    if not situation.reset_by_appeal:
        # rule A-RESTORE-1: only a test reset through a Reset Appeal.
        return no_appeal(
            "A-RESTORE-1",
            f"Only a test reset through an approved Reset Appeal can be restored, and the {where} "
            "was not",
            advice="nothing can be filed, and the student takes the test again",
        )
    # rule A-RESTORE-1 (A-1: CDE approves before it is filed)
    return file_appeal(
        AppealType.RESTORE,
        "A-RESTORE-1",
        f"The {where} was reset in error by a Reset Appeal, so CalTAC files the case for the LEA "
        "and CDE approves the Restore to its prior status.",
    )


RULES: Final[MappingProxyType[str, Rule]] = MappingProxyType({"RESET_IN_ERROR": _reset_in_error})
