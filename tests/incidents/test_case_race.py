"""Concurrency: two submissions racing for case numbers, and one draft submitted from two tabs
at once. Real transactions on separate connections (threads), so the locks are PostgreSQL's."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from appeals.models import Appeal
from incidents import services
from incidents.case_models import Case, CaseNumberCounter
from incidents.models import IncidentType
from stairs.catalog_fixtures import load_incident_catalog
from tests.incidents.conftest import draft
from tests.students.factories import catalog_part

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def catalogs(db) -> None:
    """The catalogs the data migrations load. In the whole suite an earlier transactional test
    (the browser tests) may have flushed them, as tests/students/factories.py notes for the
    assessments; load them again when missing."""
    if not IncidentType.objects.exists():
        load_incident_catalog(apps, "incident_catalog_v2.json")
    catalog_part("SB_MATH", "NON_PT")


def _in_threads(*calls: Callable[[], object]) -> list[object]:
    """Run each call in its own thread (its own connection); their results or exceptions."""
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            results[index] = call()
        except Exception as err:  # the test inspects what each thread got
            results[index] = err
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _submitter(case_pk: int, user_pk: int) -> Callable[[], Case]:
    def submit() -> Case:
        return services.case_submit(
            case=Case.objects.get(pk=case_pk), actor=User.objects.get(pk=user_pk)
        )

    return submit


def test_two_racing_submissions_never_share_a_number(
    lea_coordinator, colleague, tree, windows, filing_day, monkeypatch
):
    # Mid-year: the year's counter row exists (41 cases so far), as it does but once a year.
    CaseNumberCounter.objects.create(school_year=2026, last_number=41)
    first = draft(lea_coordinator, tree.school_a1)
    second = draft(colleague, tree.school_a1)
    # Both transactions reach the numbering together: a read-then-write counter would hand
    # both the same number here; the locked upsert makes the second wait for the first.
    barrier = threading.Barrier(2, timeout=10)
    numbering = services._next_number

    def together(school_year: int) -> str:
        barrier.wait()
        return numbering(school_year)

    monkeypatch.setattr(services, "_next_number", together)
    results = _in_threads(
        _submitter(first.pk, lea_coordinator.pk), _submitter(second.pk, colleague.pk)
    )
    assert all(isinstance(result, Case) for result in results), results
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert numbers == ["2026-000042", "2026-000043"]


def test_one_draft_submitted_from_two_tabs_at_once_files_once(
    lea_coordinator, tree, windows, submitted_students
):
    case = draft(lea_coordinator, tree.school_a1, students=submitted_students)
    results = _in_threads(
        _submitter(case.pk, lea_coordinator.pk), _submitter(case.pk, lea_coordinator.pk)
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    submitted = [r for r in results if isinstance(r, Case)]
    assert (len(submitted), len(refused)) == (1, 1), results
    assert "already submitted" in refused[0].messages[0]
    assert Case.objects.get().number == "2026-000001"
    assert Appeal.objects.count() == len(submitted_students)
