"""The STAIRS log (D-4): Search STAIRS's filtered result as CSV or XLSX, one row per case student
(and one row for a case without students). SSIDs, never names.

Streamed with flat memory: the rows come from one query read in chunks; CSV goes out line by
line, XLSX is written by openpyxl's write-only workbook into a temporary file that is then
streamed. Both are safe against spreadsheet formula injection: in CSV a cell that a spreadsheet
would read as a formula gets a leading apostrophe; in XLSX every text cell is written as a
string, never a formula.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, Final

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from accounts.models import User
from incidents.case_models import CaseStatus
from incidents.models import Severity
from incidents.queries import LOG_COLUMNS, CaseFilters, case_log_rows
from stairs.vocabulary import AppealStatus, AppealType, AssessmentCode, PartCode, Reviewer
from students.models import TestStatus

CHUNK: Final = 2000
# What a spreadsheet reads as the start of a formula (OWASP "CSV injection").
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _label(enum: Any, code: str | None) -> str:
    if not code:
        return ""
    try:
        return enum(code).label
    except ValueError:
        return code


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


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
        appeal_type,
        reviewer,
        appeal_status,
        appeal_reason,
    ) = raw
    number = number or f"Draft {_pk}"
    # The reason: the appeal's own when one was filed, otherwise the rules' decision for the
    # SSID (why there is none), so the log answers "why no appeal" too.
    if appeal_status:
        appeal = _label(AppealType, appeal_type) or "Chosen by CDE"
        reason = appeal_reason or ""
    else:
        appeal = ""
        reason = decision_reason or ""
    return [
        number,
        _label(CaseStatus, status),
        school or "",
        cds_code or "",
        lea or "",
        _label(AssessmentCode, test),
        _label(PartCode, part),
        incident_label or "",
        _label(Severity, severity),
        _day(incident_date),
        _when(submitted_at),
        "Yes" if late else "No",
        ssid or "",
        _label(TestStatus, event_status),
        appeal,
        _label(Reviewer, reviewer),
        _label(AppealStatus, appeal_status),
        reason,
    ]


def log_rows(user: User, filters: CaseFilters) -> Iterator[list[str]]:
    """The log's rows (header excluded), read from the database in chunks."""
    for raw in case_log_rows(user, filters).iterator(chunk_size=CHUNK):
        yield _row(raw)


def _csv_safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


class _Echo:
    """A file-like object whose write() returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def filename(fmt: str) -> str:
    return f"stairs-log-{timezone.localdate().isoformat()}.{fmt}"


def _csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark so that Excel reads UTF-8 (school names with accents).
    yield "\ufeff" + writer.writerow(LOG_COLUMNS)
    for row in rows:
        yield writer.writerow([_csv_safe(value) for value in row])


def csv_response(user: User, filters: CaseFilters) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _csv_lines(log_rows(user, filters)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename("csv")}"'
    return response


def xlsx_response(user: User, filters: CaseFilters) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("STAIRS log")
    sheet.append(list(LOG_COLUMNS))
    for row in log_rows(user, filters):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            # openpyxl turns a text starting with "=" into a formula: keep every cell text.
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    # Spooled to disk past a few megabytes; FileResponse streams it and closes it.
    handle = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
