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
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile

logger = logging.getLogger(__name__)

MAX_SSIDS = 500  # F-3
MAX_FILE_BYTES = 2 * 1024 * 1024  # 500 SSIDs take about 6 KB as CSV, 10 KB as a workbook
MAX_ROWS = 10_000  # rows read, blank ones included, before giving up
MAX_CELLS = 100_000  # cells read over all sheets: bounds a row padded out to column XFD
MAX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024  # a workbook's parts, unpacked
MAX_COMPRESSION_RATIO = 100  # unpacked size / packed size; Excel's own files stay near 10
MAX_ZIP_MEMBERS = 200
MAX_COLUMNS_LISTED = 5  # columns with data named one by one; the rest are counted
MAX_NAME_CHARS = 80  # of a file name shown in a message
SSID_DIGITS = 10
TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")  # Excel saves "Unicode text" as .txt
WORKBOOK_EXTENSIONS = (".xlsx",)
TEMPLATE_HEADER = "ssid"
TEMPLATE_CSV_NAME = "stairs-ssid-list.csv"
TEMPLATE_XLSX_NAME = "stairs-ssid-list.xlsx"

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx
# Characters a spreadsheet runs as a formula when a cell starts with them (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Spaces Excel and web forms leave around values, beyond what str.strip() removes.
_SPACES = " \t\r\n\u00a0\u2007\u202f\u200b\ufeff"
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
    problems: list[Problem] = field(default_factory=list)
    # Read, but worth a look (an SSID that came through scientific notation).
    notes: list[str] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.problems

    def refuse(self, kind: ProblemKind, message: str, row: int | None = None) -> None:
        self.problems.append(Problem(kind, message, row))


class _Formula:
    """A workbook cell holding a formula (its text is never looked at)."""


_FORMULA = _Formula()


class _Refused(Exception):
    """The file cannot be read at all; the message says why."""


class _TooBig(Exception):
    """The row or cell budget ran out."""


def display_name(name: str | None) -> str:
    """The base name of an uploaded file, safe to show: no folders (``../../x.csv``,
    ``C:\\x.csv``), no control characters, not too long. Never a storage path."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if len(base) > MAX_NAME_CHARS:
        base = base[: MAX_NAME_CHARS - 1] + "…"
    return base or "The file"


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
        data = _read_bounded(source)
        _read(data, result)
    except _Refused as refusal:
        result.refuse(ProblemKind.FILE, str(refusal))
    except Exception as error:  # a library's surprise must not become a 5xx
        # The type only: a message could quote the file's contents.
        logger.warning("SSID list unreadable: %s", type(error).__name__)
        result.refuse(ProblemKind.FILE, _unreadable(result.filename))
    if not result.ssids and not result.problems:
        result.refuse(ProblemKind.FILE, f"{result.filename} holds no SSIDs.")
    return result


def _unreadable(name: str) -> str:
    return (
        f"{name} could not be read. Download the template, put the SSIDs in its first "
        "column and upload it again."
    )


def _read_bounded(source: UploadedFile | str | os.PathLike[str] | bytes) -> bytes:
    """The file's bytes, refusing one over the limit without reading it all."""
    limit_message = (
        f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
        f"a list of {MAX_SSIDS} SSIDs needs far less. Upload only the SSID column."
    )
    if isinstance(source, bytes):
        data = source[: MAX_FILE_BYTES + 1]
    elif isinstance(source, UploadedFile):
        if source.size is not None and source.size > MAX_FILE_BYTES:
            raise _Refused(limit_message)
        source.seek(0)
        data = source.read(MAX_FILE_BYTES + 1)
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise _Refused(limit_message)
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise _Refused("The file could not be opened.") from error
    if len(data) > MAX_FILE_BYTES:
        raise _Refused(limit_message)
    return data


def _read(data: bytes, result: SsidList) -> None:
    name = result.filename
    extension = Path(name.lower()).suffix
    if extension not in TEXT_EXTENSIONS + WORKBOOK_EXTENSIONS:
        raise _Refused(
            f"{name} is not a CSV or Excel (.xlsx) file. Download the template, put the "
            "SSIDs in its first column and upload it."
        )
    if not data.strip(b" \t\r\n\x00"):
        raise _Refused(f"{name} is empty.")
    if data.startswith(_OLE_MAGIC):
        raise _Refused(
            f"{name} is an old Excel (.xls) file or has a password. Save it as an Excel "
            "workbook (.xlsx) without a password, or as CSV, and upload it again."
        )
    is_zip = data.startswith(_ZIP_MAGIC)
    if extension in WORKBOOK_EXTENSIONS:
        if not is_zip:
            raise _Refused(
                f"{name} is not an Excel workbook: it looks like a text or CSV file renamed "
                ".xlsx. Save it from Excel as .xlsx, or upload it with the .csv extension."
            )
        _collect(_workbook_rows(data, result), result)
    else:
        if is_zip:
            raise _Refused(
                f"{name} is an Excel workbook, not a CSV file. Upload it with the .xlsx "
                "extension, or save it from Excel as CSV."
            )
        _collect(_budgeted(_text_rows(data, name), [MAX_CELLS]), result)


# Text: CSV, tab-separated, any encoding Excel writes


