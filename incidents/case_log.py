"""The STAIRS log (D-4): Search STAIRS's filtered result as CSV or XLSX, one row per case student
(and one row for a case without students). SSIDs, never names.

Streamed with flat memory: the rows come from one query read in chunks and go through
incidents/spreadsheets.py (CSV line by line, XLSX row by row into a temporary file that is then
streamed), which keeps both safe against spreadsheet formula injection.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from accounts.models import User
from incidents import spreadsheets
from incidents.case_models import CaseStatus
from incidents.models import Severity
from incidents.queries import LOG_COLUMNS, CaseFilters, case_log_rows
from stairs.vocabulary import AppealStatus, AppealType, AssessmentCode, PartCode, Reviewer
from students.models import TestStatus

CHUNK: Final = 2000


def _row(raw: tuple) -> list[str]:
    (
        _pk,
        number,
        status,
        school,
        cds_code,
        lea,
        test,
        part,
        incident_label,
        severity,
        incident_date,
        submitted_at,
        late,
        ssid,
        event_status,
        decision_reason,
        appeal,
    ) = raw
    appeal = appeal or {}
    appeal_status = appeal.get("status")
    reviewer = appeal.get("reviewer")
    number = number or f"Draft {_pk}"
    # The reason: the appeal's own when one was filed, otherwise the rules' decision for the
    # SSID (why there is none), so the log answers "why no appeal" too.
    if appeal_status:
        appeal_label = spreadsheets.label(AppealType, appeal.get("type")) or "Chosen by CDE"
        reason = appeal.get("reason") or ""
    else:
        appeal_label = ""
        reason = decision_reason or ""
    return [
        number,
        spreadsheets.label(CaseStatus, status),
        school or "",
        cds_code or "",
        lea or "",
        spreadsheets.label(AssessmentCode, test),
        spreadsheets.label(PartCode, part),
        incident_label or "",
        spreadsheets.label(Severity, severity),
        spreadsheets.day(incident_date),
        spreadsheets.when(submitted_at),
        "Yes" if late else "No",
        ssid or "",
        spreadsheets.label(TestStatus, event_status),
        appeal_label,
        spreadsheets.label(Reviewer, reviewer),
        spreadsheets.label(AppealStatus, appeal_status),
        reason,
    ]


def log_rows(user: User, filters: CaseFilters) -> Iterator[list[str]]:
    """The log's rows (header excluded), read from the database in chunks."""
    for raw in case_log_rows(user, filters).iterator(chunk_size=CHUNK):
        yield _row(raw)


def filename(fmt: str) -> str:
    return f"stairs-log-{timezone.localdate().isoformat()}.{fmt}"


def csv_response(user: User, filters: CaseFilters) -> StreamingHttpResponse:
    return spreadsheets.csv_response(LOG_COLUMNS, log_rows(user, filters), filename=filename("csv"))


def xlsx_response(user: User, filters: CaseFilters) -> FileResponse:
    return spreadsheets.xlsx_response(
        LOG_COLUMNS, log_rows(user, filters), filename=filename("xlsx"), sheet="STAIRS log"
    )
