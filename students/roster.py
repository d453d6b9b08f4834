"""Roster import: students and their test events from a CSV or XLSX file.

One row per student, or per student and test part: the student columns are repeated on each of
that student's rows, and rows without a ``test`` carry the student only. All or nothing: every
row is checked first, and if any is bad nothing is written and every bad row is reported by its
row number (the header is row 1). Reports name rows and SSIDs, never names (architecture.md).

Columns (header names, any order, any case):
  ssid, last_name, first_name, birth_date, grade, school_cds            required
  middle_name, iep, section_504, special_education_for_testing,
  english_learner_status                                                optional
  test, part, delivery, status, opened_at, submitted_at,
  questions_completed, dei_entries                                      the test event, optional
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, OrganizationKind, User
from students import dates
from students.models import (
    AssessmentPart,
    ChangeKind,
    Delivery,
    EnglishLearnerStatus,
    Student,
    TestEvent,
    TestEventChange,
    TestStatus,
)
from students.roster_files import (
    bool_cell,
    date_cell,
    grade_cell,
    moment_cell,
    read_rows,
    text_cell,
)

REQUIRED_COLUMNS = ("ssid", "last_name", "first_name", "birth_date", "grade", "school_cds")
OPTIONAL_COLUMNS = (
    "middle_name",
    "iep",
    "section_504",
    "special_education_for_testing",
    "english_learner_status",
    "test",
    "part",
    "delivery",
    "status",
    "opened_at",
    "submitted_at",
    "questions_completed",
    "dei_entries",
)
EVENT_COLUMNS = OPTIONAL_COLUMNS[5:]
# Reset and Invalidated come only from approved appeals (students/services.py), never a roster.
ROSTER_STATUSES = (
    TestStatus.NOT_STARTED,
    TestStatus.IN_PROGRESS,
    TestStatus.PAUSED,
    TestStatus.SUBMITTED,
    TestStatus.EXPIRED,
)
STUDENT_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "birth_date",
    "grade",
    "school_id",
    "has_iep",
    "has_section_504",
    "special_education_for_testing",
    "english_learner_status",
)
EVENT_FIELDS = (
    "grade",
    "delivery",
    "status",
    "opened_at",
    "expires_at",
    "submitted_at",
    "questions_completed",
    "dei_entries",
)


class RowError(ValueError):
    def __init__(self, row: int, message: str) -> None:
        super().__init__(f"Row {row}: {message}")
        self.row = row
        self.message = message


@dataclass
class ImportResult:
    students_created: int = 0
    students_updated: int = 0
    events_created: int = 0
    events_updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Students: {self.students_created} created, {self.students_updated} updated. "
            f"Test events: {self.events_created} created, {self.events_updated} updated."
        )


# --- checking ------------------------------------------------------------------------------------


@dataclass
class _Checked:
    student: dict[str, Any]
    school_cds: str
    event: dict[str, Any] | None


class _Checker:
    def __init__(self, organization: Organization, school_year: int, now: datetime) -> None:
        self.organization = organization
        self.school_year = school_year
        self.now = now
        self.parts = {
            (p.assessment.code, p.code): p
            for p in AssessmentPart.objects.select_related("assessment")
        }
        self.whole_tests = {code for code, part in self.parts if part == ""}

    def row(self, values: dict[str, Any]) -> _Checked:
        ssid = text_cell(values.get("ssid"))
        if not re.fullmatch(r"\d{10}", ssid):
            raise ValueError(f"SSID must be exactly 10 digits, not “{ssid}”")
        student: dict[str, Any] = {"ssid": ssid}
        for column, limit in (("first_name", 60), ("middle_name", 60), ("last_name", 60)):
            student[column] = text_cell(values.get(column))
            if len(student[column]) > limit:
                raise ValueError(f"{column} is longer than {limit} characters")
        for column in ("first_name", "last_name"):
            if not student[column]:
                raise ValueError(f"{column} is empty")
        student["birth_date"] = date_cell(values.get("birth_date"), "birth_date")
        if student["birth_date"] >= dates.local_date(self.now):
            raise ValueError("birth_date is not in the past")
        student["grade"] = grade_cell(values.get("grade"))
        for column, name in (
            ("iep", "has_iep"),
            ("section_504", "has_section_504"),
            ("special_education_for_testing", "special_education_for_testing"),
        ):
            student[name] = bool_cell(values.get(column), column)
        elas = text_cell(values.get("english_learner_status")).upper() or EnglishLearnerStatus.EO
        if elas not in EnglishLearnerStatus.values:
            raise ValueError(
                f"english_learner_status must be one of {', '.join(EnglishLearnerStatus.values)}"
            )
        student["english_learner_status"] = elas
        school_cds = text_cell(values.get("school_cds"))
        if not re.fullmatch(r"\d{14}", school_cds):
            raise ValueError(f"school_cds must be a 14-digit CDS code, not “{school_cds}”")
        return _Checked(student, school_cds, self.event(values, student["grade"]))

    def event(self, values: dict[str, Any], grade: int) -> dict[str, Any] | None:
        test = text_cell(values.get("test")).upper()
        if not test:
            if any(text_cell(values.get(c)) for c in EVENT_COLUMNS[1:]):
                raise ValueError("test is empty but other test event columns are filled")
            return None
        part_code = text_cell(values.get("part")).upper()
        part = self.parts.get((test, part_code))
        if part is None:
            known = {code for code, _ in self.parts}
            if test not in known:
                raise ValueError(f"test “{test}” is not in the assessment catalog")
            if test in self.whole_tests:
                raise ValueError(f"{test} is taken as a whole: leave part empty")
            parts = sorted(p for code, p in self.parts if code == test)
            raise ValueError(f"part of {test} must be one of {', '.join(parts)}")
        assessment = part.assessment
        if not assessment.serves_grade(grade):
            raise ValueError(f"{test} is not given in grade {dates.grade_label(grade)}")
        delivery = text_cell(values.get("delivery")).upper() or Delivery.ONLINE
        if delivery not in Delivery.values:
            raise ValueError("delivery must be ONLINE or PAPER")
        if not assessment.offers(delivery):
            raise ValueError(f"{test} is not offered {delivery.lower()}")
        status = text_cell(values.get("status")).upper() or TestStatus.NOT_STARTED
        if status not in ROSTER_STATUSES:
            if status in TestStatus.values:
                raise ValueError(f"status {status} is set only by an approved appeal in STAIRS")
            raise ValueError(f"status must be one of {', '.join(ROSTER_STATUSES)}")
        opened_at = moment_cell(values.get("opened_at"), "opened_at")
        submitted_at = moment_cell(values.get("submitted_at"), "submitted_at")
        questions = text_cell(values.get("questions_completed")) or "0"
        if not questions.isdigit():
            raise ValueError("questions_completed must be a whole number of 0 or more")
        dei = bool_cell(values.get("dei_entries"), "dei_entries")
        if status == TestStatus.NOT_STARTED:
            if opened_at or submitted_at or int(questions) or dei:
                raise ValueError(
                    "a test not started has no opened_at, submitted_at, questions or DEI entries"
                )
        elif opened_at is None:
            raise ValueError(f"opened_at is needed for a test that is {status}")
        else:
            if opened_at > self.now:
                raise ValueError("opened_at is in the future")
            opened_year = dates.school_year_for(dates.local_date(opened_at))
            if opened_year != self.school_year:
                raise ValueError(
                    f"opened_at is outside the {dates.school_year_label(self.school_year)} "
                    "administration"
                )
        if submitted_at is not None and status != TestStatus.SUBMITTED:
            raise ValueError("submitted_at is only for a SUBMITTED test")
        if submitted_at is not None and opened_at is not None and submitted_at < opened_at:
            raise ValueError("submitted_at is before opened_at")
        return {
            "part": part,
            "grade": grade,
            "delivery": delivery,
            "status": status,
            "opened_at": opened_at,
            "submitted_at": submitted_at,
            "questions_completed": int(questions),
            "dei_entries": dei,
        }

    def school_inside(self, school: Organization) -> bool:
        org = self.organization
        if org.kind == OrganizationKind.STATE:
            return True
        if org.kind == OrganizationKind.LEA:
            return school.parent_id == org.pk
        return school.pk == org.pk


# --- importing -----------------------------------------------------------------------------------


def import_roster(
    path: Path,
    *,
    organization: Organization,
    school_year: int,
    actor: User | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Check every row, then write all of them in one transaction, or nothing."""
    now = now or timezone.now()
    result = ImportResult()
    header, rows = read_rows(path)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        result.errors.append(RowError(1, f"missing column(s): {', '.join(missing)}"))
        return result
    checker = _Checker(organization, school_year, now)
    checked: list[tuple[int, _Checked]] = []
    for number, values in rows:
        try:
            checked.append((number, checker.row(values)))
        except ValueError as error:
            result.errors.append(RowError(number, f"{_ssid_of(values)}{error}"))
    _check_against_database(checker, checked, result)
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    with transaction.atomic():
        _write(checked, result, school_year=school_year, actor=actor, now=now, source=path.name)
    return result


