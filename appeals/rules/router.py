"""`decide(situation, catalog)`: the appeal rules of domain.md sections A and C as one pure
function, returning a `Decision` with exactly the fields of contracts.md.

One way through: the incident's catalog entry (F-9, applicability), then the rule of its appeal
family (reset.py, reopen.py, grace_period.py, rescore.py, restore.py, validity.py, unappealable.py),
then what holds for every incident (status.py: the test's status, then the window, C-4). No ORM,
no I/O: the wizard, the `stairs_rules` command, the tests and the benchmark all call it. Each
branch names the rule of domain.md that decided; where the rules leave a case open (the
A-RESET-9/A-INVAL-1 gap, a grace period for a CAASPP PT) the decision is a manual review by CDE,
never a guess. `decide` expects a situation that passed `parse_situation` and raises
`SituationError` for an unknown or inapplicable incident or test.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from appeals.rules import grace_period, reopen, rescore, reset, restore, unappealable, validity
from appeals.rules.catalog import RulesCatalog
from appeals.rules.decision import Decision, Rule, manual_review, no_appeal
from appeals.rules.situation import Situation, SituationError, not_applicable_message
from appeals.rules.status import check_status, check_window

# Incident code (domain.md section C) -> its rule. A code an admin adds to the catalog without a
# rule here goes to CDE by hand (see `decide`).
RULES: Final[Mapping[str, Rule]] = MappingProxyType(
    {
        **validity.RULES,
        **unappealable.RULES,
        **reset.RULES,
        **reopen.RULES,
        **grace_period.RULES,
        **rescore.RULES,
        **restore.RULES,
    }
)


def decide(situation: Situation, catalog: RulesCatalog) -> Decision:
    """The decision for one situation; see the module docstring."""
    incident = catalog.incidents.get(situation.incident)
    if incident is None:
        raise SituationError("incident", f"unknown incident {situation.incident!r}")
    assessment = catalog.assessments.get(situation.test)
    if assessment is None:
        raise SituationError("test", f"unknown test {situation.test!r}")
    if incident.not_stairs_incident:
        # rule F-9: the catalog flags it; nothing is filed, whatever the test or window.
        return no_appeal(
            "F-9",
            f"{incident.label} is not a STAIRS incident: tests completed before it are scored and "
            "cannot be invalidated or removed, so nothing is filed",
            advice="enter the exemption in TOMS for the tests not yet taken",
        )
    if not incident.applies_to(situation.test, situation.part, situation.delivery):
        raise SituationError(
            "incident",
            not_applicable_message(
                incident, situation.test, situation.part, situation.delivery, catalog
            ),
        )
    rule = RULES.get(situation.incident)
    if rule is None:
        # An incident added in the admin before its rule is written: D-3, CDE reviews any case.
        return manual_review(
            "D-3", f"This release has no rule for {incident.label}, so CDE decides by hand."
        )
    decision = check_status(rule(situation, assessment, catalog), situation, assessment)
    return check_window(decision, situation)
