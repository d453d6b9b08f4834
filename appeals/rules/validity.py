"""Invalidate family: A-INVAL-1 for the CAASPP, C-2 (a notation instead) for the ELPAC, and the
nonallowable-materials incident that resets below the A-RESET-9 limits and invalidates above."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from appeals.rules.catalog import (
    INVALIDATE_LIMIT,
    RESET_CAASPP_LIMIT,
    AssessmentFacts,
    RulesCatalog,
)
from appeals.rules.decision import (
    Decision,
    Rule,
    count_completed,
    file_appeal,
    manual_review,
    no_appeal,
    no_limit,
    place,
    reset_needs,
)
from appeals.rules.situation import Situation
from stairs.vocabulary import ALTERNATE_ASSESSMENTS, AppealType, PartCode, Program

_CDE_MAY_REVIEW: Final = "submit the case: CDE may still review it and ask for more"

_GROUNDS: Final = MappingProxyType(
    {
        "SOCIAL_MEDIA_STUDENT": "A student posting secure test materials on social media",
        "RETAINED_MATERIALS": "A student copying, retaining or sharing secure test materials",
        "ELECTRONIC_DEVICE": "Use of the internet, unauthorized software or an electronic device",
        "CHEATING": "Cheating or sharing answers",
        "NO_ATTEMPT": "Deliberately not attempting to respond",
        "NONALLOWABLE_MATERIALS": "Nonallowable materials, devices or accommodations",
        "COACHING": "An adult coaching or assisting the student",
        "MODIFIED_RESPONSES": "An adult modifying the student's responses",
        "SOMEONE_ELSE_ACCESSED": "Someone other than the student accessing the test",
        "ACCESS_AS_ACCOMMODATION": "Someone other than the student accessing the test",
    }
)


def _grounds_for_invalidate(
    what: str, situation: Situation, assessment: AssessmentFacts
) -> Decision:
    where = place(situation, assessment)
    if assessment.program == Program.ELPAC:
        # rule C-2: no Invalidate for the ELPAC; a domain-level irregularity notation instead.
        return no_appeal(
            "C-2",
            f"The ELPAC has no Invalidate appeal, so {what[0].lower()}{what[1:]} on the {where} "
            "is recorded as an irregularity notation at domain level instead",
            advice="nothing more is filed, and the notation shows on the student's Score Status "
            "tab",
            notation=True,
        )
    # rule A-INVAL-1
    return file_appeal(
        AppealType.INVALIDATE,
        "A-INVAL-1",
        f"{what} is grounds for CDE to invalidate the {where}: it is scored with an "
        "irregularity note and counts as participating but not proficient.",
    )


def _validity(situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog) -> Decision:
    return _grounds_for_invalidate(_GROUNDS[situation.incident], situation, assessment)


def _adult_interference(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    what = str(situation.answers["what"])
    alternate = situation.test in ALTERNATE_ASSESSMENTS
    if what == "MODIFIED_RESPONSES" and alternate:
        # rule A-INVAL-1 item 3: "This does not apply to the CAAs" (the examiner records the
        # student's responses on a CAA).
        return no_appeal(
            "A-INVAL-1",
            f"An adult modifying responses is not grounds to invalidate the {assessment.label}, "
            "where the test examiner records the student's responses",
            advice=_CDE_MAY_REVIEW,
        )
    if what in ("SOMEONE_ELSE_ACCESSED", "ACCESS_AS_ACCOMMODATION") and alternate:
        # rule A-INVAL-1 item 4: not when "the student was taking the CAAs".
        return no_appeal(
            "A-INVAL-1",
            f"Someone else accessing the test is not grounds to invalidate the "
            f"{assessment.label}, which is given one-on-one with the examiner",
            advice=_CDE_MAY_REVIEW,
        )
    if what == "ACCESS_AS_ACCOMMODATION":
        if situation.iep_or_504:
            # rule A-INVAL-1 item 4: unless an allowable accommodation in the student's IEP.
            return no_appeal(
                "A-INVAL-1",
                "Access by someone else that the student's IEP or Section 504 plan allows as an "
                "accommodation is not grounds to invalidate the test, and no notation is recorded",
                advice="nothing is filed, and the case keeps the incident on record",
            )
        # Without an IEP/504 nothing can have allowed it: treat it as anyone else's access.
        return _grounds_for_invalidate(
            "Someone else accessing the test for a student without an IEP or Section 504 plan "
            "(so not as an allowed accommodation)",
            situation,
            assessment,
        )
    return _grounds_for_invalidate(_GROUNDS[what], situation, assessment)


def _nonallowable_materials(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    if assessment.program == Program.ELPAC:
        return _validity(situation, assessment, catalog)  # rule C-2
    where = place(situation, assessment)
    count = situation.questions_completed
    reset_below = catalog.limit(RESET_CAASPP_LIMIT, situation.test, situation.part)
    invalidate_above = catalog.limit(INVALIDATE_LIMIT, situation.test, situation.part)
    if reset_below is None:
        return no_limit(RESET_CAASPP_LIMIT, where)
    if invalidate_above is None:
        return no_limit(INVALIDATE_LIMIT, where)
    kind = _QUESTION_KIND.get(situation.part or "", "")
    done = f"On the {where}, {count_completed(count, kind)} with the nonallowable materials"
    if count < reset_below:
        # rule A-RESET-9
        return file_appeal(
            AppealType.RESET,
            "A-RESET-9",
            f"{done}, and a Reset needs {reset_needs(reset_below)}, so it can be reset.",
        )
    if count > invalidate_above:
        # rule A-INVAL-1 item 10
        return file_appeal(
            AppealType.INVALIDATE,
            "A-INVAL-1",
            f"{done}, more than {invalidate_above}, so CDE can invalidate it: it is scored with "
            "an irregularity note.",
        )
    # The gap: A-RESET-9 resets below the limit and A-INVAL-1 invalidates above it.
    return manual_review(
        "A-INVAL-1",
        f"Exactly {count} {kind + ' ' if kind else ''}question{'' if count == 1 else 's'} "
        f"{'was' if count == 1 else 'were'} completed on the {where}: a Reset needs "
        f"{reset_needs(reset_below)} and an Invalidate more than {_number(invalidate_above)}, "
        "so CDE decides.",
    )


# How a count of questions names its part (C-1): "1 performance-task question".
_QUESTION_KIND: Final = MappingProxyType(
    {PartCode.PT.value: "performance-task", PartCode.NON_PT.value: "non-PT"}
)


def _number(count: int) -> str:
    return "one" if count == 1 else str(count)


RULES: Final[MappingProxyType[str, Rule]] = MappingProxyType(
    {
        "SOCIAL_MEDIA_STUDENT": _validity,
        "RETAINED_MATERIALS": _validity,
        "ADULT_INTERFERENCE": _adult_interference,
        "NONALLOWABLE_MATERIALS": _nonallowable_materials,
        "ELECTRONIC_DEVICE": _validity,
        "CHEATING": _validity,
        "NO_ATTEMPT": _validity,
    }
)
