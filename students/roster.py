"""Roster import: students and their test events from a CSV or XLSX file.

One row per student, or per student and test part: the student columns are repeated on each of
that student's rows, and rows without a ``test`` carry the student only. All or nothing: every
row is checked first, and if any is bad nothing is written and every bad row is reported by its
row number (the header is row 1). Reports name rows and SSIDs, never names (architecture.md).

Columns (header names, any order, any case; a header the import does not know is refused):
  ssid, last_name, first_name, birth_date, grade, school_cds            required
  middle_name, iep, section_504, special_education_for_testing,
  english_learner_status                                                optional
  test, part, delivery, status, opened_at, submitted_at,
  questions_completed, dei_entries                                      the test event, optional

A roster updates only the columns it has. An optional column the file leaves out keeps what
STAIRS has for an existing student or test event, and gives a new one the defaults: no middle
name, iep, section_504 and special_education_for_testing N, english_learner_status EO; a test
event NOT_STARTED, ONLINE, no opening, no submission, 0 questions, no DEI entries. A blank cell
in a column the file has means that default.

A roster never overrides what an approved appeal did to a test (students/effects.py): an
invalidated test stays invalidated, and any other effect (Reset, Re-open, Restore, Grace Period
Extension, Rescore) stands until a row brings newer evidence, an opening or a submission after
the effect. Such rows are listed in the import's summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from students import dates
from students.models import (
    AssessmentPart,
    ChangeKind,
    Student,
    TestEvent,
    TestEventChange,
    TestStatus,
)
from students.roster_checks import (
    Checked,
    RowChecker,
    RowError,
    event_state,
    header_errors,
)
from students.roster_files import read_rows, text_cell
from students.timeline import day_label
from students.transitions import REPORTED_STATE_FIELDS

EVENT_FIELDS = ("grade", "delivery", *REPORTED_STATE_FIELDS)
# The timeline rows of an approved appeal's effect (students/effects.py): a state they set is
# not the roster's to undo.
APPEAL_EFFECTS = frozenset(
    {
        ChangeKind.RESET,
        ChangeKind.REOPENED,
        ChangeKind.RESTORED,
        ChangeKind.GRACE_PERIOD_EXTENDED,
        ChangeKind.RESCORE_OPENED,
        ChangeKind.INVALIDATED,
    }
)


@dataclass(frozen=True)
class KeptRow:
    """A row not applied because an approved appeal set the test's state."""

    row: int
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}"


@dataclass
class ImportResult:
    students_created: int = 0
    students_updated: int = 0
    events_created: int = 0
    events_updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    kept: list[KeptRow] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"Students: {self.students_created} created, {self.students_updated} updated. "
            f"Test events: {self.events_created} created, {self.events_updated} updated."
        )
        if self.kept:
            rows = "row" if len(self.kept) == 1 else "rows"
            text += f" {len(self.kept)} {rows} left a test as an approved appeal set it:"
            text += "".join(f"\n  {kept}" for kept in self.kept)
        return text


# --- importing -----------------------------------------------------------------------------------


@dataclass
class _Planned:
    """A row with a test event, what STAIRS has of that event, and the event after the row;
    ``kept`` says why the row is left out instead (an approved appeal set the test)."""

    checked: Checked
    stored: TestEvent | None
    effect: TestEventChange | None
    state: dict[str, Any] | None
    kept: str | None = None