def _decode(data: bytes) -> str | None:
    """The text of a CSV as Excel and others write it, or None when it is not text."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")  # Excel's "Unicode text"
        elif data[1::2].count(0) > len(data) // 4:
            text = data.decode("utf-16-le")  # UTF-16 that lost its byte-order mark
        elif data[0::2].count(0) > len(data) // 4:
            text = data.decode("utf-16-be")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                # Excel for Windows saves plain "CSV" in the system code page. Windows-1252
                # leaves five bytes undefined; Latin-1 reads anything.
                try:
                    text = data.decode("cp1252")
                except UnicodeDecodeError:
                    text = data.decode("latin-1")
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in text or controls > 8:
        return None  # a binary file named .csv
    return text


def _text_rows(data: bytes, name: str) -> Iterator[tuple[int, list[Any]]]:
    text = _decode(data)
    if text is None:
        raise _Refused(
            f"{name} is not a text file. Save the list from Excel as CSV (or as an Excel "
            "workbook) and upload it again."
        )
    sample = "\n".join(text[:4096].splitlines()[:20])
    # One column needs no delimiter, but the delimiter decides what counts as a second column:
    # Excel writes tabs in "Unicode text" and semicolons where the comma is a decimal mark.
    if "\t" in sample:
        delimiter = "\t"
    elif ";" in sample and "," not in sample:
        delimiter = ";"
    else:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise _Refused(_unreadable(name)) from error


# Workbooks


def _check_zip(data: bytes, name: str) -> None:
    """Refuse a zip bomb or a damaged workbook before openpyxl unpacks anything."""
    damaged = (
        f"{name} is damaged or incomplete (perhaps cut short while saving or uploading). "
        "Open it in Excel, save it again and upload it."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise _Refused(f"{name} has too many parts to be a list of SSIDs.")
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members)
            if unpacked > MAX_UNCOMPRESSED_BYTES or unpacked > MAX_COMPRESSION_RATIO * max(
                packed, 1
            ):
                raise _Refused(
                    f"{name} unpacks to far more than a list of {MAX_SSIDS} SSIDs needs, "
                    "so it was not opened. Upload a workbook holding only the SSID column."
                )
            if any(member.flag_bits & 0x1 for member in members):
                raise _Refused(f"{name} is encrypted. Save it without a password.")
            if "xl/workbook.xml" not in archive.namelist():
                raise _Refused(f"{name} is a zip file but not an Excel workbook.")
            for member in members:
                _scan_part(archive, member, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise _Refused(damaged) from error
    except NotImplementedError as error:  # a compression method zipfile lacks
        raise _Refused(damaged) from error


def _scan_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> None:
    """Unpack a part within its declared size (zipfile stops there) and check its CRC, so that a
    truncated or tampered part fails here rather than half-way through the rows. Excel never
    writes a document type declaration, and entity expansion (billion laughs) or external
    entities need one: refuse it before any XML parser sees it."""
    tail = b""
    with archive.open(member) as part:
        while chunk := part.read(64 * 1024):
            if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                raise _Refused(
                    f"{name} holds XML that Excel never writes, so it was not opened. Save the "
                    "list from Excel as .xlsx or CSV and upload it again."
                )
            tail = chunk[-16:]


def _workbook_rows(data: bytes, result: SsidList) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    name = result.filename
    _check_zip(data, name)
    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it skips; none of it matters here.
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as error:
            raise _Refused(
                f"{name} could not be opened as an Excel workbook. Open it in Excel, save it "
                "again as .xlsx and upload it."
            ) from error
        try:
            sheets = book.worksheets
            budget = [MAX_CELLS]
            if sheets:
                yield from _budgeted(_sheet_rows(sheets[0]), budget)
            for position, sheet in enumerate(sheets[1:], start=2):
                # The title is not shown: a sheet may be named after a student.
                if any(_any_value(row) for _, row in _budgeted(_sheet_rows(sheet), budget)):
                    result.refuse(
                        ProblemKind.FILE,
                        f"{name} has data on sheet {position} as well as on the first sheet. "
                        "Keep the SSIDs on the first sheet and delete the other sheets.",
                    )
                    break
        finally:
            book.close()


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    # A sheet's stated dimensions can be wrong or hostile (A1:XFD1048576): read only the
    # cells it holds.
    sheet.reset_dimensions()
    for number, row in enumerate(sheet.iter_rows(), start=1):
        yield number, [_FORMULA if cell.data_type == "f" else cell.value for cell in row]


def _budgeted(
    rows: Iterator[tuple[int, list[Any]]], budget: list[int]
) -> Iterator[tuple[int, list[Any]]]:
    """The rows until MAX_ROWS rows or the cells in ``budget`` are read: a row padded out to
    column XFD, or a CSV line of a million commas, costs its width."""
    for number, values in rows:
        budget[0] -= max(len(values), 1)
        if number > MAX_ROWS or budget[0] < 0:
            raise _TooBig
        yield number, values


# Rows to SSIDs


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(_SPACES))


def _any_value(values: Iterable[Any]) -> bool:
    return any(not _blank(value) for value in values)


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
        or _SCIENTIFIC.fullmatch(first.strip(_SPACES))
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
            if not _any_value(values):
                continue
            for index, value in enumerate(values[1:], start=1):
                if not _blank(value):
                    extra_columns.setdefault(index, number)
                    if not seen_heading and isinstance(value, str) and _is_name_heading(value):
                        name_like_columns.add(index)
            if not seen_heading:
                seen_heading = True
                if _heading_row(values, number, result):
                    continue
            if not values or _blank(values[0]):
                continue  # data only in other columns: reported once, below
            count += 1
            if count <= MAX_SSIDS:
                _check_value(values[0], number, first_rows, result)
    except _TooBig:
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


def _not_an_ssid(number: int, shown: str = "") -> str:
    quoted = f"{shown} is not an SSID" if shown else "this is not an SSID"
    return f"Row {number}: {quoted}: an SSID is {SSID_DIGITS} digits."


def _ssid_of(value: Any, number: int, result: SsidList) -> str | None:
    """The SSID in a cell, or None after recording why the cell is not one."""
    refuse = result.refuse
    if value is _FORMULA:
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
        text = _text_ssid(str(value).strip(_SPACES), number, result)
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
