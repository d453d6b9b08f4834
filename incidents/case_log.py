"""The STAIRS log (D-4): Search STAIRS's filtered result as CSV or XLSX, one row per case student
(and one row for a case without students). SSIDs, never names.

Streamed with flat memory: the rows come from one query read in chunks; CSV goes out line by
line, XLSX is written row by row into a temporary file that is then streamed. Both are safe
against spreadsheet formula injection: in CSV a cell that a spreadsheet would read as a formula
gets a leading apostrophe; in XLSX every cell is an inline string, never a formula.
"""

from __future__ import annotations

import csv
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any, Final
from xml.sax.saxutils import escape

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

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
        appeal,
    ) = raw
    appeal = appeal or {}
    appeal_status = appeal.get("status")
    reviewer = appeal.get("reviewer")
    number = number or f"Draft {_pk}"
    # The reason: the appeal's own when one was filed, otherwise the rules' decision for the
    # SSID (why there is none), so the log answers "why no appeal" too.
    if appeal_status:
        appeal_label = _label(AppealType, appeal.get("type")) or "Chosen by CDE"
        reason = appeal.get("reason") or ""
    else:
        appeal_label = ""
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
        appeal_label,
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


# The parts of a one-sheet workbook (ECMA-376). Every cell is an inline string: nothing in the
# file can be read as a formula, and writing it costs a string join per row. openpyxl's
# write-only workbook took 10 s for the 27,000 rows of 10,000 cases on the benchmark machine
# (its XML writer, per cell), twice the 5 s the log has; the tests read the file with openpyxl.
_XLSX_PARTS: Final = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="STAIRS log" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
_SHEET_START: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END: Final = "</sheetData></worksheet>"
_COLUMNS: Final = [chr(ord("A") + i) for i in range(len(LOG_COLUMNS))]
# Characters XML 1.0 cannot hold at all (a pasted control character must not break the file).
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xlsx_row(number: int, values: Iterable[str]) -> str:
    cells = [
        f'<c r="{column}{number}" t="inlineStr"><is><t xml:space="preserve">'
        f"{escape(_NOT_XML.sub('', value), {'\r': '&#13;'})}</t></is></c>"
        for column, value in zip(_COLUMNS, values, strict=True)
        if value
    ]
    return f'<row r="{number}">{"".join(cells)}</row>'


def write_xlsx(handle: IO[bytes], rows: Iterable[list[str]]) -> None:
    """The log as a one-sheet workbook into ``handle``, row by row (flat memory)."""
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_START.encode())
            sheet.write(_xlsx_row(1, LOG_COLUMNS).encode())
            for number, row in enumerate(rows, start=2):
                sheet.write(_xlsx_row(number, row).encode())
            sheet.write(_SHEET_END.encode())


def xlsx_response(user: User, filters: CaseFilters) -> FileResponse:
    # Spooled to disk past a few megabytes; FileResponse streams it and closes it.
    handle = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    write_xlsx(handle, log_rows(user, filters))
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
