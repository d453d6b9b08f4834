"""Reading an uploaded SSID list (incidents/ssid_files.py): what real spreadsheets hold is read,
every hostile file is refused with a plain message, and no message repeats a name (rule F-3)."""

from __future__ import annotations

import codecs
import io
import logging
import zipfile
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from openpyxl import Workbook, load_workbook

from incidents import ssid_files
from incidents.ssid_files import (
    ProblemKind,
    SsidList,
    read_ssid_file,
    template_csv,
    template_xlsx,
)
from incidents.upload_files import MAX_FILE_BYTES, MAX_SSIDS

SSIDS = [str(1_000_000_000 + 7 * n) for n in range(12)]


def workbook(*sheets: list[list[object]]) -> bytes:
    book = Workbook()
    for index, rows in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet(f"Sheet{index + 1}")
        for row in rows:
            sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding)


def messages(result: SsidList) -> list[str]:
    return [problem.message for problem in result.problems]


def kinds(result: SsidList) -> set[ProblemKind]:
    return {problem.kind for problem in result.problems}


def only_problem(result: SsidList) -> str:
    assert len(result.problems) == 1, messages(result)
    return result.problems[0].message


# Files as coordinators make them


def test_a_csv_with_the_heading_gives_the_ssids_in_file_order():
    result = read_ssid_file(csv_bytes("ssid", *SSIDS), filename="list.csv")
    assert result.is_clean and result.ssids == SSIDS


def test_the_heading_is_optional_and_any_case():
    assert read_ssid_file(csv_bytes(*SSIDS[:3]), filename="a.csv").ssids == SSIDS[:3]
    result = read_ssid_file(csv_bytes("SSID ", *SSIDS[:3]), filename="a.csv")
    assert result.is_clean and result.ssids == SSIDS[:3]


@pytest.mark.parametrize("heading", ["Student SSID", "SSID #", "Statewide Student ID"])
def test_headings_that_say_ssid_are_accepted(heading):
    result = read_ssid_file(csv_bytes(heading, SSIDS[0]), filename="a.csv")
    assert result.is_clean and result.ssids == SSIDS[:1]


def test_another_heading_is_refused_with_the_expected_one():
    result = read_ssid_file(csv_bytes("Numbers", SSIDS[0]), filename="a.csv")
    assert only_problem(result) == (
        "Row 1: column A must be headed “ssid” (or have no heading), as in the template."
    )
    assert result.ssids == SSIDS[:1]


def test_a_django_upload_is_read(tmp_path):
    upload = SimpleUploadedFile("list.csv", csv_bytes("ssid", *SSIDS), content_type="text/csv")
    result = read_ssid_file(upload)
    assert result.is_clean and result.ssids == SSIDS and result.filename == "list.csv"


def test_a_path_is_read(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(workbook([["ssid"], *[[s] for s in SSIDS]]))
    result = read_ssid_file(path)
    assert result.is_clean and result.ssids == SSIDS and result.filename == "list.xlsx"


def test_workbook_ssids_stored_as_numbers_are_read():
    rows = [["ssid"], [1234567890], [2234567890.0], [3.23456789e09], ["4234567890"]]
    result = read_ssid_file(workbook(rows), filename="numbers.xlsx")
    assert result.is_clean, messages(result)
    assert result.ssids == ["1234567890", "2234567890", "3234567890", "4234567890"]


def test_csv_ssids_written_as_numbers_are_read():
    result = read_ssid_file(
        csv_bytes("ssid", "1234567890.0", '"2,234,567,890"', "3234567890."), filename="n.csv"
    )
    assert result.is_clean, messages(result)
    assert result.ssids == ["1234567890", "2234567890", "3234567890"]


def test_scientific_notation_is_read_and_flagged_for_a_check():
    result = read_ssid_file(csv_bytes("ssid", "1.23456789E+09", "2.234567891e9"), filename="s.csv")
    assert result.is_clean and result.ssids == ["1234567890", "2234567891"]
    # Nine significant digits may have rounded the tenth: read, but the coordinator checks it.
    assert result.notes == [
        "Row 2: 1.23456789E+09 was read as 1234567890; scientific notation may round the last "
        "digit, so check it."
    ]


def test_scientific_notation_that_lost_digits_is_refused():
    # Excel writes 1234567891 as 1.23457E+09 from a narrow column: reading it as 1234570000
    # would name another student.
    result = read_ssid_file(csv_bytes("ssid", "1.23457E+09"), filename="s.csv")
    assert "Row 2: 1.23457E+09 is rounded" in only_problem(result)
    assert result.ssids == []


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
    ],
)
def test_byte_order_marks_and_utf16_unicode_text_are_read(encoding, bom):
    # Excel's "Unicode text" is UTF-16 with a byte-order mark, tab-separated, saved as .txt.
    text = "ssid\t\r\n" + "".join(f"{s}\t\r\n" for s in SSIDS)
    result = read_ssid_file(bom + text.encode(encoding), filename="unicode.txt")
    assert result.is_clean, messages(result)
    assert result.ssids == SSIDS


