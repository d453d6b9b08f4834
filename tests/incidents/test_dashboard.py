""" "MyTOMS at a Glance" (issue 10, item 3; N-5): the coordinators' start page. Scope with the
three personas, the draft notice and the days left in the window, announcements by date and
audience, the to-do lists, the counts by status, the weekly chart and its table, a fixed number
of queries, and today's start page for everyone who is not a coordinator."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals.models import Appeal
from incidents import charts, services
from incidents.announcement_models import Announcement, Audience
from incidents.case_models import Case
from incidents.dashboard import dashboard_for
from stairs.vocabulary import AppealStatus, CaseStatus
from students import dates
from tests.incidents.conftest import draft
from tests.incidents.test_case_page import students_of, submitted

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def _counts(body: str) -> dict[str, int]:
    return {s: int(n) for s, n in re.findall(r'data-count="([A-Z_]+)">(\d+)<', body)}


def _notice(body: str) -> str:
    found = re.search(r'<div [^>]*id="draft-notice">(.*?)</div>', body, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split()) if found else ""


@pytest.fixture
def cases(tree, colleague, lea_coordinator, outsider, windows, submitted_students):
    """At LEA A: a case submitted by the site coordinator of A1 (three Re-open appeals for
    CalTAC), a draft at A1 and a draft at A2. At LEA B: one submitted case."""
    return {
        "a1": submitted(colleague, tree.school_a1, submitted_students),
        "a1_draft": draft(colleague, tree.school_a1, incident_code="STUDENT_DISRUPTION"),
        "a2_draft": draft(lea_coordinator, tree.school_a2, incident_date=date(2027, 2, 1)),
        "b1": submitted(outsider, tree.school_b1, students_of(tree.school_b1, 1)),
    }


# --- who gets it, and scope -------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, drafts, pending",
    [
        ("lea_coordinator", 2, 1),  # the LEA's cases of its program, both schools
        ("colleague", 1, 1),  # a site role: its own school (U-4)
        ("outsider", 0, 1),  # another LEA: nothing of LEA A (U-4)
    ],
)
def test_counts_are_those_of_the_users_scope(request, client, cases, persona, drafts, pending):
    body = _page(client, request.getfixturevalue(persona))
    assert "MyTOMS at a Glance" in body
    counts = _counts(body)
    # Every case status of domain.md is counted, each linking to Search STAIRS filtered by it.
    assert set(counts) == {s.value for s in CaseStatus}
    assert counts["DRAFT"] == drafts
    assert counts["PENDING_CALTAC_APPROVAL"] == pending
    assert sum(counts.values()) == drafts + pending
    for status in CaseStatus:
        assert f'href="{reverse("incidents:search")}?status={status}"' in body


def test_the_outsider_sees_nothing_of_lea_a(client, cases, outsider):
    body = _page(client, outsider)
    for case in (cases["a1"], cases["a1_draft"], cases["a2_draft"]):
        assert f'href="/cases/{case.pk}/"' not in body
    assert "Alder" not in body.split('id="todo-heading"')[1]


# CDE and CalTAC get the reviewers' dashboard (issue 10, item 4), tested in
# tests/incidents/review/test_reviewer_dashboard.py; its page title differs, the rest stays.
@pytest.mark.parametrize(
    "persona, title",
    [
        ("cde_admin", "Reviewer dashboard"),
        ("cde_reviewer", "Reviewer dashboard"),
        ("caltac_agent", "Reviewer dashboard"),
        ("test_administrator", "Home"),
    ],
)
def test_everyone_else_keeps_todays_start_page(request, client, cases, persona, title):
    body = _page(client, request.getfixturevalue(persona))
    assert f"<title>{title}" in body
    assert "MyTOMS at a Glance" not in body
    assert 'id="todo-heading"' not in body
    assert "What to do next" in body


def test_a_coordinator_keeps_the_start_pages_tasks(client, cases, lea_coordinator):
    body = _page(client, lea_coordinator)
    assert "What to do next" in body
    assert f'href="{reverse("incidents:new")}"' in body  # File a case
    assert "Test security forms" in body
    assert len(re.findall(r"<h1[ >]", body)) == 1


def test_the_dashboard_asks_for_a_sign_in(client, tree):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- the draft notice and the days left (N-5) -------------------------------------------------


def test_the_draft_notice_counts_the_drafts_and_the_days_left(client, cases, lea_coordinator):
    # rule N-5; filing_day is 2027-03-10, the window closes on 2027-06-04.
    notice = _notice(_page(client, lea_coordinator))
    assert notice.startswith("2 drafts are not submitted;")
    assert "the window closes on June 4, 2027 (86 days left)" in notice


def test_a_site_coordinator_is_told_of_their_schools_draft_only(client, cases, colleague):
    notice = _notice(_page(client, colleague))
    assert notice.startswith("1 draft is not submitted;")


def test_no_notice_without_drafts(client, cases, outsider):
    # rule N-5: the notice shows only while a case of the LEA is a draft.
    body = _page(client, outsider)
    assert 'id="draft-notice"' not in body
    assert 'id="todo-drafts"' not in body


def test_the_notice_goes_once_the_drafts_are_submitted(client, cases, lea_coordinator, colleague):
    services.case_delete_draft(case=cases["a2_draft"], actor=lea_coordinator)
    services.case_delete_draft(case=cases["a1_draft"], actor=colleague)
    assert 'id="draft-notice"' not in _page(client, lea_coordinator)


@pytest.mark.parametrize(
    "moment, expected",
    [
        ("2027-06-01T08:00", "(3 days left)"),
        ("2027-06-03T23:59", "(1 day left)"),
        ("2027-06-04T00:01", "(today is its last day)"),
        ("2027-06-05T00:01", "no testing window of their program is open today."),
    ],
)
def test_the_days_left_count_pacific_dates(client, cases, lea_coordinator, moment, expected):
    # rule N-5, counted in California dates (T-2), not in 24-hour periods.
    at = datetime.fromisoformat(moment).replace(tzinfo=dates.PACIFIC)
    with time_machine.travel(at, tick=False):
        notice = _notice(_page(client, lea_coordinator))
    assert expected in notice


def test_each_draft_shows_the_days_left_in_its_window(cases, lea_coordinator):
    glance = dashboard_for(lea_coordinator)
    assert [item.case for item in glance.drafts] == [cases["a1_draft"], cases["a2_draft"]]
    assert {item.days_left for item in glance.drafts} == {86}
    assert {item.closes_on for item in glance.drafts} == {date(2027, 6, 4)}


# --- announcements ----------------------------------------------------------------------------


@pytest.fixture
def announcements(cde_admin, filing_day) -> dict[str, Announcement]:
    today = dates.local_date(filing_day)

    def post(title: str, audience: str, starts: int, ends: int) -> Announcement:
        return Announcement.objects.create(
            title=title,
            body=f"{title} body.\nSecond line.",
            audience=audience,
            starts_on=today + timedelta(days=starts),
            ends_on=today + timedelta(days=ends),
            created_by=cde_admin,
        )

    return {
        "everyone": post("For everyone", Audience.EVERYONE, -3, 0),
        "lea": post("For LEA coordinators", Audience.LEA_COORDINATORS, 0, 5),
        "site": post("For site coordinators", Audience.SITE_COORDINATORS, -1, 1),
        "reviewers": post("For reviewers", Audience.REVIEWERS, -1, 1),
        "ended": post("Ended yesterday", Audience.EVERYONE, -10, -1),
        "future": post("Starts tomorrow", Audience.EVERYONE, 1, 9),
    }


@pytest.mark.parametrize(
    "persona, shown",
    [
        ("lea_coordinator", {"everyone", "lea"}),
        ("colleague", {"everyone", "site"}),
        ("outsider", {"everyone", "lea"}),
    ],
)
def test_announcements_in_effect_today_for_the_users_audience(
    request, client, tree, announcements, persona, shown
):
    body = _page(client, request.getfixturevalue(persona))
    for key, announcement in announcements.items():
        assert (f">{announcement.title}</h3>" in body) == (key in shown), key
    assert "For everyone body.<br>Second line." in body  # plain text, its line breaks kept


def test_an_announcement_is_escaped_not_rendered_as_html(client, lea_coordinator, cde_admin):
    Announcement.objects.create(
        title="<b>Bold</b>",
        body="<script>alert(1)</script>",
        starts_on=date.today() - timedelta(days=1),
        ends_on=date.today() + timedelta(days=1),
        created_by=cde_admin,
    )
    body = _page(client, lea_coordinator)
    assert "&lt;b&gt;Bold&lt;/b&gt;" in body
    assert "<script>alert(1)" not in body


def test_cde_administrators_post_announcements_in_the_admin(client, cde_admin, lea_coordinator):
    cde_admin.is_staff = cde_admin.is_superuser = True  # as accounts/demo.py makes them
    cde_admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(cde_admin)
    response = client.post(
        reverse("admin:incidents_announcement_add"),
        {
            "title": "Window extended",
            "body": "The CAASPP window closes a week later.",
            "starts_on": "2027-03-01",
            "ends_on": "2027-03-31",
            "audience": Audience.LEA_COORDINATORS,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    posted = Announcement.objects.get()
    assert posted.created_by == cde_admin
    client.force_login(lea_coordinator)
    assert client.get(reverse("admin:incidents_announcement_add")).status_code == 302


def test_an_announcement_cannot_end_before_it_starts(cde_admin):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Announcement.objects.create(
            title="Backwards",
            body="x",
            starts_on=date(2027, 3, 2),
            ends_on=date(2027, 3, 1),
            created_by=cde_admin,
        )


# --- the to-do list ---------------------------------------------------------------------------


def test_drafts_to_submit_link_to_their_case(client, cases, lea_coordinator):
    body = _page(client, lea_coordinator)
    drafts = body.split('id="todo-drafts"')[1].split("</ul>")[0]
    for key in ("a1_draft", "a2_draft"):
        assert f'href="/cases/{cases[key].pk}/">Draft {cases[key].pk}</a>' in drafts
    assert "86 days left in the window (closes Jun 4)" in drafts


def test_notes_by_someone_else_this_week_are_to_read(
    client, cases, lea_coordinator, colleague, outsider
):
    services.case_note_add(case=cases["a1"], actor=colleague, body="Please check the seating.")
    # The LEA coordinator reads the site coordinator's note; its author has nothing new to read.
    assert f'href="/cases/{cases["a1"].pk}/#notes"' in _page(client, lea_coordinator)
    assert 'id="todo-notes"' not in _page(client, colleague)
    assert 'id="todo-notes"' not in _page(client, outsider)


def test_a_note_older_than_a_week_is_not_new(client, cases, lea_coordinator, colleague):
    services.case_note_add(case=cases["a1"], actor=colleague, body="Please check the seating.")
    # Seven days of 24 hours (the week holds the spring-forward change of March 14, 2027).
    later = timezone.now() + timedelta(days=7, minutes=1)
    with time_machine.travel(later, tick=False):
        assert 'id="todo-notes"' not in _page(client, lea_coordinator)


@pytest.mark.parametrize(
    "status",
    [
        AppealStatus.REJECTED_BY_CALTAC,
        AppealStatus.REJECTED_BY_CDE,
        AppealStatus.REJECTED_BY_SYSTEM,
    ],
)
def test_rejected_appeals_are_to_refile(
    client, cases, lea_coordinator, colleague, outsider, status
):
    appeal = Appeal.objects.filter(case=cases["a1"]).select_related("student").first()
    Appeal.objects.filter(pk=appeal.pk).update(
        status=status, decided_at=datetime.now(dates.PACIFIC), decision_reason="Not eligible."
    )
    for user in (lea_coordinator, colleague):
        rejected = _page(client, user).split('id="todo-rejected"')[1].split("</ul>")[0]
        assert f'href="/cases/{cases["a1"].pk}/">Case {cases["a1"].number}</a>' in rejected
        assert f"SSID {appeal.student.ssid}" in rejected
        assert AppealStatus(status).label in rejected
    assert 'id="todo-rejected"' not in _page(client, outsider)


def test_an_empty_to_do_list_says_so(client, tree, outsider, windows, filing_day):
    body = _page(client, outsider)
    assert "Nothing waits for you" in body
    assert "No case was submitted in the last 8 weeks." in body


# --- the chart --------------------------------------------------------------------------------


def _submitted_on(case: Case, day: date) -> None:
    Case.objects.filter(pk=case.pk).update(
        submitted_at=datetime.combine(day, datetime.min.time(), tzinfo=dates.PACIFIC)
        + timedelta(hours=23, minutes=30)
    )


def test_the_chart_counts_submissions_per_week_by_status(client, cases, lea_coordinator, colleague):
    # filing_day is Wednesday 2027-03-10: its week starts on Monday March 8; eight weeks back
    # starts on Monday January 18.
    second = submitted(colleague, cases["a1"].school, students_of(cases["a1"].school, 1))
    Case.objects.filter(pk=second.pk).update(status=CaseStatus.COMPLETED)
    _submitted_on(second, date(2027, 1, 24))  # Sunday 11:30 p.m. Pacific: still Jan 18's week
    old = submitted(colleague, cases["a1"].school, students_of(cases["a1"].school, 1))
    _submitted_on(old, date(2027, 1, 17))  # the week before the chart's first

    chart = dashboard_for(lea_coordinator).chart
    assert [row.category for row in chart.rows] == [
        "Jan 18", "Jan 25", "Feb 1", "Feb 8", "Feb 15", "Feb 22", "Mar 1", "Mar 8",
    ]  # fmt: skip
    keys = [s.key for s in chart.series]
    assert "DRAFT" not in keys  # drafts are not submitted
    by_week = {row.category: dict(zip(keys, row.values, strict=True)) for row in chart.rows}
    assert by_week["Jan 18"]["COMPLETED"] == 1
    assert by_week["Mar 8"]["PENDING_CALTAC_APPROVAL"] == 1
    assert sum(row.total for row in chart.rows) == 2

    body = _page(client, lea_coordinator)
    table = body.split('class="table table-sm chart-table"')[1].split("</table>")[0]
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table.split("<tbody>")[1], re.S)
    assert cells[:7] == ["Jan 18", "0", "0", "0", "0", "1", "1"]
    assert "Cases submitted per week, by status now" in table
    assert '<svg class="bar-chart"' in body and 'aria-hidden="true"' in body


def test_the_chart_layout_scales_the_bars():
    chart = charts.stacked_bars(
        "T",
        [("A", "a"), ("B", "b")],
        ["w1", "w2"],
        {("w1", "A"): 3, ("w1", "B"): 1, ("w2", "B"): 2},
    )
    assert [row.values for row in chart.rows] == [[3, 1], [0, 2]]
    first, second = chart.bars
    assert [s.value for s in first.segments] == [3, 1]
    assert [s.value for s in second.segments] == [2]
    # The axis tops out at 5 (1, 2, 5 x 10^n); heights are proportional.
    assert chart.ticks[-1].value == 5
    assert first.segments[0].height == pytest.approx(first.segments[1].height * 3, abs=0.2)
    assert chart.series_totals == [3, 3]
    assert not chart.is_empty


@pytest.mark.parametrize("value, top", [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (230, 500)])
def test_the_chart_axis_is_rounded_up(value, top):
    assert charts._nice_max(value) == top


# --- speed ------------------------------------------------------------------------------------


def _grow(lea_coordinator, colleague, tree, cases: int) -> None:
    for n in range(cases):
        case = draft(lea_coordinator, tree.school_a2, incident_code="STUDENT_DISRUPTION")
        services.case_note_add(case=case, actor=colleague, body=f"Note {n}")


@pytest.mark.parametrize("persona", ["lea_coordinator", "colleague"])
def test_the_dashboard_costs_the_same_queries_for_3_and_30_cases(
    request, client, tree, cases, lea_coordinator, colleague, persona, django_assert_num_queries
):
    user = request.getfixturevalue(persona)
    Appeal.objects.filter(case=cases["a1"]).update(
        status=AppealStatus.REJECTED_BY_CDE,
        decided_at=datetime.now(dates.PACIFIC),
        decision_reason="Not eligible.",
    )
    services.case_note_add(case=cases["a1"], actor=colleague, body="First note.")
    client.force_login(user)
    client.get(HOME)  # the session's first write is not what we measure
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    _grow(lea_coordinator, colleague, tree, 27)
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(HOME).content.decode()
    # Session, user, scope, grants, user count (LEA), scope filter, counts, drafts, notice
    # window, notes, rejected appeals, announcements, chart, and the header's unread notices.
    assert len(few.captured_queries) <= 14
    if persona == "lea_coordinator":
        assert _counts(body)["DRAFT"] == 29
        assert len(re.findall(r"<li", body.split('id="todo-drafts"')[1].split("</ul>")[0])) == 10


def test_a_share_chart_keeps_its_axis_at_100_and_writes_percentages():
    # The reviewers' share decided in time (issue 10, item 4): 40% is drawn as 40% of the height,
    # not as a full bar, and the table has no Total column (a share sums nothing).
    chart = charts.stacked_bars(
        "Share",
        [("share", "In time")],
        ["Mar 1", "Mar 8"],
        {("Mar 1", "share"): 40},
        top=100,
        show_total=False,
        unit="%",
    )
    assert [tick.value for tick in chart.ticks] == [0, 25, 50, 75, 100]
    (segment,) = chart.bars[0].segments
    plot_height = charts.HEIGHT - chart.ticks[-1].y - (charts.HEIGHT - chart.plot_bottom)
    assert segment.height == pytest.approx(plot_height * 0.4, abs=0.1)
    assert chart.bars[1].segments == []
    assert not chart.show_total and chart.unit == "%"
