"""A roster updates only the columns it has, refuses headers it does not know, checks the range
of numbers before the database does, and never quotes a cell that could be a name."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError

from students.models import Student, TestEvent, TestStatus
from students.roster import import_roster
from tests.students.factories import StudentFactory, make_event
from tests.students.rosters import HEADER, moment_ago, row, run_import, write_csv

# Openings are counted back from now and must stay inside the school year imported.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_school_year")]

REQUIRED = ["ssid", "last_name", "first_name", "birth_date", "grade", "school_cds"]
NAMES = ("Rosa", "ROSA", "Vega", "VEGA")


def _errors(tmp_path, rows, header, tree) -> list[str]:
    path = write_csv(tmp_path, rows, header)
    return [str(e) for e in import_roster(path, organization=tree.lea_a, school_year=2026).errors]


@pytest.fixture
def rosa(tree) -> Student:
    """A student STAIRS already has, with every optional detail set."""
    return StudentFactory(
        ssid="1000000001", first_name="Rosa", middle_name="Luz", last_name="Vega",
        birth_date=date(2015, 4, 30), grade=5, school=tree.school_a1, has_iep=True,
        has_section_504=True, special_education_for_testing=True, english_learner_status="EL",
    )  # fmt: skip


# --- only the columns the file has --------------------------------------------------------------


def test_a_roster_without_the_optional_student_columns_keeps_what_stairs_has(tmp_path, rosa):
    rows = [row(REQUIRED), row(REQUIRED, ssid="1000000002", first_name="Li", last_name="Chen")]

    out, _ = run_import(write_csv(tmp_path, rows, REQUIRED))

    assert "Students: 1 created, 0 updated." in out
    rosa.refresh_from_db()
    assert (rosa.middle_name, rosa.has_iep, rosa.has_section_504) == ("Luz", True, True)
    assert rosa.special_education_for_testing and rosa.english_learner_status == "EL"
    # A new student gets the documented defaults.
    li = Student.objects.get(ssid="1000000002")
    assert (li.middle_name, li.has_iep, li.has_section_504) == ("", False, False)
    assert not li.special_education_for_testing and li.english_learner_status == "EO"


def test_a_column_the_file_has_is_updated(tmp_path, rosa):
    header = [*REQUIRED, "iep"]
    out, _ = run_import(write_csv(tmp_path, [row(header, iep="N")], header))
    assert "Students: 0 created, 1 updated." in out
    rosa.refresh_from_db()
    assert not rosa.has_iep and rosa.has_section_504 and rosa.english_learner_status == "EL"


def test_headers_are_read_in_any_case_with_spaces_for_underscores(tmp_path, rosa):
    header = ["SSID", "Last Name", "First name", "birth-date", "Grade", "School CDS",
              "English learner status"]  # fmt: skip
    cells = row(["ssid", "last_name", "first_name", "birth_date", "grade", "school_cds"])
    run_import(write_csv(tmp_path, [[*cells, "RFEP"]], header))
    rosa.refresh_from_db()
    assert rosa.english_learner_status == "RFEP" and rosa.has_iep


def test_a_roster_with_tests_but_no_status_column_keeps_the_events_state(tmp_path, rosa):
    started = make_event(rosa, test="SB_MATH", part="NON_PT", status=TestStatus.IN_PROGRESS,
                         questions_completed=12)  # fmt: skip
    header = [*REQUIRED, "test", "part"]
    rows = [
        row(header, test="SB_MATH", part="NON_PT"),
        row(header, test="SB_MATH", part="PT"),  # a new assignment
    ]

    out, _ = run_import(write_csv(tmp_path, rows, header))

    assert "Test events: 1 created, 0 updated." in out
    kept = TestEvent.objects.get(pk=started.pk)
    assert (kept.status, kept.questions_completed) == (TestStatus.IN_PROGRESS, 12)
    assert (kept.opened_at, kept.expires_at) == (started.opened_at, started.expires_at)
    new = TestEvent.objects.get(part__code="PT")
    assert (new.status, new.opened_at) == (TestStatus.NOT_STARTED, None)


def test_a_roster_without_opened_at_keeps_the_stored_opening(tmp_path, rosa):
    started = make_event(rosa, test="SB_MATH", part="NON_PT", status=TestStatus.IN_PROGRESS)
    header = [*REQUIRED, "test", "part", "status", "questions_completed"]
    cells = row(header, test="SB_MATH", part="NON_PT", status="SUBMITTED", questions_completed=30)

    run_import(write_csv(tmp_path, [cells], header))

    event = TestEvent.objects.get(pk=started.pk)
    assert (event.status, event.questions_completed) == (TestStatus.SUBMITTED, 30)
    assert (event.opened_at, event.expires_at) == (started.opened_at, started.expires_at)


def test_a_new_started_test_without_an_opened_at_column_is_refused(tmp_path, tree):
    header = [*REQUIRED, "test", "part", "status"]
    cells = row(header, test="SB_MATH", part="NON_PT", status="IN_PROGRESS")
    assert _errors(tmp_path, [cells], header, tree) == [
        "Row 2: SSID 1000000001: opened_at is needed for a test that is IN_PROGRESS "
        "(the file has no opened_at column)"
    ]


# --- the header ---------------------------------------------------------------------------------


def test_a_misspelt_header_is_refused_on_row_one_naming_it(tmp_path, rosa):
    header = [*REQUIRED, "ieep"]
    path = write_csv(tmp_path, [row(header, ieep="N")], header)
    with pytest.raises(CommandError, match="1 problem"):
        run_import(path)
    errors = [str(e) for e in import_roster(path, organization=rosa.school.parent,
                                            school_year=2026).errors]  # fmt: skip
    assert len(errors) == 1
    assert errors[0].startswith("Row 1: unknown column “ieep”; the columns are: ssid, ")
    assert "iep, section_504" in errors[0] and "dei_entries" in errors[0]
    rosa.refresh_from_db()
    assert rosa.has_iep


def test_a_repeated_column_is_refused(tmp_path, tree):
    header = [*REQUIRED, "iep", "iep"]
    assert _errors(tmp_path, [row(header)], header, tree) == [
        "Row 1: column(s) given more than once: iep"
    ]


def test_a_file_without_a_header_row_is_refused_without_quoting_a_cell(tmp_path, tree):
    header = row(REQUIRED)  # a student's row where the header should be
    errors = _errors(tmp_path, [row(REQUIRED, ssid="1000000002")], header, tree)
    assert len(errors) == 1
    assert errors[0].startswith("Row 1: the first row must be the header, naming the columns")
    assert not any(name in errors[0] for name in NAMES)


def test_a_filled_cell_without_a_header_is_refused(tmp_path, tree):
    header = [*REQUIRED, ""]
    rows = [row(REQUIRED), [*row(REQUIRED, ssid="1000000002"), "Y"], [*row(REQUIRED), "", "x"]]
    errors = _errors(tmp_path, rows, header, tree)
    assert errors == [
        "Row 3: SSID 1000000002: a cell is filled in a column without a header; name it or "
        "empty it",
        "Row 4: SSID 1000000001: a cell is filled in a column without a header; name it or "
        "empty it",
    ]


# --- ranges, and messages without names --------------------------------------------------------


def test_a_huge_questions_completed_is_a_row_error_not_a_database_error(tmp_path, tree):
    cells = row(test="SB_ELA", part="PT", status="IN_PROGRESS", opened_at=moment_ago(2),
                questions_completed="3000000000")  # fmt: skip
    with pytest.raises(CommandError, match="1 problem"):
        run_import(write_csv(tmp_path, [cells]))
    assert _errors(tmp_path, [cells], HEADER, tree) == [
        "Row 2: SSID 1000000001: questions_completed must be 0 to 30 for Smarter Balanced ELA "
        "Performance task (PT), not “3000000000”"
    ]
    assert not Student.objects.exists()


@pytest.mark.parametrize(
    ("test", "part", "most"),
    [("SB_ELA", "PT", 30), ("SB_MATH", "NON_PT", 120), ("SUMMATIVE_ELPAC", "READING", 120),
     ("CAST", "", 200)],
)  # fmt: skip
def test_questions_completed_has_a_ceiling_per_part(tmp_path, tree, test, part, most):
    def cells(n: int) -> list:
        return row(test=test, part=part, status="SUBMITTED", opened_at=moment_ago(2),
                   questions_completed=str(n))  # fmt: skip

    assert _errors(tmp_path, [cells(most)], HEADER, tree) == []
    assert "must be 0 to" in _errors(tmp_path, [cells(most + 1)], HEADER, tree)[0]


def test_messages_never_quote_a_cell_that_could_be_a_name(tmp_path, tree):
    header = [*HEADER, "submitted_at"]
    rows = [
        row(header, ssid="Vega"),  # 2
        row(header, ssid="1000000002", grade="Rosa"),  # 3
        row(header, ssid="1000000003", birth_date="Rosa"),  # 4
        row(header, ssid="1000000004", iep="Rosa"),  # 5
        row(header, ssid="1000000005", school_cds="Rosa Vega"),  # 6
        row(header, ssid="1000000006", test="ROSA"),  # 7
        row(header, ssid="1000000007", test="SB_ELA", part="PT", status="IN_PROGRESS",
            opened_at="Rosa"),  # 8
        row(header, ssid="1000000008", test="SB_ELA", part="PT", status="SUBMITTED",
            opened_at=moment_ago(2), submitted_at="Vega"),  # 9
        row(header, ssid="1000000009", test="SB_ELA", part="PT", status="IN_PROGRESS",
            opened_at=moment_ago(2), questions_completed="Rosa"),  # 10
    ]  # fmt: skip
    errors = _errors(tmp_path, rows, header, tree)
    assert len(errors) == 9
    assert errors[0] == "Row 2: SSID must be exactly 10 digits"
    assert not [e for e in errors if any(name in e for name in NAMES)]
    # A cell of digits and date punctuation cannot be a name, and is quoted to help.
    assert _errors(tmp_path, [row(grade="13"), row(ssid="12345")], HEADER, tree) == [
        "Row 2: SSID 1000000001: grade must be K or 1-12, not “13”",
        "Row 3: SSID must be exactly 10 digits, not “12345”",
    ]
