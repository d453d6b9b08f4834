"""Every GET page's query count, for each role that opens it (issue 11): the count is fixed, and
on a list page it stays the same when the rows grow (3 cases against 13, 1 notice against 10),
so an N+1 fails here before it reaches the state's size.

One test per role: signed in with ``force_login`` on the world below, it counts each of the
role's pages in ROWS, then adds five more of everything (``more_rows``) and counts each list
(``grows``) again. A dict of counts per page is compared, so a failure names every page that
moved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from appeals.models import Appeal
from incidents import services
from incidents.case_models import Case, CaseStudent
from notifications.models import Notice
from stairs.vocabulary import AppealStatus, Reviewer, TestStatus
from tests.factories import user_with_role
from tests.incidents.conftest import draft, filing_day, windows  # noqa: F401 (fixtures)
from tests.incidents.review.conftest import add_appeals, file_case
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db

ROLES = {
    "lea": "lea_coordinator",
    "site": "colleague",
    "ta": "test_administrator",
    "cde": "cde_reviewer",
    "caltac": "caltac_agent",
    "admin": "cde_admin",
}
SURNAME = "Quill"  # the students a name search finds


@dataclass
class World:
    """What the pages open, in LEA A's school A1 on the filing day (a Wednesday in the window)."""

    users: dict[str, User]
    case: Case  # submitted by the LEA coordinator: Re-open appeals for CalTAC
    cde_case: Case  # its appeal chosen by hand at CDE
    draft: Case  # by the site coordinator, its students entered and selected
    ssid: str
    event_id: int


def _queue_rows(world: World, n: int = 1) -> None:
    """``n`` appeals in each review queue of each team: claimed, due tomorrow, overdue, decided."""
    now = timezone.now()
    for team, role, case in (
        (Reviewer.CALTAC, "caltac", world.case),
        (Reviewer.CDE, "cde", world.cde_case),
    ):
        reviewer = world.users[role]
        add_appeals(case, n, reviewer=team, claimed_by=reviewer, claimed_at=now)
        add_appeals(case, n, reviewer=team, due_at=now + timedelta(hours=20))
        add_appeals(case, n, reviewer=team, due_at=now - timedelta(days=1))
        decided = {"status": AppealStatus.APPROVED, "decided_at": now, "decided_by": reviewer}
        add_appeals(case, n, reviewer=team, **decided)


def _case_students(case: Case, appeals: list[Appeal]) -> None:
    """The appeals' students on the case too, as the wizard leaves them."""
    CaseStudent.objects.bulk_create(
        CaseStudent(
            case=case,
            student=a.student,
            test_event=a.test_event,
            appeal=a.appeal_type,
            reviewer=a.reviewer,
            appealable=True,
            selected=True,
            rule=a.rule,
            reason=a.reason,
        )
        for a in appeals
    )


def more_rows(world: World, n: int = 5) -> None:
    """``n`` more of everything a list shows: cases and drafts, notes, appeals in every queue,
    students on the case, notices (1 becomes 10), users and students of the searched name."""
    lea = world.users["lea"]
    school = world.case.school
    for i in range(n):
        file_case(lea, school)
        draft(lea, school)
        services.case_note_add(case=world.case, actor=world.users["site"], body=f"Note {i}.")
    _queue_rows(world, n)
    _case_students(world.case, add_appeals(world.case, n))
    for user in world.users.values():
        Notice.objects.bulk_create(
            Notice(recipient=user, text="A case was submitted.", url="/cases/")
            for _ in range(2 * n - 1)
        )
    for i in range(n):
        user_with_role(Role.SITE_CAASPP_COORDINATOR, school, email=f"more{i}@alder.example.org")
        StudentFactory(school=school, last_name=SURNAME)


@pytest.fixture
def world(request, tree, windows, filing_day) -> World:  # noqa: F811
    users = {role: request.getfixturevalue(name) for role, name in ROLES.items()}
    case = file_case(users["lea"], tree.school_a1)
    cde_case = file_case(
        users["lea"],
        tree.school_a1,
        status=TestStatus.PAUSED,
        questions=10,
        incident_code="NONALLOWABLE_MATERIALS",
    )
    student = case.students.select_related("student").get().student
    StudentFactory(school=tree.school_a1, last_name=SURNAME)
    made = World(
        users=users,
        case=case,
        cde_case=cde_case,
        draft=draft(users["site"], tree.school_a1, students=[student]),
        ssid=student.ssid,
        event_id=case.students.get().test_event_id,
    )
    _queue_rows(made)
    services.case_note_add(case=case, actor=users["site"], body="First note.")
    for user in users.values():
        Notice.objects.create(recipient=user, text="A case was submitted.", url="/cases/")
    return made


