"""Reading an uploaded list of SSIDs (CSV or XLSX) for a case's Students step (F-3).

``read_ssid_file`` turns an upload into an ``SsidList``: the SSIDs in file order and every
problem, each with its row number and a message a coordinator can act on. A list with any
problem is refused as a whole (the caller saves nothing until the file is clean).

What it accepts, because real spreadsheets do it: one column of SSIDs headed ``ssid`` (or no
heading), SSIDs stored as numbers (``1234567890.0``) or in scientific notation, byte-order
marks, UTF-16 text as Excel's "Unicode text" writes it (tab-separated, .txt), Windows-1252,
spaces around values and blank lines. Duplicates are reported with the row of the first one.

What it refuses, each with a plain message and without an exception escaping: names or other
columns (F-3: SSIDs only), formulas, more than ``MAX_SSIDS``, files over ``MAX_FILE_BYTES``
(not read past the limit), workbooks that unpack to too much (zip bombs, checked with
``zipfile`` before openpyxl opens them), a CSV renamed .xlsx and the reverse, truncated or
corrupt workbooks, other extensions, empty files, and data on a second sheet. A second sheet
is refused rather than ignored: its SSIDs would otherwise be dropped without anyone noticing.

Messages name the file by its base name only, and quote a cell only when it is digits, so no
report repeats a name or a date of birth. Nothing here stores or logs a file's contents.

``incidents/upload_files.py`` reads the bytes and yields the rows (file type, encodings, zip and
size limits); this module turns rows into SSIDs.
"""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from incidents.upload_files import (
    FORMULA,
    MAX_CELLS,
    MAX_ROWS,
    MAX_SSIDS,
    SPACES,
    Refused,
    TooBig,
    any_value,
    blank,
    display_name,
    read_bounded,
    rows_of,
    unreadable,
)

logger = logging.getLogger(__name__)

MAX_COLUMNS_LISTED = 5  # columns with data named one by one; the rest are counted
SSID_DIGITS = 10
TEMPLATE_HEADER = "ssid"
TEMPLATE_CSV_NAME = "stairs-ssid-list.csv"
TEMPLATE_XLSX_NAME = "stairs-ssid-list.xlsx"

# Characters a spreadsheet runs as a formula when a cell starts with them (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DIGITS = re.compile(r"\d+")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_DECIMAL_ZERO = re.compile(r"(\d+)\.0*")
_SCIENTIFIC = re.compile(r"(\d+)(?:\.(\d+))?[eE]\+?(\d{1,2})")
_LETTER = re.compile(r"[^\W\d_]")
# Column headings that announce names or birth dates (F-3); "student" alone is a name column.
_NAME_HEADINGS = ("name", "first", "last", "middle", "surname", "given", "birth", "dob", "born")


class ProblemKind(StrEnum):
    FILE = "file"  # the file as a whole: type, size, damage, sheets
    LIMIT = "limit"  # more than MAX_SSIDS
    COLUMNS = "columns"  # data outside column A
    NAME = "name"  # a heading or a value that may be a name
    FORMULA = "formula"
    FORMAT = "format"  # not 10 digits
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    message: str
    row: int | None = None  # None: the file as a whole


@dataclass
class SsidList:
    """What an upload holds: its SSIDs in file order, and why it is refused, if it is."""

    filename: str
    ssids: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # SSID -> its row, for later messages
    problems: list[Problem] = field(default_factory=list)
    # Read, but worth a look (an SSID that came through scientific notation).
    notes: list[str] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.problems

    def refuse(self, kind: ProblemKind, message: str, row: int | None = None) -> None:
        self.problems.append(Problem(kind, message, row))


def read_ssid_file(
    source: UploadedFile | str | os.PathLike[str] | bytes, *, filename: str | None = None
) -> SsidList:
    """Read an uploaded SSID list. ``source`` is a Django upload, a path, or the bytes with
    their ``filename``. Never raises for anything the file holds."""
    if isinstance(source, UploadedFile):
        name = filename or source.name
    elif isinstance(source, bytes):
        name = filename
    else:
        name = filename or os.fspath(source)
    result = SsidList(filename=display_name(name))
    try:
        data = read_bounded(source)
        _collect(rows_of(data, result.filename), result)
    except Refused as refusal:
        result.refuse(ProblemKind.FILE, str(refusal))
    except Exception as error:  # a library's surprise must not become a 5xx
        # The type only: a message could quote the file's contents.
        logger.warning("SSID list unreadable: %s", type(error).__name__)
        result.refuse(ProblemKind.FILE, unreadable(result.filename))
    if not result.ssids and not result.problems:
        result.refuse(ProblemKind.FILE, f"{result.filename} holds no SSIDs.")
    return result


