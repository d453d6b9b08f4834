"""The STAIRS log (D-4): Search STAIRS's filtered result as CSV and XLSX, one row per case
student, SSIDs never names, safe against spreadsheet formula injection, scoped (part 9)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from incidents.queries import LOG_COLUMNS
from tests.factories import SchoolFactory
from tests.incidents.conftest import draft
from tests.incidents.test_case_page import students_of, submitted

pytestmark = pytest.mark.django_db

CSV = reverse("incidents:log", args=["csv"])
XLSX = reverse("incidents:log", args=["xlsx"])


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def cases(tree, colleague, outsider, windows, submitted_students):
    return {
        "a1": submitted(colleague, tree.school_a1, submitted_students),
        "a1_draft": draft(colleague, tree.school_a1, incident_code="STUDENT_DISRUPTION"),
        "b1": submitted(outsider, tree.school_b1, students_of(tree.school_b1, 1)),
    }


def test_the_csv_has_one_row_per_case_student_and_one_per_case_without(
    client, lea_coordinator, cases, submitted_students
):
    # rule D-4: LEAs keep a downloadable log of their STAIRS cases
    client.force_login(lea_coordinator)
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="stairs-log-2027-03-10.csv"'
    header, *rows = _csv(response)
    assert header == list(LOG_COLUMNS)
    by_ssid = {row[12]: row for row in rows}
    assert set(by_ssid) == {s.ssid for s in submitted_students} | {""}
    row = dict(zip(header, by_ssid[submitted_students[0].ssid], strict=True))
    assert row == {
        "Case number": cases["a1"].number,
        "Status": "Pending CalTAC approval",
        "School": "Alder Elementary",
        "School CDS code": "19111116000001",
        "LEA": "Alder Unified",
        "Test": "Smarter Balanced Mathematics",
        "Part or domain": "non-PT (CAT)",
        "Incident type": "Student submitted the test before finishing",
        "Severity": "Impropriety",
        "Incident date": "2027-03-09",
        "Submitted at (Pacific)": "2027-03-10 10:00",
        "Late": "Yes",  # 24.5 hours after the incident (S-5)
        "SSID": submitted_students[0].ssid,
        "Test event status": "Submitted",
        "Appeal": "Re-open",
        "Reviewer": "CalTAC",
        "Appeal status": "Pending",
        "Reason": row["Reason"],
    }
    assert row["Reason"]
    draft_row = dict(zip(header, by_ssid[""], strict=True))
    assert draft_row["Case number"] == f"Draft {cases['a1_draft'].pk}"
    assert draft_row["Status"] == "Draft"
    assert draft_row["Appeal"] == "" and draft_row["Submitted at (Pacific)"] == ""


def test_the_xlsx_holds_the_same_rows(client, lea_coordinator, cases):
    client.force_login(lea_coordinator)
    csv_rows = _csv(client.get(CSV))
    response = client.get(XLSX)
    assert response.status_code == 200
    assert 'filename="stairs-log-2027-03-10.xlsx"' in response["Content-Disposition"]
    xlsx_rows = [[value or "" for value in row] for row in _xlsx(response)]
    assert xlsx_rows == csv_rows


def test_names_never_appear_in_the_log(client, lea_coordinator, cases, submitted_students):
    client.force_login(lea_coordinator)
    text = b"".join(client.get(CSV).streaming_content).decode()
    xlsx = str(_xlsx(client.get(XLSX)))
    for student in submitted_students:
        assert student.ssid in text and student.ssid in xlsx
        for name in (student.first_name, student.last_name):
            assert name not in text and name not in xlsx


def test_an_outsider_gets_none_of_another_leas_rows(client, outsider, cases):
    # rule U-4: the log starts from the same scoped queryset as the search
    client.force_login(outsider)
    _, *rows = _csv(client.get(CSV))
    assert {row[0] for row in rows} == {cases["b1"].number}
    assert all(row[3].startswith("1922222") for row in rows)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(CSV)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_search_filters_apply(client, lea_coordinator, cde_reviewer, cases):
    client.force_login(lea_coordinator)
    _, *rows = _csv(client.get(CSV, {"status": "DRAFT"}))
    assert [row[0] for row in rows] == [f"Draft {cases['a1_draft'].pk}"]
    ssid = cases["a1"].students.order_by("pk").first().student.ssid
    _, *rows = _csv(client.get(CSV, {"ssid": ssid}))
    # A case found by one of its SSIDs is logged whole.
    assert {row[0] for row in rows} == {cases["a1"].number} and len(rows) == 3
    client.force_login(cde_reviewer)
    _, *rows = _csv(client.get(XLSX.replace("xlsx", "csv"), {"school_text": "Birch"}))
    assert {row[0] for row in rows} == {cases["b1"].number}


def test_bad_filters_send_the_user_back_to_the_search_with_the_message(client, lea_coordinator):
    client.force_login(lea_coordinator)
    response = client.get(CSV, {"date_from": "2027-13-45"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("incidents:search") + "?date_from=2027-13-45"
    assert "Enter a valid date." in response.content.decode()


def test_an_unknown_format_is_a_404(client, lea_coordinator):
    client.force_login(lea_coordinator)
    assert client.get(reverse("incidents:log", args=["pdf"])).status_code == 404


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tx"])
def test_cells_that_look_like_formulas_stay_text(
    client, tree, lea_coordinator, windows, filing_day, name
):
    school = SchoolFactory(parent=tree.lea_a, name=name)
    draft(lea_coordinator, school)
    client.force_login(lea_coordinator)
    _, row = _csv(client.get(CSV))
    assert row[2] == "'" + name  # a spreadsheet shows it as text, never runs it
    response = client.get(XLSX)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cell = workbook.active.cell(row=2, column=3)
    assert (cell.value, cell.data_type) == (name, "s")


def test_the_log_reads_the_rows_in_a_fixed_number_of_queries(
    client, tree, colleague, windows, filing_day
):
    client.force_login(colleague)

    def queries_with(count: int) -> int:
        for _ in range(count):
            submitted(colleague, tree.school_a1, students_of(tree.school_a1, 2))
        client.get(CSV)
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(CSV).streaming_content)
        return len(captured.captured_queries)

    assert queries_with(2) == queries_with(10)


def test_a_log_past_the_cap_asks_to_narrow_the_search(client, lea_coordinator, cases, monkeypatch):
    from incidents import case_views

    monkeypatch.setattr(case_views, "LOG_MAX_CASES", 1)
    client.force_login(lea_coordinator)
    response = client.get(CSV, {"test": "SB_MATH"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("incidents:search") + "?test=SB_MATH"
    assert "Narrow the search" in response.content.decode()
    _, *rows = _csv(client.get(CSV, {"status": "DRAFT"}))  # one case: under the cap
    assert len(rows) == 1


def test_a_capped_list_says_how_much_one_log_holds(client, lea_coordinator, cases, monkeypatch):
    from incidents import case_views

    monkeypatch.setattr(case_views, "SEARCH_CAP", 1)
    client.force_login(lea_coordinator)
    body = client.get(reverse("incidents:search")).content.decode()
    assert "More than 1 cases; the first 1 in this order are listed" in body
    assert "at most 10,000 cases, so narrow a bigger search first" in body
