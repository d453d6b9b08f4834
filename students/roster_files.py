"""Reading a roster file (CSV or XLSX) and parsing its cells into Python values.

Spreadsheets type their cells (numbers, dates, datetimes) and CSV does not; the parsers accept
both and raise ``ValueError`` with a message naming the column, which the roster import reports
with the row number. A message quotes a bad cell only when it cannot be a name (``shown``): a
roster holds students' names, and reports carry SSIDs only (domain.md, F-3).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.utils import timezone

from students import dates
from students.models import MAX_GRADE

_TRUE = {"Y", "YES", "TRUE", "1", "X"}
_FALSE = {"", "N", "NO", "FALSE", "0"}
# The key under which a row keeps a filled cell that has no header (a blank header cell, or a
# cell past the last header): the import refuses it rather than dropping it unseen.
UNNAMED = ""
# Digits with date and time punctuation: a cell like this cannot be a name, so it may be quoted.
_QUOTABLE = re.compile(r"[\d\s/:.+\-]{1,25}")


def header_name(cell: Any) -> str:
    """A header cell as a column name: "English learner status" is english_learner_status."""
    return re.sub(r"[\s\-]+", "_", str(cell or "").strip().lower())


def shown(value: Any) -> str:
    """The end of a message quoting the bad cell (, not “2015/13/01”), or nothing when the
    cell could be a name (it has letters), so that no report carries one."""
    text = text_cell(value)
    return f", not “{text}”" if _QUOTABLE.fullmatch(text) else ""


def _row_dict(header: list[str], values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for index, value in enumerate(values):
        name = header[index] if index < len(header) else UNNAMED
        if name:
            row[name] = value
        elif text_cell(value):
            row[UNNAMED] = value
    return row


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """The header (as column names, see ``header_name``) and the data rows with their row
    numbers, from CSV or XLSX."""
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path)
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    raise ValueError("The roster must be a .csv or .xlsx file.")


def _read_csv(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    # A roster is small enough to read whole; reading it first turns a wrong encoding into one
    # clear message instead of an error half-way through the rows.
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path.name} is not UTF-8 text; save it as CSV UTF-8.") from error
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [header_name(h) for h in next(reader, [])]

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, values in enumerate(reader, start=2):
            if any(v.strip() for v in values):
                yield number, _row_dict(header, values)

    return header, rows()


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and its own errors
        raise ValueError(f"{path.name} is not a readable .xlsx workbook.") from error
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [header_name(h) for h in next(lines, ())]

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for number, values in enumerate(lines, start=2):
                if any(v not in (None, "") for v in values):
                    yield number, _row_dict(header, values)
        finally:
            book.close()

    return header, rows()


def text_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def bool_cell(value: Any, column: str) -> bool:
    if isinstance(value, bool):
        return value
    text = text_cell(value).upper()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{column} must be Y or N{shown(value)}")


def grade_cell(value: Any) -> int:
    text = text_cell(value).upper()
    if text in {"K", "KN"}:
        return 0
    if text.isdigit() and int(text) <= MAX_GRADE:
        return int(text)
    raise ValueError(f"grade must be K or 1-12{shown(value)}")


def date_cell(value: Any, column: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_cell(value)
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{column} must be a date like 2015-04-30{shown(text)}")


def moment_cell(value: Any, column: str) -> datetime | None:
    """An aware datetime; naive times and dates are California time (T-2)."""
    if value is None or text_cell(value) == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time.min)
    else:
        try:
            moment = datetime.fromisoformat(text_cell(value))
        except ValueError:
            raise ValueError(
                f"{column} must be a date and time like 2027-03-02 09:15{shown(value)}"
            ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dates.PACIFIC)
    return moment
