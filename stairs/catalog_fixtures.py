"""The one loader of the two reference catalogs' versioned fixture files: the assessment catalog
(students/fixtures/assessment_catalog_vN.json) and the incident catalog with its appeal limits
(incidents/fixtures/incident_catalog_vN.json).

Two kinds of callers share it, so the file is read and checked one way:
- data migrations call `load_assessment_catalog(apps, name)` / `load_incident_catalog(apps,
  name)` with their historical app registry (models named by string, so no app is imported and
  an old migration keeps working after the models change);
- the pure rules path (`appeals.rules.catalog.load_fixture`, used by tests, the benchmark and
  `stairs_rules --catalog-file`) calls `read_fixture`.

Loading upserts by code: a later version of a file changes what it names, drops the follow-up
questions and choices it no longer lists for those incidents, and leaves rows added in the admin
alone. Pure Python: no Django import.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
ASSESSMENT_FIXTURES: Final = ROOT / "students" / "fixtures"
INCIDENT_FIXTURES: Final = ROOT / "incidents" / "fixtures"
ASSESSMENT_FORMAT: Final = "stairs-assessment-catalog"
INCIDENT_FORMAT: Final = "stairs-incident-catalog"

# The versions a fresh database ends up with (the latest data migration of each app loads them).
CURRENT_ASSESSMENT_CATALOG: Final = ASSESSMENT_FIXTURES / "assessment_catalog_v1.json"
CURRENT_INCIDENT_CATALOG: Final = INCIDENT_FIXTURES / "incident_catalog_v2.json"


def read_fixture(path: Path, expected_format: str) -> dict[str, Any]:
    """The decoded file, after checking it is the kind of catalog the caller expects."""
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict) or data.get("format") != expected_format:
        raise ValueError(f"{path.name} is not a {expected_format} file")
    return data


def load_assessment_catalog(apps: Any, filename: str) -> None:
    Assessment = apps.get_model("students", "Assessment")
    AssessmentPart = apps.get_model("students", "AssessmentPart")
    data = read_fixture(ASSESSMENT_FIXTURES / filename, ASSESSMENT_FORMAT)
    for order, item in enumerate(data["assessments"], start=1):
        assessment, _ = Assessment.objects.update_or_create(
            code=item["code"],
            defaults={
                "label": item["label"],
                "program": item["program"],
                "grades": item["grades"],
                "offered_online": item["online"],
                "offered_on_paper": item["paper"],
                "sort_order": order * 10,
            },
        )
        for part_order, part in enumerate(item["parts"], start=1):
            AssessmentPart.objects.update_or_create(
                assessment=assessment,
                code=part["code"],
                defaults={
                    "pause_rule": part["pause_rule"],
                    "expiry_days": part["expiry_days"],
                    "online_dei_grades": part.get("online_dei_grades", []),
                    "sort_order": part_order * 10,
                },
            )


def load_incident_catalog(apps: Any, filename: str) -> None:
    IncidentType = apps.get_model("incidents", "IncidentType")
    FollowUpQuestion = apps.get_model("incidents", "FollowUpQuestion")
    AnswerChoice = apps.get_model("incidents", "AnswerChoice")
    AppealLimit = apps.get_model("incidents", "AppealLimit")
    data = read_fixture(INCIDENT_FIXTURES / filename, INCIDENT_FORMAT)
    for order, item in enumerate(data["incident_types"], start=1):
        incident, _ = IncidentType.objects.update_or_create(
            code=item["code"],
            defaults={
                "label": item["label"],
                "description": item.get("description", ""),
                "severity": item["severity"],
                "not_stairs_incident": item.get("not_stairs_incident", False),
                "programs": item["programs"],
                "tests": item.get("tests", []),
                "parts": item.get("parts", []),
                "deliveries": item.get("deliveries", []),
                "active": True,
                "sort_order": item.get("order", order * 10),
            },
        )
        keys = [item_question["key"] for item_question in item.get("questions", [])]
        FollowUpQuestion.objects.filter(incident_type=incident).exclude(key__in=keys).delete()
        for question_order, item_question in enumerate(item.get("questions", []), start=1):
            defaults = {"text": item_question["text"], "answer_type": item_question["answer_type"]}
            if (
                "asked_when" in item_question
            ):  # version 2 on; older model states have no such fields
                defaults["asked_when_key"] = item_question["asked_when"]["key"]
                defaults["asked_when_answer"] = item_question["asked_when"]["answer"]
            question, _ = FollowUpQuestion.objects.update_or_create(
                incident_type=incident,
                key=item_question["key"],
                defaults={**defaults, "sort_order": question_order * 10},
            )
            codes = [choice["code"] for choice in item_question.get("choices", [])]
            AnswerChoice.objects.filter(question=question).exclude(code__in=codes).delete()
            for choice_order, choice in enumerate(item_question.get("choices", []), start=1):
                AnswerChoice.objects.update_or_create(
                    question=question,
                    code=choice["code"],
                    defaults={"label": choice["label"], "sort_order": choice_order * 10},
                )
    for limit in data["limits"]:
        AppealLimit.objects.update_or_create(
            rule=limit["rule"],
            test=limit["test"],
            part=limit.get("part") or "",
            defaults={"value": limit["value"], "note": limit.get("note", "")},
        )


def unload_incident_catalog(apps: Any, filename: str) -> None:
    """Reverse of the first load: remove what the file names."""
    IncidentType = apps.get_model("incidents", "IncidentType")
    AppealLimit = apps.get_model("incidents", "AppealLimit")
    data = read_fixture(INCIDENT_FIXTURES / filename, INCIDENT_FORMAT)
    IncidentType.objects.filter(code__in=[i["code"] for i in data["incident_types"]]).delete()
    for limit in data["limits"]:
        AppealLimit.objects.filter(
            rule=limit["rule"], test=limit["test"], part=limit.get("part") or ""
        ).delete()
