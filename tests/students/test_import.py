"""python manage.py import_roster: every row checked, all or nothing, bad rows by number."""

from __future__ import annotations

from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from students import dates, effects
from students.models import Student, TestEvent, TestStatus
from students.roster import import_roster
from tests.students.factories import StudentFactory, catalog_part, make_event
from tests.students.rosters import HEADER, moment_ago, row, run_import, write_csv

# Openings are counted back from now and must stay inside the school year imported.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_school_year")]


def test_a_good_csv_creates_students_and_events_with_their_expiry(tmp_path, tree):
    opened = moment_ago(2)
    rows = [
        row(),
        row(test="SB_MATH", part="NON_PT", status="IN_PROGRESS", opened_at=opened,
             questions_completed="12"),
        row(test="SB_MATH", part="PT"),
        row(ssid="1000000002", first_name="Li", last_name="Chen", grade="K",
             english_learner_status="EL", test="SUMMATIVE_ELPAC", part="SPEAKING",
             status="SUBMITTED", opened_at=opened, questions_completed="10", dei_entries="Y"),
    ]  # fmt: skip
    out, err = run_import(write_csv(tmp_path, rows))
    assert "Students: 2 created, 0 updated. Test events: 3 created, 0 updated." in out
    assert err == ""
    rosa = Student.objects.get(ssid="1000000001")
    assert (rosa.school, rosa.grade) == (tree.school_a1, 5)
    math = TestEvent.objects.get(student=rosa, part=catalog_part("SB_MATH", "NON_PT"))
    assert math.status == TestStatus.IN_PROGRESS and math.questions_completed == 12
    # rule T-1: computed from the catalog and stored, 45 days for a non-PT.
    assert math.expires_at == dates.expires_at(math.opened_at, 45)
    assert math.opened_at.tzinfo is not None
    assert math.changes.get().kind == "IMPORTED"
    li = Student.objects.get(ssid="1000000002")
    assert li.grade == 0 and li.english_learner_status == "EL"
    assert TestEvent.objects.get(student=li).dei_entries


def test_an_xlsx_roster_with_typed_cells(tmp_path, tree):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    opened = timezone.localtime().replace(tzinfo=None, second=0, microsecond=0)
    opened -= timezone.timedelta(days=1)
    cells = row(birth_date=datetime(2016, 1, 2), grade=4, test="CAST", status="PAUSED",
               opened_at=opened, questions_completed=9)  # fmt: skip
    cells[0] = 1000000003  # a numeric SSID cell
    cells[4] = 5  # a numeric grade cell
    sheet.append(cells)
    path = tmp_path / "roster.xlsx"
    book.save(path)
    out, _ = run_import(path)
    assert "Test events: 1 created" in out
    event = TestEvent.objects.get(student__ssid="1000000003")
    assert event.part.assessment.code == "CAST" and event.status == TestStatus.PAUSED
    assert event.opened_at == opened.replace(tzinfo=dates.PACIFIC)


def test_bad_rows_are_all_reported_by_row_number_and_nothing_is_imported(tmp_path, tree):
    opened = moment_ago(2)
    rows = [
        row(),  # row 2 is fine
        row(ssid="12345"),  # 3
        row(ssid="1000000004", grade="13"),  # 4
        row(ssid="1000000005", school_cds=tree.school_b1.cds_code),  # 5: another LEA's school
        row(ssid="1000000006", test="SB_ELA", part="LISTENING"),  # 6
        row(ssid="1000000007", test="SB_ELA", part="NON_PT", status="RESET"),  # 7
        row(ssid="1000000008", test="SB_ELA", part="NON_PT", status="SUBMITTED"),  # 8
        row(ssid="1000000009", grade="2", test="SB_ELA", part="NON_PT"),  # 9
        row(ssid="1000000010", birth_date="30/04/2015"),  # 10
        row(first_name="Rosalind"),  # 11: SSID of row 2 with other details
        row(ssid="1000000011", test="CAA_MATH", delivery="PAPER"),  # 12
        row(ssid="1000000012", test="SB_ELA", part="NON_PT", status="IN_PROGRESS",
             opened_at="2024-03-01 09:00"),  # 13: another administration
        row(ssid="1000000013", iep="maybe"),  # 14
        row(ssid="1000000014", test="SB_ELA", part="PT", status="SUBMITTED", opened_at=opened),
        row(ssid="1000000014", test="SB_ELA", part="PT"),  # 16: the same part twice
    ]  # fmt: skip
    path = write_csv(tmp_path, rows)
    with pytest.raises(CommandError, match="13 problem"):
        run_import(path)
    assert not Student.objects.exists() and not TestEvent.objects.exists()
    result = _errors(path, tree)
    assert [e.row for e in result] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16]
    messages = {e.row: e.message for e in result}
    assert "SSID must be exactly 10 digits" in messages[3]
    assert "grade must be K or 1-12" in messages[4]
    assert "is not a school of Alder Unified" in messages[5]
    assert "part of SB_ELA must be one of NON_PT, PT" in messages[6]
    assert "set only by an approved appeal" in messages[7]
    assert "opened_at is needed" in messages[8]
    assert "SB_ELA is not given in grade 2" in messages[9]
    assert "birth_date must be a date" in messages[10]
    assert "is on row 2 with different student details" in messages[11]
    assert "CAA_MATH is not offered paper" in messages[12]
    assert "outside the 2026" in messages[13]
    assert "iep must be Y or N" in messages[14]
    assert "also on row 15" in messages[16]
    # rows are identified by number and SSID, never by name
    assert not any("Rosa" in e.message or "Vega" in e.message for e in result)


