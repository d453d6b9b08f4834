"""The assessment catalog's data migrations load it through the one fixture loader of both
catalogs (stairs/catalog_fixtures.py); migration 0002 calls `load_catalog` from here."""

from __future__ import annotations

from typing import Any

from stairs.catalog_fixtures import load_assessment_catalog


def load_catalog(apps: Any, filename: str) -> None:
    """Upsert the assessments and parts of ``filename`` (students/fixtures/)."""
    load_assessment_catalog(apps, filename)
