"""What holds for every incident once its rule has spoken: the test's status and the testing
window (C-4).

The status is checked against `students/transitions.py`, the one table of which statuses each
appeal's effect may start from, which the effect services enforce: an appeal is returned only
when its service could apply it to a test in that status. Otherwise the decision says plainly
why not, naming the status. The irregularity notation follows the principle of
`appeals/rules/decision.py`: kept for any test the student took, dropped for a test not started.
"""

from __future__ import annotations

from appeals.rules.catalog import AssessmentFacts
from appeals.rules.decision import Decision, manual_review, no_appeal, place
from appeals.rules.situation import Situation
from stairs.vocabulary import AppealType, TestStatus
from students.transitions import ALLOWED_FROM, statuses_text


def _refused(decision: Decision, rule: str, text: str) -> Decision:
    """No appeal, for a reason given without its final period; a notation the incident carries
    is still recorded (the status stops the appeal, not the record)."""
    if decision.irregularity_notation:
        text += "; the irregularity notation is still recorded"
    return no_appeal(rule, f"{text}.", notation=decision.irregularity_notation)


def _not_started(decision: Decision, situation: Situation, assessment: AssessmentFacts) -> Decision:
    # No test event exists yet: nothing to appeal and, by the notation principle, nothing to
    # record a notation on.
    where = place(situation, assessment)
    if decision.appealable:
        on = " or to record a notation on" if decision.irregularity_notation else ""
        return no_appeal(
            decision.rule,
            f"The student has not started the {where}, so there is no test event to appeal{on}; "
            "correct the problem before the student tests.",
        )
    if decision.irregularity_notation:
        return no_appeal(
            decision.rule,
            f"The student has not started the {where}, so no irregularity notation is recorded: "
            "there is no test event to record it on.",
        )
    return decision


def _not_from_status(
    decision: Decision, situation: Situation, assessment: AssessmentFacts
) -> Decision:
    """The appeal the rule calls for cannot act on a test in this status (students/transitions)."""
    where = place(situation, assessment)
    status = TestStatus(situation.test_status).label.lower()
    if decision.appeal == AppealType.GRACE_PERIOD_EXTENSION:
        # rule T-3: the extension is for a test paused past the 20-minute pause rule (A-GPE-1).
        tail = (
            "so the student has already resumed it and no extension can be filed"
            if situation.test_status == TestStatus.IN_PROGRESS
            else "so there is no paused test to extend"
        )
        return _refused(
            decision,
            "T-3",
            f"A Grace Period Extension applies to a paused test; the {where} is {status}, {tail}",
        )
    if decision.appeal == AppealType.INVALIDATE and situation.test_status == TestStatus.IN_PROGRESS:
        # A-INVAL-1: the test is scored on what the student answered, so the student must stop
        # first; pausing the test is in the test administrator's hands now (issue 7, B9).
        return _refused(
            decision,
            decision.rule,
            f"An Invalidate applies to a test the student is no longer answering, which is then "
            f"scored with an irregularity note; the {where} is in progress, so nothing is filed "
            "now: have the test administrator pause the test, then file the Invalidate",
        )
    if decision.appeal == AppealType.REOPEN:
        # 003: a Re-open gives access again to a submitted or expired test.
        return _refused(
            decision,
            decision.rule,
            f"A Re-open gives access again to a submitted or expired test; the {where} is "
            f"{status}, so there is nothing to re-open yet",
        )
    if decision.appeal == AppealType.RESCORE:
        # rule A-RESCORE-1: the scores must be in the THSS to be re-entered.
        started = situation.test_status in (TestStatus.IN_PROGRESS, TestStatus.PAUSED)
        tail = "there are no scores to re-enter yet" if started else "a Rescore cannot apply"
        return _refused(
            decision,
            "A-RESCORE-1",
            f"A Rescore re-opens Writing scores already entered in the THSS, so it applies to a "
            f"submitted test; the {where} is {status}, so {tail}",
        )
    if decision.appeal == AppealType.RESET and situation.test_status == TestStatus.INVALIDATED:
        # The documents do not say whether a test CDE invalidated can then be reset (A-RESET-7
        # resets "whether or not" it was completed; 003 keeps an invalidated test as scored).
        # A Reset cannot act on it, so CDE, who invalidated it, decides by hand.
        kept = "; the irregularity notation is recorded" if decision.irregularity_notation else ""
        return manual_review(
            decision.rule,
            f"The {where} already has an approved Invalidate, which a Reset cannot undo, so the "
            f"Reset that {decision.rule} calls for is not filed and CDE decides by hand{kept}.",
            notation=decision.irregularity_notation,
        )
    appeal = AppealType(decision.appeal or "")
    return _refused(
        decision,
        decision.rule,
        f"A {appeal.label} applies to a test that is {statuses_text(appeal)}; the "
        f"{where} is {status}, so it cannot be filed",
    )


def check_status(decision: Decision, situation: Situation, assessment: AssessmentFacts) -> Decision:
    """The decision as the test's status allows it."""
    if situation.test_status == TestStatus.NOT_STARTED:
        return _not_started(decision, situation, assessment)
    if not decision.appealable:
        return decision
    where = place(situation, assessment)
    if situation.test_status == TestStatus.RESET and decision.appeal != AppealType.RESTORE:
        # The event was removed by a Reset; the student starts a new test, which has no history
        # to appeal yet. Only a Restore (A-RESTORE-1) acts on a reset test.
        return _refused(
            decision,
            decision.rule,
            f"The {where} is already in Reset status, so the student starts a new test "
            "and there is nothing to appeal on this one",
        )
    invalidated = situation.test_status == TestStatus.INVALIDATED
    if invalidated and decision.appeal == AppealType.REOPEN:
        # rule C-3
        return _refused(
            decision, "C-3", f"The {where} has an approved Invalidate, so it cannot be re-opened"
        )
    if invalidated and decision.appeal == AppealType.INVALIDATE:
        return _refused(decision, "A-INVAL-1", f"The {where} is already invalidated")
    if decision.appeal is not None and situation.test_status not in ALLOWED_FROM[decision.appeal]:
        # students/transitions.py: the effect's service would refuse this status.
        return _not_from_status(decision, situation, assessment)
    return decision


def check_window(decision: Decision, situation: Situation) -> Decision:
    """rule C-4 (A-3): nothing can be filed once the LEA's testing window has closed; a notation
    is a record of the incident, not an appeal, so it stays."""
    if situation.within_window:
        return decision
    if decision.manual_review:
        what = f"no appeal can be filed for CDE to decide ({decision.rule})"
    elif decision.appeal:
        label = AppealType(decision.appeal).label
        what = f"the {label} that {decision.rule} allows can no longer be filed"
    else:
        what = (
            "no appeal can be filed, and this incident would not lead to one anyway "
            f"({decision.rule})"
        )
    if decision.irregularity_notation:
        what += "; the irregularity notation is still recorded"
    return no_appeal(
        "C-4",
        f"The LEA's testing window is closed, so {what}.",
        notation=decision.irregularity_notation,
    )