Url = Callable[[World, Client], str]


def at(name: str, *args: object, **query: object) -> Url:
    """Page ``name``'s address; an argument or a query value may be picked from the world."""

    def build(world: World, client: Client) -> str:
        url = reverse(name, args=[a(world) if callable(a) else a for a in args])
        values = {k: v(world) if callable(v) else v for k, v in query.items()}
        return f"{url}?{urlencode(values)}" if values else url

    return build


def name_search(world: World, client: Client) -> str:
    """A name is POSTed and kept in the session; its results are at ``?search=<key>`` (B4)."""
    return client.post(reverse("students:search"), {"q": SURNAME})["Location"]


def ssid(world: World) -> str:
    return world.ssid


URLS: dict[str, Url] = {
    "home": at("home"),
    "notices": at("notifications:list"),
    "email-settings": at("notifications:email_settings"),
    "password-change": at("accounts:password_change"),
    "student-search": at("students:search"),
    "student-search-ssid": at("students:search", q=ssid),
    "student-search-name": name_search,
    "profile-details": at("students:detail", ssid),
    "profile-tests": at("students:tests", ssid),
    "profile-test-event": at("students:test_event", ssid, lambda w: w.event_id),
    "profile-score-status": at("students:score_status", ssid),
    "search-stairs": at("incidents:search"),
    "search-stairs-filtered": at(
        "incidents:search", status="PENDING_CALTAC_APPROVAL", test="SB_MATH"
    ),
    "search-stairs-ssid": at("incidents:search", ssid=ssid),
    "case-page": at("incidents:detail", lambda w: w.case.pk),
    "wizard-new": at("incidents:new"),
    **{
        f"wizard-{step}": at(f"incidents:wizard_{step}", lambda w: w.draft.pk)
        for step in ("incident", "issue", "details", "students", "confirm", "select", "plan")
    },
    "submitted": at("incidents:submitted", lambda w: w.case.pk),
    "search-appeals": at("appeals:search"),
    "search-appeals-filtered": at("appeals:search", status="PENDING"),
    **{
        f"queue-{view}": at("review:queue", view=view)
        for view in ("mine", "unclaimed", "due", "overdue", "decided")
    },
    "decision-caltac": at("review:appeal", lambda w: w.case.appeals.earliest("pk").pk),
    "decision-cde": at("review:appeal", lambda w: w.cde_case.appeals.earliest("pk").pk),
    "user-list": at("accounts:user_list"),
    "user-detail": at("accounts:user_detail", lambda w: w.users["site"].pk),
    "stairs-log-csv": at("incidents:log", "csv"),
    "appeals-report-csv": at("appeals:report", "csv"),
}


class Row(NamedTuple):
    page: str  # a key of URLS
    role: str  # a key of ROLES
    queries: int
    grows: bool = False  # a list: the same count after more_rows