def import_roster(
    path: Path,
    *,
    organization: Organization,
    school_year: int,
    actor: User | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Check every row, then write all of them in one transaction, or nothing.

    Steps: check the header; check each row's cells; in one transaction, lock the students and
    test events the file names, check the rows against them (scope, repeated rows, each event's
    state after the row), and, when no row is bad, write; a row whose test an approved appeal
    set is left out and listed.
    """
    now = now or timezone.now()
    result = ImportResult()
    header, rows = read_rows(path)
    result.errors = header_errors(header)
    if result.errors:
        return result
    checker = RowChecker(organization, school_year, now, set(header))
    checked: list[Checked] = []
    for number, values in rows:
        try:
            checked.append(checker.row(number, values))
        except ValueError as error:
            result.errors.append(RowError(number, f"{_ssid_of(values)}{error}"))
    with transaction.atomic():
        existing, planned = _check_against_database(
            checker, checked, result, school_year=school_year
        )
        if result.errors:
            result.errors.sort(key=lambda e: e.row)
            return result
        _write(
            checked,
            existing,
            planned,
            result,
            school_year=school_year,
            actor=actor,
            now=now,
            source=path.name,
        )
    return result


def _ssid_of(values: dict[str, Any]) -> str:
    ssid = text_cell(values.get("ssid"))
    return f"SSID {ssid}: " if re.fullmatch(r"\d{10}", ssid) else ""


def _check_against_database(
    checker: RowChecker, checked: list[Checked], result: ImportResult, *, school_year: int
) -> tuple[dict[str, Student], list[_Planned]]:
    """The students of the file that exist, locked, and each event row with its state after it;
    a row that cannot be applied is added to the result's errors."""
    codes = {c.school_cds for c in checked}
    schools = {
        o.cds_code: o for o in Organization.objects.filter(kind="SCHOOL", cds_code__in=codes)
    }
    # Locked until the import commits: an appeal's effect on one of these students' tests waits
    # for it, and one that committed before is seen by the checks below.
    existing = {
        s.ssid: s
        for s in Student.objects.select_for_update(of=("self",))
        .filter(ssid__in={c.student["ssid"] for c in checked})
        .select_related("school")
    }
    stored_events = {
        (e.student_id, e.part_id): e
        for e in TestEvent.objects.select_for_update(of=("self",))
        .filter(student__in=[s.pk for s in existing.values()], school_year=school_year)
        .select_related("part__assessment")
    }
    effects = _latest_effects(list(stored_events.values()))
    first_seen: dict[str, tuple[int, dict[str, Any]]] = {}
    event_rows: dict[tuple[str, int], int] = {}
    planned: list[_Planned] = []
    for c in checked:
        number, ssid = c.number, c.student["ssid"]
        errors_before = len(result.errors)
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
        student = existing.get(ssid)
        if student is not None and not checker.school_inside(student.school):
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
        if c.event is None:
            continue
        part = c.event["part"]
        key = (ssid, part.pk)
        if key in event_rows:
            result.errors.append(
                RowError(number, f"SSID {ssid}: {part.label} is also on row {event_rows[key]}")
            )
        event_rows.setdefault(key, number)
        if len(result.errors) > errors_before:
            continue
        stored = stored_events.get((student.pk, part.pk)) if student is not None else None
        effect = effects.get(stored.pk) if stored is not None else None
        try:
            planned.append(_Planned(c, stored, effect, event_state(c.event, stored)))
        except ValueError as error:
            # A row that clashes with what an appeal made of the test is not applied anyway:
            # say that, rather than refuse the whole file over it.
            kept = _kept_by_appeal(stored, effect, c.event) if stored is not None else None
            if kept is None:
                result.errors.append(RowError(number, f"SSID {ssid}: {error}"))
            else:
                planned.append(_Planned(c, stored, effect, None, kept))
    return existing, planned


def _write(
    checked: list[Checked],
    existing: dict[str, Student],
    planned: list[_Planned],
    result: ImportResult,
    *,
    school_year: int,
    actor: User | None,
    now: datetime,
    source: str,
) -> None:
    students = _write_students(checked, existing, result, now=now)
    new_events, changed_events, changes = [], [], []
    for p in planned:
        student = students[p.checked.student["ssid"]]
        event = p.stored
        if p.state is None:
            result.kept.append(KeptRow(p.checked.number, f"SSID {student.ssid}: {p.kept}"))
            continue
        values = _event_values(p.checked.event["part"], p.state, event, p.effect, now)
        if event is None:
            event = TestEvent(
                student=student, part=p.checked.event["part"], school_year=school_year, **values
            )
            new_events.append(event)
            changes.append((event, ""))
            continue
        if all(getattr(event, f) == values[f] for f in EVENT_FIELDS):
            continue
        why_kept = _kept_by_appeal(event, p.effect, p.checked.event)
        if why_kept:
            result.kept.append(KeptRow(p.checked.number, f"SSID {student.ssid}: {why_kept}"))
            continue
        before = event.status
        for f, v in values.items():
            setattr(event, f, v)
        if before == TestStatus.RESET:
            # The student started a new test after the Reset: nothing is left to restore.
            event.prior_state, event.reset_by_appeal = None, False
        if event.status != TestStatus.PAUSED:
            event.grace_period_extended_at = None
        event.updated_at = now
        changed_events.append(event)
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


def _write_students(
    checked: list[Checked], existing: dict[str, Student], result: ImportResult, *, now: datetime
) -> dict[str, Student]:
    """Create the new students, and update the existing ones in the columns the file has."""
    wanted = {c.student["ssid"]: c.student for c in checked}
    students = dict(existing)
    new_students, changed_students = [], []
    for ssid, values in wanted.items():
        student = students.get(ssid)
        if student is None:
            student = Student(**values)  # a column the file lacks: the model's default
            new_students.append(student)
            students[ssid] = student
            continue
        given = {f: v for f, v in values.items() if f != "ssid"}
        if any(getattr(student, f) != v for f, v in given.items()):
            for f, v in given.items():
                setattr(student, f, v)
            student.updated_at = now
            changed_students.append(student)
    Student.objects.bulk_create(new_students)
    if changed_students:
        fields = sorted({f for values in wanted.values() for f in values} - {"ssid"})
        Student.objects.bulk_update(changed_students, [*fields, "updated_at"])
    result.students_created, result.students_updated = len(new_students), len(changed_students)
    return students


def _latest_effects(events: list[TestEvent]) -> dict[int, TestEventChange]:
    """Each event's latest timeline row of an approved appeal's effect, if it has one."""
    latest: dict[int, TestEventChange] = {}
    for change in (
        TestEventChange.objects.filter(test_event__in=events, kind__in=APPEAL_EFFECTS)
        .only("test_event_id", "kind", "at")
        .order_by("at", "pk")
    ):
        latest[change.test_event_id] = change
    return latest


def _event_values(
    part: AssessmentPart,
    state: dict[str, Any],
    stored: TestEvent | None,
    effect: TestEventChange | None,
    now: datetime,
) -> dict[str, Any]:
    opened_at = state["opened_at"]
    if (
        stored is not None
        and effect is not None
        and opened_at == stored.opened_at
        and state["delivery"] == stored.delivery
    ):
        # The same opening of a test an appeal touched keeps its stored expiry: a Re-open's is
        # counted from the re-open (A-REOPEN-4), not from the opening, and a Restore put back
        # the one it had.
        expires_at = stored.expires_at
    elif opened_at is None:
        expires_at = None
    else:
        expires_at = TestEvent(part=part, delivery=state["delivery"]).expiry_for(opened_at)
    status = state["status"]
    if status in (TestStatus.IN_PROGRESS, TestStatus.PAUSED) and dates.is_expired(expires_at, now):
        status = TestStatus.EXPIRED  # T-1: its expiry passed before the roster was loaded
    return {**state, "status": status, "expires_at": expires_at}


def _kept_by_appeal(
    event: TestEvent, effect: TestEventChange | None, row: dict[str, Any]
) -> str | None:
    """Why the row must not change a test an approved appeal set, or None when it may.

    A roster is an export of the TDS at some moment; only a row showing the student opened or
    submitted the test after the effect is newer than it (A-RESTORE-1 needs the Reset kept,
    A-REOPEN-4 the re-opened test and its expiry).
    """
    what = f"{event.part.label} stays {TestStatus(event.status).label.lower()}"
    if event.status == TestStatus.INVALIDATED:
        return f"{what}: an approved Invalidate is final and a roster never changes it"
    if effect is None:
        return None
    evidence = [row.get("opened_at"), row.get("submitted_at")]
    if any(moment is not None and moment > effect.at for moment in evidence):
        return None
    return (
        f"{what}, as an approved appeal left it ({ChangeKind(effect.kind).label}, "
        f"{day_label(effect.at)}); the row shows no opening or submission after that"
    )
