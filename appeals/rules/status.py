"""What holds for every incident once its rule has spoken: the test's status and the testing
window (C-4).

The status is checked against `students/transitions.py`, the one table of which statuses each
appeal's effect may start from, which the effect services enforce: an appeal is returned only
when its service could apply it to a test in that status. Otherwise the decision says plainly
why not, naming the status, and what the coordinator can do now (with its `next_step` where the
advice is to file at another moment). The irregularity notation follows the principle of
`appeals/rules/decision.py`: kept for any test the student took, dropped for a test not started.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from appeals.rules.catalog import AssessmentFacts
from appeals.rules.decision import Decision, manual_review, no_appeal, place
from appeals.rules.situation import Situation
from stairs.vocabulary import AppealType, TestStatus
from students.transitions import ALLOWED_FROM, statuses_text

_NOTHING_MORE: Final = (
    "nothing more can be filed for this test, and the case keeps the incident on record"
)
_STILL_RECORDED: Final = "; the irregularity notation is still recorded"


def _refused(
    decision: Decision,
    rule: str,
    why: str,
    advice: str,
    next_step: Mapping[str, Any] | None = None,
) -> Decision:
    """No appeal; a notation the incident carries is still recorded (the status stops the
    appeal, not the record)."""
    if decision.irregularity_notation:
        why += _STILL_RECORDED
    return no_appeal(
        rule, why, advice=advice, next_step=next_step, notation=decision.irregularity_notation
    )


def _not_started(decision: Decision, situation: Situation, assessment: AssessmentFacts) -> Decision:
    # No test event exists yet: nothing to appeal and, by the notation principle, nothing to
    # record a notation on. Advice to file again differently would meet the same answer.
    where = place(situation, assessment)
    if decision.appealable or decision.next_step is not None:
        on = " or to record a notation on" if decision.irregularity_notation else ""
        return no_appeal(
            decision.rule,
            f"The student has not started the {where}, so there is no test event to appeal{on}",
            advice="correct the problem before the student tests",
        )
    if decision.irregularity_notation:
        return no_appeal(
            decision.rule,
            f"The student has not started the {where}, so no irregularity notation is recorded: "
            "there is no test event to record it on",
            advice="correct the problem before the student tests",
        )
    return decision


def _grace_period_refused(
    decision: Decision, situation: Situation, where: str, status: str
) -> Decision:
    # rule T-3: the extension is for a test paused past the 20-minute pause rule (A-GPE-1).
    why = f"A Grace Period Extension applies to a paused test, and the {where} is {status}"
    if situation.test_status == TestStatus.IN_PROGRESS:
        return _refused(
            decision,
            "T-3",
            why,
            "if the student must review answers given before the pause, have the test "
            "administrator pause the test and file the Grace Period Extension then",
            {"test_status": TestStatus.PAUSED.value},
        )
    if situation.test_status == TestStatus.SUBMITTED:
        return _refused(
            decision,
            "T-3",
            why,
            "if the student submitted it before finishing, file a Submitted early case so "
            "CalTAC can re-open it",
            {"incident": "SUBMITTED_EARLY", "answers": {}},
        )
    if situation.test_status == TestStatus.EXPIRED:
        return _refused(
            decision,
            "T-3",
            why,
            "if an unanticipated excused absence or school closure kept the student from "
            "finishing, file a Test expired case so CalTAC can re-open it",
            {"incident": "TEST_EXPIRED", "answers": {"cause": "EXCUSED_ABSENCE"}},
        )
    return _refused(decision, "T-3", why, _NOTHING_MORE)


def _not_from_status(
    decision: Decision, situation: Situation, assessment: AssessmentFacts
) -> Decision:
    """The appeal the rule calls for cannot act on a test in this status (students/transitions)."""
    where = place(situation, assessment)
    status = TestStatus(situation.test_status).label.lower()
    open_test = situation.test_status in (TestStatus.IN_PROGRESS, TestStatus.PAUSED)
    if decision.appeal == AppealType.GRACE_PERIOD_EXTENSION:
        return _grace_period_refused(decision, situation, where, status)
    if decision.appeal == AppealType.INVALIDATE:
        # A-INVAL-1: the test is scored on what the student answered, so the student must stop
        # first; pausing the test is in the test administrator's hands now (issue 7, B9).
        return _refused(
            decision,
            decision.rule,
            f"An Invalidate applies to a test the student is no longer answering, which is then "
            f"scored with an irregularity note, and the {where} is {status}, so nothing is filed "
            "now",
            "have the test administrator pause the test, then file the Invalidate",
            {"test_status": TestStatus.PAUSED.value},
        )
    if decision.appeal == AppealType.REOPEN and open_test:
        # 003: a Re-open gives access again to a submitted or expired test.
        expiry = situation.incident == "TEST_EXPIRED"
        moment = TestStatus.EXPIRED if expiry else TestStatus.SUBMITTED
        return _refused(
            decision,
            decision.rule,
            f"A Re-open gives access again to a submitted or expired test, and the {where} is "
            f"{status}, so there is nothing to re-open yet",
            f"file the case again once the test has {'expired' if expiry else 'been submitted'}",
            {"test_status": moment.value},
        )
    if decision.appeal == AppealType.RESCORE and open_test:
        # rule A-RESCORE-1: the scores must be in the THSS to be re-entered.
        return _refused(
            decision,
            "A-RESCORE-1",
            f"A Rescore re-opens Writing scores already entered in the THSS, and the {where} is "
            f"{status}, so there are no scores to re-enter yet",
            "file the Rescore once the test has been submitted and scored",
            {"test_status": TestStatus.SUBMITTED.value},
        )
    if decision.appeal == AppealType.RESET and situation.test_status == TestStatus.INVALIDATED:
        # Nothing says whether a test CDE invalidated can then be reset (A-RESET-7 resets
        # "whether or not" it was completed; 003 keeps an invalidated test as scored). A Reset
        # cannot act on it, so CDE, who invalidated it, decides by hand.
        kept = "; the irregularity notation is recorded" if decision.irregularity_notation else ""
        return manual_review(
            decision.rule,
            f"The {where} already has an approved Invalidate, which a Reset cannot undo, so the "
            f"Reset this incident calls for is not filed and CDE decides{kept}.",
            notation=decision.irregularity_notation,
        )
    appeal = AppealType(decision.appeal or "")
    return _refused(
        decision,
        decision.rule,
        f"A {appeal.label} applies to a test that is {statuses_text(appeal)}, and the {where} is "
        f"{status}, so it cannot be filed",
        _NOTHING_MORE,
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
        why = (
            f"The {where} is already in Reset status, so the student takes a new test and there "
            "is nothing to appeal on this one"
        )
        if situation.reset_by_appeal:
            return _refused(
                decision,
                decision.rule,
                why,
                "if that Reset was made in error, ask CalTAC to file a Test reset in error case "
                "so CDE can restore the test",
                {"incident": "RESET_IN_ERROR", "answers": {}},
            )
        return _refused(
            decision, decision.rule, why, "file a new case if the new test has a problem"
        )
    invalidated = situation.test_status == TestStatus.INVALIDATED
    if invalidated and decision.appeal == AppealType.REOPEN:
        # rule C-3
        return _refused(
            decision,
            "C-3",
            f"The {where} has an approved Invalidate, so it cannot be re-opened",
            _NOTHING_MORE,
        )
    if invalidated and decision.appeal == AppealType.INVALIDATE:
        return _refused(decision, "A-INVAL-1", f"The {where} is already invalidated", _NOTHING_MORE)
    if decision.appeal is not None and situation.test_status not in ALLOWED_FROM[decision.appeal]:
        # students/transitions.py: the effect's service would refuse this status.
        return _not_from_status(decision, situation, assessment)
    return decision


def check_window(decision: Decision, situation: Situation) -> Decision:
    """rule C-4 (A-3): nothing can be filed once the LEA's testing window has closed; a notation
    is a record of the incident, not an appeal, so it stays."""
    if situation.within_window:
        return decision
    if decision.appealable:
        why = "The LEA's testing window is closed, so the appeal this incident calls for can no "
        why += "longer be filed"
    else:
        why = "The LEA's testing window is closed, and this incident does not lead to an appeal"
    if decision.irregularity_notation:
        why += _STILL_RECORDED
    return no_appeal(
        "C-4",
        why,
        advice="submit the case so the incident is on record",
        notation=decision.irregularity_notation,
    )
