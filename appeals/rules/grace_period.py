"""Grace Period Extension: A-GPE-1 (which tests have the 20-minute pause rule, T-3) and A-GPE-2
(only for disruptions beyond the examiner's control)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from appeals.rules.catalog import AssessmentFacts, RulesCatalog
from appeals.rules.decision import Decision, Rule, file_appeal, manual_review, no_appeal, place
from appeals.rules.situation import Situation
from stairs.vocabulary import AppealType, Delivery, PartCode, Program


def _technical_disruption(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    where = place(situation, assessment)
    # The pause rule comes first: a break shorter than 20 minutes costs nothing, whatever its
    # cause, so "student break" only matters once the pause rule expired.
    if situation.answers["pause_expired"] is not True:
        # rule T-3: within 20 minutes the student returns to the answers; nothing to appeal.
        return no_appeal(
            "T-3",
            "The 20-minute pause rule did not expire, so no appeal is needed",
            advice=f"the student resumes the {where} and can review earlier answers",
        )
    if situation.answers["student_break"] is True:
        # rule A-GPE-2: never for student breaks such as recess or lunch.
        return no_appeal(
            "A-GPE-2",
            "A Grace Period Extension is never granted when the pause rule expired during a "
            "student break such as recess or lunch",
            advice="the student resumes the test where it stopped, without going back to earlier "
            "answers",
        )
    if (
        assessment.program == Program.CAASPP
        and situation.part == PartCode.PT
        and situation.delivery == Delivery.ONLINE
    ):
        # The contradiction: A-GPE-1 excludes the CAASPP PT, yet one sentence of 003 lets CDE
        # grant a grace period for a PT. Follow A-GPE-1 and let CDE decide with a note.
        return manual_review(
            "A-GPE-1",
            f"A CAASPP PT has no 20-minute pause rule, so a new test session is usually all the "
            f"{where} needs, but the appeals guide also lets CDE grant a grace period for a PT, "
            "so CDE decides.",
            appeal=AppealType.GRACE_PERIOD_EXTENSION,
        )
    if not assessment.has_pause_rule(situation.part, situation.delivery):
        # rule A-GPE-1: the catalog's pause rule (T-3): Reading and Listening of the online
        # ELPAC, and the CAASPP non-PT.
        on = "paper tests have" if situation.delivery == Delivery.PAPER else f"the {where} has"
        return no_appeal(
            "A-GPE-1",
            f"No Grace Period Extension: {on} no 20-minute pause rule",
            advice="the test administrator opens a new test session for the student to continue",
        )
    # rule A-GPE-2
    return file_appeal(
        AppealType.GRACE_PERIOD_EXTENSION,
        "A-GPE-2",
        f"The 20-minute pause rule of the {where} expired because of a disruption beyond the "
        "administrator's control, so CDE can grant a Grace Period Extension to review answers.",
    )


RULES: Final[MappingProxyType[str, Rule]] = MappingProxyType(
    {"TECHNICAL_DISRUPTION": _technical_disruption}
)