# Rows to SSIDs


def _column(index: int) -> str:
    """Column 0 is A, as Excel shows a CSV too; past Excel's last column (XFD), a number."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1) if index < 16384 else f"{index + 1:,}"


def _is_name_heading(text: str) -> bool:
    letters = re.sub(r"[^a-z]", "", text.lower())
    if any(word in letters for word in _NAME_HEADINGS):
        return True
    return "student" in letters and "id" not in letters


def _heading_row(values: list[Any], number: int, result: SsidList) -> bool:
    """Handle the first non-blank row when it is a heading; False when it is data."""
    first = values[0] if values else None
    if (
        not isinstance(first, str)
        or not _LETTER.search(first)
        or _SCIENTIFIC.fullmatch(first.strip(SPACES))
    ):
        return False
    if _is_name_heading(first):
        result.refuse(
            ProblemKind.NAME,
            f"Row {number}, column A is headed like a name or birth date. The file takes "
            "SSIDs only: one column headed “ssid”.",
            number,
        )
    elif not re.search(r"ssid|statewidestudentid", re.sub(r"[^a-z]", "", first.lower())):
        result.refuse(
            ProblemKind.FORMAT,
            f"Row {number}: column A must be headed “ssid” (or have no heading), as in the "
            "template.",
            number,
        )
    return True


def _collect(rows: Iterator[tuple[int, list[Any]]], result: SsidList) -> None:
    name = result.filename
    first_rows: dict[str, int] = {}  # SSID -> the row it was first seen in
    extra_columns: dict[int, int] = {}  # column -> the first row with data in it
    name_like_columns: set[int] = set()
    seen_heading = False
    count = 0
    try:
        for number, values in rows:
            if not any_value(values):
                continue
            for index, value in enumerate(values[1:], start=1):
                if not blank(value):
                    extra_columns.setdefault(index, number)
                    if not seen_heading and isinstance(value, str) and _is_name_heading(value):
                        name_like_columns.add(index)
            if not seen_heading:
                seen_heading = True
                if _heading_row(values, number, result):
                    continue
            if not values or blank(values[0]):
                continue  # data only in other columns: reported once, below
            count += 1
            if count <= MAX_SSIDS:
                _check_value(values[0], number, first_rows, result)
    except TooBig:
        count = 0  # not all counted: the message below says enough
        result.refuse(
            ProblemKind.LIMIT,
            f"{name} has more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells. Upload only "
            f"the SSID column, at most {MAX_SSIDS} SSIDs.",
        )
    columns = sorted(extra_columns.items())
    for index, number in columns[:MAX_COLUMNS_LISTED]:
        why = " and is headed like a name or birth date" if index in name_like_columns else ""
        result.refuse(
            ProblemKind.NAME if why else ProblemKind.COLUMNS,
            f"Column {_column(index)} has data (first in row {number}){why}. The file takes one "
            "column, the SSIDs, and nothing else: delete the other columns.",
            number,
        )
    if len(columns) > MAX_COLUMNS_LISTED:
        result.refuse(
            ProblemKind.COLUMNS,
            f"{len(columns) - MAX_COLUMNS_LISTED:,} more columns have data. The file takes one "
            "column, the SSIDs, and nothing else.",
        )
    if count > MAX_SSIDS:
        result.refuse(
            ProblemKind.LIMIT,
            f"{name} holds {count:,} SSIDs; one upload takes at most {MAX_SSIDS}. "
            "Split the students into cases of at most "
            f"{MAX_SSIDS}.",
        )


def _check_value(value: Any, number: int, first_rows: dict[str, int], result: SsidList) -> None:
    ssid = _ssid_of(value, number, result)
    if ssid is None:
        return
    if ssid in first_rows:
        result.refuse(
            ProblemKind.DUPLICATE,
            f"Row {number}: {ssid} is a duplicate of row {first_rows[ssid]}.",
            number,
        )
        return
    first_rows[ssid] = number
    result.ssids.append(ssid)
    result.rows[ssid] = number


def _not_an_ssid(number: int, shown: str = "") -> str:
    quoted = f"{shown} is not an SSID" if shown else "this is not an SSID"
    return f"Row {number}: {quoted}: an SSID is {SSID_DIGITS} digits."


def _ssid_of(value: Any, number: int, result: SsidList) -> str | None:
    """The SSID in a cell, or None after recording why the cell is not one."""
    refuse = result.refuse
    if value is FORMULA:
        refuse(
            ProblemKind.FORMULA,
            f"Row {number} holds a formula. Type the SSID itself ({SSID_DIGITS} digits).",
            number,
        )
        return None
    if isinstance(value, date | time | timedelta):
        # A date is not quoted: it may be a date of birth.
        refuse(ProblemKind.FORMAT, _not_an_ssid(number) + " This cell holds a date.", number)
        return None
    if isinstance(value, bool):
        refuse(ProblemKind.FORMAT, _not_an_ssid(number), number)
        return None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        # A number cell is exact up to 15 digits, whatever notation Excel displays it in.
        if value != value or value in (float("inf"), float("-inf")) or not value.is_integer():
            refuse(ProblemKind.FORMAT, _not_an_ssid(number), number)
            return None
        text = str(int(value))
    else:
        text = _text_ssid(str(value).strip(SPACES), number, result)
        if text is None:
            return None
    if len(text) == SSID_DIGITS and text.isdigit():
        return text
    hint = ""
    if text.isdigit() and len(text) == SSID_DIGITS - 1:
        hint = " A spreadsheet drops a leading 0 from a number: format the column as Text."
    shown = text if text.isdigit() and len(text) <= 2 * SSID_DIGITS else ""
    refuse(ProblemKind.FORMAT, _not_an_ssid(number, shown) + hint, number)
    return None


def _text_ssid(text: str, number: int, result: SsidList) -> str | None:
    """The digits of a text cell, or None after recording why it has none."""
    if text.startswith(_FORMULA_STARTS):
        result.refuse(
            ProblemKind.FORMULA,
            f"Row {number} starts with “{text[0]}”, which a spreadsheet runs as a formula. "
            f"Type the SSID alone ({SSID_DIGITS} digits).",
            number,
        )
        return None
    if _THOUSANDS.fullmatch(text):
        return text.replace(",", "")
    if match := _DECIMAL_ZERO.fullmatch(text):
        return match.group(1)
    if match := _SCIENTIFIC.fullmatch(text):
        return _scientific(text, match, number, result)
    if _LETTER.search(text):
        result.refuse(
            ProblemKind.NAME,
            f"Row {number} has letters. The file takes SSIDs only ({SSID_DIGITS} digits), "
            "never names.",
            number,
        )
        return None
    if _DIGITS.fullmatch(text):
        return text
    result.refuse(ProblemKind.FORMAT, _not_an_ssid(number), number)
    return None


def _scientific(text: str, match: re.Match[str], number: int, result: SsidList) -> str | None:
    """``1.23456789E+09`` as Excel writes a number in a narrow column into CSV."""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal(0)
    significant = len((match.group(1) + (match.group(2) or "")).lstrip("0"))
    if amount != amount.to_integral_value() or len(str(int(amount))) != SSID_DIGITS:
        result.refuse(ProblemKind.FORMAT, _not_an_ssid(number, ""), number)
        return None
    digits = str(int(amount))
    if significant < SSID_DIGITS - 1:
        # "1.23457E+09" lost four digits: reading it as 1234570000 would name another student.
        result.refuse(
            ProblemKind.FORMAT,
            f"Row {number}: {text} is rounded (scientific notation), so the SSID cannot be "
            "read. Format the column as Text or Number with no decimals, and save again.",
            number,
        )
        return None
    if significant < SSID_DIGITS:
        result.notes.append(
            f"Row {number}: {text} was read as {digits}; scientific notation may round the "
            "last digit, so check it."
        )
    return digits


# The template


def template_csv() -> bytes:
    """The downloadable CSV template: the heading only. An example row would be uploaded by
    the first coordinator in a hurry, so there is none."""
    return f"{TEMPLATE_HEADER}\r\n".encode()


def template_xlsx() -> bytes:
    """The downloadable workbook template: the heading, and column A formatted as Text so that
    Excel keeps SSIDs as typed (no scientific notation, no dropped leading 0)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "SSIDs"
    sheet["A1"] = TEMPLATE_HEADER
    sheet["A1"].font = Font(bold=True)
    sheet.column_dimensions["A"].number_format = "@"
    sheet.column_dimensions["A"].width = 16
    for row in range(2, MAX_SSIDS + 2):
        sheet.cell(row=row, column=1).number_format = "@"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
