"""Search STAIRS (issue 8, part 8): every case in scope, drafts included (F-5), filters, sorting,
pagination, bad input, scope (part 9; U-4, F-7, F-10) and a fixed number of queries."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import services
from incidents.case_models import Case
from incidents.case_views import SCHOOL_SELECT_MAX
from stairs.vocabulary import CaseStatus
from tests.factories import Role, SchoolFactory, user_with_role
from tests.incidents.conftest import draft
from tests.incidents.test_case_page import students_of, submitted

pytestmark = pytest.mark.django_db

URL = reverse("incidents:search")


def _rows(response) -> list[str]:
    """The case labels listed, in order ("2027-000001", "Draft 12")."""
    body = response.content.decode()
    return re.findall(r'<th scope="row"[^>]*><a href="/cases/\d+/">([^<]+)</a></th>', body)


def _label(case: Case) -> str:
    return case.number or f"Draft {case.pk}"


@pytest.fixture
def cases(tree, colleague, lea_coordinator, outsider, windows, submitted_students):
    """A submitted case and a draft at school A1, a draft at A2, and a case of LEA B."""
    students_b = students_of(tree.school_b1, 1)
    return {
        "a1": submitted(colleague, tree.school_a1, submitted_students),
        "a1_draft": draft(colleague, tree.school_a1, incident_code="STUDENT_DISRUPTION"),
        "a2_draft": draft(lea_coordinator, tree.school_a2, incident_date=date(2027, 2, 1)),
        "b1": submitted(outsider, tree.school_b1, students_b),
    }


# --- scope (part 9) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("lea_coordinator", {"a1", "a1_draft", "a2_draft"}),
        ("colleague", {"a1", "a1_draft"}),  # a site role: its own school (U-4)
        ("outsider", {"b1"}),  # another LEA: nothing of LEA A (U-4)
        ("cde_reviewer", {"a1", "a1_draft", "a2_draft", "b1"}),
        ("caltac_agent", {"a1", "a1_draft", "a2_draft", "b1"}),
        ("test_administrator", set()),  # files nothing, sees no case
    ],
)
def test_an_empty_search_lists_every_case_in_scope(request, client, cases, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert set(_rows(response)) == {_label(cases[key]) for key in expected}


def test_a_coordinator_sees_only_their_programs_cases(client, tree, cases):
    # rule F-7: an ELPAC coordinator of LEA A does not see its CAASPP cases
    client.force_login(user_with_role(Role.LEA_ELPAC_COORDINATOR, tree.lea_a))
    assert _rows(client.get(URL)) == []


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_newest_first_with_drafts_on_top(client, lea_coordinator, cases):
    client.force_login(lea_coordinator)
    rows = _rows(client.get(URL))
    assert rows[-1] == cases["a1"].number
    assert set(rows[:2]) == {_label(cases["a1_draft"]), _label(cases["a2_draft"])}


# --- filters ----------------------------------------------------------------------------------


def _search(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return _rows(response)


def test_the_case_number_filter_takes_the_whole_number_or_its_beginning(
    client, cde_reviewer, cases
):
    client.force_login(cde_reviewer)
    number = cases["a1"].number
    assert _search(client, number=number) == [number]
    assert set(_search(client, number=number[:5])) == {number, cases["b1"].number}
    assert _search(client, number="1999-") == []


def test_the_status_filter_finds_drafts(client, lea_coordinator, cases):
    # rule F-5: drafts are listed in Search STAIRS
    client.force_login(lea_coordinator)
    drafts = {_label(cases["a1_draft"]), _label(cases["a2_draft"])}
    assert set(_search(client, status=CaseStatus.DRAFT)) == drafts
    assert _search(client, status=CaseStatus.PENDING_CALTAC_APPROVAL) == [cases["a1"].number]
    assert _search(client, status=CaseStatus.COMPLETED) == []


def test_a_coordinator_picks_one_of_their_schools(client, tree, lea_coordinator, cases):
    client.force_login(lea_coordinator)
    body = client.get(URL).content.decode()
    assert '<select name="school"' in body
    assert tree.school_b1.name not in body  # only the schools in scope are offered
    assert _search(client, school=tree.school_a2.pk) == [_label(cases["a2_draft"])]
    # Another LEA's school is not a choice: an error by the field, not its cases.
    response = client.get(URL, {"school": tree.school_b1.pk})
    assert "Select a valid choice" in response.content.decode()
    assert _rows(response) == []


def test_more_filters_fold_away_until_one_is_used(client, lea_coordinator, cases):
    client.force_login(lea_coordinator)
    assert '<details class="mt-3">' in client.get(URL).content.decode()
    assert '<details class="mt-3" open>' in client.get(URL, {"test": "SB_MATH"}).content.decode()
    assert '<details class="mt-3">' in client.get(URL, {"ssid": "1234567890"}).content.decode()
    body = client.get(URL, {"date_to": "not a date"}).content.decode()
    assert '<details class="mt-3" open>' in body  # an error is never folded away


def test_cde_types_a_cds_code_or_part_of_a_school_name(client, tree, cde_reviewer, cases):
    client.force_login(cde_reviewer)
    body = client.get(URL).content.decode()
    assert '<select name="school"' not in body
    assert 'name="school_text"' in body
    assert _search(client, school_text="Birch") == [cases["b1"].number]
    assert set(_search(client, school_text=tree.school_a1.cds_code[:12])) == {
        _label(cases["a1"]),
        _label(cases["a1_draft"]),
        _label(cases["a2_draft"]),
    }


def test_a_large_lea_types_a_school_instead_of_choosing_from_a_thousand(
    client, tree, lea_coordinator, cases
):
    client.force_login(lea_coordinator)
    assert '<select name="school"' in client.get(URL).content.decode()  # two schools
    for number in range(SCHOOL_SELECT_MAX):
        SchoolFactory(parent=tree.lea_a, name=f"Alder Annex {number}")
    body = client.get(URL).content.decode()
    assert '<select name="school"' not in body
    assert 'name="school_text"' in body
    # Still the coordinator's own cases only: the text finds no other LEA's school (U-4).
    assert _search(client, school_text="Birch") == []
    assert set(_search(client, school_text="Alder Elementary")) == {
        _label(cases["a1"]),
        _label(cases["a1_draft"]),
    }


def test_the_test_and_incident_type_filters(client, lea_coordinator, cases):
    client.force_login(lea_coordinator)
    assert _search(client, incident_type="STUDENT_DISRUPTION") == [_label(cases["a1_draft"])]
    assert len(_search(client, test="SB_MATH")) == 3
    assert _search(client, test="SUMMATIVE_ELPAC") == []


def test_the_incident_date_range(client, lea_coordinator, cases):
    client.force_login(lea_coordinator)
    assert _search(client, date_from="2027-01-15", date_to="2027-02-15") == [
        _label(cases["a2_draft"])
    ]
    assert _search(client, date_from="2027-03-09") and _label(cases["a2_draft"]) not in _search(
        client, date_from="2027-03-09"
    )


def test_the_ssid_filter_matches_nothing_outside_scope(
    client, lea_coordinator, cases, submitted_students
):
    client.force_login(lea_coordinator)
    assert _search(client, ssid=submitted_students[0].ssid) == [cases["a1"].number]
    # rule F-10: LEA B's student and an SSID that does not exist get the same answer
    foreign = cases["b1"].students.get().student.ssid
    for ssid in (foreign, "9999999999"):
        response = client.get(URL, {"ssid": ssid})
        assert _rows(response) == []
        assert "No case matches these filters" in response.content.decode()


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"date_from": "2027-13-45"}, "date_from", "Enter a valid date."),
        ({"sort": "password; DROP TABLE"}, "sort", "Select a valid choice."),
        ({"ssid": "12345"}, "ssid", "An SSID is exactly 10 digits."),
        ({"number": "abc"}, "number", "A case number is the year"),
        ({"status": "LOST"}, "status", "Select a valid choice."),
        ({"date_from": "2027-03-01", "date_to": "2027-02-01"}, "date_to", "before the start"),
    ],
)
def test_bad_filters_get_a_message_by_the_field_and_no_list(
    client, lea_coordinator, cases, params, field, message
):
    client.force_login(lea_coordinator)
    response = client.get(URL, params)
    assert response.status_code == 200
    body = response.content.decode()
    error = re.search(rf'<div id="id_{field}_error"[^>]*>([^<]*)</div>', body)
    assert error and message in error.group(1)
    described = re.search(rf'id="id_{field}"[^>]*aria-describedby="([^"]*)"', body)
    assert described and f"id_{field}_error" in described.group(1).split()
    assert "data-error-summary" in body
    assert _rows(response) == []


# --- sorting and pages ------------------------------------------------------------------------


def test_columns_sort_both_ways_with_aria_sort(client, cde_reviewer, cases):
    client.force_login(cde_reviewer)
    response = client.get(URL, {"sort": "number", "status": "PENDING_CALTAC_APPROVAL"})
    rows = _rows(response)
    assert rows == sorted(rows)
    body = response.content.decode()
    assert body.count("aria-sort=") == 1
    assert (
        'aria-sort="ascending"><a href="?status=PENDING_CALTAC_APPROVAL&amp;sort=-number"' in body
    )
    descending = _rows(client.get(URL, {"sort": "-number", "status": "PENDING_CALTAC_APPROVAL"}))
    assert descending == list(reversed(rows))
    by_school = _rows(client.get(URL, {"sort": "school"}))
    assert by_school[-1] == cases["b1"].number  # Birch High after the Alder schools


def test_results_come_25_to_a_page_and_the_links_keep_the_filters(
    client, tree, colleague, windows, filing_day
):
    for _ in range(27):
        draft(colleague, tree.school_a1)
    client.force_login(colleague)
    first = client.get(URL, {"status": "DRAFT"})
    assert len(_rows(first)) == 25
    assert "27 cases matching the filters" in first.content.decode()
    assert "?status=DRAFT&amp;page=2" in first.content.decode()
    assert len(_rows(client.get(URL, {"status": "DRAFT", "page": 2}))) == 2


def test_each_row_shows_the_case_at_a_glance(client, colleague, cases):
    client.force_login(colleague)
    body = client.get(URL, {"number": cases["a1"].number}).content.decode()
    for expected in (
        "Pending CalTAC approval",
        "Alder Elementary",
        "Smarter Balanced Mathematics, non-PT (CAT)",
        "Student submitted the test before finishing",
        "Mar 9, 2027",
        "<td>3</td>",  # students
        ">Late</span>",  # 24.5 hours after the incident (S-5)
    ):
        assert expected in body, expected


def test_the_log_links_carry_the_filters(client, lea_coordinator, cases):
    client.force_login(lea_coordinator)
    body = client.get(URL, {"status": "DRAFT", "page": "1"}).content.decode()
    assert f"{reverse('incidents:log', args=['csv'])}?status=DRAFT" in body
    assert f"{reverse('incidents:log', args=['xlsx'])}?status=DRAFT" in body


def test_a_filer_is_offered_to_file_a_case_and_a_reader_is_not(client, colleague, cde_reviewer):
    client.force_login(colleague)
    assert reverse("incidents:new") in client.get(URL).content.decode()
    client.force_login(cde_reviewer)
    assert reverse("incidents:new") not in client.get(URL).content.decode()


# --- a fixed number of queries ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["lea_coordinator", "cde_reviewer"])
@pytest.mark.parametrize("params", [{}, {"status": "PENDING_CALTAC_APPROVAL", "test": "SB_MATH"}])
def test_a_page_costs_the_same_queries_for_3_or_30_cases(
    request, client, tree, colleague, windows, filing_day, persona, params
):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    def queries_with(count: int) -> int:
        while Case.objects.count() < count:
            submitted(colleague, tree.school_a1, students_of(tree.school_a1, 2))
        client.get(URL, params)  # the session's first-request writes are not the page's
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, params)
        assert len(_rows(response)) == min(count, 25)
        return len(captured.captured_queries)

    few = queries_with(3)
    assert queries_with(30) == few
    # session, user, scope, cases_for's grants, schools, incident types, count, page, the bell's
    # unread notices
    assert few <= 10


def test_a_submitted_case_lists_its_number_and_a_draft_its_id(
    client, tree, colleague, windows, submitted_students
):
    case = draft(colleague, tree.school_a1, students=submitted_students)
    client.force_login(colleague)
    assert _rows(client.get(URL)) == [f"Draft {case.pk}"]
    services.case_submit(case=case, actor=colleague)
    case.refresh_from_db()
    assert _rows(client.get(URL)) == [case.number]


# --- the navigation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, files, searches",
    [
        ("lea_coordinator", True, True),
        ("colleague", True, True),  # a site coordinator files for their school (F-7)
        ("caltac_agent", True, True),  # a Restore on an LEA's behalf (A-RESTORE-1)
        ("cde_reviewer", False, True),  # reviews, never files
        ("test_administrator", False, False),  # tells the site coordinator; sees no case
    ],
)
def test_the_navigation_offers_filing_and_search_by_role(
    request, client, tree, persona, files, searches
):
    client.force_login(request.getfixturevalue(persona))
    links = [(item.label, item.url) for item in client.get(reverse("home")).context["nav_items"]]
    assert (("File a case", reverse("incidents:new")) in links) == files
    assert (("Search STAIRS", URL) in links) == searches
