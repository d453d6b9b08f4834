"""Reads of the catalogs the rules take.

`rules_catalog()` is the database's side of appeals/rules/catalog.py: the rows administrators
edit (students' Assessment and AssessmentPart, this app's incident types, questions, choices and
limits) turned into the plain `RulesCatalog` of the pure rules, in a fixed number of queries.
The test-event effect services read the same Assessment/AssessmentPart rows, so the rules and
the effects cannot disagree about a pause rule or an expiry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from accounts.access import scope_for
from accounts.models import ROLE_PROGRAM, OrganizationKind, RoleGrant, User
from appeals.rules.catalog import (
    AssessmentFacts,
    RulesCatalog,
    assessments_from_data,
    catalog_from_data,
)
from incidents.case_models import Case
from incidents.models import AnswerChoice, AppealLimit, FollowUpQuestion, IncidentType
from students.models import Assessment, AssessmentPart


def _question_data(question: FollowUpQuestion) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": question.key,
        "text": question.text,
        "answer_type": question.answer_type,
        "choices": [
            {"code": choice.code, "label": choice.label} for choice in question.choices.all()
        ],
    }
    if question.asked_when_key:
        data["asked_when"] = {"key": question.asked_when_key, "answer": question.asked_when_answer}
    return data


def _assessment_data() -> list[dict[str, Any]]:
    """The assessment rows in the assessment fixture's shape (two queries)."""
    assessments = Assessment.objects.order_by("sort_order", "code").prefetch_related(
        Prefetch("parts", queryset=AssessmentPart.objects.order_by("sort_order", "id"))
    )
    return [
        {
            "code": assessment.code,
            "label": assessment.label,
            "program": assessment.program,
            "grades": assessment.grades,
            "online": assessment.offered_online,
            "paper": assessment.offered_on_paper,
            "parts": [
                {
                    "code": part.code,
                    "pause_rule": part.pause_rule,
                    "expiry_days": part.expiry_days,
                    "online_dei_grades": part.online_dei_grades,
                }
                for part in assessment.parts.all()
            ],
        }
        for assessment in assessments
    ]


def assessment_facts() -> Mapping[str, AssessmentFacts]:
    """The assessment catalog as the rules read it (for the catalog models' `clean()`)."""
    return assessments_from_data(_assessment_data())


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
        incident.as_data([_question_data(question) for question in incident.questions.all()])
        for incident in active_incident_types()
    ]
    limits = [
        {"rule": lim.rule, "test": lim.test, "part": lim.part, "value": lim.value}
        for lim in AppealLimit.objects.all()
    ]
    return catalog_from_data(
        {
            "version": "database",
            "assessments": _assessment_data(),
            "incident_types": incidents,
            "limits": limits,
        }
    )


def incident_types_for(test: str, part: str | None, delivery: str) -> QuerySet[IncidentType]:
    """The wizard's radio list (F-1 step 2) for one test, part and delivery: the same
    applicability the rules check, read from the rows."""
    codes = [i.code for i in rules_catalog().applicable_incidents(test, part, delivery)]
    return active_incident_types().filter(code__in=codes)


def cases_for(user: User) -> QuerySet[Case]:
    """The STAIRS cases ``user`` may see (issue 8, part 9; U-4, F-7), drafts included (F-5).

    Scoped through ``scope_for``: CDE and CalTAC see every case. A coordinator sees the cases
    of their own program where they hold it: an LEA role its LEA's cases, a site role its
    school's, so an LEA CAASPP coordinator does not see the LEA's ELPAC cases. A draft whose
    test is not chosen yet has no program: its creator sees it. Test administrators do not file
    and hold no program, so they see none. Anything else is a 404, like a missing case.
    """
    scope = scope_for(user)
    if scope.everything:
        return Case.objects.all()
    if scope.is_empty:
        return Case.objects.none()
    grants = RoleGrant.objects.filter(user=user, role__in=list(ROLE_PROGRAM)).values_list(
        "role", "organization_id", "organization__kind"
    )
    visible = Q(program="", created_by=user) & scope.school_q("school")
    for role, organization_id, kind in grants:
        place = "lea_id" if kind == OrganizationKind.LEA else "school_id"
        visible |= Q(program=ROLE_PROGRAM[role], **{place: organization_id})
    return Case.objects.filter(visible)