def _ssid_of(values: dict[str, Any]) -> str:
    ssid = text_cell(values.get("ssid"))
    return f"SSID {ssid}: " if re.fullmatch(r"\d{10}", ssid) else ""


def _check_against_database(
    checker: _Checker, checked: list[tuple[int, _Checked]], result: ImportResult
) -> None:
    codes = {c.school_cds for _, c in checked}
    schools = {
        o.cds_code: o for o in Organization.objects.filter(kind="SCHOOL", cds_code__in=codes)
    }
    existing = {
        s.ssid: s
        for s in Student.objects.filter(ssid__in={c.student["ssid"] for _, c in checked})
        .select_related("school")
        .only("ssid", "school__parent_id", "school__kind")
    }
    first_seen: dict[str, tuple[int, dict[str, Any]]] = {}
    event_rows: dict[tuple[str, int], int] = {}
    for number, c in checked:
        ssid = c.student["ssid"]
        school = schools.get(c.school_cds)
        if school is None or not checker.school_inside(school):
            result.errors.append(
                RowError(
                    number,
                    f"SSID {ssid}: school {c.school_cds} is not a school of "
                    f"{checker.organization.name}",
                )
            )
            continue
        c.student["school_id"] = school.pk
        if ssid in existing and not checker.school_inside(existing[ssid].school):
            result.errors.append(
                RowError(
                    number,
                    f"SSID {ssid} is enrolled at a school outside {checker.organization.name}; "
                    "a transfer is made in the admin, not by a roster",
                )
            )
        if ssid in first_seen and first_seen[ssid][1] != c.student:
            result.errors.append(
                RowError(
                    number,
                    f"SSID {ssid} is on row {first_seen[ssid][0]} with different student details",
                )
            )
        first_seen.setdefault(ssid, (number, c.student))
        if c.event is not None:
            key = (ssid, c.event["part"].pk)
            if key in event_rows:
                result.errors.append(
                    RowError(
                        number,
                        f"SSID {ssid}: {c.event['part'].label} is also on row {event_rows[key]}",
                    )
                )
            event_rows.setdefault(key, number)


