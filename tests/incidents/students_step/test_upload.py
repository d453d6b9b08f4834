"""Uploading the SSIDs on the wizard's Students step (F-3, F-10; issue 8, part 3): CSV and XLSX
files of up to 500 SSIDs, the count, every bad row listed with its number, and each hostile file
refused with a plain message, no 5xx, and nothing stored. The reading itself is tested in
test_ssid_files.py; these tests go through the view."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from incidents import services
from incidents.students_views import BoundedUploadHandler
from incidents.upload_files import MAX_FILE_BYTES
from stairs.vocabulary import SsidInputType
from students.models import TestStatus
from tests.incidents.conftest import draft
from tests.incidents.students_step.helpers import (
    NOT_FOUND,
    pupils,
    saved_ssids,
    step_url,
)
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db


def csv_file(*lines: str, name: str = "ssids.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\r\n".join(lines).encode(), content_type="text/csv")


def workbook(*rows: list[object]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def upload(client, case, file, *, count, action="next", ssids=""):
    return client.post(
        step_url(case),
        {"student_count": count, "ssids": ssids, "ssid_file": file, "action": action},
    )


def file_errors(response) -> list[str]:
    return response.context["form"].errors.get("ssid_file", [])


def problems(response) -> list[str]:
    return [problem.message for problem in response.context["form"].file_problems]


# Files that are fine


def test_twelve_ssids_in_a_csv_are_saved_as_an_upload(signed_in, case):
    # rule F-3: 11 or more students are uploaded
    ssids = [s.ssid for s in pupils(case.school, 12)]
    response = upload(signed_in, case, csv_file("ssid", *ssids), count=12)
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:wizard_confirm", args=[case.pk])
    case.refresh_from_db()
    assert saved_ssids(case) == ssids
    assert (case.student_count, case.ssid_input_type) == (12, SsidInputType.UPLOAD)


def test_a_workbook_with_ssids_stored_as_numbers_is_saved(signed_in, case):
    ssids = [s.ssid for s in pupils(case.school, 12)]
    data = workbook(["ssid"], *[[int(ssid)] for ssid in ssids])
    response = upload(signed_in, case, SimpleUploadedFile("list.xlsx", data), count=12)
    assert response.status_code == 302
    assert saved_ssids(case) == ssids


def test_a_small_list_may_be_uploaded_too(signed_in, case):
    ssids = [s.ssid for s in pupils(case.school, 2)]
    assert upload(signed_in, case, csv_file(*ssids), count=2).status_code == 302
    case.refresh_from_db()
    assert case.ssid_input_type == SsidInputType.UPLOAD


def test_500_ssids_in_a_file_are_accepted(signed_in, case):
    # rule F-3: an upload holds at most 500 SSIDs (its speed is a benchmark, not a timed test)
    ssids = [s.ssid for s in pupils(case.school, 500)]
    response = upload(signed_in, case, csv_file("ssid", *ssids), count=500)
    assert response.status_code == 302
    assert saved_ssids(case) == ssids


def test_501_ssids_in_a_file_are_refused(signed_in, case):
    # rule F-3
    ssids = [s.ssid for s in pupils(case.school, 501)]
    response = upload(signed_in, case, csv_file("ssid", *ssids), count=500)
    assert response.status_code == 200
    assert file_errors(response) == [
        "ssids.csv holds 501 SSIDs; one upload takes at most 500. Split the students into "
        "cases of at most 500. Nothing was saved."
    ]
    assert saved_ssids(case) == []


def test_the_number_of_students_must_match_the_file(signed_in, case):
    # rule F-3: the count must match the SSIDs
    ssids = [s.ssid for s in pupils(case.school, 11)]
    response = upload(signed_in, case, csv_file("ssid", *ssids), count=12)
    assert response.context["form"].errors["student_count"] == [
        "You said 12 students and the file has 11 SSIDs. Correct the number or the SSIDs."
    ]
    assert saved_ssids(case) == []


def test_a_bad_number_and_a_bad_file_are_reported_together(signed_in, case):
    response = upload(signed_in, case, csv_file("ssid", "12345"), count=501)
    errors = response.context["form"].errors
    assert errors["student_count"] == ["One case holds at most 500 students. File several cases."]
    assert errors["ssid_file"] == [
        "Row 2: 12345 is not an SSID: an SSID is 10 digits. Nothing was saved."
    ]


def test_typing_and_uploading_at_once_is_refused(signed_in, case):
    ssids = [s.ssid for s in pupils(case.school, 12)]
    response = upload(signed_in, case, csv_file(*ssids), count=12, ssids=ssids[0])
    assert file_errors(response) == [
        "Type the SSIDs or upload a file, not both. Empty the SSIDs box to use the file."
    ]
    assert saved_ssids(case) == []


def test_an_uploaded_list_stays_when_the_step_is_sent_again_without_a_file(signed_in, case):
    # Nothing lost: Back to this step and Next again keeps the file's SSIDs.
    ssids = [s.ssid for s in pupils(case.school, 12)]
    upload(signed_in, case, csv_file(*ssids), count=12)
    page = signed_in.get(step_url(case))
    assert "12 SSIDs from an uploaded file are saved with this draft" in page.content.decode()
    assert page.context["form"]["ssids"].value() == ""
    response = signed_in.post(step_url(case), {"student_count": 12, "ssids": "", "action": "next"})
    assert response.status_code == 302
    assert saved_ssids(case) == ssids
    mismatch = signed_in.post(step_url(case), {"student_count": 13, "action": "next"})
    assert mismatch.context["form"].errors["student_count"] == [
        "You said 13 students and the uploaded file has 12 SSIDs. Correct the number or the SSIDs."
    ]


def test_a_rounded_looking_ssid_is_saved_with_a_note_to_check_it(signed_in, case):
    pupil = pupils(case.school, 1, start=1_234_567_890)[0]
    response = upload(signed_in, case, csv_file("ssid", "1.23456789E+09"), count=1, action="check")
    assert response.status_code == 302
    page = signed_in.get(response["Location"]).content.decode()
    assert "Row 2: 1.23456789E+09 was read as 1234567890" in page
    assert saved_ssids(case) == [pupil.ssid]


def test_check_after_an_upload_shows_the_eligibility(signed_in, case):
    students = pupils(case.school, 12)
    for student in students[:2]:
        make_event(student, status=TestStatus.SUBMITTED)
    file = csv_file(*[s.ssid for s in students])
    response = upload(signed_in, case, file, count=12, action="check")
    assert response["Location"] == step_url(case) + "#eligibility"
    html = signed_in.get(step_url(case)).content.decode()
    assert html.count("rule A-REOPEN-1") == 2
    assert html.count("None for this test and part") == 10


# Bad rows, each with its row number, and nothing saved


def test_every_bad_row_is_listed_with_its_number(signed_in, case):
    # rule F-3
    good = [s.ssid for s in pupils(case.school, 11)]
    file = csv_file("ssid", good[0], "12345", good[1], good[0], *good[2:])
    response = upload(signed_in, case, file, count=12)
    assert response.status_code == 200
    assert file_errors(response)[0].startswith("ssids.csv has 2 problems, listed below")
    assert problems(response) == [
        "Row 3: 12345 is not an SSID: an SSID is 10 digits.",
        f"Row 5: {good[0]} is a duplicate of row 2.",
    ]
    html = response.content.decode()
    assert 'id="file-problems"' in html and "Row 5:" in html
    assert saved_ssids(case) == []


def test_unknown_and_foreign_ssids_are_listed_by_row_in_the_same_words(signed_in, case, tree):
    # rule F-10: an unknown SSID and another LEA's read the same
    good = [s.ssid for s in pupils(case.school, 10)]
    foreign = StudentFactory(school=tree.school_b1).ssid
    unknown = "9999999999"
    response = upload(signed_in, case, csv_file("ssid", *good, foreign, unknown), count=12)
    assert problems(response) == [
        f"Row 12: SSID {foreign}: {NOT_FOUND}",
        f"Row 13: SSID {unknown}: {NOT_FOUND}",
    ]
    assert file_errors(response) == [
        "2 SSIDs of the file are not found, or not in your schools; they are listed below the "
        "file field. Nothing was saved."
    ]
    assert saved_ssids(case) == []


def test_one_foreign_ssid_reads_exactly_like_one_unknown_ssid(signed_in, case, tree):
    # rule F-10
    good = [s.ssid for s in pupils(case.school, 11)]
    foreign = StudentFactory(school=tree.school_b1).ssid
    seen = {}
    for ssid in (foreign, "9999999999"):
        response = upload(signed_in, case, csv_file("ssid", *good, ssid), count=12)
        seen[ssid] = [m.replace(ssid, "X") for m in file_errors(response) + problems(response)]
    assert (
        seen[foreign]
        == seen["9999999999"]
        == [
            f"Row 13: SSID X: {NOT_FOUND} Nothing was saved.",
            f"Row 13: SSID X: {NOT_FOUND}",
        ]
    )


def test_names_in_the_file_are_refused_and_not_repeated(signed_in, case):
    # rule F-3: SSIDs only, no names
    good = [s.ssid for s in pupils(case.school, 12)]
    rows = ["ssid,first name"] + [f"{ssid},Maria{n}" for n, ssid in enumerate(good)]
    response = upload(signed_in, case, csv_file(*rows), count=12)
    assert response.status_code == 200
    assert any(
        "headed like a name" in message for message in problems(response) + file_errors(response)
    )
    assert "Maria" not in response.content.decode()
    assert saved_ssids(case) == []


# Hostile files: a message, no 5xx, nothing stored


def _zip_bomb() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(16):
                member.write(b"\0" * (1024 * 1024))
    return output.getvalue()


def _truncated() -> bytes:
    data = workbook(["ssid"], *[[1_000_000_000 + n] for n in range(12)])
    return data[: len(data) // 2]


HOSTILE = {
    "names": ("names.csv", b"ssid\r\nMaria Garcia\r\nLee Chan\r\n", "has letters"),
    "formula": (
        "f.csv",
        b'ssid\r\n=HYPERLINK("http://x")\r\n',
        "which a spreadsheet runs as a formula",
    ),
    "zip bomb": ("bomb.xlsx", None, "unpacks to far more than a list of 500 SSIDs needs"),
    "csv renamed xlsx": (
        "list.xlsx",
        b"ssid\r\n1234567890\r\n",
        "looks like a text or CSV file renamed .xlsx",
    ),
    "truncated workbook": ("cut.xlsx", None, "is damaged or incomplete"),
    "old xls": (
        "old.xlsx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "old Excel (.xls) file",
    ),
    "other extension": ("list.pdf", b"%PDF-1.4", "is not a CSV or Excel (.xlsx) file"),
    "empty": ("empty.csv", b"", "empty.csv is empty."),
}


@pytest.fixture
def typed_case(case, lea_coordinator):
    """The draft already holds two typed SSIDs: a refused file must leave them as they are."""
    ssids = [s.ssid for s in pupils(case.school, 2, start=7_900_000_000)]
    services.case_set_students(case=case, actor=lea_coordinator, ssids=ssids)
    services.case_update_draft(case=case, actor=lea_coordinator, student_count=2)
    return case


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_file_gets_a_plain_message_and_stores_nothing(signed_in, typed_case, kind):
    # rule F-3
    name, data, expected = HOSTILE[kind]
    if data is None:
        data = _zip_bomb() if kind == "zip bomb" else _truncated()
    before = saved_ssids(typed_case)
    response = upload(signed_in, typed_case, SimpleUploadedFile(name, data), count=12)
    assert response.status_code == 200
    messages = file_errors(response) + problems(response)
    assert any(expected in message for message in messages), messages
    assert "Nothing was saved" in file_errors(response)[0]
    typed_case.refresh_from_db()
    assert saved_ssids(typed_case) == before
    assert (typed_case.student_count, typed_case.ssid_input_type) == (2, SsidInputType.TYPED)


def _multipart(boundary: str, fields: dict[str, str], filename: str, content: bytes) -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="ssid_file"; '
        f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def raw_upload(client, case, filename: str, content: bytes, count: int = 12):
    boundary = "stairsboundary7MA4YWxkTrZu0gW"
    body = _multipart(boundary, {"student_count": str(count), "action": "next"}, filename, content)
    return client.generic(
        "POST",
        step_url(case),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_a_20mb_file_is_refused_in_plain_words_not_with_a_400_or_413(signed_in, typed_case):
    # rule F-3; issue 8: "a 20 MB file ... refuse with a plain message, no 5xx"
    before = saved_ssids(typed_case)
    content = b"ssid\r\n" + b"1234567890\r\n" * (20 * 1024 * 1024 // 12)
    response = raw_upload(signed_in, typed_case, "big.csv", content)
    assert response.status_code == 200
    assert file_errors(response)[0].startswith("The file is larger than 2 MB")
    assert saved_ssids(typed_case) == before


@pytest.mark.parametrize("filename", ["../../etc/ssids.csv", "C:\\Users\\coordinator\\ssids.csv"])
def test_a_path_in_the_file_name_is_never_shown(signed_in, typed_case, filename):
    # The name's folders are dropped: a message names the file by its base name only.
    response = raw_upload(signed_in, typed_case, filename, b"", count=1)
    assert response.status_code == 200
    main = response.content.decode().split("<main")[1].split("</main>")[0]
    assert file_errors(response) == ["ssids.csv is empty. Nothing was saved."]
    for folder in ("../", "etc/", "Users", "coordinator", "C:"):
        assert folder not in main


def test_the_upload_handler_keeps_at_most_the_limit_in_memory():
    request = RequestFactory().post("/")
    handler = BoundedUploadHandler(request)
    handler.new_file("ssid_file", "big.csv", "text/csv", None)
    chunk = b"1" * (1024 * 1024)
    for start in range(0, 20 * len(chunk), len(chunk)):
        assert handler.receive_data_chunk(chunk, start) is None
    kept = handler.file_complete(20 * len(chunk))
    assert kept.size == 20 * len(chunk)  # the true size, so read_ssid_file refuses it
    assert len(kept.read()) == MAX_FILE_BYTES + 1


def test_the_upload_handler_drops_other_files_and_a_second_ssid_file():
    request = RequestFactory().post("/")
    handler = BoundedUploadHandler(request)
    handler.new_file("other", "x.csv", "text/csv", None)
    handler.receive_data_chunk(b"1234567890", 0)
    assert handler.file_complete(10) is None
    handler.new_file("ssid_file", "a.csv", "text/csv", None)
    handler.receive_data_chunk(b"1234567890", 0)
    assert handler.file_complete(10).read() == b"1234567890"
    handler.new_file("ssid_file", "b.csv", "text/csv", None)
    handler.receive_data_chunk(b"1234567890", 0)
    assert handler.file_complete(10) is None


# Query counts


def test_an_upload_costs_the_same_queries_for_3_and_30_ssids(
    signed_in, lea_coordinator, tree, windows, filing_day
):
    counts = []
    warm_up = draft(lea_coordinator, tree.school_a1)
    upload(
        signed_in,
        warm_up,
        csv_file(*[s.ssid for s in pupils(tree.school_a1, 2, start=7_300_000_000)]),
        count=2,
    )
    for size, start in ((3, 7_100_000_000), (30, 7_200_000_000)):
        case = draft(lea_coordinator, tree.school_a1)
        students = pupils(case.school, size, start=start)
        for student in students:
            make_event(student, status=TestStatus.SUBMITTED)
        with CaptureQueriesContext(connection) as queries:
            response = upload(signed_in, case, csv_file(*[s.ssid for s in students]), count=size)
        assert response.status_code == 302
        counts.append(len(queries))
    assert counts[0] == counts[1]