def _errors(path, tree):
    return import_roster(path, organization=tree.lea_a, school_year=2026).errors


def test_the_report_goes_to_stderr(tmp_path, tree):
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import_roster", str(write_csv(tmp_path, [row(grade="Z")])),
            "--organization", tree.lea_a.cds_code, stdout=StringIO(), stderr=err,
        )  # fmt: skip
    assert "Row 2: SSID 1000000001: grade must be K or 1-12" in err.getvalue()


def test_a_missing_column_is_reported_on_row_one(tmp_path, tree):
    path = write_csv(tmp_path, [row()[:5]], header=HEADER[:5])
    errors = import_roster(path, organization=tree.lea_a, school_year=2026).errors
    assert [str(e) for e in errors] == ["Row 1: missing column(s): school_cds"]


def test_a_school_import_takes_only_its_own_school(tmp_path, tree):
    path = write_csv(tmp_path, [row(), row(ssid="1000000002", school_cds=tree.school_a2.cds_code)])
    with pytest.raises(CommandError):
        run_import(path, organization=tree.school_a1.cds_code)
    run_import(write_csv(tmp_path, [row()]), organization=tree.school_a1.cds_code)
    assert Student.objects.count() == 1


def test_a_student_of_another_lea_is_not_taken_over(tmp_path, tree):
    StudentFactory(ssid="1000000001", school=tree.school_b1)
    with pytest.raises(CommandError):
        run_import(write_csv(tmp_path, [row()]))
    assert Student.objects.get(ssid="1000000001").school == tree.school_b1


def test_importing_again_updates_in_place(tmp_path, tree):
    opened = moment_ago(3)
    first = [row(test="SB_ELA", part="PT", status="IN_PROGRESS", opened_at=opened,
                  questions_completed="1")]  # fmt: skip
    run_import(write_csv(tmp_path, first))
    again = [row(grade="6", test="SB_ELA", part="PT", status="SUBMITTED", opened_at=opened,
                  questions_completed="6")]  # fmt: skip
    out, _ = run_import(write_csv(tmp_path, again))
    assert "Students: 0 created, 1 updated. Test events: 0 created, 1 updated." in out
    event = TestEvent.objects.get()
    assert (event.status, event.questions_completed, event.grade) == ("SUBMITTED", 6, 6)
    assert list(event.changes.order_by("pk").values_list("from_status", "to_status")) == [
        ("", "IN_PROGRESS"),
        ("IN_PROGRESS", "SUBMITTED"),
    ]
    out, _ = run_import(write_csv(tmp_path, again))
    assert "0 created, 0 updated. Test events: 0 created, 0 updated." in out


def test_a_roster_never_undoes_an_invalidation_or_a_restorable_reset(tmp_path, tree):
    student = StudentFactory(ssid="1000000001", school=tree.school_a1, first_name="Rosa",
                             last_name="Vega", birth_date=datetime(2015, 4, 30).date())  # fmt: skip
    invalid = make_event(student, test="SB_ELA", part="NON_PT", status=TestStatus.SUBMITTED)
    effects.event_invalidate(event=invalid, actor=None, reason="Cheating")
    reset = make_event(student, test="SB_ELA", part="PT", status=TestStatus.SUBMITTED)
    effects.event_reset(event=reset, actor=None, reason="Wrong SSID")
    opened = moment_ago(2)
    rows = [
        row(test="SB_ELA", part="NON_PT", status="SUBMITTED", opened_at=opened,
             questions_completed="40"),
        row(test="SB_ELA", part="PT", status="NOT_STARTED"),
    ]  # fmt: skip
    out, _ = run_import(write_csv(tmp_path, rows))
    invalid.refresh_from_db()
    reset.refresh_from_db()
    assert invalid.status == TestStatus.INVALIDATED
    assert reset.status == TestStatus.RESET and reset.reset_by_appeal
    # rule A-RESTORE-1: the operator sees which rows were left out, by row and SSID.
    assert "2 rows left a test as an approved appeal set it:" in out
    assert (
        "Row 2: SSID 1000000001: Smarter Balanced ELA non-PT (CAT) stays invalidated: an "
        "approved Invalidate is final" in out
    )
    assert "Row 3: SSID 1000000001: Smarter Balanced ELA Performance task (PT) stays reset" in out
    assert "Rosa" not in out and "Vega" not in out


def test_an_open_test_past_its_expiry_is_imported_as_expired(tmp_path, tree):
    # rule T-1
    cells = row(test="SB_ELA", part="PT", status="IN_PROGRESS", opened_at=moment_ago(20))
    run_import(write_csv(tmp_path, [cells]), year=dates.school_year_for(timezone.localdate()))
    assert TestEvent.objects.get().status == TestStatus.EXPIRED


def test_an_unreadable_file_is_refused_plainly(tmp_path, tree):
    path = tmp_path / "roster.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(CommandError, match=r"not a readable \.xlsx workbook"):
        run_import(path)
    text = tmp_path / "roster.txt"
    text.write_text("ssid")
    with pytest.raises(CommandError, match=r"must be a \.csv or \.xlsx"):
        run_import(text)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("ssid,last_name\n1000000001,Pe\xf1a\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run_import(latin)
    with pytest.raises(CommandError, match="No LEA or school"):
        run_import(write_csv(tmp_path, [row()]), organization="00000000000000")
