"""Reads the student pages and other apps need: scoped by the user's ``Scope`` from
accounts/access.py (the one definition of who sees what), joined, so a page costs a fixed number
of queries."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import reduce
from operator import or_

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.access import scope_for
from accounts.models import Organization, User
from students import transitions
from students.models import (
    AssessmentPart,
    IrregularityNotation,
    Student,
    TestEvent,
    TestEventChange,
    TestingWindow,
)

SSID_RE = re.compile(r"^\d{10}$")
NAMES = ("last_name", "first_name", "middle_name")


def students_for(user: User) -> QuerySet[Student]:
    """Students the user may see (U-4): CDE and CalTAC all, LEA roles their LEA's schools, site
    roles and test administrators their own school. Anything else is a 404, like an unknown
    SSID (F-10). Every student page, export and lookup starts here."""
    return Student.objects.filter(scope_for(user).rows_q(lea="lea", school="school"))


# Name order. NULLS FIRST on a column that is never null changes no result, and no index provides
# that order: PostgreSQL sorts the matches instead of walking student_name_idx until 25 rows match,
# which reads a third of the table when they share a surname far down the alphabet ("garcia":
# 0.6 s at a million students). bench/RESULTS.md, "Student search at state scale".
NAME_ORDER = (F("last_name").asc(nulls_first=True), "first_name", "ssid")


def _matching(user: User, query: str) -> QuerySet[Student]:
    """Students in the user's scope matching ``query`` (see ``student_search``), unordered."""
    students = students_for(user)
    query = query.strip()
    if SSID_RE.match(query):
        return students.filter(ssid=query)
    fields = NAMES
    if scope_for(user).schools_only:
        # A school's few thousand students are read through its index and their names compared
        # one by one: the name indexes on UPPER(name) would first gather every match in the
        # state ("ma": 680,000 of them, 40 ms). UPPER(LOWER(name)) matches as UPPER(name) does,
        # and no index has it, so the planner keeps to the school's rows.
        students = students.alias(
            last_lower=Lower("last_name"),
            first_lower=Lower("first_name"),
            middle_lower=Lower("middle_name"),
        )
        fields = ("last_lower", "first_lower", "middle_lower")
    for word in re.split(r"[\s,]+", query):
        if word:
            students = students.filter(
                reduce(or_, (Q(**{f"{field}__istartswith": word}) for field in fields))
            )
    return students


def student_search(user: User, query: str) -> QuerySet[Student]:
    """Students in the user's scope matching an SSID exactly, or a name, in name order.

    A name query matches students whose first, middle or last name starts with every word given
    ("garc mar" finds Maria Garcia). An SSID outside the scope finds nothing, exactly like an
    unknown one (F-10).
    """
    return _matching(user, query).select_related("school__parent").order_by(*NAME_ORDER)


def student_search_ids(user: User, query: str, *, limit: int) -> list[int]:
    """The ids of at most ``limit`` matches of ``student_search``, in name order, in one query.

    Which ones, when more match, is the database's choice: a dense prefix ("ma" over the state)
    then costs ``limit`` rows instead of sorting every match, and the page tells the user to
    narrow the search. The matching runs once: the page counts and pages through this list.
    """
    first = _matching(user, query).order_by().values_list("pk", "last_name", "first_name", "ssid")
    try:
        sql, params = first[:limit].query.sql_with_params()
    except EmptyResultSet:  # a scope with nothing in it
        return []
    # The names come with the matches, so they are sorted as found (no second visit of 1,001
    # rows by primary key: 10 ms at the state's size); by the database, in its collation.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.pk FROM ({sql}) AS m "  # noqa: S608 (Django's own SQL, parameters apart)
            "ORDER BY m.last_name ASC NULLS FIRST, m.first_name ASC, m.ssid ASC",
            params,
        )
        return [row[0] for row in cursor.fetchall()]


def students_in_order(ids: list[int]) -> list[Student]:
    """The students of ``ids`` (a page of ``student_search_ids``), in that order."""
    found = Student.objects.select_related("school__parent").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def student_for(user: User, ssid: str) -> Student:
    """The student with this SSID in the user's scope, else 404 (F-10: same as unknown)."""
    return get_object_or_404(students_for(user).select_related("school__parent"), ssid=ssid)


def student_test_events(student: Student) -> QuerySet[TestEvent]:
    """The student's test assignments and events, newest administration first."""
    return (
        TestEvent.objects.filter(student=student)
        .select_related("part__assessment")
        .order_by("-school_year", "part__assessment__sort_order", "part__sort_order")
    )


def student_score_status(student: Student) -> QuerySet[TestEvent]:
    """Events with their domain-level irregularity notations (D-1), for the Score Status tab."""
    return student_test_events(student).prefetch_related(
        Prefetch("notations", queryset=IrregularityNotation.objects.order_by("-recorded_at"))
    )


def event_for(user: User, ssid: str, event_id: int) -> TestEvent:
    """One test event of a student in the user's scope, with its timeline; else 404."""
    return get_object_or_404(
        TestEvent.objects.filter(student__in=students_for(user).filter(ssid=ssid))
        .select_related("student__school__parent", "part__assessment")
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=TestEventChange.objects.select_related("actor").order_by("-at", "-pk"),
            ),
            "notations",
        ),
        pk=event_id,
    )


def window_is_open(*, lea: Organization | int, program: str, on: date) -> bool:
    """Is the LEA's testing window for ``program`` open on ``on``? (A-3, C-4, F-8)

    Both the first and the last day of a window are inside it.
    """
    lea_id = lea if isinstance(lea, int) else lea.pk
    return TestingWindow.objects.filter(
        lea_id=lea_id, program=program, start_date__lte=on, end_date__gte=on
    ).exists()


def assessment_part(test_code: str, part_code: str | None) -> AssessmentPart | None:
    """The catalog part for contracts.md's ``test`` and ``part`` (None/"" for a whole test)."""
    return (
        AssessmentPart.objects.select_related("assessment")
        .filter(assessment__code=test_code, code=part_code or "")
        .first()
    )


def event_facts(event: TestEvent, *, now: datetime | None = None) -> transitions.EventFacts:
    """The plain values the effects check on ``event`` (its part and assessment are read)."""
    return transitions.EventFacts(
        status=event.effective_status(now or timezone.now()),
        program=event.program,
        test=event.test_code,
        part=event.part_code,
        delivery=event.delivery,
        grade=event.grade,
        pause_rule=event.part.pause_rule,
        grace_period_waiting=event.grace_period_extended_at is not None,
        restorable=event.reset_by_appeal and bool(event.prior_state),
    )


def effects_for(event: TestEvent, *, now: datetime | None = None) -> list[str]:
    """Labels of the effects an approved appeal could have on ``event`` now, for its page.

    The transition table from the event's effective status (an open test past its expiry counts
    as expired, T-1), then each effect's own conditions: Invalidate only for the CAASPP (C-2);
    Rescore only for online Initial ELPAC Writing in grades 3-12 (A-RESCORE-1); Grace Period
    Extension only online on a part with the pause rule and none already waiting (A-GPE-1, T-3);
    Restore only after a Reset Appeal (A-RESTORE-1). Each listed effect is one that
    students/effects.py accepts; tests/students/test_transitions.py holds the two together.
    """
    return [appeal.label for appeal in transitions.appeals_for(event_facts(event, now=now))]
