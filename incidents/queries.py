"""Reads of the incident catalog.

`rules_catalog()` is the database's side of appeals/rules_catalog.py: the rows the admin edits,
turned into the plain `RulesCatalog` the pure rules take (four queries, whatever the size).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from appeals.rules_catalog import RulesCatalog, catalog_from_data
from incidents.models import AnswerChoice, AppealLimit, FollowUpQuestion, IncidentType


def _question_data(q: FollowUpQuestion) -> dict[str, Any]:
    return {
        "key": q.key,
        "text": q.text,
        "answer_type": q.answer_type,
        "choices": [{"code": c.code, "label": c.label} for c in q.choices.all()],
    }


def active_incident_types() -> QuerySet[IncidentType]:
    """Active incident types with their questions and choices, in the wizard's order."""
    return IncidentType.objects.filter(active=True).prefetch_related(
        Prefetch(
            "questions",
            queryset=FollowUpQuestion.objects.order_by("sort_order", "id").prefetch_related(
                Prefetch("choices", queryset=AnswerChoice.objects.order_by("sort_order", "id"))
            ),
        )
    )


def rules_catalog() -> RulesCatalog:
    """The catalog and limits as the rules read them. Raises `CatalogError` if the rows are
    inconsistent (an admin edit the model checks could not see, e.g. across questions)."""
    incidents = [
        it.as_data([_question_data(q) for q in it.questions.all()])
        for it in active_incident_types()
    ]
    limits = [
        {"rule": lim.rule, "test": lim.test, "part": lim.part, "value": lim.value}
        for lim in AppealLimit.objects.all()
    ]
    return catalog_from_data({"version": "database", "incident_types": incidents, "limits": limits})


def incident_types_for(test: str, part: str | None, delivery: str) -> QuerySet[IncidentType]:
    """The wizard's radio list (F-1 step 2) for one test, part and delivery: the same
    applicability the rules check, read from the rows."""
    codes = [i.code for i in rules_catalog().applicable_incidents(test, part, delivery)]
    return active_incident_types().filter(code__in=codes)
