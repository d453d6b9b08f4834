"""The data steps of appeals/0005 (each appeal gets its case's LEA, school and program) and 0008
(the overdue sweep's column becomes a row of AppealOverdue), on appeals filed before them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from appeals.models import Appeal, AppealOverdue
from students.dates import PACIFIC
from tests.incidents.conftest import draft
from tests.students.factories import StudentFactory

RECEIVED = datetime(2026, 11, 30, 9, 0, tzinfo=PACIFIC)
DUE = datetime(2026, 12, 4, 23, 59, 59, tzinfo=PACIFIC)
MARKED = datetime(2026, 12, 5, 0, 1, tzinfo=PACIFIC)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_older_appeals_get_their_cases_place_and_keep_their_overdue_mark(lea_coordinator, tree):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("appeals", "0004_search_indexes")])
    try:
        case = draft(lea_coordinator, tree.school_a2, incident_date=date(2026, 11, 20))
        with connection.cursor() as cursor:
            for overdue_at in (None, MARKED):
                cursor.execute(
                    "INSERT INTO appeals_appeal (case_id, student_id, appeal_type, reviewer,"
                    " status, manual_review, rule, reason, received_at, due_at, created_at,"
                    " updated_at, dei_only, notation, filed_state, decision_reason, exception,"
                    " overdue_at) VALUES (%s, %s, 'RESET', 'CALTAC', 'PENDING', false, '', '',"
                    " %s, %s, %s, %s, false, false, '{}', '', false, %s)",
                    [
                        case.pk,
                        StudentFactory(school=tree.school_a2).pk,
                        RECEIVED,
                        DUE,
                        RECEIVED,
                        RECEIVED,
                        overdue_at,
                    ],
                )
    finally:
        MigrationExecutor(connection).migrate(latest)
    appeals = list(Appeal.objects.order_by("pk"))
    assert {(a.lea_id, a.school_id, a.program) for a in appeals} == {
        (tree.lea_a.pk, tree.school_a2.pk, "CAASPP")
    }
    # rule A-2: an appeal the sweep had marked stays marked, once.
    assert list(AppealOverdue.objects.values_list("appeal_id", "reviewer", "at")) == [
        (appeals[1].pk, "CALTAC", MARKED)
    ]