def test_utf16_without_a_byte_order_mark_is_read():
    result = read_ssid_file(csv_bytes("ssid", *SSIDS, encoding="utf-16-le"), filename="u.csv")
    assert result.ssids == SSIDS and result.is_clean


def test_windows_1252_and_latin1_text_is_read():
    # 0xA0 is a no-break space in Windows-1252 (not UTF-8); 0x81 is undefined there (Latin-1).
    cp1252 = b"ssid\r\n" + SSIDS[0].encode() + b"\xa0\r\n" + SSIDS[1].encode() + b"\r\n"
    assert read_ssid_file(cp1252, filename="w.csv").ssids == SSIDS[:2]
    latin1 = b"ssid\x81\r\n" + SSIDS[0].encode() + b"\r\n"
    result = read_ssid_file(latin1, filename="l.csv")
    assert result.ssids == SSIDS[:1] and result.is_clean


def test_spaces_around_values_and_blank_lines_are_ignored():
    result = read_ssid_file(
        csv_bytes("ssid", f"  {SSIDS[0]} ", "", "   ", f" {SSIDS[1]}\u00a0", "", ""),
        filename="spaces.csv",
    )
    assert result.is_clean, messages(result)
    assert result.ssids == SSIDS[:2]


def test_blank_workbook_rows_keep_the_row_numbers_excel_shows():
    book = Workbook()
    sheet = book.active
    sheet["A1"], sheet["A3"], sheet["A6"] = "ssid", SSIDS[0], "123"
    output = io.BytesIO()
    book.save(output)
    result = read_ssid_file(output.getvalue(), filename="gaps.xlsx")
    assert result.ssids == SSIDS[:1]
    assert only_problem(result) == "Row 6: 123 is not an SSID: an SSID is 10 digits."


def test_duplicates_are_reported_with_the_row_of_the_first():
    result = read_ssid_file(csv_bytes("ssid", SSIDS[0], SSIDS[1], SSIDS[0]), filename="d.csv")
    assert result.ssids == SSIDS[:2]
    assert result.problems[0].kind == ProblemKind.DUPLICATE
    assert only_problem(result) == f"Row 4: {SSIDS[0]} is a duplicate of row 2."


def test_a_number_and_its_text_are_the_same_ssid():
    result = read_ssid_file(workbook([[1234567890], ["1234567890"]]), filename="d.xlsx")
    assert only_problem(result) == "Row 2: 1234567890 is a duplicate of row 1."


def test_every_bad_row_is_listed_with_its_number():
    result = read_ssid_file(
        csv_bytes("ssid", "12345", SSIDS[0], "12345678901", "123-456", "0.5"), filename="b.csv"
    )
    assert result.ssids == SSIDS[:1]
    assert [(p.row, p.kind) for p in result.problems] == [
        (2, ProblemKind.FORMAT),
        (4, ProblemKind.FORMAT),
        (5, ProblemKind.FORMAT),
        (6, ProblemKind.FORMAT),
    ]
    assert messages(result)[0] == "Row 2: 12345 is not an SSID: an SSID is 10 digits."
    assert messages(result)[1] == "Row 4: 12345678901 is not an SSID: an SSID is 10 digits."


