"""Incidents that never lead to a student appeal: improprieties corrected locally (S-1) and an
adult's social-media breach (S-3)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from appeals.rules.catalog import AssessmentFacts, RulesCatalog
from appeals.rules.decision import Decision, Rule, no_appeal
from appeals.rules.situation import Situation


def _impropriety(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    # rule S-1: an impropriety is corrected locally and reported; it has no appeal.
    return no_appeal(
        "S-1",
        "This impropriety is corrected locally and does not lead to an appeal",
        advice="submit this case within 24 hours of the incident as its report",
    )


def _social_media_adult(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    # rule S-3: a breach; nothing is filed against a student's test.
    return no_appeal(
        "S-3",
        "Social-media exposure by an adult is a breach with no student appeal",
        advice="phone CDE and CalTAC at once and submit this case, which CDE reviews",
    )


RULES: Final[MappingProxyType[str, Rule]] = MappingProxyType(
    {
        "STUDENT_DISRUPTION": _impropriety,
        "ADMINISTRATION_ERROR": _impropriety,
        "SOCIAL_MEDIA_ADULT": _social_media_adult,
    }
)
