"""Loading the incident catalog from its versioned fixture file, for data migrations.

Migrations call ``load_catalog(apps, "incident_catalog_vN.json")`` with their historical app
registry, so an old migration keeps working after the models change. Loading upserts by code
(incidents), key (questions), code (choices) and (rule, test, part) (limits): a later version of
the file changes what it names, drops the questions and choices it no longer lists for those
incidents, and leaves incidents added in the admin alone. The leading underscore keeps Django's
migration loader from taking this module for a migration.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def read_catalog(filename: str) -> dict[str, Any]:
    with (FIXTURES / filename).open(encoding="utf-8") as handle:
        data = json.load(handle)
    if data.get("format") != "stairs-incident-catalog":
        raise ValueError(f"{filename} is not an incident catalog file")
    return data


def load_catalog(apps: Any, filename: str) -> None:
    IncidentType = apps.get_model("incidents", "IncidentType")
    FollowUpQuestion = apps.get_model("incidents", "FollowUpQuestion")
    AnswerChoice = apps.get_model("incidents", "AnswerChoice")
    AppealLimit = apps.get_model("incidents", "AppealLimit")
    data = read_catalog(filename)
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
        keys = [q["key"] for q in item.get("questions", [])]
        FollowUpQuestion.objects.filter(incident_type=incident).exclude(key__in=keys).delete()
        for q_order, q in enumerate(item.get("questions", []), start=1):
            question, _ = FollowUpQuestion.objects.update_or_create(
                incident_type=incident,
                key=q["key"],
                defaults={
                    "text": q["text"],
                    "answer_type": q["answer_type"],
                    "sort_order": q_order * 10,
                },
            )
            codes = [c["code"] for c in q.get("choices", [])]
            AnswerChoice.objects.filter(question=question).exclude(code__in=codes).delete()
            for c_order, choice in enumerate(q.get("choices", []), start=1):
                AnswerChoice.objects.update_or_create(
                    question=question,
                    code=choice["code"],
                    defaults={"label": choice["label"], "sort_order": c_order * 10},
                )
    for limit in data["limits"]:
        AppealLimit.objects.update_or_create(
            rule=limit["rule"],
            test=limit["test"],
            part=limit.get("part") or "",
            defaults={"value": limit["value"], "note": limit.get("note", "")},
        )


def unload_catalog(apps: Any, filename: str) -> None:
    """Reverse of the first load: remove what the file names."""
    IncidentType = apps.get_model("incidents", "IncidentType")
    AppealLimit = apps.get_model("incidents", "AppealLimit")
    data = read_catalog(filename)
    IncidentType.objects.filter(code__in=[i["code"] for i in data["incident_types"]]).delete()
    for limit in data["limits"]:
        AppealLimit.objects.filter(
            rule=limit["rule"], test=limit["test"], part=limit.get("part") or ""
        ).delete()
