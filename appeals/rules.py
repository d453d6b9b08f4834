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
incident: F-9, the catalog's applicability, the test status (C-3) and the window (C-4).

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
    APPEAL_LABELS,
    APPEALS,
    CALTAC,
    CDE,
    INVALIDATE,
    INVALIDATED,
    NOT_STARTED,
    REOPEN,
    RESET_STATUS,
    RESTORE,
    REVIEWERS,
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

# Incident code (domain.md section C) -> its rule. A code an admin adds to the catalog without a
# rule here goes to CDE by hand (see `decide`).
HANDLERS: Final[Mapping[str, Handler]] = MappingProxyType(
    {**rules_validity.HANDLERS, **rules_reset.HANDLERS, **rules_access.HANDLERS}
)


# --- status and window checks that hold for every incident ------------------------------------


def _status_checks(d: Decision, s: Situation, a: Assessment) -> Decision:
    if not d.appealable:
        return d
    if s.test_status == NOT_STARTED:
        # No test event exists yet: fix the setting or assignment before the student tests.
        return no_appeal(
            d.rule,
            f"The student has not started the {place(s, a)}, so there is no test event to "
            "appeal; correct the problem before the student tests.",
        )
    if s.test_status == RESET_STATUS and d.appeal != RESTORE:
        # The event was removed by a Reset; the student starts a new test, which has no history
        # to appeal yet. Only a Restore (A-RESTORE-1) acts on a reset test.
        return no_appeal(
            d.rule,
            f"The {place(s, a)} is already in Reset status, so the student starts a new test "
            "and there is nothing to appeal on this one.",
        )
    if s.test_status == INVALIDATED and d.appeal == REOPEN:
        # rule C-3
        return no_appeal(
            "C-3",
            f"The {place(s, a)} has an approved Invalidate, so it cannot be re-opened.",
        )
    if s.test_status == INVALIDATED and d.appeal == INVALIDATE:
        return no_appeal("A-INVAL-1", f"The {place(s, a)} is already invalidated.")
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
