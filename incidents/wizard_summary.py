"""What Confirm Details shows (F-1 step 5): every answer of the draft in the coordinator's words,
each row with a Change link to the step that asks it."""

from __future__ import annotations

from typing import Any

from appeals.rules.catalog import FollowUpQuestion as QuestionFacts
from appeals.rules.catalog import RulesCatalog
from incidents import wizard
from incidents.case_models import Case
from incidents.models import Severity
from incidents.wizard_forms import GRADE_CHOICES


def answer_text(question: QuestionFacts, value: Any) -> str:
    """An answer as the coordinator chose it (the Confirm page)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    labels = {choice.code: choice.label for choice in question.choices}
    return labels.get(value, str(value))


def confirm_summary(
    case: Case, catalog: RulesCatalog, *, appeal_possible: bool
) -> list[dict[str, Any]]:
    """Confirm Details' rows, each with its Change link."""
    pk = case.pk
    incident_url = wizard.BY_SLUG["incident"].url(pk)
    details_url = wizard.BY_SLUG["details"].url(pk)
    assessment = catalog.assessments.get(case.test)
    when = case.incident_date.strftime("%B %-d, %Y") if case.incident_date else ""
    if when and case.incident_time:
        when += f", {case.incident_time:%H:%M}"
    rows = [
        {
            "label": "School",
            "value": case.school.name if case.school else "",
            "change_url": incident_url,
        },
        {"label": "Date of the incident", "value": when, "change_url": incident_url},
        {
            "label": "Grade",
            "value": dict(GRADE_CHOICES).get(str(case.grade), ""),
            "change_url": incident_url,
        },
        {
            "label": "Test",
            "value": assessment.part_label(case.part or None) if assessment else case.test,
            "change_url": incident_url,
        },
        {"label": "Delivery", "value": case.get_delivery_display(), "change_url": incident_url},
        {
            "label": "Testing issue",
            "value": case.incident_type.label if case.incident_type else "",
            "change_url": wizard.BY_SLUG["issue"].url(pk),
        },
    ]
    facts = catalog.incidents.get(case.incident_type.code) if case.incident_type else None
    for question in facts.questions if facts else ():
        if question.key in case.answers:
            rows.append(
                {
                    "label": question.text,
                    "value": answer_text(question, case.answers[question.key]),
                    "change_url": details_url,
                }
            )
    if case.incident_type and case.incident_type.severity == Severity.BREACH:
        rows.append(
            {
                "label": "Call about the breach",
                "value": case.breach_call_record,
                "change_url": details_url,
            }
        )
    rows.append({"label": "Description", "value": case.description, "change_url": details_url})
    if appeal_possible:
        students_url = wizard.BY_SLUG["students"].url(pk)
        rows += [
            {
                "label": "Number of students",
                "value": case.student_count,
                "change_url": students_url,
            },
            {
                "label": "SSIDs entered",
                "value": case.get_ssid_input_type_display() if case.ssid_input_type else "",
                "change_url": students_url,
            },
        ]
    return rows
