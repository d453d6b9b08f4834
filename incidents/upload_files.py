"""An uploaded spreadsheet, read without trusting it: the bytes within a size limit, the file
recognized as text (CSV, tab-separated, any encoding Excel writes) or as a workbook whatever
its extension claims, zip bombs and XML entities refused before openpyxl opens anything, and
its rows out, within row and cell budgets. ``incidents/ssid_files.py`` turns the rows into
SSIDs.

Every refusal is a ``Refused`` whose message names the file by its base name only and never
quotes its contents.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile

MAX_SSIDS = 500  # F-3
MAX_FILE_BYTES = 2 * 1024 * 1024  # 500 SSIDs take about 6 KB as CSV, 10 KB as a workbook
MAX_ROWS = 10_000  # rows read, blank ones included, before giving up
MAX_CELLS = 100_000  # cells read over all sheets: bounds a row padded out to column XFD
MAX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024  # a workbook's parts, unpacked
MAX_COMPRESSION_RATIO = 100  # unpacked size / packed size; Excel's own files stay near 10
MAX_ZIP_MEMBERS = 200
MAX_NAME_CHARS = 80  # of a file name shown in a message
TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")  # Excel saves "Unicode text" as .txt
WORKBOOK_EXTENSIONS = (".xlsx",)

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx
# Spaces Excel and web forms leave around values, beyond what str.strip() removes.
SPACES = " \t\r\n\u00a0\u2007\u202f\u200b\ufeff"


# What zipfile raises for a damaged or truncated archive. NotImplementedError belongs here too:
# zipfile raises it for a compression method it cannot unpack (say, Deflate64 from a Windows
# archiver), which for an upload is one more file we cannot read, not unfinished code.
_ZIP_DAMAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
)


class _Formula:
    """A workbook cell holding a formula (its text is never looked at)."""


FORMULA = _Formula()


class Refused(Exception):
    """The file cannot be read at all; the message says why."""


class TooBig(Exception):
    """The row or cell budget ran out."""


def display_name(name: str | None) -> str:
    """The base name of an uploaded file, safe to show: no folders (``../../x.csv``,
    ``C:\\x.csv``), no control characters, not too long. Never a storage path."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if len(base) > MAX_NAME_CHARS:
        base = base[: MAX_NAME_CHARS - 1] + "…"
    return base or "The file"


def unreadable(name: str) -> str:
    return (
        f"{name} could not be read. Download the template, put the SSIDs in its first "
        "column and upload it again."
    )


def read_bounded(source: UploadedFile | str | os.PathLike[str] | bytes) -> bytes:
    """The file's bytes, refusing one over the limit without reading it all."""
    limit_message = (
        f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
        f"a list of {MAX_SSIDS} SSIDs needs far less. Upload only the SSID column."
    )
    if isinstance(source, bytes):
        data = source[: MAX_FILE_BYTES + 1]
    elif isinstance(source, UploadedFile):
        if source.size is not None and source.size > MAX_FILE_BYTES:
            raise Refused(limit_message)
        source.seek(0)
        data = source.read(MAX_FILE_BYTES + 1)
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise Refused(limit_message)
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise Refused("The file could not be opened.") from error
    if len(data) > MAX_FILE_BYTES:
        raise Refused(limit_message)
    return data


def rows_of(data: bytes, name: str) -> Iterator[tuple[int, list[Any]]]:
    """The rows of an upload, numbered from 1, as a CSV or a workbook, whichever it really is."""
    extension = Path(name.lower()).suffix
    if extension not in TEXT_EXTENSIONS + WORKBOOK_EXTENSIONS:
        raise Refused(
            f"{name} is not a CSV or Excel (.xlsx) file. Download the template, put the "
            "SSIDs in its first column and upload it."
        )
    if not data.strip(b" \t\r\n\x00"):
        raise Refused(f"{name} is empty.")
    if data.startswith(_OLE_MAGIC):
        raise Refused(
            f"{name} is an old Excel (.xls) file or has a password. Save it as an Excel "
            "workbook (.xlsx) without a password, or as CSV, and upload it again."
        )
    is_zip = data.startswith(_ZIP_MAGIC)
    if extension in WORKBOOK_EXTENSIONS:
        if not is_zip:
            raise Refused(
                f"{name} is not an Excel workbook: it looks like a text or CSV file renamed "
                ".xlsx. Save it from Excel as .xlsx, or upload it with the .csv extension."
            )
        yield from _workbook_rows(data, name)
    else:
        if is_zip:
            raise Refused(
                f"{name} is an Excel workbook, not a CSV file. Upload it with the .xlsx "
                "extension, or save it from Excel as CSV."
            )
        yield from _budgeted(_text_rows(data, name), [MAX_CELLS])


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
        raise Refused(
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
        raise Refused(unreadable(name)) from error


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
                raise Refused(f"{name} has too many parts to be a list of SSIDs.")
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members)
            if unpacked > MAX_UNCOMPRESSED_BYTES or unpacked > MAX_COMPRESSION_RATIO * max(
                packed, 1
            ):
                raise Refused(
                    f"{name} unpacks to far more than a list of {MAX_SSIDS} SSIDs needs, "
                    "so it was not opened. Upload a workbook holding only the SSID column."
                )
            if any(member.flag_bits & 0x1 for member in members):
                raise Refused(f"{name} is encrypted. Save it without a password.")
            if "xl/workbook.xml" not in archive.namelist():
                raise Refused(f"{name} is a zip file but not an Excel workbook.")
            for member in members:
                _scan_part(archive, member, name)
    except _ZIP_DAMAGE as error:
        raise Refused(damaged) from error


def _scan_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> None:
    """Unpack a part within its declared size (zipfile stops there) and check its CRC, so that a
    truncated or tampered part fails here rather than half-way through the rows. Excel never
    writes a document type declaration, and entity expansion (billion laughs) or external
    entities need one: refuse it before any XML parser sees it."""
    tail = b""
    with archive.open(member) as part:
        while chunk := part.read(64 * 1024):
            if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                raise Refused(
                    f"{name} holds XML that Excel never writes, so it was not opened. Save the "
                    "list from Excel as .xlsx or CSV and upload it again."
                )
            tail = chunk[-16:]


def _workbook_rows(data: bytes, name: str) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    _check_zip(data, name)
    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it skips; none of it matters here.
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as error:
            raise Refused(
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
                if any(any_value(row) for _, row in _budgeted(_sheet_rows(sheet), budget)):
                    raise Refused(
                        f"{name} has data on sheet {position} as well as on the first sheet. "
                        "Keep the SSIDs on the first sheet and delete the other sheets."
                    )
        finally:
            book.close()


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    # A sheet's stated dimensions can be wrong or hostile (A1:XFD1048576): read only the
    # cells it holds.
    sheet.reset_dimensions()
    for number, row in enumerate(sheet.iter_rows(), start=1):
        yield number, [FORMULA if cell.data_type == "f" else cell.value for cell in row]


def _budgeted(
    rows: Iterator[tuple[int, list[Any]]], budget: list[int]
) -> Iterator[tuple[int, list[Any]]]:
    """The rows until MAX_ROWS rows or the cells in ``budget`` are read: a row padded out to
    column XFD, or a CSV line of a million commas, costs its width."""
    for number, values in rows:
        budget[0] -= max(len(values), 1)
        if number > MAX_ROWS or budget[0] < 0:
            raise TooBig
        yield number, values


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(SPACES))


def any_value(values: Iterable[Any]) -> bool:
    return any(not blank(value) for value in values)
