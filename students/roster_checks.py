"""Checking a roster (students/roster.py) before anything is written: the header, each row's
cells on their own, and a test event's state once a row is laid over what STAIRS has.

Every check raises ``ValueError`` with a message for the row's report, which the import prefixes
with the row number and SSID. A message names columns and quotes a cell only when it cannot be
a name (``roster_files.shown``): reports carry SSIDs, never names (domain.md, F-3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.access import scope_of_organization
from accounts.models import Organization
from stairs.vocabulary import PartCode
from students import dates
from students.models import (
    STARTED_STATUSES,
    AssessmentPart,
    Delivery,
    EnglishLearnerStatus,
    TestEvent,
    TestStatus,
)
from students.roster_files import (
    UNNAMED,
    bool_cell,
    date_cell,
    grade_cell,
    moment_cell,
    shown,
    text_cell,
)

REQUIRED_COLUMNS = ("ssid", "last_name", "first_name", "birth_date", "grade", "school_cds")
STUDENT_COLUMNS = (
    "middle_name",
    "iep",
    "section_504",
    "special_education_for_testing",
    "english_learner_status",
)
EVENT_COLUMNS = (
    "test",
    "part",
    "delivery",
    "status",
    "opened_at",
    "submitted_at",
    "questions_completed",
    "dei_entries",
)
OPTIONAL_COLUMNS = STUDENT_COLUMNS + EVENT_COLUMNS
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# Reset and Invalidated come only from approved appeals (students/effects.py), never a roster.
ROSTER_STATUSES = (
    TestStatus.NOT_STARTED,
    TestStatus.IN_PROGRESS,
    TestStatus.PAUSED,
    TestStatus.SUBMITTED,
    TestStatus.EXPIRED,
)
# Student fields by the column that sets them; the school comes from school_cds.
STUDENT_FIELD_OF = {
    "first_name": "first_name",
    "middle_name": "middle_name",
    "last_name": "last_name",
    "birth_date": "birth_date",
    "grade": "grade",
    "iep": "has_iep",
    "section_504": "has_section_504",
    "special_education_for_testing": "special_education_for_testing",
    "english_learner_status": "english_learner_status",
}
# The most questions_completed a roster may give, by part code ("" is a whole test). Well above
# the length of any form, so they refuse only a typo or a shifted column, and keep the value
# inside PostgreSQL's integer instead of failing the whole import with a DataError.
MAX_QUESTIONS = {
    PartCode.NON_PT: 120,
    PartCode.PT: 30,
    PartCode.LISTENING: 120,
    PartCode.SPEAKING: 120,
    PartCode.READING: 120,
    PartCode.WRITING: 120,
    "": 200,
}


class RowError(ValueError):
    def __init__(self, row: int, message: str) -> None:
        super().__init__(f"Row {row}: {message}")
        self.row = row
        self.message = message


def header_errors(header: list[str]) -> list[RowError]:
    """Row 1 names known columns, each once, the required ones included."""
    named = [h for h in header if h]
    if not any(h in COLUMNS for h in named):
        # Probably a data row (no header at all): its cells may be names, so none is quoted.
        return [RowError(1, f"the first row must be the header, naming the columns: {_listed()}")]
    errors = []
    unknown = [h for h in named if h not in COLUMNS]
    if unknown:
        errors.append(
            RowError(
                1,
                f"unknown column{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(f'“{h[:40]}”' for h in unknown)}; the columns are: {_listed()}",
            )
        )
    repeated = sorted({h for h in named if named.count(h) > 1 and h in COLUMNS})
    if repeated:
        errors.append(RowError(1, f"column(s) given more than once: {', '.join(repeated)}"))
    missing = [c for c in REQUIRED_COLUMNS if c not in named]
    if missing:
        errors.append(RowError(1, f"missing column(s): {', '.join(missing)}"))
    return errors


def _listed() -> str:
    return f"{', '.join(REQUIRED_COLUMNS)} (required), {', '.join(OPTIONAL_COLUMNS)}"


@dataclass
class Checked:
    number: int
    student: dict[str, Any]  # the fields of the columns the file has
    school_cds: str
    event: dict[str, Any] | None  # part, grade and the state columns the file has


class RowChecker:
    def __init__(
        self, organization: Organization, school_year: int, now: datetime, columns: set[str]
    ) -> None:
        self.organization = organization
        self.scope = scope_of_organization(organization)  # rows must stay inside it
        self.school_year = school_year
        self.now = now
        self.columns = columns
        self.parts = {
            (p.assessment.code, p.code): p
            for p in AssessmentPart.objects.select_related("assessment")
        }
        self.whole_tests = {code for code, part in self.parts if part == ""}

    def row(self, number: int, values: dict[str, Any]) -> Checked:
        if text_cell(values.get(UNNAMED)):
            raise ValueError("a cell is filled in a column without a header; name it or empty it")
        ssid = text_cell(values.get("ssid"))
        if not re.fullmatch(r"\d{10}", ssid):
            raise ValueError(f"SSID must be exactly 10 digits{shown(ssid)}")
        student: dict[str, Any] = {"ssid": ssid}
        for column, limit in (("first_name", 60), ("middle_name", 60), ("last_name", 60)):
            if column in self.columns:
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
        for column in ("iep", "section_504", "special_education_for_testing"):
            if column in self.columns:
                student[STUDENT_FIELD_OF[column]] = bool_cell(values.get(column), column)
        if "english_learner_status" in self.columns:
            elas = text_cell(values.get("english_learner_status")).upper() or "EO"
            if elas not in EnglishLearnerStatus.values:
                raise ValueError(
                    "english_learner_status must be one of "
                    f"{', '.join(EnglishLearnerStatus.values)}"
                )
            student["english_learner_status"] = elas
        school_cds = text_cell(values.get("school_cds"))
        if not re.fullmatch(r"\d{14}", school_cds):
            raise ValueError(f"school_cds must be a 14-digit CDS code{shown(school_cds)}")
        return Checked(number, student, school_cds, self.event(values, student["grade"]))

    def event(self, values: dict[str, Any], grade: int) -> dict[str, Any] | None:
        test = text_cell(values.get("test")).upper()
        if not test:
            if any(text_cell(values.get(c)) for c in EVENT_COLUMNS[1:]):
                raise ValueError("test is empty but other test event columns are filled")
            return None
        part_code = text_cell(values.get("part")).upper()
        part = self.parts.get((test, part_code))
        if part is None:
            tests = sorted({code for code, _ in self.parts})
            if test not in tests:
                # Not quoted: a shifted column could put a name here.
                raise ValueError(f"test must be one of the catalog's: {', '.join(tests)}")
            if test in self.whole_tests:
                raise ValueError(f"{test} is taken as a whole: leave part empty")
            parts = sorted(p for code, p in self.parts if code == test)
            raise ValueError(f"part of {test} must be one of {', '.join(parts)}")
        assessment = part.assessment
        if not assessment.serves_grade(grade):
            raise ValueError(f"{test} is not given in grade {dates.grade_label(grade)}")
        event: dict[str, Any] = {"part": part, "grade": grade}
        if "delivery" in self.columns:
            delivery = text_cell(values.get("delivery")).upper() or Delivery.ONLINE
            if delivery not in Delivery.values:
                raise ValueError("delivery must be ONLINE or PAPER")
            if not assessment.offers(delivery):
                raise ValueError(f"{test} is not offered {delivery.lower()}")
            event["delivery"] = delivery
        if "status" in self.columns:
            status = text_cell(values.get("status")).upper() or TestStatus.NOT_STARTED
            if status not in ROSTER_STATUSES:
                if status in TestStatus.values:
                    raise ValueError(f"status {status} is set only by an approved appeal in STAIRS")
                raise ValueError(f"status must be one of {', '.join(ROSTER_STATUSES)}")
            event["status"] = status
        for column in ("opened_at", "submitted_at"):
            if column in self.columns:
                event[column] = self.moment(values.get(column), column)
        if "questions_completed" in self.columns:
            event["questions_completed"] = self.questions(values.get("questions_completed"), part)
        if "dei_entries" in self.columns:
            event["dei_entries"] = bool_cell(values.get("dei_entries"), "dei_entries")
        return event

    def moment(self, value: Any, column: str) -> datetime | None:
        moment = moment_cell(value, column)
        if moment is None:
            return None
        if moment > self.now:
            raise ValueError(f"{column} is in the future")
        # A test opened late in June may be submitted in July, in the next school year.
        year = dates.school_year_for(dates.local_date(moment))
        if column == "opened_at" and year != self.school_year:
            raise ValueError(
                f"{column} is outside the {dates.school_year_label(self.school_year)} "
                "administration"
            )
        return moment

    def questions(self, value: Any, part: AssessmentPart) -> int:
        text = text_cell(value) or "0"
        if not text.isdigit():
            raise ValueError("questions_completed must be a whole number of 0 or more")
        most = MAX_QUESTIONS.get(part.code, MAX_QUESTIONS[""])
        if int(text) > most:
            raise ValueError(
                f"questions_completed must be 0 to {most} for {part.label}{shown(text)}"
            )
        return int(text)

    def school_inside(self, school: Organization) -> bool:
        return self.scope.covers_school(school)


def event_state(row: dict[str, Any], stored: TestEvent | None) -> dict[str, Any]:
    """The event after this row: the row's state columns over the stored event, or over a new
    event's defaults: a column the file lacks changes nothing. What belongs to a started
    test (opening, answers) or a submitted one is kept from STAIRS only while the status still
    has it, and the answers and submission only for the same opening."""

    def stored_or(name: str, default: Any) -> Any:
        return default if stored is None else getattr(stored, name)

    status = row.get("status", stored_or("status", TestStatus.NOT_STARTED))
    started = status in STARTED_STATUSES
    # A submission and answers belong to one opening: a row with another opening brings its own.
    same_opening = "opened_at" not in row or row["opened_at"] == stored_or("opened_at", None)

    def kept(name: str, default: Any, keep: bool) -> Any:
        if name in row:
            return row[name]
        return stored_or(name, default) if keep else default

    state = {
        "grade": row["grade"],
        "delivery": row.get("delivery", stored_or("delivery", Delivery.ONLINE)),
        "status": status,
        "opened_at": kept("opened_at", None, started),
        "submitted_at": kept("submitted_at", None, status == TestStatus.SUBMITTED and same_opening),
        "questions_completed": kept("questions_completed", 0, started and same_opening),
        "dei_entries": kept("dei_entries", False, started and same_opening),
    }
    # The status a message talks about may be STAIRS's, when the file has no status column.
    whose = "" if "status" in row else " (its status in STAIRS; the file has no status column)"
    opened_at, submitted_at = state["opened_at"], state["submitted_at"]
    if not started:
        if opened_at or submitted_at or state["questions_completed"] or state["dei_entries"]:
            raise ValueError(
                f"a test that is {TestStatus(status).label.lower()}{whose} has no opened_at, "
                "submitted_at, questions or DEI entries"
            )
    elif opened_at is None:
        lacking = "" if "opened_at" in row else " (the file has no opened_at column)"
        raise ValueError(f"opened_at is needed for a test that is {status}{whose}{lacking}")
    if submitted_at is not None and status != TestStatus.SUBMITTED:
        raise ValueError(f"submitted_at is only for a SUBMITTED test{whose}")
    if submitted_at is not None and opened_at is not None and submitted_at < opened_at:
        raise ValueError("submitted_at is before opened_at")
    return state