def _write(
    checked: list[tuple[int, _Checked]],
    result: ImportResult,
    *,
    school_year: int,
    actor: User | None,
    now: datetime,
    source: str,
) -> None:
    wanted = {c.student["ssid"]: c.student for _, c in checked}
    students = {s.ssid: s for s in Student.objects.select_for_update().filter(ssid__in=wanted)}
    new_students, changed_students = [], []
    for ssid, values in wanted.items():
        student = students.get(ssid)
        if student is None:
            student = Student(**values)
            new_students.append(student)
            students[ssid] = student
        elif any(getattr(student, f) != values[f] for f in STUDENT_FIELDS):
            for f in STUDENT_FIELDS:
                setattr(student, f, values[f])
            changed_students.append(student)
    Student.objects.bulk_create(new_students)
    Student.objects.bulk_update(changed_students, [*STUDENT_FIELDS, "updated_at"])
    result.students_created, result.students_updated = len(new_students), len(changed_students)

    events = {
        (e.student_id, e.part_id): e
        for e in TestEvent.objects.select_for_update().filter(
            student__in=[s.pk for s in students.values()], school_year=school_year
        )
    }
    new_events, changed_events, changes = [], [], []
    for _, c in checked:
        if c.event is None:
            continue
        student = students[c.student["ssid"]]
        event = events.get((student.pk, c.event["part"].pk))
        is_new = event is None
        if is_new:
            event = TestEvent(student=student, part=c.event["part"], school_year=school_year)
        before = "" if is_new else event.status
        if not is_new and _roster_keeps(event, c.event["status"]):
            continue
        values = _event_values(event, c.event, now)
        if not is_new and all(getattr(event, f) == values[f] for f in EVENT_FIELDS):
            continue
        for f, v in values.items():
            setattr(event, f, v)
        if before == TestStatus.RESET:
            # The student started a new test after the Reset: nothing is left to restore.
            event.prior_state, event.reset_by_appeal = None, False
        if event.status != TestStatus.PAUSED:
            event.grace_period_extended_at = None
        (new_events if is_new else changed_events).append(event)
        changes.append((event, before))
    TestEvent.objects.bulk_create(new_events)
    TestEvent.objects.bulk_update(
        changed_events,
        [*EVENT_FIELDS, "prior_state", "reset_by_appeal", "grace_period_extended_at", "updated_at"],
    )
    result.events_created, result.events_updated = len(new_events), len(changed_events)
    TestEventChange.objects.bulk_create(
        TestEventChange(
            test_event=event,
            actor=actor,
            at=now,
            kind=ChangeKind.IMPORTED,
            from_status=before,
            to_status=event.status,
            detail=f"{'Loaded' if not before else 'Updated'} from {source}."[:300],
        )
        for event, before in changes
    )


def _roster_keeps(event: TestEvent, roster_status: str) -> bool:
    """Appeal outcomes a roster must not undo: an invalidation, and a Reset the student has not
    yet started again (so a Restore stays possible)."""
    if event.status == TestStatus.INVALIDATED:
        return True
    return event.status == TestStatus.RESET and roster_status == TestStatus.NOT_STARTED


def _event_values(event: TestEvent, row: dict[str, Any], now: datetime) -> dict[str, Any]:
    opened_at = row["opened_at"]
    shape = TestEvent(part=event.part, delivery=row["delivery"])
    expires_at = shape.expiry_for(opened_at) if opened_at else None
    status = row["status"]
    if status in (TestStatus.IN_PROGRESS, TestStatus.PAUSED) and dates.is_expired(expires_at, now):
        status = TestStatus.EXPIRED  # T-1: its expiry passed before the roster was loaded
    return {
        "grade": row["grade"],
        "delivery": row["delivery"],
        "status": status,
        "opened_at": opened_at,
        "expires_at": expires_at,
        "submitted_at": row["submitted_at"],
        "questions_completed": row["questions_completed"],
        "dei_entries": row["dei_entries"],
    }
