"""The STAIRS and Appeals Report (issue 9, item 8): Search Appeals's filtered appeals as CSV and
XLSX, one row per appeal, streamed, SSIDs never names, scoped (item 10), safe against formula
injection, a fixed number of queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from appeals.models import Appeal
from incidents import appeal_views
from incidents.appeal_search import REPORT_COLUMNS
from stairs.vocabulary import AppealStatus
from tests.incidents import test_appeal_search
from tests.incidents.test_appeal_search import file_case

pytestmark = pytest.mark.django_db

appeals = test_appeal_search.appeals

CSV = reverse("appeals:report", args=["csv"])
XLSX = reverse("appeals:report", args=["xlsx"])


def _csv(response) -> list[list[str]]:
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response) -> list[list]:
    assert response.streaming
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.title == "STAIRS and Appeals Report"
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _by_ssid(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    header, *body = rows
    return {row[8]: dict(zip(header, row, strict=True)) for row in body}


def test_the_csv_has_the_columns_and_one_row_per_appeal(client, lea_coordinator, appeals):
    client.force_login(lea_coordinator)
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="stairs-appeals-report-2027-03-10.csv"'
    )
    rows = _csv(response)
    assert rows[0] == list(REPORT_COLUMNS)
    by_ssid = _by_ssid(rows)
    expected = {"a1_open", "a1_approved", "a1_manual", "a2"}
    assert set(by_ssid) == {appeals[name].student.ssid for name in expected}
    appeal = appeals["a1_approved"]
    assert by_ssid[appeal.student.ssid] == {
        "School": "Alder Elementary",
        "School CDS code": "19111116000001",
        "Test": "Smarter Balanced Mathematics",
        "Part or domain": "non-PT (CAT)",
        "Grade": "5",
        "Delivery": "Online (TDS)",
        "Case number": appeal.case.number,
        "Case status": "Partial CalTAC approval",
        "SSID": appeal.student.ssid,
        "Incident date": "2027-03-09",
        "Submitted at (Pacific)": "2027-03-10 10:00",
        "Appeal number": str(appeal.pk),
        "Appeal type": "Re-open",
        "Appeal status": "Approved",
        "Plan of action": "Remind students before they submit.",
        "Reviewer": "CalTAC",
        "Due (Pacific)": "2027-03-16 23:59",
        "Decided at (Pacific)": "2027-03-10 10:00",
        "Decision reason": "Checked.",
    }
    manual = by_ssid[appeals["a1_manual"].student.ssid]
    assert (manual["Appeal type"], manual["Reviewer"], manual["Decided at (Pacific)"]) == (
        "Chosen by CDE",
        "CDE",
        "",
    )


def test_the_xlsx_holds_the_same_rows(client, lea_coordinator, appeals):
    client.force_login(lea_coordinator)
    csv_rows = _csv(client.get(CSV))
    response = client.get(XLSX)
    assert response.status_code == 200
    assert 'filename="stairs-appeals-report-2027-03-10.xlsx"' in response["Content-Disposition"]
    xlsx_rows = [[value or "" for value in row] for row in _xlsx(response)]
    assert xlsx_rows == csv_rows


def test_the_report_follows_the_filters_and_the_order(client, cde_reviewer, appeals):
    client.force_login(cde_reviewer)
    rows = _csv(client.get(CSV, {"status": AppealStatus.APPROVED}))[1:]
    assert [row[8] for row in rows] == [appeals["a1_approved"].student.ssid]
    rows = _csv(client.get(CSV, {"sort": "ssid"}))[1:]
    ssids = [row[8] for row in rows]
    assert ssids == sorted(ssids) and len(ssids) == len(appeals)


def test_names_never_appear_in_the_report(client, cde_reviewer, appeals):
    client.force_login(cde_reviewer)
    text = b"".join(client.get(CSV).streaming_content).decode()
    xlsx = str(_xlsx(client.get(XLSX)))
    for appeal in appeals.values():
        student = appeal.student
        assert student.ssid in text and student.ssid in xlsx
        for name in (student.first_name, student.last_name):
            assert name not in text and name not in xlsx


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("outsider", {"b1"}),  # U-4: nothing of LEA A
        ("colleague", {"a1_open", "a1_approved", "a1_manual"}),  # a site role: its school
        ("test_administrator", set()),
    ],
)
def test_the_report_is_scoped_like_the_search(request, client, appeals, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    rows = _csv(client.get(CSV))
    assert set(_by_ssid(rows)) == {appeals[name].student.ssid for name in expected}


def test_a_formula_like_plan_of_action_stays_text(
    client, tree, colleague, lea_coordinator, windows, filing_day
):
    plan = '=HYPERLINK("http://evil.example","Click")'
    case = file_case(colleague, tree.school_a1, plan_of_action=plan)
    file_case(colleague, tree.school_a1, plan_of_action="@SUM(A1:A2) and -1 more")
    client.force_login(lea_coordinator)
    plans = {
        row["Case number"]: row["Plan of action"]
        for row in _by_ssid(_csv(client.get(CSV))).values()
    }
    # CSV: a leading apostrophe, so a spreadsheet shows the text instead of running it
    assert plans[case.number] == "'" + plan
    assert "'@SUM(A1:A2) and -1 more" in plans.values()
    # XLSX: an inline string, never a formula
    workbook = load_workbook(io.BytesIO(b"".join(client.get(XLSX).streaming_content)))
    cells = [cell for row in workbook.active.iter_rows() for cell in row if cell.value == plan]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_bad_filters_send_back_to_the_search_with_the_messages(client, cde_reviewer, appeals):
    client.force_login(cde_reviewer)
    response = client.get(CSV, {"ssid": "123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("appeals:search") + "?ssid=123"


def test_an_unknown_format_is_a_404(client, cde_reviewer):
    client.force_login(cde_reviewer)
    assert client.get(reverse("appeals:report", args=["pdf"])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(CSV)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_report_past_its_limit_asks_to_narrow_the_search(
    client, cde_reviewer, appeals, monkeypatch
):
    monkeypatch.setattr(appeal_views, "REPORT_MAX_APPEALS", 3)
    client.force_login(cde_reviewer)
    response = client.get(CSV, {"reviewer": "CALTAC"}, follow=True)
    assert response.redirect_chain == [(reverse("appeals:search") + "?reviewer=CALTAC", 302)]
    assert "A report holds at most" in response.content.decode()


@pytest.mark.parametrize("persona", ["lea_coordinator", "cde_reviewer"])
@pytest.mark.parametrize("url", [CSV, XLSX])
def test_the_report_costs_the_same_queries_for_3_and_30_appeals(
    request, client, tree, colleague, windows, filing_day, persona, url
):
    client.force_login(request.getfixturevalue(persona))

    def queries_with(count: int) -> int:
        file_case(colleague, tree.school_a1, count=count - Appeal.objects.count())
        client.get(url)  # the session's first-request writes are not the report's
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            content = b"".join(response.streaming_content)  # CSV reads as it streams
        if url == CSV:
            assert content.count(b"19111116000001") == count
        else:
            assert len(list(load_workbook(io.BytesIO(content)).active.iter_rows())) == count + 1
        return len(captured.captured_queries)

    few = queries_with(3)
    assert queries_with(30) == few
