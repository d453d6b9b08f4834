"""The appeal rules of domain.md sections A and C as one pure function.

`decide(situation, catalog)` takes plain values (a `Situation` and a `RulesCatalog`, see
`appeals/rules_catalog.py`) and returns a `Decision` with exactly the fields of contracts.md. No
ORM, no I/O: the wizard, the `stairs_rules` command, the tests and the benchmark all call it.
Each branch names the rule of domain.md that decided; the reason is one plain sentence with the
numbers. Where the documents leave a case open (the A-RESET-9/A-INVAL-1 gap, a grace period for a
CAASPP PT) the decision is a manual review by CDE, never a guess.

The rules themselves are split by appeal family: `rules_validity.py` (Invalidate, C-2),
`rules_reset.py` (Reset), `rules_access.py` (Re-open, Grace Period Extension, Rescore, Restore,
no appeal). This module picks the family by incident code and applies what holds for every
incident: F-9, the catalog's applicability, the test status and the window (C-4).

The test status is checked against `students/transitions.py`, the one table of which statuses
each appeal's effect may start from, which the effect services (`students/services.py`) enforce:
an appeal is returned only when its service could apply it to a test in that status. Otherwise
the decision says plainly why not, naming the status (a Grace Period Extension needs a paused
test, an Invalidate a finished one, ...). The irregularity notation follows the principle of
`appeals/rules_base.py`: kept for any test the student took, dropped for a test not started.

Input checking lives in `appeals/rules_input.py` (`parse_situation`, re-exported here); `decide`
expects a situation that passed it and raises `SituationError` for an unknown or inapplicable
incident.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from appeals import rules_access, rules_reset, rules_validity
from appeals.assessments import ASSESSMENTS, Assessment
from appeals.rules_base import (
    ALLOWED_FROM,
    APPEAL_LABELS,
    APPEALS,
    CALTAC,
    CDE,
    GRACE_PERIOD_EXTENSION,
    IN_PROGRESS,
    INVALIDATE,
    INVALIDATED,
    NOT_STARTED,
    PAUSED,
    REOPEN,
    RESCORE,
    RESET,
    RESET_STATUS,
    RESTORE,
    REVIEWERS,
    STATUS_LABELS,
    TEST_STATUSES,
    Decision,
    Handler,
    Situation,
    SituationError,
    manual_review,
    no_appeal,
    place,
)
from appeals.rules_catalog import RulesCatalog, load_fixture
from appeals.rules_input import not_applicable_message, parse_situation
from students.transitions import statuses_text

# Incident code (domain.md section C) -> its rule. A code an admin adds to the catalog without a
# rule here goes to CDE by hand (see `decide`).
HANDLERS: Final[Mapping[str, Handler]] = MappingProxyType(
    {**rules_validity.HANDLERS, **rules_reset.HANDLERS, **rules_access.HANDLERS}
)


# --- status and window checks that hold for every incident ------------------------------------


def _refused(d: Decision, rule: str, text: str) -> Decision:
    """No appeal, for a reason given without its final period; a notation the incident carries
    is still recorded (rules_base: the status stops the appeal, not the record)."""
    if d.irregularity_notation:
        text += "; the irregularity notation is still recorded"
    return no_appeal(rule, f"{text}.", notation=d.irregularity_notation)


def _not_started(d: Decision, s: Situation, a: Assessment) -> Decision:
    # No test event exists yet: nothing to appeal and, by the notation principle (rules_base),
    # nothing to record a notation on.
    where = place(s, a)
    if d.appealable:
        on = " or to record a notation on" if d.irregularity_notation else ""
        return no_appeal(
            d.rule,
            f"The student has not started the {where}, so there is no test event to appeal{on}; "
            "correct the problem before the student tests.",
        )
    if d.irregularity_notation:
        return no_appeal(
            d.rule,
            f"The student has not started the {where}, so no irregularity notation is recorded: "
            "there is no test event to record it on.",
        )
    return d


def _not_from_status(d: Decision, s: Situation, a: Assessment) -> Decision:
    """The appeal the rule calls for cannot act on a test in this status (students/transitions)."""
    where, status = place(s, a), STATUS_LABELS[s.test_status]
    if d.appeal == GRACE_PERIOD_EXTENSION:
        # rule T-3: the extension is for a test paused past the 20-minute pause rule (A-GPE-1).
        tail = (
            "so the student has already resumed it and no extension can be filed"
            if s.test_status == IN_PROGRESS
            else "so there is no paused test to extend"
        )
        return _refused(
            d,
            "T-3",
            f"A Grace Period Extension applies to a paused test; the {where} is {status}, {tail}",
        )
    if d.appeal == INVALIDATE:
        # 003: an invalidated test is scored, so it must be finished first.
        return _refused(
            d,
            d.rule,
            f"An Invalidate applies to a finished test, which is then scored with an irregularity "
            f"note; the {where} is {status}, so nothing is filed now: file the Invalidate once the "
            "test is submitted or expires",
        )
    if d.appeal == REOPEN:
        # 003: a Re-open gives access again to a submitted or expired test.
        return _refused(
            d,
            d.rule,
            f"A Re-open gives access again to a submitted or expired test; the {where} is "
            f"{status}, so there is nothing to re-open yet",
        )
    if d.appeal == RESCORE:
        # rule A-RESCORE-1: the scores must be in the THSS to be re-entered.
        started = s.test_status in (IN_PROGRESS, PAUSED)
        tail = "there are no scores to re-enter yet" if started else "a Rescore cannot apply"
        return _refused(
            d,
            "A-RESCORE-1",
            f"A Rescore re-opens Writing scores already entered in the THSS, so it applies to a "
            f"submitted test; the {where} is {status}, so {tail}",
        )
    if d.appeal == RESET and s.test_status == INVALIDATED:
        # The documents do not say whether a test CDE invalidated can then be reset (A-RESET-7
        # resets "whether or not" it was completed; 003 keeps an invalidated test as scored).
        # A Reset cannot act on it, so CDE, who invalidated it, decides by hand.
        kept = "; the irregularity notation is recorded" if d.irregularity_notation else ""
        return manual_review(
            d.rule,
            f"The {where} already has an approved Invalidate, which a Reset cannot undo, so the "
            f"Reset that {d.rule} calls for is not filed and CDE decides by hand{kept}.",
            notation=d.irregularity_notation,
        )
    appeal = d.appeal or ""
    return _refused(
        d,
        d.rule,
        f"A {APPEAL_LABELS[appeal]} applies to a test that is {statuses_text(appeal)}; the "
        f"{where} is {status}, so it cannot be filed",
    )


def _status_checks(d: Decision, s: Situation, a: Assessment) -> Decision:
    if s.test_status == NOT_STARTED:
        return _not_started(d, s, a)
    if not d.appealable:
        return d
    if s.test_status == RESET_STATUS and d.appeal != RESTORE:
        # The event was removed by a Reset; the student starts a new test, which has no history
        # to appeal yet. Only a Restore (A-RESTORE-1) acts on a reset test.
        return _refused(
            d,
            d.rule,
            f"The {place(s, a)} is already in Reset status, so the student starts a new test "
            "and there is nothing to appeal on this one",
        )
    if s.test_status == INVALIDATED and d.appeal == REOPEN:
        # rule C-3
        return _refused(
            d, "C-3", f"The {place(s, a)} has an approved Invalidate, so it cannot be re-opened"
        )
    if s.test_status == INVALIDATED and d.appeal == INVALIDATE:
        return _refused(d, "A-INVAL-1", f"The {place(s, a)} is already invalidated")
    if d.appeal is not None and s.test_status not in ALLOWED_FROM[d.appeal]:
        # students/transitions.py: the effect's service would refuse this status.
        return _not_from_status(d, s, a)
    return d


def _window_closed(d: Decision) -> Decision:
    # rule C-4: nothing can be filed once the LEA's testing window has closed; a
    # notation is a record of the incident, not an appeal, so it stays.
    if d.manual_review:
        what = f"no appeal can be filed for CDE to decide ({d.rule})"
    elif d.appeal:
        what = f"the {APPEAL_LABELS[d.appeal]} that {d.rule} allows can no longer be filed"
    else:
        what = f"no appeal can be filed, and this incident would not lead to one anyway ({d.rule})"
    if d.irregularity_notation:
        what += "; the irregularity notation is still recorded"
    return no_appeal(
        "C-4",
        f"The LEA's testing window is closed, so {what}.",
        notation=d.irregularity_notation,
    )


def decide(situation: Situation, catalog: RulesCatalog) -> Decision:
    """The decision for one situation; see the module docstring."""
    s = situation
    incident = catalog.incidents.get(s.incident)
    if incident is None:
        raise SituationError("incident", f"unknown incident {s.incident!r}")
    assessment = ASSESSMENTS.get(s.test)
    if assessment is None:
        raise SituationError("test", f"unknown test {s.test!r}")
    if incident.not_stairs_incident:
        # rule F-9: the catalog flags it; nothing is filed, whatever the test or window.
        return no_appeal(
            "F-9",
            f"{incident.label} is not a STAIRS incident: tests completed before it are scored and "
            "cannot be invalidated or removed, so nothing is filed; enter the exemption in TOMS "
            "for the tests not yet taken.",
        )
    if not incident.applies_to(s.test, s.part, s.delivery):
        raise SituationError(
            "incident", not_applicable_message(incident, s.test, s.part, s.delivery)
        )
    handler = HANDLERS.get(s.incident)
    if handler is None:
        # An incident added in the admin before its rule is written: D-3, CDE reviews any case.
        return manual_review(
            "D-3",
            f"This release has no rule for {incident.label}, so CDE decides by hand.",
        )
    decision = _status_checks(handler(s, assessment, catalog), s, assessment)
    if not s.within_window:
        return _window_closed(decision)
    return decision


__all__ = [
    "APPEALS",
    "APPEAL_LABELS",
    "CALTAC",
    "CDE",
    "HANDLERS",
    "REVIEWERS",
    "TEST_STATUSES",
    "Decision",
    "RulesCatalog",
    "Situation",
    "SituationError",
    "decide",
    "load_fixture",
    "not_applicable_message",
    "parse_situation",
]
