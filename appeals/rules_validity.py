"""Invalidate family: A-INVAL-1 for the CAASPP, C-2 (notation instead) for the ELPAC."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from appeals.assessments import ELPAC, Assessment
from appeals.rules_base import (
    INVALIDATE,
    RESET,
    Decision,
    Handler,
    Situation,
    completed,
    file_appeal,
    manual_review,
    no_appeal,
    no_limit,
    place,
    questions,
    were,
)
from appeals.rules_catalog import (
    INVALIDATE_LIMIT,
    RESET_CAASPP_LIMIT,
    RulesCatalog,
)

_VALIDITY_WHAT: Final = MappingProxyType(
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


def _grounds_for_invalidate(what: str, s: Situation, a: Assessment) -> Decision:
    where = place(s, a)
    if a.program == ELPAC:
        # rule C-2: no Invalidate for the ELPAC; a domain-level irregularity notation instead.
        return no_appeal(
            "C-2",
            f"The ELPAC has no Invalidate appeal, so {what[0].lower()}{what[1:]} on the {where} "
            "is recorded as an irregularity notation at domain level instead.",
            notation=True,
        )
    # rule A-INVAL-1
    return file_appeal(
        INVALIDATE,
        "A-INVAL-1",
        f"{what} is grounds for CDE to invalidate the {where}: it is scored with an "
        "irregularity note and counts as participating but not proficient.",
    )


def _validity(s: Situation, a: Assessment, c: RulesCatalog) -> Decision:
    return _grounds_for_invalidate(_VALIDITY_WHAT[s.incident], s, a)


def _social_media_adult(s: Situation, a: Assessment, c: RulesCatalog) -> Decision:
    # rule S-3: a breach; nothing is filed against a student's test.
    return no_appeal(
        "S-3",
        "Social-media exposure by an adult is a breach with no student appeal: the LEA "
        "coordinator phones CDE and CalTAC at once, and CDE reviews the case.",
    )


def _adult_interference(s: Situation, a: Assessment, c: RulesCatalog) -> Decision:
    what = str(s.answers["what"])
    is_caa = a.code.startswith("CAA_")
    if what == "MODIFIED_RESPONSES" and is_caa:
        # rule A-INVAL-1 item 3: "This does not apply to the CAAs" (the examiner records the
        # student's responses on a CAA).
        return no_appeal(
            "A-INVAL-1",
            f"An adult modifying responses is not grounds to invalidate the {a.label}, where the "
            "test examiner records the student's responses; CDE may still review the case.",
        )
    if what in ("SOMEONE_ELSE_ACCESSED", "ACCESS_AS_ACCOMMODATION") and is_caa:
        # rule A-INVAL-1 item 4: not when "the student was taking the CAAs".
        return no_appeal(
            "A-INVAL-1",
            f"Someone else accessing the test is not grounds to invalidate the {a.label}, which "
            "is given one-on-one with the examiner; CDE may still review the case.",
        )
    if what == "ACCESS_AS_ACCOMMODATION":
        if s.iep_or_504:
            # rule A-INVAL-1 item 4: unless an allowable accommodation in the student's IEP.
            return no_appeal(
                "A-INVAL-1",
                "Access by someone else that the student's IEP or Section 504 plan allows as an "
                "accommodation is not grounds to invalidate the test, and no notation is recorded.",
            )
        # Without an IEP/504 nothing can have allowed it: treat it as anyone else's access.
        return _grounds_for_invalidate(
            "Someone else accessing the test for a student without an IEP or Section 504 plan "
            "(so not as an allowed accommodation)",
            s,
            a,
        )
    return _grounds_for_invalidate(_VALIDITY_WHAT[what], s, a)


def _nonallowable_materials(s: Situation, a: Assessment, c: RulesCatalog) -> Decision:
    if a.program == ELPAC:
        return _validity(s, a, c)  # rule C-2
    where = place(s, a)
    n = s.questions_completed
    reset_below = c.limit(RESET_CAASPP_LIMIT, s.test, s.part)
    invalidate_above = c.limit(INVALIDATE_LIMIT, s.test, s.part)
    if reset_below is None:
        return no_limit(RESET_CAASPP_LIMIT, where)
    if invalidate_above is None:
        return no_limit(INVALIDATE_LIMIT, where)
    if n < reset_below:
        # rule A-RESET-9
        return file_appeal(
            RESET,
            "A-RESET-9",
            f"Reset is allowed for the {where} because fewer than {completed(reset_below)} "
            f"with the nonallowable materials; {were(n)}.",
        )
    if n > invalidate_above:
        # rule A-INVAL-1 item 10
        return file_appeal(
            INVALIDATE,
            "A-INVAL-1",
            f"Invalidate is required for the {where} because more than "
            f"{completed(invalidate_above)} with the nonallowable materials; {were(n)}.",
        )
    # The documents' gap: A-RESET-9 resets below the limit and A-INVAL-1 invalidates above it.
    return manual_review(
        "A-INVAL-1",
        f"Exactly {questions(n)} of the {where} {'was' if n == 1 else 'were'} completed: Reset "
        f"needs fewer than {reset_below} (A-RESET-9) and Invalidate more than {invalidate_above} "
        "(A-INVAL-1), so the documents leave this count open and CDE decides by hand.",
    )


HANDLERS: Final[MappingProxyType[str, Handler]] = MappingProxyType(
    {
        "SOCIAL_MEDIA_STUDENT": _validity,
        "SOCIAL_MEDIA_ADULT": _social_media_adult,
        "RETAINED_MATERIALS": _validity,
        "ADULT_INTERFERENCE": _adult_interference,
        "NONALLOWABLE_MATERIALS": _nonallowable_materials,
        "ELECTRONIC_DEVICE": _validity,
        "CHEATING": _validity,
        "NO_ATTEMPT": _validity,
    }
)
