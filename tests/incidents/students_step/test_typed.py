"""The wizard's Students step (F-1 step 4, F-3, F-10; issue 8, parts 3 and 4) with typed SSIDs:
the number of students, the SSIDs, the eligibility shown before submitting (htmx preview that
saves nothing, and the Check button without JavaScript), the template downloads, who may open
the step, and its query counts. Uploads: test_upload.py."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import services
from incidents.case_models import CaseEvent
from stairs.vocabulary import SsidInputType
from students.models import TestStatus
from tests.incidents.conftest import draft
from tests.incidents.students_step.helpers import (
    NOT_FOUND,
    preview_url,
    pupils,
    saved_ssids,
    step_url,
)
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db


def field_errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


def post(client, case, ssids=(), *, count=None, action="next", **extra):
    data = {"ssids": "\n".join(ssids), "action": action, **extra}
    data["student_count"] = len(ssids) if count is None else count
    return client.post(step_url(case), data)


# The page


def test_the_page_offers_the_fields_the_template_downloads_and_the_check_button(signed_in, case):
    response = signed_in.get(step_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for needle in (
        'name="student_count"',
        'name="ssids"',
        'type="file" name="ssid_file"',
        'enctype="multipart/form-data"',
        reverse("incidents:ssid_template", args=["csv"]),
        reverse("incidents:ssid_template", args=["xlsx"]),
        'name="action" value="check"',
        'id="eligibility" aria-live="polite"',
        'hx-post="' + preview_url(case),
        "<progress",
        "js/upload.js",
        "No SSIDs saved yet.",
    ):
        assert needle in html, needle
    # CSP: the page's script is a file, never inline.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html.split("</head>")[1])


def test_the_page_shows_the_saved_ssids_and_their_eligibility(signed_in, case, lea_coordinator):
    pupil = StudentFactory(school=case.school)
    make_event(pupil, status=TestStatus.SUBMITTED)
    services.case_set_students(case=case, actor=lea_coordinator, ssids=[pupil.ssid])
    response = signed_in.get(step_url(case))
    form = response.context["form"]
    assert form["ssids"].value() == pupil.ssid
    assert form["student_count"].value() == 1
    assert "Re-open" in response.content.decode()
    assert "rule A-REOPEN-1" in response.content.decode()


# Typed SSIDs (F-3)


def test_three_typed_ssids_are_saved_and_next_goes_to_confirm(signed_in, case, submitted_students):
    # rule F-3
    ssids = [s.ssid for s in submitted_students]
    response = post(signed_in, case, ssids)
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:wizard_confirm", args=[case.pk])
    case.refresh_from_db()
    assert saved_ssids(case) == ssids
    assert (case.student_count, case.ssid_input_type) == (3, SsidInputType.TYPED)


def test_ssids_may_be_separated_by_commas_and_spaces_and_repeats_count_once(signed_in, case):
    # rule F-3
    a, b, c = (s.ssid for s in pupils(case.school, 3))
    response = signed_in.post(
        step_url(case), {"student_count": 3, "ssids": f" {a}, {b} {c};\n{a}\n", "action": "next"}
    )
    assert response.status_code == 302
    assert saved_ssids(case) == [a, b, c]


def test_ten_typed_ssids_are_accepted(signed_in, case):
    # rule F-3: 10 or fewer may be typed
    ssids = [s.ssid for s in pupils(case.school, 10)]
    assert post(signed_in, case, ssids).status_code == 302
    assert saved_ssids(case) == ssids


def test_eleven_typed_ssids_are_refused_and_an_upload_asked_for(signed_in, case):
    # rule F-3: 11 or more students are uploaded
    ssids = [s.ssid for s in pupils(case.school, 11)]
    response = post(signed_in, case, ssids)
    assert response.status_code == 200
    (message,) = field_errors(response, "ssids")
    assert message.startswith("You typed 11 SSIDs; up to 10 may be typed.")
    assert "upload the SSIDs in a file" in message
    assert saved_ssids(case) == []


def test_eleven_students_need_a_file_even_with_ten_ssids_typed(signed_in, case):
    # rule F-3
    ssids = [s.ssid for s in pupils(case.school, 10)]
    response = post(signed_in, case, ssids, count=11)
    assert field_errors(response, "ssids") == [
        "With 11 or more students, upload the SSIDs in a file (download the template below the "
        "file field)."
    ]
    assert saved_ssids(case) == []


def test_eleven_students_and_no_ssids_ask_for_the_file(signed_in, case):
    # rule F-3
    response = post(signed_in, case, [], count=11)
    assert field_errors(response, "ssid_file")[0].startswith("With 11 or more students, upload")


def test_the_number_of_students_is_required_and_within_1_to_500(signed_in, case):
    ssid = pupils(case.school, 1)[0].ssid
    response = post(signed_in, case, [ssid], count="")
    assert field_errors(response, "student_count") == ["Give the number of students."]
    for count in (0, 501):
        assert field_errors(post(signed_in, case, [ssid], count=count), "student_count")
    assert saved_ssids(case) == []


def test_the_count_must_match_the_ssids(signed_in, case):
    # rule F-3: the count must match the SSIDs
    ssids = [s.ssid for s in pupils(case.school, 2)]
    response = post(signed_in, case, ssids, count=3)
    assert field_errors(response, "student_count") == [
        "You said 3 students and you typed 2 SSIDs. Correct the number or the SSIDs."
    ]
    assert "Please correct this problem" in response.content.decode()
    assert saved_ssids(case) == []


def test_an_entry_with_letters_is_refused_without_repeating_it(signed_in, case):
    # rule F-3: SSIDs only, never names
    ssid = pupils(case.school, 1)[0].ssid
    response = signed_in.post(
        step_url(case), {"student_count": 2, "ssids": f"{ssid}\nMariaGarcia", "action": "next"}
    )
    assert field_errors(response, "ssids") == [
        "Entry 2 has letters. Type SSIDs only (10 digits), never names."
    ]
    assert "MariaGarcia" not in response.content.decode().split("</textarea>")[1]
    assert saved_ssids(case) == []


def test_a_short_number_is_named_as_not_an_ssid(signed_in, case):
    response = signed_in.post(
        step_url(case), {"student_count": 1, "ssids": "12345", "action": "next"}
    )
    assert field_errors(response, "ssids") == [
        "Entry 1: 12345 is not an SSID: an SSID is 10 digits."
    ]


def _normalized(response, *ssids: str) -> str:
    """The page without what differs between two requests: the SSID typed, the CSRF token and
    the CSP nonce."""
    html = response.content.decode()
    for ssid in ssids:
        html = html.replace(ssid, "SSID")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def test_an_unknown_and_another_leas_ssid_get_byte_identical_pages(signed_in, case, tree):
    # rule F-10: an unknown or foreign SSID gets the same answer
    foreign = StudentFactory(school=tree.school_b1).ssid
    unknown = "9999999999"
    answers = {}
    for ssid in (foreign, unknown):
        response = post(signed_in, case, [ssid])
        assert field_errors(response, "ssids") == [f"SSID {ssid}: {NOT_FOUND}"]
        answers[ssid] = _normalized(response, ssid)
    assert answers[foreign] == answers[unknown]
    assert saved_ssids(case) == []


def test_a_refused_ssid_leaves_the_number_of_students_unchanged(signed_in, case, tree):
    # Bad input changes nothing: the count and the SSIDs are saved together or not at all.
    ssid = pupils(case.school, 1)[0].ssid
    post(signed_in, case, [ssid])
    events = CaseEvent.objects.filter(case=case).count()
    response = post(signed_in, case, [ssid, "9999999999"])
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.student_count, saved_ssids(case)) == (1, [ssid])
    assert CaseEvent.objects.filter(case=case).count() == events


# Save draft and Check eligibility


def test_save_draft_keeps_a_half_done_step_and_goes_to_the_case_page(signed_in, case):
    # rule F-5
    response = signed_in.post(step_url(case), {"student_count": 4, "ssids": "", "action": "save"})
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.student_count == 4
    # No SSIDs were given, so none were "entered": the timeline says only what changed.
    assert case.ssid_input_type == ""
    assert not CaseEvent.objects.filter(case=case, detail__contains="SSIDs entered").exists()


def test_save_draft_still_refuses_bad_ssids(signed_in, case):
    response = signed_in.post(step_url(case), {"student_count": "", "ssids": "1", "action": "save"})
    assert response.status_code == 200
    assert field_errors(response, "ssids")


def test_check_saves_and_reloads_the_page_with_the_eligibility(signed_in, case, tree):
    # Without JavaScript the Check button shows the same table as the htmx preview.
    eligible = StudentFactory(school=case.school)
    make_event(eligible, status=TestStatus.SUBMITTED)
    no_event = StudentFactory(school=case.school)
    response = post(signed_in, case, [eligible.ssid, no_event.ssid], action="check")
    assert response.status_code == 302
    assert response["Location"] == step_url(case) + "#eligibility"
    html = signed_in.get(step_url(case)).content.decode()
    table = html.split('id="eligibility"')[1]
    assert eligible.ssid in table and no_event.ssid in table
    assert "rule A-REOPEN-1" in table
    assert "No Smarter Balanced Mathematics non-PT test event for this student" in table
    assert "None for this test and part" in table
    assert saved_ssids(case) == [eligible.ssid, no_event.ssid]


def test_next_without_changes_does_not_write_the_ssids_again(signed_in, case):
    ssids = [s.ssid for s in pupils(case.school, 2)]
    post(signed_in, case, ssids)
    rows = list(case.students.values_list("pk", flat=True))
    assert post(signed_in, case, ssids).status_code == 302
    assert list(case.students.values_list("pk", flat=True)) == rows


def test_an_earlier_steps_problem_is_shown_above_the_form(signed_in, case):
    case.incident_type = None
    case.save(update_fields=["incident_type"])
    response = post(signed_in, case, [pupils(case.school, 1)[0].ssid])
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Choose the testing issue (on an earlier step)."
    ]


# The htmx preview (issue 8, part 4)


def htmx_post(client, case, text: str):
    return client.post(preview_url(case), {"ssids": text}, headers={"HX-Request": "true"})


def test_the_preview_returns_only_the_fragment_and_saves_nothing(signed_in, case):
    pupil = StudentFactory(school=case.school)
    make_event(pupil, status=TestStatus.SUBMITTED)
    events = CaseEvent.objects.filter(case=case).count()
    response = htmx_post(signed_in, case, pupil.ssid)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html and "<h1" not in html
    assert pupil.ssid in html and "rule A-REOPEN-1" in html
    assert "nothing is saved" in html
    case.refresh_from_db()
    assert saved_ssids(case) == [] and case.student_count is None
    assert CaseEvent.objects.filter(case=case).count() == events


def test_the_preview_shows_what_saving_would_save(signed_in, case, lea_coordinator):
    pupil = StudentFactory(school=case.school)
    make_event(pupil, status=TestStatus.SUBMITTED, questions_completed=7)
    preview = htmx_post(signed_in, case, pupil.ssid).content.decode()
    services.case_set_students(case=case, actor=lea_coordinator, ssids=[pupil.ssid])
    page = signed_in.get(step_url(case)).content.decode()

    def table(html: str) -> str:
        return html[html.index("<table") : html.index("</table>")]

    assert table(preview) == table(page)


def test_the_preview_gives_unknown_and_foreign_ssids_the_services_words(
    signed_in, case, tree, lea_coordinator
):
    # rule F-10
    foreign = StudentFactory(school=tree.school_b1).ssid
    unknown = "9999999999"
    pages = {}
    for ssid in (foreign, unknown):
        html = htmx_post(signed_in, case, ssid).content.decode()
        assert f"SSID {ssid}: {NOT_FOUND}" in html
        pages[ssid] = html.replace(ssid, "SSID")
        with pytest.raises(ValidationError) as refused:
            services.case_set_students(case=case, actor=lea_coordinator, ssids=[ssid])
        assert refused.value.message_dict["ssids"] == [f"SSID {ssid}: {NOT_FOUND}"]
    assert pages[foreign] == pages[unknown]


def test_the_preview_refuses_more_than_ten_and_names_no_letters(signed_in, case):
    # rule F-3
    ssids = [s.ssid for s in pupils(case.school, 11)]
    assert "up to 10 may be typed" in htmx_post(signed_in, case, " ".join(ssids)).content.decode()
    html = htmx_post(signed_in, case, "Garcia").content.decode()
    assert "Entry 1 has letters" in html and "Garcia" not in html


def test_the_preview_says_when_cde_decides_by_hand_and_why(signed_in, lea_coordinator, tree):
    # Gap in the documents (domain.md): exactly 10 non-PT questions, CDE decides by hand
    manual = StudentFactory(school=tree.school_a1)
    make_event(manual, status=TestStatus.PAUSED, questions_completed=10)
    below = StudentFactory(school=tree.school_a1)
    make_event(below, status=TestStatus.PAUSED, questions_completed=4)
    case = draft(lea_coordinator, tree.school_a1, incident_code="NONALLOWABLE_MATERIALS")
    html = htmx_post(signed_in, case, f"{manual.ssid} {below.ssid}").content.decode()
    rows = html.split("<tr>")[2:]
    assert manual.ssid in rows[0] and "CDE decides by hand, because " in rows[0]
    assert below.ssid in rows[1] and "Reset" in rows[1] and "rule A-RESET-9" in rows[1]


def test_the_preview_names_a_problem_of_an_earlier_step(signed_in, case):
    case.incident_type = None
    case.save(update_fields=["incident_type"])
    html = htmx_post(signed_in, case, pupils(case.school, 1)[0].ssid).content.decode()
    assert "Choose the testing issue (on an earlier step)." in html
    assert "<table" not in html


def test_an_emptied_box_shows_the_saved_ssids_again(signed_in, case, lea_coordinator):
    ssids = [s.ssid for s in pupils(case.school, 12)]
    services.case_set_students(case=case, actor=lea_coordinator, ssids=ssids)
    html = htmx_post(signed_in, case, "  ").content.decode()
    assert "Preview" not in html
    assert all(ssid in html for ssid in ssids)
    case.students.all().delete()
    assert "No SSIDs saved yet." in htmx_post(signed_in, case, "").content.decode()


def test_the_preview_without_htmx_goes_to_the_page(signed_in, case):
    response = signed_in.post(preview_url(case), {"ssids": "1234567890"})
    assert response.status_code == 302 and response["Location"] == step_url(case)


def test_the_preview_is_post_only(signed_in, case):
    assert signed_in.get(preview_url(case), headers={"HX-Request": "true"}).status_code == 405


def test_the_preview_costs_the_same_queries_for_one_and_ten_ssids(signed_in, case):
    ssids = [s.ssid for s in pupils(case.school, 10)]
    htmx_post(signed_in, case, ssids[0])  # warm up: the first request fills caches
    counts = []
    for some in (ssids[:1], ssids):
        with CaptureQueriesContext(connection) as queries:
            assert htmx_post(signed_in, case, " ".join(some)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# Who may open the step (U-4, F-7, F-10)


def test_a_colleague_at_the_school_may_fill_it_in(client, case, colleague):
    client.force_login(colleague)
    assert client.get(step_url(case)).status_code == 200
    pupil = pupils(case.school, 1)[0]
    assert post(client, case, [pupil.ssid]).status_code == 302


@pytest.mark.parametrize("persona", ["outsider", "test_administrator"])
def test_who_may_not_see_the_case_gets_a_404_on_the_step_and_the_preview(
    client, case, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(step_url(case)).status_code == 404
    assert post(client, case, ["1234567890"]).status_code == 404
    assert htmx_post(client, case, "1234567890").status_code == 404
    assert saved_ssids(case) == []


@pytest.mark.parametrize("persona", ["cde_reviewer", "caltac_agent"])
def test_a_reader_of_the_case_gets_a_403_on_the_step_and_the_preview(
    client, case, persona, request
):
    # rule F-7, D-3: CDE reads every case and CalTAC the LEA's own: neither fills it in
    client.force_login(request.getfixturevalue(persona))
    assert client.get(step_url(case)).status_code == 403
    assert post(client, case, ["1234567890"]).status_code == 403
    assert htmx_post(client, case, "1234567890").status_code == 403
    assert saved_ssids(case) == []


def test_a_missing_case_is_a_404(signed_in, case):
    assert (
        signed_in.get(reverse("incidents:wizard_students", args=[case.pk + 99])).status_code == 404
    )


def test_anonymous_users_are_sent_to_sign_in(client, case):
    for response in (client.get(step_url(case)), client.post(preview_url(case), {"ssids": ""})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_submitted_case_goes_to_its_case_page(
    signed_in, lea_coordinator, tree, submitted_students
):
    case = draft(lea_coordinator, tree.school_a1, students=submitted_students)
    services.case_submit(case=case, actor=lea_coordinator)
    response = signed_in.get(step_url(case))
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:detail", args=[case.pk])
    assert post(signed_in, case, ["1234567890"])["Location"] == response["Location"]


def test_posting_needs_the_csrf_token(case, lea_coordinator):
    # The view sets its own upload handler before Django's CSRF check; the check still runs.
    client = Client(enforce_csrf_checks=True)
    client.force_login(lea_coordinator)
    assert post(client, case, ["1234567890"]).status_code == 403
    assert (
        client.post(preview_url(case), {"ssids": ""}, headers={"HX-Request": "true"}).status_code
        == 403
    )


# The template downloads


def test_the_csv_template_downloads_as_an_attachment(signed_in):
    response = signed_in.get(reverse("incidents:ssid_template", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="stairs-ssid-list.csv"'
    assert response.content == b"ssid\r\n"


def test_the_workbook_template_downloads_as_an_attachment(signed_in):
    response = signed_in.get(reverse("incidents:ssid_template", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="stairs-ssid-list.xlsx"'
    assert response.content.startswith(b"PK\x03\x04")


def test_other_template_formats_are_404_and_anonymous_users_sign_in(signed_in, client):
    assert signed_in.get(reverse("incidents:ssid_template", args=["pdf"])).status_code == 404
    signed_in.logout()
    response = client.get(reverse("incidents:ssid_template", args=["csv"]))
    assert response.status_code == 302


# Query counts


def test_the_page_costs_the_same_queries_for_3_and_30_saved_ssids(
    signed_in, lea_coordinator, tree, windows, filing_day
):
    counts = []
    signed_in.get(step_url(draft(lea_coordinator, tree.school_a1)))  # warm up the caches
    for size, start in ((3, 7_100_000_000), (30, 7_200_000_000)):
        case = draft(lea_coordinator, tree.school_a1)
        students = pupils(case.school, size, start=start)
        for student in students:
            make_event(student, status=TestStatus.SUBMITTED)
        services.case_set_students(
            case=case, actor=lea_coordinator, ssids=[s.ssid for s in students], input_type="UPLOAD"
        )
        with CaptureQueriesContext(connection) as queries:
            response = signed_in.get(step_url(case))
        assert response.status_code == 200
        assert response.content.decode().count("rule A-REOPEN-1") == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
