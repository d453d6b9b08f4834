"""The filing services at state scale, in the benchmark's process (bench/bench_filing.py runs
them): read_ssid_file + case_set_students on 500 real SSIDs of one school (the upload step),
then case_submit of that 500-SSID case, each round in a transaction rolled back afterwards so
the dataset stays as generated (the on-commit email handoff to Celery is therefore not timed).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bench.live import BenchFailure
from bench.population import BIG_LEA_ID

UPLOAD_TARGET_MS = 1000.0
SUBMIT_TARGET_MS = 2000.0
BENCH_INCIDENT = "SUBMITTED_EARLY"  # Re-open for CalTAC (A-REOPEN-1)
# The services run as on the data's day, inside every bench LEA's window (students/dates).
FILING_MOMENT = "2026-11-25T10:00-08:00"
INCIDENT_DAY = date(2026, 11, 24)


@dataclass
class Timing:
    label: str
    target_ms: float
    totals: list[float] = field(default_factory=list)
    queries: int = 0


@contextlib.contextmanager
def _counted() -> Iterator[list[int]]:
    from django.db import connection

    found = [0]

    def wrapper(execute, sql, params, many, context):
        found[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield found


def _clock():
    try:
        import time_machine
    except ImportError:  # without the dev extra: the real clock, noted in the report
        return contextlib.nullcontext(), "the real clock"
    return time_machine.travel(FILING_MOMENT, tick=True), f"the clock set to {FILING_MOMENT}"


def _scenarios() -> list[tuple[str, Any, list[str]]]:
    """(label, school, 500 SSIDs): one school's 500 students as its coordinator would upload
    them (the big LEA's school with the most Math non-PT events this year, then its other
    students, who have no such event and so no appeal); and the worst case for submission,
    500 SSIDs that all get an appeal: students of the big LEA whose Math non-PT test was
    submitted this year (no generated school has 500 of them: 114 at most)."""
    from django.db.models import Count

    from accounts.models import Organization
    from students.models import Student, TestEvent

    events = TestEvent.objects.filter(
        part__assessment__code="SB_MATH",
        part__code="NON_PT",
        school_year=2026,
        student__school__parent_id=BIG_LEA_ID,
    )
    busiest = (
        events.values("student__school").annotate(n=Count("pk")).order_by("-n", "student__school")
    )[0]
    school = Organization.objects.get(pk=busiest["student__school"])
    ssids = list(
        events.filter(student__school=school)
        .order_by("student__ssid")
        .values_list("student__ssid", flat=True)[:500]
    )
    others = Student.objects.filter(school=school).exclude(ssid__in=ssids).order_by("ssid")
    ssids += list(others.values_list("ssid", flat=True)[: 500 - len(ssids)])
    submitted = list(
        events.filter(status="SUBMITTED")
        .order_by("student__school", "student__ssid")
        .values_list("student__ssid", flat=True)[:500]
    )
    for label, found in (("one school", ssids), ("500 appeals", submitted)):
        if len(found) < 500:
            raise BenchFailure(f"{label}: only {len(found)} SSIDs")
    return [
        (f"one school's 500 SSIDs ({school.name})", school, ssids),
        ("500 SSIDs that all get an appeal (big LEA)", school, submitted),
    ]


def bench_draft(actor: Any, school: Any, incident: Any, incident_date: Any) -> Any:
    """A draft of the benchmarks' incident (Submitted early, a Math non-PT test), through the
    service, with its students still to add."""
    from incidents import services

    return services.case_create_draft(
        actor=actor,
        school=school,
        incident_date=incident_date,
        grade=8,
        test="SB_MATH",
        part="NON_PT",
        delivery="ONLINE",
        incident_type=incident,
        description="Students submitted before finishing (benchmark).",
        plan_of_action="Remind students to review before submitting.",
    )


def measure_services(people: dict[str, Any], *, warmup: int, runs: int) -> tuple[list[Timing], str]:
    from django.db import transaction

    from incidents import services
    from incidents.models import IncidentType
    from incidents.ssid_files import read_ssid_file

    actor = people["LEA coordinator"]
    incident = IncidentType.objects.get(code=BENCH_INCIDENT)
    clock, clock_note = _clock()
    timings, notes = [], []
    for label, school, ssids in _scenarios():
        upload = ("SSID\r\n" + "".join(f"{s}\r\n" for s in ssids)).encode()
        set_students = Timing(
            f"upload, {label}: read_ssid_file + case_set_students", UPLOAD_TARGET_MS
        )
        submit = Timing(f"submit, {label}: case_submit", SUBMIT_TARGET_MS)
        appeals = 0
        with clock:
            for round_ in range(warmup + runs):
                with transaction.atomic():
                    case = bench_draft(actor, school, incident, INCIDENT_DAY)
                    with _counted() as upload_queries:
                        start = time.perf_counter()
                        found = read_ssid_file(upload, filename="ssids.csv")
                        rows = services.case_set_students(
                            case=case, actor=actor, ssids=found.ssids, input_type="UPLOAD"
                        )
                        upload_ms = (time.perf_counter() - start) * 1000
                    if not found.is_clean or len(rows) != 500:
                        raise BenchFailure(f"upload: {len(rows)} rows, {found.problems[:3]}")
                    chosen = [row.student.ssid for row in rows if row.appealable]
                    services.case_select_students(case=case, actor=actor, ssids=chosen)
                    with _counted() as submit_queries:
                        start = time.perf_counter()
                        done = services.case_submit(case=case, actor=actor)
                        submit_ms = (time.perf_counter() - start) * 1000
                    appeals = done.appeals.count()
                    if not done.number or appeals != len(chosen):
                        raise BenchFailure(f"submit: {done.number}, {appeals} appeals")
                    transaction.set_rollback(True)
                if round_ >= warmup:
                    set_students.totals.append(upload_ms)
                    submit.totals.append(submit_ms)
                    set_students.queries = upload_queries[0]
                    submit.queries = submit_queries[0]
        timings += [set_students, submit]
        notes.append(f"{label}: {appeals} of 500 appealable, selected and filed")
    note = (
        f"incident {BENCH_INCIDENT} on Smarter Balanced Math non-PT; "
        + "; ".join(notes)
        + f"; {runs} rounds after {warmup}, each in a transaction rolled back; {clock_note}"
    )
    return timings, note
