"""Downloads of a list as CSV or XLSX, streamed with flat memory: the STAIRS log (D-4,
incidents/case_log.py) and the STAIRS and Appeals Report (incidents/appeal_report.py).

Both take a header and the rows as an iterator of lists of strings (read from the database in
chunks). CSV goes out line by line; XLSX is written row by row into a temporary file that is
then streamed. Both are safe against spreadsheet formula injection: in CSV a cell that a
spreadsheet would read as a formula gets a leading apostrophe; in XLSX every cell is an inline
string, never a formula.
"""

from __future__ import annotations

import csv
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import IO, Any, Final
from xml.sax.saxutils import escape

from django.http import FileResponse, StreamingHttpResponse

from students.dates import PACIFIC

# What a spreadsheet reads as the start of a formula (OWASP "CSV injection").
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@lru_cache(maxsize=512)
def label(enum: Any, code: str | None) -> str:
    """A code's label in words (the code itself if the vocabulary no longer has it); cached, as
    a report asks for the same few hundred labels thousands of times."""
    if not code:
        return ""
    try:
        return enum(code).label
    except ValueError:
        return code


def when(value: datetime | None) -> str:
    """A moment in California time (the columns say "Pacific"), to the minute."""
    return value.astimezone(PACIFIC).strftime("%Y-%m-%d %H:%M") if value else ""


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


def csv_safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


class _Echo:
    """A file-like object whose write() returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark so that Excel reads UTF-8 (school names with accents).
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([csv_safe(value) for value in row])


def csv_response(
    header: Sequence[str], rows: Iterable[list[str]], *, filename: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
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
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
_WORKBOOK: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_SHEET_START: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END: Final = "</sheetData></worksheet>"
# Characters XML 1.0 cannot hold at all (a pasted control character must not break the file).
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def column_letters(count: int) -> list[str]:
    """The first ``count`` column names of a sheet: A to Z, then AA, AB, ..."""
    names = []
    for index in range(count):
        name, n = "", index + 1
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(ord("A") + rest) + name
        names.append(name)
    return names


def _xlsx_row(columns: Sequence[str], number: int, values: Iterable[str]) -> str:
    cells = [
        f'<c r="{column}{number}" t="inlineStr"><is><t xml:space="preserve">'
        f"{escape(_NOT_XML.sub('', value), {'\r': '&#13;'})}</t></is></c>"
        for column, value in zip(columns, values, strict=True)
        if value
    ]
    return f'<row r="{number}">{"".join(cells)}</row>'


def write_xlsx(
    handle: IO[bytes], header: Sequence[str], rows: Iterable[list[str]], *, sheet: str
) -> None:
    """A one-sheet workbook named ``sheet`` into ``handle``, row by row (flat memory)."""
    columns = column_letters(len(header))
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(name=escape(sheet, {'"': "&quot;"})))
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(_SHEET_START.encode())
            part.write(_xlsx_row(columns, 1, header).encode())
            for number, row in enumerate(rows, start=2):
                part.write(_xlsx_row(columns, number, row).encode())
            part.write(_SHEET_END.encode())


def xlsx_response(
    header: Sequence[str], rows: Iterable[list[str]], *, filename: str, sheet: str
) -> FileResponse:
    """The workbook, written into a temporary file (spooled to disk past a few megabytes) and
    streamed from it: FileResponse reads it in blocks and closes it."""
    handle = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    write_xlsx(handle, header, rows, sheet=sheet)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
