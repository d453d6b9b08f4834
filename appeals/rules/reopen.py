"""Re-open family: A-REOPEN-1 (a test that expired or was submitted before the student could
finish) and A-REOPEN-4 (how long a re-opened CAASPP test stays open). A-REOPEN-2 and A-REOPEN-3
come with their incidents in reset.py."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from appeals.rules.catalog import AssessmentFacts, RulesCatalog
from appeals.rules.decision import Decision, Rule, file_appeal, no_appeal, place
from appeals.rules.situation import Situation
from stairs.vocabulary import AppealType, PartCode, Program, TestStatus


def expiry_note(situation: Situation, assessment: AssessmentFacts) -> str:
    """ " (it expires 45 calendar days after the student starts it)", from the catalog (T-1)."""
    days = assessment.expiry_days(situation.part)
    if not days:
        return ""
    # T-1: a CAASPP part counts from the student's start, an ELPAC domain from its opening.
    since = "it is opened" if assessment.program == Program.ELPAC else "the student starts it"
    return f" (it expires {days} calendar days after {since})"


_CAUSES: Final = MappingProxyType(
    {
        "EXCUSED_ABSENCE": "an unanticipated excused absence",
        "SCHOOL_CLOSURE": "an unanticipated school closure",
    }
)


def _test_expired(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    cause = str(situation.answers["cause"])
    where = place(situation, assessment)
    if cause == "PT_STARTED_BY_MISTAKE":
        return _pt_started_by_mistake(situation, assessment)
    if cause not in _CAUSES:
        # rule A-REOPEN-1: only an unanticipated excused absence or school closure (or a CAASPP
        # PT started by mistake, handled above).
        return no_appeal(
            "A-REOPEN-1",
            f"A Re-open of the expired {where} is allowed only after an unanticipated excused "
            "absence or school closure, so this incident cannot be appealed",
            advice="nothing can be filed for another cause, and the case keeps the incident on "
            "record",
        )
    # A-REOPEN-4: a CAASPP test re-opened after expiry stays open 10 calendar days.
    resumes = "; it stays open 10 calendar days" if assessment.program == Program.CAASPP else ""
    return file_appeal(
        AppealType.REOPEN,
        "A-REOPEN-1",
        f"The student could not finish the {where}{expiry_note(situation, assessment)} because "
        f"of {_CAUSES[cause]}, so CalTAC can re-open it at the last unanswered item{resumes}.",
    )


def _pt_started_by_mistake(situation: Situation, assessment: AssessmentFacts) -> Decision:
    where = place(situation, assessment)
    if assessment.program != Program.CAASPP or situation.part != PartCode.PT:
        # rule A-REOPEN-1, 003 Re-open 2: the cause is about a CAASPP performance task only.
        why = (
            f"A performance task started by mistake is a cause only for a CAASPP PT, and the "
            f"{where} is not one"
        )
        if situation.test_status in (TestStatus.RESET, TestStatus.INVALIDATED):
            # Neither status can be re-opened (C-3; a reset test is taken again), whatever the
            # cause: advising another cause would lead nowhere.
            return no_appeal(
                "A-REOPEN-1", why, advice="nothing can be filed, and the case keeps it on record"
            )
        return no_appeal(
            "A-REOPEN-1",
            why,
            advice="if an unanticipated excused absence or school closure kept the student from "
            "finishing, file the case with that cause",
            next_step={"answers": {"cause": "EXCUSED_ABSENCE"}},
        )
    # rule A-REOPEN-1, 003 Re-open 2 (issue 7, B11); A-REOPEN-4: open 10 more calendar days.
    return file_appeal(
        AppealType.REOPEN,
        "A-REOPEN-1",
        f"The student started the {where} by mistake and could not finish it before it expired"
        f"{expiry_note(situation, assessment)}, so CalTAC can re-open it at the last unanswered "
        "item; it stays open 10 calendar days.",
    )


def _submitted_early(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    # rule A-REOPEN-1 (accidental submission); A-REOPEN-4: it reopens at the last page.
    return file_appeal(
        AppealType.REOPEN,
        "A-REOPEN-1",
        f"The {place(situation, assessment)} was submitted before the student finished, so "
        "CalTAC can re-open it at the last page when the student is ready.",
    )


RULES: Final[MappingProxyType[str, Rule]] = MappingProxyType(
    {
        "TEST_EXPIRED": _test_expired,
        "SUBMITTED_EARLY": _submitted_early,
    }
)