def test_a_nine_digit_number_explains_the_lost_leading_zero():
    result = read_ssid_file(workbook([["ssid"], [123456789]]), filename="z.xlsx")
    assert "drops a leading 0" in only_problem(result)


def test_a_date_cell_is_refused_without_quoting_it():
    result = read_ssid_file(
        workbook([["ssid"], [datetime(2015, 4, 30)], [date(2016, 1, 2)]]), filename="d.xlsx"
    )
    assert messages(result)[0] == (
        "Row 2: this is not an SSID: an SSID is 10 digits. This cell holds a date."
    )
    assert not any("2015" in m or "2016" in m for m in messages(result))


# The limits


def test_500_ssids_are_accepted():
    ssids = [str(2_000_000_000 + n) for n in range(MAX_SSIDS)]
    for data, name in [
        (csv_bytes("ssid", *ssids), "500.csv"),
        (workbook([["ssid"], *[[int(s)] for s in ssids]]), "500.xlsx"),
    ]:
        result = read_ssid_file(data, filename=name)
        assert result.is_clean, messages(result)
        assert result.ssids == ssids


def test_501_ssids_are_refused_with_the_limit():
    # rule F-3
    ssids = [str(2_000_000_000 + n) for n in range(MAX_SSIDS + 1)]
    result = read_ssid_file(csv_bytes("ssid", *ssids), filename="501.csv")
    assert kinds(result) == {ProblemKind.LIMIT}
    assert only_problem(result).startswith("501.csv holds 501 SSIDs; one upload takes at most 500")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_a_second_column_is_refused_by_its_letter(delimiter):
    lines = ["ssid", SSIDS[0], f"{SSIDS[1]}{delimiter}{delimiter}x"]
    result = read_ssid_file(csv_bytes(*lines), filename="two.csv")
    assert kinds(result) == {ProblemKind.COLUMNS}
    assert only_problem(result).startswith("Column C has data (first in row 3).")


# SSIDs only: no names (rule F-3)


@pytest.mark.parametrize(
    "heading", ["Name", "first_name", "Last Name", "Student", "Birth date", "DOB", "Student name"]
)
def test_a_name_like_heading_in_column_a_is_refused(heading):
    result = read_ssid_file(csv_bytes(heading, SSIDS[0]), filename="h.csv")
    assert kinds(result) == {ProblemKind.NAME}
    assert only_problem(result).startswith("Row 1, column A is headed like a name or birth date")
    assert heading not in only_problem(result)


def test_name_columns_beside_the_ssids_are_refused_without_echoing_them():
    result = read_ssid_file(
        workbook([["ssid", "First", "Last"], [int(SSIDS[0]), "Maria", "Garcia"]]),
        filename="roster.xlsx",
    )
    assert kinds(result) == {ProblemKind.NAME}
    assert [p.message.split(".")[0] for p in result.problems] == [
        "Column B has data (first in row 1) and is headed like a name or birth date",
        "Column C has data (first in row 1) and is headed like a name or birth date",
    ]
    assert not any(word in " ".join(messages(result)) for word in ("Maria", "Garcia", "First"))


@pytest.mark.parametrize("value", ["Maria Garcia", "garcia", "José", "1234567890 Lee", "Ng"])
def test_a_value_with_letters_is_refused_without_echoing_it(value):
    result = read_ssid_file(csv_bytes("ssid", SSIDS[0], value), filename="names.csv")
    assert only_problem(result) == (
        "Row 3 has letters. The file takes SSIDs only (10 digits), never names."
    )
    assert result.problems[0].kind == ProblemKind.NAME


def test_a_names_list_without_heading_echoes_no_name():
    result = read_ssid_file(csv_bytes("Maria Garcia", "Lee Ng"), filename="names.csv")
    assert result.ssids == [] and not result.is_clean
    assert not any("Maria" in m or "Lee" in m for m in messages(result))


