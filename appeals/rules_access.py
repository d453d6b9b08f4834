"""Re-open (A-REOPEN-1), Grace Period Extension (A-GPE-1, A-GPE-2), Rescore (A-RESCORE-1),
Restore (A-RESTORE-1) and the improprieties with no appeal (S-1)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from appeals.assessments import CAASPP, ELPAC, ONLINE, PAPER, PT, Assessment
from appeals.rules_base import (
    GRACE_PERIOD_EXTENSION,
    REOPEN,
    RESCORE,
    RESET_STATUS,
    RESTORE,
    Decision,
    Handler,
    Situation,
    file_appeal,
    grade_name,
    manual_review,
    no_appeal,
    place,
)
from appeals.rules_catalog import (
    RulesCatalog,
)


def _expiry(s: Situation, a: Assessment) -> str:
    days = a.expiry_days.get(s.part or "")
    if not days:
        return ""
    # T-1: a CAASPP part counts from the student's start, an ELPAC domain from its opening.
    since = "it is opened" if a.program == ELPAC else "the student starts it"
    return f" (it expires {days} calendar days after {since})"


def _test_expired(s: Situation, a: Assessment, c: RulesCatalog) -> Decision:
    cause = s.answers["cause"]
    where = place(s, a)
    if cause == "OTHER":
        # rule A-REOPEN-1: only an unanticipated excused absence or school closure.
        return no_appeal(
            "A-REOPEN-1",
            f"A Re-open of the expired {where} is allowed only for an unanticipated excused "
            "absence or school closure, so this incident is nonappealable.",
        )
    because = "an unanticipated excused absence"
    if cause == "SCHOOL_CLOSURE":
        because = "an unanticipated school closure"
    resumes = "; it stays open 10 calendar days" if a.program == CAASPP else ""  # A-REOPEN-4
    return file_appeal(
        REOPEN,
        "A-REOPEN-1",
        f"The student could not finish the {where}{_expiry(s, a)} because of {because}, so "
        f"CalTAC can re-open it at the last unanswered item{resumes}.",
    )


def _submitted_early(s: Situation, a: Assessment, c: RulesCatalog) -> Decision:
    # rule A-REOPEN-1 (accidental submission); A-REOPEN-4: it reopens at the last page.
    return file_appeal(
        REOPEN,
        "A-REOPEN-1",
        f"The {place(s, a)} was submitted before the student finished, so CalTAC can re-open it "
        "at the last page when the student is ready.",
    )


def _technical_disruption(s: Situation, a: Assessment, c: RulesCatalog) -> Decision:
    where = place(s, a)
    # The pause rule comes first: a break shorter than 20 minutes costs nothing, whatever its
    # cause, so "student break" only matters once the pause rule expired.
    if s.answers["pause_expired"] is not True:
        # rule T-3: within 20 minutes the student returns to the answers; nothing to appeal.
        return no_appeal(
            "T-3",
            f"The 20-minute pause rule did not expire, so the student can resume the {where} "
            "and review earlier answers without an appeal.",
        )
    if s.answers["student_break"] is True:
        # rule A-GPE-2: never for student breaks such as recess or lunch.
        return no_appeal(
            "A-GPE-2",
            "A Grace Period Extension is never granted when the pause rule expired during a "
            "student break such as recess or lunch.",
        )
    if a.program == CAASPP and s.part == PT and s.delivery == ONLINE:
        # The contradiction: A-GPE-1 excludes the CAASPP PT, yet one sentence of 003 lets CDE
        # grant a grace period for a PT. Follow A-GPE-1 and let CDE decide with a note.
        return manual_review(
            "A-GPE-1",
            f"A CAASPP PT has no 20-minute pause rule (A-GPE-1), so a new test session is usually "
            f"all the {where} needs, but one sentence of 003 lets CDE grant a grace period for a "
            "PT, so CDE decides by hand.",
            appeal=GRACE_PERIOD_EXTENSION,
        )
    if not a.has_pause_rule(s.part, s.delivery):
        # rule A-GPE-1: Reading and Listening of the online ELPAC, and the CAASPP non-PT only.
        on = "paper tests have" if s.delivery == PAPER else f"the {where} has"
        return no_appeal(
            "A-GPE-1",
            f"No Grace Period Extension: {on} no 20-minute pause rule, so the test administrator "
            "opens a new test session to continue.",
        )
    # rule A-GPE-2
    return file_appeal(
        GRACE_PERIOD_EXTENSION,
        "A-GPE-2",
        f"The 20-minute pause rule of the {where} expired because of a disruption beyond the "
        "administrator's control, so CDE can grant a Grace Period Extension to review answers.",
    )


def _hand_scoring_error(s: Situation, a: Assessment, c: RulesCatalog) -> Decision:
    if s.grade < 3:
        # rule A-RESCORE-1: grades 3-12 only; K-2 Writing scores are keyed in the DEI.
        return no_appeal(
            "A-RESCORE-1",
            f"A Rescore is only for Initial ELPAC Writing in grades 3-12, not "
            f"{grade_name(s.grade)}; K-2 Writing scores are corrected through a Data Entry Issue "
            "case.",
        )
    # rule A-RESCORE-1; reviewer not stated in 003, CalTAC chosen (see REVIEWERS).
    return file_appeal(
        RESCORE,
        "A-RESCORE-1",
        "A THSS scoring error in Initial ELPAC Writing lets the examiner re-enter all Writing "
        "scores; the documents name no reviewer, so CalTAC approves it like other re-entries.",
    )


def _reset_in_error(s: Situation, a: Assessment, c: RulesCatalog) -> Decision:
    where = place(s, a)
    if s.test_status != RESET_STATUS:
        # rule A-RESTORE-1: Restore returns a test from Reset status only.
        return no_appeal(
            "A-RESTORE-1",
            f"The {where} is not in Reset status ({s.test_status}), so there is nothing to "
            "restore.",
        )
    if not s.reset_by_appeal:
        # rule A-RESTORE-1: only a test reset through a Reset Appeal.
        return no_appeal(
            "A-RESTORE-1",
            f"Only a test reset through an approved Reset Appeal can be restored, and the {where} "
            "was not.",
        )
    # rule A-RESTORE-1 (A-1: CDE approves before it is filed)
    return file_appeal(
        RESTORE,
        "A-RESTORE-1",
        f"The {where} was reset in error by a Reset Appeal, so CalTAC files the case for the LEA "
        "and CDE approves the Restore to its prior status.",
    )


def _no_appeal_impropriety(s: Situation, a: Assessment, c: RulesCatalog) -> Decision:
    # rule S-1: an impropriety is corrected locally and reported; it has no appeal.
    return no_appeal(
        "S-1",
        "This impropriety is corrected locally and reported in STAIRS within 24 hours; it does "
        "not lead to an appeal.",
    )


HANDLERS: Final[MappingProxyType[str, Handler]] = MappingProxyType(
    {
        "TECHNICAL_DISRUPTION": _technical_disruption,
        "TEST_EXPIRED": _test_expired,
        "SUBMITTED_EARLY": _submitted_early,
        "HAND_SCORING_ERROR": _hand_scoring_error,
        "STUDENT_DISRUPTION": _no_appeal_impropriety,
        "ADMINISTRATION_ERROR": _no_appeal_impropriety,
        "RESET_IN_ERROR": _reset_in_error,
    }
)
