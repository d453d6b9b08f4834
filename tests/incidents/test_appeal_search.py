"""Search Appeals (issue 9, item 8): every appeal in scope (item 10; U-4, F-10), its filters, bad
input, sorting, pagination, empty states and a fixed number of queries."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from appeals import decisions
from appeals.models import Appeal
from incidents import appeal_search, services
from incidents.listing import SCHOOL_SELECT_MAX
from stairs.vocabulary import AppealStatus, AppealType, Reviewer, TestStatus
from students import dates
from tests.factories import SchoolFactory, user_with_role
from tests.incidents.conftest import draft
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db

URL = reverse("appeals:search")


def file_case(actor, school, *, count=1, status=TestStatus.SUBMITTED, questions=5, **kwargs):
    """A submitted case of ``count`` students at ``school``, an appeal for each."""
    students = [StudentFactory(school=school, grade=5) for _ in range(count)]
    for student in students:
        make_event(student, status=status, questions_completed=questions)
    case = draft(actor, school, students=students, **kwargs)
    return services.case_submit(case=case, actor=actor)


def appeals_of(case) -> list[Appeal]:
    return list(Appeal.objects.filter(case=case).select_related("student").order_by("pk"))


@pytest.fixture
def appeals(tree, colleague, lea_coordinator, outsider, caltac_agent, windows, filing_day):
    """Two Re-opens at school A1 (one approved by CalTAC), a manual review for CDE at A1, a
    Re-open at A2 and one at LEA B; keyed by name, each an Appeal."""
    a1_open, a1_approved = appeals_of(file_case(colleague, tree.school_a1, count=2))
    decisions.appeal_approve(appeal=a1_approved, actor=caltac_agent, reason="Checked.")
    (a1_manual,) = appeals_of(
        file_case(
            colleague,
            tree.school_a1,
            status=TestStatus.PAUSED,
            questions=10,
            incident_code="NONALLOWABLE_MATERIALS",
        )
    )
    (a2,) = appeals_of(file_case(lea_coordinator, tree.school_a2))
    (b1,) = appeals_of(file_case(outsider, tree.school_b1))
    return {
        "a1_open": a1_open,
        "a1_approved": Appeal.objects.get(pk=a1_approved.pk),
        "a1_manual": a1_manual,
        "a2": a2,
        "b1": b1,
    }


_ROW = re.compile(
    r'<th scope="row"[^>]*><a href="/cases/\d+/">[^<]+</a></th>\s*'
    r'<td class="text-nowrap">(\d{10})</td>'
)


def _ssids(response) -> list[str]:
    """The SSIDs of the rows listed, in order (one appeal per SSID here)."""
    return _ROW.findall(response.content.decode())


def _search(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return _ssids(response)


def _of(appeals, *names) -> set[str]:
    return {appeals[name].student.ssid for name in names}


# --- scope (issue 9, item 10) -------------------------------------------------------------------

EVERY_APPEAL = ("a1_open", "a1_approved", "a1_manual", "a2", "b1")


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("lea_coordinator", ("a1_open", "a1_approved", "a1_manual", "a2")),
        ("colleague", ("a1_open", "a1_approved", "a1_manual")),  # a site role: its school (U-4)
        ("outsider", ("b1",)),  # another LEA: nothing of LEA A (U-4)
        ("cde_reviewer", EVERY_APPEAL),
        ("caltac_agent", EVERY_APPEAL),
        ("test_administrator", ()),  # files nothing, sees no appeal
    ],
)
def test_an_empty_search_lists_every_appeal_in_scope(request, client, appeals, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert set(_ssids(response)) == _of(appeals, *expected)


def test_a_coordinator_sees_only_their_programs_appeals(client, tree, appeals):
    # rule F-7: an ELPAC coordinator of LEA A does not see its CAASPP appeals
    client.force_login(user_with_role(Role.LEA_ELPAC_COORDINATOR, tree.lea_a))
    response = client.get(URL)
    assert _ssids(response) == []
    assert "No appeal yet" in response.content.decode()


def test_a_test_administrator_gets_the_empty_page(client, appeals, test_administrator):
    client.force_login(test_administrator)
    body = client.get(URL).content.decode()
    assert "No appeal yet" in body
    for appeal in appeals.values():
        assert appeal.student.ssid not in body


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_row_shows_the_case_ssid_school_test_type_status_due_and_reviewer(
    client, lea_coordinator, appeals
):
    client.force_login(lea_coordinator)
    body = client.get(URL, {"ssid": appeals["a1_open"].student.ssid}).content.decode()
    appeal = appeals["a1_open"]
    row = re.search(r"<tbody>(.*)</tbody>", body, re.S).group(1)
    assert f'<a href="{reverse("incidents:detail", args=[appeal.case_id])}">' in row
    assert appeal.case.number in row
    assert "Alder Elementary" in row and "CDS 19111116000001" in row
    assert "Smarter Balanced Mathematics" in row and "non-PT (CAT)" in row
    assert "Re-open" in row
    assert 'status-tag--info">Pending</span>' in row
    # rule A-2: received Wednesday, due the end of the fourth business day after (Tuesday)
    assert "due in 4 business days" in row and "Mar 16, 2027" in row
    assert "Reviewer: CalTAC" in row
    # SSIDs only, never a name
    assert appeal.student.last_name not in body


def test_a_decided_appeal_shows_its_decision_date_instead_of_a_due_phrase(
    client, lea_coordinator, appeals
):
    client.force_login(lea_coordinator)
    body = client.get(URL, {"ssid": appeals["a1_approved"].student.ssid}).content.decode()
    row = re.search(r"<tbody>(.*)</tbody>", body, re.S).group(1)
    assert 'status-tag--success">Approved</span>' in row
    assert "Decided <time" in row and "Mar 10, 2027" in row
    assert "due in" not in row


def test_a_withdrawn_appeal_says_it_has_no_decision(client, lea_coordinator, appeals):
    decisions.appeal_withdraw(appeal=appeals["a2"], actor=lea_coordinator, reason="Filed twice.")
    client.force_login(lea_coordinator)
    body = client.get(URL, {"status": AppealStatus.WITHDRAWN}).content.decode()
    row = re.search(r"<tbody>(.*)</tbody>", body, re.S).group(1)
    assert appeals["a2"].student.ssid in row
    assert 'status-tag--neutral">Withdrawn</span>' in row and "No decision" in row
    assert "due in" not in row


# --- filters ----------------------------------------------------------------------------------


def test_the_status_filter_takes_every_appeal_status(client, cde_reviewer, appeals):
    client.force_login(cde_reviewer)
    options = re.findall(
        r'<option value="([A-Z_]+)"',
        re.search(
            r'<select name="status".*?</select>', client.get(URL).content.decode(), re.S
        ).group(0),
    )
    # domain.md, "Case and appeal statuses": all are searchable in Search Appeals
    assert options == [status.value for status in AppealStatus]
    assert set(_search(client, status=AppealStatus.APPROVED)) == _of(appeals, "a1_approved")
    assert set(_search(client, status=AppealStatus.PENDING)) == _of(
        appeals, "a1_open", "a1_manual", "a2", "b1"
    )
    assert _search(client, status=AppealStatus.SWAP_APPROVED) == []


def test_the_type_filter_and_the_manual_review_choice(client, cde_reviewer, appeals):
    client.force_login(cde_reviewer)
    assert set(_search(client, appeal_type=AppealType.REOPEN)) == _of(
        appeals, "a1_open", "a1_approved", "a2", "b1"
    )
    assert set(_search(client, appeal_type="MANUAL")) == _of(appeals, "a1_manual")
    assert _search(client, appeal_type=AppealType.INVALIDATE) == []


def test_the_reviewer_filter(client, lea_coordinator, appeals):
    client.force_login(lea_coordinator)
    assert set(_search(client, reviewer=Reviewer.CDE)) == _of(appeals, "a1_manual")
    assert set(_search(client, reviewer=Reviewer.CALTAC)) == _of(
        appeals, "a1_open", "a1_approved", "a2"
    )


def test_the_ssid_filter_matches_nothing_outside_scope(client, lea_coordinator, appeals):
    client.force_login(lea_coordinator)
    assert _search(client, ssid=appeals["a2"].student.ssid) == [appeals["a2"].student.ssid]
    # rule F-10: LEA B's student and an SSID that does not exist get the same answer
    for ssid in (appeals["b1"].student.ssid, "9999999999"):
        response = client.get(URL, {"ssid": ssid})
        assert _ssids(response) == []
        assert "No appeal matches these filters" in response.content.decode()


def test_the_case_number_filter_takes_the_whole_number_or_its_beginning(
    client, cde_reviewer, appeals
):
    client.force_login(cde_reviewer)
    number = appeals["a1_open"].case.number
    assert set(_search(client, number=number)) == _of(appeals, "a1_open", "a1_approved")
    for prefix in (number[:1], number[:4], number[:5], number[:8]):
        assert set(_search(client, number=prefix)) == _of(appeals, *EVERY_APPEAL), prefix
    assert _search(client, number="1999-") == []
    assert _search(client, number=number[:4] + "-9") == []


def test_a_case_number_filter_sorts_by_case_number_unless_told_otherwise(
    client, cde_reviewer, appeals
):
    client.force_login(cde_reviewer)
    number = appeals["a1_open"].case.number
    body = client.get(URL, {"number": number[:5]}).content.decode()
    assert f'aria-sort="ascending"><a href="?number={number[:5]}&amp;sort=-number"' in body


def test_overdue_and_due_within_business_days(client, cde_reviewer, caltac_agent, appeals):
    client.force_login(cde_reviewer)
    # Filed Wednesday March 10, 2027, due at the end of Tuesday March 16.
    open_ones = _of(appeals, "a1_open", "a1_manual", "a2", "b1")
    assert _search(client, due="overdue") == []
    assert _search(client, due="3") == []  # Monday the 15th at the latest
    assert set(_search(client, due="4")) == open_ones
    monday = datetime(2027, 3, 15, 9, 0, tzinfo=dates.PACIFIC)
    with time_machine.travel(monday, tick=False):
        client.force_login(cde_reviewer)  # a new day, a new sign-in (sessions time out)
        assert set(_search(client, due="1")) == open_ones
        assert _search(client, due="overdue") == []
    wednesday = datetime(2027, 3, 17, 9, 0, tzinfo=dates.PACIFIC)
    with time_machine.travel(wednesday, tick=False):
        client.force_login(cde_reviewer)
        decisions.appeal_approve(appeal=appeals["a2"], actor=caltac_agent)
        # Open and past due only: the decided ones are neither overdue nor due.
        assert set(_search(client, due="overdue")) == open_ones - _of(appeals, "a2")
        assert _search(client, due="4") == []
        body = client.get(URL, {"due": "overdue"}).content.decode()
        assert "overdue by 1 business day" in body


def test_a_coordinator_picks_one_of_their_schools(client, tree, lea_coordinator, appeals):
    client.force_login(lea_coordinator)
    body = client.get(URL).content.decode()
    assert '<select name="school"' in body
    assert tree.school_b1.name not in body  # only the schools in scope are offered
    assert _search(client, school=tree.school_a2.pk) == [appeals["a2"].student.ssid]
    # Another LEA's school is not a choice: an error by the field, not its appeals.
    response = client.get(URL, {"school": tree.school_b1.pk})
    assert "Select a valid choice" in response.content.decode()
    assert _ssids(response) == []


def test_cde_types_a_cds_code_or_the_beginning_of_a_school_name(
    client, tree, cde_reviewer, appeals
):
    client.force_login(cde_reviewer)
    body = client.get(URL).content.decode()
    assert '<select name="school"' not in body and 'name="school_text"' in body
    assert set(_search(client, school_text="birch")) == _of(appeals, "b1")
    assert set(_search(client, school_text="Alder M")) == _of(appeals, "a2")
    assert set(_search(client, school_text="1911111")) == _of(
        appeals, "a1_open", "a1_approved", "a1_manual", "a2"
    )
    assert _search(client, school_text="High") == []  # a prefix, not any part of the name


def test_a_school_text_matching_many_schools_still_finds_their_appeals(
    client, cde_reviewer, appeals, monkeypatch
):
    # Past SCHOOL_IDS_MAX schools the filter is a subquery instead of a list of ids.
    monkeypatch.setattr(appeal_search, "SCHOOL_IDS_MAX", 1)
    client.force_login(cde_reviewer)
    assert set(_search(client, school_text="1911111")) == _of(
        appeals, "a1_open", "a1_approved", "a1_manual", "a2"
    )
    assert set(_search(client, school_text="Birch")) == _of(appeals, "b1")


def test_a_large_lea_types_a_school_and_still_sees_only_its_own(
    client, tree, lea_coordinator, appeals
):
    for number in range(SCHOOL_SELECT_MAX):
        SchoolFactory(parent=tree.lea_a, name=f"Alder Annex {number}")
    client.force_login(lea_coordinator)
    body = client.get(URL).content.decode()
    assert '<select name="school"' not in body and 'name="school_text"' in body
    assert _search(client, school_text="Birch") == []  # U-4
    assert set(_search(client, school_text="Alder Middle")) == _of(appeals, "a2")


def test_the_test_filter(client, cde_reviewer, appeals):
    client.force_login(cde_reviewer)
    assert len(_search(client, test="SB_MATH")) == len(EVERY_APPEAL)
    assert _search(client, test="SUMMATIVE_ELPAC") == []


def test_more_filters_fold_away_until_one_is_used(client, lea_coordinator, appeals):
    client.force_login(lea_coordinator)
    assert '<details class="mt-3">' in client.get(URL).content.decode()
    assert '<details class="mt-3" open>' in client.get(URL, {"test": "SB_MATH"}).content.decode()
    assert '<details class="mt-3">' in client.get(URL, {"status": "PENDING"}).content.decode()


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"ssid": "12345"}, "ssid", "An SSID is exactly 10 digits."),
        ({"ssid": "12345abcde"}, "ssid", "An SSID is exactly 10 digits."),
        ({"number": "abc"}, "number", "A case number is the year"),
        ({"status": "LOST"}, "status", "Select a valid choice."),
        ({"appeal_type": "REFUND"}, "appeal_type", "Select a valid choice."),
        ({"reviewer": "ETS"}, "reviewer", "Select a valid choice."),
        ({"due": "99"}, "due", "Select a valid choice."),
        ({"test": "SAT"}, "test", "Select a valid choice."),
        ({"sort": "password; DROP TABLE"}, "sort", "Select a valid choice."),
    ],
)
def test_bad_filters_get_a_message_by_the_field_and_no_list(
    client, lea_coordinator, appeals, params, field, message
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
    assert _ssids(response) == []
    assert "Correct the filters above to see the appeals." in body


# --- sorting and pages ------------------------------------------------------------------------


def test_newest_received_first_by_default(client, cde_reviewer, appeals):
    client.force_login(cde_reviewer)
    rows = _search(client)
    received = {
        a.student.ssid: (a.received_at, a.pk) for a in Appeal.objects.select_related("student")
    }
    assert rows == sorted(rows, key=lambda ssid: received[ssid], reverse=True)


@pytest.mark.parametrize(
    "sort, key",
    [
        ("number", lambda a: (a.case.number, a.pk)),
        ("ssid", lambda a: (a.student.ssid, a.pk)),
        ("due", lambda a: (a.due_at, a.pk)),
        ("received", lambda a: (a.received_at, a.pk)),
        ("status", lambda a: (a.status, -a.received_at.timestamp(), -a.pk)),
        ("type", lambda a: (a.appeal_type, -a.received_at.timestamp(), -a.pk)),
    ],
)
def test_each_column_sorts_both_ways_with_aria_sort(client, cde_reviewer, appeals, sort, key):
    client.force_login(cde_reviewer)
    everything = list(Appeal.objects.select_related("case", "student"))
    expected = [a.student.ssid for a in sorted(everything, key=key)]
    response = client.get(URL, {"sort": sort})
    assert _ssids(response) == expected
    body = response.content.decode()
    assert body.count("aria-sort=") == 1
    assert f'aria-sort="ascending"><a href="?sort=-{sort}"' in body
    descending = client.get(URL, {"sort": f"-{sort}"})
    assert _ssids(descending) == list(reversed(expected))
    assert f'aria-sort="descending"><a href="?sort={sort}"' in descending.content.decode()


def test_a_due_filter_sorts_by_due_date_unless_told_otherwise(client, cde_reviewer, appeals):
    client.force_login(cde_reviewer)
    body = client.get(URL, {"due": "4"}).content.decode()
    assert 'aria-sort="ascending"><a href="?due=4&amp;sort=-due"' in body
    body = client.get(URL, {"due": "4", "sort": "-received"}).content.decode()
    assert 'aria-sort="descending"><a href="?due=4&amp;sort=received"' in body


def test_results_come_25_to_a_page_and_the_links_keep_the_filters(
    client, tree, colleague, cde_reviewer, windows, filing_day
):
    file_case(colleague, tree.school_a1, count=27)
    client.force_login(cde_reviewer)
    first = client.get(URL, {"status": "PENDING"})
    assert len(_ssids(first)) == 25
    body = first.content.decode()
    assert "27 appeals matching the filters" in body
    assert 'href="?status=PENDING&amp;page=2"' in body
    second = client.get(URL, {"status": "PENDING", "page": 2})
    assert len(_ssids(second)) == 2
    assert not set(_ssids(first)) & set(_ssids(second))
    # The report links carry the filters, never the page.
    assert "report.csv?status=PENDING" in body
    assert "page=2" not in re.search(r'href="[^"]*report\.csv[^"]*"', second.content.decode())[0]


def test_past_the_cap_the_list_says_more_than(client, tree, colleague, cde_reviewer, appeals):
    from incidents import appeal_views

    client.force_login(cde_reviewer)
    appeal_views.SEARCH_CAP, cap = 3, appeal_views.SEARCH_CAP
    try:
        body = client.get(URL).content.decode()
    finally:
        appeal_views.SEARCH_CAP = cap
    assert "More than 3 appeals; the first 3 in this order are listed." in body


def test_a_bad_page_number_shows_the_last_page(client, cde_reviewer, appeals):
    client.force_login(cde_reviewer)
    assert len(_search(client, page="99")) == len(EVERY_APPEAL)
    assert len(_search(client, page="x")) == len(EVERY_APPEAL)


# --- query count ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["lea_coordinator", "cde_reviewer"])
@pytest.mark.parametrize("params", [{}, {"status": "PENDING", "test": "SB_MATH", "due": "4"}])
def test_a_page_costs_the_same_queries_for_3_and_30_appeals(
    request, client, tree, colleague, windows, filing_day, persona, params
):
    client.force_login(request.getfixturevalue(persona))

    def queries_with(count: int) -> list[str]:
        file_case(colleague, tree.school_a1, count=count - Appeal.objects.count())
        client.get(URL, params)  # the session's first-request writes are not the page's
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, params)
        assert len(_ssids(response)) == min(count, 25)
        return [query["sql"] for query in captured.captured_queries]

    few = queries_with(3)
    assert len(queries_with(30)) == len(few)
    # user, scope; a coordinator's schools and program grants; the closure days of a due
    # filter; the count, the page, the closure days of the due phrases; the bell's unread
    # notices (the session comes from the cache)
    assert len(few) == 6 + ("due" in params) + 2 * (persona == "lea_coordinator"), few
