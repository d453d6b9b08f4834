"""Loading the assessment catalog from its versioned fixture file.

Data migrations call ``load_catalog(apps, "assessment_catalog_vN.json")`` with their historical
app registry, so a migration keeps working after the models change. Loading upserts by code:
a later version of the file changes the rows it names and leaves admin-added tests alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def read_catalog(filename: str) -> dict[str, Any]:
    with (FIXTURES / filename).open(encoding="utf-8") as handle:
        return json.load(handle)


def load_catalog(apps: Any, filename: str) -> None:
    Assessment = apps.get_model("students", "Assessment")
    AssessmentPart = apps.get_model("students", "AssessmentPart")
    data = read_catalog(filename)
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
