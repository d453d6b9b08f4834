"""The reads of the reviewers' dashboard (issue 10, item 4): the start page of CDE reviewers and
administrators and of CalTAC agents.

A fixed number of queries whatever the number of appeals: the announcements, the closure days of
the queue clock, one capped count per queue tab (review_queries' own counting), and one grouped
count of the team's decisions per day over the chart's weeks, which gives both the decisions
per day and the weekly share decided in time. Every read starts from the queues' definitions,
so a team sees its own appeals only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from appeals.decisions import reviewer_teams
from incidents import charts
from incidents.announcement_models import Announcement
from incidents.dashboard import CHART_WEEKS, announcements_for
from incidents.review_queries import (
    COUNT_CAP,
    TAB_LABELS,
    QueueFilters,
    Tab,
    decided_appeals,
    queue_clock,
    queue_counts,
)
from students import dates

DECISION_DAYS: Final = 14
# The tabs the dashboard counts; Decided is the charts' business.
COUNTED_TABS: Final = (Tab.MINE, Tab.UNCLAIMED, Tab.DUE, Tab.OVERDUE)


@dataclass(frozen=True)
class QueueCount:
    tab: str
    label: str
    count: int  # at most COUNT_CAP
    capped: bool  # more than COUNT_CAP
    url: str


@dataclass(frozen=True)
class ReviewerDashboard:
    announcements: list[Announcement]
    counts: list[QueueCount]
    decisions: charts.StackedBars  # per day, the last DECISION_DAYS days
    in_time: charts.StackedBars  # the share decided by the due date, per week
    today: date


def is_reviewer(user: User) -> bool:
    """Whether ``user`` decides appeals for a team (CDE reviewers and administrators, CalTAC)."""
    return bool(reviewer_teams(user))


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())  # Monday, as Postgres' date_trunc('week')


def dashboard_for(user: User, *, now: datetime | None = None) -> ReviewerDashboard:
    now = now or timezone.now()
    today = dates.local_date(now)
    teams = reviewer_teams(user)
    clock = queue_clock(now)
    raw = queue_counts(user, teams, QueueFilters(), clock, COUNTED_TABS)
    queue = reverse("review:queue")
    counts = [
        QueueCount(
            tab.value,
            TAB_LABELS[tab],
            min(raw[tab], COUNT_CAP),
            raw[tab] > COUNT_CAP,
            f"{queue}?view={tab.value}",
        )
        for tab in COUNTED_TABS
    ]
    decided = decided_appeals(user, teams).order_by()

    # One grouped count per Pacific day over the chart's weeks serves both charts: the last
    # DECISION_DAYS days lie within them. The day is the expression of appeal_decided_day_idx
    # (incidents/0009), which holds the status, decision time and due date too: an index-only
    # scan of the team's decisions in those weeks.
    first_day = today - timedelta(days=DECISION_DAYS - 1)
    first_week = _week_start(today) - timedelta(weeks=CHART_WEEKS - 1)
    per_day = {
        day: (total, on_time)
        for day, total, on_time in decided.annotate(
            day=TruncDate("decided_at", tzinfo=dates.PACIFIC)
        )
        .filter(day__gte=min(first_day, first_week))
        .values_list("day")
        .annotate(
            total=Count("*"), on_time=Count("decided_at", filter=Q(decided_at__lte=F("due_at")))
        )
    }
    days = [first_day + timedelta(days=k) for k in range(DECISION_DAYS)]
    day_labels = {day: f"{day:%b} {day.day}" for day in days}
    decisions = charts.stacked_bars(
        "Decisions per day, last 14 days",
        [("decided", "Decisions")],
        [day_labels[day] for day in days],
        {(day_labels[day], "decided"): per_day.get(day, (0, 0))[0] for day in days},
    )

    per_week: dict[date, tuple[int, int]] = {}
    for day, (total, on_time) in per_day.items():
        week = _week_start(day)
        seen_total, seen_on_time = per_week.get(week, (0, 0))
        per_week[week] = (seen_total + total, seen_on_time + on_time)
    weeks = [first_week + timedelta(weeks=k) for k in range(CHART_WEEKS)]
    week_labels = {week: f"{week:%b} {week.day}" for week in weeks}
    shares = {}
    for week in weeks:
        total, on_time = per_week.get(week, (0, 0))
        if total:
            shares[(week_labels[week], "share")] = round(100 * on_time / total)
    in_time = charts.stacked_bars(
        "Share of decisions made within four business days, per week",
        [("share", "Decided within four business days")],
        [week_labels[week] for week in weeks],
        shares,
        top=100,
        show_total=False,
        unit="%",
    )
    return ReviewerDashboard(
        announcements=announcements_for(user, today),
        counts=counts,
        decisions=decisions,
        in_time=in_time,
        today=today,
    )


__all__ = ["ReviewerDashboard", "dashboard_for", "is_reviewer"]
