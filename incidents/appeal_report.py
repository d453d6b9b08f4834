"""The STAIRS and Appeals Report (issue 9, item 8): Search Appeals's filtered appeals as CSV or
XLSX, one row per appeal, SSIDs never names.

The rows come from one query (``appeal_report_rows``, values only, no per-row query) read in
chunks of 2,000 and written through incidents/spreadsheets.py, the STAIRS log's writer: CSV
streamed line by line, XLSX row by row into a temporary file that is then streamed, both guarded
against formula injection. 50,000 rows take flat memory (issue 9, "Speed").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from appeals.models import Appeal
from incidents import appeal_search, spreadsheets
from incidents.appeal_search import REPORT_COLUMNS
from incidents.case_models import CaseStatus
from stairs.vocabulary import (
    AppealStatus,
    AppealType,
    AssessmentCode,
    Delivery,
    PartCode,
    Reviewer,
)
from students import dates

CHUNK: Final = 2000
TITLE: Final = "STAIRS and Appeals Report"


def _row(raw: tuple) -> list[str]:
    (
        school,
        cds_code,
        test,
        part,
        grade,
        delivery,
        number,
        case_status,
        ssid,
        incident_date,
        submitted_at,
        appeal_pk,
        appeal_type,
        status,
        plan_of_action,
        reviewer,
        due_at,
        decided_at,
        decision_reason,
    ) = raw
    return [
        school or "",
        cds_code or "",
        spreadsheets.label(AssessmentCode, test),
        spreadsheets.label(PartCode, part),
        dates.grade_label(grade) if grade is not None else "",
        spreadsheets.label(Delivery, delivery),
        number or "",
        spreadsheets.label(CaseStatus, case_status),
        ssid or "",
        spreadsheets.day(incident_date),
        spreadsheets.when(submitted_at),
        str(appeal_pk),
        spreadsheets.label(AppealType, appeal_type) or "Chosen by CDE",
        spreadsheets.label(AppealStatus, status),
        plan_of_action or "",
        spreadsheets.label(Reviewer, reviewer),
        spreadsheets.when(due_at),
        spreadsheets.when(decided_at),
        decision_reason or "",
    ]


def report_rows(appeals: QuerySet[Appeal]) -> Iterator[list[str]]:
    """The report's rows (header excluded), read from the database in chunks."""
    for raw in appeal_search.report_rows(appeals).iterator(chunk_size=CHUNK):
        yield _row(raw)


def filename(fmt: str) -> str:
    return f"stairs-appeals-report-{timezone.localdate().isoformat()}.{fmt}"


def csv_response(appeals: QuerySet[Appeal]) -> StreamingHttpResponse:
    """The report of ``appeals`` (already scoped, filtered and ordered) as CSV."""
    return spreadsheets.csv_response(REPORT_COLUMNS, report_rows(appeals), filename=filename("csv"))


def xlsx_response(appeals: QuerySet[Appeal]) -> FileResponse:
    """The report of ``appeals`` (already scoped, filtered and ordered) as XLSX."""
    return spreadsheets.xlsx_response(
        REPORT_COLUMNS, report_rows(appeals), filename=filename("xlsx"), sheet=TITLE
    )
