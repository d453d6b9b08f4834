"""The reads of the reviewers' dashboard (issue 10, item 4): the start page of CDE reviewers and
administrators and of CalTAC agents.

A fixed number of queries whatever the number of appeals: the announcements, the closure days of
the queue clock, one capped count per queue tab (review_queries' own counting), and one read of
the team's tally of decisions over the chart's weeks (appeals.models.DecisionTally, summed in
the database to a row per day: 56 rows whatever the number of decisions), which gives both the
decisions per day and the weekly share decided in time. The queues start from their
definitions; the tally counts the decisions of ``review_queries.decided_appeals`` under their
team (reviewers see every appeal, ``queries.appeals_for``), so a team sees its own only.

The two charts are the HTML the template wrote, kept in the shared cache for a minute at most
under the day and the version of each team (incidents/dashboard_cache.py: a decision of the team
moves it once committed): the tally and the charts are read only on a miss, the counts on every
visit (bench/RESULTS.md, "Every page at state scale").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Final

from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from appeals.decisions import reviewer_teams
from appeals.models import DecisionTally
from incidents import charts
from incidents.announcement_models import Announcement
from incidents.dashboard import CHART_WEEKS, announcements_for
from incidents.dashboard_cache import teams_key
from incidents.review_queries import (
    COUNT_CAP,
    TAB_LABELS,
    QueueFilters,
    Tab,
    queue_clock,
    queue_counts,
)
from students import dates

DECISION_DAYS: Final = 14
# The charts may trail a decision that no save announced (a bulk write) by this much at most.
CHARTS_CACHE_SECONDS: Final = 60
# The tabs the dashboard counts; Decided is the charts' business.
COUNTED_TABS: Final = (Tab.MINE, Tab.UNCLAIMED, Tab.DUE, Tab.OVERDUE)


@dataclass(frozen=True)
class QueueCount:
    tab: str
    label: str
    count: int  # at most COUNT_CAP
    capped: bool  # more than COUNT_CAP
    url: str


@dataclass
class ReviewerDashboard:
    announcements: list[Announcement]
    counts: list[QueueCount]
    teams: frozenset[str]
    today: date
    # The template's {% cache %} of the charts: for how long, under which key.
    charts_seconds: int = 0
    charts_key: str = ""

    @cached_property
    def _charts(self) -> tuple[charts.StackedBars, charts.StackedBars]:
        return decision_charts(self.teams, self.today)

    @property
    def decisions(self) -> charts.StackedBars:
        """Per day, the last DECISION_DAYS days (read on first use)."""
        return self._charts[0]

    @property
    def in_time(self) -> charts.StackedBars:
        """The share decided by the due date, per week (read on first use)."""
        return self._charts[1]


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
    return ReviewerDashboard(
        announcements=announcements_for(user, today),
        counts=counts,
        teams=teams,
        today=today,
        charts_seconds=min(CHARTS_CACHE_SECONDS, settings.DASHBOARD_CACHE_SECONDS),
        charts_key=teams_key(teams, today),
    )


def decision_charts(
    teams: frozenset[str], today: date
) -> tuple[charts.StackedBars, charts.StackedBars]:
    """The team's decisions per day over the last DECISION_DAYS days, and the share decided
    within four business days per week over the last CHART_WEEKS weeks."""
    # One read of the tally per Pacific day over the chart's weeks serves both charts: the last
    # DECISION_DAYS days lie within them. The (team, day, reviewer) unique index of the tally
    # gives the team's rows of those days, summed over its reviewers and the system.
    first_day = today - timedelta(days=DECISION_DAYS - 1)
    first_week = _week_start(today) - timedelta(weeks=CHART_WEEKS - 1)
    per_day = {
        day: (total, on_time)
        for day, total, on_time in DecisionTally.objects.filter(
            team__in=sorted(teams), day__gte=min(first_day, first_week)
        )
        .values_list("day")
        .annotate(total=Sum("decided"), on_time=Sum("on_time"))
        .order_by()
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
    # A week without decisions has no share (no bar, "No decisions"), unlike one where none
    # was on time (0%); the table gives each week's number of decisions beside its share.
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
        no_data="No decisions",
        extra_columns=[
            ("Decisions", {week_labels[week]: per_week.get(week, (0, 0))[0] for week in weeks})
        ],
    )
    return decisions, in_time


__all__ = ["ReviewerDashboard", "dashboard_for", "is_reviewer"]