# The counts of today's code. Pages a role may not open (a 403 or 404) are left out; the
# wizard's eligibility preview is POST-only (htmx). A list is checked for growth where this role
# sees its rows grow: the test administrator's Search STAIRS stays empty, for instance.
ROWS = [
    Row("home", "lea", 12, grows=True),
    Row("home", "site", 11, grows=True),
    Row("home", "ta", 3),
    Row("home", "cde", 7),
    Row("home", "caltac", 7),
    Row("home", "admin", 8),
    Row("notices", "lea", 5, grows=True),
    Row("notices", "site", 5, grows=True),
    Row("notices", "ta", 5, grows=True),
    Row("notices", "cde", 5, grows=True),
    Row("notices", "caltac", 5, grows=True),
    Row("notices", "admin", 5, grows=True),
    Row("email-settings", "lea", 4),
    Row("email-settings", "site", 4),
    Row("email-settings", "ta", 4),
    Row("email-settings", "cde", 4),
    Row("email-settings", "caltac", 4),
    Row("email-settings", "admin", 4),
    Row("password-change", "lea", 3),
    Row("password-change", "site", 3),
    Row("password-change", "ta", 3),
    Row("password-change", "cde", 3),
    Row("password-change", "caltac", 3),
    Row("password-change", "admin", 3),
    Row("student-search", "lea", 3),
    Row("student-search", "site", 3),
    Row("student-search", "ta", 3),
    Row("student-search", "cde", 3),
    Row("student-search", "caltac", 3),
    Row("student-search", "admin", 3),
    Row("student-search-ssid", "lea", 5),
    Row("student-search-ssid", "site", 5),
    Row("student-search-ssid", "ta", 5),
    Row("student-search-ssid", "cde", 5),
    Row("student-search-ssid", "caltac", 5),
    Row("student-search-ssid", "admin", 5),
    Row("student-search-name", "lea", 5, grows=True),
    Row("student-search-name", "site", 5, grows=True),
    Row("student-search-name", "ta", 5, grows=True),
    Row("student-search-name", "cde", 5, grows=True),
    Row("student-search-name", "caltac", 5, grows=True),
    Row("student-search-name", "admin", 5, grows=True),
    Row("profile-details", "lea", 4),
    Row("profile-details", "site", 4),
    Row("profile-details", "ta", 4),
    Row("profile-details", "cde", 4),
    Row("profile-details", "caltac", 4),
    Row("profile-details", "admin", 4),
    Row("profile-tests", "lea", 5),
    Row("profile-tests", "site", 5),
    Row("profile-tests", "ta", 5),
    Row("profile-tests", "cde", 5),
    Row("profile-tests", "caltac", 5),
    Row("profile-tests", "admin", 5),
    Row("profile-test-event", "lea", 6),
    Row("profile-test-event", "site", 6),
    Row("profile-test-event", "ta", 6),
    Row("profile-test-event", "cde", 6),
    Row("profile-test-event", "caltac", 6),
    Row("profile-test-event", "admin", 6),
    Row("profile-score-status", "lea", 8),
    Row("profile-score-status", "site", 8),
    Row("profile-score-status", "ta", 7),
    Row("profile-score-status", "cde", 7),
    Row("profile-score-status", "caltac", 7),
    Row("profile-score-status", "admin", 7),
    Row("search-stairs", "lea", 9, grows=True),
    Row("search-stairs", "site", 9, grows=True),
    Row("search-stairs", "ta", 7),
    Row("search-stairs", "cde", 6, grows=True),
    Row("search-stairs", "caltac", 6, grows=True),
    Row("search-stairs", "admin", 6, grows=True),
    Row("search-stairs-filtered", "lea", 9, grows=True),
    Row("search-stairs-filtered", "site", 9, grows=True),
    Row("search-stairs-filtered", "ta", 7),
    Row("search-stairs-filtered", "cde", 6, grows=True),
    Row("search-stairs-filtered", "caltac", 6, grows=True),
    Row("search-stairs-filtered", "admin", 6, grows=True),
    Row("search-stairs-ssid", "lea", 9),
    Row("search-stairs-ssid", "site", 9),
    Row("search-stairs-ssid", "ta", 7),
    Row("search-stairs-ssid", "cde", 6),
    Row("search-stairs-ssid", "caltac", 6),
    Row("search-stairs-ssid", "admin", 6),
    Row("case-page", "lea", 13, grows=True),
    Row("case-page", "site", 13, grows=True),
    Row("case-page", "cde", 11, grows=True),
    Row("case-page", "caltac", 10, grows=True),
    Row("case-page", "admin", 11, grows=True),
    Row("wizard-new", "lea", 10),
    Row("wizard-new", "site", 10),
    Row("wizard-new", "caltac", 5),
    Row("wizard-incident", "lea", 18),
    Row("wizard-incident", "site", 18),
    Row("wizard-issue", "lea", 21),
    Row("wizard-issue", "site", 21),
    Row("wizard-details", "lea", 19),
    Row("wizard-details", "site", 19),
    Row("wizard-students", "lea", 7),
    Row("wizard-students", "site", 7),
    Row("wizard-confirm", "lea", 13),
    Row("wizard-confirm", "site", 13),
    Row("wizard-select", "lea", 13),
    Row("wizard-select", "site", 13),
    Row("wizard-plan", "lea", 12),
    Row("wizard-plan", "site", 12),
    Row("submitted", "lea", 14),
    Row("submitted", "site", 14),
    Row("submitted", "cde", 13),
    Row("submitted", "caltac", 13),
    Row("submitted", "admin", 13),
    Row("search-appeals", "lea", 8, grows=True),
    Row("search-appeals", "site", 8, grows=True),
    Row("search-appeals", "ta", 5),
    Row("search-appeals", "cde", 6, grows=True),
    Row("search-appeals", "caltac", 6, grows=True),
    Row("search-appeals", "admin", 6, grows=True),
    Row("search-appeals-filtered", "lea", 8, grows=True),
    Row("search-appeals-filtered", "site", 8, grows=True),
    Row("search-appeals-filtered", "ta", 5),
    Row("search-appeals-filtered", "cde", 6, grows=True),
    Row("search-appeals-filtered", "caltac", 6, grows=True),
    Row("search-appeals-filtered", "admin", 6, grows=True),
    Row("user-list", "lea", 6, grows=True),
    Row("user-list", "admin", 6, grows=True),
    Row("user-detail", "lea", 9),
    Row("user-detail", "admin", 9),
    Row("stairs-log-csv", "lea", 8, grows=True),
    Row("stairs-log-csv", "site", 8, grows=True),
    Row("stairs-log-csv", "ta", 6),
    Row("stairs-log-csv", "cde", 5, grows=True),
    Row("stairs-log-csv", "caltac", 5, grows=True),
    Row("stairs-log-csv", "admin", 5, grows=True),
    Row("appeals-report-csv", "lea", 6, grows=True),
    Row("appeals-report-csv", "site", 6, grows=True),
    Row("appeals-report-csv", "ta", 4),
    Row("appeals-report-csv", "cde", 4, grows=True),
    Row("appeals-report-csv", "caltac", 4, grows=True),
    Row("appeals-report-csv", "admin", 4, grows=True),
    Row("queue-mine", "cde", 6, grows=True),
    Row("queue-mine", "caltac", 6, grows=True),
    Row("queue-mine", "admin", 5),
    Row("queue-unclaimed", "cde", 6, grows=True),
    Row("queue-unclaimed", "caltac", 6, grows=True),
    Row("queue-unclaimed", "admin", 6, grows=True),
    Row("queue-due", "cde", 6, grows=True),
    Row("queue-due", "caltac", 6, grows=True),
    Row("queue-due", "admin", 6, grows=True),
    Row("queue-overdue", "cde", 6, grows=True),
    Row("queue-overdue", "caltac", 6, grows=True),
    Row("queue-overdue", "admin", 6, grows=True),
    Row("queue-decided", "cde", 6, grows=True),
    Row("queue-decided", "caltac", 6, grows=True),
    Row("queue-decided", "admin", 6, grows=True),
    Row("decision-caltac", "cde", 7),
    Row("decision-caltac", "caltac", 7),
    Row("decision-caltac", "admin", 7),
    Row("decision-cde", "cde", 7),
    Row("decision-cde", "caltac", 7),
    Row("decision-cde", "admin", 7),
]


def _visit(client: Client, url: str) -> tuple[int, int]:
    """The page's queries and its length, read to the end (a CSV streams: its queries run while
    the body is read)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, url
    return len(queries.captured_queries), len(body)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_costs_the_same_queries_however_many_rows(client, world, role):
    rows = [row for row in ROWS if row.role == role]
    client.force_login(world.users[role])
    urls = {row.page: URLS[row.page](world, client) for row in rows}
    client.get(urls["home"])  # the session's first write is not what we measure
    seen = {page: _visit(client, url) for page, url in urls.items()}
    assert {page: queries for page, (queries, _) in seen.items()} == {
        row.page: row.queries for row in rows
    }

    more_rows(world)
    lists = [row.page for row in rows if row.grows]
    grown = {page: _visit(client, urls[page]) for page in lists}
    # Each list shows its new rows, or this would prove nothing.
    assert [page for page in lists if grown[page][1] <= seen[page][1]] == []
    assert {page: queries for page, (queries, _) in grown.items()} == {
        row.page: row.queries for row in rows if row.grows
    }
