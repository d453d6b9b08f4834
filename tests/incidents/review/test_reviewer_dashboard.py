"""The reviewers' dashboard (issue 10, item 4): the start page of CDE reviewers and
administrators and of CalTAC agents. Scope with the personas (each team sees its own queues and
decisions), the queue counts linking to their tabs, decisions per day, the share decided within
four business days with its table, a fixed number of queries, and who gets another page.

The charts read the per-day tally of decisions (appeals/tally.py), which add_appeals fills for
the decided appeals it makes as the decision services do; their figures are those of the grouped
count of the decided appeals the page made before the tally (rule A-2: decided within four
business days means by the due moment)."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals import transitions
from appeals.decisions import reviewer_teams
from incidents import reviewer_dashboard
from incidents.announcement_models import Announcement, Audience
from incidents.dashboard import CHART_WEEKS
from incidents.review_queries import decided_appeals
from stairs.vocabulary import AppealStatus, Reviewer
from students import dates
from tests.incidents.review.conftest import add_appeals

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def _queues(body: str) -> dict[str, str]:
    return dict(re.findall(r'data-queue="([a-z]+)">([\d+]+)<', body))


def _rows(body: str, caption: str) -> dict[str, list[str]]:
    table = re.search(rf"<caption[^>]*>{re.escape(caption)}</caption>(.*?)</table>", body, re.S)
    assert table, caption
    return {
        label: re.findall(r'<td class="text-end">([^<]*)</td>', cells)
        for label, cells in re.findall(
            r'<th scope="row" class="text-nowrap">([^<]+)</th>(.*?)</tr>', table.group(1), re.S
        )
    }


@pytest.fixture
def appeals(reopen_case, filing_day):
    """At CalTAC: the two open Re-open appeals of the case, and two decided yesterday, one by its
    due date and one a day late. At CDE: one open manual appeal, overdue."""
    yesterday = filing_day - timedelta(days=1)
    on_time = add_appeals(
        reopen_case, 1, status=AppealStatus.APPROVED, decided_at=yesterday, due_at=filing_day
    )
    late = add_appeals(
        reopen_case,
        1,
        status=AppealStatus.APPROVED,
        decided_at=yesterday,
        due_at=yesterday - timedelta(days=1),
    )
    cde = add_appeals(reopen_case, 1, appeal_type="", reviewer=Reviewer.CDE, due_at=yesterday)
    return {"on_time": on_time, "late": late, "cde": cde}


def test_caltac_sees_caltac_queues_and_decisions(client, caltac_agent, appeals, filing_day):
    body = _page(client, caltac_agent)
    assert "<title>Reviewer dashboard" in body
    assert _queues(body) == {"mine": "0", "unclaimed": "2", "due": "0", "overdue": "0"}
    # Each count links to its tab of the review queue.
    assert f'href="{reverse("review:queue")}?view=unclaimed"' in body
    day = dates.local_date(filing_day - timedelta(days=1))
    decisions = _rows(body, "Decisions per day, last 14 days")
    assert len(decisions) == 14
    assert decisions[f"{day:%b} {day.day}"] == ["2"]
    assert sum(int(values[0]) for values in decisions.values()) == 2
    # One of the two was decided by its due date (A-2: four business days): 50% of 2; the
    # other weeks had no decision, which is no share at all rather than 0%.
    shares = _rows(body, "Share of decisions made within four business days, per week")
    assert len(shares) == 8
    week = day - timedelta(days=day.weekday())
    assert shares.pop(f"{week:%b} {week.day}") == ["50%", "2"]
    assert set(map(tuple, shares.values())) == {("No decisions", "0")}
    assert "What to do next" in body  # the start page stays below


@pytest.mark.parametrize("persona", ["cde_reviewer", "cde_admin"])
def test_cde_sees_cde_queues_only(request, client, appeals, persona):
    body = _page(client, request.getfixturevalue(persona))
    assert _queues(body) == {"mine": "0", "unclaimed": "1", "due": "0", "overdue": "1"}
    assert "Your team decided no appeal in the last 14 days." in body
    assert "Reviewer dashboard" in body


def test_announcements_for_reviewers_are_shown(client, caltac_agent, cde_admin, filing_day):
    today = dates.local_date(filing_day)
    for title, audience in [
        ("For reviewers", Audience.REVIEWERS),
        ("For LEA coordinators", Audience.LEA_COORDINATORS),
    ]:
        Announcement.objects.create(
            title=title,
            body="Body.",
            audience=audience,
            starts_on=today,
            ends_on=today,
            created_by=cde_admin,
        )
    body = _page(client, caltac_agent)
    assert "For reviewers" in body
    assert "For LEA coordinators" not in body


def test_coordinator_keeps_the_glance_and_test_administrator_the_plain_home(
    client, lea_coordinator, test_administrator, appeals
):
    body = _page(client, lea_coordinator)
    assert "MyTOMS at a Glance" in body
    assert "data-queue" not in body
    body = _page(client, test_administrator)
    assert "Reviewer dashboard" not in body
    assert "MyTOMS at a Glance" not in body
    assert "data-queue" not in body


def test_a_fixed_number_of_queries(client, caltac_agent, reopen_case, filing_day):
    """However many decisions (A-2's charts) and open appeals, the page costs the same."""
    yesterday = filing_day - timedelta(days=1)
    add_appeals(reopen_case, 1, status=AppealStatus.APPROVED, decided_at=yesterday)
    client.force_login(caltac_agent)
    client.get(HOME)  # the session's first write is not what we measure
    with CaptureQueriesContext(connection) as few:
        assert client.get(HOME).status_code == 200
    add_appeals(reopen_case, 15)
    add_appeals(reopen_case, 13, status=AppealStatus.APPROVED, decided_at=yesterday)
    for weeks in range(1, 8):  # more days of the tally, by more reviewers
        add_appeals(
            reopen_case,
            1,
            status=AppealStatus.APPROVED,
            decided_at=yesterday - timedelta(weeks=weeks),
            decided_by=caltac_agent if weeks % 2 else None,
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(HOME).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def _old_figures(user, today: date) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """The charts' figures as the page computed them before the tally: one grouped count of the
    team's decided appeals per Pacific day; decisions per day over 14 days, and per week (from
    Monday) the decisions and those by the due moment (A-2)."""
    per_day = {
        day: (total, on_time)
        for day, total, on_time in decided_appeals(user, reviewer_teams(user))
        .order_by()
        .annotate(day=TruncDate("decided_at", tzinfo=dates.PACIFIC))
        .values_list("day")
        .annotate(
            total=Count("*"), on_time=Count("decided_at", filter=Q(decided_at__lte=F("due_at")))
        )
    }
    days = [today - timedelta(days=k) for k in range(13, -1, -1)]
    first_week = today - timedelta(days=today.weekday(), weeks=CHART_WEEKS - 1)
    weeks = [first_week + timedelta(weeks=k) for k in range(CHART_WEEKS)]
    per_week = {
        week: tuple(
            sum(per_day.get(week + timedelta(days=d), (0, 0))[i] for d in range(7)) for i in (0, 1)
        )
        for week in weeks
    }
    return (
        {f"{day:%b} {day.day}": per_day.get(day, (0, 0))[0] for day in days},
        {f"{week:%b} {week.day}": per_week[week] for week in weeks},
    )


def test_the_charts_figures_are_the_old_grouped_counts(
    reopen_case, caltac_agent, caltac_colleague, cde_reviewer, filing_day
):
    """Decisions generated over nine weeks, both teams, two reviewers and the system, on time
    and late (A-2), some at the edges of the Pacific day, some not decisions (open, withdrawn),
    one week without any: the tally's charts give the figures the grouped count gave."""
    chance = random.Random(10)
    today = dates.local_date(filing_day)
    empty_week = today - timedelta(days=today.weekday(), weeks=3)
    for back in range(0, 63):
        day = today - timedelta(days=back)
        if empty_week <= day < empty_week + timedelta(days=7):
            continue
        for _ in range(chance.choice([0, 1, 1, 2])):
            moment = datetime.combine(day, datetime.min.time(), tzinfo=dates.PACIFIC) + timedelta(
                minutes=chance.choice([1, 9 * 60, 17 * 60 + 30, 23 * 60 + 59])
            )
            if moment > filing_day:
                moment = filing_day
            team = chance.choice([Reviewer.CALTAC, Reviewer.CALTAC, Reviewer.CDE])
            status, by = chance.choice(
                [
                    (AppealStatus.APPROVED, caltac_agent),
                    (AppealStatus.APPROVED, caltac_colleague),
                    (AppealStatus.REJECTED_BY_SYSTEM, None),
                    (AppealStatus.WITHDRAWN, None),
                ]
            )
            if team == Reviewer.CDE and by is not None:
                by = cde_reviewer
            if status == AppealStatus.APPROVED and chance.random() < 0.3:
                status = transitions.REJECTED_BY[team]
            add_appeals(
                reopen_case,
                1,
                reviewer=team,
                appeal_type="INVALIDATE" if team == Reviewer.CDE else "REOPEN",
                status=status,
                decided_at=moment,
                decided_by=by,
                decision_reason="Generated." if status != AppealStatus.APPROVED else "",
                due_at=moment + timedelta(hours=chance.choice([-30, -1, 1, 50])),
            )
    for user in (caltac_agent, cde_reviewer):
        days, weeks = _old_figures(user, today)
        board = reviewer_dashboard.dashboard_for(user, now=filing_day)
        assert {row.category: row.values[0] for row in board.decisions.rows} == days
        assert sum(days.values()) > 0
        shares = {row.category: (row.values[0], row.extra[0]) for row in board.in_time.rows}
        assert shares == {
            week: (round(100 * on_time / total) if total else None, total)
            for week, (total, on_time) in weeks.items()
        }
        assert shares[f"{empty_week:%b} {empty_week.day}"] == (None, 0)
        # Neither all on time nor none: the share is computed, not only its edges.
        assert any(share not in (None, 0, 100) for share, _ in shares.values())


def test_a_week_where_none_was_on_time_reads_0_percent_not_no_decisions(
    client, caltac_agent, reopen_case, filing_day
):
    """A-2: a late decision is no decision within four business days; its week shows 0%, with a
    label on the chart, unlike a week without decisions (no bar, "No decisions")."""
    last_week = filing_day - timedelta(weeks=1)
    add_appeals(
        reopen_case,
        3,
        status=AppealStatus.APPROVED,
        decided_at=last_week,
        due_at=last_week - timedelta(days=1),
    )
    body = _page(client, caltac_agent)
    shares = _rows(body, "Share of decisions made within four business days, per week")
    week = dates.local_date(last_week)
    week -= timedelta(days=week.weekday())
    assert shares.pop(f"{week:%b} {week.day}") == ["0%", "3"]
    assert set(map(tuple, shares.values())) == {("No decisions", "0")}
    # The table's columns: the share, then the week's number of decisions.
    assert re.search(r"Decided within four business days</th>\s*<th[^>]*>Decisions</th>", body)
    # On the chart: the 0% week is written at the axis; the others have no bar and no label.
    chart = body.split('id="in-time-heading"')[1].split("</svg>")[0]
    assert re.findall(r'fill="#212529">([^<]*)</text>', chart) == ["0%"]
    assert "<rect" not in chart