# Hostile files


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x.example")', "+1234567890", "-1234567890", "@SUM(1)"]
)
def test_a_formula_in_a_csv_is_refused(cell):
    result = read_ssid_file(csv_bytes("ssid", cell), filename="f.csv")
    assert kinds(result) == {ProblemKind.FORMULA}
    assert only_problem(result).startswith(f"Row 2 starts with “{cell[0]}”")
    assert "HYPERLINK" not in only_problem(result)


def test_a_formula_cell_in_a_workbook_is_refused():
    result = read_ssid_file(
        workbook([["ssid"], [int(SSIDS[0])], ["=A2+1"]]), filename="formula.xlsx"
    )
    assert result.ssids == SSIDS[:1]
    assert only_problem(result) == "Row 3 holds a formula. Type the SSID itself (10 digits)."


def _zip_bomb(size: int, *, workbook_part: bool = True) -> bytes:
    """A zip whose sheet unpacks to ``size`` zero bytes, packed at about 1000:1."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        if workbook_part:
            archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return output.getvalue()


@pytest.mark.parametrize("size_mb", [16, 4])
def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(monkeypatch, size_mb):
    # 16 MB is over the unpacked limit; 4 MB is under it but packed a thousand to one.
    def never(*args, **kwargs):
        raise AssertionError("openpyxl opened a zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    data = _zip_bomb(size_mb * 1024 * 1024)
    assert len(data) < 100 * 1024
    result = read_ssid_file(data, filename="bomb.xlsx")
    assert kinds(result) == {ProblemKind.FILE}
    assert "unpacks to far more than a list of 500 SSIDs needs" in only_problem(result)


class CountingFile(io.BytesIO):
    """A stream that counts the bytes read from it."""

    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_a_20mb_upload_is_refused_without_reading_it():
    stream = CountingFile(b"1234567890\n" * (20 * 1024 * 1024 // 11))
    upload = UploadedFile(stream, name="big.csv", size=len(stream.getvalue()))
    result = read_ssid_file(upload)
    assert only_problem(result).startswith("The file is larger than 2 MB")
    assert stream.bytes_read == 0


def test_an_upload_that_understates_its_size_is_read_only_up_to_the_limit():
    stream = CountingFile(b"1234567890\n" * (20 * 1024 * 1024 // 11))
    upload = UploadedFile(stream, name="big.csv", size=100)
    result = read_ssid_file(upload)
    assert only_problem(result).startswith("The file is larger than 2 MB")
    assert stream.bytes_read == MAX_FILE_BYTES + 1


def test_a_20mb_path_is_refused(tmp_path):
    path = tmp_path / "big.xlsx"
    with path.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)  # sparse: nothing is written, nothing read
    assert only_problem(read_ssid_file(path)).startswith("The file is larger than 2 MB")


@pytest.mark.parametrize(
    "name", ["../../list.csv", "C:\\Users\\coordinator\\list.csv", "/etc/../list.csv"]
)
def test_a_path_in_the_file_name_is_dropped(name):
    result = read_ssid_file(csv_bytes("ssid", "123"), filename=name)
    assert result.filename == "list.csv"
    upload = SimpleUploadedFile("x.csv", b"")
    upload.name = name  # Django strips folders itself; a caller's name may still carry them
    assert read_ssid_file(upload).filename == "list.csv"
    assert read_ssid_file(b"", filename=name).problems[0].message == "list.csv is empty."


def test_a_csv_renamed_xlsx_is_refused():
    result = read_ssid_file(csv_bytes("ssid", *SSIDS), filename="list.xlsx")
    assert only_problem(result).startswith(
        "list.xlsx is not an Excel workbook: it looks like a text or CSV file renamed .xlsx."
    )


def test_a_workbook_renamed_csv_is_refused():
    result = read_ssid_file(workbook([["ssid"], [1234567890]]), filename="list.csv")
    assert only_problem(result).startswith("list.csv is an Excel workbook, not a CSV file.")


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_workbook_is_refused(fraction):
    data = workbook([["ssid"], *[[int(s)] for s in SSIDS]])
    result = read_ssid_file(data[: int(len(data) * fraction)], filename="cut.xlsx")
    assert kinds(result) == {ProblemKind.FILE}
    assert "is damaged or incomplete" in only_problem(result)


def _replace_part(data: bytes, part: str, content: bytes) -> bytes:
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            body = content if info.filename == part else source.read(info.filename)
            target.writestr(info.filename, body)
    return output.getvalue()


def test_a_corrupt_sheet_is_refused_and_nothing_of_it_is_logged(caplog):
    data = _replace_part(
        workbook([["ssid"]]), "xl/worksheets/sheet1.xml", b"<worksheet>Maria Garcia <row"
    )
    with caplog.at_level(logging.DEBUG):
        result = read_ssid_file(data, filename="corrupt.xlsx")
    assert only_problem(result).startswith("corrupt.xlsx could not be opened as an Excel workbook")
    assert "Maria" not in caplog.text


def test_a_hostile_sheet_size_is_not_believed():
    # A sheet claiming A1:XFD1048576 would make openpyxl pad every row to 16,384 cells.
    data = workbook([["ssid"], [int(SSIDS[0])]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:A2" />' in sheet
    data = _replace_part(
        data,
        "xl/worksheets/sheet1.xml",
        sheet.replace(b'<dimension ref="A1:A2" />', b'<dimension ref="A1:XFD1048576" />'),
    )
    result = read_ssid_file(data, filename="wide.xlsx")
    assert result.is_clean and result.ssids == SSIDS[:1]


def test_rows_padded_to_the_last_column_run_out_of_cells():
    book = Workbook()
    sheet = book.active
    for row in range(1, 200):
        sheet.cell(row=row, column=1, value=int(SSIDS[0]) + row)
        sheet.cell(row=row, column=16384).number_format = "@"  # an empty styled cell at XFD
    output = io.BytesIO()
    book.save(output)
    result = read_ssid_file(output.getvalue(), filename="padded.xlsx")
    assert kinds(result) == {ProblemKind.LIMIT}
    assert "more than 10,000 rows or 100,000 cells" in only_problem(result)


@pytest.mark.parametrize("name", ["list.pdf", "list.xls.exe", "list", "list.xlsm", ".csv.docx"])
def test_an_unknown_extension_is_refused(name):
    result = read_ssid_file(csv_bytes("ssid", *SSIDS), filename=name)
    assert "is not a CSV or Excel (.xlsx) file" in only_problem(result)


def test_an_old_xls_or_password_protected_workbook_is_refused():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    result = read_ssid_file(data, filename="old.xlsx")
    assert "old Excel (.xls) file or has a password" in only_problem(result)


def test_a_binary_file_named_csv_is_refused():
    result = read_ssid_file(bytes(range(256)) * 8, filename="photo.csv")
    assert only_problem(result).startswith("photo.csv is not a text file.")


@pytest.mark.parametrize(("data", "name"), [(b"", "e.csv"), (b"\r\n \r\n", "e.csv")])
def test_an_empty_file_is_refused(data, name):
    assert only_problem(read_ssid_file(data, filename=name)) == "e.csv is empty."


def test_a_heading_alone_holds_no_ssids():
    assert only_problem(read_ssid_file(b"ssid\r\n", filename="h.csv")) == "h.csv holds no SSIDs."


def test_data_on_a_second_sheet_is_refused():
    # Decided: refused, not ignored; SSIDs on sheet 2 would otherwise be dropped unseen.
    result = read_ssid_file(
        workbook([["ssid"], [int(SSIDS[0])]], [["ssid"], [int(SSIDS[1])]]), filename="two.xlsx"
    )
    assert only_problem(result).startswith(
        "two.xlsx has data on sheet 2 as well as on the first sheet."
    )


def test_an_empty_second_sheet_is_fine():
    result = read_ssid_file(workbook([["ssid"], [int(SSIDS[0])]], []), filename="two.xlsx")
    assert result.is_clean and result.ssids == SSIDS[:1]


def test_a_zip_that_is_not_a_workbook_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    result = read_ssid_file(output.getvalue(), filename="letter.xlsx")
    assert only_problem(result) == "letter.xlsx is a zip file but not an Excel workbook."


def test_a_library_surprise_becomes_a_message(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("Maria Garcia 2015-04-30")

    monkeypatch.setattr(ssid_files, "_collect", broken)
    with caplog.at_level(logging.DEBUG):
        result = read_ssid_file(csv_bytes("ssid", *SSIDS), filename="x.csv")
    assert only_problem(result).startswith("x.csv could not be read.")
    assert "RuntimeError" in caplog.text and "Maria" not in caplog.text


# The template


def test_the_csv_template_is_the_heading_alone():
    assert template_csv() == b"ssid\r\n"
    filled = template_csv() + csv_bytes(*SSIDS)
    assert read_ssid_file(filled, filename=ssid_files.TEMPLATE_CSV_NAME).ssids == SSIDS


def test_the_workbook_template_keeps_ssids_as_text_and_reads_back():
    book = load_workbook(io.BytesIO(template_xlsx()))
    sheet = book.active
    assert sheet["A1"].value == "ssid" and sheet.max_row == MAX_SSIDS + 1
    assert sheet["A2"].value is None and sheet["A2"].number_format == "@"
    assert read_ssid_file(template_xlsx(), filename="t.xlsx").problems[0].message == (
        "t.xlsx holds no SSIDs."
    )
    for row, ssid in enumerate(["0123456789", *SSIDS], start=2):
        sheet.cell(row=row, column=1, value=ssid)
    output = io.BytesIO()
    book.save(output)
    result = read_ssid_file(output.getvalue(), filename="t.xlsx")
    assert result.is_clean and result.ssids == ["0123456789", *SSIDS]


# Budgets: rows, cells, XML declarations


@pytest.mark.parametrize(
    "declaration",
    [
        # Billion laughs: ten entities, each ten of the one before.
        b'<!DOCTYPE x [<!ENTITY a "lol">'
        + b"".join(b'<!ENTITY a%d "%s">' % (i, b"&a;" * 10) for i in range(1, 10))
        + b"]>",
        # An external entity reading a server file.
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    ],
)
def test_xml_with_a_document_type_is_refused_before_parsing(monkeypatch, declaration):
    def never(*args, **kwargs):
        raise AssertionError("openpyxl parsed a document type declaration")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    data = workbook([["ssid"], [int(SSIDS[0])]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    data = _replace_part(data, "xl/worksheets/sheet1.xml", declaration + sheet)
    result = read_ssid_file(data, filename="entities.xlsx")
    assert only_problem(result).startswith("entities.xlsx holds XML that Excel never writes")


def test_a_csv_line_of_a_million_commas_runs_out_of_cells():
    result = read_ssid_file(b"1," * (1024 * 1024 - 8), filename="wide.csv")
    assert only_problem(result).startswith("wide.csv has more than 10,000 rows or 100,000 cells.")


def test_a_csv_of_more_than_10000_rows_stops_there():
    data = "".join(f"{3_000_000_000 + n}\r\n" for n in range(20_000)).encode()
    result = read_ssid_file(data, filename="long.csv")
    assert kinds(result) == {ProblemKind.LIMIT}
    assert only_problem(result).startswith("long.csv has more than 10,000 rows")


def test_many_data_columns_are_named_five_then_counted():
    result = read_ssid_file(csv_bytes("ssid", SSIDS[0] + ",x" * 30), filename="wide.csv")
    assert [p.message.split(" has data")[0] for p in result.problems[:5]] == [
        "Column B",
        "Column C",
        "Column D",
        "Column E",
        "Column F",
    ]
    assert result.problems[5].message.startswith("25 more columns have data.")
    assert len(result.problems) == 6


def test_a_column_past_excels_last_is_named_by_number():
    result = read_ssid_file(csv_bytes(SSIDS[0] + "," * 20_000 + "x"), filename="far.csv")
    assert only_problem(result).startswith("Column 20,001 has data (first in row 1).")
